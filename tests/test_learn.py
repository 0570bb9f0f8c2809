"""`cleanup glossary learn`: decisions from three articles become exclusions, must_not_fire
examples and candidate entries in the user's folder; they pass `glossary test`, and fixing the
three articles again with them reproduces the editors' final texts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.decisions import (apply_decisions, decide, editor_record, new_decisions, review_items,
                               save_decisions)
from cleanup.errors import GlossaryError
from cleanup.pipeline import Cleaner
from cleanup.resources import bundled_dir

from .conftest import SEED
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

DATA = Path(__file__).parent / "data" / "review"

# What the editors did: "fear climbing oil prices" is not an escalation (rejected in all three
# articles); their own wording for two changes; a name the tool does not know, changed by hand.
PLAN = {
    "markets.txt": {"reject": ["fear climbing"], "editor": [("Delanchon", "Delanchón")]},
    "kashmir.txt": {"reject": ["fear climbing"],
                    "replace": {"Minister of Pakistan Defense": "Pakistani Defence Minister"}},
    "paris.txt": {"reject": ["fear climbing"], "replace": {"best diplomat": "chief diplomat"},
                  "editor": [("Delanchon", "Delanchón")]},
}


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory, cleaner):
    """The three articles, their decisions files and the editors' final texts."""
    folder = tmp_path_factory.mktemp("reviewed")
    finals = {}
    for name, plan in PLAN.items():
        text = (DATA / name).read_text(encoding="utf-8")
        shutil.copy(DATA / name, folder / name)
        result = cleaner.fix(text)
        items = review_items(result, cleaner.pack(result.lang).language.abbreviations)
        d = new_decisions(items, name, result)
        for item, rec in zip(items, d.records):
            if any(r in item.before[-10:] + item.old for r in plan["reject"]):
                decide(rec, "reject", by="ana")
            elif item.old in plan.get("replace", {}):
                decide(rec, "replace", plan["replace"][item.old], by="ana")
            else:
                decide(rec, "accept", by="ana")
        for old, new in plan.get("editor", []):
            i = text.index(old)
            line = text[text.rfind("\n", 0, i) + 1: text.index("\n", i)]
            d.records.append(editor_record(text, i, i + len(old), new, sentence=line))
        save_decisions(folder / (name[:-4] + ".decisions.json"), d)
        finals[name] = apply_decisions(text, items, d).output
        assert finals[name] != result.output  # the editors did not simply accept the tool
    return folder, finals


@pytest.mark.slow  # 20 s: compiles the bundled glossaries with a learned folder four times; CI runs it
def test_learned_glossary_reproduces_the_editors(reviewed, tmp_path, capsys):
    folder, finals = reviewed
    mine = tmp_path / "newsroom"
    decisions = sorted(folder.glob("*.decisions.json"))
    code, out, _ = run(capsys, "glossary", "learn", *decisions, "--into", mine)
    assert code == 0 and "+++ b/" in out and "nothing written; pass --write" in out
    assert not mine.exists()  # shown as a diff first; nothing written without --write
    code, out, _ = run(capsys, "glossary", "learn", *decisions, "--into", mine, "--write")
    assert code == 0 and "left out" not in out, out
    learned = (mine / "en" / "learned.toml").read_text(encoding="utf-8")
    assert learned.count("[[amend]]") == 3 and learned.count("[[entry]]") == 3
    assert "entry = 'en/core:escalation-climbing'" in learned and "fear" in learned  # one exclusion, 3 articles
    assert "must_not_fire" in learned and "term = 'Delanchón'" in learned
    # Its own examples pass (the whole suite runs in test_learned_glossary_passes_glossary_test).
    learned_only = Cleaner(glossary_dirs=[mine], settings=MT)
    from cleanup.selftest import check_entry

    mine_entries = [e for e in learned_only.packs["en"].entries if str(e.path).startswith(str(mine))]
    assert len(mine_entries) == 6
    assert not [f for e in mine_entries for f in check_entry(learned_only, e, "en")]
    # Fixing the three articles again with the learned glossary gives the editors' texts.
    for name, final in finals.items():
        code, fixed, err = run(capsys, "fix", folder / name, "--glossary-dir", mine)
        assert code == 0, err
        assert fixed == final, name
    # Learning the same decisions again changes nothing.
    code, out, _ = run(capsys, "glossary", "learn", *decisions, "--into", mine)
    assert "+++" not in out and (mine / "en" / "learned.toml").read_text(encoding="utf-8") == learned


@pytest.mark.slow
def test_learned_glossary_passes_glossary_test(reviewed, tmp_path, capsys):
    folder, _ = reviewed
    mine = tmp_path / "newsroom"
    run(capsys, "glossary", "learn", *sorted(folder.glob("*.decisions.json")), "--into", mine, "--write")
    code, out, _ = run(capsys, "glossary", "test", "--glossary-dir", mine)
    assert code == 0 and out.endswith(" 0 failing examples\n")


def test_statistics_rank_entries_across_files(reviewed, capsys):
    folder, _ = reviewed
    code, out, _ = run(capsys, "glossary", "learn", *sorted(folder.glob("*.decisions.json")), "--stats")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "decisions: 3 file(s), 12 item(s): 5 accept, 3 reject, 4 replace"
    assert lines[1] == "most rejected:"
    assert lines[2].split() == ["3", "of", "4", "en/core:escalation-climbing", "(3", "article(s);",
                                "accepted", "1,", "rejected", "3,", "replaced", "0)"]


def test_a_rejection_the_entry_cannot_tell_apart_is_left_out(tmp_path, cleaner, capsys):
    text = SEED.read_text(encoding="utf-8")
    result = cleaner.fix(text)
    items = review_items(result)
    d = new_decisions(items, "seed.txt", result)
    for item, rec in zip(items, d.records):  # "tat-tray" in the very sentence its entry must fix
        decide(rec, "reject" if item.old == "tat-tray" else "accept")
    save_decisions(tmp_path / "d.json", d)
    code, out, _ = run(capsys, "glossary", "learn", tmp_path / "d.json", "--into", tmp_path / "g", "--write")
    assert code == 0
    assert (f"left out: {tmp_path / 'd.json'}: en/core:tit-for-tat on 'tat-tray': "
            "no neighbouring words separate it") in out
    assert not (tmp_path / "g").exists()


def test_learn_never_writes_into_the_bundled_glossaries(reviewed, capsys):
    folder, _ = reviewed
    before = {p: p.read_bytes() for p in bundled_dir().rglob("*.toml")}
    code, _, err = run(capsys, "glossary", "learn", *folder.glob("*.decisions.json"), "--into", bundled_dir(), "--write")
    assert code == 2 and "bundled glossary folder" in err
    code, _, err = run(capsys, "glossary", "learn", *folder.glob("*.decisions.json"), "--write")
    assert code == 2 and "--into" in err
    assert {p: p.read_bytes() for p in bundled_dir().rglob("*.toml")} == before


def _glossary(tmp_path, body: str) -> Path:
    path = tmp_path / "g.toml"
    path.write_text('[glossary]\nlang = "en"\ndomain = "mine"\n\n' + body, encoding="utf-8")
    return path


def test_amend_narrows_an_entry_of_another_file(tmp_path):
    path = _glossary(tmp_path, "[[amend]]\nentry = \"en/core:escalation-climbing\"\n"
                               "not_after = '^\\s*oil'\nmust_not_fire = [\"Military men fear climbing oil prices.\"]\n")
    text = "Military analysts fear climbing oil prices, and a wider military climbing."
    assert Cleaner(settings=MT).fix(text).output.count("escalation") == 2
    amended = Cleaner(extra_glossaries=[path], settings=MT)
    assert amended.fix(text).output == text.replace("military climbing", "military escalation")
    entry = amended.entry("en/core:escalation-climbing")
    assert entry.must_not_fire[-1] == "Military men fear climbing oil prices." and entry.where == f"{path}:5"


@pytest.mark.parametrize(("body", "message"), [
    ("[[amend]]\nentry = \"en/core:no-such-entry\"\n", "g.toml:5: [[amend]] names no loaded entry"),
    ("[[amend]]\nentry = \"en/core:tit-for-tat\"\nrequire = [\"x\"]\n", "g.toml:5: unknown field(s) require"),
    ("[[amend]]\nentry = \"en/core:tit-for-tat\"\nnot_before = \"(\"\n", "g.toml:5"),
])
def test_bad_amendments_name_file_and_line(tmp_path, body, message):
    path = _glossary(tmp_path, body)
    with pytest.raises(GlossaryError, match=re.escape(message)):
        Cleaner(extra_glossaries=[path]).fix("A cycle of tat-tray attacks.")
