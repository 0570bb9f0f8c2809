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

from functools import lru_cache

import regex

from .document import WORD_RE, Document
from .result import Span

# Opening -> closing delimiters. Straight double quotes pair in order within a paragraph.
_PAIRS = {"“": "”", "«": "»", "„": "“", "‹": "›", "‘": "’", '"': '"', "‚": "‘"}
_OPEN_RE = regex.compile(r"[“«„‹‘\"‚]")
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
            if opener in "‘‚" and start < len(text) and not text[start].isalpha():
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
    if opener == "‘":  # a closing ’ is also an apostrophe: take one not followed by a letter
        for m in regex.finditer("’", text[start:]):
            after = text[start + m.end() : start + m.end() + 1]
            if not after.isalpha():
                return start + m.start()
        return None
    end = text.find(closer, start)
    return end if end >= 0 else None


def _stopword_share(words: list[str], stopwords: frozenset[str]) -> float:
    return sum(1 for w in words if w in stopwords) / len(words) if words else 0.0


def foreign(doc: Document, lang: str, languages: dict, quoted: list[Span]) -> list[tuple[Span, str]]:
    """(span, language name) of paragraphs and quoted passages not in ``lang``."""
    out: list[tuple[Span, str]] = []
    candidates = [Span(p.start, p.end) for p in doc.paragraphs] + list(quoted)
    st = doc.search
    for span in candidates:
        words = [w for w in WORD_RE.findall(st.s, st.to_search(span.start), st.to_search(span.end)) if not w.isdigit()]
        if len(words) < MIN_FOREIGN_WORDS:
            continue
        shares = {code: _stopword_share(words, profile.stopwords) for code, profile in languages.items()}
        own = shares.get(lang, 0.0)
        best = max(shares, key=shares.get)
        if best == lang and own >= 0.10:
            continue  # clearly the document's language (news prose: a third of its words)
        if best != lang and shares[best] >= 0.25 and shares[best] >= own + 0.15:
            out.append((span, best))  # clearly another language with a profile ("L'OTAN face à la Russie")
            continue
        name = identify(doc.text[span.start : span.end], lang)
        if name is not None:
            out.append((span, name))
    return out


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
