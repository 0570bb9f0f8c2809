"""The config file: found upward from the working directory, overridden by the command line,
strict about keys and types, recorded in the signature, shown by `cleanup config`."""

from __future__ import annotations

import json

import pytest

from cleanup.cli import main
from cleanup.config import load_config

ARTICLE = "Officials called for de -escalation after the missile strikes.\n"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.delenv("CLEANUP_NO_CONFIG", raising=False)
    sub = tmp_path / "newsroom" / "articles"
    sub.mkdir(parents=True)
    (sub / "a.txt").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.chdir(sub)
    return tmp_path / "newsroom"


def test_cleanup_toml_above_the_working_directory(project, capsys):
    (project / "cleanup.toml").write_text('skip = ["space_before_hyphen"]\nbeam = 6\n', encoding="utf-8")
    code, out, _ = run(capsys, "fix", "a.txt")
    assert code == 0 and "de -escalation" in out  # the file disabled the rule
    code, out, _ = run(capsys, "fix", "a.txt", "--skip", "glossary")
    assert "de-escalation" in out  # the command line replaces the file's list
    code, out, _ = run(capsys, "config")
    assert f"skip = ['space_before_hyphen']  ({project / 'cleanup.toml'}:1)" in out
    assert f"beam = 6  ({project / 'cleanup.toml'}:2)" in out
    assert "encoding = 'utf-8'  (default)" in out


def test_pyproject_tool_table(project, capsys):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.cleanup]\nlang = "en"\nfix_mojibake = true\n',
                                            encoding="utf-8")
    config = load_config()
    assert config.lang == "en" and config.fix_mojibake is True
    assert config.origins["fix_mojibake"].endswith("pyproject.toml:6")
    code, out, _ = run(capsys, "fix", "a.txt", "--format", "json", "--no-fix-mojibake")
    sig = json.loads(out)["results"][0]["signature"]
    assert sig["settings"]["fix_mojibake"] is False  # the command line wins, and is recorded


def test_cleanup_toml_wins_over_pyproject_in_the_same_folder(project):
    (project / "pyproject.toml").write_text('[tool.cleanup]\nbeam = 2\n', encoding="utf-8")
    (project / "cleanup.toml").write_text('beam = 3\n', encoding="utf-8")
    assert load_config().beam == 3


def test_paths_are_relative_to_the_config_file(project, capsys):
    (project / "mine").mkdir()
    (project / "mine" / "g.toml").write_text(
        '[glossary]\nlang = "en"\ndomain = "mine"\n\n[[entry]]\nid = "x"\nterm = "missile barrage"\n'
        'wrong = ["missile strikes"]\nmust_fire = ["The missile strikes hit."]\nmust_not_fire = ["A missile barrage."]\n',
        encoding="utf-8")
    (project / "cleanup.toml").write_text('glossary = ["mine/g.toml"]\n', encoding="utf-8")
    code, out, _ = run(capsys, "fix", "a.txt")
    assert "missile barrage" in out


def test_settings_are_in_the_signature(project, capsys):
    (project / "cleanup.toml").write_text('beam = 7\ndevice = "cpu"\n', encoding="utf-8")
    sig = json.loads(run(capsys, "check", "a.txt", "--format", "json")[1])["results"][0]["signature"]
    assert sig["settings"]["beam"] == 7 and sig["settings"]["device"] == "cpu"
    assert set(sig["libraries"]) == {"rapidfuzz", "regex", "ctranslate2", "sentencepiece"}


@pytest.mark.parametrize(("content", "message"), [
    ('skpi = ["x"]\n', "cleanup.toml:1: unknown key 'skpi'"),
    ('beam = "four"\n', "cleanup.toml:1: beam must be an integer"),
    ('\n\ndevice = "tpu"\n', "cleanup.toml:3: device must be one of auto, cpu, cuda"),
    ('skip = ["no_such_rule"]\n', "unknown rule(s) no_such_rule"),
    ('beam = \n', "cleanup.toml: Invalid value"),
])
def test_bad_config_is_one_line_and_exit_2(project, capsys, content, message):
    (project / "cleanup.toml").write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "fix", "a.txt", "-o", "out.txt")
    assert code == 2 and message in err and err.count("\n") == 1
    assert not (project / "articles" / "out.txt").exists()


def test_no_config_and_explicit_config(project, tmp_path, capsys):
    (project / "cleanup.toml").write_text('skip = ["space_before_hyphen"]\n', encoding="utf-8")
    assert "de-escalation" in run(capsys, "--no-config", "fix", "a.txt")[1]
    other = tmp_path / "other.toml"
    other.write_text('skip = ["glossary"]\n', encoding="utf-8")
    assert "de-escalation" in run(capsys, "--config", other, "fix", "a.txt")[1]
