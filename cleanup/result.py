"""Findings (what detectors report), edits (what the fixer does) and the result of a run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "cleanup.result/1"


@dataclass(frozen=True)
class Finding:
    """A suspect span found by one named detector, with the evidence that licensed it."""

    rule: str  # detector name, e.g. "glossary", "space_before_hyphen"
    start: int
    end: int
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
class Edit:
    """One change to the input: replace text[start:end] (== old) by new."""

    start: int
    end: int
    old: str
    new: str
    rule: str
    kind: str
    message: str
    entry: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Edit":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Replay edits on ``text``; they must be sorted, non-overlapping and match ``old``."""
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


@dataclass
class Result:
    """Everything one run found and did, able to explain and replay itself."""

    text: str
    output: str
    lang: str
    findings: list[Finding]
    edits: list[Edit]
    signature: dict[str, Any]
    notes: list[str] = field(default_factory=list)  # e.g. "re-translation skipped: no model"

    @property
    def changed(self) -> bool:
        return self.output != self.text

    def replay(self, text: str | None = None) -> str:
        return apply_edits(self.text if text is None else text, self.edits)

    def to_dict(self, path: str | None = None) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "path": path,
            "lang": self.lang,
            "changed": self.changed,
            "findings": [f.to_dict() for f in self.findings],
            "edits": [e.to_dict() for e in self.edits],
            "notes": self.notes,
            "signature": self.signature,
        }
