"""Precedence between glossaries: which entry wins when findings of two entries cover the
same span.

The fixer keeps the longest finding first; among overlapping findings of the same length the
higher ``Finding.priority`` wins (then the higher confidence, then the entry loaded first).
Glossary findings get the priority of their glossary's rank:

1. the user's files (``-g``) over folders given with ``--glossary-dir`` over the bundled
   glossaries;
2. at the same level, a specific domain over a general one (``general = true`` in the
   ``[glossary]`` header; by default the domains ``core``, ``general`` and ``common``);
3. at the same level and generality, the file loaded first (bundled and folder files in name
   order, ``-g`` files in the order given).

Every rank stays above the rules' priorities (1 and 2): a glossary entry still outranks a
generic rule on a tie. ``RankedIndex`` applies the ranks to the matcher's findings and records
a contest in the winner's evidence (``overrides``), which ``explain`` and ``--format json``
show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from .glossary import Entry, Glossary
from .result import Finding

GLOSSARY_BASE = 3  # the matcher's priority for glossary findings; rules use 1 and 2
TIERS = ("bundled", "folder", "user file")


@dataclass(frozen=True)
class Rank:
    tier: int  # index in TIERS
    general: bool
    order: int  # load order of the glossary in its language (0 first)

    @property
    def priority(self) -> int:
        return GLOSSARY_BASE + 2 * self.tier + (0 if self.general else 1)

    def describe(self) -> str:
        return f"{TIERS[self.tier]}, {'general' if self.general else 'specific'} domain"

    def sort_key(self) -> tuple[int, int]:
        """Higher wins: priority first, then the file loaded first."""
        return (self.priority, -self.order)


def rank_glossaries(glossaries: list[Glossary], user: set[Path], bundled: Path | None) -> dict[str, Rank]:
    """Entry key -> rank. ``user``: paths of the glossaries given as files (-g); ``bundled``:
    the bundled folder (other folders' files are ``--glossary-dir`` ones)."""
    ranks: dict[str, Rank] = {}
    for order, g in enumerate(glossaries):
        if g.path in user:
            tier = 2
        elif bundled is not None and _inside(g.path, bundled):
            tier = 0
        else:
            tier = 1
        rank = Rank(tier, g.general, order)
        for entry in g.entries:
            ranks[entry.key] = rank
    return ranks


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except (ValueError, OSError):
        return False


def ordered(entries: list[Entry], ranks: dict[str, Rank]) -> list[Entry]:
    """Entries in the order they win a tie (first wins)."""
    return sorted(entries, key=lambda e: tuple(-x for x in ranks[e.key].sort_key()) if e.key in ranks else (0, 0))


class RankedIndex:
    """A glossary index whose findings carry their glossary's priority. Everything else is
    the wrapped index's (``find`` is the one method detection calls)."""

    def __init__(self, index, ranks: dict[str, Rank]):
        self._index = index
        self.ranks = ranks

    def __getattr__(self, name: str):
        return getattr(self._index, name)

    def find(self, doc, notes: list[str] | None = None) -> list[Finding]:
        found = [replace(f, priority=self.ranks[f.entry].priority) if f.entry in self.ranks else f
                 for f in self._index.find(doc, notes)]
        return annotate_contests(found, self.ranks)


def annotate_contests(found: list[Finding], ranks: dict[str, Rank]) -> list[Finding]:
    """Where fixable findings of several entries cover the same span, say in the winner's
    evidence which entries it overrides and why (the fixer makes the same choice: same
    length, then priority, then confidence, then the order found)."""
    spans: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, f in enumerate(found):
        if f.fixable and f.entry:
            spans[(f.start, f.end)].append(k)
    for ks in spans.values():
        if len({found[k].entry for k in ks}) < 2:
            continue
        ranked = sorted(ks, key=lambda k: (-found[k].priority, -found[k].confidence))
        win = found[ranked[0]]
        losers = [found[k].entry for k in ranked[1:] if found[k].entry != win.entry]
        runner_up = found[ranked[1]]
        why = _why(win, runner_up, ranks.get(win.entry), ranks.get(runner_up.entry))
        found[ranked[0]] = replace(win, evidence=dict(win.evidence, overrides=losers, precedence=why))
    return found


def _why(win: Finding, other: Finding, rank: Rank | None, other_rank: Rank | None) -> str:
    if rank is None or other_rank is None:
        return "priority"
    if win.priority != other.priority:
        return f"{rank.describe()} over {other_rank.describe()}"
    if win.confidence != other.confidence:
        return f"same precedence ({rank.describe()}), higher confidence"
    return f"same precedence ({rank.describe()}), loaded first"
