"""Spans, findings (what detectors report), edits (what the fixer does), the offset map between
input and output, and the result of a run."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

SCHEMA = "cleanup.result/1"


@dataclass(frozen=True)
class Span:
    """A half-open range [start, end) of character offsets. The one overlap test of the
    project: an empty span (an insertion) overlaps a span it lies inside or at the edge of."""

    start: int
    end: int

    def overlaps(self, other: "Span") -> bool:
        if self.start == self.end:
            return other.start <= self.start <= other.end
        if other.start == other.end:
            return self.start <= other.start <= self.end
        return self.start < other.end and other.start < self.end

    def touches(self, other: "Span") -> bool:
        """Overlapping or adjacent (sharing a border)."""
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True)
class Finding(Span):
    """A suspect span found by one named detector, with the evidence that licensed it."""

    rule: str  # detector name, e.g. "glossary", "space_before_hyphen"
    text: str  # the matched text, text[start:end]
    action: str  # replace | delete | flag | retranslate
    suggestion: str | None  # replacement text (None for flag/retranslate)
    message: str
    kind: str  # artefact family: lexical, spacing, acronym, ...
    entry: str | None = None  # glossary entry key "<lang>/<domain>:<id>"
    confidence: float = 1.0
    priority: int = 1  # specificity: glossary entries outrank generic rules on a tie
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def fixable(self) -> bool:
        return self.action in ("replace", "delete") and self.suggestion is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Edit(Span):
    """One change to the input: replace text[start:end] (== old) by new."""

    old: str
    new: str
    rule: str = "manual"
    kind: str = "lexical"
    message: str = ""
    entry: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Edit":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Replay edits on ``text``; they must be non-overlapping and match ``old``.

    >>> apply_edits("a cashmere attack", [Edit(2, 10, "cashmere", "Kashmir")])
    'a Kashmir attack'
    """
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or text[e.start : e.end] != e.old:
            raise ValueError(f"edit at {e.start}-{e.end} does not apply to this text")
        out.append(text[pos : e.start])
        out.append(e.new)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


class OffsetMap:
    """Offsets between an input and the output its (sorted, disjoint) edits give.

    >>> m = OffsetMap([Edit(2, 10, "cashmere", "Kashmir")])
    >>> m.to_output(11), m.to_input(10)
    (10, 11)
    """

    def __init__(self, edits: Sequence[Edit]):
        self.edits = sorted(edits, key=lambda e: (e.start, e.end))
        self.out_spans: list[Span] = []  # where each edit's new text lies in the output
        self._after: list[int] = []  # total shift after each edit
        shift = 0
        for e in self.edits:
            out_start = e.start + shift
            shift += len(e.new) - (e.end - e.start)
            self.out_spans.append(Span(out_start, out_start + len(e.new)))
            self._after.append(shift)
        self._in_ends = [e.end for e in self.edits]

    def to_output(self, offset: int) -> int:
        """Output offset of an input offset outside every edit (or on its border)."""
        k = bisect.bisect_right(self._in_ends, offset)
        return offset + (self._after[k - 1] if k else 0)

    def to_input(self, offset: int, side: int = 0) -> int:
        """Input offset of an output offset outside every edit's new text (or on its border);
        on a border, ``side`` 0 gives the edit's input start, 1 its input end."""
        before = 0
        for k, span in enumerate(self.out_spans):
            if span.start == offset == span.end:
                return self.edits[k].start if side == 0 else self.edits[k].end
            if offset == span.start and side == 0:
                return self.edits[k].start
            if offset == span.end and side == 1:
                return self.edits[k].end
            if span.end > offset:
                break
            before = self._after[k]
        return offset - before


@dataclass
class Result:
    """Everything one run found and did, able to explain and replay itself."""

    text: str
    output: str
    lang: str
    findings: list[Finding]
    edits: list[Edit]
    signature: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # e.g. "sentence 3 could not be aligned"
    model_skipped: str = ""  # why the model stage did not run, when a source was given

    @property
    def changed(self) -> bool:
        return self.output != self.text

    def replay(self, text: str | None = None) -> str:
        return apply_edits(self.text if text is None else text, self.edits)

    def to_dict(self, path: str | None = None) -> dict[str, Any]:
        from .document import Document  # document imports this module

        doc = Document(self.text)

        def located(x: Span) -> dict[str, Any]:
            line, column = doc.line_col(x.start)
            return {**x.to_dict(), "line": line, "column": column}

        return {
            "schema": SCHEMA,
            "path": path,
            "lang": self.lang,
            "changed": self.changed,
            "findings": [located(f) for f in self.findings],
            "edits": [located(e) for e in self.edits],
            "notes": self.notes,
            "model_skipped": self.model_skipped,
            "signature": self.signature,
        }
