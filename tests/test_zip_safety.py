"""Model zips and folders under attack (issue 10, causes 3, 5 and 12).

Zip members are checked on the archive's directory before anything is decompressed or
created; a refused zip leaves nothing in the cache or the registry, and errors name the zip the
user gave. A model is checked whole (files, vocabularies, tokenizers, weights, language pair)
before any text is processed.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from cleanup import models
from cleanup.cli import main
from cleanup.errors import ModelError
from cleanup.models import add_model, detect_layout, extract_zip, resolve_model

DATA = Path(__file__).parent / "data"
MT = DATA / "e2e" / "mt.en.txt"
SRC = DATA / "e2e" / "source.fr.txt"
CLEAN_EN = "The president speaks with the India Saturday\n"
CLEAN_FR = "Le président parle avec la Inde samedi\n"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def leftovers(data: Path) -> list[str]:
    """Everything under the data folder: models, cache entries, staging folders."""
    return sorted(str(p.relative_to(data)) for p in data.rglob("*")) if data.exists() else []


def clean_texts(tmp_path: Path) -> tuple[Path, Path]:
    mt, src = tmp_path / "clean.en.txt", tmp_path / "clean.fr.txt"
    mt.write_text(CLEAN_EN, encoding="utf-8")
    src.write_text(CLEAN_FR, encoding="utf-8")
    return mt, src


def rezip(source: Path, dest: Path, drop: tuple[str, ...] = (), add: dict[str, bytes] | None = None) -> Path:
    """A copy of a zip without some members and with others added (or replaced)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if not info.filename.endswith(drop) and info.filename not in (add or {}):
                new.writestr(info, old.read(info))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return dest


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data)
    return path


# -- 3. member paths, kinds and sizes, checked before anything is created ----------------------

def _unsafe(tmp_path: Path) -> list[str]:
    target = (tmp_path / "escaped").as_posix()  # absolute: "pkg/" + it gives "pkg//tmp/..."
    return [f"pkg/{target}/sub/", f"pkg/{target}/file.txt", "pkg/./x", "pkg/a/../../x", "C:/x",
            "pkg\\..\\..\\x", "pkg//x"]


@pytest.mark.parametrize("k", range(7))
def test_unsafe_member_paths_are_refused_before_anything_is_created(tmp_path, registry, capsys, k):
    member = _unsafe(tmp_path)[k]
    bad = _zip(tmp_path / "bad.argosmodel", {"pkg/metadata.json": b"{}", member: b"" if member.endswith("/") else b"x"})
    for attempt in (lambda: add_model(bad, name="bad"), lambda: extract_zip(bad, tmp_path / "out"),
                    lambda: resolve_model(bad)):
        with pytest.raises(ModelError, match="unsafe zip member") as caught:
            attempt()
        assert str(bad) in str(caught.value)
    mt, src = clean_texts(tmp_path)
    for args in (["model", "add", bad], ["fix", mt, "--source", src, "--model", bad]):
        code, _, err = run(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and str(bad) in err and "unsafe zip member" in err
    assert not (tmp_path / "escaped").exists() and not (tmp_path / "out").exists()
    assert leftovers(registry) == [] or leftovers(registry) == ["models"]


@pytest.mark.parametrize("members, message", [
    ({"pkg/model": b"x", "pkg/model/model.bin": b"x"}, "both a file and a folder"),
    ({"pkg/model.bin": b"x", "pkg/model.bin/": b""}, "both a file and a folder"),
    ({"pkg/a.txt": b"x", "pkg\\a.txt": b"y"}, "appears twice"),
])
def test_members_that_clash_are_refused(tmp_path, registry, members, message):
    bad = _zip(tmp_path / "bad.argosmodel", {"pkg/metadata.json": b"{}", **members})
    with pytest.raises(ModelError, match=message):
        extract_zip(bad, tmp_path / "out")
    with pytest.raises(ModelError, match=message):
        resolve_model(bad)
    assert not (tmp_path / "out").exists() and leftovers(registry) == []


def _no_decompression(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a member was decompressed before the zip was checked")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_compression_bomb_is_refused_before_decompressing(tmp_path, registry, monkeypatch):
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/metadata.json", "{}")
        archive.writestr("pkg/model/model.bin", b"\0" * (3 << 20))  # 3 MiB of zeros: ~1000x
    monkeypatch.setattr(models, "RATIO_FLOOR", 1 << 20)  # the ratio applies past 1 MiB here
    _no_decompression(monkeypatch)
    for attempt in (lambda: detect_layout(bomb), lambda: resolve_model(bomb), lambda: add_model(bomb, name="b")):
        with pytest.raises(ModelError, match=r"expands \d+x .*over the 100x limit"):
            attempt()
    assert leftovers(registry) in ([], ["models"])


def test_declared_2gib_member_in_a_small_zip_is_refused_with_the_default_limits(tmp_path, registry, monkeypatch):
    """The issue's bomb: a zip of a few kB declaring 2 GiB. The directory is forged (decompressing
    it would fail): the check must come first."""
    bomb = tmp_path / "bomb.argosmodel"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pkg/metadata.json", "{}")
        archive.writestr("pkg/model/model.bin", b"\0" * 4096)
    raw = bytearray(bomb.read_bytes())
    entry = raw.rindex(b"PK\x01\x02")  # central directory record of model.bin
    raw[entry + 24:entry + 28] = (2 << 30).to_bytes(4, "little")  # uncompressed size: 2 GiB
    bomb.write_bytes(bytes(raw))
    _no_decompression(monkeypatch)
    with pytest.raises(ModelError, match="over the 100x limit"):
        resolve_model(bomb)
    assert leftovers(registry) == []


def test_total_size_and_member_count_are_checked_first(argos_zip, registry, monkeypatch):
    _no_decompression(monkeypatch)
    monkeypatch.setattr(models, "MAX_ZIP_BYTES", 1 << 20)  # the test model expands to ~6 MB
    with pytest.raises(ModelError, match="zip expands to \\d+ bytes, over the 1048576 limit"):
        resolve_model(argos_zip)
    monkeypatch.setattr(models, "MAX_ZIP_BYTES", 8 << 30)
    monkeypatch.setattr(models, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(ModelError, match="zip members, over the 3 limit"):
        add_model(argos_zip, name="x")
    assert leftovers(registry) in ([], ["models"])


def test_member_larger_than_declared_is_refused(tmp_path, argos_zip):
    """zipfile stops at the declared size; the extraction never writes past it either."""
    raw = bytearray(argos_zip.read_bytes())
    entry = raw.index(b"PK\x01\x02")  # the first central directory record
    name_len = int.from_bytes(raw[entry + 28:entry + 30], "little")
    assert raw[entry + 46:entry + 46 + name_len].endswith(b"README.md")
    raw[entry + 24:entry + 28] = (10).to_bytes(4, "little")  # README.md declares 10 bytes
    forged = tmp_path / "forged.argosmodel"
    forged.write_bytes(bytes(raw))
    with pytest.raises(ModelError, match="cannot extract|larger than it declares"):
        extract_zip(forged, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_refused_zip_leaves_nothing_in_the_cache_and_errors_name_the_zip(tmp_path, argos_zip, registry, capsys):
    broken = rezip(argos_zip, tmp_path / "broken.argosmodel", drop=("shared_vocabulary.json",))
    mt, src = clean_texts(tmp_path)
    code, _, err = run(capsys, "fix", mt, "--source", src, "--model", broken)
    assert code == 2 and err.count("\n") == 1
    assert str(broken) in err and "no vocabulary" in err
    assert "cache" not in err and ".extract" not in err and str(registry) not in err
    assert [p for p in leftovers(registry) if p != "cache"] == []
    code, _, err = run(capsys, "model", "add", broken)
    assert code == 2 and str(broken) in err and ".broken" not in err and "staging" not in err
    assert [p for p in leftovers(registry) if p not in ("cache", "models")] == []


def test_a_zip_model_is_named_by_the_zip_in_results(tmp_path, argos_zip, registry, capsys):
    code, out, err = run(capsys, "fix", MT, "--source", SRC, "--model", argos_zip, "--format", "json")
    assert code == 0, err
    result = json.loads(out)["results"][0]
    assert result["signature"]["model"]["path"] == str(argos_zip)
    assert {e["evidence"]["model"] for e in result["edits"]} == {"translate-fr_en"}
    assert str(registry) not in out


@pytest.mark.parametrize("metadata", [b"[" * 100_000, b'{"from_code": {"a": ' * 50_000, b"\xff\xfe{}",
                                      b'{"from_code": 5, "to_code": "en"}', b'["fr", "en"]'])
def test_odd_metadata_is_a_model_error(tmp_path, argos_zip, registry, capsys, metadata):
    odd = rezip(argos_zip, tmp_path / "odd.argosmodel", add={"translate-fr_en/metadata.json": metadata})
    for args in (["model", "add", odd], ["fix", MT, "--source", SRC, "--model", odd]):
        code, _, err = run(capsys, *args)
        assert code == 2 and err.count("\n") == 1 and str(odd) in err, err
    assert [p for p in leftovers(registry) if p not in ("cache", "models")] == []


# -- 5. model folders: dangling symlinks, loops, odd vocabularies, a data folder that is a file --

def _copy(model: Path, dest: Path) -> Path:
    shutil.copytree(model, dest)
    return dest


def test_dangling_symlink_or_loop_in_a_model_folder(tmp_path, lexicon_model, registry, capsys):
    dangling = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    (dangling / "extra.bin").symlink_to(tmp_path / "missing")
    looping = _copy(lexicon_model, tmp_path / "loop" / "opus-mt-fr-en")
    (looping / "again").symlink_to(looping, target_is_directory=True)
    for folder, message in ((dangling, "dangling symlink"), (looping, "symlink loop")):
        code, _, err = run(capsys, "model", "add", folder)
        assert code == 2 and err.count("\n") == 1 and message in err and str(folder) in err
        mt, src = clean_texts(tmp_path)
        code, _, err = run(capsys, "fix", mt, "--source", src, "--model", folder)
        assert code == 2 and message in err
    assert leftovers(registry) in ([], ["models"])


@pytest.mark.parametrize("how", ["json-not-utf8", "txt-not-utf8", "json-not-a-list", "empty"])
def test_unreadable_vocabulary_is_a_model_error(tmp_path, lexicon_model, registry, capsys, how):
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    vocab = folder / "source_vocabulary.json"
    if how == "json-not-utf8":
        vocab.write_bytes(b'["\xff\xfe"]')
    elif how == "txt-not-utf8":
        vocab.unlink()
        (folder / "source_vocabulary.txt").write_bytes(b"<unk>\n\xe9t\xe9\n")
    elif how == "json-not-a-list":
        vocab.write_text('{"a": 1}', encoding="utf-8")
    else:
        vocab.write_text("[]", encoding="utf-8")
    with pytest.raises(ModelError, match="source_vocabulary"):
        detect_layout(folder)
    code, _, err = run(capsys, "model", "add", folder)
    assert code == 2 and err.count("\n") == 1 and "source_vocabulary" in err
    assert leftovers(registry) in ([], ["models"])


def test_data_dir_that_is_a_file(tmp_path, argos_zip, monkeypatch, capsys):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(blocker))
    for args in (["model", "list"], ["model", "add", argos_zip]):
        code, out, err = run(capsys, *args)
        assert code == 2 and out == ""
        assert err == f"cleanup: error: {blocker}: CLEANUP_DATA_DIR is not a folder\n"
    code, out, err = run(capsys, "fix", MT, "--source", SRC)  # no model chosen: skipped, and why
    assert code == 0 and "re-translation skipped" in err and "CLEANUP_DATA_DIR is not a folder" in err
    code, _, err = run(capsys, "fix", MT, "--source", SRC, "--model", argos_zip)
    assert code == 2 and "CLEANUP_DATA_DIR is not a folder" in err
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


# -- 12. a model is checked whole, and its pair, before any text is processed ------------------

def test_model_without_target_vocabulary_is_refused_even_without_findings(tmp_path, lexicon_model, registry, capsys):
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    (folder / "target_vocabulary.json").unlink()
    mt, src = clean_texts(tmp_path)
    code, out, err = run(capsys, "fix", mt, "--source", src, "--model", folder)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "target_vocabulary.json is missing" in err and str(folder) in err
    code, _, err = run(capsys, "model", "add", folder)
    assert code == 2 and "target_vocabulary.json is missing" in err


@pytest.mark.parametrize("part", ["model.bin", "source.spm"])
def test_model_that_cannot_load_is_refused_even_without_findings(tmp_path, lexicon_model, capsys, part):
    folder = _copy(lexicon_model, tmp_path / "opus-mt-fr-en")
    (folder / part).write_bytes(b"not a model")
    mt, src = clean_texts(tmp_path)
    code, out, err = run(capsys, "fix", mt, "--source", src, "--model", folder)
    assert code == 2 and out == "" and err.count("\n") == 1 and "cannot load" in err and str(folder) in err


def test_unregistered_folder_with_no_pair_is_refused(tmp_path, lexicon_model, capsys):
    folder = _copy(lexicon_model, tmp_path / "mymodel")  # nothing says which way it translates
    code, out, err = run(capsys, "fix", MT, "--source", SRC, "--model", folder)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "cannot tell which language pair" in err and "cleanup model add" in err


def test_unregistered_folder_for_the_wrong_direction_is_refused(tmp_path, lexicon_model, capsys):
    folder = _copy(lexicon_model, tmp_path / "opus-mt-en-fr")  # its name says en->fr
    mt, src = clean_texts(tmp_path)
    code, _, err = run(capsys, "fix", mt, "--source", src, "--model", folder)
    assert code == 2 and "model translates en->fr, not fr->en" in err


def test_skip_message_names_no_internal_function(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLEANUP_DATA_DIR", str(tmp_path / "empty"))
    code, _, err = run(capsys, "fix", MT, "--source", SRC)
    assert code == 0 and "re-translation skipped" in err
    assert "`cleanup model add`" in err and "add_model" not in err
