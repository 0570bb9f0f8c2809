"""The library entry point: ``Cleaner`` loads languages and glossaries once, then checks and
fixes any number of texts.

    >>> from cleanup import Cleaner
    >>> result = Cleaner().fix("Fears of a wider military climbing grew after the missile strikes.")
    >>> result.output
    'Fears of a wider military escalation grew after the missile strikes.'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from . import __version__
from .document import Document
from .errors import GlossaryError, UsageError
from .fixer import build_edits
from .glossary import Entry, Glossary, load_glossary
from .language import Language, detect_language, load_language
from .matcher import GlossaryIndex
from .result import Edit, Finding, Result, apply_edits
from .rules import RULES

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "glossaries"
GLOSSARY_RULE = "glossary"
MAX_PASSES = 20  # passes run only while edits are found; cascades are rare and short
ALL_RULES = (GLOSSARY_RULE, *RULES)


@dataclass(frozen=True)
class Settings:
    """What a run does; recorded in every result's signature."""

    skip: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    fix_mojibake: bool = False  # mojibake findings are only flagged unless asked

    def enabled(self, name: str) -> bool:
        if self.only and name not in self.only:
            return False
        return name not in self.skip


@dataclass
class LanguagePack:
    language: Language
    glossaries: list[Glossary] = field(default_factory=list)
    _index: GlossaryIndex | None = None
    _by_key: dict[str, Entry] | None = None

    @property
    def entries(self) -> list[Entry]:
        return [e for g in self.glossaries for e in g.entries]

    @property
    def by_key(self) -> dict[str, Entry]:
        if self._by_key is None:
            self._by_key = {e.key: e for e in self.entries}
        return self._by_key

    @property
    def index(self) -> GlossaryIndex:
        if self._index is None:
            self._index = GlossaryIndex(self.entries, self.language)
        return self._index


def load_packs(dirs: list[Path], extra: list[Path] = ()) -> dict[str, LanguagePack]:
    """Languages and glossaries from folders laid out as ``<dir>/<lang>/language.toml`` and
    ``<dir>/<lang>/*.toml``, plus extra glossary files (their ``lang`` names the language)."""
    packs: dict[str, LanguagePack] = {}
    for base in dirs:
        if not base.is_dir():
            raise GlossaryError(f"{base}: glossary folder not found")
        for sub in sorted(p for p in base.iterdir() if p.is_dir()):
            lang_file = sub / "language.toml"
            if lang_file.is_file():
                packs.setdefault(sub.name, LanguagePack(load_language(lang_file)))
            for path in sorted(sub.glob("*.toml")):
                if path.name == "language.toml":
                    continue
                _add_glossary(packs, load_glossary(path, lang=sub.name))
    for path in extra:
        _add_glossary(packs, load_glossary(Path(path)))
    return packs


def _add_glossary(packs: dict[str, LanguagePack], gloss: Glossary) -> None:
    pack = packs.get(gloss.lang)
    if pack is None:
        raise GlossaryError(f"{gloss.path}:1: no language profile for lang {gloss.lang!r}")
    for entry in gloss.entries:
        if entry.key in pack.by_key:
            raise GlossaryError(f"{entry.where}: entry {entry.key!r} already defined at {pack.by_key[entry.key].where}")
    pack.glossaries.append(gloss)
    pack._index = pack._by_key = None


class Cleaner:
    """Detect and fix MT artefacts. Thread-compatible: one instance per worker."""

    def __init__(self, glossary_dirs: list[Path] | None = None, extra_glossaries: list[Path] = (),
                 settings: Settings | None = None, bundled: bool = True):
        dirs = list(glossary_dirs or [])
        if bundled:
            dirs.insert(0, BUNDLED_DIR)
        self.packs = load_packs(dirs, list(extra_glossaries))
        self.settings = settings or Settings()
        unknown = [r for r in (*self.settings.skip, *self.settings.only) if r not in ALL_RULES]
        if unknown:
            raise UsageError(f"unknown rule(s) {', '.join(unknown)}; known: {', '.join(ALL_RULES)}")
        self._signature_cache: dict[str, dict] = {}

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
        """Every detector's findings, sorted by position. Detection only: nothing changes."""
        pack = self.pack(lang)
        found: list[Finding] = []
        if self.settings.enabled(GLOSSARY_RULE):
            found.extend(pack.index.find(doc, notes))
        for name, detector in RULES.items():
            if self.settings.enabled(name):
                found.extend(detector(doc, pack.language))
        if self.settings.fix_mojibake:
            found = [replace(f, action="replace") if f.rule == "mojibake" else f for f in found]
        return sorted(found, key=lambda f: (f.start, f.end, f.rule))

    def fix(self, text: str, lang: str | None = None) -> Result:
        """Findings, the edits resolved from them and the corrected text.

        An edit can change the context another entry looks at, so detection runs again on
        the corrected text (while edits are found, at most MAX_PASSES times) and the new edits
        are folded into edits on the input (merged with earlier ones they touch): fixing the
        output again then changes nothing, and the edits still replay on the input."""
        code = lang or self.detect(text)
        notes: list[str] = []
        findings, edits = self._pass(text, code, notes)
        output = apply_edits(text, edits)
        for _ in range(MAX_PASSES - 1):
            if not edits:
                break
            more_findings, more_edits = self._pass(output, code, [])
            merged = _merge_pass(text, output, edits, more_edits, more_findings)
            if merged is None:
                break
            edits, new_findings = merged
            findings = findings + new_findings
            output = apply_edits(text, edits)
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
        return Result(text, output, code, findings, edits, self.signature(code), notes)

    def _pass(self, text: str, code: str, notes: list[str]) -> tuple[list[Finding], list[Edit]]:
        language = self.pack(code).language  # UsageError for an unsupported language
        doc = Document(text, language.abbreviations)
        findings = self.findings(doc, code, notes)
        return findings, build_edits(doc, findings, language)

    check = fix  # same analysis; the CLI decides what to print and the exit status

    def signature(self, lang: str) -> dict:
        """Version, settings and glossary hashes: what produced a result, to reproduce it."""
        if lang not in self._signature_cache:
            pack = self.pack(lang)
            sig = {
                "version": __version__,
                "lang": lang,
                "language_file": _sha256(pack.language.path),
                "glossaries": {_rel(g.path): g.sha256 for g in pack.glossaries},
                "settings": asdict(self.settings),
            }
            sig["digest"] = hashlib.sha256(json.dumps(sig, sort_keys=True).encode()).hexdigest()[:16]
            self._signature_cache[lang] = sig
        return self._signature_cache[lang]


def _merge_pass(text: str, output: str, earlier: list[Edit], later: list[Edit],
                later_findings: list[Finding]) -> tuple[list[Edit], list[Finding]] | None:
    """Fold edits found on ``output`` (= ``earlier`` applied to ``text``) into edits on
    ``text``. A later edit that touches earlier ones is merged with them into one edit; a
    second later edit touching the same earlier ones waits for the next pass."""
    regions = []  # output span of each earlier edit, and the total shift after it
    shift = 0
    for e in earlier:
        out_start = e.start + shift
        shift += len(e.new) - (e.end - e.start)
        regions.append((out_start, out_start + len(e.new), shift))

    def to_input(pos: int, side: int) -> int:
        """Input offset of an output offset outside every region (or on its border)."""
        before = 0
        for k, (r_start, r_end, after) in enumerate(regions):
            if r_start == pos == r_end:
                return earlier[k].start if side == 0 else earlier[k].end
            if pos == r_start and side == 0:
                return earlier[k].start
            if pos == r_end and side == 1:
                return earlier[k].end
            if r_end > pos:
                break
            before = after
        return pos - before

    used: set[int] = set()
    added: list[Edit] = []
    found: list[Finding] = []
    for e in later:
        touched = [k for k, (r_start, r_end, _) in enumerate(regions) if e.start <= r_end and r_start <= e.end]
        if used.intersection(touched):
            continue
        a = min([e.start] + [regions[k][0] for k in touched])
        b = max([e.end] + [regions[k][1] for k in touched])
        start, end = to_input(a, 0), to_input(b, 1)
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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(BUNDLED_DIR.parent))
    except ValueError:
        return str(path)
