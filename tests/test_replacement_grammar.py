"""Replacements that fit their sentence (issue 13's wrong corrections, by family): the plural of
a phrase's head, the term's own case, a term's own article after the text's, the number of a
template term after an elided preposition."""

import pytest

from cleanup import Cleaner, Settings
from cleanup.morphology import English

_EN = """\
[glossary]
lang = "en"

[[entry]]
id = "crash"
term = "crash in the peloton"
wrong = ["fall in the peloton", "falls in the peloton"]
plural = false
must_fire = ["A fall in the peloton."]
must_not_fire = ["A crash in the peloton."]

[[entry]]
id = "aam"
term = "air-to-air missile"
wrong = ["air-air missile"]
must_fire = ["It fired air-air missiles."]
must_not_fire = ["It fired air-to-air missiles."]

[[entry]]
id = "disruptors"
term = "endocrine disruptors"
wrong = ["endocrine perturbers", "endocrine perturber", "perturbateurs endocriniens"]
plural = false
must_fire = ["Endocrine perturbers were found."]
must_not_fire = ["Endocrine disruptors were found."]

[[entry]]
id = "board"
term = "board of directors"
wrong = ["council of administration", "councils of administration"]
must_fire = ["The council of administration met."]
must_not_fire = ["The board of directors met."]

[[entry]]
id = "stand-up"
term = "stand up to"
wrong = ["hold head to"]
inflect = "verb"
must_fire = ["They hold head to the giant."]
must_not_fire = ["They stand up to the giant."]

[[entry]]
id = "baleares"
term = "Balearic Islands"
wrong = ["Baléares"]
kind = "place"
must_fire = ["Storms hit Baléares."]
must_not_fire = ["Storms hit the Balearic Islands."]

[[entry]]
id = "boon"
term = "was a boon for"
wrong = ["made the fat cabbage of", "made the fat cabbages of"]
must_fire = ["It made the fat cabbage of the tabloids."]
must_not_fire = ["It was a boon for the tabloids."]

[[entry]]
id = "constance"
term = "Lake Constance"
wrong = ["Lake of Constance"]
kind = "place"
must_fire = ["Boats crossed the Lake of Constance."]
must_not_fire = ["Boats crossed Lake Constance."]

[[entry]]
id = "pm"
term = "prime minister"
wrong = ["Premier Minister"]
must_fire = ["The Premier Minister spoke."]
must_not_fire = ["The prime minister spoke."]
"""

_FR = """\
[glossary]
lang = "fr"

[[entry]]
id = "patrick"
term = "la Saint-Patrick"
pattern = '''\\bSaint\\s+Patrick['’]s\\s+Day\\b'''
gender = "f"
must_fire = ["Dublin fête Saint Patrick's Day."]
must_not_fire = ["Dublin fête la Saint-Patrick."]

[[entry]]
id = "lycee"
term = "lycée"
wrong = ["école haute"]
gender = "m"
number = "s"
must_fire = ["Il entre à l'école haute."]
must_not_fire = ["Il entre au lycée."]

[[entry]]
id = "hcr"
term = "Haut-Commissariat aux réfugiés"
wrong = ["Office du Haut Commissaire pour les Réfugiés"]
gender = "m"
number = "s"
must_fire = ["Selon l'Office du Haut Commissaire pour les Réfugiés, ils sont 300."]
must_not_fire = ["Selon le Haut-Commissariat aux réfugiés, ils sont 300."]

[[entry]]
id = "familier"
term = "au fait des"
pattern = '''(?<=\\bsources\\s+)familières\\s+avec\\s+les\\s+'''
must_fire = ["Des sources familières avec les discussions."]
must_not_fire = ["Des sources au fait des discussions."]

[[entry]]
id = "severement"
term = "grièvement"
wrong = ["sévèrement"]
after = '^\\s+bless'
must_fire = ["Il a été sévèrement blessé."]
must_not_fire = ["Il a été grièvement blessé."]

[[entry]]
id = "decret"
term = "de décret{s}"
pattern = '''\\b[Dd]['’]ordre(?<s>s?)\\s+exécutifs?\\b'''
gender = "m"
must_fire = ["Une dizaine d'ordres exécutifs."]
must_not_fire = ["Une dizaine de décrets."]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("g")
    (folder / "en.toml").write_text(_EN, encoding="utf-8")
    (folder / "fr.toml").write_text(_FR, encoding="utf-8")
    return Cleaner(bundled=False, extra_glossaries=[folder / "en.toml", folder / "fr.toml"],
                   settings=Settings(assume_mt=True))


@pytest.mark.parametrize(("lang", "text", "fixed"), [
    ("en", "Several falls in the peloton marred the stage.", "Several crashes in the peloton marred the stage."),
    ("en", "The councils of administration met.", "The boards of directors met."),
    ("en", "A fall in the peloton marred the stage.", "A crash in the peloton marred the stage."),
    # a verb's -s is not a plural ("stand ups to"): the verb takes the tense
    ("en", "The small country holds head to the giant.", "The small country stands up to the giant."),
    ("en", "The Premier Minister, Michel Barnier, spoke.", "The prime minister, Michel Barnier, spoke."),
    ("en", "Premier Minister Michel Barnier spoke.", "Prime Minister Michel Barnier spoke."),  # a title before a name
    # a place English names with "the": added after a preposition or at a sentence's start
    ("en", "Tourism in Baléares hit a record.", "Tourism in the Balearic Islands hit a record."),
    ("en", "It rained. Baléares drew crowds.", "It rained. The Balearic Islands drew crowds."),
    ("en", "The Baléares tourism board met.", "The Balearic Islands tourism board met."),
    # a hyphenated modifier's preposition is not the phrase's head break ("airs-to-air missile")
    ("en", "The jet carries air-air missiles.", "The jet carries air-to-air missiles."),
    # a wrong form in the singular, beside its plural, takes the term in the singular
    ("en", "Bisphenol A, a known endocrine perturber, was banned.", "Bisphenol A, a known endocrine disruptor, was banned."),
    ("en", "Endocrine perturbers were found in the water.", "Endocrine disruptors were found in the water."),
    ("en", "Perturbateurs endocriniens were found in the water.", "Endocrine disruptors were found in the water."),
    # a clause takes no plural ("was a boons for"), whatever the wrong form's number
    ("en", "The scandal made the fat cabbages of the tabloids.", "The scandal was a boon for the tabloids."),
    # a place English names without "the" takes the text's article away, keeping its capital
    ("en", "Towns on the shores of the Lake of Constance flooded.", "Towns on the shores of Lake Constance flooded."),
    ("en", "The Lake of Constance froze.", "Lake Constance froze."),
    ("en", "Boats crossed Lake of Constance.", "Boats crossed Lake Constance."),
    ("fr", "Il est attendu pour le Saint Patrick's Day.", "Il est attendu pour la Saint-Patrick."),
    ("fr", "Les défilés du Saint Patrick's Day ont commencé.", "Les défilés de la Saint-Patrick ont commencé."),
    ("fr", "Pour Saint Patrick's Day, Dublin défile.", "Pour la Saint-Patrick, Dublin défile."),
    ("fr", "Une centaine d'ordres exécutifs signés depuis janvier.", "Une centaine de décrets signés depuis janvier."),
    # an adverb for an adverb leaves the participle after it as it agrees ("grièvement blessé" was written)
    ("fr", "Deux passantes ont été sévèrement blessées.", "Deux passantes ont été grièvement blessées."),
    # an elided determiner before a consonant, in either apostrophe ("de l'lycée" was left)
    ("fr", "Il sort de l'école haute à midi.", "Il sort du lycée à midi."),
    ("fr", "Elle entre à l'école haute.", "Elle entre au lycée."),
    ("fr", "Le directeur de l’école haute a parlé.", "Le directeur du lycée a parlé."),
    # a pattern that took the space after its words keeps it
    ("fr", "Selon des sources familières avec les discussions, rien.", "Selon des sources au fait des discussions, rien."),
    # an aspirated h takes no elision ("l'Haut-Commissariat" was written)
    ("fr", "Selon l'Office du Haut Commissaire pour les Réfugiés, ils sont 300.",
     "Selon le Haut-Commissariat aux réfugiés, ils sont 300."),
])
def test_replacements_fit_their_sentence(tiny, lang, text, fixed):
    assert tiny.fix(text, lang).output == fixed


def test_an_article_the_sentence_cannot_agree_with_is_a_flag(tiny):
    """"Le Saint Patrick's Day est férié": "la Saint-Patrick est férié" would be wrong."""
    result = tiny.fix("Le Saint Patrick's Day est férié.", "fr")
    assert result.output == "Le Saint Patrick's Day est férié."
    assert [f.action for f in result.findings] == ["flag"]


@pytest.mark.parametrize(("term", "plural"), [
    ("board of directors", "boards of directors"), ("crash in the peloton", "crashes in the peloton"),
    ("refusal to stop", "refusals to stop"), ("earnings per share", "earnings per share"),
    ("shortage", "shortages"), ("competitiveness cluster", "competitiveness clusters"),
    ("company", "companies"), ("bus", "buses"), ("air-to-air missile", "air-to-air missiles"),
    ("mother-in-law", "mothers-in-law"), ("commander-in-chief", "commanders-in-chief"),
    ("state-of-the-art facility", "state-of-the-art facilities"),
    # a head already plural stays ("voting intentionses" was written); -sis takes -ses
    ("voting intentions", "voting intentions"), ("crisis", "crises"), ("refugee crisis", "refugee crises"),
    ("CRS riot police", "CRS riot police"), ("aircraft", "aircraft"),
])
def test_english_plural_of_a_phrase_is_on_its_head(term, plural):
    assert English().pluralize(term) == plural


@pytest.mark.parametrize(("term", "singular"), [
    ("endocrine disruptors", "endocrine disruptor"), ("customs duties", "customs duty"),
    ("compulsory redundancies", "compulsory redundancy"), ("beet growers", "beet grower"),
    # no single regular singular, or several heads: the term is left as it is
    ("news", None), ("series", None), ("means", None), ("mergers and acquisitions", None),
    ("board of directors", None),
])
def test_english_singular_of_a_phrase_is_on_its_head(term, singular):
    assert English().singularize(term) == singular


@pytest.mark.parametrize(("term", "ok"), [
    ("board of directors", True), ("car pound", True), ("was a boon for", False),
    ("is on the rise", False), ("set the powder keg alight", True), ("in favour of", False), ("Lake Constance", False),
])
def test_only_lowercase_noun_phrases_take_a_plural(term, ok):
    assert English().pluralizable(term) is ok


def test_a_replacement_takes_the_documents_apostrophe(tmp_path):
    """Curly where the document writes curly, straight where it writes straight; its own where
    the document shows none (auditors read either as right)."""
    path = tmp_path / "palme.toml"
    path.write_text("""[glossary]
lang = "en"

[[entry]]
id = "palme"
term = "Palme d'Or"
wrong = ["Golden Palm"]
must_fire = ["It won the Golden Palm."]
must_not_fire = ["It won the Palme d'Or."]
""", encoding="utf-8")
    tiny = Cleaner(bundled=False, extra_glossaries=[path], settings=Settings(assume_mt=True))
    assert tiny.fix("Bong’s film won the Golden Palm.", "en").output == "Bong’s film won the Palme d’Or."
    assert tiny.fix("Bong's film won the Golden Palm.", "en").output == "Bong's film won the Palme d'Or."
    assert tiny.fix("The film won the Golden Palm.", "en").output == "The film won the Palme d'Or."
