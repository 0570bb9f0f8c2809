"""A language is data: its profile picks a morphology component; the matcher has no
language-specific rule. Unknown keys in profiles and glossaries are load errors."""

from __future__ import annotations

import textwrap

import pytest

from cleanup import Cleaner, GlossaryError
from cleanup.morphology import MORPHOLOGIES, Morphology, get, register
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)


def test_english_replacement_takes_english_plurals(mt_cleaner):
    r = mt_cleaner.fix("Residents said more hunting planes flew over Kashmir as the military clashes went on.", "en")
    assert "fighter jets" in r.output


@pytest.mark.parametrize(("term", "plural"), [
    ("Conseil de sécurité", "Conseils de sécurité"),
    ("frappe aérienne", "frappes aériennes"),
    ("projet de loi", "projets de loi"),
    ("tribunal", "tribunaux"),
    ("festival", "festivals"),
    ("réseau social", "réseaux sociaux"),
    ("travail", "travaux"),
    ("prix", "prix"),
    ("chef d’État", "chefs d’État"),
])
def test_french_plurals(term, plural):
    assert get("french").pluralize(term) == plural


@pytest.mark.parametrize(("term", "plural"), [
    ("escalation", "escalations"), ("ceasefire", "ceasefires"), ("inquiry", "inquiries"),
    ("tax", "taxes"), ("fighter jet", "fighter jets"),
])
def test_english_plurals(term, plural):
    assert get("english").pluralize(term) == plural


def test_french_hyphenated_compounds_are_invariable():
    fr = get("french")
    assert not fr.pluralizable("cessez-le-feu")
    assert fr.pluralizable("Conseil de sécurité")


def test_french_plural_in_a_french_sentence(tmp_path):
    g = tmp_path / "g.toml"
    g.write_text(textwrap.dedent('''\
        [glossary]
        lang = "fr"
        domain = "test"

        [[entry]]
        id = "conseil-securite"
        term = "Conseil de sécurité"
        wrong = ["Security Council"]
        kind = "institution"
        must_fire = ["Le Security Council se réunit."]
        must_not_fire = ["Le Conseil de sécurité se réunit."]
        '''), encoding="utf-8")
    cleaner = Cleaner(extra_glossaries=[g], bundled=False, settings=MT)
    r = cleaner.fix("Les Security Councils des deux pays se sont réunis lundi.", "fr")
    assert "Les Conseils de sécurité des deux pays" in r.output
    assert "sécurités" not in r.output


def _third_language(tmp_path, morphology="none"):
    base = tmp_path / "langs"
    (base / "de").mkdir(parents=True)
    (base / "de" / "language.toml").write_text(textwrap.dedent(f'''\
        [language]
        code = "de"
        name = "Deutsch"
        morphology = "{morphology}"
        stopwords = ["der", "die", "das", "und", "ist", "nicht", "mit", "den", "von", "zu"]

        [numbers]
        decimal = ","
        thousands = "."
        percent_space = true
        '''), encoding="utf-8")
    (base / "de" / "politik.toml").write_text(textwrap.dedent('''\
        [glossary]
        lang = "de"
        domain = "politik"

        [[entry]]
        id = "sicherheitsrat"
        term = "Sicherheitsrat"
        wrong = ["Sicherheitsberatung"]
        kind = "institution"
        must_fire = ["Die Sicherheitsberatung der UNO tagte."]
        must_not_fire = ["Der Sicherheitsrat der UNO tagte."]
        '''), encoding="utf-8")
    return base


def test_a_third_language_is_data_only(tmp_path):
    cleaner = Cleaner(glossary_dirs=[_third_language(tmp_path)], settings=MT)
    text = "Die Sicherheitsberatung der UNO tagte am Montag und die Lage ist nicht ruhig."
    assert cleaner.detect(text) == "de"
    assert cleaner.fix(text).output.startswith("Die Sicherheitsrat der UNO")
    assert cleaner.fix("Der Anteil stieg auf 7.5 % im Jahr und die Lage ist nicht ruhig.").output.count("7,5") == 1


def test_a_third_language_with_its_own_registered_morphology(tmp_path):
    @register("test-german")
    class TestGerman(Morphology):
        plural_suffixes = ("en",)

        def pluralizable(self, term):
            return True

        def pluralize(self, term):
            return term + "e"

    try:
        cleaner = Cleaner(glossary_dirs=[_third_language(tmp_path, "test-german")], settings=MT)
        out = cleaner.fix("Die Sicherheitsberatungen der UNO tagten und die Lage ist nicht ruhig.").output
        assert out.startswith("Die Sicherheitsrate der UNO tagten")  # the component's plural
    finally:
        MORPHOLOGIES.pop("test-german")


def test_unknown_morphology_is_a_load_error(tmp_path):
    with pytest.raises(GlossaryError, match=r"language.toml:4: unknown morphology 'klingon'"):
        Cleaner(glossary_dirs=[_third_language(tmp_path, "klingon")])


@pytest.mark.parametrize(("snippet", "where"), [
    ('[language]\ncode = "de"\nstopwrods = ["der"]\n', "language.toml:3: unknown key 'stopwrods' in [language]"),
    ('[language]\ncode = "de"\n[numbres]\ndecimal = ","\n', "language.toml:3: unknown key 'numbres'"),
    ('[language]\ncode = "de"\n[numbers]\npercent_space = "yes"\n', "language.toml:4: numbers.percent_space must be a bool"),
    ('[language]\ncode = "de"\n[untranslated_acronym_guards]\nNATO = { not_befor = "x" }\n', "language.toml:4: unknown key 'not_befor'"),
    ('[language]\ncode = "de"\n[untranslated_words]\ngap = "wide"\n', "language.toml:4: untranslated_words.gap must be a float"),
    ('[language]\ncode = "de"\n[capitals]\nheads = "Amt"\n', "language.toml:4: capitals.heads must be a list"),
    ('[language]\ncode = "de"\n[capitals]\nheads = [1]\n', "language.toml:4: capitals.heads must hold strings"),
])
def test_language_profile_typos_are_load_errors(tmp_path, snippet, where):
    """A profile error names the file and line (and loads nothing)."""
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "language.toml").write_text(snippet, encoding="utf-8")
    with pytest.raises(GlossaryError, match=where.replace("[", r"\[").replace("]", r"\]")):
        Cleaner(glossary_dirs=[tmp_path])


@pytest.mark.parametrize(("snippet", "message"), [
    ('[glossary]\nlang = "en"\ndomian = "x"\n', r"g.toml:3: unknown key 'domian' in \[glossary\]"),
    ('[glossary]\nlang = "en"\n[[entry]]\nid = "a"\nterm = "b"\nwrong = ["c"]\nreplace = "b"\n'
     'must_fire = ["c"]\nmust_not_fire = ["b"]\n', r"g.toml:3: unknown field\(s\) replace"),
    ('[glossary]\nlang = "en"\n[[entrys]]\nid = "a"\n', r"g.toml:3: unknown key 'entrys'"),
    ('[glossary]\nlang = ["en"]\n', r"g.toml:1: lang must be a language code"),
    ('entry = [1, 2]\n[glossary]\nlang = "en"\n', r"g.toml:1: an entry must be a table"),
])
def test_glossary_typos_are_load_errors(tmp_path, snippet, message):
    g = tmp_path / "g.toml"
    g.write_text(snippet, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message):
        Cleaner(extra_glossaries=[g])


def _fr_agree(text, wrong, new, gender="", number=""):
    start = text.index(wrong)
    return get("french").agree(text, start, start + len(wrong), new, gender, number, False)


def test_french_function_words_do_not_block_agreement():
    # "de" is no adjective: a verb replacement followed by "de" is applied as it is
    text = "Le porte-parole a décliné de commenter l'information."
    start = text.index("a décliné")
    assert _fr_agree(text, "a décliné", "a refusé") == (start, start + len("a décliné"), "a refusé")


def test_french_epicene_noun_keeps_the_determiner_gender():
    text = "La spokesman américaine a démenti l'information."
    start = text.index("spokesman")
    assert _fr_agree(text, "spokesman", "porte-parole") == (start, start + len("spokesman"), "porte-parole")
    text = "Le spokesman américain a démenti l'information."
    start = text.index("spokesman")
    assert _fr_agree(text, "spokesman", "porte-parole") == (start, start + len("spokesman"), "porte-parole")


def test_french_epicene_plural_without_determiner_gender_takes_the_replaced_word_gender():
    text = "Plusieurs législatrices américaines ont voté contre."
    out = _fr_agree(text, "législatrices", "parlementaires", number="p")
    assert out is not None and "américaines" not in out[2]  # nothing to change, nothing changed
    text = "Plusieurs législateurs américains ont voté contre."
    assert _fr_agree(text, "législateurs", "parlementaires", number="p") is not None


def test_french_words_of_both_genders_do_not_block_a_genderless_replacement():
    text = "Des milliers de personnes ont manifesté à Mexico City dimanche."
    assert _fr_agree(text, "Mexico City", "Mexico") is not None


def test_french_unknown_gender_next_to_a_gendered_word_is_still_unsafe():
    # "tour de vis": no suffix tells its gender, and "Le ... lancé" is gendered
    assert _fr_agree("Le crackdown lancé par la police a fait dix morts.", "crackdown", "tour de vis") is None
    out = _fr_agree("Le crackdown lancé par la police a fait dix morts.", "crackdown", "répression", "f", "s")
    assert out is not None and out[2] == "La répression lancée"


def test_french_conjugated_verb_after_the_span_is_left_alone():
    # "transite" is a verb, not the feminine of "transit": it must not become "transit"
    out = _fr_agree("Le gaz de Turkmenistan transite par la Chine.", "Turkmenistan", "Turkménistan", "m", "s")
    assert out is not None and "transit " not in out[2] and out[2] == "Turkménistan"


def test_french_template_term_filled_in_the_plural_keeps_plural_adjectives():
    out = _fr_agree("Trois soldiers israéliens ont été tués.", "soldiers", "soldats", "m")
    assert out is not None and "israélien " not in out[2]


def test_profile_numbers_may_be_written_without_a_decimal_point(tmp_path):
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "language.toml").write_text(
        '[language]\ncode = "de"\n[untranslated_words]\ngap = 2\npivot_at_least = 3\n', encoding="utf-8")
    lang = Cleaner(glossary_dirs=[tmp_path]).pack("de").language
    assert lang.untranslated[1] == 3 and lang.untranslated[3] == 2
