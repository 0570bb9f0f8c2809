"""The detector registry. Every detector, glossary matching included, is one named function

    detector(doc: Document, ctx: Context) -> Iterable[Finding]

registered under the name used in findings, in ``--skip``/``--only``, in ``cleanup rules``,
in the config file and in the README. Detection only: a detector never changes the text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import Document
from .result import Finding

if TYPE_CHECKING:
    from .language import Language
    from .matcher import GlossaryIndex

Detector = Callable[[Document, "Context"], Iterable[Finding]]
DETECTORS: dict[str, Detector] = {}


def detector(func: Detector) -> Detector:
    """Register ``func`` under its own name."""
    DETECTORS[func.__name__] = func
    return func


@dataclass
class Context:
    """What a detector may read besides the text: the language profile, the glossary index
    (built on first use), the run's settings, and a list to put notes in."""

    language: "Language"
    index: Callable[[], "GlossaryIndex"]
    settings: Any
    notes: list[str] = field(default_factory=list)
    pivots: Callable[[], frozenset[str]] = frozenset
    disabled: set[str] = field(default_factory=set)  # data regexes that hit their time limit this run

    @property
    def glossary(self) -> "GlossaryIndex":
        return self.index()

    @property
    def pivot_words(self) -> frozenset[str]:
        """Common words of the pivot languages that are rare in this one."""
        return self.pivots()


def describe(name: str) -> str:
    """The first line of a detector's docstring."""
    return (DETECTORS[name].__doc__ or "").strip().splitlines()[0]


# The detectors register themselves on import; glossary matching first.
from . import matcher as _matcher  # noqa: E402,F401
from . import rules as _rules  # noqa: E402,F401
