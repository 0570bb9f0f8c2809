"""A wheel built from a clean checkout installs into a fresh virtual environment in another
folder and cleans the founding article with the bundled glossaries.

The quick test installs the wheel without dependencies and lends the test environment's
site-packages for them (a path line, so the test environment's own editable install is not
visible); the slow test (``make test-slow``, CI) installs the wheel with its dependencies from
the package index, as a user does, and runs the whole glossary self-test there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .conftest import ROOT, SEED

BUILD_TIMEOUT = 600


def _clean_checkout(dest: Path) -> Path:
    """The committed tree plus working-tree changes, without build leftovers."""
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", "build", "dist",
                                    ".pytest_cache", ".hypothesis", ".pytest-data", "bench")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = _clean_checkout(tmp_path_factory.mktemp("checkout") / "cleanup")
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(src)],
                       capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    (found,) = out.glob("cleanup-*.whl")
    return found


def _venv(path: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    return path / "bin"


def _run(bindir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, env=env, timeout=BUILD_TIMEOUT)


def _assert_cleans_seed(bindir: Path, work: Path) -> None:
    (work / "article.txt").write_bytes(SEED.read_bytes())
    where = _run(bindir, str(bindir / "python"), "-c", "import cleanup, sys; print(cleanup.__file__)", cwd=work)
    assert where.returncode == 0, where.stderr
    assert str(bindir.parent) in where.stdout, where.stdout  # the installed copy, not the checkout
    r = _run(bindir, "cleanup", "fix", "article.txt", "-o", "clean.txt", cwd=work)
    assert r.returncode == 0, r.stderr
    fixed = (work / "clean.txt").read_text(encoding="utf-8")
    assert "British Foreign Secretary" in fixed and "tit-for-tat" in fixed
    r = _run(bindir, "cleanup", "glossary", "list", cwd=work)
    assert r.returncode == 0 and "glossaries/en/core.toml" in r.stdout, r.stdout + r.stderr
    r = _run(bindir, "cleanup", "review", "article.txt", "--html", "page.html", cwd=work)  # package data
    assert r.returncode == 0 and "window.cleanupReview" in (work / "page.html").read_text(encoding="utf-8"), r.stderr


def test_wheel_carries_the_glossaries(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    bundled = {p.relative_to(ROOT).as_posix() for p in (ROOT / "glossaries").rglob("*.toml")}
    assert {f"cleanup/{n}" for n in bundled} <= names
    assert {"cleanup/html/page.html", "cleanup/html/review.css", "cleanup/html/review.js"} <= names
    assert not any(n.startswith(("tests/", "glossaries/")) for n in names)


def test_wheel_installs_and_cleans_outside_the_checkout(wheel, tmp_path):
    bindir = _venv(tmp_path / "venv")
    lend = Path(sysconfig.get_paths()["purelib"])  # dependencies only: a path line, no .pth processing
    site = Path(subprocess.check_output([str(bindir / "python"), "-c",
                                         "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "zz_lend_dependencies.pth").write_text(f"{lend}\n")
    r = _run(bindir, str(bindir / "python"), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "deprecat" not in (r.stdout + r.stderr).lower()
    work = tmp_path / "elsewhere"
    work.mkdir()
    _assert_cleans_seed(bindir, work)
    # A user's own glossary tested on its own, with the bundled language profiles.
    (work / "mine.toml").write_text(
        '[glossary]\nlang = "en"\ndomain = "mine"\n\n[[entry]]\nid = "frobnicate"\nterm = "widget"\n'
        'wrong = ["frobnicator"]\nmust_fire = ["The frobnicator broke."]\nmust_not_fire = ["The widget broke."]\n',
        encoding="utf-8")
    r = _run(bindir, "cleanup", "glossary", "test", "--no-bundled", "-g", "mine.toml", cwd=work)
    assert r.returncode == 0 and "1 entries, 0 failing" in r.stdout, r.stdout + r.stderr


@pytest.mark.slow
def test_wheel_installs_with_its_dependencies_and_passes_its_self_test(wheel, tmp_path):
    bindir = _venv(tmp_path / "venv")
    r = _run(bindir, str(bindir / "python"), "-m", "pip", "install", str(wheel), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "deprecat" not in (r.stdout + r.stderr).lower()
    work = tmp_path / "elsewhere"
    work.mkdir()
    _assert_cleans_seed(bindir, work)
    r = _run(bindir, "cleanup", "glossary", "test", cwd=work)
    assert r.returncode == 0 and " 0 failing examples" in r.stdout, r.stdout[-2000:] + r.stderr
