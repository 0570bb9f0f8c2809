"""Learning from review: editors' decisions turned into proposed glossary changes.

- A rejected change (or flag) of a glossary entry becomes a ``must_not_fire`` example on that
  entry, with the narrowest context exclusion that stops it there: the word just before the
  match (``not_before``) or just after it (``not_after``), never one that an accepted use of the
  entry shares. Rejections of one entry in several articles that share that word become one
  exclusion. The exclusion is written as an ``[[amend]]`` table, so bundled entries are narrowed
  from the user's folder and the bundled data is never touched.
- The editor's own replacement of a change, a flag or any other span becomes a candidate entry
  (``wrong`` = the original text, ``term`` = the editor's text) with the sentence as its
  ``must_fire`` example and the corrected sentence as its ``must_not_fire`` example; when it
  replaced a change of another entry, that entry is excluded there as for a rejection.

Every proposal is tested as ``cleanup glossary test`` tests it (its entry's examples, and the
examples of every entry that mentions its wrong form) with the learned file in place, and must
reproduce the editor's sentence; a proposal that fails is reported and left out.
"""

from __future__ import annotations

import difflib
import json
import shutil
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from .decisions import Decisions
from .document import WORD_RE, normalize_token
from .errors import UsageError
from .resources import bundled_dir

LEARNED = "learned.toml"


# -- statistics --------------------------------------------------------------------------------


def statistics(loaded: list[tuple[str, Decisions]], top: int = 10) -> str:
    """Totals and the entries (or rules) most rejected and most accepted across files."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    articles: dict[str, set[str]] = defaultdict(set)
    totals: dict[str, int] = defaultdict(int)
    for name, d in loaded:
        for rec in d.records:
            decision = rec.get("decision") or "undecided"
            key = "editor's own change" if rec["type"] == "editor" else (rec.get("entry") or rec.get("rule") or "?")
            totals[decision] += 1
            counts[key][decision] += 1
            articles[key].add(name)
    n = sum(totals.values())
    out = [f"decisions: {len(loaded)} file(s), {n} item(s): " + ", ".join(
        f"{totals[k]} {k}" for k in ("accept", "reject", "replace", "undecided") if totals[k]) + "\n"]

    def table(title: str, key: str) -> None:
        ranked = sorted((k for k in counts if counts[k][key]), key=lambda k: (-counts[k][key], k))[:top]
        if not ranked:
            return
        out.append(f"most {title}:\n")
        for k in ranked:
            c = counts[k]
            decided = c["accept"] + c["reject"] + c["replace"]
            out.append(f"  {c[key]:>4} of {decided:<4} {k}  ({len(articles[k])} article(s); "
                       f"accepted {c['accept']}, rejected {c['reject']}, replaced {c['replace']})\n")

    table("rejected", "reject")
    table("replaced", "replace")
    table("accepted", "accept")
    return "".join(out)


# -- proposals ---------------------------------------------------------------------------------


@dataclass
class Rejection:
    entry: str
    sentence: str
    at: int
    old: str
    article: str

    def words_before(self, n: int) -> tuple[str, ...] | None:
        words = WORD_RE.findall(self.sentence[: self.at])
        return tuple(words[-n:]) if len(words) >= n else None

    def words_after(self, n: int) -> tuple[str, ...] | None:
        words = WORD_RE.findall(self.sentence[self.at + len(self.old):])
        return tuple(words[:n]) if len(words) >= n else None


@dataclass
class Amend:
    entry: str
    not_before: list[tuple[str, ...]] = field(default_factory=list)  # phrases (words)
    not_after: list[tuple[str, ...]] = field(default_factory=list)
    must_not_fire: list[str] = field(default_factory=list)
    articles: set[str] = field(default_factory=set)

    def table(self) -> dict[str, Any]:
        t: dict[str, Any] = {"entry": self.entry}
        if self.not_before:
            t["not_before"] = _before_regex(self.not_before)
        if self.not_after:
            t["not_after"] = _after_regex(self.not_after)
        t["must_not_fire"] = self.must_not_fire
        return t


@dataclass
class Candidate:
    lang: str
    id: str
    term: str
    wrong: str
    kind: str
    sentence: str
    corrected: str
    articles: set[str] = field(default_factory=set)
    exact_case: bool = False
    not_before: list[tuple[str, ...]] = field(default_factory=list)  # accepted uses of other entries
    not_after: list[tuple[str, ...]] = field(default_factory=list)

    def table(self) -> dict[str, Any]:
        t: dict[str, Any] = {"id": self.id, "term": self.term, "wrong": [self.wrong], "kind": self.kind}
        if self.exact_case:
            t["case"] = "exact"
        if self.not_before:
            t["not_before"] = _before_regex(self.not_before)
        if self.not_after:
            t["not_after"] = _after_regex(self.not_after)
        t["must_fire"] = [self.sentence]
        t["must_not_fire"] = [self.corrected]
        return t


def _phrases(phrases: list[tuple[str, ...]]) -> str:
    """An alternation of word sequences (case-insensitive, any non-word gap between words)."""
    alts = sorted({r"[^\w\n]{1,3}".join(regex.escape(normalize_token(w)) for w in p) for p in phrases})
    return "|".join(alts)


def _before_regex(phrases: list[tuple[str, ...]]) -> str:
    return rf"(?i)(?<![\w])(?:{_phrases(phrases)})[^\w\n]{{0,3}}$"


def _after_regex(phrases: list[tuple[str, ...]]) -> str:
    return rf"(?i)^[^\w\n]{{0,3}}(?:{_phrases(phrases)})(?![\w])"


def _slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return regex.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:40] or "x"


@dataclass
class Problem:
    what: str
    why: str

    def __str__(self) -> str:
        return f"left out: {self.what}: {self.why}"


@dataclass
class Outcome:
    """Proposals that passed, the files they make and what was left out."""

    folder: Path
    texts: dict[Path, str]  # learned file -> its new text
    old_texts: dict[Path, str]
    amends: list[Amend]
    candidates: list[Candidate]
    problems: list[Problem]

    @property
    def files(self) -> list[Path]:
        return [p for p in self.texts if self.texts[p] != self.old_texts.get(p)]

    def diff(self) -> str:
        out = []
        for path in self.files:
            old = self.old_texts.get(path, "")
            out += difflib.unified_diff(old.splitlines(keepends=True), self.texts[path].splitlines(keepends=True),
                                        f"a/{path}" if old else "/dev/null", f"b/{path}")
        return "".join(out)

    def report(self) -> str:
        lines = [self.diff()]
        lines.append(f"proposals: {len(self.amends)} exclusion(s) with must_not_fire examples, "
                     f"{len(self.candidates)} candidate entr{'y' if len(self.candidates) == 1 else 'ies'}; "
                     "all pass glossary test\n")
        lines += [f"{p}\n" for p in self.problems]
        return "".join(lines)

    def write(self) -> None:
        from .textio import write_atomic

        for path in self.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, self.texts[path].encode("utf-8"))


def _check_folder(folder: Path) -> None:
    bundled = bundled_dir().resolve()
    real = folder.resolve()
    if real == bundled or bundled in real.parents or real in bundled.parents:
        raise UsageError(f"{folder}: is the bundled glossary folder; learn writes into your own folder")


def gather(loaded: list[tuple[str, Decisions]], known: dict[str, Any]):
    """Rejections per entry, replacements, and decisions learn cannot use (with why)."""
    rejections: dict[str, list[Rejection]] = defaultdict(list)
    replacements: list[tuple[str, dict[str, Any], str]] = []  # (article, record, lang)
    problems: list[Problem] = []
    for name, d in loaded:
        lang = d.article.get("lang") or ""
        for rec in d.records:
            decision = rec.get("decision")
            entry = rec.get("entry")
            sentence = rec.get("sentence") or rec["old"]
            at = rec.get("sentence_at") if isinstance(rec.get("sentence_at"), int) else sentence.find(rec["old"])
            if decision in ("reject", "replace") and entry:
                if entry not in known:
                    problems.append(Problem(f"{name}: {entry}", "entry not loaded (give its glossary)"))
                elif sentence[at: at + len(rec["old"])] != rec["old"]:
                    problems.append(Problem(f"{name}: {rec['id']}", "its sentence does not hold its text"))
                else:
                    rejections[entry].append(Rejection(entry, sentence, at, rec["old"], name))
            elif decision == "reject" and not entry:
                problems.append(Problem(f"{name}: {rec.get('rule')} {rec['old']!r}",
                                        "a rule, not a glossary entry: counted in the statistics only"))
            if decision == "replace":
                replacements.append((name, rec, (entry or "").split("/", 1)[0] or lang))
    return rejections, replacements, problems


def propose(loaded: list[tuple[str, Decisions]], known: dict[str, Any], accepted: dict[str, list[str]]):
    """Amendments and candidate entries from the decisions (not yet tested)."""
    rejections, replacements, problems = gather(loaded, known)
    amends: list[Amend] = []
    for key, rejs in sorted(rejections.items()):
        entry = known[key]
        positives = list(entry.must_fire) + accepted.get(key, [])
        amend = Amend(key)
        for r in rejs:
            forms = entry.wrong + ((entry.pattern,) if entry.pattern is not None else ())
            side, phrase = _separate(r, positives, forms)
            if side:
                (amend.not_before if side == "before" else amend.not_after).append(phrase)
            else:
                problems.append(Problem(f"{r.article}: {key} on {r.old!r}",
                                        "no neighbouring words separate it from the accepted uses"))
                continue
            if r.sentence not in amend.must_not_fire:
                amend.must_not_fire.append(r.sentence)
            amend.articles.add(r.article)
        if amend.must_not_fire:
            amends.append(amend)
    candidates: dict[tuple[str, str, str], Candidate] = {}
    for name, rec, lang in replacements:
        old, new = rec["old"], rec["replacement"]
        sentence = rec.get("sentence") or old
        at = rec.get("sentence_at") if isinstance(rec.get("sentence_at"), int) else sentence.find(old)
        if not WORD_RE.search(old) or not lang:
            problems.append(Problem(f"{name}: {old!r} -> {new!r}", "no words to match"))
            continue
        if not new.strip():
            problems.append(Problem(f"{name}: {old!r} -> {new!r}", "a deletion: not a glossary entry"))
            continue
        corrected = sentence[:at] + new + sentence[at + len(old):]
        key = (lang, old.casefold(), new)
        if key not in candidates:
            same_words = [normalize_token(w) for w in WORD_RE.findall(old)] == \
                         [normalize_token(w) for w in WORD_RE.findall(new)]
            candidates[key] = Candidate(lang, f"learned-{_slug(new)}-{_slug(old)}", new, old,
                                        rec.get("kind") or "lexical", sentence, corrected,
                                        exact_case=same_words)
        candidates[key].articles.add(name)
    for c in candidates.values():
        # Never fire where editors accepted another entry's change, or where another entry's
        # must_fire example wants that entry to fire.
        wrong = c.wrong.casefold()
        uses = [(rec.get("sentence") or rec["old"], rec.get("sentence_at") or 0)
                for _, rec in accepted_records(loaded) if wrong in rec["old"].casefold()]
        uses += [(x, 0) for e in known.values() for x in e.must_fire if wrong in x.casefold()]
        for sentence, start in uses:
            at = sentence.casefold().find(wrong, max(0, start))
            if at < 0:
                continue
            side, phrase = _separate(Rejection("", sentence, at, sentence[at: at + len(c.wrong)], ""),
                                     [c.sentence], (c.wrong,))
            if side:
                (c.not_before if side == "before" else c.not_after).append(phrase)
    return amends, list(candidates.values()), problems


def accepted_records(loaded: list[tuple[str, Decisions]]):
    for name, d in loaded:
        for rec in d.records:
            if rec.get("decision") == "accept":
                yield name, rec


def _separate(r: Rejection, positives: list[str], forms) -> tuple[str | None, tuple[str, ...]]:
    """The narrowest neighbouring words of ``r`` (1 to 3, before or after) that no use of
    ``forms`` in ``positives`` shares: ("before" | "after", words), or (None, ())."""
    for n in (1, 2, 3):
        before = r.words_before(n)
        if before and _norm(before) not in _neighbours(positives, forms, n, True):
            return "before", before
        after = r.words_after(n)
        if after and _norm(after) not in _neighbours(positives, forms, n, False):
            return "after", after
    return None, ()


def _norm(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalize_token(w) for w in words)


def _neighbours(sentences: list[str], forms, n: int, before: bool) -> set[tuple[str, ...]]:
    """The ``n`` words before (or after) each of the wrong ``forms`` in ``sentences``: the
    contexts of uses that must keep firing."""
    out = set()
    for sentence in sentences:
        spans = []
        for form in forms:
            if isinstance(form, str):
                found = regex.finditer(regex.escape(form), sentence, regex.I)
            else:  # a pattern entry's regex
                found = form.finditer(sentence, timeout=1)
            try:
                spans += [(m.start(), m.end()) for m in found]
            except TimeoutError:
                continue
        for start, end in spans:
            words = WORD_RE.findall(sentence[:start] if before else sentence[end:])
            picked = words[-n:] if before else words[:n]
            if picked:
                out.add(_norm(tuple(picked)))
    return out


# -- the learned file --------------------------------------------------------------------------


def _toml_string(s: str) -> str:
    if "'" not in s and "\n" not in s and "\r" not in s and all(c.isprintable() or c == "\t" for c in s):
        return f"'{s}'"
    return json.dumps(s, ensure_ascii=False)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        if len(v) <= 1:
            return "[" + ", ".join(_toml_value(x) for x in v) + "]"
        return "[\n" + "".join(f"  {_toml_value(x)},\n" for x in v) + "]"
    return _toml_string(str(v))


def render_learned(lang: str, amends: list[dict], entries: list[dict], comments: dict[str, str]) -> str:
    out = ["# Written by `cleanup glossary learn` from editors' decisions: review it like code.\n",
           "[glossary]\n", f'lang = "{lang}"\n', 'domain = "learned"\n']
    for t in amends:
        out.append("\n[[amend]]\n")
        if comments.get(t["entry"]):
            out.append(f"# {comments[t['entry']]}\n")
        out += [f"{k} = {_toml_value(v)}\n" for k, v in t.items()]
    for t in entries:
        out.append("\n[[entry]]\n")
        if comments.get(t["id"]):
            out.append(f"# {comments[t['id']]}\n")
        out += [f"{k} = {_toml_value(v)}\n" for k, v in t.items()]
    return "".join(out)


def _merge_lists(a: list, b: list) -> list:
    return a + [x for x in b if x not in a]


def merged_tables(existing: dict | None, amends: list[Amend], candidates: list[Candidate]) -> tuple[list[dict], list[dict]]:
    """The learned file's tables: what it held, plus the new proposals (lists merged)."""
    am: dict[str, dict] = {t["entry"]: dict(t) for t in (existing or {}).get("amend", [])}
    en: dict[str, dict] = {t["id"]: dict(t) for t in (existing or {}).get("entry", [])}
    for a in amends:
        t = a.table()
        old = am.get(a.entry)
        if old is None:
            am[a.entry] = t
            continue
        for k in ("not_before", "not_after"):
            if k in t and t[k] != old.get(k):
                old[k] = t[k] if k not in old else f"(?:{old[k]})|(?:{t[k]})"
        old["must_not_fire"] = _merge_lists(list(old.get("must_not_fire", [])), t["must_not_fire"])
    for c in candidates:
        t = c.table()
        old = en.get(c.id)
        if old is None:
            en[c.id] = t
            continue
        for k in ("wrong", "must_fire", "must_not_fire"):
            old[k] = _merge_lists(list(old.get(k, [])), t[k])
    return list(am.values()), list(en.values())


# -- learning ---------------------------------------------------------------------------------


def learn(loaded: list[tuple[str, Decisions]], folder: Path, config) -> Outcome:
    """Proposals from ``loaded`` decisions for the glossary folder ``folder``, each tested."""
    import tomllib

    from .pipeline import Cleaner

    _check_folder(folder)
    args = config.cleaner_args()
    dirs = [Path(d) for d in args["glossary_dirs"]]
    base = Cleaner(**args)
    known = {e.key: e for p in base.packs.values() for e in p.entries}
    accepted: dict[str, list[str]] = defaultdict(list)
    for _, d in loaded:
        for rec in d.records:
            if rec.get("decision") == "accept" and rec.get("entry"):
                accepted[rec["entry"]].append(rec.get("sentence") or rec["old"])
    amends, candidates, problems = propose(loaded, known, accepted)
    langs = sorted({a.entry.split("/", 1)[0] for a in amends} | {c.lang for c in candidates})
    # Accepted changes the current glossaries make in their sentence: learning must keep them.
    kept = [(name, rec, lang) for name, rec in accepted_records(loaded)
            if (lang := (rec.get("entry") or "").split("/", 1)[0] or "") and _accepted_edit(base, rec, lang) is True]
    old_texts: dict[Path, str] = {}
    existing: dict[str, dict] = {}
    for lang in langs:
        path = folder / lang / LEARNED
        if path.is_file():
            old_texts[path] = path.read_text(encoding="utf-8")
            existing[lang] = tomllib.loads(old_texts[path])
    with tempfile.TemporaryDirectory(prefix="cleanup-learn-") as tmp:
        trial = Path(tmp) / "glossaries"
        if folder.is_dir():
            shutil.copytree(folder, trial, ignore=shutil.ignore_patterns(".*"))
        trial.mkdir(exist_ok=True)
        in_use = [d for d in dirs if d.resolve() != folder.resolve()] + [trial]
        for _ in range(len(amends) + len(candidates) + 1):  # drop failing proposals until all pass
            texts = _texts(langs, existing, amends, candidates, base)
            for lang, text in texts.items():
                (trial / lang).mkdir(parents=True, exist_ok=True)
                (trial / lang / LEARNED).write_text(text, encoding="utf-8")
            failed = _test(dict(args, glossary_dirs=in_use), amends, candidates, kept)
            if not failed:
                break
            for proposal, why in failed:
                problems.append(Problem(_name(proposal), why))
                (amends if isinstance(proposal, Amend) else candidates).remove(proposal)
    final = {folder / lang / LEARNED: text for lang, text in _texts(langs, existing, amends, candidates, base).items()}
    if not amends and not candidates:
        final = {p: t for p, t in final.items() if p in old_texts}
    return Outcome(folder, final, old_texts, amends, candidates, problems)


def _name(p) -> str:
    return f"exclusion on {p.entry}" if isinstance(p, Amend) else f"candidate {p.wrong!r} -> {p.term!r}"


def _texts(langs, existing, amends, candidates, base) -> dict[str, str]:
    out = {}
    for lang in langs:
        mine_a = [a for a in amends if a.entry.startswith(lang + "/")]
        mine_c = [c for c in candidates if c.lang == lang]
        comments = {a.entry: "rejected or replaced by editors in " + ", ".join(sorted(a.articles)) for a in mine_a}
        comments.update({c.id: "the editor's replacement in " + ", ".join(sorted(c.articles)) for c in mine_c})
        am, en = merged_tables(existing.get(lang), mine_a, mine_c)
        out[lang] = render_learned(lang, am, en, comments)
    return out


def _accepted_edit(cleaner, rec: dict[str, Any], lang: str):
    """True when fixing the record's sentence makes its accepted change; else the edit (or
    None) found at its place instead."""
    from .selftest import as_machine_translated

    sentence, at = rec.get("sentence") or rec["old"], rec.get("sentence_at") or 0
    try:
        result = as_machine_translated(cleaner).fix(sentence, lang)  # a sentence of MT output
    except Exception:  # noqa: BLE001 - an unsupported language: nothing to keep
        return None
    for e in result.edits:
        if e.start == at and e.old == rec["old"]:
            return True if e.new == rec.get("proposed") else e
    return next((e for e in result.edits if e.start <= at < e.end), None)


def _test(args: dict, amends: list[Amend], candidates: list[Candidate], kept=()) -> list[tuple[Any, str]]:
    """Each proposal with the reason it fails (empty when all pass): its entry's examples, the
    examples of entries mentioning a candidate's wrong form, the editor's sentence, and the
    accepted changes ``kept`` (which must still be made)."""
    from .errors import GlossaryError
    from .pipeline import Cleaner
    from .selftest import as_machine_translated, check_entry

    try:
        cleaner = Cleaner(**args)
        packs = {code: p.by_key for code, p in cleaner.packs.items()}
    except GlossaryError as exc:
        # A proposal the loader refuses (e.g. a wrong form that is the term): find which.
        bad = next((c for c in candidates if c.id in str(exc)), None) or (candidates or amends)[-1]
        return [(bad, f"glossary error: {exc}")]
    failed = []
    for a in amends:
        lang = a.entry.split("/", 1)[0]
        entry = packs[lang].get(a.entry)
        problems = check_entry(cleaner, entry, lang)
        if problems:
            failed.append((a, f"glossary test: {problems[0].problem}: {problems[0].example!r}"))
    for c in candidates:
        entry = packs[c.lang].get(f"{c.lang}/learned:{c.id}")
        problems = check_entry(cleaner, entry, c.lang)
        wrong = c.wrong.casefold()
        for other in packs[c.lang].values():
            if other.key != entry.key and any(wrong in x.casefold() for x in other.must_fire + other.must_not_fire):
                problems += check_entry(cleaner, other, c.lang)
        if problems:
            failed.append((c, f"glossary test: {problems[0].entry.key}: {problems[0].problem}: {problems[0].example!r}"))
            continue
        got = as_machine_translated(cleaner).fix(c.sentence, c.lang).output  # a sentence of MT output
        if got != c.corrected:
            failed.append((c, f"fixing the sentence gives {got!r}, not the editor's {c.corrected!r}"))
    if failed:
        return failed
    by_id = {f"{c.lang}/learned:{c.id}": c for c in candidates}
    by_entry = {a.entry: a for a in amends}
    for name, rec, lang in kept:
        got = _accepted_edit(cleaner, rec, lang)
        if got is True:
            continue
        culprit = by_id.get(getattr(got, "entry", None)) or by_entry.get(rec.get("entry"))
        if culprit is not None:
            failed.append((culprit, f"it would undo the accepted {rec['old']!r} -> {rec.get('proposed')!r} in {name}"))
            return failed
    return failed
