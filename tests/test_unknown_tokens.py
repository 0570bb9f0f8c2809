"""A model output holding an unknown token is never spliced into an article (issue 10,
cause 12). The lexicon test model outputs <unk> (decoded "⁇") for a source word its lexicon
lacks: here "Les" (a case-sensitive lexicon without the capitalised form) for the sentence
path and "missiles" for the span path. Before the fix these runs wrote "⁇ strikes of
missiles..." and "The strikes of ⁇ of India..." with exit 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.testing.lexicon_model import build_model
from cleanup.translate import Hypothesis

DATA = Path(__file__).parent / "data"
E2E = DATA / "e2e"
MT = E2E / "mt.en.txt"
SRC = E2E / "source.fr.txt"
GLOSSARY = E2E / "glossary.toml"


def _model(tmp_path_factory, drop: str) -> Path:
    folder = tmp_path_factory.mktemp("unk")
    lexicon = (DATA / "lexicon_e2e_fr_en.tsv").read_text(encoding="utf-8")
    assert drop in lexicon
    tsv = folder / "lexicon.tsv"
    tsv.write_text(lexicon.replace(drop, ""), encoding="utf-8")
    return build_model(tsv, folder / "e2e-opus-fr-en")


@pytest.fixture(scope="module")
def without_les(tmp_path_factory) -> Path:
    return _model(tmp_path_factory, "Les\tThe\n")


@pytest.fixture(scope="module")
def without_missiles(tmp_path_factory) -> Path:
    return _model(tmp_path_factory, "missiles\tmissiles\n")


def run_json(capsys, *args) -> tuple[int, dict, str]:
    code = main([str(a) for a in args] + ["--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out)["results"][0], err


def test_sentence_translation_with_an_unknown_token_is_not_spliced(capsys, without_les):
    code, result, err = run_json(capsys, "fix", MT, "--source", SRC, "--model", without_les,
                                 "--no-bundled", "--retranslate-sentences")
    assert code == 0, err
    assert all("\u2047" not in e["new"] for e in result["edits"])
    code = main(["fix", str(MT), "--source", str(SRC), "--model", str(without_les), "--no-bundled",
                 "--retranslate-sentences"])
    out, _ = capsys.readouterr()
    assert code == 0 and "\u2047" not in out
    assert out.splitlines()[0] == MT.read_text(encoding="utf-8").splitlines()[0]  # left as it was


def test_span_continuation_with_an_unknown_token_is_not_spliced(capsys, without_missiles):
    code = main(["fix", str(MT), "--source", str(SRC), "--model", str(without_missiles), "-g", str(GLOSSARY)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\u2047" not in out and "<unk>" not in out
    first = out.splitlines()[0]
    assert first.startswith("The hits of missiles of India")  # the model's span was refused
    assert "Kashmir" in first  # other spans still repaired


def test_hypothesis_knows_its_unknown_tokens():
    assert Hypothesis("\u2047 strikes", ("<unk>", "▁strikes"), -1.0).has_unknown
    assert not Hypothesis("strikes", ("▁strikes",), -1.0).has_unknown
