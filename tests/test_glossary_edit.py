"""`glossary fmt` and `glossary add` keep comments, order and layout: a glossary commit shows
only the change."""

from __future__ import annotations

import tomllib

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup.cli import main
from cleanup.editing import append_entry, format_text, render_entry, toml_value
from cleanup.lint import glossary_files
from cleanup.resources import bundled_dir, display_path

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "edit"
PENDING = ROOT / "tests" / "glossary_fmt_pending.txt"


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if "#" in line and not line.lstrip().startswith(('"', "'"))]


def test_fmt_golden():
    messy = (DATA / "messy.toml").read_text(encoding="utf-8")
    expected = (DATA / "messy.expected.toml").read_text(encoding="utf-8")
    assert format_text(messy) == expected
    assert format_text(expected) == expected
    assert tomllib.loads(expected) == tomllib.loads(messy)


def test_fmt_keeps_every_comment_byte_for_byte():
    messy = (DATA / "messy.toml").read_text(encoding="utf-8")
    out = format_text(messy)
    for line in messy.splitlines():
        if line.lstrip().startswith("#"):
            assert line.strip() + "\n" in out, line
    assert "# the place" in out and "# french" in out and "# header comment" in out
    # a comment above a key moves with the key
    assert "# about the term\nterm = \"Kashmir\"" in out


def test_fmt_leaves_canonical_files_alone_and_orders_keys(tmp_path):
    text = ('# Header comment\n[glossary]\nlang = "en"\ndomain = "t"\n\n[[entry]]\nid = "a"\nterm = "b"\n'
            'wrong = ["c"]\nnote = "n"  # why\nmust_fire = ["c"]\nmust_not_fire = ["b"]\n')
    assert format_text(text) == text
    shuffled = text.replace('id = "a"\nterm = "b"\n', 'term = "b"\nid = "a"\n')
    assert format_text(shuffled) == text


_WORD = st.text(alphabet="abcdeé xyz'\"\\|#", min_size=1, max_size=8).filter(lambda s: s.strip())


@st.composite
def _glossaries(draw):
    entries = []
    for k in range(draw(st.integers(1, 3))):
        keys = {"id": f"e{k}", "term": draw(_WORD), "wrong": draw(st.lists(_WORD, min_size=1, max_size=3)),
                "note": draw(_WORD), "must_fire": draw(st.lists(_WORD, min_size=1, max_size=2)),
                "must_not_fire": draw(st.lists(_WORD, min_size=1, max_size=2))}
        order = draw(st.permutations(list(keys)))
        lines = []
        if draw(st.booleans()):
            lines.append(f"# comment {k}  ")
        lines.append("[[entry]]" + draw(st.sampled_from(["", "  # entry"])))
        for key in order:
            value = keys[key]
            sep = draw(st.sampled_from([" = ", "=", "   =  "]))
            if isinstance(value, list):
                items = [toml_value(key, v) for v in value]
                text = "[" + draw(st.sampled_from([", ", ",\n  ", " ,\n"])).join(items) + draw(st.sampled_from(["]", ",\n]", "\n]"]))
            else:
                text = toml_value(key, value)
            lines.append(f"{key}{sep}{text}" + draw(st.sampled_from(["", "  ", "  # c"])))
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(["", "# inside"])))
        entries.append("\n".join(lines))
    head = '[glossary]\nlang = "en"\ndomain = "t"\n'
    return head + draw(st.sampled_from(["\n", "\n\n\n", ""])) + "\n\n".join(entries) + draw(st.sampled_from(["\n", "\n\n", ""]))


@settings(max_examples=60, deadline=None)
@given(_glossaries())
def test_fmt_properties(text):
    out = format_text(text)
    assert tomllib.loads(out) == tomllib.loads(text)  # same data
    assert format_text(out) == out  # idempotent
    for c in _comments(text):
        if c.startswith("#"):
            assert c in out
    assert "\n\n\n" not in out and out.endswith("\n") and not out.endswith("\n\n")
    assert all(line == line.rstrip() for line in out.splitlines())


def test_add_keeps_the_rest_byte_for_byte(tmp_path):
    original = (DATA / "messy.expected.toml").read_text(encoding="utf-8")
    p = tmp_path / "my.toml"
    p.write_bytes(original.encode())
    argv = ["glossary", "add", str(p), "--term", "tit-for-tat", "--wrong", "tat-tray", "--note", "garbled",
            "--fires", "A cycle of tat-tray attacks followed.", "--ok", "A cycle of tit-for-tat attacks followed.",
            "--no-bundled"]
    assert main(argv) == 0
    new = p.read_text(encoding="utf-8")
    assert new.startswith(original)
    assert new[len(original):] == (
        '\n[[entry]]\nid = "tit-for-tat-tat-tray"\nterm = "tit-for-tat"\nwrong = ["tat-tray"]\nnote = "garbled"\n'
        'must_fire = ["A cycle of tat-tray attacks followed."]\nmust_not_fire = ["A cycle of tit-for-tat attacks followed."]\n')
    assert format_text(new) == new  # what add writes is already canonical


def test_add_creates_a_file_refuses_a_bad_entry_and_reports_failing_examples(tmp_path, capsys):
    p = tmp_path / "news.toml"
    assert main(["glossary", "add", str(p), "--term", "x"]) == 2  # no file, no --lang
    assert not p.exists()
    base = ["glossary", "add", str(p), "--term", "Kashmir", "--wrong", "cashmere", "--require", "India",
            "--fires", "A cashmere attack, India said.", "--ok", "A cashmere sweater.", "--no-bundled"]
    assert main([*base, "--lang", "en"]) == 0
    before = p.read_bytes()
    assert tomllib.loads(before.decode())["glossary"] == {"lang": "en", "domain": "news"}
    assert main(base) == 2  # the same id again: a load error, nothing written
    assert "duplicate id 'kashmir-cashmere'" in capsys.readouterr().err
    assert p.read_bytes() == before
    assert main([*base[:-5], "--id", "k2", "--fires", "A sweater of cashmere.", "--ok", "x", "--no-bundled"]) == 1
    assert "must_fire example did not fire" in capsys.readouterr().out


def test_add_long_lists_wrap_and_load(tmp_path):
    block = render_entry({"id": "x", "term": "y", "wrong": ["z"], "require": [f"word{k}" for k in range(30)],
                          "must_fire": ["a sentence long enough to wrap " * 3, "b"], "must_not_fire": ["c"]})
    assert all(len(line) <= 100 for line in block.splitlines())
    text = append_entry('[glossary]\nlang = "en"\n', {"id": "x", "term": "y", "wrong": ["z"], "must_fire": ["z"],
                                                    "must_not_fire": ["y"]})
    assert format_text(text) == text and tomllib.loads(text)["entry"][0]["wrong"] == ["z"]


def test_fmt_cli_check_and_write(tmp_path, capsys):
    p = tmp_path / "g.toml"
    messy = (DATA / "messy.toml").read_bytes()
    p.write_bytes(messy)
    assert main(["glossary", "fmt", "--check", str(tmp_path)]) == 1
    assert p.read_bytes() == messy and f"would reformat {p}" in capsys.readouterr().out
    assert main(["glossary", "fmt", str(p)]) == 0
    assert p.read_bytes() == (DATA / "messy.expected.toml").read_bytes()
    assert main(["glossary", "fmt", "--check", str(p)]) == 0


@pytest.mark.slow  # 8 s: formats every bundled file; CI runs it (make test-slow)
def test_bundled_glossaries_are_canonical_except_the_documented_ones():
    pending = {line.split("#")[0].strip() for line in PENDING.read_text(encoding="utf-8").splitlines()} - {""}
    off = []
    for f in glossary_files([bundled_dir()]):
        text = f.read_text(encoding="utf-8")
        if format_text(text) != text:
            off.append(display_path(f))
    assert set(off) - pending == set(), "run `cleanup glossary fmt` on these files"
