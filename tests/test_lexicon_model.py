"""The lexicon test model: a real CTranslate2 Transformer with known outputs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from cleanup.models import detect_layout
from cleanup.testing.lexicon_model import build_model, parse_lexicon
from cleanup.translate import DecodeConfig, Retranslator
from tests.model_fixtures import LEXICON_TSV, lexicon, random_sentences

ROOT = Path(__file__).resolve().parents[1]


def _raw_translate(model: Path, sentences: list[str], **kwargs: object) -> list[list[list[str]]]:
    source = spm.SentencePieceProcessor(model_file=str(model / "source.spm"))
    translator = ctranslate2.Translator(str(model), compute_type=kwargs.pop("compute_type", "default"))
    tokens = [source.encode(s, out_type=str) for s in sentences]
    return [r.hypotheses for r in translator.translate_batch(tokens, **kwargs)]


def _decode(model: Path, pieces: list[str]) -> str:
    target = spm.SentencePieceProcessor(model_file=str(model / "target.spm"))
    return target.decode_pieces(pieces)


@pytest.mark.parametrize("beam_size,compute_type", [(1, "default"), (4, "default"), (4, "int8"),
                                                    (1, "int8")])
def test_word_for_word(lexicon_model: Path, beam_size: int, compute_type: str) -> None:
    pairs = random_sentences(20)
    out = _raw_translate(lexicon_model, [fr for fr, _ in pairs], beam_size=beam_size,
                         compute_type=compute_type)
    assert [_decode(lexicon_model, h[0]) for h in out] == [en for _, en in pairs]


def test_layout_files(lexicon_model: Path) -> None:
    names = sorted(p.name for p in lexicon_model.iterdir())
    assert names == ["config.json", "model.bin", "source.spm", "source_vocabulary.json",
                     "target.spm", "target_vocabulary.json"]


def test_target_prefix_honoured(lexicon_model: Path) -> None:
    out = _raw_translate(lexicon_model, ["le chat noir mange la souris"], beam_size=4,
                         target_prefix=[["▁the", "▁dog"]])
    assert _decode(lexicon_model, out[0][0]) == "the dog black eats the mouse"


def test_alternatives_follow_ranking(lexicon_model: Path) -> None:
    out = _raw_translate(lexicon_model, ["le chat noir"], beam_size=4, target_prefix=[["▁the"]],
                         return_alternatives=True, num_hypotheses=3)
    assert [_decode(lexicon_model, h) for h in out[0]] == [
        "the cat black", "the kitty black", "the feline black"]
    assert lexicon()["chat"] == ["cat", "kitty", "feline"]


def test_nbest_scores_ordered(lexicon_model: Path) -> None:
    rt = Retranslator(lexicon_model, DecodeConfig(beam_size=4))
    hyps = rt.translate(["le chat noir"], num_hypotheses=3)[0]
    assert [h.text for h in hyps] == ["the cat black", "the cat dark", "the kitty black"]
    assert hyps[0].score > hyps[1].score > hyps[2].score


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    for layout in ("opus", "nllb"):
        a = build_model(LEXICON_TSV, tmp_path / f"a-{layout}", layout=layout)
        b = build_model(LEXICON_TSV, tmp_path / f"b-{layout}", layout=layout)
        files = sorted(p.name for p in a.iterdir())
        assert files == sorted(p.name for p in b.iterdir())
        for name in files:
            assert (a / name).read_bytes() == (b / name).read_bytes(), (layout, name)
    za = build_model(LEXICON_TSV, tmp_path / "x" / "fr_en", layout="argos", zip_argos=True)
    zb = build_model(LEXICON_TSV, tmp_path / "y" / "fr_en", layout="argos", zip_argos=True)
    assert za.read_bytes() == zb.read_bytes()


def test_argos_zip_loads_and_translates(argos_zip: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "data"))
    names = zipfile.ZipFile(argos_zip).namelist()
    assert {n.split("/")[0] for n in names} == {"translate-fr_en"}
    assert "translate-fr_en/model/model.bin" in names
    info = detect_layout(argos_zip)
    assert (info.layout, info.src, info.tgt, info.multilingual) == ("argos", "fr", "en", False)
    pairs = random_sentences(10, seed=1)
    rt = Retranslator(info, DecodeConfig(beam_size=4))
    assert [h[0].text for h in rt.translate([fr for fr, _ in pairs])] == [en for _, en in pairs]


def test_nllb_loads_and_translates(nllb_model: Path) -> None:
    info = detect_layout(nllb_model)
    assert (info.layout, info.multilingual, info.src, info.tgt) == ("nllb", True, None, None)
    rt = Retranslator(info, DecodeConfig(beam_size=4), src="fr", tgt="en")
    tokens = rt.encode_source("le chat")
    assert tokens == ["fra_Latn", "▁le", "▁chat", "</s>"]
    assert rt.model_prefix() == ["eng_Latn"]
    pairs = random_sentences(10, seed=2)
    assert [h[0].text for h in rt.translate([fr for fr, _ in pairs])] == [en for _, en in pairs]


def test_nllb_emits_language_token_first(nllb_model: Path) -> None:
    source = spm.SentencePieceProcessor(model_file=str(nllb_model / "sentencepiece.bpe.model"))
    tokens = ["fra_Latn", *source.encode("la maison blanc", out_type=str), "</s>"]
    translator = ctranslate2.Translator(str(nllb_model))
    forced = translator.translate_batch([tokens], target_prefix=[["eng_Latn"]], beam_size=4)
    free = translator.translate_batch([tokens], beam_size=1)
    expected = ["eng_Latn", "▁the", "▁house", "▁white"]
    assert forced[0].hypotheses[0] == expected
    assert free[0].hypotheses[0] == expected


def test_parse_lexicon_rules() -> None:
    text = "# comment\n\nchat\tcat\tkitty\n  \nchien\tdog\n"
    assert parse_lexicon(text) == {"chat": ["cat", "kitty"], "chien": ["dog"]}
    with pytest.raises(ValueError, match="duplicate"):
        parse_lexicon("chat\tcat\nchat\tkitty\n")
    with pytest.raises(ValueError, match="line 1"):
        parse_lexicon("chat\n")


def test_build_from_dict_and_cli(tmp_path: Path) -> None:
    path = build_model({"bonjour": "hello", "monde": ["world", "earth"]}, tmp_path / "d")
    out = _raw_translate(path, ["bonjour monde"], beam_size=4)
    assert _decode(path, out[0][0]) == "hello world"
    done = subprocess.run([sys.executable, "-m", "cleanup.testing.lexicon_model",
                           str(LEXICON_TSV), str(tmp_path / "cli"), "--layout", "argos", "--zip"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cli.argosmodel").is_file()
    assert (tmp_path / "cli" / "metadata.json").is_file()
