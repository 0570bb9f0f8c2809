"""The README is tested: its `console` examples run and print what it shows, its `pycon`
examples and the library's doctests pass, its CLI reference lists every option the commands
have, and the figures it quotes about the glossaries are current."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from .conftest import ROOT, SEED

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def _blocks(lang: str) -> list[str]:
    return regex.findall(rf"^```{lang}\n(.*?)^```", README, regex.M | regex.S)


def _console_steps() -> list[tuple[str, str]]:
    steps = []
    for block in _blocks("console"):
        for chunk in regex.split(r"^\$ ", block, flags=regex.M)[1:]:
            command, _, expected = chunk.partition("\n")
            steps.append((command, expected.rstrip("\n")))
    return steps


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("readme")
    shutil.copy(SEED, d / "article.txt")
    shutil.copy(ROOT / "tests" / "corpus" / "clean" / "clean_en_04_diplomacy.txt", d / "clean.txt")
    shutil.copytree(ROOT / "seeds", d / "seeds")
    (my,) = [b for b in _blocks("toml") if 'domain = "newsroom"' in b]
    (d / "my.toml").write_text(my, encoding="utf-8")
    return d


STEPS = _console_steps()


def test_readme_has_runnable_examples():
    assert len(STEPS) >= 8


def test_console_examples(sandbox):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}", NO_COLOR="1")
    for command, expected in STEPS:  # in order: later examples use earlier outputs
        r = subprocess.run(["bash", "-c", command], cwd=sandbox, capture_output=True, text=True, env=env)
        assert r.returncode == 0, f"$ {command}\n{r.stderr}"
        if expected:
            assert r.stdout.rstrip("\n") == expected, f"$ {command}\n--- README\n{expected}\n--- got\n{r.stdout}"


def test_pycon_examples():
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for k, block in enumerate(_blocks("pycon")):
        runner.run(parser.get_doctest(block, {}, f"README pycon {k}", "README.md", 0))
    assert runner.failures == 0 and runner.tries >= 5


def test_library_doctests():
    import cleanup

    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    finder = doctest.DocTestFinder()
    for info in pkgutil.walk_packages(cleanup.__path__, "cleanup."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for test in finder.find(module):
            runner.run(test)
    assert runner.failures == 0 and runner.tries >= 4


def _help_options(*command: str) -> set[str]:
    from typer.testing import CliRunner

    from cleanup.cli import app

    out = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
    return set(regex.findall(r"(?<![\w-])(--[a-z][a-z-]*[a-z])", out)) - {"--help"}


@pytest.mark.parametrize("command", [("fix",), ("check",), ("explain",), ("eval",), ("glossary", "test"),
                                     ("glossary", "list"), ("glossary", "show"), ("glossary", "lint"),
                                     ("glossary", "add"), ("glossary", "fmt"), ("glossary", "import"),
                                     ("glossary", "export"), ("glossary", "coverage"), ("model", "add"),
                                     ("review",), ("apply",), ("glossary", "learn"), ()])
def test_every_option_is_documented(command):
    documented = set(regex.findall(r"(?<![\w-])(--[a-z][a-z-]*[a-z])", README))
    missing = {o for o in _help_options(*command) if o not in documented
               and o.replace("--no-", "--") not in documented and o.replace("--", "--no-", 1) not in documented}
    assert not missing, f"cleanup {' '.join(command)}: undocumented {sorted(missing)}"


def test_documented_fix_options_exist():
    table = README[README.index("### `cleanup fix"):README.index("### `cleanup check")]
    documented = set(regex.findall(r"`(--[a-z][a-z-]*[a-z])", table))
    real = _help_options("fix")
    assert documented <= real | {o.replace("--no-", "--") for o in real}, documented - real


def test_quoted_glossary_counts_are_current(cleaner):
    counts = {code: len(pack.entries) for code, pack in cleaner.packs.items()}
    total = sum(counts.values())
    assert f"{total:,} entries ({counts['en']:,} for English-target text, {counts['fr']:,} for French-target" in README
