"""Quotations and passages in another language: what the tool may touch there."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup import Cleaner, Settings
from cleanup.document import Document
from cleanup.regions import foreign, quotes

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)


def test_a_word_level_fix_inside_a_quotation_is_a_flag(cleaner):
    text = '"We fear a military climbing," the minister said.'
    result = cleaner.fix(text, "en")
    assert result.output == text
    assert [(f.entry, f.action, f.evidence.get("protected")) for f in result.findings] == [
        ("en/core:escalation-climbing", "flag", "quotation")]


def test_edit_quotes_lets_the_fix_through():
    text = '"We fear a military climbing," the minister said.'
    result = Cleaner(settings=Settings(assume_mt=True, edit_quotes=True)).fix(text, "en")
    assert result.output == '"We fear a military escalation," the minister said.'


@pytest.mark.parametrize(("text", "fixed"), [
    ('"Growth reached 7,5 % this year," the minister said.', '"Growth reached 7.5% this year," the minister said.'),
    ('"We want a de -escalation," the minister said.', '"We want a de-escalation," the minister said.'),
])
def test_even_typography_inside_a_quotation_is_only_flagged(cleaner, text, fixed):
    result = cleaner.fix(text, "en")
    assert result.output == text
    assert result.findings and all(f.action == "flag" for f in result.findings)
    assert Cleaner(settings=Settings(assume_mt=True, edit_quotes=True)).fix(text, "en").output == fixed


def test_outside_the_quotation_the_fix_applies(mt_cleaner):
    text = 'The military climbing continued, and "we are worried," he said.'
    assert mt_cleaner.fix(text, "en").output.startswith("The military escalation continued")


@pytest.mark.parametrize("text", [
    "Le ministre a dit : « nous sommes prêts à discuter avec eux ». The military climbing continued in the north.",
    "L'OTAN face à la Russie : les alliés sont prêts à répondre. The military climbing continued in the north.",
    "L'OTAN face à la Russie : les alliés sont prêts à répondre.\nThe military climbing continued.",
])
def test_a_french_passage_is_left_alone_and_the_english_around_it_is_fixed(mt_cleaner, text):
    result = mt_cleaner.fix(text, "en")
    french = text.split(" The military")[0].split("\n")[0]
    assert result.output.startswith(french)  # not even the space before ':' changed
    assert "The military escalation continued" in result.output
    assert any("a passage in 'fr'" in n for n in result.notes)


def test_an_english_paragraph_with_a_french_name_is_not_foreign(cleaner):
    text = "The Assemblée nationale voted on Tuesday, and the military climbing continued."
    result = cleaner.fix(text, "en")
    assert "escalation" in result.output and not result.notes


def test_quotes_pair_within_a_paragraph_and_skip_apostrophes():
    doc = Document("He said “yes” and ‘no’, it’s fine.\n\"Open.\nClose\"")
    found = [doc.text[q.start : q.end] for q in quotes(doc)]
    assert found == ["yes", "no"]


def test_straight_single_quotes_pair_and_apostrophes_do_not_open_one():
    doc = Document("Subtitles read 'Neck of the Loze', the riders' coach said it's wrong.\n'90s rock 'n' roll")
    found = [doc.text[q.start : q.end] for q in quotes(doc)]
    assert found == ["Neck of the Loze", "n"]


def test_a_form_alone_in_straight_single_quotes_is_only_flagged(cleaner):
    text = "The subtitles turned it into 'military climbing', and the de -escalation stalled."
    result = cleaner.fix(text, "en")
    assert "'military climbing'" in result.output
    assert [f.action for f in result.findings if f.entry == "en/core:escalation-climbing"] == ["flag"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_regions_never_crash_and_stay_inside_the_text(text):
    cleaner = Cleaner(settings=MT)
    doc = Document(text)
    q = quotes(doc)
    for span, _ in foreign(doc, "en", cleaner.languages, q):
        assert 0 <= span.start < span.end <= len(text)
    for span in q:
        assert 0 <= span.start <= span.end <= len(text)
