"""Re-translation of suspect spans with a CTranslate2 model.

ctranslate2 is imported lazily inside methods only, so importing this module
(and the CLI) stays cheap when no model is used.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Hashable, Sequence

from cleanup.errors import ModelError
from cleanup.models import ModelInfo, resolve_model
from cleanup.textio import display

# Splicing works on whitespace-delimited chunks, the unit a detokenized model output comes in
# (words with their punctuation); words proper come from cleanup.document.WORD_RE.
_CHUNK_RE = re.compile(r"\S+")
EDGE_PUNCT = ".,;:!?\"'()[]\u2026"
# What SentencePiece decodes an unknown piece to (and the piece itself): a hypothesis holding
# one is never spliced into an article.
UNKNOWN_MARKS = ("\u2047", "<unk>")
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                        "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class DecodeConfig:
    """Decoding settings; as_dict() feeds cache keys and run signatures."""

    beam_size: int = 4
    device: str = "auto"
    compute_type: str = "default"
    max_batch_size: int = 1024
    batch_type: str = "tokens"
    num_hypotheses: int = 1
    return_alternatives: bool = False
    length_penalty: float = 1.0
    max_decoding_length: int = 256
    disable_unk: bool = False
    inter_threads: int = 1
    intra_threads: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of the settings (stable key order)."""
        return asdict(self)


@dataclass(frozen=True)
class Hypothesis:
    """One decoded target: detokenized text, target pieces, CTranslate2 score."""

    text: str
    tokens: tuple[str, ...]
    score: float

    @property
    def has_unknown(self) -> bool:
        """True when the model produced an unknown token (decoded as U+2047)."""
        return has_unknown(self.text)


def has_unknown(text: str) -> bool:
    """True when ``text`` holds an unknown-token marker (see UNKNOWN_MARKS)."""
    return any(mark in text for mark in UNKNOWN_MARKS)


@dataclass(frozen=True)
class SpanItem:
    """One suspect span: char offsets into mt_sentence, optional glossary term."""

    src_sentence: str
    mt_sentence: str
    span: tuple[int, int]
    forced_term: str | None = None


@dataclass(frozen=True)
class SpanResult:
    """Replace mt_sentence[start:end] by text; the rest stays byte-identical."""

    text: str
    start: int
    end: int
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()
    resynced: bool = True
    changed: bool = True

    def apply(self, mt_sentence: str) -> str:
        """The MT sentence with this result spliced in."""
        return mt_sentence[: self.start] + self.text + mt_sentence[self.end:]


@dataclass
class _Plan:
    """Internal: the forced prefix and the MT words around one span."""

    item: SpanItem
    words: list[tuple[int, int]]
    first: int
    last: int
    head: str
    prefix: list[str] = field(default_factory=list)
    suppress: tuple[tuple[str, ...], ...] = ()


class Retranslator:
    """One CTranslate2 model plus its SentencePiece tokenizers and an LRU cache."""

    def __init__(self, model: ModelInfo | str | Path, config: DecodeConfig | None = None, *,
                 src: str | None = None, tgt: str | None = None, cache_size: int = 4096):
        info = model if isinstance(model, ModelInfo) else resolve_model(model, src, tgt)
        if not info.model_dir.is_dir():  # read from inside an .argosmodel zip: extract it once
            info = resolve_model(info.path, src or info.src, tgt or info.tgt)
        self.info = info
        self.src = src or info.src
        self.tgt = tgt or info.tgt
        self.where = display(info.path)  # what errors name: the path the user gave
        self.config = config or DecodeConfig()
        self._settings = tuple(self.config.as_dict().items())
        self._model_key = str(self.info.model_dir)
        self.cache_size = cache_size
        self.calls = 0
        self.hits = 0
        self.misses = 0
        self._cache: OrderedDict[Hashable, list[Hypothesis]] = OrderedDict()
        self._translator: Any = None
        self._sp: dict[str, Any] = {}

    # ------------------------------------------------------------ loading

    @property
    def translator(self) -> Any:
        """The ctranslate2.Translator, loaded on first use."""
        if self._translator is None:
            self._translator = self._load()
        return self._translator

    def _load(self) -> Any:
        import ctranslate2

        cfg = self.config
        device = cfg.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        try:
            return ctranslate2.Translator(str(self.info.model_dir), device=device,
                                          compute_type=cfg.compute_type,
                                          inter_threads=cfg.inter_threads,
                                          intra_threads=cfg.intra_threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{self.where}: cannot load the model ({_one_line(exc)})") from None

    def _processor(self, side: str) -> Any:
        if side not in self._sp:
            import sentencepiece as spm

            path = self.info.source_spm if side == "source" else self.info.target_spm
            try:
                self._sp[side] = spm.SentencePieceProcessor(model_file=str(path))
            except (OSError, RuntimeError) as exc:
                raise ModelError(f"{self.where}: cannot load the SentencePiece model {path.name} "
                                 f"({_one_line(exc)})") from None
        return self._sp[side]

    def check(self) -> None:
        """Load the tokenizers and the model now: a model that cannot be used is an error
        before any text is processed, findings or not."""
        self._processor("source")
        self._processor("target")
        _ = self.translator

    # --------------------------------------------------------- tokenizing

    def encode_source(self, sentence: str) -> list[str]:
        """Source tokens as the layout expects them (language token, </s>)."""
        pieces = self._processor("source").encode(sentence, out_type=str)
        eos = ["</s>"] if self.info.append_eos else []
        return self.info.source_prefix(self.src) + pieces + eos

    def encode_target(self, text: str) -> list[str]:
        """Target pieces for text (no language token, no </s>)."""
        if not text.strip():
            return []
        return list(self._processor("target").encode(text, out_type=str))

    def decode_target(self, tokens: Sequence[str]) -> str:
        """Detokenize target pieces."""
        return str(self._processor("target").decode_pieces(list(tokens)))

    def _known_target(self, pieces: Sequence[str]) -> bool:
        sp = self._processor("target")
        return all(sp.piece_to_id(p) != sp.unk_id() for p in pieces)

    def model_prefix(self) -> list[str]:
        """Tokens the layout forces first (e.g. NLLB target language)."""
        return self.info.target_prefix_for(self.tgt)

    # -------------------------------------------------------- translating

    def _key(self, source: list[str], prefix: list[str], suppress: Any, n: int,
             alternatives: bool) -> Hashable:
        return (self._model_key, tuple(source), tuple(prefix), suppress, self._settings,
                n, alternatives)

    def translate(self, sentences: Sequence[str],
                  target_prefixes: Sequence[Sequence[str] | None] | None = None,
                  suppress: Sequence[Sequence[str]] | None = None,
                  num_hypotheses: int | None = None,
                  return_alternatives: bool | None = None) -> list[list[Hypothesis]]:
        """Translate sentences in one translate_batch call (cache misses only).

        target_prefixes and suppress hold target *pieces* (see encode_target).
        """
        sources = [self.encode_source(s) for s in sentences]
        return self.translate_tokens(sources, target_prefixes, suppress, num_hypotheses,
                                     return_alternatives)

    def translate_tokens(self, sources: Sequence[list[str]],
                         target_prefixes: Sequence[Sequence[str] | None] | None = None,
                         suppress: Sequence[Sequence[str]] | None = None,
                         num_hypotheses: int | None = None,
                         return_alternatives: bool | None = None) -> list[list[Hypothesis]]:
        """As translate(), from already encoded source tokens."""
        n = num_hypotheses or self.config.num_hypotheses
        alt = (self.config.return_alternatives if return_alternatives is None
               else return_alternatives)
        if target_prefixes is not None and len(target_prefixes) != len(sources):
            raise ValueError("target_prefixes must have one entry per sentence")
        head = self.model_prefix()
        prefixes = [head + list(p or []) for p in (target_prefixes or [None] * len(sources))]
        # A sequence with a piece the model cannot produce needs no ban (and CTranslate2
        # rejects unknown tokens in suppress_sequences).
        ban = tuple(tuple(seq) for seq in (suppress or ()) if seq and self._known_target(seq))
        keys = [self._key(s, p, ban, n, alt) for s, p in zip(sources, prefixes)]
        results: list[list[Hypothesis] | None] = [self._cache_get(k) for k in keys]
        todo = [i for i, r in enumerate(results) if r is None]
        if todo:
            raw = self._translate_batch([sources[i] for i in todo], [prefixes[i] for i in todo],
                                        ban, n, alt)
            for i, hyps in zip(todo, raw):
                results[i] = hyps
                self._cache_put(keys[i], hyps)
        return [list(r or []) for r in results]

    def _translate_batch(self, sources: list[list[str]], prefixes: list[list[str]],
                         ban: tuple[tuple[str, ...], ...], n: int,
                         alt: bool) -> list[list[Hypothesis]]:
        cfg = self.config
        beam = cfg.beam_size if alt else max(cfg.beam_size, n)
        self.calls += 1
        try:
            raw = self.translator.translate_batch(
                sources, target_prefix=[p or None for p in prefixes],
                max_batch_size=cfg.max_batch_size, batch_type=cfg.batch_type, beam_size=beam,
                num_hypotheses=n, return_alternatives=alt, return_scores=True,
                length_penalty=cfg.length_penalty, max_decoding_length=cfg.max_decoding_length,
                disable_unk=cfg.disable_unk, suppress_sequences=[list(s) for s in ban] or None)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.where}: translation failed ({_one_line(exc)})") from None
        skip = len(self.model_prefix())
        return [[self._hypothesis(tokens[skip:], score)
                 for tokens, score in zip(result.hypotheses, result.scores)] for result in raw]

    def _hypothesis(self, tokens: Sequence[str], score: float) -> Hypothesis:
        return Hypothesis(self.decode_target(tokens), tuple(tokens), float(score))

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        """Mean per-token log-probability of each target given its source."""
        if len(sources) != len(targets):
            raise ValueError("score() needs as many targets as sources")
        head = self.model_prefix()
        src = [self.encode_source(s) for s in sources]
        tgt = [head + self.encode_target(t) for t in targets]
        self.calls += 1
        try:
            raw = self.translator.score_batch(src, tgt, max_batch_size=self.config.max_batch_size,
                                              batch_type=self.config.batch_type)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.where}: scoring failed ({_one_line(exc)})") from None
        return [sum(r.log_probs[len(head):]) / max(1, len(r.log_probs) - len(head)) for r in raw]

    # -------------------------------------------------------------- cache

    def _cache_get(self, key: Hashable) -> list[Hypothesis] | None:
        found = self._cache.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._cache.move_to_end(key)
        return found

    def _cache_put(self, key: Hashable, value: list[Hypothesis]) -> None:
        if self.cache_size <= 0:
            return
        self._cache[key] = value
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def cache_info(self) -> dict[str, int]:
        """Counters: hits, misses, entries, translate/score calls."""
        return {"hits": self.hits, "misses": self.misses, "entries": len(self._cache),
                "calls": self.calls}

    def clear_cache(self) -> None:
        self._cache.clear()

    # ---------------------------------------------------------- span fixes

    def retranslate_span(self, src_sentence: str, mt_sentence: str, span: tuple[int, int],
                         forced_term: str | None = None, num_hypotheses: int = 3) -> SpanResult:
        """Re-translate one span (see retranslate_spans)."""
        item = SpanItem(src_sentence, mt_sentence, span, forced_term)
        return self.retranslate_spans([item], num_hypotheses)[0]

    def retranslate_spans(self, items: Sequence[SpanItem],
                          num_hypotheses: int = 3) -> list[SpanResult]:
        """Force the MT before each span (+ the glossary term) and let the model go on.

        Items with a forced term go to the model in one batched call; items
        without one ban the span's words (suppress_sequences) and ask for
        alternatives at the span, one call per distinct banned set.
        """
        plans = [self._plan(item) for item in items]
        hyps: list[list[Hypothesis]] = [[] for _ in plans]
        for group in _groups(plans):
            forced = plans[group[0]].item.forced_term is not None
            out = self.translate([plans[i].item.src_sentence for i in group],
                                 [plans[i].prefix for i in group],
                                 [list(s) for s in plans[group[0]].suppress],
                                 num_hypotheses=num_hypotheses, return_alternatives=not forced)
            for i, result in zip(group, out):
                hyps[i] = result
        return [self._splice(plan, found) for plan, found in zip(plans, hyps)]

    def _plan(self, item: SpanItem) -> _Plan:
        mt, (start, end) = item.mt_sentence, item.span
        if not 0 <= start < end <= len(mt):
            raise ValueError(f"span {item.span} outside the MT sentence of length {len(mt)}")
        words = [m.span() for m in _CHUNK_RE.finditer(mt)]
        inside = [i for i, (a, b) in enumerate(words) if b > start and a < end]
        if not inside:
            raise ValueError(f"span {item.span} covers no word of the MT sentence")
        first, last = inside[0], inside[-1]
        before = mt[: words[first][0]]
        if item.forced_term is None:
            head = ""
            suppress = tuple(tuple(self.encode_target(mt[words[i][0]:words[i][1]]))
                             for i in inside)
            prefix = self.encode_target(before)
        else:
            head = mt[words[first][0]:start] + item.forced_term + mt[end:words[last][1]]
            suppress = ()
            prefix = self.encode_target(before + head)
        return _Plan(item, words, first, last, head, prefix, tuple(s for s in suppress if s))

    def _splice(self, plan: _Plan, hyps: list[Hypothesis]) -> SpanResult:
        if not hyps:
            raise ModelError(f"{self.where}: the model returned no hypothesis")
        # A hypothesis whose spliced words hold an unknown token is never used.
        usable = [(s, h) for s, h in ((self._splice_one(plan, h), h) for h in hyps)
                  if not has_unknown(s[0][len(plan.head):])]
        if not usable:
            start, end = plan.words[plan.first][0], plan.words[plan.last][1]
            original = plan.item.mt_sentence[start:end]
            return SpanResult(original, start, end, hyps[0].score, (), False, False)
        spliced = [s for s, _ in usable]
        hyps = [h for _, h in usable]
        best_text, start, end, resynced = spliced[0]
        original = plan.item.mt_sentence[start:end]
        alternatives: list[tuple[str, float]] = []
        seen = {best_text}
        for (text, a, b, _r), hyp in zip(spliced[1:], hyps[1:]):
            if (a, b) == (start, end) and text not in seen:
                seen.add(text)
                alternatives.append((text, hyp.score))
        return SpanResult(best_text, start, end, hyps[0].score, tuple(alternatives), resynced,
                          best_text != original)

    def _splice_one(self, plan: _Plan, hyp: Hypothesis) -> tuple[str, int, int, bool]:
        mt, words = plan.item.mt_sentence, plan.words
        # The output repeats the forced prefix (unknown pieces come back as <unk>).
        cont = self.decode_target(hyp.tokens[len(plan.prefix):]).split()
        after = [mt[a:b] for a, b in words[plan.last + 1:]]
        head_words = plan.head.split()
        if (cont and head_words and word_key(cont[0]) == word_key(head_words[-1])
                and not (after and word_key(after[0]) == word_key(cont[0]))):
            cont = cont[1:]  # a model echoing the forced term: never "Kashmir Kashmir"
        span_words = plan.last - plan.first + 1
        found = _resync(cont, after)
        if found is None:
            take, drop = (0, 0) if plan.head else (min(span_words, len(cont)), 0)
        else:
            take, drop = found
        start = words[plan.first][0]
        end = words[plan.last + drop][1]
        text = " ".join(part for part in [plan.head, *cont[:take]] if part)
        return text, start, end, found is not None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _groups(plans: list[_Plan]) -> list[list[int]]:
    """Indexes grouped by (forced?, banned sequences), first-seen order."""
    groups: dict[Hashable, list[int]] = {}
    for i, plan in enumerate(plans):
        key = (plan.item.forced_term is not None, plan.suppress)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def word_key(word: str) -> str:
    """Comparison key for MT vs model words (NFKC, ASCII quotes, casefold, edge punctuation)."""
    key = unicodedata.normalize("NFKC", word).translate(QUOTES).casefold()
    return key.strip(EDGE_PUNCT) or key


def _resync(cont: list[str], after: list[str]) -> tuple[int, int] | None:
    """First point (i in cont, j in after) from which the two agree again.

    Accepts a matching run of >= 2 words, or one that reaches the end of both.
    Both empty counts as agreeing at (0, 0).
    """
    if not cont and not after:
        return 0, 0
    matcher = difflib.SequenceMatcher(None, [word_key(w) for w in cont],
                                      [word_key(w) for w in after], autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        if size >= 2 or (a + size == len(cont) and b + size == len(after)):
            return a, b
    return None
