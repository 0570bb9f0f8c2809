"""Language profiles (``glossaries/<code>/language.toml``) and language detection.

A language is data: stopwords for detection, number and punctuation conventions, article
agreement, untranslated pivot acronyms, boilerplate lines, demonyms. No code per language.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .document import WORD_RE, normalize_token
from .errors import GlossaryError, UsageError

REGEX_TIMEOUT = 0.25  # seconds; bounds any data-supplied pattern (see Guarantees in README)


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    path: Path
    stopwords: frozenset[str]
    abbreviations: frozenset[str]
    decimal: str
    thousands: str
    percent_space: bool
    units: str
    space_before: str
    before_vowel: dict[str, str]
    before_consonant: dict[str, str]
    consonant_sound_prefixes: tuple[str, ...]
    vowel_sound_prefixes: tuple[str, ...]
    acronyms: dict[str, str]
    acronym_guards: dict[str, dict]
    boilerplate: tuple[regex.Pattern, ...]
    boilerplate_max_words: int
    demonyms: dict[str, str] = field(default_factory=dict)

    def starts_with_vowel_sound(self, word: str) -> bool:
        low = word.casefold()
        if any(low.startswith(p) for p in self.vowel_sound_prefixes):
            return True
        if any(low.startswith(p) for p in self.consonant_sound_prefixes):
            return False
        return bool(low) and low[0] in "aeiouàâéèêëîïôöûùüœæ"


def load_language(path: Path) -> Language:
    """Load one ``language.toml``; errors name the file (and line for TOML syntax)."""
    data = _read_toml(path)
    try:
        lang = data["language"]
        code = lang["code"]
        numbers = data.get("numbers", {})
        articles = data.get("articles", {})
        boiler = data.get("boilerplate", {})
        patterns = tuple(
            _compile(path, f"(?i)(?:{p})", "boilerplate.lines") for p in boiler.get("lines", [])
        )
        return Language(
            code=code,
            name=lang.get("name", code),
            path=path,
            stopwords=frozenset(normalize_token(w) for w in lang.get("stopwords", [])),
            abbreviations=frozenset(lang.get("abbreviations", [])),
            decimal=numbers.get("decimal", "."),
            thousands=numbers.get("thousands", ","),
            percent_space=bool(numbers.get("percent_space", False)),
            units=numbers.get("units", "%"),
            space_before=data.get("punctuation", {}).get("space_before", ""),
            before_vowel=dict(articles.get("before_vowel", {})),
            before_consonant=dict(articles.get("before_consonant", {})),
            consonant_sound_prefixes=tuple(articles.get("consonant_sound_prefixes", [])),
            vowel_sound_prefixes=tuple(articles.get("vowel_sound_prefixes", [])),
            acronyms=dict(data.get("untranslated_acronyms", {})),
            acronym_guards=dict(data.get("untranslated_acronym_guards", {})),
            boilerplate=patterns,
            boilerplate_max_words=int(boiler.get("max_words", 25)),
            demonyms=dict(data.get("demonyms", {})),
        )
    except KeyError as exc:
        raise GlossaryError(f"{path}: missing required field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise GlossaryError(f"{path}: {exc}") from None


def _read_toml(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{path}: {exc}") from None


def _compile(path: Path, pattern: str, where: str, line: int | None = None) -> regex.Pattern:
    try:
        return regex.compile(pattern, regex.V0)
    except regex.error as exc:
        loc = f"{path}:{line}" if line else str(path)
        raise GlossaryError(f"{loc}: bad regex in {where}: {exc}") from None


def detect_language(text: str, languages: dict[str, Language], sample: int = 8000) -> str:
    """The code of the language whose stopwords cover most words of ``text``.

    Raises UsageError when no language scores (say --lang).
    """
    words = [normalize_token(m.group()) for m in WORD_RE.finditer(text[:sample])]
    if not words:
        raise UsageError("cannot detect the language of an empty text; pass --lang")
    best, best_score = None, 0.0
    for code, lang in sorted(languages.items()):
        score = sum(1 for w in words if w in lang.stopwords) / len(words)
        if score > best_score:
            best, best_score = code, score
    if best is None or best_score < 0.05:
        raise UsageError("cannot detect the language of the text; pass --lang")
    return best
