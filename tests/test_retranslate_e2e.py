"""End to end through the CLI with the lexicon test model (cleanup.testing.lexicon_model).

The model is monotone and one word for one word, so the source article is written to suit
it: French word order mirrors the English, one sentence per line, no punctuation.
Each line starts with a capital so that it is a paragraph of its own. The MT
article is the model's own word-for-word output with artefacts planted: a place homograph
("cashmere"), a calque ("climbing"), a transliterated name ("Poutine"), a word only the
model can fix ("hits", a user entry with action "retranslate") and wrong words after a span
("has slain", which the model's continuation repairs). What this proves: the real loading,
tokenization, alignment, forcing and splicing code; not translation quality.
"""

import json
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.testing.lexicon_model import build_model

DATA = Path(__file__).parent / "data"
E2E = DATA / "e2e"
MT = E2E / "mt.en.txt"
SRC = E2E / "source.fr.txt"
GLOSSARY = E2E / "glossary.toml"
EXPECTED = [
    "The strikes of missiles of India on the Kashmir have killed 25 tourists",
    "The India and the Pakistan not want not more escalation of the war",
    "The president Russian speaks with the India Saturday",  # untouched
    "Putin asks the calm and the India and the Pakistan",
]


@pytest.fixture(scope="module", params=["opus", "argos", "nllb"])
def model_path(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(request.param) / f"e2e-{request.param}-fr-en"
    return build_model(DATA / "lexicon_e2e_fr_en.tsv", out, layout=request.param,
                       zip_argos=request.param == "argos")


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_fix_with_source_and_model(tmp_path, capsys, model_path):
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", MT, "--source", SRC, "--model", model_path, "-g", GLOSSARY, "-o", out)
    assert code == 0, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == EXPECTED
    original = MT.read_text(encoding="utf-8").splitlines()
    assert lines[2] == original[2]  # the sentence without suspects is byte-identical


def test_edits_carry_model_evidence(capsys, model_path):
    code, out, _ = run(capsys, "fix", MT, "--source", SRC, "--model", model_path, "-g", GLOSSARY,
                       "--format", "json", "--beam", "4")
    data = json.loads(out)["results"][0]
    edits = data["edits"]
    assert {e["rule"] for e in edits} == {"retranslate"}
    by_old = {e["old"]: e for e in edits}
    assert by_old["cashmere has slain"]["new"] == "Kashmir have killed"  # words after the span repaired
    assert by_old["hits"]["new"] == "strikes"  # not forced: the model chose, the artefact banned
    assert by_old["climbing"]["new"] == "escalation"
    assert by_old["Poutine"]["new"] == "Putin"
    for e in edits:
        assert e["evidence"]["model"] == Path(model_path).name.removesuffix(".argosmodel")
        assert isinstance(e["evidence"]["score"], float)
        assert isinstance(e["evidence"]["alternatives"], list)
        assert e["entry"]
    assert data["signature"]["model"]["decode"]["beam_size"] == 4


def test_fix_twice_changes_nothing_more(tmp_path, capsys, model_path):
    once = tmp_path / "once.txt"
    twice = tmp_path / "twice.txt"
    run(capsys, "fix", MT, "--source", SRC, "--model", model_path, "-g", GLOSSARY, "-o", once)
    run(capsys, "fix", once, "--source", SRC, "--model", model_path, "-g", GLOSSARY, "-o", twice)
    assert once.read_bytes() == twice.read_bytes()


def test_without_model_glossary_only_and_says_why(tmp_path, capsys):
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", MT, "-g", GLOSSARY, "-o", out)
    assert code == 0
    assert err.count("re-translation skipped") == 1 and "no --source" in err
    text = out.read_text(encoding="utf-8")
    assert "The hits of missiles" in text  # only the model can fix it
    assert "Kashmir has slain" in text  # the glossary fixes the span only


def test_source_without_registered_model_skips_with_reason(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "empty"))
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", MT, "--source", SRC, "-o", out)
    assert code == 0
    assert "re-translation skipped" in err and "fr->en" in err
    assert "Kashmir" in out.read_text(encoding="utf-8")


def test_model_for_wrong_pair_is_an_error(tmp_path, capsys):
    en_fr = build_model({"the": ["le"]}, tmp_path / "opus-mt-en-fr", src="en", tgt="fr")
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", MT, "--source", SRC, "--model", en_fr, "-o", out)
    assert code == 2 and "not fr->en" in err and err.count("\n") == 1
    assert not out.exists()


def test_partial_model_folder_is_an_error(tmp_path, capsys, model_path):
    if Path(model_path).suffix:  # the zip: covered by test_models
        pytest.skip("folder layouts only")
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in Path(model_path).iterdir():
        if f.name not in ("source.spm", "target.spm", "sentencepiece.bpe.model"):
            (broken / f.name).symlink_to(f)
    code, _, err = run(capsys, "fix", MT, "--source", SRC, "--model", broken)
    assert code == 2 and str(broken) in err and "Traceback" not in err


def test_model_registry_cli(tmp_path, capsys, monkeypatch, model_path):
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = run(capsys, "model", "add", model_path, "--src", "fr", "--tgt", "en", "--name", "e2e")
    assert code == 0 and "added e2e" in out
    code, out, _ = run(capsys, "model", "list")
    pair = "multilingual" if "nllb" in Path(model_path).name else "fr->en"
    assert f"e2e\t{pair}" in out
    # chosen by language pair, no --model needed
    code, out, err = run(capsys, "fix", MT, "--source", SRC, "-g", GLOSSARY)
    assert code == 0 and out.splitlines() == EXPECTED, err


def test_retranslate_sentences_opt_in(tmp_path, capsys, model_path):
    mt = tmp_path / "mt.txt"
    lines = MT.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("speaks", "talks")  # no glossary knows this one
    mt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = ["fix", mt, "--source", SRC, "--model", model_path, "-g", GLOSSARY]
    code, out, _ = run(capsys, *base)
    assert code == 0 and "Russian talks with" in out  # off by default: precision first
    code, out, _ = run(capsys, *base, "--format", "json", "--retranslate-sentences")
    data = json.loads(out)["results"][0]
    sentence_edits = [e for e in data["edits"] if e["rule"] == "retranslate_sentence"]
    assert [(e["old"], e["new"]) for e in sentence_edits] == [("talks", "speaks")]
    assert sentence_edits[0]["evidence"]["model_score"] > sentence_edits[0]["evidence"]["mt_score"]


def test_source_of_very_different_length_warns_and_keeps_sentences(tmp_path, capsys, model_path):
    src = tmp_path / "short.fr.txt"
    src.write_text("Poutine demande le calme\n", encoding="utf-8")  # one line for four
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", MT, "--source", src, "--model", model_path, "-g", GLOSSARY, "-o", out)
    assert code == 0 and "Traceback" not in err
    assert "could not be aligned" in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4  # never a lost sentence
    assert "Kashmir" in lines[0] and "escalation" in lines[1]  # glossary fixes still apply
