"""``cleanup glossary lint``: problems in glossary files, each with file:line and a rule name.

Lint reads files the loader would refuse (it reports every problem, not the first), then
checks the entries that load against each other, per language. The rules are listed in
``RULES``; an allow-list file (``--allow``) accepts reviewed findings by rule and entry key.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .datafile import read_bytes
from .document import WORD_RE, Document, normalize_token
from .errors import CleanupError, GlossaryError, UsageError
from .glossary import ENTRY_KEYS, Entry, Glossary, entry_lines, glossary_from_data, parse_entry
from .regexcheck import backtracking, compile_error
from .resources import display_path

RULES: dict[str, str] = {
    "invalid-file": "the file cannot be read as a glossary (TOML syntax, header, language)",
    "invalid-entry": "the loader refuses the entry (the message says why)",
    "unknown-field": "a field the glossary format does not have (a typo disables a condition)",
    "missing-examples": "no must_fire or no must_not_fire example (an imported entry says why in 'untested')",
    "regex-invalid": "a pattern, before, not_before, after or not_after that does not compile",
    "regex-backtracking": "a regex with nested quantifiers that can backtrack catastrophically",
    "duplicate-id": "two entries with the same key (<lang>/<domain>:<id>)",
    "duplicate-entry": "two entries with the same term, wrong forms and conditions",
    "ambiguous-wrong": "one wrong form corrected to two terms with no context that separates them",
    "refires": "the term holds its own or another entry's wrong form: the fix fires again (or a cycle)",
    "common-word": "a one-word wrong form that is a common correct word of the language, with no context condition",
    "shadowed-example": "a must_fire example that another entry (or rule) wins",
}
REGEX_FIELDS = ("pattern", "before", "not_before", "after", "not_after")
CONDITIONS = ("require", "forbid", "before", "not_before", "after", "not_after")
# Zipf frequency (wordfreq: log10 of occurrences per billion words) from which a word counts
# as common: 4.0 is ten per million words ("climbing" 4.1; "cashmere" 3.1).
COMMON_ZIPF = 4.0


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str
    entry: str = ""  # the entry key (or the file, for file-level problems)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"


@dataclass
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    allowed: list[Problem] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # allow-list lines that matched nothing
    files: int = 0
    entries: int = 0


# -- allow-list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allow:
    """Reviewed findings: one a line, ``RULE ENTRY-KEY  # why``; the reason is required."""

    path: Path
    items: dict[tuple[str, str], int]  # (rule, key) -> line

    @classmethod
    def load(cls, path: Path) -> "Allow":
        text = read_bytes(Path(path), UsageError).decode("utf-8", errors="replace")
        items = {}
        for n, line in enumerate(text.splitlines(), 1):
            body, _, why = line.partition("#")
            if not body.strip():
                continue
            parts = body.split()
            if len(parts) != 2 or parts[0] not in RULES:
                raise UsageError(f"{path}:{n}: expected 'RULE ENTRY-KEY  # reason' with a rule of: {', '.join(RULES)}")
            if not why.strip():
                raise UsageError(f"{path}:{n}: say why {parts[1]} is allowed (# reason)")
            items[(parts[0], parts[1])] = n
        return cls(Path(path), items)


# -- reading ---------------------------------------------------------------------------------


def glossary_files(paths: list[Path]) -> list[Path]:
    """Files given, and the glossary files under folders given (``language.toml`` excluded)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*.toml") if f.name != "language.toml")
        elif p.exists():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such file or folder")
    return out


@dataclass
class _File:
    path: Path
    name: str
    lang: str = ""
    glossary: Glossary | None = None


def _key_line(text_lines: list[str], start: int, end: int, key: str) -> int:
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start - 1, min(end, len(text_lines))):
        if pat.match(text_lines[i]):
            return i + 1
    return start


def _read(path: Path, out: list[Problem], flawed: set[str]) -> _File:
    f = _File(path, display_path(path))

    def problem(line: int, rule: str, message: str, key: str = "") -> None:
        out.append(Problem(f.name, line, rule, message, key or f.name))

    try:
        raw = read_bytes(path)
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (CleanupError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        problem(int(m.group(1)) if m else 1, "invalid-file", str(exc).replace(f"{path}: ", ""))
        return f
    header = data.get("glossary")
    items = data.get("entry", [])
    try:  # the header and the file's shape, with the loader's messages
        if not isinstance(header, dict):
            raise GlossaryError(f"{path}:1: missing [glossary] table with lang = \"..\"")
        # [[amend]] tables are checked by the loader (their entries are another file's)
        amend = {"amend": data["amend"]} if "amend" in data else {}
        gloss = glossary_from_data({"glossary": header, **amend}, text, raw, path)
        unknown = sorted(set(data) - {"glossary", "entry", "amend"})
        if unknown:
            raise GlossaryError(f"{path}:1: unknown top-level key(s) {', '.join(unknown)}")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise GlossaryError(f"{path}:1: 'entry' must be an array of tables ([[entry]])")
    except GlossaryError as exc:
        where, _, message = str(exc).partition(": ")
        m = re.search(r":(\d+)$", where)
        problem(int(m.group(1)) if m else 1, "invalid-file", message)
        return f
    f.lang, domain = gloss.lang, gloss.domain
    lines = entry_lines(text)
    if len(lines) != len(items):
        lines = [1] * len(items)
    text_lines = text.splitlines()
    ends = lines[1:] + [len(text_lines) + 1]
    for item, line, end in zip(items, lines, ends):
        eid = item.get("id")
        key = f"{f.lang}/{domain}:{eid}" if isinstance(eid, str) else f"{f.name}:{line}"
        clean = dict(item)
        for name in sorted(set(item) - ENTRY_KEYS):
            problem(_key_line(text_lines, line, end, name), "unknown-field",
                    f"entry {eid!r}: unknown field {name!r}", key)
            del clean[name]
        if not item.get("must_fire") or not item.get("must_not_fire"):
            missing = " and ".join(k for k in ("must_fire", "must_not_fire") if not item.get(k))
            why = f" (untested: {item['untested']})" if isinstance(item.get("untested"), str) else ""
            problem(line, "missing-examples", f"entry {eid!r} has no {missing} example{why}", key)
            clean.setdefault("untested", "missing examples")
        for name in REGEX_FIELDS:
            src = item.get(name)
            if not isinstance(src, str):
                continue
            error = compile_error(src)
            if error:
                problem(_key_line(text_lines, line, end, name), "regex-invalid", f"entry {eid!r}: {name}: {error}", key)
                del clean[name]  # checked without it; no claim that it lacks a condition
                flawed.add(key)
                continue
            slow = backtracking(src)
            if slow:
                problem(_key_line(text_lines, line, end, name), "regex-backtracking", f"entry {eid!r}: {name}: {slow}", key)
        try:
            gloss.entries.append(parse_entry(clean, f.lang, domain, path, line))
        except GlossaryError as exc:
            problem(line, "invalid-entry", str(exc).split(": ", 1)[-1], key)
    f.glossary = gloss
    return f


# -- checks across entries ---------------------------------------------------------------------


def _norms(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(m.group()) for m in WORD_RE.finditer(text))


def _conditions(e: Entry) -> tuple:
    rx = tuple(getattr(e, k).pattern if getattr(e, k) else "" for k in CONDITIONS[2:])
    return (frozenset(map(normalize_token, e.require)), frozenset(map(normalize_token, e.forbid)), rx,
            e.scope if (e.require or e.forbid) else "", e.case_exact)


def _conditioned(e: Entry) -> bool:
    return bool(e.require or e.forbid or e.before or e.not_before or e.after or e.not_after)


def _separated(a: Entry, b: Entry, form_a: str, form_b: str) -> bool:
    """Whether a context separates ``a`` and ``b`` at the same wrong form: a case-exact form
    written differently, or different conditions on both sides. Lint cannot prove two
    different conditions exclusive (US words vs UK words can meet in one article); it trusts
    them. It reports no condition at all, the same conditions, or one side without any (that
    entry fires wherever the other does)."""
    if (a.case_exact or b.case_exact) and form_a != form_b:
        return True
    return _conditioned(a) and _conditioned(b) and _conditions(a) != _conditions(b)


def _where(e: Entry) -> str:
    return f"{e.key} ({display_path(e.path)}:{e.line})"


def _duplicates(entries: list[Entry], out: list[Problem]) -> list[Entry]:
    """Report duplicate keys and duplicate entries; the entries with a unique key."""
    first: dict[str, Entry] = {}
    same: dict[tuple, Entry] = {}
    unique = []
    for e in entries:
        if e.key in first:
            out.append(Problem(display_path(e.path), e.line, "duplicate-id",
                               f"entry {e.id!r}: {e.key} already defined at {display_path(first[e.key].path)}:{first[e.key].line}", e.key))
            continue
        first[e.key] = e
        unique.append(e)
        sig = (_norms(e.term), frozenset(_norms(w) for w in e.wrong), e.pattern.pattern if e.pattern else "", _conditions(e), e.action)
        if sig in same:
            out.append(Problem(display_path(e.path), e.line, "duplicate-entry",
                               f"entry {e.id!r} is the same as {_where(same[sig])}", e.key))
        else:
            same[sig] = e
    return unique


def _ambiguous(entries: list[Entry], out: list[Problem]) -> None:
    by_form: dict[tuple[str, ...], list[tuple[Entry, str]]] = defaultdict(list)
    for e in entries:
        if e.action == "flag":
            continue  # a flag corrects nothing
        for w in e.wrong:
            by_form[_norms(w)].append((e, w))
    pairs: dict[tuple[str, str], tuple[Entry, Entry, list[str]]] = {}
    for items in by_form.values():
        for i, (b, wb) in enumerate(items):
            for a, wa in items[:i]:
                if a.key == b.key or _norms(a.term) == _norms(b.term) or _separated(a, b, wa, wb):
                    continue
                pairs.setdefault((a.key, b.key), (a, b, []))[2].append(wb)
    for a, b, forms in pairs.values():
        if not _conditioned(a) and not _conditioned(b):
            how = "neither has a context condition"
        elif _conditioned(a) and _conditioned(b):
            how = "both have the same conditions"
        else:
            how = f"{(b if _conditioned(a) else a).key} has no condition, so it fires wherever the other does"
        out.append(Problem(display_path(b.path), b.line, "ambiguous-wrong",
                           f"entry {b.id!r}: {', '.join(map(repr, forms))} -> {b.term!r}, but {_where(a)} "
                           f"makes it {a.term!r}; {how}", b.key))


def _common_words(entries: list[Entry], lang: str, out: list[Problem]) -> None:
    candidates = [(e, w) for e in entries if e.action != "flag" and not e.case_exact and not _conditioned(e)
                  for w in e.wrong if len(_norms(w)) == 1]
    if not candidates:
        return
    try:
        from wordfreq import zipf_frequency  # lint-only: imported here, never by fix
    except ImportError:  # pragma: no cover
        raise UsageError("glossary lint needs the wordfreq package (pip install wordfreq)") from None
    for e, w in candidates:
        z = zipf_frequency(w, lang)
        if z >= COMMON_ZIPF:
            out.append(Problem(display_path(e.path), e.line, "common-word",
                               f"entry {e.id!r}: wrong form {w!r} is a common {lang} word (zipf {z:.1f}) "
                               f"and the entry has no context condition (require, forbid, before, after...)", e.key))


class _Runner:
    """Detection and one fixing pass over examples with the linted entries of a language."""

    def __init__(self, cleaner, lang: str):
        from .fixer import build_edits
        from .selftest import as_machine_translated

        # Examples are sentences of MT output (as `glossary test` runs them).
        self.cleaner, self.lang = as_machine_translated(cleaner), lang
        self.language = cleaner.pack(lang).language
        self._build = build_edits

    def run(self, text: str):
        doc = Document(text, self.language.abbreviations)
        findings = self.cleaner.findings(doc, self.lang)
        edits, _unsafe = self._build(doc, findings, self.language)
        return findings, edits


def _shadowed(entries: list[Entry], runner: _Runner, out: list[Problem]) -> None:
    for e in entries:
        if e.action != "replace":
            continue
        for example in e.must_fire:
            findings, edits = runner.run(example)
            mine = [f for f in findings if f.entry == e.key and f.fixable]
            if not mine or any(x.entry == e.key for x in edits):
                continue  # not firing (or only as a flag) is `glossary test`'s report
            won = sorted({x.entry or f"rule {x.rule}" for x in edits if any(x.overlaps(f) for f in mine)})
            out.append(Problem(display_path(e.path), e.line, "shadowed-example",
                               f"entry {e.id!r}: must_fire example {example!r} is won by {', '.join(won) or 'another edit'}", e.key))


def _refires(entries: list[Entry], runner: _Runner, out: list[Problem]) -> None:
    from .matcher import GlossaryIndex
    from .result import OffsetMap, apply_edits

    stripped = [replace(e, require=(), forbid=(), before=None, not_before=None, after=None, not_after=None)
                for e in entries]
    by_key = {e.key: e for e in entries}
    index = GlossaryIndex(stripped, runner.language)
    hits: dict[str, set[str]] = {}
    for e in entries:
        if e.action != "replace" or "{" in e.term:
            continue
        found = index.find(Document(e.term, runner.language.abbreviations))
        hits[e.key] = {f.entry for f in found if f.fixable}
    for e in entries:
        for other_key in sorted(hits.get(e.key, ())):
            other = by_key[other_key]
            if _conditioned(other):  # does it fire on the fixed text of e's own examples?
                proof = None
                for example in e.must_fire:
                    findings, edits = runner.run(example)
                    omap = OffsetMap(edits)
                    spans = [omap.out_spans[k] for k, x in enumerate(omap.edits) if x.entry == e.key]
                    if not spans:
                        continue
                    again, _ = runner.run(apply_edits(example, edits))
                    if any(f.entry == other.key and f.fixable and any(f.overlaps(s) for s in spans) for f in again):
                        proof = example
                        break
                if proof is None:
                    continue
                evidence = f" (in its fixed example {proof!r})"
            else:
                evidence = ""
            if other.key == e.key:
                what = f"term {e.term!r} contains its own wrong form: the fix fires again{evidence}"
            elif e.key in hits.get(other.key, ()):
                what = f"cycle: term {e.term!r} is corrected by {_where(other)} to {other.term!r}, whose fix {e.key} undoes{evidence}"
            else:
                what = f"term {e.term!r} holds a wrong form of {_where(other)}: the fix fires again{evidence}"
            out.append(Problem(display_path(e.path), e.line, "refires", f"entry {e.id!r}: {what}", e.key))


# -- the lint --------------------------------------------------------------------------------


def lint(paths: list[Path], allow: Allow | None = None, examples: bool = True) -> LintReport:
    """Every problem in the glossary files under ``paths`` (files or folders)."""
    from .language import load_language
    from .pipeline import Cleaner, LanguagePack

    report = LintReport()
    problems: list[Problem] = []
    flawed: set[str] = set()  # entries checked without a condition that did not compile
    files = [_read(p, problems, flawed) for p in glossary_files(paths)]
    report.files = len(files)
    cleaner = Cleaner(bundled=False)  # the bundled language profiles, no glossaries
    by_lang: dict[str, list[_File]] = defaultdict(list)
    for f in files:
        if f.glossary is not None:
            by_lang[f.lang].append(f)
    for lang, group in sorted(by_lang.items()):
        entries = [e for f in group for e in f.glossary.entries]
        report.entries += len(entries)
        unique = _duplicates(entries, problems)
        _ambiguous(unique, problems)
        _common_words([e for e in unique if e.key not in flawed], lang, problems)
        if lang not in cleaner.packs:
            profile = next((f.path.parent / "language.toml" for f in group
                            if (f.path.parent / "language.toml").is_file()), None)
            if profile is None:
                f = group[0]
                problems.append(Problem(f.name, 1, "invalid-file", f"no language profile for lang {lang!r}", f.name))
                continue
            cleaner.packs[lang] = LanguagePack(load_language(profile))
        # Terms that fire on themselves are reported below (refires), not refused at load.
        cleaner.packs[lang].check_settling = False
        keep = {id(e) for e in unique}
        for f in group:
            cleaner.packs[lang].add(replace(f.glossary, entries=[e for e in f.glossary.entries if id(e) in keep]))
        runner = _Runner(cleaner, lang)
        _refires(unique, runner, problems)
        if examples:
            _shadowed(unique, runner, problems)
    seen_allow: set[tuple[str, str]] = set()
    for p in sorted(set(problems)):
        key = (p.rule, p.entry)
        if allow is not None and key in allow.items:
            report.allowed.append(p)
            seen_allow.add(key)
        else:
            report.problems.append(p)
    if allow is not None:
        report.stale = [f"{allow.path}:{line}: {rule} {key} matches no finding"
                        for (rule, key), line in sorted(allow.items.items(), key=lambda kv: kv[1])
                        if (rule, key) not in seen_allow]
    return report
