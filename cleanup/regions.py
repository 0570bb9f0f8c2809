"""Regions of a document that are not the article's own words in its own language.

- Quotations are the speaker's words: ``quotes(doc)`` finds quoted passages (“…”, «…», "…",
  „…“, ‹…›, ‘…’ when they are not apostrophes). Edits inside them become flags (see
  ``Cleaner.findings``), unless the run is told to edit quotations.
- Text in another language is never edited: ``foreign(doc, lang, languages)`` finds paragraphs
  and quoted passages of some length that are not in the document's language. A language
  profile's stopwords decide the clear cases; a real language identifier (lingua) decides the
  ambiguous ones and names the language for the note.
"""

from __future__ import annotations

import bisect

from functools import lru_cache

import regex

from .document import WORD_RE, Document
from .result import Span

# Opening -> closing delimiters. Straight double quotes pair in order within a paragraph.
_PAIRS = {"“": "”", "«": "»", "„": "“", "‹": "›", "‘": "’", '"': '"', "‚": "‘", "'": "'"}
_OPEN_RE = regex.compile(r"[“«„‹‘\"‚]|(?<![\p{L}\p{N}])'")  # a straight ' after a letter is an apostrophe
MIN_FOREIGN_WORDS = 6  # shorter passages are names, titles or loanwords, not another language


def quotes(doc: Document) -> list[Span]:
    """Quoted passages (the text between the delimiters), within a paragraph each."""
    out: list[Span] = []
    for para in doc.paragraphs:
        text, base = para.text, para.start
        pos = 0
        while True:
            m = _OPEN_RE.search(text, pos)
            if not m:
                break
            opener = m.group()
            closer = _PAIRS[opener]
            start = m.end()
            if opener in "‘‚'" and start < len(text) and not text[start].isalpha():
                pos = start
                continue
            end = _closing(text, start, opener, closer)
            if end is None:
                pos = start
                continue
            if end > start:
                out.append(Span(base + start, base + end))
            pos = end + 1
    return out


def _closing(text: str, start: int, opener: str, closer: str) -> int | None:
    if opener in "‘'":  # a closing ’ or ' is also an apostrophe: take one not followed by a letter
        for m in regex.finditer(closer, text[start:]):
            after = text[start + m.end() : start + m.end() + 1]
            if not after.isalpha():
                return start + m.start()
        return None
    end = text.find(closer, start)
    return end if end >= 0 else None


def _stopword_share(words: list[str], stopwords: frozenset[str]) -> float:
    return sum(1 for w in words if w in stopwords) / len(words) if words else 0.0


def foreign(doc: Document, lang: str, languages: dict, quoted: list[Span]) -> list[tuple[Span, str]]:
    """(span, language name) of passages not in ``lang``: paragraphs, sentences and quoted
    passages. A sentence of a foreign paragraph that is clearly in ``lang`` ("Le ministre a
    dit : ... The talks continued.") stays the article's own."""
    out: list[tuple[Span, str]] = []
    sentences = doc.sentences
    starts = [s.start for s in sentences]  # in text order: each paragraph's sentences by bisection
    for para in doc.paragraphs:
        span = Span(para.start, para.end)
        first = bisect.bisect_left(starts, span.start)
        inside = []
        for s in sentences[first:]:
            if s.start >= span.end:
                break
            if s.end <= span.end:
                inside.append(Span(s.start, s.end))
        name = _language(doc, span, lang, languages)
        if name is None:  # an own-language paragraph may still hold a sentence in another language
            if len(inside) > 1:
                out.extend((s, n) for s in inside if (n := _language(doc, s, lang, languages)))
            continue
        pos = span.start
        for s in [s for s in inside if _clearly(doc, s, lang, languages)] + [Span(span.end, span.end)]:
            if doc.text[pos : s.start].strip():
                out.append((Span(pos, s.start), name))
            pos = max(pos, s.end)
    for span in quoted:
        if not any(f.start <= span.start and span.end <= f.end for f, _ in out):
            if name := _language(doc, span, lang, languages):
                out.append((span, name))
    return out


def _shares(doc: Document, span: Span, languages: dict) -> tuple[list[str], dict[str, float]]:
    st = doc.search
    words = [w for w in WORD_RE.findall(st.s, st.to_search(span.start), st.to_search(span.end)) if not w.isdigit()]
    return words, {code: _stopword_share(words, profile.stopwords) for code, profile in languages.items()}


def _clearly(doc: Document, span: Span, lang: str, languages: dict) -> bool:
    """A passage long enough to tell, clearly in ``lang`` by its stopwords."""
    words, shares = _shares(doc, span, languages)
    return len(words) >= MIN_FOREIGN_WORDS and max(shares, key=shares.get) == lang and shares[lang] >= 0.10


def _language(doc: Document, span: Span, lang: str, languages: dict) -> str | None:
    """The language of a passage when it is clearly not ``lang``, else None."""
    words, shares = _shares(doc, span, languages)
    if len(words) < MIN_FOREIGN_WORDS:
        return None
    own = shares.get(lang, 0.0)
    best = max(shares, key=shares.get)
    if best == lang and own >= 0.10:
        return None  # clearly the document's language (news prose: a third of its words)
    if best != lang and shares[best] >= 0.25 and shares[best] >= own + 0.15:
        return best  # clearly another language with a profile ("L'OTAN face à la Russie")
    return identify(doc.text[span.start : span.end], lang)


# Languages the identifier chooses among: the bundled ones and the languages news most often mixes in.
_CANDIDATES = ("ENGLISH", "FRENCH", "SPANISH", "GERMAN", "ITALIAN", "PORTUGUESE", "DUTCH", "POLISH",
               "ROMANIAN", "SWEDISH", "TURKISH", "CATALAN", "ARABIC", "RUSSIAN", "UKRAINIAN", "CHINESE")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder  # loaded only for ambiguous passages

    # Low-accuracy mode: trigram models only, loaded in a third of a second instead of seconds,
    # and accurate on the passages it is asked about (six words or more).
    return (LanguageDetectorBuilder.from_languages(*(getattr(Language, n) for n in _CANDIDATES))
            .with_low_accuracy_mode().build())


def identify(text: str, own: str) -> str | None:
    """ISO 639-1 code of the language of ``text`` when the identifier is sure it is not ``own``
    (the best language at 0.7 confidence or more, ``own`` at 0.15 or less), else None."""
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return None
    confidence = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
    top = values[0].language.iso_code_639_1.name.lower()
    if top == own or values[0].value < 0.7 or confidence.get(own, 0.0) > 0.15:
        return None
    return top
