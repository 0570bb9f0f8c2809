"""The precision audit (issue 13): a seeded random sample of `replace` entries, legitimate
sentences written against each by auditors who did not write the entries, and the score.

    python tests/audit/audit.py sample ROUND --seed N --en 70 --fr 50   # writes ROUND/worksheet.json
    python tests/audit/audit.py score ROUND                             # runs ROUND/audit.json

An auditor fills ``ROUND/audit.json``: for each sampled entry, ``legit`` (sentences that use
the entry's wrong form in its legitimate senses while meeting the entry's context conditions,
written to make it misfire) and ``artefacts`` (realistic MT sentences holding the artefact,
each with the ``expected`` corrected text a careful editor would accept, or "flag" when the
right correction depends on more than the entry can know). The score counts, per entry, a
legitimate sentence edited ("edits legitimate text", the tool as it runs by default) and an
artefact sentence corrected into something else than expected ("wrong correction", the tool
told its input is machine-translated, ``--assume-mt``, so that every artefact is edited);
``score ROUND --assume-mt`` also runs the legitimate sentences that way (the harder figure).
tests/test_audit.py locks the figures.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))


def sample(round_name: str, seed: int, n_en: int, n_fr: int) -> Path:
    from cleanup import Cleaner

    cleaner = Cleaner()
    chosen = []
    for lang, n in (("en", n_en), ("fr", n_fr)):
        pool = sorted((e for e in cleaner.pack(lang).entries if e.action == "replace"), key=lambda e: e.key)
        chosen += random.Random(seed).sample(pool, n)
    sheet = {
        "round": round_name, "seed": seed, "entries": [
            {"entry": e.key, "where": e.where, "term": e.term, "wrong": list(e.wrong),
             "pattern": e.pattern.pattern if e.pattern else None, "scope": e.scope,
             "require": list(e.require), "forbid": list(e.forbid),
             "before": e.before.pattern if e.before else None, "not_before": e.not_before.pattern if e.not_before else None,
             "after": e.after.pattern if e.after else None, "not_after": e.not_after.pattern if e.not_after else None,
             "gender": e.gender, "number": e.number, "note": e.note,
             "must_fire": list(e.must_fire), "must_not_fire": list(e.must_not_fire)}
            for e in chosen],
    }
    out = HERE / round_name / "worksheet.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(sheet, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def score(round_name: str, cleaner=None) -> dict:
    """Per-entry verdicts and totals for an audit file."""
    from cleanup import Cleaner

    from cleanup.selftest import as_machine_translated

    cleaner = cleaner or Cleaner()
    mt = as_machine_translated(cleaner)
    audit = json.loads((HERE / round_name / "audit.json").read_text(encoding="utf-8"))
    verdicts = []
    legit_total = legit_edited = 0
    for item in audit["entries"]:
        key = item["entry"]
        lang = key.split("/", 1)[0]
        edited, wrong = [], []
        for sentence in item.get("legit", []):
            legit_total += 1
            result = cleaner.fix(sentence, lang)
            if result.edits:
                legit_edited += 1
                edited.append({"sentence": sentence, "output": result.output,
                               "by": sorted({e.entry or e.rule for e in result.edits})})
        for case in item.get("artefacts", []):
            result = mt.fix(case["text"], lang)  # an artefact sentence is MT output: no corroboration needed
            expected = case["expected"]
            if expected == "flag":
                ok = not any(e.entry == key for e in result.edits)
            else:
                ok = result.output == expected or not any(e.entry == key for e in result.edits)
            if not ok:
                wrong.append({"text": case["text"], "output": result.output, "expected": expected})
        own = [x for x in edited if key in x["by"]]
        verdicts.append({"entry": key, "edits_legit": bool(own), "legit_edited_by_others": len(edited) - len(own),
                         "wrong_correction": bool(wrong), "edited": edited, "wrong": wrong})
    n = len(verdicts)
    totals = {
        "entries": n,
        "entries_editing_legit_text": sum(v["edits_legit"] for v in verdicts),
        "entries_with_wrong_corrections": sum(v["wrong_correction"] for v in verdicts),
        "legit_sentences": legit_total,
        "legit_sentences_edited": legit_edited,
    }
    totals["share_editing_legit_text"] = round(totals["entries_editing_legit_text"] / n, 4) if n else 0.0
    return {"round": round_name, "seed": audit.get("seed"), "totals": totals, "verdicts": verdicts}


if __name__ == "__main__":
    command, name = sys.argv[1], sys.argv[2]
    if command == "sample":
        args = dict(zip(sys.argv[3::2], sys.argv[4::2]))
        print(sample(name, int(args.get("--seed", 2027)), int(args.get("--en", 70)), int(args.get("--fr", 50))))
    else:
        from cleanup import Cleaner, Settings

        report = score(name, Cleaner(settings=Settings(assume_mt="--assume-mt" in sys.argv)))
        print(json.dumps(report["totals"], indent=1))
        for v in report["verdicts"]:
            for x in v["edited"]:
                print(f"EDITED {v['entry']}: {x['sentence']!r} -> {x['output']!r} by {x['by']}")
            for x in v["wrong"]:
                print(f"WRONG  {v['entry']}: {x['text']!r} -> {x['output']!r} (expected {x['expected']!r})")
