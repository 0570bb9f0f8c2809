"""Language profiles (``glossaries/<code>/language.toml``) and language detection.

A language is data: stopwords for detection, number and punctuation conventions, article
agreement, untranslated pivot acronyms, boilerplate lines, demonyms, and the name of its
morphology component (``cleanup.morphology``). Unknown tables and keys are load errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .datafile import LazyRegex, check_keys, compile_regex, key_line, read_toml
from .document import WORD_RE, normalize_token
from .errors import GlossaryError, UsageError
from .morphology import MORPHOLOGIES, Morphology, get as get_morphology

REGEX_TIMEOUT = 0.25  # seconds; bounds any data-supplied pattern (see Guarantees in README)

SCHEMA: dict[str, dict[str, type] | type] = {
    "language": {"code": str, "name": str, "pivots": list, "stopwords": list,
                 "abbreviations": list, "morphology": str},
    "numbers": {"decimal": str, "thousands": str, "percent_space": bool, "units": str,
                "currency_after": bool, "clock": str, "count_exclude": str},
    "currencies": dict,  # free keys: symbol -> the currency's name in this language ("$" = "dollars")
    "punctuation": {"space_before": str, "quotes": str, "nbsp": str},
    "acronym_plurals": {"countable": list, "after": list},
    "articles": {"before_vowel": dict, "before_consonant": dict,
                 "consonant_sound_prefixes": list, "vowel_sound_prefixes": list},
    "untranslated_acronyms": dict,  # free keys: acronym -> target form
    "untranslated_acronym_guards": dict,  # free keys: acronym or "*" -> guard table
    "boilerplate": {"lines": list, "max_words": int},
    "demonyms": dict,  # free keys: country -> adjective
    "capitals": {"heads": list, "adjective_endings": list, "keep": list},
    "names": {"pivot_first_names": list},
    "untranslated_words": {"read": int, "pivot_at_least": float, "target_below": float, "gap": float,
                           "gap_target_below": float, "min_length": int},
}
GUARD_KEYS = frozenset({"not_before", "not_after", "require_any"})
# [untranslated_words] keys and their defaults, in the order of Language.untranslated.
UNTRANSLATED_DEFAULTS = (("read", 60000), ("pivot_at_least", 2.3), ("target_below", 1.2), ("gap", 0.0),
                         ("gap_target_below", 0.0), ("min_length", 4))


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str, missing: float = 0.0) -> float:
    """wordfreq's Zipf frequency of a word in a language, memoised (the same words recur across
    thousands of wrong forms and matches); ``missing`` without wordfreq."""
    try:
        from wordfreq import zipf_frequency  # read when first asked: never by `--help`
    except ImportError:  # pragma: no cover - a declared dependency
        return missing
    return zipf_frequency(word, lang)


@dataclass(frozen=True)
class Guard:
    """Context that shows an untranslated acronym is right as it is."""

    not_before: LazyRegex | None = None
    not_after: LazyRegex | None = None
    require_any: tuple[str, ...] = ()


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
    acronym_guards: dict[str, Guard]
    boilerplate: tuple[LazyRegex, ...]
    boilerplate_max_words: int
    morphology: Morphology
    demonyms: dict[str, str] = field(default_factory=dict)
    pivots: tuple[str, ...] = ()
    currency_after: bool = False  # "800 millions de dollars" (French) vs "$800 million" (English)
    currencies: dict[str, str] = field(default_factory=dict)
    clock: str = ""  # how this language writes times: "12h" (1:30pm) or "24h" (13 h 30)
    count_exclude: str = ""  # regex of words after which "1,200" may be a decimal (units, currencies)
    quotes: str = ""  # this language's quotation marks, opening then closing ("“”")
    nbsp: str = "\u00a0"  # the space this language puts before ; : ! ? (where it does)
    countable_acronyms: frozenset[str] = frozenset()  # "NGO" -> "several NGOs"
    plural_words: frozenset[str] = frozenset()  # words after which a countable acronym is plural
    # untranslated_word: (pivot words read, least pivot Zipf, target Zipf below which a word is
    # rare here, or a pivot-minus-target gap at least this (0: off) for words below the next
    # Zipf, least length)
    untranslated: tuple[int, float, float, float, float, int] = tuple(d for _, d in UNTRANSLATED_DEFAULTS)
    # title_case_name: heads of names of bodies and titles written in sentence case here, the
    # endings of adjectives that must then be lowercase, and pairs that keep their capitals
    capital_heads: frozenset[str] = frozenset()
    adjective_endings: tuple[str, ...] = ()
    capitals_kept: frozenset[str] = frozenset()
    # name_spelling: given names of the pivot language's people ("Bastien", "Ségolène"), the sign
    # that "Bastien of Villeneuve" is a particle translated as a word
    pivot_first_names: frozenset[str] = frozenset()

    def starts_with_vowel_sound(self, word: str) -> bool:
        low = word.casefold()
        if any(low.startswith(p) for p in self.vowel_sound_prefixes):
            return True
        if any(low.startswith(p) for p in self.consonant_sound_prefixes):
            return False
        return bool(low) and low[0] in "aeiouàâéèêëîïôöûùüœæ"


def load_language(path: Path) -> Language:
    """Load one ``language.toml``; errors name the file and line."""
    data, text = read_toml(path)
    check_keys(data, set(SCHEMA), path, text)
    for table, keys in SCHEMA.items():
        value = data.get(table, {})
        if not isinstance(value, dict):
            raise GlossaryError(f"{path}:{key_line(text, table)}: {table!r} must be a table")
        if isinstance(keys, dict):
            check_keys(value, set(keys), path, text, table)
            for key, kind in keys.items():
                accepted = (int, float) if kind is float else kind  # "gap = 2" is a number too
                if key in value and (not isinstance(value[key], accepted) or isinstance(value[key], bool) is not (kind is bool)):
                    raise GlossaryError(f"{path}:{key_line(text, key, table)}: {table}.{key} must be "
                                        f"a {kind.__name__}")

    def strings(table: str, key: str) -> list[str]:
        values = data.get(table, {}).get(key, [])
        if not all(isinstance(v, str) for v in values):
            raise GlossaryError(f"{path}:{key_line(text, key, table)}: {table}.{key} must hold strings")
        return values

    def mapping(table: str, sub: str | None = None) -> dict[str, str]:
        values = data.get(table, {}) if sub is None else data.get(table, {}).get(sub, {})
        bad = [k for k, v in values.items() if not isinstance(v, str)]
        if bad:
            raise GlossaryError(f"{path}:{key_line(text, bad[0])}: {bad[0]!r} must map to a string")
        return dict(values)

    lang = data.get("language", {})
    if "code" not in lang:
        raise GlossaryError(f"{path}:1: missing required key 'code' in [language]")
    code = lang["code"]
    morph = lang.get("morphology", "none")
    if morph not in MORPHOLOGIES:
        raise GlossaryError(f"{path}:{key_line(text, 'morphology', 'language')}: unknown morphology "
                            f"{morph!r}; registered: {', '.join(sorted(MORPHOLOGIES))}")
    numbers = data.get("numbers", {})
    data.get("articles", {})
    boiler = data.get("boilerplate", {})
    patterns = tuple(
        compile_regex(path, f"(?i)(?:{p})", "boilerplate.lines", key_line(text, "lines", "boilerplate"))
        for p in strings("boilerplate", "lines")
    )
    guards = {}
    for acro, guard in data.get("untranslated_acronym_guards", {}).items():
        line = key_line(text, acro, "untranslated_acronym_guards")
        if not isinstance(guard, dict):
            raise GlossaryError(f"{path}:{line}: guard for {acro!r} must be a table")
        unknown = sorted(set(guard) - GUARD_KEYS)
        if unknown:
            raise GlossaryError(f"{path}:{line}: unknown key {unknown[0]!r} in the guard for {acro!r}; "
                                f"known: {', '.join(sorted(GUARD_KEYS))}")
        rx = {k: compile_regex(path, guard[k], f"guard {acro}.{k}", line)
              for k in ("not_before", "not_after") if k in guard}
        require = guard.get("require_any", [])
        if not isinstance(require, list) or not all(isinstance(w, str) for w in require):
            raise GlossaryError(f"{path}:{line}: require_any for {acro!r} must be a list of strings")
        guards[acro] = Guard(rx.get("not_before"), rx.get("not_after"), tuple(require))
    return Language(
        code=code,
        name=lang.get("name", code),
        path=path,
        stopwords=frozenset(normalize_token(w) for w in strings("language", "stopwords")),
        abbreviations=frozenset(strings("language", "abbreviations")),
        decimal=numbers.get("decimal", "."),
        thousands=numbers.get("thousands", ","),
        percent_space=bool(numbers.get("percent_space", False)),
        units=numbers.get("units", "%"),
        space_before=data.get("punctuation", {}).get("space_before", ""),
        before_vowel=mapping("articles", "before_vowel"),
        before_consonant=mapping("articles", "before_consonant"),
        consonant_sound_prefixes=tuple(strings("articles", "consonant_sound_prefixes")),
        vowel_sound_prefixes=tuple(strings("articles", "vowel_sound_prefixes")),
        acronyms=mapping("untranslated_acronyms"),
        acronym_guards=guards,
        boilerplate=patterns,
        boilerplate_max_words=int(boiler.get("max_words", 25)),
        morphology=get_morphology(morph),
        demonyms=mapping("demonyms"),
        pivots=tuple(strings("language", "pivots")),
        currency_after=bool(numbers.get("currency_after", False)),
        currencies=mapping("currencies"),
        clock=numbers.get("clock", ""),
        count_exclude=numbers.get("count_exclude", ""),
        quotes=data.get("punctuation", {}).get("quotes", ""),
        nbsp=data.get("punctuation", {}).get("nbsp", "\u00a0"),
        countable_acronyms=frozenset(strings("acronym_plurals", "countable")),
        plural_words=frozenset(w.casefold() for w in strings("acronym_plurals", "after")),
        capital_heads=frozenset(strings("capitals", "heads")),
        adjective_endings=tuple(strings("capitals", "adjective_endings")),
        capitals_kept=frozenset(strings("capitals", "keep")),
        pivot_first_names=frozenset(strings("names", "pivot_first_names")),
        untranslated=tuple(data.get("untranslated_words", {}).get(k, d) for k, d in UNTRANSLATED_DEFAULTS),
    )


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
