"""Morphology components: what differs between languages in how a replacement is inflected.

A language profile names its component (``morphology = "french"`` in ``language.toml``); the
matcher and the fixer ask it, never a hard-coded English rule. A new language whose morphology
is like an existing one reuses it; one whose morphology differs registers a component here
(as spaCy registers language-specific pieces) and names it in its profile::

    @register("german")
    class German(Morphology): ...

A component answers: which plural suffixes a wrong form may carry in the text ("attacks"),
how to pluralise a replacement term, which small words stay lowercase in Title Case, and the
case pattern a replacement takes from the text it replaces.
"""

from __future__ import annotations

from typing import ClassVar

import regex

from .document import WORD_RE

MORPHOLOGIES: dict[str, type["Morphology"]] = {}


def register(name: str):
    """Class decorator: register a morphology component under ``name``."""

    def wrap(cls: type[Morphology]) -> type[Morphology]:
        cls.name = name
        MORPHOLOGIES[name] = cls
        return cls

    return wrap


def get(name: str) -> "Morphology":
    """The component registered under ``name`` (KeyError if there is none)."""
    return MORPHOLOGIES[name]()


class Morphology:
    """Base component, registered as "none": no inflection at all (a safe default for a new
    language: a plural wrong form is then not matched, rather than badly replaced)."""

    name: ClassVar[str] = "none"
    plural_suffixes: ClassVar[tuple[str, ...]] = ()
    small_words: ClassVar[frozenset[str]] = frozenset()

    def stems(self, norm: str) -> list[tuple[str, str]]:
        """A token without a plural suffix ("attacks" -> "attack"), with the suffix."""
        return [(norm[: -len(sfx)], sfx) for sfx in self.plural_suffixes
                if norm.endswith(sfx) and len(norm) > len(sfx) + 2]

    def plural_suffix(self, token: str, form: str) -> str | None:
        """The suffix that makes ``token`` the plural of ``form`` (both normalised), if any."""
        for sfx in self.plural_suffixes:
            if token == form + sfx and not form.endswith(self.plural_suffixes):
                return sfx
        return None

    def pluralizable(self, term: str) -> bool:
        """Whether a plural wrong form may be replaced by this term, pluralised."""
        return False

    def pluralize(self, term: str) -> str:
        return term

    def adapt_case(self, term: str, matched: str) -> str:
        """Give ``term`` the case pattern of ``matched`` (proper nouns keep their capitals)."""
        letters = [c for c in matched if c.isalpha()]
        if len(letters) > 3 and all(c.isupper() for c in letters):
            return term.upper()
        if any(c.isupper() for c in term):
            if matched[:1].isupper() and term[:1].islower():
                return term[:1].upper() + term[1:]
            return term
        if not matched[:1].isupper():
            return term
        small = self.small_words
        words = [w for w in WORD_RE.findall(matched) if w.casefold() not in small]
        if len(words) > 1 and all(w[:1].isupper() for w in words):  # Title Case (small words aside)
            return regex.sub(
                r"(?<![\p{L}\p{N}'’])\p{L}+",
                lambda m: m.group() if m.group() in small else m.group()[:1].upper() + m.group()[1:],
                term,
            )
        return term[:1].upper() + term[1:]


MORPHOLOGIES["none"] = Morphology


@register("english")
class English(Morphology):
    """English: -s/-es plurals on the last word; "a"/"an" handled by the profile's articles."""

    plural_suffixes = ("s", "es")
    small_words = frozenset("a an and as at by for in of on or the to".split())

    def pluralizable(self, term: str) -> bool:
        last = WORD_RE.findall(term)[-1:] or [""]
        return last[0].islower()

    def pluralize(self, term: str) -> str:
        if regex.search(r"(?:s|x|z|ch|sh)$", term):
            return term + "es"
        if regex.search(r"[^aeiou]y$", term):
            return term[:-1] + "ies"
        return term + "s"


# French words after which a noun phrase's head and its adjectives end: "Conseil | de sécurité".
_FR_BREAK = frozenset(
    "à au aux avec chez contre d d’ d' dans de des du en entre et ou par pour sans sous sur vers".split()
)
# -al nouns and adjectives whose plural is -als, -ail and -ou words whose plural is -aux / -oux.
_FR_AL_S = frozenset("bal banal carnaval chacal fatal festival final natal naval récital régal cal".split())
_FR_AIL_AUX = frozenset("bail corail émail soupirail travail vantail vitrail".split())
_FR_OU_X = frozenset("bijou caillou chou genou hibou joujou pou".split())
_FR_EU_S = frozenset("bleu pneu émeu landau sarrau".split())


@register("french")
class French(Morphology):
    """French: -s/-x plurals on the head noun and the adjectives before its complement
    ("Conseil de sécurité" -> "Conseils de sécurité", "frappe aérienne" -> "frappes aériennes");
    hyphenated compounds ("cessez-le-feu") are invariable."""

    plural_suffixes = ("s", "x")
    small_words = frozenset("à au aux d de des du en et l la le les un une".split())

    def _head(self, term: str) -> list[regex.Match]:
        """The words that take the plural: up to the first preposition or conjunction."""
        head = []
        for m in regex.finditer(r"[\p{L}\p{M}]+(?:['’](?=\p{L}))?", term):
            if m.group().casefold() in _FR_BREAK:
                break
            head.append(m)
        return head

    def pluralizable(self, term: str) -> bool:
        head = self._head(term)
        if not head or "-" in term[head[0].start() : head[-1].end()]:
            return False
        return all(not m.group().isupper() for m in head)

    def pluralize(self, term: str) -> str:
        head = self._head(term)
        out, pos = [], 0
        for m in head:
            out.append(term[pos : m.start()])
            out.append(self.plural_word(m.group()))
            pos = m.end()
        out.append(term[pos:])
        return "".join(out)

    @staticmethod
    def plural_word(word: str) -> str:
        low = word.casefold()
        if low.endswith(("s", "x", "z")):
            return word
        if low in _FR_AIL_AUX:
            return word[:-3] + "aux"
        if low.endswith("al") and low not in _FR_AL_S:
            return word[:-2] + "aux"
        if low.endswith(("eau", "au", "eu")) and low not in _FR_EU_S:
            return word + "x"
        if low in _FR_OU_X:
            return word + "x"
        return word + "s"
