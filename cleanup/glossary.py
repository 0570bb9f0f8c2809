"""Glossaries: TOML files of entries, one file per domain under ``glossaries/<lang>/``.

Format (see README, "Glossary format")::

    [glossary]
    lang = "en"
    domain = "conflict"

    [[entry]]
    id = "escalation"
    term = "escalation"
    wrong = ["climbing"]
    source = "escalade"
    before = '(?i)\\b(?:more|further|military|wider)\\s+$'
    require = ["military", "missile*", "clashes"]
    must_fire = ["fears of a wider military climbing"]
    must_not_fire = ["climbing the mountain"]

Errors name the file and the line of the offending ``[[entry]]``.

Fixing must settle: an entry whose term holds its own wrong form (``frobnicator`` ->
``frobnicator unit``) would fire again on its own output, and entries that rewrite each other
(``A`` -> ``B``, ``B`` -> ``A``) undo each other; both are errors when a language's glossaries
are loaded (``check_rewrites``, which needs them all) unless a guard stops the second firing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

import regex

from .datafile import LazyRegex, canonical, check_keys, compile_regex, key_line, parse_toml, read_bytes
from .document import WORD_RE, normalize_token
from .errors import GlossaryError
from .language import REGEX_TIMEOUT

if TYPE_CHECKING:
    from .morphology import Morphology

ACTIONS = ("replace", "flag", "retranslate")
SCOPES = ("sentence", "paragraph", "document")
KINDS = (
    "lexical", "title", "place", "name", "institution", "acronym", "number", "spacing",
    "boilerplate", "idiom", "preposition", "untranslated", "sentence",
)
# In the order the README documents them (``glossary fmt`` keeps id and term first and the
# examples last; see cleanup/editing.py).
MATCH_KEYS = (
    "id", "term", "wrong", "pattern", "source", "kind", "action", "fuzzy", "case",
    "plural", "scope", "require", "forbid", "before", "not_before", "after", "not_after",
    "note", "must_fire", "must_not_fire", "near_miss", "gender", "number", "inflect",
)
# Term-base data the matcher ignores, kept so that a TBX/CSV import loses nothing:
# concept (TBX concept id), definition, admitted (admitted synonyms of the term), forbidden
# (the wrong forms a term base marks forbidden rather than deprecated), translations
# ({lang = [terms]}), untested (why the entry has no examples, e.g. imported without any).
META_KEYS = ("concept", "definition", "admitted", "forbidden", "translations", "untested")
ENTRY_KEYS = set(MATCH_KEYS) | set(META_KEYS)
# general: a general-purpose glossary that more specific domains override (default: true for
# the domains named in GENERAL_DOMAINS); source_lang: the language of the entries' `source` words.
HEADER_KEYS = {"lang", "domain", "description", "general", "source_lang"}
GENERAL_DOMAINS = frozenset({"core", "general", "common"})
NEAR_MISS = ("auto", "flag", "ignore")
INFLECT = ("none", "verb")
# [[amend]]: narrow an entry defined in another file (``glossary learn`` writes these).
AMEND_KEYS = {"entry", "forbid", "not_before", "not_after", "must_fire", "must_not_fire"}
_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*entry\s*\]\]\s*(?:#.*)?$")
_AMEND_HEADER = re.compile(r"^\s*\[\[\s*amend\s*\]\]\s*(?:#.*)?$")


@dataclass(frozen=True)
class Entry:
    """One glossary entry: a correct term and the artefacts that stand for it."""

    key: str  # "<lang>/<domain>:<id>", unique across the bundled glossaries
    id: str
    term: str
    wrong: tuple[str, ...]
    pattern: LazyRegex | None
    source: str
    kind: str
    action: str
    fuzzy: int
    case_exact: bool
    plural: bool
    scope: str
    require: tuple[str, ...]
    forbid: tuple[str, ...]
    before: LazyRegex | None
    not_before: LazyRegex | None
    after: LazyRegex | None
    not_after: LazyRegex | None
    note: str
    must_fire: tuple[str, ...]
    must_not_fire: tuple[str, ...]
    path: Path
    line: int
    near_miss: str = "auto"  # wrong form found but `require` absent: flag | ignore | auto
    gender: str = ""  # of the term's head noun ("m"/"f"), for agreement after replacement
    number: str = ""  # of the term ("s"/"p")
    inflect: str = "none"  # "verb": wrong forms and term start with a verb, matched in every tense
    # Term-base metadata (META_KEYS): not used for matching.
    concept: str = ""
    definition: str = ""
    admitted: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()
    untested: str = ""  # why the entry has no examples (an import without contexts, ...)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def __reduce__(self):
        # A row of values rather than a dict of 33 named fields, and each regex once per pattern:
        # the compiled-glossary cache (thousands of entries) loads faster and smaller.
        row = tuple(canonical(v) if isinstance(v, LazyRegex) else v for v in map(self.__dict__.get, _ENTRY_FIELDS))
        return _entry, (row,)


def _entry(row: tuple) -> Entry:
    entry = object.__new__(Entry)
    entry.__dict__.update(zip(_ENTRY_FIELDS, row))
    return entry


_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


@dataclass(frozen=True)
class Amendment:
    """Exclusions and examples added to an entry of another file: ``forbid`` words are
    appended, ``not_before`` / ``not_after`` are tried as well as the entry's own."""

    entry: str  # the key of the amended entry
    forbid: tuple[str, ...]
    not_before: str
    not_after: str
    must_fire: tuple[str, ...]
    must_not_fire: tuple[str, ...]
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def apply(self, entry: Entry) -> Entry:
        def either(old: regex.Pattern | None, new: str, name: str) -> regex.Pattern | None:
            if not new:
                return old
            source = new if old is None else f"(?:{old.pattern})|(?:{new})"
            return compile_regex(self.path, source, name, self.line)

        return replace(
            entry,
            forbid=entry.forbid + tuple(w for w in self.forbid if w not in entry.forbid),
            not_before=either(entry.not_before, self.not_before, "not_before"),
            not_after=either(entry.not_after, self.not_after, "not_after"),
            must_fire=entry.must_fire + tuple(x for x in self.must_fire if x not in entry.must_fire),
            must_not_fire=entry.must_not_fire + tuple(x for x in self.must_not_fire if x not in entry.must_not_fire),
            path=self.path,
            line=self.line,
        )


@dataclass
class Glossary:
    lang: str
    domain: str
    path: Path
    sha256: str
    entries: list[Entry] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    general: bool = False  # a general glossary: more specific domains win ties over it
    source_lang: str = ""
    description: str = ""


def apply_amendments(glossaries: list[Glossary]) -> None:
    """Replace every amended entry (in place) by its amended version; an amendment naming
    no loaded entry is an error naming its file and line."""
    amendments = [am for g in glossaries for am in g.amendments]
    if not amendments:
        return
    where = {e.key: (g, k) for g in glossaries for k, e in enumerate(g.entries)}
    for am in amendments:
        if am.entry not in where:
            raise GlossaryError(f"{am.where}: [[amend]] names no loaded entry {am.entry!r}")
        g, k = where[am.entry]
        g.entries[k] = am.apply(g.entries[k])


def load_glossary(path: Path, lang: str | None = None) -> Glossary:
    """Load and validate one glossary file."""
    raw = read_bytes(path)
    data, text = parse_toml(raw, path)
    return glossary_from_data(data, text, raw, path, lang)


def glossary_from_data(data: dict, text: str, raw: bytes, path: Path, lang: str | None = None) -> Glossary:
    """Validate an already parsed glossary (``load_glossary`` without the reading)."""
    check_keys(data, {"glossary", "entry", "amend"}, path, text)
    header = data.get("glossary")
    if not isinstance(header, dict) or "lang" not in header:
        raise GlossaryError(f"{path}:1: missing [glossary] table with lang = \"..\"")
    check_keys(header, HEADER_KEYS, path, text, "glossary")
    glang = header["lang"]
    if not isinstance(glang, str) or not re.fullmatch(r"[a-z]{2,3}", glang):
        raise GlossaryError(f"{path}:1: lang must be a language code such as \"en\", not {glang!r}")
    if lang is not None and glang != lang:
        raise GlossaryError(f"{path}:1: glossary lang {glang!r} does not match its folder {lang!r}")
    domain = str(header.get("domain") or path.stem)
    general = header.get("general", domain in GENERAL_DOMAINS)
    if not isinstance(general, bool):
        raise GlossaryError(f"{path}:{key_line(text, 'general', 'glossary')}: general must be true or false")
    source_lang = header.get("source_lang", "")
    if not isinstance(source_lang, str) or (source_lang and not re.fullmatch(r"[a-z]{2,3}", source_lang)):
        raise GlossaryError(f"{path}:{key_line(text, 'source_lang', 'glossary')}: source_lang must be a "
                            f"language code such as \"fr\", not {source_lang!r}")
    items = data.get("entry", [])
    if not isinstance(items, list):
        raise GlossaryError(f"{path}:1: 'entry' must be an array of tables ([[entry]])")
    lines = entry_lines(text)
    if len(lines) != len(items):  # entries written as inline tables: fall back to line 1
        lines = [1] * len(items)
    gloss = Glossary(glang, domain, path, hashlib.sha256(raw).hexdigest(), general=general,
                     source_lang=source_lang, description=str(header.get("description", "")))
    seen: dict[str, int] = {}
    for item, line in zip(items, lines):
        entry = parse_entry(item, glang, domain, path, line)
        if entry.id in seen:
            raise GlossaryError(f"{path}:{line}: duplicate id {entry.id!r} (first at line {seen[entry.id]})")
        seen[entry.id] = line
        gloss.entries.append(entry)
    gloss.amendments = _parse_amendments(data.get("amend", []), path, text)
    return gloss


def _parse_amendments(items, path: Path, text: str) -> list[Amendment]:
    if not isinstance(items, list):
        raise GlossaryError(f"{path}:1: 'amend' must be an array of tables ([[amend]])")
    lines = [i for i, line in enumerate(text.splitlines(), 1) if _AMEND_HEADER.match(line)]
    if len(lines) != len(items):
        lines = [1] * len(items)
    out = []
    for item, line in zip(items, lines):
        where = f"{path}:{line}"
        if not isinstance(item, dict):
            raise GlossaryError(f"{where}: an amendment must be a table ([[amend]])")
        unknown = set(item) - AMEND_KEYS
        if unknown:
            raise GlossaryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        key = _string(item, "entry", where, required=True)
        for name in ("not_before", "not_after"):
            if item.get(name):
                compile_regex(path, _string(item, name, where), name, line)
        out.append(Amendment(
            entry=key, forbid=tuple(_strings(item, "forbid", where)),
            not_before=_string(item, "not_before", where), not_after=_string(item, "not_after", where),
            must_fire=tuple(_strings(item, "must_fire", where)),
            must_not_fire=tuple(_strings(item, "must_not_fire", where)), path=path, line=line,
        ))
    return out


def entry_lines(text: str) -> list[int]:
    """The line of each ``[[entry]]`` header."""
    return [i for i, line in enumerate(text.splitlines(), 1) if _ENTRY_HEADER.match(line)]


def parse_entry(item: dict, lang: str, domain: str, path: Path, line: int) -> Entry:
    """Validate one ``[[entry]]`` table; GlossaryError names ``path:line``."""
    where = f"{path}:{line}"
    if not isinstance(item, dict):
        raise GlossaryError(f"{where}: an entry must be a table ([[entry]])")

    def fail(msg: str) -> GlossaryError:
        return GlossaryError(f"{where}: {msg}")

    unknown = set(item) - ENTRY_KEYS
    if unknown:
        raise fail(f"unknown field(s) {', '.join(sorted(unknown))}")
    eid = _string(item, "id", where, required=True)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.\-]*", eid):
        raise fail(f"id {eid!r} must be lowercase letters, digits, '_', '-', '.'")
    term = _string(item, "term", where, required=True)
    wrong = _strings(item, "wrong", where)
    pattern_src = _string(item, "pattern", where)
    if not wrong and not pattern_src:
        raise fail(f"entry {eid!r} needs 'wrong' forms or a 'pattern'")
    for w in wrong:
        if not WORD_RE.search(w):
            raise fail(f"wrong form {w!r} has no word characters")
        if _norm_words(w) == _norm_words(term) and not item.get("case") == "exact":
            raise fail(f"wrong form {w!r} is the term itself")
    action = _string(item, "action", where) or "replace"
    if action not in ACTIONS:
        raise fail(f"action {action!r} is not one of {', '.join(ACTIONS)}")
    kind = _string(item, "kind", where) or "lexical"
    if kind not in KINDS:
        raise fail(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    scope = _string(item, "scope", where) or "paragraph"
    if scope not in SCOPES:
        raise fail(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    case = _string(item, "case", where) or "ignore"
    if case not in ("ignore", "exact"):
        raise fail("case must be 'ignore' or 'exact'")
    fuzzy = item.get("fuzzy", 0)
    if not isinstance(fuzzy, int) or isinstance(fuzzy, bool) or not 0 <= fuzzy <= 100:
        raise fail("fuzzy must be an integer from 0 (exact only) to 100")
    if fuzzy and fuzzy < 70:
        raise fail("fuzzy below 70 matches too loosely for news text")
    plural = item.get("plural", True)
    if not isinstance(plural, bool):
        raise fail("plural must be true or false")
    near_miss = _string(item, "near_miss", where) or "auto"
    if near_miss not in NEAR_MISS:
        raise fail(f"near_miss {near_miss!r} is not one of {', '.join(NEAR_MISS)}")
    inflect = _string(item, "inflect", where) or "none"
    if inflect not in INFLECT:
        raise fail(f"inflect {inflect!r} is not one of {', '.join(INFLECT)}")
    gender = _string(item, "gender", where)
    if gender not in ("", "m", "f"):
        raise fail(f"gender {gender!r} must be \"m\" or \"f\"")
    number = _string(item, "number", where)
    if number not in ("", "s", "p"):
        raise fail(f"number {number!r} must be \"s\" or \"p\"")
    must_fire = _strings(item, "must_fire", where)
    must_not_fire = _strings(item, "must_not_fire", where)
    untested = _string(item, "untested", where)
    if (not must_fire or not must_not_fire) and not untested.strip():
        raise fail(f"entry {eid!r} needs at least one must_fire and one must_not_fire example "
                   f"(or an 'untested' reason, e.g. for an imported term)")
    forbidden = _strings(item, "forbidden", where)
    if not set(forbidden) <= set(wrong):
        raise fail(f"'forbidden' lists forms that are not in 'wrong': {sorted(set(forbidden) - set(wrong))}")

    def rx(name: str) -> LazyRegex | None:
        src = _string(item, name, where)
        return compile_regex(path, src, name, line) if src else None

    return Entry(
        key=f"{lang}/{domain}:{eid}",
        id=eid,
        term=term,
        wrong=tuple(wrong),
        pattern=rx("pattern"),
        source=_string(item, "source", where),
        kind=kind,
        action=action,
        fuzzy=fuzzy,
        case_exact=case == "exact",
        plural=plural,
        scope=scope,
        require=tuple(_strings(item, "require", where)),
        forbid=tuple(_strings(item, "forbid", where)),
        before=rx("before"),
        not_before=rx("not_before"),
        after=rx("after"),
        not_after=rx("not_after"),
        note=_string(item, "note", where),
        must_fire=tuple(must_fire),
        must_not_fire=tuple(must_not_fire),
        path=path,
        line=line,
        near_miss=near_miss,
        inflect=inflect,
        gender=gender,
        number=number,
        concept=_string(item, "concept", where),
        definition=_string(item, "definition", where),
        admitted=tuple(_strings(item, "admitted", where)),
        forbidden=tuple(forbidden),
        translations=_translations(item, where),
        untested=untested,
    )


def _check_self_rewrite(entry: Entry) -> None:
    """GlossaryError when the entry would fire again on its own replacement: its term holds
    one of its wrong forms (or matches its pattern) and no guard stops it there."""
    if entry.action != "replace" or "{" in entry.term:
        return
    spans = [(w, span) for w in entry.wrong for span in _occurrences(entry.term, w, entry.case_exact)]
    if entry.pattern is not None:
        try:
            spans += [(entry.pattern.pattern, m.span())
                      for m in entry.pattern.finditer(entry.term, timeout=REGEX_TIMEOUT) if m.end() > m.start()]
        except TimeoutError:
            pass  # the matcher skips such a pattern at run time
    for form, (a, b) in spans:
        if (a, b) == (0, len(entry.term)) or rewrite_blocked(entry, entry.term, a, b):
            continue  # the whole term: the replacement is the text itself, nothing changes
        before, after = entry.term[:a].strip(), entry.term[b:].strip()
        if after:
            hint = f"e.g. not_after = '^\\s*{regex.escape(after)}'"
        elif before:
            hint = f"e.g. not_before = '{regex.escape(before)}\\s*$'"
        else:
            hint = "or remove the form"
        raise GlossaryError(f"{entry.where}: term {entry.term!r} holds its own wrong form {form!r}, "
                            "so every fix would fire again on its own output; add a guard that the "
                            f"term's own words fail, {hint}")


def _occurrences(text: str, form: str, case_exact: bool) -> list[tuple[int, int]]:
    """Character spans of ``text`` where the words of ``form`` occur, word for word
    (normalised as the matcher does, or exactly for case-exact entries)."""
    key = (lambda w: w) if case_exact else normalize_token
    words = [(m.start(), m.end(), key(m.group())) for m in WORD_RE.finditer(text)]
    want = [key(w) for w in WORD_RE.findall(form)]
    n = len(want)
    return [(words[i][0], words[i + n - 1][1]) for i in range(len(words) - n + 1)
            if n and [w[2] for w in words[i:i + n]] == want]


def rewrite_blocked(entry: Entry, text: str, a: int, b: int) -> bool:
    """True when a guard of ``entry`` stops it from firing at ``text[a:b]``, judged on
    ``text`` alone (a replacement that ``entry`` would see): a ``forbid`` item in ``text``;
    ``not_before``/``not_after`` matching the words of ``text`` before/after the span;
    ``before``/``after`` failing on them."""
    if entry.forbid and _mentions(entry.forbid, text):
        return True
    before, after = text[:a], text[b:]
    try:
        if before and entry.not_before and entry.not_before.search(before, timeout=REGEX_TIMEOUT):
            return True
        if after and entry.not_after and entry.not_after.search(after, timeout=REGEX_TIMEOUT):
            return True
        if before and entry.before and not entry.before.search(before, timeout=REGEX_TIMEOUT):
            return True
        if after and entry.after and not entry.after.search(after, timeout=REGEX_TIMEOUT):
            return True
    except TimeoutError:
        return False
    return False


def _mentions(items: tuple[str, ...], text: str) -> bool:
    """True when one of ``items`` (word, prefix*, phrase) is in ``text`` (matcher's rules)."""
    norms = [normalize_token(w) for w in WORD_RE.findall(text)]
    joined = " " + " ".join(norms) + " "
    for item in items:
        if item.endswith("*"):
            stem = normalize_token(item[:-1])
            if any(w.startswith(stem) for w in norms):
                return True
        else:
            words = [normalize_token(w) for w in WORD_RE.findall(item)]
            if words and " " + " ".join(words) + " " in joined:
                return True
    return False


MAX_REWRITES = 10  # a term rewritten more often than this by the entries never settles
MAX_STATES = 200  # texts explored per term: the bound of the search below
MAX_UNSURE = 4  # matches per pass whose firing depends on the unknown context, tried both ways


def check_rewrites(entries: list[Entry], morphology: "Morphology") -> None:
    """GlossaryError naming file:line when the entries of one language could rewrite a term
    again and again: A -> B and B -> A (or longer cycles), a term that grows, a guard that
    another entry's edit removes.

    Each replacement term is fixed pass after pass the way the fixer would: wrong forms word
    for word, plurals included, overlaps resolved longest first, guards judged on the text
    itself (see rewrite_blocked, _exclusive). A match whose guards need the words around the
    term (``require``, ``forbid``, ``before`` at its start...) may fire or not: both are
    tried. A text that comes back, or is still changing after MAX_REWRITES passes, is an
    error. Not covered: loops that need the words around a term (a wrong form straddling its
    edge), and patterns (checked against their own term only, see _check_self_rewrite). Run
    once all entries of a language are loaded."""
    for e in entries:
        _check_self_rewrite(e)  # the clearest message for the simplest case
    replacing = [e for e in entries if e.action == "replace" and e.wrong]
    by_first: dict[str, list[Form]] = {}  # forms by their first word
    for e in replacing:
        for w in e.wrong:
            words = tuple(WORD_RE.findall(w))
            norms = tuple(normalize_token(t) for t in words)
            if norms:
                by_first.setdefault(norms[0], []).append((e, norms, words))
    for forms in by_first.values():
        forms.sort(key=lambda f: -len(f[1]))  # longest form first, as the matcher does
    exact = any(e.case_exact for e in replacing)
    for x in replacing:
        norms = [normalize_token(w) for w in WORD_RE.findall(x.term)]
        if "{" in x.term or not any(n in by_first or any(stem in by_first for stem, _ in morphology.stems(n))
                                    for n in norms):
            continue  # a template, or no wrong form can start in this term
        # The term takes the case of the text it replaced: a case-exact form may see any of these.
        starts = {x.term: None}
        if exact:
            starts.update((morphology.adapt_case(x.term, like), None) for like in ("Aa", "Aa Aa", "AAAA"))
        steps = next((s for start in starts if (s := _rewrites(x, start, by_first, morphology))), [])
        if steps:
            shown = " -> ".join(f"{text!r} ({e.key}, {e.where})" for e, text in steps[:4])
            raise GlossaryError(
                f"{x.where}: the term {x.term!r} of {x.key!r} never settles: entries rewrite it "
                f"again and again: {x.term!r} -> {shown}{' ...' if len(steps) > 4 else ''}; "
                "remove one or add a guard (not_before, not_after, forbid) that the rewritten "
                "words fail")


Form = tuple[Entry, tuple[str, ...], tuple[str, ...]]  # entry, normalised words, words
Match = tuple[Entry, int, int, str]  # entry, start, end, replacement


def _rewrites(x: Entry, start: str, by_first: dict, morph: "Morphology") -> list[tuple[Entry, str]]:
    """A sequence of passes over ``start`` (x's term) that does not settle, as (an entry that
    fired, the new text) steps, or [] when every way of fixing it settles (depth first, at
    most MAX_STATES texts)."""
    budget = MAX_STATES

    def walk(text: str, path: list[tuple[Entry, str]], seen: frozenset[str]) -> list[tuple[Entry, str]]:
        nonlocal budget
        budget -= 1
        for y, new in _passes(text, x, by_first, morph):
            steps = [*path, (y, new)]
            if new in seen or len(steps) > MAX_REWRITES:
                return steps
            if budget > 0 and (found := walk(new, steps, seen | {new})):
                return found
        return []

    return walk(start, [], frozenset({start}))


def _passes(text: str, x: Entry, by_first: dict, morph: "Morphology") -> list[tuple[Entry, str]]:
    """The texts one fixing pass can make of ``text`` (with an entry that fired): every
    choice of the matches whose firing depends on the unknown context."""
    sure, unsure = _matches(text, x, by_first, morph)
    out: dict[str, Entry] = {}
    for mask in range(1 << min(len(unsure), MAX_UNSURE)):
        chosen = sure + [m for k, m in enumerate(unsure) if k >= MAX_UNSURE or mask >> k & 1]
        edits = _resolve(chosen)
        if edits:
            new = text
            for _, a, b, rep in reversed(edits):  # from the end: the spans before stay valid
                new = new[:a] + rep + new[b:]
            out.setdefault(new, edits[0][0])
    return [(y, new) for new, y in out.items()]


def _matches(text: str, x: Entry, by_first: dict, morph: "Morphology") -> tuple[list[Match], list[Match]]:
    """The wrong forms in ``text`` whose entry no guard stops: those sure to fire, and those
    whose guards need words outside ``text`` (a word required or forbidden in the scope, a
    before/after condition at the edge of ``text``). Replacements are the term, pluralised for
    a plural match, in the case of the words it replaces (as the matcher makes them)."""
    found = list(WORD_RE.finditer(text))
    words = tuple(m.group() for m in found)
    norms = tuple(normalize_token(w) for w in words)
    sure: list[Match] = []
    unsure: list[Match] = []
    for i, norm in enumerate(norms):
        candidates = list(by_first.get(norm, ()))
        candidates += [c for stem, _ in morph.stems(norm) for c in by_first.get(stem, ()) if len(c[1]) == 1]
        for y, form, exact in candidates:
            n = len(form)
            if i + n > len(norms) or norms[i:i + n - 1] != form[:-1]:
                continue
            new = y.term
            if norms[i + n - 1] != form[-1]:
                if not (y.plural and not y.case_exact and morph.pluralizable(y.term)
                        and morph.plural_suffix(norms[i + n - 1], form[-1])):
                    continue
                new = morph.pluralize(y.term)
            if y.case_exact and words[i:i + n] != exact:
                continue
            a, b = found[i].start(), found[i + n - 1].end()
            new = morph.adapt_case(new, text[a:b])
            if text[a:b] == new or _exclusive(x, y) or rewrite_blocked(y, text, a, b):
                continue
            outside = y is not x and (  # x fired here already: its own context holds
                (y.require and not _mentions(y.require, text)) or y.forbid
                or (a == 0 and (y.before or y.not_before)) or (b == len(text) and (y.after or y.not_after)))
            (unsure if outside else sure).append((y, a, b, new))
    return sure, unsure


def _resolve(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches as the fixer keeps them (longest first), in text order."""
    chosen: list[Match] = []
    for m in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):  # stable: first found wins ties
        if all(m[2] <= c[1] or c[2] <= m[1] for c in chosen):
            chosen.append(m)
    return sorted(chosen, key=lambda m: m[1])


def _exclusive(x: Entry, y: Entry) -> bool:
    """True when ``y`` cannot fire where ``x`` did: x needs a word that y forbids in a scope
    at least as large, or y needs a word that x forbids in a scope no larger (a UK-only and
    a non-UK entry may rewrite each other's terms)."""
    rank = {s: k for k, s in enumerate(SCOPES)}
    if (x.require and set(x.require) <= set(y.forbid) and rank[y.scope] >= rank[x.scope]
            and not any(_mentions(x.require, w) for w in x.wrong)):  # the context survives x's edit
        return True
    return (bool(y.require) and set(y.require) <= set(x.forbid) and rank[y.scope] <= rank[x.scope]
            and not _mentions(y.require, x.term))  # x's edit does not bring y's context in


def _string(item: dict, key: str, where: str, required: bool = False) -> str:
    value = item.get(key)
    if value is None:
        if required:
            raise GlossaryError(f"{where}: missing required field {key!r}")
        return ""
    if not isinstance(value, str):
        raise GlossaryError(f"{where}: {key!r} must be a string, not {type(value).__name__}")
    if required and not value.strip():
        raise GlossaryError(f"{where}: {key!r} is empty")
    return value


def _strings(item: dict, key: str, where: str) -> list[str]:
    value = item.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(f"{where}: {key!r} must be a list of non-empty strings")
    return value


def _translations(item: dict, where: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = item.get("translations", {})
    if not isinstance(value, dict):
        raise GlossaryError(f"{where}: 'translations' must be a table such as {{fr = [\"escalade\"]}}")
    out = []
    for code, terms in value.items():
        if not re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
            raise GlossaryError(f"{where}: translations: {code!r} is not a language code")
        out.append((code, tuple(_strings(value, code, f"{where}: translations"))))
    return tuple(out)


def _norm_words(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(m.group()) for m in WORD_RE.finditer(text))
