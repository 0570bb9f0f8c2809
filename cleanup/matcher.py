"""Glossary detection: one Aho-Corasick scan finds every candidate, exact checks confirm it.

The document's search text (``Document.search``: case-folded, NFKC, separators as spaces) is
scanned once by an automaton holding every wrong form's first word or first two words (with
the plural variants the language's morphology allows). Each hit is then checked at its place
only: the remaining words, the gaps between words ("tat-tray", "Tat - Tray"), case-exact
spellings, and the entry's context. Context words (``require``/``forbid``) are found by a
second automaton, run once per paragraph that needs it. A ``pattern`` entry's regex runs only
on the lines where a literal every match must contain occurs. Fuzzy entries (garbled names) are
found by the pigeonhole principle: a window within the fuzzy cut-off of a form contains one of
the form's pieces verbatim, so an automaton of pieces proposes the windows rapidfuzz scores.
Nothing loops over entries or over every word of the text: the cost per megabyte does not grow
with the glossary.
"""

from __future__ import annotations

from functools import cached_property

import bisect
import pickle
import re as _re
from collections import defaultdict
from typing import NamedTuple

import regex

from .detectors import Context, detector
from .document import WORD_RE, Document, SearchText, apostrophe_of, normalize_token, search_key
from .mentions import named_not_used, sentence_around
from .glossary import Entry
from .language import REGEX_TIMEOUT, Language, zipf
from .result import Finding

_GAP_RE = regex.compile(r"[ \t\u00a0\u202f]*[-‐‑‒–'’]?[ \t\u00a0\u202f]*")
_MAX_GAP = 3
_THIRD = 3  # letters of a long form's third word that pick its candidates at a hit
_CONTEXT_CHARS = 200


@detector
def glossary(doc: Document, ctx: Context):
    """Glossary entries (glossaries/<lang>/*.toml), exact and fuzzy."""
    return ctx.glossary.find(doc, ctx.notes)


class Form(NamedTuple):
    """One wrong form of an entry: its normalised words, original spelling, and the plural
    suffix the key it was indexed under puts on the last word ("" for none)."""

    norms: tuple[str, ...]
    words: tuple[str, ...]
    text: str
    entry: int  # index into GlossaryIndex.entries
    suffix: str = ""
    plural: str = ""  # the form is itself a plural of another form of its entry ("pyromaniacs")
    tenses: tuple[str, ...] = ()  # an inflected verb form: the Penn tags it may be ("VBD", "VBN")
    evident: bool = False  # holds a word rare in the target language ("Brejnev"): MT shows by itself


def _automaton(keys: list[str]):
    """An automaton finding every key (an empty key, e.g. a context item without letters,
    becomes one that never occurs: texts hold no NUL)."""
    import ahocorasick_rs

    keys = [k or "\0\0" for k in keys]
    return ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard) if keys else None


def _hits(ac, s: str, start: int = 0, end: int | None = None):
    """(key index, start, end) of every occurrence, overlapping ones included."""
    if ac is None:
        return []
    if start or end is not None:
        sub = s[start:end]
        return [(k, a + start, b + start) for k, a, b in ac.find_matches_as_indexes(sub, overlapping=True)]
    return ac.find_matches_as_indexes(s, overlapping=True)


class GlossaryIndex:
    """All entries of one language, indexed for matching. Picklable (the automata are rebuilt
    on first use), so a compiled index can be cached on disk."""

    def __init__(self, entries: list[Entry], lang: Language):
        self.lang = lang
        self.entries = entries
        self.disabled: set[str] = set()  # entries whose regex hit its time limit: off for the run
        morph = lang.morphology
        keys: dict[str, list[Form]] = defaultdict(list)
        self.terms: set[tuple[str, ...]] = set()
        self.patterns: list[tuple[int, tuple[str, ...]]] = []  # (entry, keys one of which a match holds)
        self.term_tenses: dict[int, dict[str, str]] = {}  # entry -> {Penn tag: inflected term}
        # (entry, wrong form) -> the term in the singular, for a wrong form that is the singular
        # of another of its entry's ("endocrine perturber" beside "endocrine perturbers" when
        # the term is "endocrine disruptors"), used after a singular determiner
        self.singular_terms: dict[tuple[int, str], str] = {}
        fuzzy_forms: list[Form] = []
        for k, entry in enumerate(entries):
            self.terms.add(_norms(entry.term))
            if entry.pattern is not None:
                self.patterns.append((k, required_literals(entry.pattern.pattern, lang.stopwords)))
            pluralizable = entry.plural and not entry.case_exact and morph.pluralizable(entry.term)
            all_norms = {_norms(w) for w in entry.wrong}
            variants = [(w, ()) for w in entry.wrong]
            verbs = _verb_forms(entry, morph)
            if verbs is not None:
                self.term_tenses[k] = verbs
                variants = _tense_variants(entry.wrong, morph)
            wrong_folded = {w.casefold() for w in entry.wrong}
            for w, tenses in variants:
                norms = _norms(w)
                if not tenses and len(wrong_folded) > 1 and morph.pluralize(w).casefold() in wrong_folded - {w.casefold()}:
                    singular = morph.singularize(entry.term)
                    if singular:
                        self.singular_terms[(k, w)] = singular
                words = tuple(m.group() for m in WORD_RE.finditer(w))
                # A wrong form written in the plural of another takes the plural term: in its last
                # word where plural matching is on, in a head before its complement ("falls in the
                # peloton" beside "fall in the peloton") always.
                inherent = ""
                if not entry.case_exact and morph.pluralizable(entry.term):
                    inherent = _inherent_plural(norms, all_norms, morph, last=pluralizable)
                lasts = [("", norms[-1])]
                if pluralizable and len(norms) <= 2:  # longer forms: the plural is checked at the hit
                    lasts += morph.plural_forms(norms[-1])
                evident = _evident(words, lang.code)
                for sfx, last in lasts:
                    head = norms[:-1] + (last,) if len(norms) <= 2 else norms[:2]
                    form = Form(norms, words, w, k, sfx, inherent, tenses, evident)
                    for key in _gap_variants(head):
                        keys[key].append(form)
                if entry.fuzzy and not tenses:
                    fuzzy_forms.append(Form(norms, words, w, k))
            if entry.fuzzy and entry.wrong:
                norms = _norms(entry.term)
                if norms:
                    fuzzy_forms.append(Form(norms, tuple(m.group() for m in WORD_RE.finditer(entry.term)), entry.term, k))
        for forms in keys.values():
            forms.sort(key=lambda f: (-len(f.norms), f.entry))
        self.keys = list(keys)
        # Keys holding the same forms (a head's one- to three-space variants) share one group:
        # its one- and two-word forms, and its longer forms by the first letters of their third
        # word (read at a hit, so a common head such as "in the" costs one lookup).
        group_of: dict[tuple[Form, ...], int] = {}
        self.key_group = [group_of.setdefault(tuple(keys[key]), len(group_of)) for key in self.keys]
        self._groups: dict[int, _Group] = {g: _group(forms) for forms, g in group_of.items()}
        self._blobs: list[bytes] | None = None
        # Context items: one automaton for every require/forbid item of every entry.
        self.context = [(tuple(_item(x) for x in e.require), tuple(_item(x) for x in e.forbid))
                        for e in entries]
        self.position = {e.key: k for k, e in enumerate(entries)}
        self.auto_flag = [_distinctive(e, lang.code) for e in entries]
        # Fuzzy: buckets by (word count, first letter), and the pieces that propose windows.
        self.fuzzy: dict[tuple[int, str], list[Form]] = defaultdict(list)
        for form in fuzzy_forms:
            self.fuzzy[(len(form.norms), form.norms[0][0])].append(form)
        self.fuzzy_lengths = sorted({n for n, _ in self.fuzzy})
        self._fuzzy_choices = {k: [" ".join(f.norms) for f in v] for k, v in self.fuzzy.items()}
        self._fuzzy_lengths = {k: {len(c) + d for c in v for d in range(-2, 3)} for k, v in self._fuzzy_choices.items()}
        # Buckets whose terms are all capitalised (names): a window must start with a capital.
        self._fuzzy_capital = {k for k, v in self.fuzzy.items() if all(entries[f.entry].term[:1].isupper() for f in v)}
        # Each piece, with where a window holding it may start: (offset in the form, slack, words).
        targets: dict[str, set[tuple[int, int, int]]] = defaultdict(set)
        short_letters: set[str] = set()  # first letters of forms too short to split into pieces
        for form in fuzzy_forms:
            placed = _pieces(form, entries[form.entry].fuzzy)
            if placed is None:
                short_letters.add(form.norms[0][0])
                continue
            for piece, offset, slack in placed:
                targets[piece].add((offset, slack, len(form.norms)))
        self.pieces = sorted(targets)
        self.piece_targets = [sorted(targets[p]) for p in self.pieces]
        # A window must start with a word of four or more letters: for short forms, every such
        # word with the right first letter is a candidate start.
        self.short_starts = (r"(?<![\p{L}\p{M}\p{N}])[" + regex.escape("".join(sorted(short_letters)))
                             + r"][\p{L}\p{M}\p{N}]{3,}") if short_letters else None
        self._ac = None

    def __getstate__(self):
        # The forms travel as one small pickle per group, unpickled when a key of the group is
        # first hit: loading a cached index does not build the tens of thousands of forms an
        # article never meets (start-up time, and a cost that does not grow with the glossary).
        if self._blobs is None:
            self._blobs = [pickle.dumps(self._groups[g], protocol=pickle.HIGHEST_PROTOCOL)
                           for g in range(len(self._groups))]
        state = dict(self.__dict__)
        state["_groups"] = {}
        state["_ac"] = None
        for name in ("_literals", "_literal_patterns", "_free_patterns"):
            state.pop(name, None)
        state["disabled"] = set()
        state["lang"] = None  # the language pack sets its freshly loaded profile
        return state

    def _automata(self):
        if self._ac is None:
            self._literals = sorted({lit for _, lits in self.patterns for lit in lits})
            self._literal_patterns = defaultdict(list)
            self._free_patterns = []
            for i, (_, lits) in enumerate(self.patterns):
                for lit in lits:
                    self._literal_patterns[lit].append(i)
                if not lits:
                    self._free_patterns.append(i)
            self._ac = (_automaton(self.keys), _automaton(self.pieces), _automaton(self._literals))
        return self._ac

    def _group(self, key_index: int) -> "_Group":
        g = self.key_group[key_index]
        got = self._groups.get(g)
        if got is None:
            got = self._groups[g] = pickle.loads(self._blobs[g])
        return got

    # -- detection ---------------------------------------------------------------------

    def find(self, doc: Document, notes: list[str] | None = None) -> list[Finding]:
        """Findings of every entry. A regex that hits its time limit disables its entry for the
        rest of the run, said once in ``notes`` (a pathological pattern never hangs a run)."""
        forms_ac, pieces_ac, literals_ac = self._automata()
        ctx = _Context(doc, self)
        found: dict[tuple[int, int, str], Finding] = {}
        for finding in self._find_exact(doc, ctx, forms_ac):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        for finding in self._find_fuzzy(doc, ctx, found, pieces_ac):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        for finding in self._find_patterns(doc, ctx, literals_ac):
            found.setdefault((finding.start, finding.end, finding.entry), finding)
        for key in sorted(ctx.timeouts):
            if notes is not None:
                notes.append(f"glossary entry {key}: a regex hit its {REGEX_TIMEOUT} s limit; "
                             "the entry is off for the rest of this run")
        return sorted(found.values(), key=lambda f: (f.start, f.end))

    def _find_exact(self, doc: Document, ctx: "_Context", ac):
        st = doc.search
        s, text = st.s, doc.text
        candidates = []
        for key_index, a, b in _hits(ac, s):
            if st.is_word_char(a - 1) or st.is_word_char(b):
                continue
            short, longer = self._group(key_index)
            candidates += ((a, b, form) for form in short)
            if not longer:
                continue
            j = b
            while j < len(s) and s[j] == " " and j - b < _MAX_GAP:
                j += 1
            if j == b:
                continue
            for size in range(_THIRD, 0, -1):
                for form in longer.get(s[j : j + size], ()):
                    if not st.identity or _follows(s, a, form.norms):  # the rest of the form: the cheap test first
                        candidates.append((a, b, form))
        candidates.sort(key=lambda c: (c[0], -len(c[2].norms), c[2].entry))
        for a, b, form in candidates:
            entry = self.entries[form.entry]
            if entry.key in self.disabled or not ctx.in_focus(entry, a):
                continue
            if st.identity and len(form.norms) <= 2:
                match = self._match_short(text, a, b, form, entry)
            else:
                match = self._match_at(st, text, a, form)
            if match is None:
                continue
            start, end, suffix = match
            term = unsure = None
            if form.tenses:
                term, unsure = self._inflected_term(text, start, form)
            elif not suffix and (form.entry, form.text) in self.singular_terms \
                    and _SINGULAR_BEFORE.search(text, max(0, start - 40), start):
                term = self.singular_terms[(form.entry, form.text)]  # "a known endocrine disruptor"
            finding = self._finding(doc, ctx, entry, start, end, suffix, 100.0, form.text, term=term, unsure=unsure,
                                    evident=form.evident)
            if finding:
                yield finding

    def _inflected_term(self, text: str, start: int, form: Form) -> tuple[str | None, str | None]:
        """The term in the tense of the verb the wrong form starts with, or (None, why) when
        the form is several tenses whose terms differ ("cast": present or past) and the words
        before it do not tell."""
        terms = self.term_tenses[form.entry]
        options = {terms.get(t, self.entries[form.entry].term) for t in form.tenses}
        if len(options) == 1:
            return options.pop(), None
        tag = _tense_from_context(text, start, form.tenses)
        if tag is None:
            verb = form.words[0] if form.words else form.text
            names = list(dict.fromkeys(_TENSE_NAMES[t] for t in form.tenses))
            told = ", ".join(names[:-1]) + " or " + names[-1]
            return None, f"{verb!r} may be {told}: the tense of the replacement cannot be told"
        return terms.get(tag, self.entries[form.entry].term), None

    def _match_short(self, text: str, a: int, b: int, form: Form, entry: Entry) -> tuple[int, int, str] | None:
        """``_match_at`` for a one- or two-word form whose key (words, gap, suffix) is exactly
        the hit [a, b) of an identity search text: only the gap and the spelling are left."""
        if len(form.norms) == 2:
            gap_start = a + len(form.norms[0])
            gap = text[gap_start : b - len(form.norms[1]) - len(form.suffix)]
            if not _GAP_RE.fullmatch(gap):
                return None
        if entry.case_exact:
            got = tuple(m.group() for m in WORD_RE.finditer(text, a, b))
            if got != form.words:
                return None
        return a, b, form.suffix or form.plural

    def _match_at(self, st: SearchText, text: str, a: int, form: Form) -> tuple[int, int, str] | None:
        """(start, end, plural suffix) in the text if ``form`` matches at search offset a."""
        n = len(form.norms)
        if st.identity and not _follows(st.s, a, form.norms):
            return None  # the cheap test first: the words, separated by one to three spaces
        words = st.words(a, min(len(st.s), a + sum(len(w) + _MAX_GAP for w in form.norms) + 4))
        if len(words) < n or words[0][0] != a:
            return None
        for k in range(n - 1):
            if words[k][2] != form.norms[k]:
                return None
        entry = self.entries[form.entry]
        last, want = words[n - 1][2], form.norms[-1]
        suffix = None
        if last == want:
            suffix = form.plural
        elif entry.plural and not entry.case_exact and self.lang.morphology.pluralizable(entry.term):
            suffix = self.lang.morphology.plural_suffix(last, want)
        if suffix is None:
            return None
        spans = [(st.to_text(ws, 0), st.to_text(we, 1)) for ws, we, _ in words[:n]]
        for k in range(1, n):
            gap = text[spans[k - 1][1] : spans[k][0]]
            if len(gap) > _MAX_GAP or not _GAP_RE.fullmatch(gap):
                return None
        if entry.case_exact:
            for k in range(n):
                if text[spans[k][0] : spans[k][1]] != form.words[k]:
                    return None
        return spans[0][0], spans[n - 1][1], suffix

    def _find_fuzzy(self, doc: Document, ctx: "_Context", found: dict, ac):
        if not self.fuzzy:
            return
        st = doc.search
        s, text = st.s, doc.text
        covered = sorted((f.start, f.end) for f in found.values())
        covered_starts = [c[0] for c in covered]
        ends_before = _running_max([c[1] for c in covered])
        longest = max(len(" ".join(f.norms)) for forms in self.fuzzy.values() for f in forms) + 2
        # A window holding a piece starts near the piece's place: the ranges of offsets, joined,
        # then the words starting in them (one scan of each joined range, whatever the hits).
        ranges = sorted({(max(0, a - offset - slack), max(0, a - offset + slack + 1))
                         for k, a, _ in _hits(ac, s) for offset, slack, _n in self.piece_targets[k]})
        starts: set[int] = set()  # search offsets of words that may begin a window
        for lo, hi in _merged(ranges):
            starts.update(m.start() for m in WORD_RE.finditer(s, lo, hi) if not st.is_word_char(m.start() - 1))
        stop = self.lang.stopwords
        if self.short_starts:
            starts.update(m.start() for m in regex.finditer(self.short_starts, s) if m.group() not in stop)
        lengths = self._fuzzy_lengths
        for ws in sorted(starts):
            chunk = WORD_RE.findall(s, ws, min(len(s), ws + longest + _MAX_GAP * 4))
            if not chunk or len(chunk[0]) < 4 or chunk[0] in stop or chunk[0].isdigit():
                continue
            if not any((n, chunk[0][0]) in lengths and
                       len(" ".join(chunk[:n])) in lengths[(n, chunk[0][0])] for n in self.fuzzy_lengths):
                continue  # no form of that word count and first letter has a length within 2
            if all((n, chunk[0][0]) in self._fuzzy_capital or (n, chunk[0][0]) not in lengths
                   for n in self.fuzzy_lengths) and not text[st.to_text(ws)].isupper():
                continue  # only names start with this letter, and this word is not capitalised
            words = st.words(ws, min(len(s), ws + longest + _MAX_GAP * 4))
            first = words[0][2]
            for n in self.fuzzy_lengths:
                if n > len(words):
                    break
                key = (n, first[0])
                choices = self._fuzzy_choices.get(key)
                if not choices:
                    continue
                spans = [(st.to_text(a, 0), st.to_text(b, 1)) for a, b, _ in words[:n]]
                gaps_ok = all(
                    len(g := text[spans[k - 1][1] : spans[k][0]]) <= _MAX_GAP and _GAP_RE.fullmatch(g)
                    for k in range(1, n)
                )
                if not gaps_ok:
                    continue
                norms = tuple(w[2] for w in words[:n])
                if norms in self.terms:
                    continue
                start, end = spans[0][0], spans[n - 1][1]
                i = bisect.bisect_left(covered_starts, end)  # exact findings starting before end
                if i and ends_before[i - 1] > start:
                    continue  # a fuzzy guess never overlaps an exact finding
                window = " ".join(norms)
                from rapidfuzz import fuzz, process  # only when a window reaches scoring

                for _, score, idx in process.extract(window, choices, scorer=fuzz.ratio, score_cutoff=70, limit=5):
                    form = self.fuzzy[key][idx]
                    entry = self.entries[form.entry]
                    if score < entry.fuzzy or score >= 100 or entry.key in self.disabled:
                        continue
                    if not _plausible_garble(window, " ".join(form.norms)):
                        continue
                    if entry.term[:1].isupper() and not text[start].isupper():
                        continue
                    if not ctx.in_focus(entry, start):
                        continue
                    finding = self._finding(doc, ctx, entry, start, end, "", score, form.text)
                    if finding:
                        yield finding
                        break

    def _find_patterns(self, doc: Document, ctx: "_Context", ac):
        st = doc.search
        text = doc.text
        # The lines holding each literal found (a literal such as "minister" occurs on many
        # lines and is required by many patterns: mapped to lines once), then per pattern.
        lines_of: dict[int, set[int]] = defaultdict(set)
        for k, a, _ in _hits(ac, st.s):
            lines_of[k].add(doc.line_of(st.to_text(a)))
        where: dict[int, set[int]] = defaultdict(set)  # pattern -> the lines of its literals
        for k, lines in lines_of.items():
            for i in self._literal_patterns[self._literals[k]]:
                where[i] |= lines
        # Only the patterns one of whose literals occurs (and those without any), in glossary order.
        for i in sorted([*where, *self._free_patterns]):
            k, literals = self.patterns[i]
            entry = self.entries[k]
            if entry.key in self.disabled:
                continue
            if not literals:
                windows = [(0, len(text))]
            else:
                windows = doc.line_windows(where[i])
            seen: set[tuple[int, int]] = set()
            for lo, hi in windows:
                try:
                    matches = list(entry.pattern.finditer(text, lo, hi, timeout=REGEX_TIMEOUT))
                except TimeoutError:  # a pathological pattern: off for the run, never a hang
                    ctx.timeouts.add(entry.key)
                    self.disabled.add(entry.key)
                    break
                for m in matches:
                    if m.end() <= m.start() or m.span() in seen or not ctx.in_focus(entry, m.start()):
                        continue
                    seen.add(m.span())
                    # An optional group that did not take part fills its field with "" ({pl} singular).
                    groups = {g: v or "" for g, v in m.groupdict().items()}
                    finding = self._finding(doc, ctx, entry, m.start(), m.end(), "", 100.0,
                                            entry.pattern.pattern, groups)
                    if finding:
                        yield finding

    # -- licensing and suggestion --------------------------------------------------------

    def _finding(self, doc, ctx, entry: Entry, start: int, end: int, suffix: str, score: float,
                 form: str, groups: dict | None = None, term: str | None = None,
                 unsure: str | None = None, evident: bool | None = None) -> Finding | None:
        licensed = ctx.allows(entry, start, end)
        if licensed is None or ctx.names_or_mentions(entry, form, start, end, licensed):
            return None
        matched = doc.text[start:end]
        suggestion = None
        if entry.action == "replace" and unsure is None:
            case_of = matched
            if (entry.term[:1].islower() and matched[:1].isupper() and not ctx.starts_sentence(start)
                    and (form[:1].isupper() or not entry.term.islower())):
                # the capitals are the wrong form's own ("a Jarnac stroke", "the Premier
                # Minister") or the name's ("pour Saint Patrick's Day" -> "la Saint-Patrick"),
                # not the sentence's: the term keeps its own case
                case_of = matched.lower()
            suggestion = _suggest(entry, case_of, suffix, groups or {}, self.lang, term)
            mark = ctx.apostrophe  # the document's apostrophe, not the glossary's
            if suggestion is not None and mark is not None:
                suggestion = suggestion.replace("’", mark).replace("'", mark)
            if suggestion is not None:
                # a pattern that took the spaces around its words keeps them ("familières avec les "
                # -> "au fait des ", not "au fait desnégociations")
                lead, trail = matched[: len(matched) - len(matched.lstrip())], matched[len(matched.rstrip()):]
                if suggestion.strip():
                    suggestion = ("" if suggestion[:1].isspace() else lead) + suggestion + (
                        "" if suggestion[-1:].isspace() else trail)
            if suggestion is None or suggestion == matched:
                return None
        near = licensed.pop("near_miss", None) or self._weak_evidence(doc, ctx, entry, start, end, licensed)
        if near is None and unsure is not None:
            return Finding(
                rule="glossary", start=start, end=end, text=matched, action="flag", suggestion=None,
                kind=entry.kind, entry=entry.key, priority=3, confidence=round(0.5 * score / 100, 3),
                message=f"{matched!r} is a known mistranslation of {entry.term!r}, but {unsure}",
                evidence={"form": form, "score": round(score, 1), "unsure": unsure, **licensed},
            )
        if near is not None:
            if not self._flags_near_misses(entry):
                return None
            return Finding(
                rule="glossary", start=start, end=end, text=matched, action="flag",
                suggestion=suggestion, kind=entry.kind, entry=entry.key, priority=3,
                message=f"{matched!r} may be a mistranslation of {entry.term!r}, but {near}",
                confidence=round(0.5 * score / 100, 3),
                evidence={"form": form, "score": round(score, 1), "near_miss": near, **licensed},
            )
        evidence = {"form": form, "score": round(score, 1), **licensed}
        if evident is None:  # a garbled spelling is no word; a pattern, by its kind
            evident = score < 100 or entry.kind in _SELF_EVIDENT_KINDS
        if not evident:
            evidence["common_words"] = True  # edited only where other artefacts corroborate it
        if entry.gender or entry.number:
            evidence.update(gender=entry.gender, number=entry.number)
        if suffix:
            evidence["plural"] = True
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


    _NAME_AFTER = regex.compile(r"[ \u00a0]+(?:\p{Lu}[\p{L}'’.\-]*[ \u00a0]+){0,2}\p{Lu}[\p{L}'’\-]+")

    def _weak_evidence(self, doc: Document, ctx: "_Context", entry: Entry, start: int, end: int,
                       licensed: dict) -> str | None:
        """Why licensing evidence is too weak to edit, or None. A document-scope entry needs
        its evidence in the paragraph too; a title attached to a named person ("Foreign Minister
        Gideon Saar") needs the country's evidence right before it or the name itself among its
        context words: otherwise the official may well be another country's."""
        hit = licensed.get("context")
        if hit is None:
            return None
        require = self.context[self.position[entry.key]][0]
        if entry.scope == "document" and ctx.present(require, "paragraph", start) is None:
            return f"its context word ({hit!r}) is only elsewhere in the article"
        if entry.kind == "title":
            name = self._NAME_AFTER.match(doc.text, end)
            if name:  # the evidence must qualify the title ("British Foreign Minister") or be the name
                close = " ".join(WORD_RE.findall(doc.text[max(0, start - 40) : start])[-2:])
                named = _first_present(require, *_word_sets(doc.text[end : name.end()]))
                if named is None and _first_present(require, *_word_sets(close)) is None:
                    return (f"it names {name.group().strip()!r}, and the context word ({hit!r}) "
                            "is not next to the title: the official may be another country's")
        return None

    def _flags_near_misses(self, entry: Entry) -> bool:
        policy = entry.near_miss
        if policy == "auto":
            return self.auto_flag[self.position[entry.key]]
        return policy == "flag"


# States and provinces whose towns share the names of world cities ("Damascus, Maryland",
# "Lisbon, dans le Maine"): a place name followed by one of them is that town.
_OTHER_STATES = tuple(regex.escape(s) for s in """Alabama Alaska Arizona Arkansas Californie California Caroline Carolina
Colorado Connecticut Delaware Floride Florida Géorgie Georgia Hawaï Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky
Louisiane Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio
Oklahoma Oregon Pennsylvanie Pennsylvania Tennessee Texas Utah Vermont Virginie Virginia Washington Wisconsin Wyoming
Ontario Québec Quebec Manitoba Saskatchewan Alberta""".split())
# A place followed by a US state or Canadian province is that state's town ("Damascus, Maryland").
_STATE_AFTER = regex.compile(
    r"\s*,?\s*(?:(?:dans|en|au|in)\s+(?:l['’]|le\s+|la\s+|the\s+state\s+of\s+)?)?(?:" + "|".join(_OTHER_STATES) + r")\b")
# A sentence naming a US state (not Washington or Georgia, which name a government and a country
# too) or a county: a world city's name in it is likely that state's town.
_US_STATES = tuple(s for s in _OTHER_STATES[: _OTHER_STATES.index("Ontario")] if s not in ("Washington", "Georgia", "Géorgie"))
_AMERICAN_TOWN = regex.compile(r"(?<![\p{L}-])(?:" + "|".join(_US_STATES) + r"|[Cc]ounty|[Cc]omté)(?![\p{L}-])")


# Words of a sentence that sets two forms of a name or a word against each other.
_COMPARE_CUE = regex.compile(
    r"(?i)\b(?:French|English|Dutch|German|Romanian|français|anglais|néerlandais|allemand|roumain|francophones?"
    r"|anglophones?|equivalent|équivalent|translat\w*|tradu\w*|names?|noms?|forms?|formes?|spell\w*|orthograph\w*"
    r"|credit\w*|crédit\w*|listed|appell?\w*|called|known|word|mot|terme?s?|bilingu\w*|label\w*)\b")
# A singular determiner before a wrong form (one adjective between at most): the sign that a
# singular wrong form means one thing ("a known endocrine perturber"), not an invariable
# phrase whose term is plural ("MPs changed camp" -> "switched sides").
_SINGULAR_BEFORE = regex.compile(r"(?i)(?<![\p{L}])(?:a|an|one|each|every|another|this|that)\s+(?:[\p{L}-]+\s+)?$")
_PERSON_AFTER = regex.compile(r"\s*,\s*(?:who|whose)\b")
# A place described right after its name as a town of some region: the text tells which town it
# is, and a world city's exonym is not meant ("Nicosia, commune de l'intérieur de la Sicile").
_TOWN_DESCRIBED = regex.compile(
    r"\s*,\s*(?:(?:une?|la|le|l['’]|a|an|the)\s*)?(?:(?:petite|small|little)\s+)?"
    r"(?:ville|commune|municipalité|village|localité|bourg|town|city|municipality|borough|township)\b"
    r"|\s*,\s*(?:dans|in)\s+(?:(?:le|la|l['’]|the)\s*)?(?:département|province|région|État|comté|county|state|region)\b")


def _american_town(text: str, start: int, end: int, term: str) -> bool:
    """A world place's name in a sentence that names a US state or a county elsewhere: likely
    the American town ("à Andalusia, petite ville de l'Alabama"), unless the entry's own place is
    in the United States ("Californie", "Caroline du Nord")."""
    return not _AMERICAN_TOWN.search(term) and bool(_AMERICAN_TOWN.search(sentence_around(text, start, end)))
# French words running on after a match in English text: the match is part of a French phrase.
_FRENCH_PHRASE_AFTER = regex.compile(r"[ \u00a0]+(?:(?:en|du|des|aux|au)[ \u00a0]+\p{L}|d['’]\p{L})")
_NEIGHBOUR_AFTER = regex.compile(r"[ \u00a0]+(?:(?:et|and|ou|or)[ \u00a0]+)?(\p{L}+)")
_NEIGHBOUR_BEFORE = regex.compile(r"(\p{L}+)[ \u00a0]+(?:(?:et|and|ou|or)[ \u00a0]+)?$")


def _english_neighbour(text: str, start: int, end: int) -> bool:
    """A word of English, not of French, right before or after the match in French text (past
    "et"/"and"): the match is part of an English phrase or pair quoted as such."""
    for m in (_NEIGHBOUR_AFTER.match(text, end), _NEIGHBOUR_BEFORE.search(text, max(0, start - 30), start)):
        if m:
            w = m.group(1).casefold()
            if len(w) > 2 and zipf(w, "en") >= 3.0 and zipf(w, "fr") < 2.0:
                return True
    return False


# A person introduced as someone unknown ("X, a 34-year-old nurse", "a schoolgirl, X"): a public
# figure is not, so a name entry's famous person is not meant.
# (English "a"/"an", French "un"/"une": a French ", a" is the verb avoir, "X, a pour sa part")
_INDEFINITE = {"en": "an?", "fr": "un|une"}
_INTRODUCED_AFTER = {c: regex.compile(rf"\s*,\s*(?:{a})\s+[\p{{L}}\d]") for c, a in _INDEFINITE.items()}
_INTRODUCED_BEFORE = {c: regex.compile(rf"\b(?:{a})\s+(?:[\p{{Ll}}-]+\s+){{0,2}}[\p{{Ll}}-]+\s*,\s*$")
                      for c, a in _INDEFINITE.items()}
# A capitalised word and a Spanish/Italian/Portuguese "of" before the match: a foreign name.
_FOREIGN_OF = regex.compile(r"(\p{L}[\p{L}\p{M}'’-]*)[ \u00a0]+(?:de|del|de\s+la|da|di|do|dos|das|della)[ \u00a0]+$")
_PREV_WORD_HYPHEN = regex.compile(r"\p{Lu}[\p{L}\p{M}]*[-‐]$")
_NEXT_WORD = regex.compile(r"[ \u00a0]+(\p{L}[\p{L}\p{M}'’-]*)")
_PREV_WORD = regex.compile(r"(\p{L}[\p{L}\p{M}'’-]*)[ \u00a0]+$")
_PROPER_KINDS = frozenset({"place", "institution", "untranslated", "name"})  # names set against names


class _Context:
    """Context checks for one document: the words of each sentence, paragraph or the whole
    document, read from the search text once per scope that needs them (the normalised words,
    as the entries' require/forbid items are normalised)."""

    def __init__(self, doc: Document, index: GlossaryIndex):
        self.doc = doc
        self.index = index
        self._scopes: dict[tuple[str, int], tuple[frozenset[str], list[str], str]] = {}
        self._present: dict[tuple, str | None] = {}
        self.timeouts: set[str] = set()

    def in_focus(self, entry: Entry, offset: int) -> bool:
        return self.doc.in_focus(offset) or entry.scope == "document"

    def names_or_mentions(self, entry: Entry, form: str, start: int, end: int, licensed: dict) -> bool:
        """Whether the match is part of a proper name or a mention of the word itself, which no
        entry rewrites: a form the glossary writes in lowercase found capitalised inside a
        sentence ("the Climate Change Act", "Club Haltérophile Grenoblois", "Party of Five"); a
        name the glossary writes capitalised running on into a longer name ("Bank of England
        Act", "IIT Bombay", "Bombay Stock Exchange"), a place followed by a US state ("Damascus,
        Maryland"); a word named as a word ("spelt Brejnev", "Aachen en allemand", "le terme
        stakeholders") or a title ("the film Cashmere"), or set against the entry's own
        term beside it ("Séville (Seville)"). Title-case headlines aside; an entry that names its
        neighbours (before/after, context words) has said which names it belongs in."""
        text = self.doc.text
        matched = text[start:end]
        lo = max(0, start - 40)
        if named_not_used(text, start, end):
            return True
        if start and text[start - 1] in "-‐" and _PREV_WORD_HYPHEN.search(text, lo, start):
            return True  # "Casa-Voyageurs", "Paris-Nord": part of a compound name
        if "{" not in entry.term and len(entry.term) > 3 and entry.kind in _PROPER_KINDS:
            # "Séville (Seville)", "Gelderland, que les francophones appellent Gueldre", "listed as
            # réalisateur, not director": the two forms compared in one sentence
            term = _fold(entry.term)
            if term in _fold(text[max(0, start - 250) : end + 250]):  # the cheap test first
                rest = sentence_around(text, start, end)
                rest = " ".join(w for w in rest.split() if not (len(w) > 3 and w.isupper()))  # not a dateline ("ALGIERS —")
                folded = _fold(rest)
                if (_has_word(folded, term) or _has_word(folded, term + "s")) and _COMPARE_CUE.search(rest):
                    return True
        if "{" not in entry.term and _glossed(text, start, end, entry.term):
            return True  # "un search warrant (mandat de perquisition)": the word and its gloss
        if self.index.lang.code == "fr" and entry.kind in ("untranslated", "lexical") and _english_neighbour(text, start, end):
            return True  # "escalation control", "shareholders et stakeholders": an English phrase quoted
        if self.index.lang.code == "en" and entry.kind in _PROPER_KINDS and _FRENCH_PHRASE_AFTER.match(text, end):
            return True  # "représentant en mission", "betterave en croûte de sel": a French phrase quoted
        if self.index.lang.code == "en" and entry.kind == "untranslated" and (after := _NEIGHBOUR_AFTER.match(text, end)) \
                and zipf(after.group(1).casefold(), "fr") >= 2.5 and zipf(after.group(1).casefold(), "en") < 1.5:
            return True  # "their médecins traitants": a French phrase quoted, not one word left over
        code = self.index.lang.code
        if entry.kind == "name" and code in _INTRODUCED_AFTER and (
                _INTRODUCED_AFTER[code].match(text, end) or _INTRODUCED_BEFORE[code].search(text, lo, start)):
            return True  # "X, a fisherman from Mahé", "a schoolgirl, X": a namesake, introduced
        form_words = WORD_RE.findall(form)
        if (form_words and all(w[:1].islower() for w in form_words) and matched[:1].isupper()
                and _PERSON_AFTER.match(text, end)):
            return True  # "Vainqueur, who joined Roma": a word of the glossary as someone's name
        if self.title_case(start) or entry.pattern is not None:
            return False  # (a pattern's own regex says which words it takes)
        words = [m for m in WORD_RE.finditer(matched)]
        if form_words and all(w[:1].islower() for w in form_words):
            if entry.term[:1].isupper():
                return False  # the glossary's name, written in lowercase to match any case ("cashmere")
            first = 1 if self.starts_sentence(start) else 0
            return any(m.group()[:1].isupper() for m in words[first:])
        if entry.kind == "place" and _TOWN_DESCRIBED.match(text, end):
            return True  # "Pamplona, une municipalité de la province philippine": another town
        if entry.kind == "place" and self.names_a_state and _american_town(text, start, end, entry.term):
            return True  # "à Andalusia, petite ville de l'Alabama", "Brandenburg v. Ohio"
        if entry.before or entry.after or licensed.get("context"):
            return False  # the entry names its own neighbours: "Benyamin" before "Netanyahu"
        if entry.kind == "place" and _STATE_AFTER.match(text, end):
            return True
        if form_words and form_words[0][:1].isupper() and entry.kind in ("place", "institution"):
            nxt = _NEXT_WORD.match(text, end)
            if nxt and nxt.group(1)[:1].isupper():
                return True  # "Bombay Stock Exchange"
            prev = _PREV_WORD.search(text, lo, start)
            if prev and self._name_part(prev.group(1), prev.start(1)):
                return True  # "IIT Bombay", "Boris Hambourg", "Radio Andorre" (not "The", "In")
            connected = _FOREIGN_OF.search(text, lo, start)
            if connected and connected.group(1)[:1].isupper():
                return True  # "Junta de Extremadura", "Universidad de Extremadura"
        return False

    def _name_part(self, word: str, at: int) -> bool:
        """Whether a capitalised word before a match belongs to the same name: not a possessive
        ("Khan's"), and at a sentence's start not a function word or an elided article ("The",
        "L'ONG")."""
        if not word[:1].isupper() or word.endswith(("'s", "’s")):
            return False
        if not self.starts_sentence(at):
            return True
        return normalize_token(word) not in self.index.lang.stopwords and "'" not in word and "’" not in word

    def title_case(self, offset: int) -> bool:
        """Whether the paragraph at offset is a title-case headline (most longer words capitalised)."""
        para = self.doc.segment_at(offset, "paragraph")
        if para is None:
            return False
        key = ("title", para.start)
        if key not in self._present:
            long = [w for w in WORD_RE.findall(para.text) if len(w) > 3 and w[:1].isalpha()]
            headline = not para.text.rstrip().endswith((".", "!", "?", ";", ",", "\"", "”", "»"))
            self._present[key] = headline and len(long) >= 3 and sum(w[:1].isupper() for w in long) >= 0.6 * len(long)
        return self._present[key]

    def starts_sentence(self, offset: int) -> bool:
        """Whether only quotes, dashes or brackets stand between its sentence's start and offset."""
        seg = self.doc.segment_at(offset, "sentence")
        lead = self.doc.text[seg.start if seg else 0 : offset]
        return not any(c.isalnum() for c in lead)

    @cached_property
    def apostrophe(self) -> str | None:
        return apostrophe_of(self.doc.text)

    @cached_property
    def names_a_state(self) -> bool:
        """Whether the document names a US state or a county anywhere (most do not)."""
        return bool(_AMERICAN_TOWN.search(self.doc.text))

    def _words(self, scope: str, offset: int):
        seg = None if scope == "document" else self.doc.segment_at(offset, scope)
        key = (scope, seg.start if seg else -1)
        if key not in self._scopes:
            st = self.doc.search
            lo, hi = (st.to_search(seg.start), st.to_search(seg.end)) if seg else (0, len(st.s))
            words = WORD_RE.findall(st.s, lo, hi)
            self._scopes[key] = (frozenset(words), sorted(set(words)), " " + " ".join(words) + " ")
        return key, self._scopes[key]

    def present(self, items: tuple[tuple[str, bool, str], ...], scope: str, offset: int) -> str | None:
        """The first of ``items`` (key, is_prefix, as written) present in the scope."""
        key, (words, ordered, joined) = self._words(scope, offset)
        memo = (key, items)
        if memo not in self._present:
            self._present[memo] = _first_present(items, words, ordered, joined)
        return self._present[memo]

    def allows(self, entry: Entry, start: int, end: int) -> dict | None:
        """Evidence dict when the entry's context conditions hold at [start, end), else None."""
        evidence: dict = {}
        require, forbid = self.index.context[self.index.position[entry.key]]
        if forbid and self.present(forbid, entry.scope, start) is not None:
            return None  # evidence of the legitimate sense: silence
        if require:
            hit = self.present(require, entry.scope, start)
            if hit is None:
                shown = ", ".join(raw for _, _, raw in require[:6]) + (", ..." if len(require) > 6 else "")
                evidence["near_miss"] = f"none of its context words ({shown}) is in the {entry.scope}"
            else:
                evidence["context"] = hit
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
            except TimeoutError:  # off for the rest of the run, at once: one time-out, not one per candidate
                self.timeouts.add(entry.key)
                self.index.disabled.add(entry.key)
                return None
        return evidence


AUTO_FLAG_ZIPF = 3.0  # a one-word wrong form this common in the target language: no near-miss flag


EVIDENT_ZIPF = 2.5  # a word rarer than this in the target language is no ordinary use of it
_SELF_EVIDENT_KINDS = frozenset({"number", "spacing", "acronym", "boilerplate"})


def _evident(words: tuple[str, ...], lang: str) -> bool:
    """Whether a wrong form holds a word rare in the target language ("brejnev", "infox"):
    then it shows machine translation by itself; a form of common words ("lost conscience")
    has legitimate readings and needs corroboration."""
    return any(zipf(piece.casefold(), lang, 7.0) < EVIDENT_ZIPF
               for w in words for piece in regex.split(r"[-'’]", w) if len(piece) > 1 and not piece.isdigit())


def _distinctive(entry: Entry, lang: str) -> bool:
    """Whether an entry's wrong forms are unusual enough in the target language that finding one
    without its context is worth a flag: several words, a pattern, or a rare word."""
    if entry.pattern is not None or any(len(_norms(w)) > 1 for w in entry.wrong):
        return True
    return all(zipf(w, lang, 7.0) < AUTO_FLAG_ZIPF for w in entry.wrong)


def _word_sets(text: str) -> tuple[frozenset[str], list[str], str]:
    words = [normalize_token(w) for w in WORD_RE.findall(text)]
    return frozenset(words), sorted(set(words)), " " + " ".join(words) + " "


def _first_present(items, words: frozenset[str], ordered: list[str], joined: str) -> str | None:
    for key, prefix, raw in items:
        if prefix and " " in key:  # "concentration camp*": the phrase, its last word a prefix
            if f" {key}" in joined:
                return raw
        elif prefix:
            i = bisect.bisect_left(ordered, key)
            if key and i < len(ordered) and ordered[i].startswith(key):
                return raw
        elif " " in key:
            if f" {key} " in joined:
                return raw
        elif key in words:
            return raw
    return None


def _follows(s: str, pos: int, norms: tuple[str, ...]) -> bool:
    """Whether the words (all but the last, which may carry a plural suffix) follow at pos."""
    for k, w in enumerate(norms):
        if k:
            j = pos
            while j < len(s) and s[j] == " " and j - pos < _MAX_GAP:
                j += 1
            if j == pos:
                return False
            pos = j
        if not s.startswith(w, pos):
            return False
        pos += len(w)
    return True


def _inherent_plural(norms: tuple[str, ...], others, morph, last: bool = True) -> str:
    """The plural suffix by which ``norms`` differs from another form in exactly one word, the
    head of the phrase."""
    for single in others:
        if len(single) != len(norms) or single == norms:
            continue
        diff = [i for i in range(len(norms)) if single[i] != norms[i]]
        # the last word, or a head noun before its complement ("falls in the peloton"; not a
        # verb before its object: "holds head to" beside "hold head to")
        if len(diff) == 1 and (last if diff[0] == len(norms) - 1 else norms[diff[0] + 1] in morph.head_breaks):
            i = diff[0]
            for sfx, plural in morph.plural_forms(single[i]):
                if plural == norms[i]:
                    return sfx
    return ""


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted half-open ranges, overlapping ones joined."""
    out: list[list[int]] = []
    for lo, hi in ranges:
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _running_max(values: list[int]) -> list[int]:
    out, best = [], -1
    for v in values:
        best = max(best, v)
        out.append(best)
    return out


def _norms(text: str) -> tuple[str, ...]:
    return tuple(normalize_token(m.group()) for m in WORD_RE.finditer(text))


def _glossed(text: str, start: int, end: int, term: str) -> bool:
    """Whether the match and the entry's term stand side by side, one in brackets: "un search
    warrant (mandat de perquisition)", "parties prenantes (stakeholders)"."""
    folded = _fold(term)
    words = folded.split()
    apposition = _GLOSS_APPOSITION.match(text, end)
    if words and apposition and _has_word(_fold(apposition.group()), words[-1]):
        return True  # "a fourrière, a municipal animal pound": the word defined by its term
    after = _fold(text[end : end + len(term) + 6]).lstrip()
    if after[:1] in ("(", "["):
        rest = after[1:].lstrip()
        if rest.startswith(folded) and not rest[len(folded) : len(folded) + 1].isalnum():
            return True
    before = _fold(text[max(0, start - len(term) - 6) : start]).rstrip()
    if before[-1:] in ("(", "["):
        rest = before[:-1].rstrip()
        if rest.endswith(folded) and not rest[-len(folded) - 1 : -len(folded)].isalnum():
            return True
    return False


_GLOSS_APPOSITION = regex.compile(r"\s*,\s*(?:an?|the|un|une|le|la|l['’])\s*(?:[\p{L}-]+\s+){0,3}[\p{L}-]+(?=\s*[,.;)]|$)")


def _fold(s: str) -> str:
    return s.casefold().replace("’", "'")


def _has_word(hay: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``hay`` as whole words."""
    at = hay.find(needle)
    while at >= 0:
        if not hay[at - 1 : at].isalnum() and not hay[at + len(needle) : at + len(needle) + 1].isalnum():
            return True
        at = hay.find(needle, at + 1)
    return False


class _Group(NamedTuple):
    """The forms of one search key: one- and two-word forms, and longer forms by the first
    ``_THIRD`` letters of their third word."""

    short: list[Form]
    longer: dict[str, list[Form]]


def _group(forms: list[Form]) -> _Group:
    longer: dict[str, list[Form]] = defaultdict(list)
    for f in forms:
        if len(f.norms) > 2:
            longer[f.norms[2][:_THIRD]].append(f)
    return _Group([f for f in forms if len(f.norms) <= 2], dict(longer))


def _gap_variants(norms: tuple[str, ...]) -> list[str]:
    """Search keys of a one- or two-word head: words joined by one to three spaces (the search
    text maps every separator an entry allows between words to a space)."""
    if len(norms) == 1:
        return [norms[0]]
    return [norms[0] + " " * k + norms[1] for k in (1, 2, 3)]


def _item(raw: str) -> tuple[str, bool, str]:
    """A require/forbid item as (search key, is a prefix, as written): "missile*" is a prefix."""
    prefix = raw.endswith("*")
    return search_key(raw[:-1] if prefix else raw), prefix, raw


def required_literals(pattern: str, avoid: frozenset[str] = frozenset(), minimum: int = 3,
                      most: int = 64) -> tuple[str, ...]:
    """Strings of which every match of ``pattern`` contains at least one, as the search text
    holds them (case-folded, separators as spaces): one literal ("house of communes"), or the
    branches of an alternation ("dairy", "cattle", ... in ``(dairy|cattle|...)\\s+breeders``).
    Empty when nothing of ``minimum`` characters can be proven. Of several requirements, the one
    whose shortest string is longest, fewest strings first, common words (``avoid``) last."""
    import re._parser as sre_parse  # the stdlib regex parser, for the syntax both modules share

    src = regex.sub(r"\\[pP]\{[^}]*\}", r"\\w", pattern)
    src = regex.sub(r"\(\?P?<(?![=!])\w+>", "(?:", src)  # names do not matter here (and may repeat)
    try:
        tree = sre_parse.parse(src)
    except (_re.error, ValueError, TypeError, OverflowError, RecursionError):
        return ()
    best = _best(_needs(list(tree), minimum, most), avoid)
    return tuple(sorted(best)) if best else ()


_SEPARATORS_TO_SPACE = str.maketrans({c: " " for c in " \t\u00a0\u202f-‐‑‒–'’"})


def _key(literal: str, minimum: int) -> str | None:
    key = normalize_token(literal).translate(_SEPARATORS_TO_SPACE).strip()
    return key if len(key) >= minimum and "  " not in key else None


def _best(needs: list[frozenset[str]], avoid: frozenset[str] = frozenset()) -> frozenset[str] | None:
    if not needs:
        return None
    return min(needs, key=lambda n: (any(k in avoid for k in n), -min(map(len, n)), len(n), sorted(n)))


def _needs(items: list, minimum: int, most: int) -> list[frozenset[str]]:
    """Requirements of a parsed sequence: sets of search keys, one of which every match holds."""
    from re._constants import (ASSERT, BRANCH, LITERAL, MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT,
                               SUBPATTERN)

    found: list[frozenset[str]] = []
    run = ""

    def close() -> None:
        nonlocal run
        if run and (key := _key(run, minimum)):
            found.append(frozenset([key]))
        run = ""

    for op, av in items:
        if op is LITERAL:
            run += chr(av)
            continue
        if op is SUBPATTERN and all(o is LITERAL for o, _ in av[3]):
            run += "".join(chr(a) for _, a in av[3])
            continue
        close()
        if op is SUBPATTERN:
            found += _needs(list(av[3]), minimum, most)
        elif op is BRANCH:
            union: set[str] = set()
            for alt in av[1]:
                best = _best(_needs(list(alt), minimum, most))
                if best is None:
                    break
                union |= best
            else:
                if len(union) <= most:
                    found.append(frozenset(union))
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT) and av[0] >= 1:
            found += _needs(list(av[2]), minimum, most)
        elif op is ASSERT:  # a lookahead or lookbehind that must hold: its text is on the line
            found += _needs(list(av[1]), minimum, most)
    close()
    return found


MIN_PIECE = 2


def _pieces(form: Form, cutoff: int) -> list[tuple[str, int, int]] | None:
    """Pieces of a fuzzy form such that any window scoring at least ``cutoff`` against it (and
    at most two characters longer, as ``_plausible_garble`` demands) contains one of them
    verbatim, at most d characters from its place in the form: a window within the cut-off is
    at most d insertions or deletions away, and d+1 pieces cannot all be touched. Returns
    (piece, offset in the joined form, slack d); None when the pieces would be shorter than
    MIN_PIECE. Pieces never span a space (the text may hold other separators there)."""
    joined = " ".join(form.norms)
    slack = int((1 - cutoff / 100) * (2 * len(joined) + 2))
    words = list(form.norms)
    counts = [1] * len(words)
    while sum(counts) < slack + 1:  # split the word with the longest pieces again
        k = max(range(len(words)), key=lambda i: len(words[i]) / counts[i])
        counts[k] += 1
        if len(words[k]) / counts[k] < MIN_PIECE:
            return None
    out, offset = [], 0
    for word, c in zip(words, counts):
        size = len(word) / c
        for i in range(c):
            a, b = round(i * size), round((i + 1) * size)
            out.append((word[a:b], offset + a, slack))
        offset += len(word) + 1
    return out


def _plausible_garble(window: str, form: str) -> bool:
    """A fuzzy hit must be a misspelling, not an inflection or a longer/shorter word."""
    if abs(len(window) - len(form)) > 2:
        return False
    return not (window.startswith(form) or form.startswith(window))


def _suggest(entry: Entry, matched: str, suffix: str, groups: dict, lang: Language,
             term: str | None = None) -> str | None:
    term = term or entry.term
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


# Verb inflection of idioms ("throw in the sponge" -> "threw in the sponge" -> "threw in the towel").
_TENSE_NAMES = {"VB": "present", "VBZ": "present", "VBD": "past", "VBN": "past participle", "VBG": "-ing"}
_HAVE = frozenset("have has had having 've ’ve".split())
_BE = frozenset("is are was were be been being".split())
_BASE = frozenset("to will would can could may might must shall should do does did don't doesn't didn't "
                  "won't wouldn't can't cannot couldn't shouldn't mustn't let".replace("'", "’").split()
                  + "don't doesn't didn't won't wouldn't can't couldn't shouldn't mustn't".split())
_ADVERBS = frozenset("not never already just also finally even then still now really simply once again "
                     "effectively literally ever".split())


def _verb_forms(entry: Entry, morph) -> dict[str, str] | None:
    """{tag: term} when the entry is matched in every tense of its leading verb
    (``inflect = "verb"``), else None."""
    if entry.inflect != "verb":
        return None
    forms = morph.verb_forms(entry.term)
    if forms is None or entry.pattern is not None or not any(morph.verb_forms(w) for w in entry.wrong):
        from .errors import GlossaryError

        raise GlossaryError(f"{entry.where}: entry {entry.id!r}: inflect = \"verb\" needs a term and wrong "
                            f"forms that start with a verb in its base form, and no pattern "
                            f"({morph.name} morphology)")
    return forms


def _tense_variants(wrong: tuple[str, ...], morph) -> list[tuple[str, tuple[str, ...]]]:
    """Each wrong form with the tags it stands for, and its inflected forms with theirs: the
    base form is "VB" (and every tense spelled the same: "cast" is also "VBD" and "VBN")."""
    out: list[tuple[str, tuple[str, ...]]] = []
    plain = []
    for w in wrong:
        forms = morph.verb_forms(w)
        if forms is None:
            plain.append(w)
            continue
        by_text: dict[tuple[str, ...], list[str]] = {_norms(w): ["VB"]}
        spelled = {_norms(w): w}
        for tag, text in forms.items():
            by_text.setdefault(_norms(text), []).append(tag)
            spelled.setdefault(_norms(text), text)
        out.extend((spelled[n], tuple(tags)) for n, tags in by_text.items())
    inflected = {_norms(w) for w, _ in out}  # a form written out in a tense is generated anyway
    return out + [(w, ()) for w in plain if _norms(w) not in inflected]


def _tense_from_context(text: str, start: int, tenses: tuple[str, ...]) -> str | None:
    """The tense of a verb form spelled alike in several tenses, from the auxiliary before it:
    "has cast" (participle), "will cast" (base), "was cast" (participle); "pulled" with no
    auxiliary is the simple past. None when nothing tells."""
    before = WORD_RE.findall(text[max(0, start - 60) : start])
    prev = ""
    for word in reversed(before[-4:]):
        low = word.casefold()
        if low not in _ADVERBS:
            prev = low
            break
    tags = set(tenses)
    if prev in _HAVE and "VBN" in tags:
        return "VBN"
    if prev in _BASE and "VB" in tags:
        return "VB"
    if prev in _BE and "VBN" in tags:
        return "VBN"
    if tags == {"VBD", "VBN"}:
        return "VBD"
    return None
