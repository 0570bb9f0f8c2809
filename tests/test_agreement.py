"""French agreement after a replacement that changes gender or number (issue 13): twenty
sentences, each either corrected into grammatical French (determiners, adjectives and
participles agreeing) or left unchanged with a flag saying why. Never an ungrammatical mix."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanup import Cleaner
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

GLOSSARY = Path(__file__).parent / "data" / "agreement_fr.toml"
FLAG = None  # expected: unchanged, with a flag

CASES = [
    # determiner and adjacent participle / adjectives take the new gender
    ("Le crackdown lancé par le gouvernement a choqué.", "La répression lancée par le gouvernement a choqué."),
    ("Ce crackdown brutal et massif inquiète les ONG.", "Cette répression brutale et massive inquiète les ONG."),
    ("Un crackdown violent a suivi les manifestations.", "Une répression violente a suivi les manifestations."),
    ("Les riots violents ont duré trois jours.", "Les émeutes violentes ont duré trois jours."),
    ("Des riots nocturnes ont touché la banlieue.", "Des émeutes nocturnes ont touché la banlieue."),
    ("Le riot a éclaté dans la nuit.", "L’émeute a éclaté dans la nuit."),
    ("Les tariffs américaines pèsent sur les exportateurs.", "Les droits de douane américains pèsent sur les exportateurs."),
    ("Le leadership actuel refuse de négocier.", "La direction actuelle refuse de négocier."),
    ("Son leadership a été contesté lors du congrès.", FLAG),  # "a été contesté": être, agreement beyond reach
    ("Le leadership du parti a démissionné mardi.", "La direction du parti a démissionné mardi."),
    ("Cette facture controversée a été adoptée.", FLAG),  # "adoptée" later in the sentence
    ("Une facture sur l’immigration, adoptée mardi, durcit les règles.", FLAG),
    ("La facture budgétaire arrive au Sénat lundi.", "Le projet de loi budgétaire arrive au Sénat lundi."),
    ("Le deadline fixé par Bruxelles approche.", "L’échéance fixée par Bruxelles approche."),
    ("Ce deadline européen inquiète les éleveurs.", "Cette échéance européenne inquiète les éleveurs."),
    ("Le crackdown est terminé, selon la police.", FLAG),  # "est terminé" agrees through être
    ("Au riot de dimanche ont succédé des arrestations.", "À l’émeute de dimanche ont succédé des arrestations."),
    ("Du crackdown, il ne reste que des images.", "De la répression, il ne reste que des images."),
    ("Le nouveau crackdown a commencé lundi.", "La nouvelle répression a commencé lundi."),
    ("Les riots ont repris lundi soir.", "Les émeutes ont repris lundi soir."),
]


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner(extra_glossaries=[GLOSSARY], bundled=False, settings=MT)


def test_twenty_sentences():
    assert len(CASES) == 20


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_agreement_or_flag(cleaner, text, expected):
    result = cleaner.fix(text, "fr")
    mine = [f for f in result.findings if f.rule == "glossary"]
    assert mine, "the entry must fire"
    if expected is FLAG:
        assert result.output == text
        assert all(f.action == "flag" and "agreement" in f.message for f in mine), [f.message for f in mine]
    else:
        assert result.output == expected
        assert result.replay() == result.output
        assert cleaner.fix(result.output, "fr").output == result.output  # nothing left to fix
