"""Glossary detection: a token index for exact forms, rapidfuzz on indexed candidates.

Exact matching never loops over entries: every wrong form is indexed by its first token, so
each text token costs one dict lookup. Fuzzy entries (their wrong forms and their term, so
that near-misses of a name are caught too) are bucketed by (token count, first letter), and
rapidfuzz's ``process.extract`` compares a text window with that bucket only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import regex
from rapidfuzz import fuzz, process

from .detectors import Context, detector
from .document import WORD_RE, Document, normalize_token
from .glossary import Entry
from .language import REGEX_TIMEOUT, Language
from .result import Finding

_GAP_RE = regex.compile(r"[ \t\u00a0\u202f]*[-‐‑‒–'’]?[ \t\u00a0\u202f]*")
_MAX_GAP = 3
_CONTEXT_CHARS = 200


@dataclass(frozen=True, slots=True)
class Form:
    """One wrong form of an entry, tokenized."""

    norms: tuple[str, ...]
    words: tuple[str, ...]  # original spelling, for case-exact entries
    text: str
    entry: Entry


def _tokenize(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = tuple(m.group() for m in WORD_RE.finditer(text))
    return tuple(normalize_token(w) for w in words), words


@detector
def glossary(doc: Document, ctx: Context):
    """Glossary entries (glossaries/<lang>/*.toml), exact and fuzzy."""
    return ctx.glossary.find(doc, ctx.notes)


class GlossaryIndex:
    """All entries of one language, indexed for matching."""

    def __init__(self, entries: list[Entry], lang: Language):
        self.lang = lang
        self.morph = lang.morphology
        self.entries = entries
        # One-token forms by their token; longer forms by their first two tokens.
        self.exact: dict[str | tuple[str, str], list[Form]] = defaultdict(list)
        self.fuzzy: dict[tuple[int, str], list[Form]] = defaultdict(list)
        self.patterns: list[Entry] = []
        self.terms: set[tuple[str, ...]] = set()
        for entry in entries:
            self.terms.add(_tokenize(entry.term)[0])
            if entry.pattern is not None:
                self.patterns.append(entry)
            for w in entry.wrong:
                norms, words = _tokenize(w)
                form = Form(norms, words, w, entry)
                self.exact[norms[0] if len(norms) == 1 else norms[:2]].append(form)
                if entry.fuzzy:
                    self.fuzzy[(len(norms), norms[0][0])].append(form)
            if entry.fuzzy and entry.wrong:
                norms, words = _tokenize(entry.term)
                if norms:
                    self.fuzzy[(len(norms), norms[0][0])].append(Form(norms, words, entry.term, entry))
        for forms in self.exact.values():
            forms.sort(key=lambda f: -len(f.norms))
        self.fuzzy_lengths = sorted({n for n, _ in self.fuzzy})
        self._fuzzy_choices = {k: [" ".join(f.norms) for f in v] for k, v in self.fuzzy.items()}

    # -- detection ---------------------------------------------------------------------

    def find(self, doc: Document, notes: list[str] | None = None) -> list[Finding]:
        """Findings of every entry; a regex that hits its time limit is skipped and named in
        ``notes`` (a pathological pattern never hangs a run)."""
        ctx = _Context(doc)
        found: dict[tuple[int, int, str], Finding] = {}
        for finding in self._find_exact(doc, ctx):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        for finding in self._find_fuzzy(doc, ctx, found):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        for finding in self._find_patterns(doc, ctx):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        if notes is not None:
            for key in sorted(ctx.timeouts):
                notes.append(f"glossary entry {key}: a regex hit its {REGEX_TIMEOUT} s limit and was skipped")
        return sorted(found.values(), key=lambda f: (f.start, f.end))

    def _find_exact(self, doc: Document, ctx: "_Context"):
        toks = doc.tokens
        text = doc.text
        exact = self.exact
        for i, tok in enumerate(toks):
            nxt = toks[i + 1].norm if i + 1 < len(toks) else None
            # (index key, plural suffix the key assumes on the last token, forms' length)
            keys = [(tok.norm, "", 1)]
            keys += [(stem, sfx, 1) for stem, sfx in self.morph.stems(tok.norm)]
            if nxt is not None:
                keys.append(((tok.norm, nxt), "", 0))
                keys += [((tok.norm, stem), sfx, 2) for stem, sfx in self.morph.stems(nxt)]
            for key, key_suffix, only_len in keys:
                for form in exact.get(key, ()):
                    n = len(form.norms)
                    if only_len and n != only_len:
                        continue
                    suffix = self._match_at(toks, text, i, form)
                    if suffix is None or (key_suffix and suffix != key_suffix):
                        continue
                    end = toks[i + n - 1].end
                    finding = self._finding(doc, ctx, form.entry, tok.start, end, suffix, 100.0, form.text)
                    if finding:
                        yield finding

    def _match_at(self, toks, text: str, i: int, form: Form) -> str | None:
        """The plural suffix ("" for none) if ``form`` matches at token i, else None."""
        n = len(form.norms)
        if i + n > len(toks):
            return None
        for k in range(n - 1):  # cheap comparisons first
            if toks[i + k].norm != form.norms[k]:
                return None
        entry = form.entry
        last, want = toks[i + n - 1].norm, form.norms[-1]
        suffix = None
        if last == want:
            suffix = ""
        elif entry.plural and not entry.case_exact and self.morph.pluralizable(entry.term):
            suffix = self.morph.plural_suffix(last, want)
        if suffix is None:
            return None
        for k in range(1, n):
            gap = text[toks[i + k - 1].end : toks[i + k].start]
            if len(gap) > _MAX_GAP or not _GAP_RE.fullmatch(gap):
                return None
        if entry.case_exact:
            for k in range(n):
                tok = toks[i + k]
                if text[tok.start : tok.end] != form.words[k]:
                    return None
        return suffix

    def _find_fuzzy(self, doc: Document, ctx: "_Context", found: dict):
        if not self.fuzzy:
            return
        toks = doc.tokens
        text = doc.text
        covered: set[int] = set()  # tokens inside exact findings: a fuzzy guess never overlaps one
        for f in found.values():
            covered.update(range(*doc.token_range(f.start, f.end)))
        for i, tok in enumerate(toks):
            if len(tok.norm) < 4 or tok.norm in self.lang.stopwords or tok.norm.isdigit():
                continue
            for n in self.fuzzy_lengths:
                if i + n > len(toks):
                    break
                key = (n, tok.norm[0])
                choices = self._fuzzy_choices.get(key)
                if not choices:
                    continue
                gaps_ok = all(
                    len(g := text[toks[i + k - 1].end : toks[i + k].start]) <= _MAX_GAP
                    and _GAP_RE.fullmatch(g)
                    for k in range(1, n)
                )
                if not gaps_ok:
                    continue
                norms = tuple(t.norm for t in toks[i : i + n])
                if norms in self.terms:
                    continue
                if any(k in covered for k in range(i, i + n)):
                    continue
                window = " ".join(norms)
                start, end = tok.start, toks[i + n - 1].end
                for _, score, idx in process.extract(window, choices, scorer=fuzz.ratio, score_cutoff=70, limit=5):
                    form = self.fuzzy[key][idx]
                    entry = form.entry
                    if score < entry.fuzzy or score >= 100:
                        continue
                    if not _plausible_garble(window, " ".join(form.norms)):
                        continue
                    if entry.term[:1].isupper() and not text[start].isupper():
                        continue
                    finding = self._finding(doc, ctx, entry, start, end, "", score, form.text)
                    if finding:
                        yield finding
                        break

    def _find_patterns(self, doc: Document, ctx: "_Context"):
        for entry in self.patterns:
            try:
                matches = list(entry.pattern.finditer(doc.text, timeout=REGEX_TIMEOUT))
            except TimeoutError:
                ctx.timeouts.add(entry.key)  # a pathological pattern: no finding, never a hang
                continue
            for m in matches:
                if m.end() <= m.start():
                    continue
                # An optional group that did not take part fills its field with "" ({pl} singular).
                groups = {k: v or "" for k, v in m.groupdict().items()}
                finding = self._finding(
                    doc, ctx, entry, m.start(), m.end(), "", 100.0, entry.pattern.pattern, groups
                )
                if finding:
                    yield finding

    # -- licensing and suggestion --------------------------------------------------------

    def _finding(self, doc, ctx, entry: Entry, start: int, end: int, suffix: str, score: float,
                 form: str, groups: dict | None = None) -> Finding | None:
        licensed = ctx.allows(entry, start, end)
        if licensed is None:
            return None
        matched = doc.text[start:end]
        suggestion = None
        if entry.action == "replace":
            suggestion = _suggest(entry, matched, suffix, groups or {}, self.lang)
            if suggestion is None or suggestion == matched:
                return None
        evidence = {"form": form, "score": round(score, 1), **licensed}
        if entry.source:
            evidence["source"] = entry.source
        if groups:
            evidence["groups"] = groups
        # Short, and never a template: the entry's note is shown by `explain`.
        term = suggestion or (_fill(entry.term, groups or {}, self.lang) if "{" in entry.term else entry.term)
        meaning = f" of {term!r}" if term else ""
        what = f"{matched!r} is a known mistranslation{meaning}"
        if entry.source:
            what += f" (from {entry.source!r})"
        if score < 100:
            what = f"{matched!r} looks like a garbled {form!r} ({score:.0f}%)" + (f", meaning {term!r}" if term else "")
        return Finding(
            rule="glossary",
            start=start,
            end=end,
            text=matched,
            action=entry.action,
            suggestion=suggestion,
            message=what,
            kind=entry.kind,
            entry=entry.key,
            confidence=round(score / 100 if score >= 100 else 0.9 * score / 100, 3),
            priority=3,
            evidence=evidence,
        )


class _Context:
    """Lazily computed word sets of the sentences/paragraphs/document for context checks."""

    def __init__(self, doc: Document):
        self.doc = doc
        self._cache: dict[tuple[str, int], tuple[frozenset[str], str]] = {}
        self._present: dict[tuple, str | None] = {}  # (scope key, items) -> first item present
        self.timeouts: set[str] = set()

    def _scope_key(self, scope: str, offset: int) -> tuple[str, int]:
        seg = None if scope == "document" else self.doc.segment_at(offset, scope)
        key = (scope, seg.index if seg else -1)
        if key not in self._cache:
            start, end = (seg.start, seg.end) if seg else (0, len(self.doc.text))
            i, j = self.doc.token_range(start, end)
            norms = [t.norm for t in self.doc.tokens[i:j]]
            self._cache[key] = (frozenset(norms), " " + " ".join(norms) + " ")
        return key

    def present(self, items: tuple[str, ...], scope: str, offset: int) -> str | None:
        """The first of ``items`` present in the scope around ``offset`` (cached per scope)."""
        key = self._scope_key(scope, offset)
        memo = (key, items)
        if memo not in self._present:
            words, joined = self._cache[key]
            self._present[memo] = _first_present(items, words, joined)
        return self._present[memo]

    def allows(self, entry: Entry, start: int, end: int) -> dict | None:
        """Evidence dict when the entry's context conditions hold at [start, end), else None."""
        evidence: dict = {}
        if entry.require:
            hit = self.present(entry.require, entry.scope, start)
            if hit is None:
                return None
            evidence["context"] = hit
        if entry.forbid and self.present(entry.forbid, entry.scope, start) is not None:
            return None
        if entry.before or entry.not_before or entry.after or entry.not_after:
            para = self.doc.segment_at(start, "paragraph")
            lo = para.start if para else 0
            hi = para.end if para else len(self.doc.text)
            before = self.doc.text[max(lo, start - _CONTEXT_CHARS) : start]
            after = self.doc.text[end : min(hi, end + _CONTEXT_CHARS)]
            try:
                if entry.before and not entry.before.search(before, timeout=REGEX_TIMEOUT):
                    return None
                if entry.not_before and entry.not_before.search(before, timeout=REGEX_TIMEOUT):
                    return None
                if entry.after and not entry.after.search(after, timeout=REGEX_TIMEOUT):
                    return None
                if entry.not_after and entry.not_after.search(after, timeout=REGEX_TIMEOUT):
                    return None
            except TimeoutError:
                self.timeouts.add(entry.key)
                return None
        return evidence


def _first_present(items: tuple[str, ...], words: frozenset[str], joined: str) -> str | None:
    for item in items:
        if item.endswith("*"):
            stem = normalize_token(item[:-1])
            if any(w.startswith(stem) for w in words):
                return item
            continue
        norms = [normalize_token(m.group()) for m in WORD_RE.finditer(item)]
        if len(norms) == 1 and norms[0] in words:
            return item
        if len(norms) > 1 and " " + " ".join(norms) + " " in joined:
            return item
    return None


def _plausible_garble(window: str, form: str) -> bool:
    """A fuzzy hit must be a misspelling, not an inflection or a longer/shorter word."""
    if abs(len(window) - len(form)) > 2:
        return False
    return not (window.startswith(form) or form.startswith(window))


def _suggest(entry: Entry, matched: str, suffix: str, groups: dict, lang: Language) -> str | None:
    term = entry.term
    if groups:
        term = _fill(term, groups, lang)
        if term is None:
            return None
    if suffix:
        term = lang.morphology.pluralize(term)
    return lang.morphology.adapt_case(term, matched)


_FIELD_RE = regex.compile(r"\{(\w+)(?:\|(\w+))?\}")


def _fill(template: str, groups: dict, lang: Language) -> str | None:
    """Fill ``{name}`` / ``{name|demonym}`` from regex groups; None when a lookup fails."""
    missing = False

    def sub(m: regex.Match) -> str:
        nonlocal missing
        value = groups.get(m.group(1))
        if value is None:
            missing = True
            return ""
        if m.group(2) == "demonym":
            dem = lang.demonyms.get(value)
            if dem is None:
                missing = True
                return ""
            return dem
        return value

    out = _FIELD_RE.sub(sub, template)
    return None if missing else out
