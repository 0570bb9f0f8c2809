"""Document model: the original text with paragraphs, sentences, tokens and line/column offsets.

All offsets are indices into ``Document.text`` (the decoded text without its BOM); nothing
here rewrites the text, so bytes outside edits are preserved exactly.
"""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import regex

from .result import Span

# The one tokenizer: words are runs of letters, marks and digits ("India’s" -> "India", "s").
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_LINE_BREAK_RE = regex.compile(r"\r\n|\r|\n|\u2028|\u2029")
# A sentence ends at . ! ? … (plus closing quotes/brackets), followed by space and a capital,
# digit, opening quote or dash.
_SENT_END_RE = regex.compile(
    r"(?<=[.!?…][\"'”’»)\]]*)\s+(?=[\"'“‘«(\[\-–—]?\s?[\p{Lu}\p{N}])", regex.V1
)


def normalize_token(token: str) -> str:
    """The key a token is matched by: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", token).casefold()


# Separators that may stand between the words of a multi-word form ("tat-tray", "tat tray",
# "Tat – Tray", "secrétaire à l'intérieur"): mapped to a space in the search text.
GAP_CHARS = " \t\u00a0\u202f-‐‑‒–'’"
_TO_SPACE = str.maketrans({c: " " for c in GAP_CHARS})


def search_key(text: str) -> str:
    """A phrase as the search text holds it: normalised words separated by single spaces."""
    return " ".join(normalize_token(m.group()) for m in WORD_RE.finditer(text))


class SearchText:
    """The text as matchers search it: normalised (NFKC, case-folded) words, separators as
    spaces. Usually the same length as the text (one case-fold of the whole text, offsets
    unchanged); when normalising changes lengths (NFD text, "ß", ligatures), it is built word
    by word and offsets are mapped through the words' boundaries."""

    def __init__(self, text: str):
        self.text = text
        folded = text.casefold()
        if len(folded) == len(text) and (text.isascii() or unicodedata.is_normalized("NFKC", text)):
            self.s = folded.translate(_TO_SPACE)
            self.identity = True
            return
        self.identity = False
        parts, pos, spos = [], 0, 0
        self._s_starts: list[int] = []
        self._s_ends: list[int] = []
        self._o_starts: list[int] = []
        self._o_ends: list[int] = []
        for m in WORD_RE.finditer(text):
            gap = text[pos : m.start()].translate(_TO_SPACE)
            norm = normalize_token(m.group())
            parts += (gap, norm)
            spos += len(gap)
            self._s_starts.append(spos)
            self._o_starts.append(m.start())
            spos += len(norm)
            self._s_ends.append(spos)
            self._o_ends.append(m.end())
            pos = m.end()
        parts.append(text[pos:].translate(_TO_SPACE))
        self.s = "".join(parts)
        self._s_len = len(self.s)

    def to_text(self, spos: int, side: int = 0) -> int:
        """Text offset of a search-text offset at a word boundary (side 0: a start, 1: an end)."""
        if self.identity:
            return spos
        starts, ends = (self._s_starts, self._o_starts) if side == 0 else (self._s_ends, self._o_ends)
        k = bisect.bisect_left(starts, spos)
        if k < len(starts) and starts[k] == spos:
            return ends[k]
        # not a word boundary (a gap): shift by the nearest word before it
        k = bisect.bisect_right(self._s_ends, spos) - 1
        if k < 0:
            return spos
        return self._o_ends[k] + (spos - self._s_ends[k])

    def to_search(self, pos: int) -> int:
        """Search-text offset of a text offset (at or between words)."""
        if self.identity:
            return pos
        k = bisect.bisect_right(self._o_ends, pos) - 1
        if k >= 0 and pos < self._o_ends[k]:  # inside word k: its start
            return self._s_starts[k] if pos == self._o_starts[k] else self._s_starts[k] + min(
                pos - self._o_starts[k], self._s_ends[k] - self._s_starts[k])
        if k < 0:
            return pos
        return self._s_ends[k] + (pos - self._o_ends[k])

    def words(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The words of the search text lying in [start, end): (start, end, norm)."""
        return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(self.s, start, end)]

    def is_word_char(self, spos: int) -> bool:
        return 0 <= spos < len(self.s) and _IS_WORD(self.s[spos])


_WORD_CHARS: dict[str, bool] = {}


def _IS_WORD(ch: str) -> bool:
    """Letters, marks and digits (WORD_RE's characters), memoised per character."""
    known = _WORD_CHARS.get(ch)
    if known is None:
        known = _WORD_CHARS[ch] = unicodedata.category(ch)[0] in "LMN"
    return known


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    norm: str


@dataclass(frozen=True)
class Segment(Span):
    """A line, paragraph or sentence: a span of the document text."""

    index: int
    text: str


@dataclass
class Document:
    """Text plus its segmentation. ``abbreviations`` stop sentence splits (language data)."""

    text: str
    abbreviations: frozenset[str] = field(default_factory=frozenset)
    # Where detection looks (None: everywhere). A later pass of ``fix`` looks only around the
    # edits of the pass before; detectors skip candidates outside these spans.
    focus: list[Span] | None = None

    def in_focus(self, offset: int) -> bool:
        if self.focus is None:
            return True
        k = bisect.bisect_right(self._focus_starts, offset) - 1
        return k >= 0 and offset <= self.focus[k].end

    @cached_property
    def _focus_starts(self) -> list[int]:
        return [s.start for s in self.focus or ()]

    def line_windows(self, lines) -> list[tuple[int, int]]:
        """Line numbers (0-based, see ``line_of``) as windows: each line extended to the end of
        the next one (lookaheads may look past a line break), merged and sorted."""
        starts = self.line_starts
        windows: list[list[int]] = []
        for k in sorted(lines):
            lo = starts[k]
            hi = starts[k + 2] if k + 2 < len(starts) else len(self.text)
            if windows and lo <= windows[-1][1]:
                windows[-1][1] = max(windows[-1][1], hi)
            else:
                windows.append([lo, hi])
        return [(a, b) for a, b in windows]

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        for m in _LINE_BREAK_RE.finditer(self.text):
            starts.append(m.end())
        return starts

    def line_of(self, offset: int) -> int:
        """0-based line of a character offset."""
        return bisect.bisect_right(self.line_starts, offset) - 1

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = self.line_of(offset)
        return line + 1, offset - self.line_starts[line] + 1

    @cached_property
    def lines(self) -> list[Segment]:
        """Every line, without its line break."""
        out = []
        starts = self.line_starts
        for i, start in enumerate(starts):
            if i + 1 < len(starts):
                brk = _LINE_BREAK_RE.search(self.text, start)
                end = brk.start() if brk else len(self.text)
            else:
                end = len(self.text)
            out.append(Segment(start, end, i, self.text[start:end]))
        return out

    @cached_property
    def paragraphs(self) -> list[Segment]:
        """Paragraphs: one per line, except that a hard-wrapped line continues the previous
        one (the previous line has no final punctuation and this one starts in lowercase)."""
        spans: list[list[int]] = []
        prev = None
        for ln in self.lines:
            stripped = ln.text.strip()
            if not stripped:
                prev = None
                continue
            start = ln.start + (len(ln.text) - len(ln.text.lstrip()))
            end = ln.start + len(ln.text.rstrip())
            if prev is not None and _continues(prev.text.rstrip(), stripped):
                spans[-1][1] = end
            else:
                spans.append([start, end])
            prev = ln
        return [Segment(s, e, k, self.text[s:e]) for k, (s, e) in enumerate(spans)]

    @cached_property
    def sentences(self) -> list[Segment]:
        """Sentences inside paragraphs; a sentence never crosses a paragraph or line break."""
        out: list[Segment] = []
        for para in self.paragraphs:
            for start, end in self._split_sentences(para.start, para.end):
                out.append(Segment(start, end, len(out), self.text[start:end]))
        return out

    def _split_sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        """The one sentence splitter (detection, alignment and re-translation all use it)."""
        spans = []
        pos = start
        for m in _SENT_END_RE.finditer(self.text, start, end):
            if self._is_abbreviation(m.start()):
                continue
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, end))
        return [(s, e) for s, e in spans if e > s]

    def _is_abbreviation(self, dot_end: int) -> bool:
        """True when the period before ``dot_end`` closes a known abbreviation or an initial."""
        before = self.text[max(0, dot_end - 20) : dot_end].rstrip("\"'”’»)]")
        if not before.endswith("."):
            return False
        word = regex.search(r"([\p{L}.]+)\.$", before)
        if not word:
            return False
        w = word.group(1)
        return len(w) == 1 or w in self.abbreviations or w.casefold() in self.abbreviations

    @cached_property
    def search(self) -> SearchText:
        return SearchText(self.text)

    @cached_property
    def tokens(self) -> list[Token]:
        return [Token(m.start(), m.end(), normalize_token(m.group())) for m in WORD_RE.finditer(self.text)]

    @cached_property
    def _token_starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    def token_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices [i, j) of the tokens lying inside [start, end)."""
        i = bisect.bisect_left(self._token_starts, start)
        j = bisect.bisect_left(self._token_starts, end)
        return i, j

    def segment_at(self, offset: int, scope: str) -> Segment | None:
        """The sentence or paragraph holding ``offset`` (None for the document scope)."""
        segs = self.sentences if scope == "sentence" else self.paragraphs
        starts = self._starts(scope)
        k = bisect.bisect_right(starts, offset) - 1
        if k >= 0 and segs[k].start <= offset <= segs[k].end:
            return segs[k]
        return None

    def _starts(self, scope: str) -> list[int]:
        cache = self.__dict__.setdefault("_starts_cache", {})
        if scope not in cache:
            segs = self.sentences if scope == "sentence" else self.paragraphs
            cache[scope] = [s.start for s in segs]
        return cache[scope]


_FINAL = ".!?…:;\"'”’»)]"


def _continues(previous: str, line: str) -> bool:
    return not previous.endswith(tuple(_FINAL)) and (line[0].islower() or line[0].isdigit())


def apostrophe_of(text: str) -> str | None:
    """The document's apostrophe: the one it writes more of (curly ’ or straight '); None when
    it shows none (a replacement then keeps its own)."""
    curly, straight = text.count("’"), text.count("'")
    if curly == straight == 0:
        return None
    return "’" if curly > straight else "'"
