"""The command line: contract, outputs, exit codes, bad input (exit 2, nothing written)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.cli import main

from .conftest import ROOT, SEED

ARTICLE = (
    "India and Pakistan exchanged missile strikes, raising fears of a wider military climbing.\n"
    "The clashes triggered a cycle of tat-tray attacks. Officials called for de -escalation.\n"
)
CLEAN = "The two leaders met in Geneva on Monday and agreed to meet again next month.\n"


def run(capsys, *args):
    code = main(list(map(str, args)))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def article(tmp_path):
    p = tmp_path / "article.txt"
    p.write_text(ARTICLE, encoding="utf-8")
    return p


def test_fix_in_out_contract(tmp_path, article, capsys):
    out = tmp_path / "out.txt"
    code, stdout, _ = run(capsys, "fix", article, "-o", out)
    assert code == 0
    assert stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "wider military escalation" in text
    assert "tit-for-tat attacks" in text
    assert "de-escalation" in text
    assert article.read_text(encoding="utf-8") == ARTICLE  # input untouched


def test_fix_stdout_and_stdin(article, capsys, monkeypatch):
    code, stdout, _ = run(capsys, "fix", article)
    assert code == 0 and "tit-for-tat" in stdout
    # '-' reads the article from standard input (bytes, decoded like a file).
    fake_stdin = io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake_stdin)
    code, stdout, _ = run(capsys, "fix", "-")
    assert code == 0 and stdout.startswith("India and Pakistan") and "tit-for-tat" in stdout
    assert fake_stdin.buffer.tell() == len(ARTICLE.encode("utf-8"))  # it really was read


def test_fix_check_exit_status(tmp_path, article, capsys):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    assert run(capsys, "fix", article, "--check", "-o", tmp_path / "o.txt")[0] == 1
    assert run(capsys, "fix", clean, "--check", "-o", tmp_path / "o2.txt")[0] == 0
    assert (tmp_path / "o2.txt").read_text(encoding="utf-8") == CLEAN


def test_fix_diff_plain_when_piped(article, capsys):
    code, out, _ = run(capsys, "fix", article, "--diff")
    assert code == 0
    assert "\x1b[" not in out
    assert "-India and Pakistan exchanged missile strikes, raising fears of a wider military climbing." in out
    assert "+India and Pakistan exchanged missile strikes, raising fears of a wider military escalation." in out


def test_fix_diff_colour_forced(article, capsys):
    out = run(capsys, "fix", article, "--diff", "--color", "always")[1]
    # The changed words are highlighted inside the line (git diff --color-words), the rest is plain.
    assert "a wider military \x1b[31mclimbing\x1b[0m\x1b[32mescalation\x1b[0m." in out
    assert "\x1b[31mIndia" not in out and "\x1b[32mIndia" not in out


def test_word_diff(article, capsys):
    out = run(capsys, "fix", article, "--word-diff")[1]
    assert "[-climbing-]{+escalation+}" in out
    assert f"{article}:1:" in out


def test_in_place_atomic_and_backup(article, capsys):
    code, _, _ = run(capsys, "fix", article, "--in-place", "--backup", ".orig")
    assert code == 0
    assert "tit-for-tat" in article.read_text(encoding="utf-8")
    assert Path(str(article) + ".orig").read_text(encoding="utf-8") == ARTICLE
    assert not [p for p in article.parent.iterdir() if p.name.endswith(".tmp")]


def test_in_place_keeps_permissions(article, capsys):
    os.chmod(article, 0o640)
    run(capsys, "fix", article, "--in-place")
    assert (article.stat().st_mode & 0o777) == 0o640


def test_check_lines_and_exit(article, capsys):
    code, out, _ = run(capsys, "check", article)
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith(f"{article}:1:") and ": glossary[en/core:escalation-climbing]:" in line for line in lines)
    assert any(": space_before_hyphen:" in line for line in lines)


def test_check_many_files_and_clean(tmp_path, article, capsys):
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    assert run(capsys, "check", clean)[0] == 0
    code, out, _ = run(capsys, "check", clean, article)
    assert code == 1 and str(article) in out and str(clean) not in out


def test_check_json_schema(article, capsys):
    code, out, _ = run(capsys, "check", article, "--format", "json")
    envelope = json.loads(out)
    assert code == 1
    assert envelope["schema"] == "cleanup.results/1" and len(envelope["results"]) == 1
    data = envelope["results"][0]
    assert data["schema"] == "cleanup.result/1"
    assert data["lang"] == "en"
    assert data["signature"]["version"]
    assert any(k.endswith("core.toml") for k in data["signature"]["glossaries"])
    edit = data["edits"][0]
    assert {"start", "end", "old", "new", "rule", "entry", "evidence", "message"} <= set(edit)
    # The JSON edits replay to the fixed text.
    from cleanup.result import Edit, apply_edits

    fixed = apply_edits(ARTICLE, [Edit.from_dict(e) for e in data["edits"]])
    assert "tit-for-tat" in fixed and "escalation" in fixed


def test_json_has_one_shape_for_one_input_or_many(tmp_path, article, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff")
    one = json.loads(run(capsys, "fix", article, "--format", "json")[1])
    code, out, err = run(capsys, "fix", article, bad, "--format", "json")
    many = json.loads(out)
    assert code == 2 and "bad.txt" in err
    assert one.keys() == many.keys() == {"schema", "results"}
    assert one["schema"] == many["schema"] == "cleanup.results/1"
    assert [r["path"] for r in many["results"]] == [str(article)]
    assert one["results"][0]["edits"] == many["results"][0]["edits"]


def test_explain(article, capsys):
    code, out, _ = run(capsys, "explain", article)
    assert code == 0
    assert "'climbing' -> 'escalation'" in out
    assert "entry: en/core:escalation-climbing" in out
    assert "rule: space_before_hyphen" in out


def test_eval_seeds(capsys):
    code, out, _ = run(capsys, "eval", ROOT / "seeds")
    assert code == 0
    assert "false edits 0" in out


def test_lang_override(tmp_path, capsys):
    p = tmp_path / "fr.txt"
    p.write_text("L'inflation a atteint 3.5% en mai, selon le gouvernement.\n", encoding="utf-8")
    assert "3,5 %" in run(capsys, "fix", p)[1]
    assert "3,5 %" not in run(capsys, "fix", p, "--lang", "en")[1]


def test_rules_listing(capsys):
    out = run(capsys, "rules")[1]
    for name in ("glossary", "space_before_hyphen", "foreign_number_format", "untranslated_acronym", "boilerplate_line"):
        assert f"{name}:" in out


def test_skip_rule(article, capsys):
    out = run(capsys, "fix", article, "--skip", "space_before_hyphen")[1]
    assert "de -escalation" in out and "tit-for-tat" in out


# -- bad input: one line on stderr naming the file, exit 2, nothing written ---------------

def _bad_inputs(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 au lait\n")
    (tmp_path / "bin.dat").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "dir").mkdir()
    return {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "directory": (tmp_path / "dir", "is a directory"),
        "invalid-utf8": (tmp_path / "bad.txt", "invalid utf-8 at byte 3"),
        "binary": (tmp_path / "bin.dat", "binary file"),
        "empty": (tmp_path / "empty.txt", "empty file"),
    }


@pytest.mark.parametrize("case", ["missing", "directory", "invalid-utf8", "binary", "empty"])
def test_bad_input_exit_2_nothing_written(tmp_path, capsys, case):
    path, message = _bad_inputs(tmp_path)[case]
    out = tmp_path / "out.txt"
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    code, stdout, err = run(capsys, "fix", path, "-o", out)
    assert code == 2
    assert err.count("\n") == 1 and str(path) in err and message in err
    assert not out.exists()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_malformed_glossary_exit_2(tmp_path, article, capsys):
    g = tmp_path / "g.toml"
    g.write_text('[glossary]\nlang = "en"\n\n[[entry]]\nid = "x"\nterm = "y"\n', encoding="utf-8")
    out = tmp_path / "out.txt"
    code, _, err = run(capsys, "fix", article, "-g", g, "-o", out)
    assert code == 2
    assert f"{g}:4:" in err and err.count("\n") == 1
    assert not out.exists()


def test_in_place_bad_file_untouched(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"climbing \xff\n")
    assert run(capsys, "fix", bad, "--in-place")[0] == 2
    assert bad.read_bytes() == b"climbing \xff\n"


def test_usage_errors_exit_2(article, tmp_path, capsys):
    assert run(capsys, "fix", article, article, "-o", tmp_path / "x")[0] == 2
    assert run(capsys, "fix", article, "--backup", ".b")[0] == 2
    assert run(capsys, "fix", article, "--skip", "no_such_rule")[0] == 2
    assert run(capsys, "fix", article, "--lang", "xx")[0] == 2
    assert run(capsys, "fix", article, "--no-such-option")[0] == 2


def test_many_files_one_bad_others_done(tmp_path, article, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    outdir = tmp_path / "out"
    code, _, err = run(capsys, "fix", article, bad, "--output-dir", outdir)
    assert code == 2 and "bad.txt" in err
    assert "tit-for-tat" in (outdir / "article.txt").read_text(encoding="utf-8")
    assert not (outdir / "bad.txt").exists()


def test_from_list(tmp_path, article, capsys):
    listing = tmp_path / "list.txt"
    listing.write_text(f"{article}\n\n", encoding="utf-8")
    assert run(capsys, "check", "--from-list", listing)[0] == 1


def test_real_process_exit_codes_and_help(tmp_path, article):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    help_ = subprocess.run([sys.executable, "-m", "cleanup", "--help"], capture_output=True, text=True, env=env)
    assert help_.returncode == 0 and "fix" in help_.stdout and "check" in help_.stdout
    r = subprocess.run([sys.executable, "-m", "cleanup", "check", str(SEED)], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "glossary" in r.stdout
    r = subprocess.run([sys.executable, "-m", "cleanup", "fix", str(tmp_path / "missing.txt")],
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2 and r.stderr.startswith("cleanup: error: ") and "Traceback" not in r.stderr


def test_help_does_not_import_heavy_engines():
    code = "import sys; from cleanup.cli import main; main(['--help']); print('ctranslate2' in sys.modules, 'rapidfuzz' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.stdout.strip().splitlines()[-1] == "False False"


def test_jobs_same_output_in_input_order(tmp_path, capfd):
    files = []
    for k in range(6):
        p = tmp_path / f"a{k}.txt"
        p.write_text(ARTICLE if k % 2 else CLEAN, encoding="utf-8")
        files.append(p)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe")
    args = ["check", *files[:3], bad, *files[3:]]
    serial = main(list(map(str, args)))
    out1, err1 = capfd.readouterr()
    parallel = main(list(map(str, args + ["--jobs", "3"])))
    out2, err2 = capfd.readouterr()
    assert serial == parallel == 2
    assert out1 == out2 and out1.count("a1.txt:") > 0 and out1.index("a1.txt") < out1.index("a3.txt")
    assert "bad.txt" in err1 and err1 == err2


def test_jobs_in_place(tmp_path, capsys):
    files = [tmp_path / f"a{k}.txt" for k in range(5)]
    for p in files:
        p.write_text(ARTICLE, encoding="utf-8")
    assert run(capsys, "fix", *files, "--in-place", "-j", "2")[0] == 0
    assert all("tit-for-tat" in p.read_text(encoding="utf-8") for p in files)
