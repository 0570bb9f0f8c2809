"""Model layout detection and the local registry."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from cleanup.errors import CleanupError, ModelError
from cleanup.models import (add_model, data_dir, detect_layout, extract_zip, find_model,
                            list_models, models_dir, resolve_model)


@pytest.fixture()
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _copy(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest)
    return dest


def test_detect_opus(lexicon_model: Path) -> None:
    info = detect_layout(lexicon_model)
    assert (info.layout, info.src, info.tgt, info.multilingual) == ("opus", "fr", "en", False)
    assert info.source_spm == lexicon_model / "source.spm"
    assert info.target_spm == lexicon_model / "target.spm"
    assert info.config_add_source_eos is True and info.append_eos is False
    assert info.target_prefix_for() == [] and info.source_prefix() == []
    assert info.size_bytes > (lexicon_model / "model.bin").stat().st_size


def test_opus_without_eos_in_config_appends_it(lexicon_model: Path, tmp_path: Path) -> None:
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en-hf")
    config = json.loads((folder / "config.json").read_text())
    config["add_source_eos"] = False
    (folder / "config.json").write_text(json.dumps(config))
    info = detect_layout(folder)
    assert info.append_eos is True and info.config_add_source_eos is False


def test_missing_spm_error_names_files_and_origin(lexicon_model: Path, tmp_path: Path) -> None:
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    (folder / "source.spm").unlink()
    (folder / "target.spm").unlink()
    with pytest.raises(ModelError) as caught:
        detect_layout(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert str(folder) in message
    assert "source.spm and target.spm missing" in message
    assert "converters do not copy" in message
    assert "original Hugging Face model folder" in message


def test_missing_one_spm(lexicon_model: Path, tmp_path: Path) -> None:
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    (folder / "target.spm").unlink()
    with pytest.raises(ModelError, match=r"target\.spm missing"):
        detect_layout(folder)


def test_detect_argos_zip_and_folder(argos_zip: Path, tmp_path: Path) -> None:
    info = detect_layout(argos_zip)
    assert (info.layout, info.src, info.tgt) == ("argos", "fr", "en")
    folder = extract_zip(argos_zip, tmp_path / "pkg")
    meta = json.loads((folder / "metadata.json").read_text())
    assert {"package_version", "argos_version", "from_code", "to_code", "from_name",
            "to_name"} <= set(meta)
    meta["target_prefix"] = "__en__"
    (folder / "metadata.json").write_text(json.dumps(meta))
    info = detect_layout(folder)
    assert info.layout == "argos" and info.model_dir == folder / "model"
    assert info.source_spm == folder / "sentencepiece.model" == info.target_spm
    assert info.target_prefix_for() == ["__en__"] and info.append_eos is False


def test_detect_nllb(nllb_model: Path) -> None:
    info = detect_layout(nllb_model)
    assert info.layout == "nllb" and info.multilingual and info.lang_token_style == "nllb"
    assert info.source_spm == nllb_model / "sentencepiece.bpe.model"
    assert info.source_prefix("fr") == ["fra_Latn"]
    assert info.target_prefix_for("en") == ["eng_Latn"]
    assert info.append_eos is True
    assert info.supports("fr", "en") and not info.supports("fr", "de")


def test_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="not a recognised model"):
        detect_layout(tmp_path / "empty")
    with pytest.raises(ModelError, match="does not exist"):
        detect_layout(tmp_path / "nowhere")
    assert issubclass(ModelError, CleanupError)


def test_corrupt_zip(tmp_path: Path) -> None:
    bad = tmp_path / "broken.argosmodel"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ModelError, match="not a valid zip archive") as caught:
        detect_layout(bad)
    assert str(bad) in str(caught.value)


def _zip_with(path: Path, name: str, data: bytes = b"x", mode: int = 0o100644) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("pkg/metadata.json", "{}")
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, data)
    return path


@pytest.mark.parametrize("member", ["pkg/../../evil.txt", "/etc/evil", "../evil"])
def test_zip_with_unsafe_member_rejected(tmp_path: Path, registry: Path, member: str) -> None:
    bad = _zip_with(tmp_path / "bad.argosmodel", member)
    with pytest.raises(ModelError, match="unsafe zip member"):
        add_model(bad, name="bad")
    with pytest.raises(ModelError, match="unsafe zip member"):
        extract_zip(bad, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()
    assert not (models_dir() / "bad").exists()


def test_zip_with_symlink_member_rejected(tmp_path: Path) -> None:
    bad = _zip_with(tmp_path / "link.argosmodel", "pkg/model", b"/etc", stat.S_IFLNK | 0o777)
    with pytest.raises(ModelError, match="symlink"):
        detect_layout(bad)


def test_registry_add_list_find(registry: Path, lexicon_model: Path, argos_zip: Path,
                                nllb_model: Path) -> None:
    assert data_dir() == registry and list_models() == []
    nllb = add_model(nllb_model, name="nllb")
    assert find_model("fr", "en").name == "nllb"
    opus = add_model(lexicon_model)
    assert opus.name == "opus-mt-fr-en" and opus.path == registry / "models" / "opus-mt-fr-en"
    assert (opus.model_dir / "model.bin").is_file() and not opus.model_dir.is_symlink()
    argos = add_model(argos_zip, name="argos-fr-en")
    assert (argos.path / "model" / "metadata.json").is_file()
    assert [m.name for m in list_models()] == ["argos-fr-en", "nllb", "opus-mt-fr-en"]
    assert find_model("fr", "en").multilingual is False
    assert find_model("fr", "en", name="nllb") == nllb
    assert find_model("fr", "en", name="argos-fr-en").layout == "argos"
    with pytest.raises(ModelError, match="no installed model translates de->it"):
        find_model("de", "it")
    with pytest.raises(ModelError, match="no registered model named 'nope'"):
        find_model("fr", "en", name="nope")
    assert resolve_model("opus-mt-fr-en").name == "opus-mt-fr-en"


def test_registry_refuses_name_clash(registry: Path, lexicon_model: Path, argos_zip: Path) -> None:
    add_model(lexicon_model, name="fr-en")
    before = sorted(p.name for p in (models_dir() / "fr-en").rglob("*"))
    with pytest.raises(ModelError, match="already exists") as caught:
        add_model(argos_zip, name="fr-en")
    assert str(models_dir() / "fr-en") in str(caught.value)
    assert sorted(p.name for p in (models_dir() / "fr-en").rglob("*")) == before
    replaced = add_model(argos_zip, name="fr-en", replace=True)
    assert replaced.layout == "argos"
    assert [p.name for p in models_dir().iterdir()] == ["fr-en"]


def test_registry_link(registry: Path, lexicon_model: Path) -> None:
    info = add_model(lexicon_model, name="linked", link=True)
    assert info.model_dir.is_symlink()
    assert info.model_dir.resolve() == lexicon_model.resolve()
    assert detect_layout(info.path).src == "fr"


def test_registry_needs_language_pair(registry: Path, lexicon_model: Path, tmp_path: Path) -> None:
    folder = _copy(lexicon_model, tmp_path / "mystery")
    with pytest.raises(ModelError, match="cannot tell the language pair"):
        add_model(folder)
    info = add_model(folder, src="fr", tgt="en")
    assert (info.src, info.tgt) == ("fr", "en")
    assert find_model("fr", "en").name == "mystery"


def test_invalid_name(registry: Path, lexicon_model: Path) -> None:
    with pytest.raises(ModelError, match="invalid model name"):
        add_model(lexicon_model, name="../escape")
