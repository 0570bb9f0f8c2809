"""Scoring on gold-annotated articles (``NAME.gold.json`` beside ``NAME.txt``).

An annotation is *fixed* when edits touch it and the edited region of the output no longer
holds ``wrong`` and holds one of ``accept`` as whole words (case-insensitive; ``""`` means the
span is deleted). Touched but not fixed is a *wrong fix*; untouched is *missed*. An edit that
touches no annotated span is a *false edit*. An annotation is *caught* when any finding (an
edit or a flag for review) overlaps it: what an editor reviewing the findings sees. A finding
that overlaps no annotation is a *stray* (reported per 1,000 words).
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .datafile import parse_json
from .document import WORD_RE
from .errors import InputError
from .pipeline import Cleaner
from .result import Edit, Finding, OffsetMap, Span
from .textio import display, read_limited, read_source


@dataclass
class Annotation:
    wrong: str
    n: int
    accept: list[str]
    kind: str
    start: int = -1
    end: int = -1
    status: str = "missed"  # fixed | wrong_fix | missed | not_found
    got: str = ""
    caught: bool = False  # some finding (edit or flag) overlaps it


@dataclass
class FileScore:
    path: str
    annotations: list[Annotation]
    false_edits: list[Edit] = field(default_factory=list)
    strays: list[Finding] = field(default_factory=list)  # findings overlapping no annotation
    words: int = 0


@dataclass
class Score:
    files: list[FileScore]

    def totals(self) -> dict:
        counts = Counter(a.status for f in self.files for a in f.annotations)
        words = sum(f.words for f in self.files)
        strays = sum(len(f.strays) for f in self.files)
        return {
            "articles": len(self.files),
            "words": words,
            "annotated": sum(len(f.annotations) for f in self.files),
            "fixed": counts["fixed"],
            "caught": sum(a.caught for f in self.files for a in f.annotations),
            "wrong_fixes": counts["wrong_fix"],
            "missed": counts["missed"],
            "not_found": counts["not_found"],
            "false_edits": sum(len(f.false_edits) for f in self.files),
            "strays": strays,
            "strays_per_1000_words": round(1000 * strays / words, 2) if words else 0.0,
        }

    def by_kind(self) -> dict[str, Counter]:
        kinds: dict[str, Counter] = defaultdict(Counter)
        for f in self.files:
            for a in f.annotations:
                kinds[a.kind][a.status] += 1
                kinds[a.kind]["caught"] += a.caught
                kinds[a.kind]["total"] += 1
        return dict(sorted(kinds.items()))

    def to_dict(self) -> dict:
        return {
            "schema": "cleanup.eval/1",
            "totals": self.totals(),
            "by_kind": {k: dict(v) for k, v in self.by_kind().items()},
            "files": [
                {
                    "path": f.path,
                    "words": f.words,
                    "annotations": [a.__dict__ for a in f.annotations],
                    "false_edits": [e.to_dict() for e in f.false_edits],
                    "strays": [x.to_dict() for x in f.strays],
                }
                for f in self.files
            ],
        }

    def report(self) -> str:
        t = self.totals()
        lines = [
            f"articles {t['articles']}  annotated {t['annotated']}  fixed {t['fixed']}  "
            f"caught {t['caught']}  wrong fixes {t['wrong_fixes']}  missed {t['missed']}  "
            f"false edits {t['false_edits']}"
            + (f"  not found in text {t['not_found']}" if t["not_found"] else ""),
            f"words {t['words']}  stray findings {t['strays']} "
            f"({t['strays_per_1000_words']} per 1,000 words)",
            "",
            f"{'kind':<14}{'total':>6}{'fixed':>7}{'caught':>8}{'wrong':>7}{'missed':>8}",
        ]
        for kind, c in self.by_kind().items():
            lines.append(f"{kind:<14}{c['total']:>6}{c['fixed']:>7}{c['caught']:>8}{c['wrong_fix']:>7}{c['missed']:>8}")
        for f in self.files:
            for a in f.annotations:
                if a.status != "fixed":
                    caught = " (flagged)" if a.caught and a.status == "missed" else ""
                    lines.append(f"{f.path}: {a.status}{caught}: {a.kind}: {a.wrong!r}" + (f" -> {a.got!r}" if a.got else ""))
            for e in f.false_edits:
                lines.append(f"{f.path}: false edit: {e.old!r} -> {e.new!r} ({e.rule} {e.entry or ''})")
            for x in f.strays:
                if not x.fixable:
                    lines.append(f"{f.path}: stray flag: {x.text!r} ({x.rule} {x.entry or ''})")
        return "\n".join(lines) + "\n"

    @property
    def failed(self) -> bool:
        """A CI gate: false edits or wrong fixes."""
        t = self.totals()
        return bool(t["false_edits"] or t["wrong_fixes"])


MAX_GOLD_BYTES = 64 * 1024 * 1024


def load_gold(path: Path) -> dict[str, list[Annotation]]:
    """The annotations of a gold file, checked: ``{"NAME.txt": [{"wrong": str, "n": int >= 1,
    "accept": [str, ...], "kind": str}, ...]}``, NAME a file in the gold file's folder or
    below; InputError naming the file otherwise."""
    raw = read_limited(path, MAX_GOLD_BYTES, f"the {MAX_GOLD_BYTES >> 20} MB limit for gold files")
    where = display(path)
    data = parse_json(raw, where, InputError, "gold annotations")
    if not isinstance(data, dict):
        raise InputError(f"{where}: gold file must map file names to lists of annotations")
    out = {}
    for name, items in data.items():
        parts = name.replace("\\", "/").split("/")
        if not name or name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise InputError(f"{where}: {name!r} is not a file name inside the gold file's folder")
        if not isinstance(items, list):
            raise InputError(f"{where}: {name!r} must map to a list of annotations")
        out[name] = [_annotation(it, f"{where}: annotation {k + 1} of {name!r}")
                     for k, it in enumerate(items)]
    return out


def _annotation(item, where: str) -> Annotation:
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be an object with wrong, accept, n, kind")
    wrong, n, accept, kind = (item.get("wrong"), item.get("n", 1), item.get("accept"),
                              item.get("kind", "lexical"))
    if not isinstance(wrong, str) or not wrong:
        raise InputError(f"{where}: 'wrong' must be a non-empty string")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise InputError(f"{where}: 'n' must be an occurrence number from 1")
    if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
        raise InputError(f"{where}: 'accept' must be a list of strings")
    if not isinstance(kind, str):
        raise InputError(f"{where}: 'kind' must be a string")
    return Annotation(wrong, n, list(accept), kind)


def evaluate(directory: Path, cleaner: Cleaner, lang: str | None = None) -> Score:
    """Fix every annotated article under ``directory`` and score the edits."""
    golds = _gold_files(Path(directory))
    if not golds:
        raise InputError(f"{directory}: no *.gold.json files")
    files = []
    for gold in golds:
        for name, items in load_gold(gold).items():
            path = gold.parent / name
            source = read_source(str(path))
            result = cleaner.fix(source.text, lang)
            files.append(score_file(str(path), source.text, result.output, result.edits, items,
                                    result.findings))
    return Score(files)


def _gold_files(directory: Path) -> list[Path]:
    """Every ``*.gold.json`` under ``directory``; InputError for a folder that cannot be read
    (a silently skipped folder would change the scores)."""
    def refuse(exc: OSError) -> None:
        raise InputError(f"{display(exc.filename or directory)}: cannot read the folder: "
                         f"{(exc.strerror or str(exc)).lower()}")

    found = []
    for root, _dirs, files in os.walk(directory, onerror=refuse):
        found += [Path(root) / f for f in files if f.endswith(".gold.json")]
    return sorted(found)


def score_file(path: str, text: str, output: str, edits: list[Edit], annotations: list[Annotation],
               findings: list[Finding] = ()) -> FileScore:
    for a in annotations:
        a.start = _nth(text, a.wrong, a.n)
        a.end = a.start + len(a.wrong) if a.start >= 0 else -1
        if a.start < 0:
            a.status = "not_found"
    touched_by_edit = [False] * len(edits)
    omap = OffsetMap(edits)
    edits = omap.edits
    for a in annotations:
        if a.start < 0:
            continue
        span = Span(a.start, a.end)
        a.caught = any(x.overlaps(span) for x in (*findings, *edits))
        hit = [k for k, e in enumerate(edits) if e.overlaps(span)]
        if not hit:
            a.status = "missed"
            continue
        for k in hit:
            touched_by_edit[k] = True
        lo = min(a.start, *(edits[k].start for k in hit))
        hi = max(a.end, *(edits[k].end for k in hit))
        out_lo, out_hi = omap.to_output(lo), omap.to_output(hi)
        region = output[out_lo:out_hi]
        a.got = region
        a.status = "fixed" if _accepted(output, out_lo, out_hi, a) else "wrong_fix"
    false = [e for k, e in enumerate(edits) if not touched_by_edit[k]]
    spans = [Span(a.start, a.end) for a in annotations if a.start >= 0]
    strays = [x for x in findings if not any(x.overlaps(s) for s in spans)]
    words = sum(1 for _ in WORD_RE.finditer(text))
    return FileScore(path, annotations, false, strays, words)


def _nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(max(1, n)):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


_TYPOGRAPHY = str.maketrans({"’": "'", "\u00a0": " ", "\u202f": " "})


def _accepted(output: str, lo: int, hi: int, a: Annotation) -> bool:
    """Typographic variants are equivalent: ’ and ', no-break and ordinary spaces."""
    output = output.translate(_TYPOGRAPHY)
    a = Annotation(a.wrong.translate(_TYPOGRAPHY), a.n, [x.translate(_TYPOGRAPHY) for x in a.accept], a.kind)
    region = output[lo:hi]
    if a.wrong.strip() and regex.search(rf"(?<!\w){regex.escape(a.wrong.strip())}(?!\w)", region, regex.I):
        return False
    for acc in a.accept:
        if acc == "":
            if not region.strip():
                return True
            continue
        for m in regex.finditer(rf"(?<!\w){regex.escape(acc)}(?!\w)", output, regex.I):
            if m.start() >= lo and m.end() <= hi:
                return True
    return False
