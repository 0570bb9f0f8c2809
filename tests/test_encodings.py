"""Encodings kept exactly (issue 10, cause 6): the codec, the byte order and the BOM of the
input come back; codecs that are not text encodings are refused; text the file's encoding
cannot hold is an error that changes nothing. Each case asserts the bytes on disk."""

from __future__ import annotations

import codecs

import pytest

from cleanup.cli import main

# A spacing rule makes the edit, so runs skip the bundled glossaries (--no-bundled): fast.
ARTEFACT = "Officials called for de -escalation after the strikes.\n"
FIXED = "Officials called for de-escalation after the strikes.\n"
CLEAN = "The two leaders met in Geneva on Monday.\n"
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def fix_to_file(capsys, tmp_path, data: bytes, *options) -> tuple[int, bytes | None, str]:
    src = tmp_path / "in.txt"
    src.write_bytes(data)
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", src, "-o", out, "--lang", "en", "--no-bundled", *options)
    assert src.read_bytes() == data
    return code, out.read_bytes() if out.exists() else None, err


@pytest.mark.parametrize("codec", sorted(BOMS))
@pytest.mark.parametrize("given", ["family", "exact", "auto"])
def test_utf16_and_utf32_keep_byte_order_and_bom(tmp_path, capsys, codec, given):
    encoding = {"family": codec[:6], "exact": codec, "auto": "auto"}[given]
    bom = BOMS[codec]
    for before, after in ((CLEAN, CLEAN), (ARTEFACT, FIXED)):
        code, out, err = fix_to_file(capsys, tmp_path, bom + before.encode(codec), "--encoding", encoding)
        assert code == 0, err
        assert out == bom + after.encode(codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("given", ["family", "exact"])
def test_utf16_and_utf32_without_bom(tmp_path, capsys, codec, given):
    """No BOM: an exact codec name is used as given; "utf-16"/"utf-32" take the byte order the
    zero bytes of the ASCII characters show. No BOM is added."""
    encoding = codec if given == "exact" else codec[:6]
    for before, after in ((CLEAN, CLEAN), (ARTEFACT, FIXED)):
        code, out, err = fix_to_file(capsys, tmp_path, before.encode(codec), "--encoding", encoding)
        assert code == 0, err
        assert out == after.encode(codec)


def test_utf16_without_bom_and_without_encoding_is_still_refused_as_binary(tmp_path, capsys):
    code, out, err = fix_to_file(capsys, tmp_path, CLEAN.encode("utf-16-le"))
    assert code == 2 and out is None and "binary file" in err


def test_utf8_sig_does_not_add_a_bom(tmp_path, capsys):
    code, out, _ = fix_to_file(capsys, tmp_path, ARTEFACT.encode(), "--encoding", "utf-8-sig")
    assert code == 0 and out == FIXED.encode()
    code, out, _ = fix_to_file(capsys, tmp_path, codecs.BOM_UTF8 + ARTEFACT.encode(), "--encoding", "utf-8-sig")
    assert code == 0 and out == codecs.BOM_UTF8 + FIXED.encode()


@pytest.mark.parametrize("name", ["rot13", "rot_13", "hex", "base64", "zlib", "bz2", "uu", "quopri"])
def test_codecs_that_are_not_text_encodings_are_refused(tmp_path, capsys, name):
    code, out, err = fix_to_file(capsys, tmp_path, ARTEFACT.encode(), "--encoding", name)
    assert code == 2 and out is None
    assert err.startswith("cleanup: error: ") and err.count("\n") == 1
    assert err.endswith(f"{name!r} is not a known text encoding\n")


def test_encoding_that_does_not_give_the_bytes_back_is_refused(tmp_path, capsys):
    # UTF-7 spells "a" as "+AGE-" too; written back it would become "a": a change outside edits.
    code, out, err = fix_to_file(capsys, tmp_path, b"The talks +AGE-nd more.\n", "--encoding", "utf-7")
    assert code == 2 and out is None
    assert "does not give these bytes back" in err and err.count("\n") == 1


# fixed: "main-d'œuvre" (no "œ" in Latin-1); "après -guerre" is the second sign of MT
LATIN1_FR = "Le secteur agricole souffre d'une pénurie de force de travail dans l'après -guerre.\n"


@pytest.mark.parametrize("mode", ["output", "in-place"])
def test_text_the_encoding_cannot_hold_is_an_error_that_changes_nothing(tmp_path, capsys, mode):
    src = tmp_path / "latin1.txt"
    data = ("Un titre.\n" + LATIN1_FR).encode("latin-1")
    src.write_bytes(data)
    out = tmp_path / "out.txt"
    args = ["-o", out] if mode == "output" else ["--in-place", "--backup", ".orig"]
    code, _, err = run(capsys, "fix", src, "--encoding", "latin-1", "--lang", "fr", *args)
    assert code == 2
    assert err.startswith("cleanup: error: ") and f"{src}:2:" in err and err.count("\n") == 1
    assert "U+0153" in err and "nothing written" in err
    assert src.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latin1.txt"]


def test_text_the_encoding_cannot_hold_in_a_batch_others_are_written(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(LATIN1_FR.encode("latin-1"))
    good = tmp_path / "good.txt"
    good.write_bytes("Les frappes de l'OTAN ont repris dans l'après -guerre.\n".encode("latin-1"))
    code, _, err = run(capsys, "fix", bad, good, "--encoding", "latin-1", "--lang", "fr",
                       "--output-dir", tmp_path / "out")
    assert code == 2 and "U+0153" in err and str(bad) in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.txt"]
    assert (tmp_path / "out" / "good.txt").read_bytes() == \
        "Les frappes de l'OTAN ont repris dans l'après-guerre.\n".encode("latin-1")
