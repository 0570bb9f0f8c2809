"""Sentence alignment of a source-language text with its machine translation.

Dynamic programming over a Gale-Church length cost (1-1, 1-2, 2-1, 1-0, 0-1)
lowered by anchors: numbers found on both sides, shared names/tokens and
optional glossary source->target terms.  Links whose score is low are
reported by `unaligned()` instead of being trusted. Sentences come from the
document's one sentence splitter; words from its one tokenizer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from .document import WORD_RE, normalize_token

VARIANCE = 6.8  # Gale & Church: variance of target chars per source char
PRIORS = {(1, 1): 0.89, (1, 0): 0.005, (0, 1): 0.005, (2, 1): 0.045, (1, 2): 0.045}
NUMBER_BONUS = 1.5
SHARED_BONUS = 1.0
GLOSSARY_BONUS = 1.5
NUMBER_PENALTY = 1.5
DEFAULT_THRESHOLD = 0.05
MIN_BAND = 12
RATIO_PRIOR_CHARS = 400

NUMBER_RE = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d{3}(?!\d))*(?:[.,]\d+)?")


@dataclass(frozen=True)
class Link:
    """Aligned source and MT sentence indexes (either may be empty) and a 0..1 score."""

    src: tuple[int, ...]
    mt: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class _Features:
    length: int
    numbers: frozenset[str]
    shared: frozenset[str]
    anchors: frozenset[int]  # glossary anchors present (source terms, or target terms on the MT side)


def _number_key(raw: str) -> str:
    return re.sub(r"\D", "", raw)


def _joined(text: str) -> str:
    """Normalised words joined by spaces, padded: whole-word phrase search by ``in``."""
    return " " + " ".join(normalize_token(w) for w in WORD_RE.findall(text)) + " "


class _Anchors:
    """Phrases (each anchor one or more, joined by ``_joined``) found in a sentence by one
    Aho-Corasick scan: linear in the sentence, whatever the number of anchors."""

    def __init__(self, anchors: Sequence[tuple[str, ...]]):
        keys = sorted({f for forms in anchors for f in forms if f.strip()})
        self._of = {f: [] for f in keys}
        for k, forms in enumerate(anchors):
            for f in forms:
                if f in self._of:
                    self._of[f].append(k)
        self._keys = keys
        self._ac = None
        if keys:
            import ahocorasick_rs

            self._ac = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)

    def present(self, sentence: str) -> frozenset[int]:
        if self._ac is None:
            return frozenset()
        found = self._ac.find_matches_as_indexes(_joined(sentence), overlapping=True)
        return frozenset(k for key, _, _ in found for k in self._of[self._keys[key]])


def _features(sentence: str, anchors: _Anchors | None = None) -> _Features:
    numbers = frozenset(_number_key(m.group()) for m in NUMBER_RE.finditer(sentence))
    words = [w for w in WORD_RE.findall(sentence) if not w[0].isdigit()]
    shared = {w.casefold() for w in words if len(w) >= 4}
    shared |= {w for i, w in enumerate(words) if i > 0 and w[:1].isupper()}
    present = anchors.present(sentence) if anchors else frozenset()
    return _Features(len(sentence.strip()), numbers, frozenset(shared), present)


def _merge(items: Sequence[_Features]) -> _Features:
    if len(items) == 1:
        return items[0]
    return _Features(sum(f.length for f in items) + len(items) - 1,
                     frozenset().union(*(f.numbers for f in items)),
                     frozenset().union(*(f.shared for f in items)),
                     frozenset().union(*(f.anchors for f in items)))


def _length_cost(src_len: int, mt_len: int, ratio: float) -> tuple[float, float]:
    """(-log p, p) of the length pair under the Gale-Church normal model."""
    mean = max(src_len, 1) * ratio
    delta = abs(mt_len - mean) / math.sqrt(max(src_len, 1) * VARIANCE)
    p = math.erfc(delta / math.sqrt(2.0))
    if p <= 1e-300:
        return delta * delta / 2.0 + math.log(delta * math.sqrt(math.pi / 2.0)), 0.0
    return -math.log(p), p


def _anchor_cost(src: _Features, mt: _Features) -> float:
    """Negative for shared anchors, positive for numbers found on one side only."""
    matched_numbers = len(src.numbers & mt.numbers)
    unmatched_numbers = len(src.numbers ^ mt.numbers)
    bonus = NUMBER_BONUS * matched_numbers + SHARED_BONUS * len(src.shared & mt.shared)
    bonus += GLOSSARY_BONUS * len(src.anchors & mt.anchors)
    return NUMBER_PENALTY * unmatched_numbers - bonus


def _link_cost(src: Sequence[_Features], mt: Sequence[_Features], ratio: float) -> tuple[float, float]:
    """(DP cost, 0..1 confidence) of linking these sentences."""
    prior = -math.log(PRIORS[(len(src), len(mt))])
    if not src or not mt:
        return prior, 0.0
    merged_src, merged_mt = _merge(src), _merge(mt)
    length_cost, _p = _length_cost(merged_src.length, merged_mt.length, ratio)
    anchors = _anchor_cost(merged_src, merged_mt)
    evidence = length_cost + anchors
    return prior + evidence, math.exp(-max(0.0, evidence))


def _ratio(src: Sequence[_Features], mt: Sequence[_Features]) -> float:
    """MT/source length ratio, shrunk towards 1 for short texts."""
    total_src = sum(f.length for f in src) + RATIO_PRIOR_CHARS
    total_mt = sum(f.length for f in mt) + RATIO_PRIOR_CHARS
    return min(2.0, max(0.5, total_mt / total_src))


def _in_band(i: int, j: int, n: int, m: int, band: int) -> bool:
    expected = i * m / n if n else 0
    return abs(j - expected) <= band


def align(src_sents: Sequence[str], mt_sents: Sequence[str],
          anchors: Mapping[str, object] | None = None) -> list[Link]:
    """Align sentences; anchors is an optional glossary {source term: target term(s)}."""
    pairs = list((anchors or {}).items())
    src_forms = [(_joined(source),) for source, _ in pairs]
    mt_forms = [tuple(_joined(str(t)) for t in ([target] if isinstance(target, str) else target))
                for _, target in pairs]
    src_index, mt_index = (_Anchors(src_forms), _Anchors(mt_forms)) if pairs else (None, None)
    src = [_features(s, src_index) for s in src_sents]
    mt = [_features(s, mt_index) for s in mt_sents]
    n, m = len(src), len(mt)
    if not n or not m:
        return [Link((i,), (), 0.0) for i in range(n)] + [Link((), (j,), 0.0) for j in range(m)]
    ratio = _ratio(src, mt)
    band = max(MIN_BAND, abs(n - m) + MIN_BAND // 2, (max(n, m) + 9) // 10)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, float] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf or not _in_band(i, j, n, m, band):
                continue
            for di, dj in PRIORS:
                a, b = i + di, j + dj
                if a > n or b > m:
                    continue
                step, score = _link_cost(src[i:a], mt[j:b], ratio)
                if cost[i][j] + step < cost[a][b]:
                    cost[a][b] = cost[i][j] + step
                    back[a][b] = (i, j, score)
    return _trace(back, n, m)


def _trace(back: list[list[tuple[int, int, float] | None]], n: int, m: int) -> list[Link]:
    links: list[Link] = []
    a, b = n, m
    while a or b:
        step = back[a][b]
        if step is None:  # unreachable outside the band: should not happen
            raise RuntimeError(f"alignment failed at ({a}, {b})")
        i, j, score = step
        links.append(Link(tuple(range(i, a)), tuple(range(j, b)), round(score, 6)))
        a, b = i, j
    links.reverse()
    return links


def unaligned(links: Sequence[Link], threshold: float = DEFAULT_THRESHOLD) -> list[Link]:
    """Links not to trust: a side is empty or the score is under threshold."""
    return [link for link in links if not link.src or not link.mt or link.score < threshold]


def mt_to_src(links: Sequence[Link],
              threshold: float = DEFAULT_THRESHOLD) -> dict[int, tuple[int, ...]]:
    """MT sentence index -> source sentence indexes, for confident links only."""
    mapping: dict[int, tuple[int, ...]] = {}
    for link in links:
        if link.src and link.mt and link.score >= threshold:
            for j in link.mt:
                mapping[j] = link.src
    return mapping
