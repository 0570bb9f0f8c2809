"""`inflect = "verb"`: an idiom written once is matched in every tense of its leading verb and
replaced in the same tense; a form spelled alike in several tenses takes the tense its
auxiliary shows, or becomes a flag."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup import Cleaner
from cleanup.errors import GlossaryError
from cleanup.morphology import get
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

GLOSSARY = '''
[glossary]
lang = "en"
domain = "t"

[[entry]]
id = "towel"
term = "throw in the towel"
wrong = ["throw in the sponge", "throw the sponge"]
kind = "idiom"
inflect = "verb"
must_fire = ["The candidate threw in the sponge."]
must_not_fire = ["The candidate threw in the towel."]

[[entry]]
id = "bombshell"
term = "drop a bombshell"
wrong = ["cast a cobblestone in the pond"]
kind = "idiom"
inflect = "verb"
must_fire = ["The report will cast a cobblestone in the pond."]
must_not_fire = ["The report dropped a bombshell."]

[[entry]]
id = "chestnuts"
term = "reap the benefits"
wrong = ["pull the chestnuts from the fire"]
kind = "idiom"
inflect = "verb"
must_fire = ["Moscow pulled the chestnuts from the fire."]
must_not_fire = ["Moscow reaped the benefits."]

[[entry]]
id = "plain"
term = "take stock"
wrong = ["make the point on the situation"]
kind = "idiom"
must_fire = ["We will make the point on the situation."]
must_not_fire = ["We will take stock."]
'''


@pytest.fixture(scope="module")
def cleaner(tmp_path_factory):
    path = tmp_path_factory.mktemp("g") / "t.toml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return Cleaner(extra_glossaries=[path], bundled=False, settings=MT)


@pytest.mark.parametrize(("text", "fixed"), [
    ("They throw in the sponge.", "They throw in the towel."),
    ("She throws in the sponge.", "She throws in the towel."),
    ("She threw in the sponge.", "She threw in the towel."),
    ("She has thrown in the sponge.", "She has thrown in the towel."),
    ("She is throwing in the sponge.", "She is throwing in the towel."),
    ("She threw the sponge after the vote.", "She threw in the towel after the vote."),
    # regular verb: past and participle are spelled alike, and so are the terms' ("reaped")
    ("Moscow pulled the chestnuts from the fire.", "Moscow reaped the benefits."),
    ("Moscow has pulled the chestnuts from the fire.", "Moscow has reaped the benefits."),
    ("Moscow is pulling the chestnuts from the fire.", "Moscow is reaping the benefits."),
    # "cast" is present, past and participle: the auxiliary tells which
    ("The report will cast a cobblestone in the pond.", "The report will drop a bombshell."),
    ("The report had cast a cobblestone in the pond.", "The report had dropped a bombshell."),
    ("The report has not cast a cobblestone in the pond.", "The report has not dropped a bombshell."),
    ("The report casts a cobblestone in the pond.", "The report drops a bombshell."),
    ("The report is casting a cobblestone in the pond.", "The report is dropping a bombshell."),
])
def test_every_tense_is_matched_and_replaced_in_the_same_tense(cleaner, text, fixed):
    assert cleaner.fix(text, "en").output == fixed


def test_a_form_of_several_tenses_without_an_auxiliary_is_a_flag(cleaner):
    text = "The report cast a cobblestone in the pond."
    result = cleaner.fix(text, "en")
    assert result.output == text
    (finding,) = result.findings
    assert finding.action == "flag" and finding.entry == "en/t:bombshell"
    assert "cannot be told" in finding.message and "present" in finding.message


def test_without_inflect_only_the_written_form_matches(cleaner):
    assert cleaner.fix("We will make the point on the situation.", "en").output == "We will take stock."
    assert cleaner.fix("We made the point on the situation.", "en").output == "We made the point on the situation."


def test_glossary_examples_check_the_term_in_any_tense(cleaner):
    from cleanup.selftest import check_entry

    for key in ("en/t:towel", "en/t:bombshell", "en/t:chestnuts"):
        assert check_entry(cleaner, cleaner.entry(key), "en") == []


@pytest.mark.parametrize(("term", "wrong", "lang"), [
    ("a bombshell", "a cobblestone", "en"),  # neither starts with a verb
    ("be a boon", "make the fat cabbages", "en"),  # "be" follows its subject: never inflected
    ("jeter l'éponge", "jeter la serviette", "fr"),  # French has no verb inflection component
])
def test_inflect_verb_needs_a_leading_verb_the_language_inflects(tmp_path, term, wrong, lang):
    path = tmp_path / "x.toml"
    path.write_text(f'''[glossary]
lang = "{lang}"
domain = "x"

[[entry]]
id = "e"
term = "{term}"
wrong = ["{wrong}"]
kind = "idiom"
inflect = "verb"
must_fire = ["x"]
must_not_fire = ["y"]
''', encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"x\.toml:\d+: entry 'e': inflect = \"verb\" needs"):
        Cleaner(extra_glossaries=[path], bundled=False).fix("text", lang)


def test_an_unknown_inflect_value_is_a_load_error(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text(GLOSSARY.replace('inflect = "verb"', 'inflect = "verbs"', 1), encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"x\.toml:\d+: inflect 'verbs' is not one of none, verb"):
        Cleaner(extra_glossaries=[path], bundled=False).fix("text", "en")


VERBS = ["throw", "draw", "make", "take", "pull", "sell", "bury", "cast", "put", "run", "pass", "break"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(VERBS), st.sampled_from(["VBZ", "VBD", "VBN", "VBG"]))
def test_english_verb_forms_inflect_only_the_first_word(verb, tag):
    forms = get("english").verb_forms(f"{verb} the chestnuts from the fire")
    assert forms is not None and set(forms) == {"VBZ", "VBD", "VBN", "VBG"}
    assert forms[tag].endswith(" the chestnuts from the fire")
    assert forms[tag].split()[0] != "" and forms[tag].split()[0].isalpha()


def test_bundled_idioms_are_matched_in_other_tenses():
    cleaner = Cleaner(settings=MT)
    out = cleaner.fix("Brazilian producers have drawn the chestnuts from the fire.", "en").output
    assert out == "Brazilian producers have reaped the benefits."
