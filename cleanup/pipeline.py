"""The library entry point: ``Cleaner`` loads languages once (glossaries on first use of a
language), then checks and fixes any number of texts, running every stage: detectors, fixer,
and the model stage when a source text is given.

    >>> from cleanup import Cleaner
    >>> result = Cleaner().fix("Fears of a wider military climbing grew after the missile strikes.")
    >>> result.output  # common words, and no other sign of MT in the text: a flag, not an edit
    'Fears of a wider military climbing grew after the missile strikes.'
    >>> Cleaner(settings=Settings(assume_mt=True)).fix(result.text).output
    'Fears of a wider military escalation grew after the missile strikes.'
"""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from pathlib import Path

from . import __version__
from .detectors import DETECTORS, Context
from .document import Document
from .errors import GlossaryError, ModelError, UsageError
from .fixer import build_edits
from .datafile import read_bytes
from .glossary import Entry, Glossary, apply_amendments, check_rewrites, load_glossary
from .language import Language, detect_language, load_language
from .matcher import GlossaryIndex
from .precedence import Rank, RankedIndex, rank_glossaries
from .resources import bundled_dir, display_path
from .result import Edit, Finding, OffsetMap, Result, Span, apply_edits

MAX_PASSES = 20  # passes run only while edits are found; cascades are rare and short
# A later pass re-checks only this far around the edits of the pass before: the widest context a
# detector reads (an acronym guard's 1,500 characters) fits inside. Document-scope entries are
# re-checked everywhere.
FOCUS_REACH = 2000


def all_rules() -> tuple[str, ...]:
    """Detector names, glossary first: what --skip/--only and the config accept."""
    return ("glossary", *(n for n in DETECTORS if n != "glossary"))


@dataclass(frozen=True)
class Settings:
    """What a run does; recorded in every result's signature."""

    skip: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    fix_mojibake: bool = False  # mojibake findings are only flagged unless asked
    edit_quotes: bool = False  # quotations are the speaker's words: flagged, not edited, unless asked
    # Artefacts made of common words are edited only when the article shows machine translation
    # elsewhere too (other findings), unless the caller says the input is machine-translated.
    assume_mt: bool = False
    # The model stage (used when fix() is given a source text).
    beam: int = 4
    device: str = "auto"
    retranslate_sentences: bool = False  # also repair whole sentences the model scores far higher
    source_lang: str | None = None  # language of the source text (default: detected)

    def enabled(self, name: str) -> bool:
        if self.only and name not in self.only:
            return False
        return name not in self.skip


class LanguagePack:
    """One language: its profile (loaded at once: detection needs it) and its glossaries
    (loaded, checked and indexed on first use)."""

    # Glossaries whose fixes would not settle are refused (cleanup.glossary.check_rewrites); a
    # tool that loads faulty glossaries to report on them may turn this off.
    check_settling = True

    def __init__(self, language: Language):
        self.language = language
        self.paths: list[Path] = []  # glossary files, in precedence order
        self.disabled: set[str] = set()  # profile regexes that hit their time limit: off for the run
        self._loaded: list[Glossary] = []  # glossaries given already parsed (-g files)

    def add(self, item: Path | Glossary) -> None:
        if isinstance(item, Glossary):
            self._loaded.append(item)
        else:
            self.paths.append(item)
        for cached in ("_compiled", "by_key", "ranks"):
            self.__dict__.pop(cached, None)

    @cached_property
    def _compiled(self) -> tuple[list[Glossary], GlossaryIndex]:
        """Glossaries and their index, from the compiled-glossary cache when the files, the
        profile and the tool are unchanged (see cleanup.cache), else loaded and checked."""
        from . import cache

        hashes = [f"{p}\0{hashlib.sha256(read_bytes(p)).hexdigest()}" for p in self.paths]
        hashes += [f"{g.path}\0{g.sha256}" for g in self._loaded]
        name = f"{self.language.code}-" + cache.key([_sha256(self.language.path), *hashes])
        return cache.load_or_build(name, self._build)

    def _build(self) -> tuple[list[Glossary], GlossaryIndex]:
        code = self.language.code
        out = [_load_cached(p, code) for p in self.paths] + self._loaded
        seen: dict[str, Entry] = {}
        for g in out:
            for entry in g.entries:
                if entry.key in seen:
                    raise GlossaryError(f"{entry.where}: entry {entry.key!r} already defined at "
                                        f"{seen[entry.key].where}")
                seen[entry.key] = entry
        apply_amendments(out)  # [[amend]] tables of user glossaries narrow entries of others
        entries = [e for g in out for e in g.entries]
        if self.check_settling:
            check_rewrites(entries, self.language.morphology)  # needs every entry
        return out, GlossaryIndex(entries, self.language)

    @property
    def glossaries(self) -> list[Glossary]:
        return self._compiled[0]

    @property
    def entries(self) -> list[Entry]:
        return self._compiled[1].entries

    @cached_property
    def pivot_words(self) -> frozenset[str]:
        """Words common in a pivot language and rare in this one ("rentrée" for English),
        from word-frequency lists, compiled once and cached."""
        from . import cache

        pivots = self.language.pivots
        limits = self.language.untranslated
        name = f"pivot-{self.language.code}-" + cache.key([",".join(pivots), repr(limits)])
        return cache.load_or_build(name, lambda: _pivot_words(self.language.code, pivots, limits))

    @cached_property
    def by_key(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}

    @cached_property
    def ranks(self) -> dict[str, Rank]:
        """Entry key -> precedence rank (cleanup/precedence.py): user files over folders over
        bundled, a specific domain over a general one."""
        return rank_glossaries(self.glossaries, {g.path for g in self._loaded}, bundled_dir().resolve())

    @property
    def index(self) -> RankedIndex:
        index = self._compiled[1]
        index.lang = self.language  # the profile is cached on its own (an edit re-reads only it)
        return RankedIndex(index, self.ranks)


def _load_cached(path: Path, lang: str) -> Glossary:
    """One glossary file, from the cache when the file and the tool are unchanged: a run that
    adds a user glossary to the bundled ones parses only the user's file."""
    from . import cache

    name = f"file-{lang}-" + cache.key([str(path), hashlib.sha256(read_bytes(path)).hexdigest()])
    return cache.load_or_build(name, lambda: load_glossary(path, lang=lang))


def _load_language_cached(path: Path) -> Language:
    """A language profile, from the cache when the file and the tool are unchanged (checking
    it, with its boilerplate and guard regexes, took a sixth of a one-article run)."""
    from . import cache

    name = "profile-" + cache.key([str(path), _sha256(path)])
    return cache.load_or_build(name, lambda: load_language(path))


def _pivot_words(target: str, pivots: tuple[str, ...], limits: tuple) -> frozenset[str]:
    try:
        from wordfreq import top_n_list, zipf_frequency
    except ImportError:  # pragma: no cover - a declared dependency
        return frozenset()
    count, least, most, gap, gap_below, shortest = limits
    out = set()
    for pivot in pivots:
        for w in top_n_list(pivot, int(count)):
            if len(w) < shortest or not w.isalpha() or (there := zipf_frequency(w, pivot)) < least:
                continue
            here = zipf_frequency(w, target)
            if here < most or (gap and here < gap_below and there - here >= gap):
                out.add(w)
    return frozenset(out)


def load_packs(dirs: list[Path], extra: list[Path] = (), profiles_only: list[Path] = ()) -> dict[str, LanguagePack]:
    """Languages and glossaries from folders laid out as ``<dir>/<lang>/language.toml`` and
    ``<dir>/<lang>/*.toml``, plus extra glossary files (their ``lang`` names the language).
    ``profiles_only`` folders contribute language profiles but no glossaries."""
    packs: dict[str, LanguagePack] = {}
    pending: list[tuple[str, Path]] = []
    for base, with_glossaries in [*((d, True) for d in dirs), *((d, False) for d in profiles_only)]:
        base = Path(base)
        if not base.is_dir():
            raise GlossaryError(f"{base}: glossary folder not found")
        for sub in sorted(p for p in base.iterdir() if p.is_dir()):
            lang_file = sub / "language.toml"
            if lang_file.is_file() and sub.name not in packs:
                packs[sub.name] = LanguagePack(_load_language_cached(lang_file))
            if with_glossaries:
                pending += [(sub.name, p) for p in sorted(sub.glob("*.toml")) if p.name != "language.toml"]
    for code, path in pending:
        if code not in packs:
            raise GlossaryError(f"{path}:1: no language profile for lang {code!r}")
        packs[code].add(path)
    for path in extra:
        gloss = load_glossary(Path(path))
        if gloss.lang not in packs:
            raise GlossaryError(f"{gloss.path}:1: no language profile for lang {gloss.lang!r}")
        packs[gloss.lang].add(gloss)
    return packs


# Kinds of rule finding that are signs of machine translation (mojibake, say, is not).
_MT_SIGNS = frozenset({"spacing", "number", "acronym", "boilerplate", "untranslated", "name", "place",
                       "title", "institution", "lexical", "idiom", "preposition"})
CORROBORATION = 1  # other signs of machine translation an artefact of common words needs


def corroborate(found: list[Finding]) -> list[Finding]:
    """An artefact made of common words ("lost conscience", "climbing") has legitimate readings
    in clean text; it is edited only where the article shows machine translation elsewhere too
    (at least CORROBORATION other findings: rules, glossary forms that no correct text holds,
    other entries), else flagged for review. Findings are not otherwise changed."""
    def common(f: Finding) -> bool:
        return f.rule == "glossary" and f.fixable and bool(f.evidence.get("common_words"))

    if not any(map(common, found)):
        return found
    by_key: dict[str, set[tuple[int, int]]] = {}  # a sign's entry (or rule) -> its distinct spans
    for g in found:
        if g.kind in _MT_SIGNS and not g.evidence.get("near_miss") and (g.fixable or g.evidence.get("protected")):
            by_key.setdefault(g.entry or g.rule, set()).add((g.start, g.end))
    out = []
    for f in found:
        if common(f):
            others = 0
            for key, spans in by_key.items():  # linear in the keys, not quadratic in the findings
                if key == f.entry:
                    continue
                for a, b in spans:  # (overlapping f: the same words, not another sign)
                    if b <= f.start or a >= f.end:
                        others += 1
                        if others >= CORROBORATION:
                            break
                if others >= CORROBORATION:
                    break
            if others < CORROBORATION:
                f = replace(f, action="flag",
                            message=f"{f.message} (common words, and the article shows no other sign of machine "
                                    "translation: flagged, not changed; --assume-mt edits it)",
                            evidence=dict(f.evidence, uncorroborated=True))
        out.append(f)
    return out


class Cleaner:
    """Detect and fix MT artefacts. Thread-compatible: one instance per worker."""

    def __init__(self, glossary_dirs: list[Path] | None = None, extra_glossaries: list[Path] = (),
                 settings: Settings | None = None, bundled: bool = True):
        dirs = [Path(d) for d in glossary_dirs or []]
        if bundled:
            dirs.insert(0, bundled_dir())
            profiles = []
        else:  # the bundled language profiles still define the languages
            profiles = [bundled_dir()]
        self.packs = load_packs(dirs, [Path(p) for p in extra_glossaries], profiles)
        self.settings = settings or Settings()
        known = all_rules()
        unknown = [r for r in (*self.settings.skip, *self.settings.only) if r not in known]
        if unknown:
            raise UsageError(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(known)}")
        self._signature_cache: dict[str, dict] = {}
        self._stages: dict[str | None, object] = {}

    def entry(self, key: str | None) -> Entry | None:
        """The glossary entry a finding names ("<lang>/<domain>:<id>")."""
        lang = (key or "").split("/", 1)[0]
        pack = self.packs.get(lang)
        return pack.by_key.get(key) if pack else None

    @property
    def languages(self) -> dict[str, Language]:
        return {code: p.language for code, p in self.packs.items()}

    def pack(self, lang: str) -> LanguagePack:
        if lang not in self.packs:
            raise UsageError(f"unsupported language {lang!r}; have {', '.join(sorted(self.packs))}")
        return self.packs[lang]

    def detect(self, text: str) -> str:
        return detect_language(text, self.languages)

    def findings(self, doc: Document, lang: str, notes: list[str] | None = None) -> list[Finding]:
        """Every enabled detector's findings, sorted by position. Detection only."""
        pack = self.pack(lang)
        ctx = Context(pack.language, lambda: pack.index, self.settings, notes if notes is not None else [],
                      lambda: pack.pivot_words, pack.disabled)
        found: list[Finding] = []
        for name in all_rules():
            if self.settings.enabled(name):
                found.extend(DETECTORS[name](doc, ctx))
        if doc.focus is not None:  # the glossary detector applied the focus itself
            found = [f for f in found if f.rule == "glossary" or doc.in_focus(f.start)]
        found = self._protect(doc, lang, found, ctx.notes)
        if not self.settings.assume_mt:
            found = corroborate(found)
        return sorted(found, key=lambda f: (f.start, f.end, f.rule))

    def _protect(self, doc: Document, lang: str, found: list[Finding], notes: list[str]) -> list[Finding]:
        """The article's own words in its own language are edited, nothing else: findings in
        a passage in another language are dropped (with a note), and an edit inside a quotation
        becomes a flag for the editor (the speaker's words), unless settings.edit_quotes."""
        from . import regions

        if not found:
            return found
        quoted = regions.quotes(doc)
        foreign = regions.foreign(doc, lang, self.languages, quoted) if found else []
        if foreign:
            kept = []
            for f in found:
                hit = next((name for span, name in foreign if span.start <= f.start and f.end <= span.end), None)
                if hit is None:
                    kept.append(f)
            for span, name in foreign:
                line, _ = doc.line_col(span.start)
                notes.append(f"line {line}: a passage in {name!r}, not {lang!r}: left unchanged")
            found = kept
        if quoted and not self.settings.edit_quotes:
            starts = [q.start for q in quoted]
            out = []
            for f in found:
                k = bisect.bisect_right(starts, f.start) - 1
                if f.fixable and k >= 0 and f.end <= quoted[k].end:
                    f = replace(f, action="flag", message=f"{f.message} (inside a quotation: flagged, not changed)",
                                evidence=dict(f.evidence, protected="quotation"))
                out.append(f)
            found = out
        return found

    def fix(self, text: str, lang: str | None = None, *, source: str | None = None,
            model: str | Path | None = None) -> Result:
        """Findings, the edits resolved from them and the corrected text.

        An edit can change the context another entry looks at, so detection runs again on
        the corrected text (while edits are found, at most MAX_PASSES times) and the new edits
        are folded into edits on the input (merged with earlier ones they touch): fixing the
        output again then changes nothing, and the edits still replay on the input.

        With ``source`` (the source-language original), suspect spans are re-translated with
        ``model`` (a folder, an .argosmodel zip or a registered name; default: a registered
        model for the language pair). Without a usable model the result says why in
        ``model_skipped``; a ``model`` given explicitly that cannot be used raises ModelError."""
        code = lang or self.detect(text)
        notes: list[str] = []
        findings, edits = self._pass(text, code, notes)
        output = apply_edits(text, edits)
        for _ in range(MAX_PASSES - 1):
            if not edits:
                break
            omap = OffsetMap(edits)
            focus = _merge_spans([Span(max(0, o.start - FOCUS_REACH), o.end + FOCUS_REACH) for o in omap.out_spans])
            more_findings, more_edits = self._pass(output, code, [], focus)
            merged = _merge_pass(text, output, edits, more_edits, more_findings)
            if merged is None:
                break
            edits, new_findings = merged
            findings = findings + new_findings
            output = apply_edits(text, edits)
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        result = Result(text, output, code, findings, edits, self.signature(code), notes)
        if source is not None:
            result = self._retranslate(result, source, model)
        return result

    check = fix  # same analysis; the CLI decides what to print and the exit status

    def _pass(self, text: str, code: str, notes: list[str],
              focus: list[Span] | None = None) -> tuple[list[Finding], list[Edit]]:
        language = self.pack(code).language  # UsageError for an unsupported language
        doc = Document(text, language.abbreviations, focus)
        findings = self.findings(doc, code, notes)
        edits, unsafe = build_edits(doc, findings, language)
        if unsafe:  # agreement could not be established: the editor decides
            flagged = {id(f) for f in unsafe}
            findings = [replace(f, action="flag", message=f"{f.message} (agreement around it could not be "
                                "established: flagged, not changed)", evidence=dict(f.evidence, protected="agreement"))
                        if id(f) in flagged else f for f in findings]
        return findings, edits

    def model_stage(self, model: str | Path | None = None):
        """The model stage for ``model`` (kept across calls: models load once)."""
        from .retranslate import ModelStage

        key = None if model is None else str(model)
        if key not in self._stages:
            s = self.settings
            self._stages[key] = ModelStage(key, s.beam, s.device, s.retranslate_sentences)
        return self._stages[key]

    def _retranslate(self, result: Result, source: str, model: str | Path | None) -> Result:
        try:
            src = self.settings.source_lang or self.detect(source)
            if src == result.lang:
                raise ModelError(f"the source text is in {src}, the same language as the MT text")
            pack = self.pack(result.lang)
            src_abbrev = self.packs[src].language.abbreviations if src in self.packs else frozenset()
            edits, notes, used = self.model_stage(model).run(result, source, src, pack, src_abbrev)
        except ModelError as exc:
            if model is not None:
                raise
            return replace(result, model_skipped=str(exc))
        signature = dict(result.signature, model=used)
        return replace(result, output=apply_edits(result.text, edits), edits=edits,
                       signature=signature, notes=result.notes + notes)

    def signature(self, lang: str) -> dict:
        """Versions, settings and glossary hashes: what produced a result, to reproduce it."""
        if lang not in self._signature_cache:
            pack = self.pack(lang)
            sig = {
                "version": __version__,
                "libraries": _library_versions(),
                "lang": lang,
                "language_file": _sha256(pack.language.path),
                "glossaries": {display_path(g.path): g.sha256 for g in pack.glossaries},
                "settings": asdict(self.settings),
            }
            sig["digest"] = hashlib.sha256(json.dumps(sig, sort_keys=True).encode()).hexdigest()[:16]
            self._signature_cache[lang] = sig
        return self._signature_cache[lang]


_RESULT_LIBRARIES = ("rapidfuzz", "regex", "ctranslate2", "sentencepiece")


def _library_versions() -> dict[str, str]:
    """Versions of the libraries that can change results."""
    from .resources import dist_version

    return {name: dist_version(name) for name in _RESULT_LIBRARIES}


def _merge_pass(text: str, output: str, earlier: list[Edit], later: list[Edit],
                later_findings: list[Finding]) -> tuple[list[Edit], list[Finding]] | None:
    """Fold edits found on ``output`` (= ``earlier`` applied to ``text``) into edits on
    ``text``. A later edit that touches earlier ones is merged with them into one edit; a
    second later edit touching the same earlier ones waits for the next pass."""
    omap = OffsetMap(earlier)
    earlier = omap.edits
    used: set[int] = set()
    added: list[Edit] = []
    found: list[Finding] = []
    for e in later:
        touched = [k for k, span in enumerate(omap.out_spans) if e.touches(span)]
        if used.intersection(touched):
            continue
        a = min([e.start] + [omap.out_spans[k].start for k in touched])
        b = max([e.end] + [omap.out_spans[k].end for k in touched])
        start, end = omap.to_input(a, 0), omap.to_input(b, 1)
        new = output[a : e.start] + e.new + output[e.end : b]
        if touched:
            message = e.message + "; merged with: " + "; ".join(earlier[k].message for k in touched)
            e = replace(e, message=message, evidence=dict(e.evidence, merged=[earlier[k].rule for k in touched]))
        used.update(touched)
        added.append(replace(e, start=start, end=end, old=text[start:end], new=new))
        found += [replace(f, start=start, end=end, text=text[start:end])
                  for f in later_findings if e.start <= f.start and f.end <= e.end]
    if not added:
        return None
    kept = [x for k, x in enumerate(earlier) if k not in used]
    return sorted(kept + added, key=lambda x: x.start), found


def _merge_spans(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for span in sorted(spans, key=lambda x: x.start):
        if out and span.start <= out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
