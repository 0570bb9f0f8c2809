"""Scoring on gold-annotated articles (``NAME.gold.json`` beside ``NAME.txt``).

An annotation is *fixed* when edits touch it and the edited region of the output no longer
holds ``wrong`` and holds one of ``accept`` as whole words (case-insensitive; ``""`` means the
span is deleted). Touched but not fixed is a *wrong fix*; untouched is *missed*. An edit that
touches no annotated span is a *false edit*.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .errors import InputError
from .pipeline import Cleaner
from .result import Edit
from .textio import read_source


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


@dataclass
class FileScore:
    path: str
    annotations: list[Annotation]
    false_edits: list[Edit] = field(default_factory=list)


@dataclass
class Score:
    files: list[FileScore]

    def totals(self) -> dict:
        counts = Counter(a.status for f in self.files for a in f.annotations)
        return {
            "articles": len(self.files),
            "annotated": sum(len(f.annotations) for f in self.files),
            "fixed": counts["fixed"],
            "wrong_fixes": counts["wrong_fix"],
            "missed": counts["missed"],
            "not_found": counts["not_found"],
            "false_edits": sum(len(f.false_edits) for f in self.files),
        }

    def by_kind(self) -> dict[str, Counter]:
        kinds: dict[str, Counter] = defaultdict(Counter)
        for f in self.files:
            for a in f.annotations:
                kinds[a.kind][a.status] += 1
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
                    "annotations": [a.__dict__ for a in f.annotations],
                    "false_edits": [e.to_dict() for e in f.false_edits],
                }
                for f in self.files
            ],
        }

    def report(self) -> str:
        t = self.totals()
        lines = [
            f"articles {t['articles']}  annotated {t['annotated']}  fixed {t['fixed']}  "
            f"wrong fixes {t['wrong_fixes']}  missed {t['missed']}  false edits {t['false_edits']}"
            + (f"  not found in text {t['not_found']}" if t["not_found"] else ""),
            "",
            f"{'kind':<14}{'total':>6}{'fixed':>7}{'wrong':>7}{'missed':>8}",
        ]
        for kind, c in self.by_kind().items():
            lines.append(f"{kind:<14}{c['total']:>6}{c['fixed']:>7}{c['wrong_fix']:>7}{c['missed']:>8}")
        for f in self.files:
            for a in f.annotations:
                if a.status != "fixed":
                    lines.append(f"{f.path}: {a.status}: {a.kind}: {a.wrong!r}" + (f" -> {a.got!r}" if a.got else ""))
            for e in f.false_edits:
                lines.append(f"{f.path}: false edit: {e.old!r} -> {e.new!r} ({e.rule} {e.entry or ''})")
        return "\n".join(lines) + "\n"


def load_gold(path: Path) -> dict[str, list[Annotation]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold annotations: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: gold file must map file names to lists of annotations")
    out = {}
    for name, items in data.items():
        try:
            out[name] = [
                Annotation(it["wrong"], int(it.get("n", 1)), list(it["accept"]), it.get("kind", "lexical"))
                for it in items
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: bad annotation for {name}: {exc}") from None
    return out


def evaluate(directory: Path, cleaner: Cleaner, lang: str | None = None) -> Score:
    """Fix every annotated article under ``directory`` and score the edits."""
    golds = sorted(Path(directory).rglob("*.gold.json"))
    if not golds:
        raise InputError(f"{directory}: no *.gold.json files")
    files = []
    for gold in golds:
        for name, items in load_gold(gold).items():
            path = gold.parent / name
            source = read_source(str(path))
            result = cleaner.fix(source.text, lang)
            files.append(score_file(str(path), source.text, result.output, result.edits, items))
    return Score(files)


def score_file(path: str, text: str, output: str, edits: list[Edit], annotations: list[Annotation]) -> FileScore:
    for a in annotations:
        a.start = _nth(text, a.wrong, a.n)
        a.end = a.start + len(a.wrong) if a.start >= 0 else -1
        if a.start < 0:
            a.status = "not_found"
    touched_by_edit = [False] * len(edits)
    for a in annotations:
        if a.start < 0:
            continue
        hit = [k for k, e in enumerate(edits) if _overlaps(e.start, e.end, a.start, a.end)]
        if not hit:
            a.status = "missed"
            continue
        for k in hit:
            touched_by_edit[k] = True
        lo = min(a.start, *(edits[k].start for k in hit))
        hi = max(a.end, *(edits[k].end for k in hit))
        out_lo, out_hi = _map(lo, edits), _map(hi, edits)
        region = output[out_lo:out_hi]
        a.got = region
        a.status = "fixed" if _accepted(output, out_lo, out_hi, a) else "wrong_fix"
    false = [e for k, e in enumerate(edits) if not touched_by_edit[k]]
    return FileScore(path, annotations, false)


def _nth(text: str, needle: str, n: int) -> int:
    pos = -1
    for _ in range(max(1, n)):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return -1
    return pos


def _overlaps(s1: int, e1: int, s2: int, e2: int) -> bool:
    if s1 == e1:  # a pure insertion touches a span it sits inside or at the edge of
        return s2 <= s1 <= e2
    return s1 < e2 and s2 < e1


def _map(offset: int, edits: list[Edit]) -> int:
    """Output offset of an input offset that lies outside (or on the border of) every edit."""
    shift = 0
    for e in edits:
        if e.end <= offset:
            shift += len(e.new) - (e.end - e.start)
    return offset + shift


def _accepted(output: str, lo: int, hi: int, a: Annotation) -> bool:
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
