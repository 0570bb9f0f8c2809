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

from functools import lru_cache
from typing import ClassVar

import unicodedata

import regex

from .document import WORD_RE, apostrophe_of

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

    def plural_forms(self, word: str) -> list[tuple[str, str]]:
        """(suffix, plural) of a normalised word: the plurals a wrong form may take in a text."""
        if word.endswith(self.plural_suffixes):
            return []
        return [(sfx, word + sfx) for sfx in self.plural_suffixes]

    def plural_suffix(self, token: str, form: str) -> str | None:
        """The suffix that makes ``token`` the plural of ``form`` (both normalised), if any."""
        for sfx, plural in self.plural_forms(form):
            if token == plural:
                return sfx
        return None

    head_breaks: frozenset[str] = frozenset()  # words that end a phrase's head ("of", "de")

    def pluralizable(self, term: str) -> bool:
        """Whether a plural wrong form may be replaced by this term, pluralised."""
        return False

    def pluralize(self, term: str) -> str:
        return term

    def singularize(self, term: str) -> str | None:
        """The term with its plural head made singular, or None (not known here)."""
        return None

    def verb_forms(self, phrase: str) -> dict[str, str] | None:
        """The phrase with its first word, a verb in its base form, inflected: {tag: phrase}
        for the tenses a wrong form may appear in (None when the first word is not a verb
        this component can inflect). No inflection by default."""
        return None

    def agree(self, text: str, start: int, end: int, new: str, gender: str, number: str,
              plural: bool) -> tuple[int, int, str] | None:
        """Words around a replacement that must agree with it: the span and text to write
        instead ([start, end) -> new unchanged when nothing agrees), or None when agreement
        cannot be established (the edit then becomes a flag). No agreement by default."""
        return start, end, new

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


# A term starting with an auxiliary or a copula is a clause, and one ending in a function word
# is not a noun phrase: neither takes a plural.
_EN_CLAUSE_STARTS = frozenset("is was were are be been being am has have had do does did will would can could may might shall should must".split())
_EN_FUNCTION_ENDS = frozenset("a an the to and or but that than as it its their his her".split())


@register("english")
class English(Morphology):
    """English: -s/-es plurals on the last word; "a"/"an" handled by the profile's articles."""

    plural_suffixes = ("s", "es")
    small_words = frozenset("a an and as at by for in of on or the to".split())
    head_breaks = frozenset("of in for per to on at with from by against into under over between among".split())

    def plural_forms(self, word: str) -> list[tuple[str, str]]:
        forms = super().plural_forms(word)
        if regex.search(r"[^aeiou]y$", word):  # "company" -> "companies"
            forms.append(("ies", word[:-1] + "ies"))
        return forms

    def pluralizable(self, term: str) -> bool:
        """A noun phrase in lowercase: not a clause ("was a boon for", "is on the rise") nor a
        phrase ending in a function word."""
        words = WORD_RE.findall(term)
        if not words or not words[-1].islower():
            return False
        return words[0].casefold() not in _EN_CLAUSE_STARTS and words[-1].casefold() not in self.head_breaks | _EN_FUNCTION_ENDS

    def verb_forms(self, phrase: str) -> dict[str, str] | None:
        m = WORD_RE.match(phrase)
        if not m or not m.group().isalpha() or not m.group().islower():
            return None
        forms = _english_verb(m.group())
        if forms is None:
            return None
        return {tag: form + phrase[m.end():] for tag, form in forms.items()}

    def _head(self, term: str):
        """The match of a phrase's head noun: the word before the first preposition after it
        ("board of directors", "crash in the peloton"), else the last word."""
        words = list(regex.finditer(r"[\p{L}\p{M}]+", term))
        head = words[-1] if words else None
        for k, m in enumerate(words[1:], 1):
            # a preposition inside a hyphenated modifier is no break: "air-to-air missile"
            # ("mothers-in-law", "commanders-in-chief": the compound is the noun itself)
            if m.group().casefold() in self.head_breaks and not (
                    term[m.start() - 1] == "-" and " " in term[m.end():].lstrip()):
                return words[k - 1], words
        return head, words

    def singularize(self, term: str) -> str | None:
        """The term with its plural head made singular ("endocrine disruptors" -> "endocrine
        disruptor"), for a wrong form written in the singular; None when the head is not a
        regular plural or the term joins several nouns ("mergers and acquisitions")."""
        head, words = self._head(term)
        if head is None or any(m.group().casefold() in ("and", "or") for m in words):
            return None
        from lemminflect import getLemma  # at compile time only

        word = head.group()
        lemmas = getLemma(word, upos="NOUN")
        if len(lemmas) != 1 or lemmas[0] == word or self.plural_word(lemmas[0]) != word:
            return None  # "series", "news", "means": no single regular singular
        return term[: head.start()] + lemmas[0] + term[head.end():]

    def pluralize(self, term: str) -> str:
        """The head takes the plural: the word before the first preposition after it ("board
        of directors" -> "boards of directors", "crash in the peloton"), else the last word;
        a head already plural ("earnings per share") stays."""
        head, words = self._head(term)
        if head is None:
            return term
        word = head.group()
        if word.endswith("s") and not word.endswith(("ss", "us", "is", "as", "os")):
            return term  # already plural: "earnings per share", "voting intentions" (not "intentionses")
        return term[: head.start()] + self.plural_word(word) + term[head.end():]

    def agree(self, text, start, end, new, gender, number, plural):
        """A place name English writes with "the" ("the Balearic Islands", "the Baltic Sea")
        replacing one that took none after a preposition: "in Baléares" -> "in the Balearic
        Islands"; and one English writes without, replacing one that took it: "the Lake of
        Constance" -> "Lake Constance"."""
        if _EN_NO_THE.match(new):
            the = regex.search(r"(?<![\p{L}])(?:the|The)[ \u00a0]+$", text[max(0, start - 6) : start])
            if the:
                article = the.group()
                return start - len(article), end, (new if article[0] == "t" else new[:1].upper() + new[1:])
            return start, end, new
        if not _EN_NEEDS_THE.search(new) or not new[:1].isupper():
            return start, end, new
        before = regex.search(r"([\p{L}'’]+)[ \u00a0]+$", text[max(0, start - 30) : start])
        if before and before.group(1).casefold() in _EN_PLACE_PREPOSITIONS:
            return start, end, "the " + new
        if regex.search(r"(?:^|[.!?][\"”’']?[ \u00a0]+|\n)$", text[max(0, start - 5) : start]):
            return start, end, "The " + new  # the sentence starts with it
        return start, end, new

    @staticmethod
    def plural_word(word: str) -> str:
        if word.casefold() in _EN_NO_PLURAL:
            return word  # "riot police", "staff", "aircraft"
        if len(word) > 4 and word.endswith("sis"):  # "crisis" -> "crises", "analysis" -> "analyses"
            return word[:-2] + "es"
        if regex.search(r"(?:s|x|z|ch|sh)$", word):
            return word + "es"
        if regex.search(r"[^aeiou]y$", word):
            return word[:-1] + "ies"
        return word + "s"



# Place names English writes with "the", by their last word, and the prepositions after which a
# replacement needs it added ("in Baléares" -> "in the Balearic Islands").
_EN_NEEDS_THE = regex.compile(
    r"^(?!the\b)[\p{Lu}][\p{L}' -]*\b(?:Islands|Isles|Sea|Ocean|Gulf|Channel|Alps|Mountains|Netherlands|Philippines"
    r"|Bahamas|Maldives|Balkans|Caribbean|Mediterranean|Himalayas|Andes|Pyrenees|Dolomites|Riviera|Sahara|Sahel)$")
# Place names English writes without "the": "Lake Constance", "Mount Etna", "Cape Horn".
_EN_NO_THE = regex.compile(r"(?:Lake|Mount|Cape)[ \u00a0]+\p{Lu}")
_EN_PLACE_PREPOSITIONS = frozenset("in to from across of on at into through over near around off via towards toward "
                                   "throughout within beyond".split())

# Penn tags of the inflected verb forms an idiom's wrong form may carry: "throws", "threw",
# "thrown", "throwing" (the base form is the entry's own).
VERB_TAGS = ("VBZ", "VBD", "VBN", "VBG")
# Verbs whose forms follow their subject ("was"/"were") or that are auxiliaries: never inflected.
_NO_INFLECTION = frozenset({"be", "have", "do"})


@lru_cache(maxsize=4096)
def _english_verb(word: str) -> dict[str, str] | None:
    from lemminflect import getAllInflections, getAllLemmas, getInflection  # at compile time only

    low = word.casefold()
    if low in _NO_INFLECTION:
        return None
    if low not in getAllLemmas(low, upos="VERB").get("VERB", ()) or not getAllInflections(low, upos="VERB"):
        return None
    out = {}
    for tag in VERB_TAGS:
        forms = getInflection(low, tag)
        if forms:
            out[tag] = forms[0]
    return out if len(out) == len(VERB_TAGS) else None


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
    head_breaks = _FR_BREAK

    def plural_forms(self, word: str) -> list[tuple[str, str]]:
        forms = super().plural_forms(word)
        if word.endswith("al") and word not in _FR_AL_S:  # "tribunal" -> "tribunaux"
            forms.append(("aux", word[:-2] + "aux"))
        return forms

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

    def agree(self, text, start, end, new, gender, number, plural):
        if not gender and _same_word(text[start:end], new):
            return start, end, new  # a misspelling of the term ("cesser-le-feu"): its gender is the text's
        if not gender and not number and _FR_ADVERB.fullmatch(text, start, end) and _FR_ADVERB.fullmatch(new):
            return _fr_elide(text, start, end, new)  # an adverb for an adverb: nothing agrees with it
        gender = gender or _fr_guess_gender(new)
        done = _fr_agree(text, start, end, new, gender, number, plural)
        return None if done is None else _fr_elide(text, *done)

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


# -- French agreement -------------------------------------------------------------------------

# Determiners and pre-nominal words with their gender ("m"/"f"; "" = either) and number.
_FR_DET = {
    "le": ("m", "s"), "la": ("f", "s"), "l’": ("", "s"), "l'": ("", "s"), "les": ("", "p"),
    "un": ("m", "s"), "une": ("f", "s"), "des": ("", "p"), "du": ("m", "s"), "de la": ("f", "s"),
    "de l’": ("", "s"), "de l'": ("", "s"), "au": ("m", "s"), "à la": ("f", "s"), "à l’": ("", "s"),
    "à l'": ("", "s"), "aux": ("", "p"), "ce": ("m", "s"), "cet": ("m", "s"), "cette": ("f", "s"),
    "ces": ("", "p"), "son": ("m", "s"), "sa": ("f", "s"), "ses": ("", "p"), "mon": ("m", "s"),
    "ma": ("f", "s"), "mes": ("", "p"), "ton": ("m", "s"), "ta": ("f", "s"), "tes": ("", "p"),
    "notre": ("", "s"), "nos": ("", "p"), "votre": ("", "s"), "vos": ("", "p"), "leur": ("", "s"),
    "leurs": ("", "p"), "quel": ("m", "s"), "quelle": ("f", "s"), "aucun": ("m", "s"),
    "aucune": ("f", "s"), "nouveau": ("m", "s"), "nouvel": ("m", "s"), "nouvelle": ("f", "s"),
    "premier": ("m", "s"), "première": ("f", "s"), "dernier": ("m", "s"), "dernière": ("f", "s"),
}
# The form of a determiner for (gender, number, next word starts with a vowel sound).
_FR_DET_FORMS = {
    "le": {("m", "s"): "le", ("f", "s"): "la", "vowel": "l’", "p": "les"},
    "la": {("m", "s"): "le", ("f", "s"): "la", "vowel": "l’", "p": "les"},
    "l’": {("m", "s"): "le", ("f", "s"): "la", "vowel": "l’", "p": "les"},
    "l'": {("m", "s"): "le", ("f", "s"): "la", "vowel": "l'", "p": "les"},
    "les": {("m", "s"): "le", ("f", "s"): "la", "vowel": "l’", "p": "les"},
    "un": {("m", "s"): "un", ("f", "s"): "une", "p": "des"},
    "une": {("m", "s"): "un", ("f", "s"): "une", "p": "des"},
    "du": {("m", "s"): "du", ("f", "s"): "de la", "vowel": "de l’", "p": "des"},
    "de la": {("m", "s"): "du", ("f", "s"): "de la", "vowel": "de l’", "p": "des"},
    "de l’": {("m", "s"): "du", ("f", "s"): "de la", "vowel": "de l’", "p": "des"},
    "de l'": {("m", "s"): "du", ("f", "s"): "de la", "vowel": "de l’", "p": "des"},
    "au": {("m", "s"): "au", ("f", "s"): "à la", "vowel": "à l’", "p": "aux"},
    "à la": {("m", "s"): "au", ("f", "s"): "à la", "vowel": "à l’", "p": "aux"},
    "à l’": {("m", "s"): "au", ("f", "s"): "à la", "vowel": "à l’", "p": "aux"},
    "à l'": {("m", "s"): "au", ("f", "s"): "à la", "vowel": "à l’", "p": "aux"},
    "ce": {("m", "s"): "ce", ("f", "s"): "cette", "vowel_m": "cet", "p": "ces"},
    "cet": {("m", "s"): "ce", ("f", "s"): "cette", "vowel_m": "cet", "p": "ces"},
    "cette": {("m", "s"): "ce", ("f", "s"): "cette", "vowel_m": "cet", "p": "ces"},
    "son": {("m", "s"): "son", ("f", "s"): "sa", "vowel_f": "son", "p": "ses"},
    "sa": {("m", "s"): "son", ("f", "s"): "sa", "vowel_f": "son", "p": "ses"},
    "mon": {("m", "s"): "mon", ("f", "s"): "ma", "vowel_f": "mon", "p": "mes"},
    "ma": {("m", "s"): "mon", ("f", "s"): "ma", "vowel_f": "mon", "p": "mes"},
    "quel": {("m", "s"): "quel", ("f", "s"): "quelle", "p": "quels"},
    "quelle": {("m", "s"): "quel", ("f", "s"): "quelle", "p": "quelles"},
    "aucun": {("m", "s"): "aucun", ("f", "s"): "aucune"},
    "aucune": {("m", "s"): "aucun", ("f", "s"): "aucune"},
    "nouveau": {("m", "s"): "nouveau", ("f", "s"): "nouvelle", "vowel_m": "nouvel", "p": None},
    "nouvel": {("m", "s"): "nouveau", ("f", "s"): "nouvelle", "vowel_m": "nouvel", "p": None},
    "nouvelle": {("m", "s"): "nouveau", ("f", "s"): "nouvelle", "vowel_m": "nouvel", "p": None},
    "premier": {("m", "s"): "premier", ("f", "s"): "première", "p": None},
    "première": {("m", "s"): "premier", ("f", "s"): "première", "p": None},
    "dernier": {("m", "s"): "dernier", ("f", "s"): "dernière", "p": None},
    "dernière": {("m", "s"): "dernier", ("f", "s"): "dernière", "p": None},
}
_FR_DET_RE = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(" + "|".join(sorted((regex.escape(d) for d in _FR_DET), key=len, reverse=True))
    + r")(?:(?<=['’])|[ \u00a0]+)$")
# A term's own article ("la Saint-Patrick").
_FR_OWN_ARTICLE_RE = regex.compile(r"(?i)(le|la|les|l['’])(?:(?<=['’])|[ \u00a0]+)(?=\p{L})")
_PRENOMINAL = frozenset({"nouveau", "nouvel", "nouvelle", "premier", "première", "dernier", "dernière"})
# Masculine -> feminine endings, tried in order (the first known form wins).
_FR_FEM = (("eux", "euse"), ("teur", "trice"), ("eur", "euse"), ("eur", "eure"), ("if", "ive"), ("er", "ère"),
           ("el", "elle"), ("eil", "eille"), ("en", "enne"), ("on", "onne"), ("et", "ète"), ("et", "ette"),
           ("c", "que"), ("c", "che"), ("g", "gue"), ("", "e"))
_FR_VOWEL = "aeiouyàâäéèêëîïôöûùüœæh"
# Words with an aspirated h (no elision: "le Haut-Commissariat", "de Hambourg"), by their start.
_FR_H_ASPIRE = tuple("""hache haie haine hall halte hamac hamas hambourg hameau hamburger hanche handicap
hangar hanter harcel harcèl hardi hareng haricot harpe hasard hâte haut hausse havre hennir hernie héron
héros hêtre hezbollah hibou hiérarch hisse hockey hollande homard hongr honte hoquet hors houle housse
hublot hue huit hurl hutte""".split())


def _fr_vowel_sound(word: str) -> bool:
    """Whether a French word starts with a vowel sound (elision: "l'école", "l'hôpital"; not
    "le Haut-Commissariat")."""
    low = word[:1].casefold()
    if low != "h":
        return bool(low) and low in _FR_VOWEL
    return not word.casefold().startswith(_FR_H_ASPIRE)
_SENTENCE_END = regex.compile(r"[.!?;]\s")
_FR_AVOIR = frozenset("a ont avait avaient aura auront aurait auraient ayant avoir eu as avons avez".split())


def _fr_lexicon():
    import simplemma  # French lemma dictionary: validates every inflected form it writes

    return simplemma


def _fr_known(word: str, lemma_of: str) -> bool:
    """A known word of the same lemma as the other (the dictionary may read an adjective's
    feminine as a verb form: "violente" -> "violenter" beside "violent")."""
    if word in _FR_CLOSED or lemma_of in _FR_CLOSED:
        return False
    sm = _fr_lexicon()
    if not sm.is_known(word, lang="fr"):
        return False
    a, b = sm.lemmatize(word, lang="fr"), sm.lemmatize(lemma_of, lang="fr")
    return len({_fr_root(a), _fr_root(b), _fr_root(word) if word == a else _fr_root(a)}) == 1


def _fr_root(lemma: str) -> str:
    """A lemma with a verb's or its past participle's ending off: "fixer", "fixé" -> "fix";
    "violenter", "violent" -> "violent" (the dictionary reads some forms as either)."""
    for ending in ("er", "é"):
        if lemma.endswith(ending) and len(lemma) > len(ending) + 2:
            return lemma[: -len(ending)]
    return lemma


# Closed-class words (prepositions, conjunctions, adverbs, pronouns): they never agree.
_FR_CLOSED = frozenset("""dans sans sous sur pour par avec entre vers chez contre depuis pendant avant après
selon malgré outre dès hors parmi très plus moins bien mal aussi encore déjà toujours jamais souvent
puis donc mais ou et ni car quand comme lorsque puisque si que qui quoi dont où ici là hier demain
aujourd'hui tôt tard ensemble alors ainsi trop peu assez tant tout tous toutes rien personne chacun
chacune certains certaines plusieurs lui elle elles eux nous vous ils leur leurs notre nos votre vos
se ses son sa mes mon ma tes ton ta ces cet cette ce ne pas plus point guère
de du des qu à au aux en le la les un une il on y lors même mêmes autre autres durant toute""".split())


def _fr_inflect(word: str, gender: str, number: str) -> str | None:
    """``word`` (an adjective or participle) in the given gender and number, a form the lexicon
    knows with the same lemma; None when no such form exists (the word does not inflect)."""
    low = word.casefold()
    stem = low
    if low.endswith(("s", "x")) and len(low) > 3:
        singular = low[:-3] + "al" if low.endswith("aux") else low[:-1]
        if _fr_known(singular, low):
            stem = singular
    masc = stem
    for m_end, f_end in _FR_FEM:
        if f_end and stem.endswith(f_end) and len(stem) > len(f_end) + 1:
            cand = stem[: len(stem) - len(f_end)] + m_end
            if cand != stem and _fr_known(cand, low):
                masc = cand
                break
    if gender == "f":
        forms = [masc] if masc.endswith("e") and not masc.endswith(("é", "ée")) else []
        forms += [masc[: len(masc) - len(m)] + f for m, f in _FR_FEM if masc.endswith(m)]
        base = next((f for f in forms if _fr_known(f, low)), None)
    else:
        base = masc if _fr_known(masc, low) else None
    if base is None:
        return None
    if number == "p" and not base.endswith(("s", "x", "z")):
        plural = base[:-2] + "aux" if base.endswith("al") and gender != "f" else base + "s"
        base = plural if _fr_known(plural, low) else None
    if base is None:
        return None
    return base if word[:1].islower() else base[:1].upper() + base[1:]


def _fr_features(word: str) -> set[tuple[str, str]]:
    """The (gender, number) pairs ``word`` can have as an adjective or participle; empty for a
    word that does not inflect for gender (an adverb, a noun, a verb form, a function word)."""
    low = word.casefold()
    if low in _FR_CLOSED:
        return set()
    # A conjugated verb ("augmente", "transite", "coûte") is no adjective: its lemma is an
    # infinitive and it has no participle ending (the lexicon would otherwise tie it to a noun).
    lemma = _fr_lexicon().lemmatize(low, lang="fr")
    if lemma != low and lemma.endswith("er") and not low.endswith(("é", "ée", "és", "ées", "ère", "ères")):
        return set()
    if lemma != low and lemma.endswith("ir") and not low.endswith(("i", "ie", "is", "ies", "it", "ite", "its", "ites")):
        return set()
    masc, fem = _fr_inflect(low, "m", "s"), _fr_inflect(low, "f", "s")
    if masc is None or fem is None:
        return set()
    return {(g, n) for g in "mf" for n in "sp" if (_fr_inflect(low, g, n) or "") == low}


# Nouns of either gender: the determiner in the text says which ("le/la ministre").
_FR_EPICENE = frozenset(
    "ministre secrétaire porte-parole juge responsable parlementaire partenaire secouriste maire chef "
    "guide diplomate membre élève collègue journaliste vice-ministre vice-premier bourgmestre".split())


def _fr_epicene(term: str) -> bool:
    words = [w.casefold() for w in regex.findall(r"[\p{L}’'-]+", term)]
    head = next((w for w in words if w not in _FR_BREAK and w not in _FR_DET), "")
    head = head[:-1] if head.endswith("s") and head[:-1] in _FR_EPICENE else head
    return head in _FR_EPICENE or head.endswith("iste")


# Quantifiers and adjectives that come before the determiner or the noun and agree with it.
_FR_PRENOMINAL_FORMS = frozenset("""tout toute tous toutes nouveau nouvel nouvelle nouveaux nouvelles
premier première premiers premières dernier dernière derniers dernières certains certaines
nombreux nombreuses divers diverses différents différentes quelques autres mêmes seuls seules
grand grande grands grandes petit petite petits petites gros grosse bon bonne bons bonnes
mauvais mauvaise mauvaises beau bel belle beaux belles vieux vieil vieille vieilles""".split())
_FR_PART_M = ("é", "és", "i", "is", "u", "us", "it", "its", "ert", "erts", "ort", "orts", "eint", "eints", "ait", "aits", "is")
_FR_PART_F = ("ée", "ées", "ie", "ies", "ue", "ues", "ite", "ites", "erte", "ertes", "orte", "ortes", "einte", "eintes", "aite", "aites", "ise", "ises")
_FR_QUANT = {"tout": ("m", "s"), "toute": ("f", "s"), "tous": ("m", "p"), "toutes": ("f", "p")}


def _fr_guess_features(low: str) -> tuple[str, str]:
    """(gender, number) an adjective shows by its ending alone ("nouveaux", "grandes")."""
    fem = low.endswith(("e", "es", "elle", "elles")) and not low.endswith(("eaux", "eux"))
    return ("f" if fem else "m", "p" if low.endswith(("s", "x")) else "s")


def _fr_agrees_with(word: str, old: tuple[str, str], new: tuple[str, str]) -> bool:
    """Whether ``word`` (an adjective or participle, if it is one) shows the old noun's gender
    and number and not the new one's: the lexicon when it knows the word, else its ending
    (participles of -er/-ir/-re verbs, adjectives whose feminine adds -e). Errs towards yes."""
    low = word.casefold()

    def was(g: tuple[str, str]) -> bool:  # an unknown old number ("") matches either
        return g[0] == old[0] and (not old[1] or g[1] == old[1])

    if low in _FR_QUANT:
        return was(_FR_QUANT[low]) and _FR_QUANT[low] != new
    feats = _fr_features(low)
    if feats:
        return any(was(f) for f in feats) and new not in feats
    if low in _FR_CLOSED or low.endswith(("ent", "ont", "ais", "ait", "aient", "ez", "ons", "ment")):
        return False  # verbs, adverbs, function words
    lemma = _fr_lexicon().lemmatize(low, lang="fr")
    if lemma == low and not low.endswith(("s", "x")):
        return False  # an uninflected form: masculine singular at most, no evidence
    if lemma.endswith(("er", "ir", "re", "oir")) and lemma != low:  # a participle?
        if low.endswith(_FR_PART_F):
            guess = ("f", "p" if low.endswith("s") else "s")
        elif low.endswith(_FR_PART_M):
            guess = ("m", "p" if low.endswith("s") and not lemma.endswith("s") else "s")
        else:
            return False
    elif lemma != low:  # an adjective: "chers", "massives", "nouveaux"
        fem = low.endswith(("e", "es")) and not lemma.endswith("e")
        guess = ("f" if fem else "m", "p" if low.endswith(("s", "x")) and not lemma.endswith(("s", "x")) else "s")
    else:
        return False
    return was(guess) and guess != new


# Words that elide before a vowel sound: "d'embezzlement" -> "de détournement", "de Israël" -> "d'Israël".
_FR_ELIDED = {"d": "de", "qu": "que", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque"}
_FR_ELIDED_RE = regex.compile(r"(?i)(?<![\p{L}])(" + "|".join(_FR_ELIDED) + r")(['’])$")
_FR_FULL_RE = regex.compile(r"(?i)(?<![\p{L}])(de|que|jusque|lorsque|puisque)[ \u00a0]+$")


def _fr_head_word(phrase: str) -> str:
    """The first word of a phrase that is not a determiner or a preposition, elision removed
    ("d'ordres exécutifs" -> "ordres", "de décrets" -> "décrets")."""
    for word in regex.findall(r"[\p{L}’'-]+", phrase):
        word = regex.sub(r"^\p{L}{1,5}['’](?=\p{L})", "", word)
        if word.casefold() not in _FR_DET and word.casefold() not in _FR_BREAK:
            return word
    return ""


def _fr_elide(text: str, lo: int, hi: int, out: str) -> tuple[int, int, str]:
    """The elided word before a replacement made to fit its first sound: "d'" before a
    consonant becomes "de ", "de " before a vowel "d'" (in the document's apostrophe)."""
    head = out[:1].casefold()
    if not head.isalpha():
        return lo, hi, out
    vowel = _fr_vowel_sound(out)
    before = text[max(0, lo - 10) : lo]
    # a term with its own article after "à"/"de": "classé à l'héritage mondial" -> "classé au
    # patrimoine mondial" ("à le" and "de le" are never written before a noun)
    if (article := _FR_TERM_ARTICLE.match(out)) and (prep := _FR_CONTRACTING_RE.search(before)):
        word = _FR_CONTRACTED[(prep.group(1).casefold(), article.group(1).casefold())]
        word = word if prep.group(1)[:1].islower() else word[:1].upper() + word[1:]
        return lo - len(prep.group(0)), hi, word + out[article.end(1):]
    if not vowel and (m := _FR_ELIDED_RE.search(before)):
        full = _FR_ELIDED[m.group(1).casefold()]
        full = full if m.group(1)[:1].islower() else full[:1].upper() + full[1:]
        return lo - len(m.group(0)), hi, full + " " + out
    if vowel and head != "h" and (m := _FR_FULL_RE.search(before)):  # "de Hambourg": h aspiré
        apostrophe = apostrophe_of(text) or "’"
        return lo - len(m.group(0)), hi, m.group(1)[:-1] + apostrophe + out
    return lo, hi, out


_EN_NO_PLURAL = frozenset("police staff personnel aircraft cattle livestock equipment sheep fish deer offspring "
                          "headquarters software hardware information advice evidence research".split())
_FR_ADVERB = regex.compile(r"(?i)\p{L}+ment")  # "sévèrement" -> "grièvement"
_FR_TERM_ARTICLE = regex.compile(r"(?i)(le|les)[ \u00a0]")
_FR_CONTRACTING_RE = regex.compile(r"(?<![\p{L}])(à|À|de|De)[ \u00a0]+$")
_FR_CONTRACTED = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


_FR_ETRE_PARTICIPLE = regex.compile(
    r"(?<![\p{L}])(?:est|sont|était|étaient|sera|seront|serait|seraient|fut|furent|soit|soient|été)\s+"
    r"(\p{Ll}{3,}(?:ées?|ues?|ies?|és|us|is))(?![\p{L}])")


def _fr_later_agreement(rest: str, agrees, word: str) -> bool:
    """Whether a word of ``rest`` (the sentence after the replacement) matching the pattern
    ``word`` agrees with the old noun, by ``agrees``; a participle after "avoir" agrees with no
    subject, a word after a determiner is another noun, and the word after that its adjective."""
    for m in regex.finditer(r"(?<![\p{L}’'])(" + word + r")(?![\p{L}])", rest):
        before = [w.casefold().replace("'", "’") for w in regex.findall(r"\p{L}+[’']?", rest[: m.start()])[-2:]]
        if before and (before[-1] in _FR_AVOIR or before[-1] in _FR_DET):
            continue
        if len(before) == 2 and before[0] in _FR_DET and not regex.search(r"[^\p{L}\s]\s*$", rest[: m.start()]):
            continue  # "un géant européen": the adjective of another noun
        if agrees(m.group(1)):
            return True
    return False


def _fr_agree(text, start, end, new, gender, number, plural):
    """French agreement: a replacement's determiner, adjectives and participles take its gender
    and number ("Le crackdown lancé" -> "La répression lancée"); None where the words that agree
    cannot be established (a participle later in the clause, an unknown gender)."""
    if True:
        det = _FR_DET_RE.search(text[max(0, start - 12) : start])
        own = _FR_OWN_ARTICLE_RE.match(new)
        if det and own and det.group(1).casefold() in _FR_DET_FORMS:
            # The term brings its own article ("la Saint-Patrick") after the text's ("pour le
            # Saint Patrick's Day"): the text's determiner takes the term's gender instead.
            new = new[own.end():]
        if not gender and det and det.group(1).casefold() in _PRENOMINAL and _fr_epicene(new):
            gender = _FR_DET.get(det.group(1).casefold(), ("", ""))[0]  # "le nouveau ministre"
        if det and det.group(1).casefold() in _PRENOMINAL:  # "le nouveau crackdown": both words agree
            word_start = start - len(det.group(0))
            inner = _fr_agree(text, word_start, start + (end - start), text[word_start:start] + new, gender, number, plural)
            outer_det = _FR_DET_RE.search(text[max(0, word_start - 8) : word_start])
            if outer_det is None or outer_det.group(1).casefold() in _PRENOMINAL:
                return inner
            adjective = _FR_DET_FORMS[det.group(1).casefold()]
            want = adjective.get((gender, "s")) if not plural else None
            if want is None:
                return None
            lo, hi, out = _fr_agree(text, word_start, end, want + " " + new, gender, number, plural) or (None, None, None)
            if lo is None:
                return None
            if det.group(1)[:1].isupper():
                out = out[:1].upper() + out[1:]
            return lo, hi, out
        new_number = "p" if plural else (number or "")
        if not new_number:  # a template term ("soldat{s}") filled in the plural: both words end in -s/-x
            heads = [_fr_head_word(t) for t in (text[start:end], new)]
            sm = _fr_lexicon()  # "soldats" is "soldat" in the plural; "procès", "processus" are singular
            if all(h.casefold().endswith(("s", "x")) and len(h) > 3 and sm.is_known(h.casefold()[:-1], lang="fr")
                   for h in heads):
                new_number = "p"
        old_gender, old_number = _FR_DET.get(det.group(1).casefold(), ("", "")) if det else ("", "")
        if plural:
            old_number = "p"
        # Words right after the replaced span that agree with it (adjectives, participles).
        after = []
        pos = end
        for _ in range(3):
            m = regex.match(r"([ \u00a0]+(?:et[ \u00a0]+)?)([\p{L}’'-]+)", text[pos:])
            if not m or not m.group(2)[:1].islower():
                break
            feats = _fr_features(m.group(2))
            if not feats:
                break
            after.append((pos + m.start(2), pos + m.end(2), m.group(2), feats))
            pos += m.end()
        if not gender and _fr_epicene(new):
            # An epicene noun ("ministre", "porte-parole") takes the gender its determiner shows
            # (before the span, or inside it when the span carries its own determiner); in the
            # plural without one, the gender of the replaced word, else the generic masculine.
            lead = _FR_DET_RE.search(new.split(" ", 1)[0] + " ")
            inner = _FR_DET.get(lead.group(1).casefold(), ("", ""))[0] if lead else ""
            gender = old_gender or inner
            if inner and not old_gender:
                old_gender = inner
            if not gender and (plural or new_number == "p" or old_number == "p"):
                old = text[start:end].casefold()
                gender = "f" if old.endswith(("ices", "elles", "ées", "ères", "ennes", "euses")) else "m"
                old_gender = old_gender or gender
        if not gender:
            # Words that read the same in both genders ("britannique", or a noun the lexicon
            # takes for an adjective) agree with anything: only a gendered one is unsafe.
            gendered_after = any(len({g for g, _ in feats}) == 1 for *_, feats in after)
            if (old_gender and det) or gendered_after:
                return None  # a gendered context, and the replacement's gender is not known
            return start, end, new
        target = (gender, new_number or old_number or "s")
        changes = []
        if det:
            d = det.group(1)
            forms = _FR_DET_FORMS.get(d.casefold())
            if forms is not None:
                vowel = _fr_vowel_sound(new)
                want = forms.get("p") if target[1] == "p" else forms.get(target)
                if target[1] == "s" and vowel:
                    want = forms.get("vowel", forms.get(f"vowel_{gender}", want))
                if want is None:
                    return None
                if want != d.casefold():
                    want = want if d[:1].islower() else want[:1].upper() + want[1:]
                    if "'" in d:  # the document's apostrophe, not ours
                        want = want.replace("’", "'")
                    if d.endswith(("'", "’")) and not want.endswith(("'", "’")):
                        want += " "  # "L'enseignant" -> "Le directeur"
                    changes.append((start - len(det.group(0)), start - len(det.group(0)) + len(d), want))
        for a, b, word, feats in after:
            if not any(f[1] == old_number or not old_number for f in feats):
                break
            if target in feats:
                continue
            form = _fr_inflect(word, *target)
            if form is None:
                return None
            changes.append((a, b, form))
        # A participle or adjective further on in the sentence may agree with the old noun: then
        # its agreement cannot be established here.
        rest = text[pos : pos + 200]
        stop = _SENTENCE_END.search(rest)
        rest = rest[: stop.start()] if stop else rest
        old_target = (old_gender or ("f" if gender == "m" else "m"), old_number or "s")
        if old_gender and old_target != target:  # a word later on may agree with the old noun
            old_target = (old_target[0], old_number)  # "" when the text does not show it
            if _fr_later_agreement(rest, lambda w: _fr_agrees_with(w, old_target, target), r"\p{Ll}{3,}"):
                return None
        elif old_target[0] != gender:  # the old noun's gender unknown: participles only
            def agrees(w):
                feats = _fr_features(w)
                return old_target in feats and target not in feats
            if _fr_later_agreement(rest, agrees, r"\p{Ll}{3,}(?:ée?s?|ie?s?|ue?s?|te?s?|ve?s?|se?s?)"):
                return None
            # a participle after "être" the lexicon does not know shows its agreement by its
            # ending: "Les drogues ... sont devenues" (the subject's old gender shows)
            for m in _FR_ETRE_PARTICIPLE.finditer(rest):
                if not _fr_features(m.group(1)) and _fr_guess_features(m.group(1).casefold()) == old_target != target:
                    return None

        # Words before the determiner that agree with the noun ("tous les", "de nouveaux") and
        # do not show the replacement's gender and number: not rewritten here, so a flag.
        lead = start - (len(det.group(0)) if det else 0)
        for word in regex.findall(r"[\p{L}’']+", text[max(0, lead - 40) : lead])[-1:]:
            low = word.casefold()
            if low in _FR_PRENOMINAL_FORMS and low not in _FR_DET:
                shown = {_FR_QUANT[low]} if low in _FR_QUANT else _fr_features(low) or {_fr_guess_features(low)}
                if target not in shown:
                    return None
        if not changes:
            return start, end, new
        lo = min(start, *(c[0] for c in changes))
        hi = max(end, *(c[1] for c in changes))
        pieces, cursor = [], lo
        for a, b, form in sorted(changes + [(start, end, new)]):
            pieces.append(text[cursor:a])
            pieces.append(form)
            cursor = b
        pieces.append(text[cursor:hi])
        out = "".join(pieces).replace("’ ", "’").replace("' ", "'")
        mark = apostrophe_of(text)  # the document's apostrophe, not ours
        if mark is not None:
            out = out.replace("’", mark).replace("'", mark)
        return lo, hi, out


# Suffixes that give a French noun's gender with (almost) no exception: used when a glossary
# entry does not say the gender of its term.
_FR_FEMININE_SUFFIXES = ("tion", "sion", "xion", "ité", "ance", "ence", "ure", "ade", "ette", "esse", "ée", "ise")
_FR_MASCULINE_SUFFIXES = ("ment", "isme", "oir", "age", "eau", "at", "et")
_FR_SUFFIX_EXCEPTIONS = frozenset("image page plage cage rage nage eau peau silence chute ouvrage".split())


def _fr_guess_gender(term: str) -> str:
    words = regex.findall(r"[\p{L}’'-]+", term)
    head = next((w.casefold() for w in words if w.casefold() not in _FR_BREAK), "")
    if not head or head in _FR_SUFFIX_EXCEPTIONS:
        return ""
    if head.endswith(_FR_FEMININE_SUFFIXES):
        return "f"
    if head.endswith(_FR_MASCULINE_SUFFIXES):
        return "m"
    return ""


def _same_word(old: str, new: str) -> bool:
    """Whether a replacement respells the same word (its head shares a long prefix, accents
    aside): then it keeps the gender and number the text gives it."""
    def head(text: str) -> str:
        words = regex.findall(r"[\p{L}\p{M}]+", unicodedata.normalize("NFD", text.casefold()))
        return "".join(c for c in (words[0] if words else "") if not unicodedata.combining(c))

    a, b = head(old), head(new)
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    return prefix >= 5 and prefix >= 0.6 * min(len(a), len(b))
