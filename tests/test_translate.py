"""Retranslator: tokenization, batching, cache, span forcing and splicing."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.translate import DecodeConfig, Hypothesis, Retranslator, SpanItem, SpanResult
from tests.model_fixtures import random_sentences

ROOT = Path(__file__).resolve().parents[1]
SRC = "le chat noir mange la souris"


@pytest.fixture()
def rt(lexicon_model: Path) -> Retranslator:
    return Retranslator(lexicon_model, DecodeConfig(beam_size=4))


def _span(sentence: str, word: str) -> tuple[int, int]:
    start = sentence.index(word)
    return start, start + len(word)


def test_import_is_lazy() -> None:
    code = ("import sys, cleanup.translate, cleanup.models, cleanup.align; "
            "print('ctranslate2' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_decode_config_frozen_and_signature() -> None:
    config = DecodeConfig()
    assert config.as_dict()["beam_size"] == 4 and config.as_dict()["batch_type"] == "tokens"
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.beam_size = 1  # type: ignore[misc]


def test_translate_batch_in_one_call(rt: Retranslator) -> None:
    pairs = random_sentences(12, seed=3)
    out = rt.translate([fr for fr, _ in pairs])
    assert [h[0].text for h in out] == [en for _, en in pairs]
    assert rt.cache_info()["calls"] == 1
    first = out[0][0]
    assert isinstance(first, Hypothesis) and first.tokens[0].startswith("\u2581")
    assert rt.encode_source("le chat") == ["\u2581le", "\u2581chat"]  # config adds </s>


def test_cache_hit(rt: Retranslator) -> None:
    rt.translate([SRC, "la guerre"])
    again = rt.translate([SRC, "la paix"])
    info = rt.cache_info()
    assert info["calls"] == 2 and info["hits"] == 1 and info["misses"] == 3
    assert again[0][0].text == "the cat black eats the mouse"
    rt.translate([SRC], num_hypotheses=2)  # other settings: another key
    assert rt.cache_info()["calls"] == 3


def test_cache_is_bounded(lexicon_model: Path) -> None:
    small = Retranslator(lexicon_model, cache_size=2)
    small.translate(["la guerre", "la paix", "le chat"])
    assert small.cache_info()["entries"] == 2


def test_prefix_and_suppress(rt: Retranslator) -> None:
    hyps = rt.translate([SRC], target_prefixes=[rt.encode_target("the dog")],
                        suppress=[rt.encode_target("mouse")])
    assert hyps[0][0].text.startswith("the dog black eats the ")
    assert "mouse" not in hyps[0][0].text


def test_alternatives(rt: Retranslator) -> None:
    hyps = rt.translate(["le chat"], target_prefixes=[["\u2581the"]], num_hypotheses=3,
                        return_alternatives=True)[0]
    assert [h.text for h in hyps] == ["the cat", "the kitty", "the feline"]


def test_score_prefers_the_translation(rt: Retranslator) -> None:
    good, bad = rt.score([SRC, SRC], ["the cat black eats the mouse",
                                      "the dog black eats the house"])
    assert good > -0.1 and bad < good - 2


def test_retranslate_span_forces_term(rt: Retranslator) -> None:
    src = "ils ne veulent pas voir plus de escalade samedi"
    mt = "They  not want not see more of \u201cclimbing\u201d Saturday."
    result = rt.retranslate_span(src, mt, _span(mt, "climbing"), forced_term="escalation")
    assert isinstance(result, SpanResult)
    assert result.text == "\u201cescalation\u201d" and result.resynced
    fixed = result.apply(mt)
    assert fixed == "They  not want not see more of \u201cescalation\u201d Saturday."
    assert fixed[: result.start] == mt[: result.start]
    assert fixed[result.start + len(result.text):] == mt[result.end:]


def test_splice_takes_words_the_model_changed(rt: Retranslator) -> None:
    mt = "the cat dark eats  the mouse!"
    result = rt.retranslate_span(SRC, mt, _span(mt, "cat"), forced_term="kitty")
    assert (result.text, mt[result.start:result.end]) == ("kitty black", "cat dark")
    assert result.apply(mt) == "the kitty black eats  the mouse!"


def test_unforced_span_bans_artefact_and_lists_alternatives(rt: Retranslator) -> None:
    mt = "the cat black eats the mouse"
    result = rt.retranslate_span(SRC, mt, _span(mt, "cat"))
    assert result.text == "kitty" and result.changed
    assert result.alternatives[0][0] == "feline"
    assert result.apply(mt) == "the kitty black eats the mouse"


def test_retranslate_spans_single_call(rt: Retranslator) -> None:
    mt = "the cat black eats the mouse"
    items = [SpanItem(SRC, mt, _span(mt, "cat"), "feline"),
             SpanItem(SRC, mt, _span(mt, "mouse"), "rat"),
             SpanItem("la guerre", "the war", (4, 7), "conflict")]
    results = rt.retranslate_spans(items)
    assert rt.cache_info()["calls"] == 1
    assert [r.text for r in results] == ["feline", "rat", "conflict"]
    assert results[0].apply(results[1].apply(mt)) == "the feline black eats the rat"  # right to left


def test_span_outside_sentence(rt: Retranslator) -> None:
    with pytest.raises(ValueError, match="outside"):
        rt.retranslate_span(SRC, "the cat", (3, 99), "x")


def test_nllb_span(nllb_model: Path) -> None:
    rt = Retranslator(nllb_model, src="fr", tgt="en")
    mt = "The war and the peace."
    result = rt.retranslate_span("la guerre et la paix", mt, _span(mt, "war"), "conflict")
    assert result.apply(mt) == "The conflict and the peace."
    assert rt.translate(["la guerre du pays"])[0][0].text == "the war of-the country"
