"""Kill tests for batches: a run killed with SIGKILL (or interrupted with Ctrl-C) mid-batch,
then resumed with --resume, leaves exactly what an uninterrupted run leaves, byte for byte:
no article redone into a duplicate, none lost, the errors file the same."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanup.cli import main

from .conftest import ROOT

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
ARTEFACT = "Officials feared more military climbing after the missile strikes; talks on de -escalation went on."
CLEAN = "The two leaders met in Geneva on Monday and agreed to meet again next month."


def corpus(root: Path, files: int, records: int) -> Path:
    src = root / "in"
    for k in range(files):
        folder = src / f"{k % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{k:03}.txt").write_text(((ARTEFACT if k % 2 else CLEAN) + "\n") * 30, encoding="utf-8")
    (src / "0" / "bad.txt").write_bytes(b"\xff\xfe")
    lines = [json.dumps({"id": k, "text": " ".join([ARTEFACT if k % 3 else CLEAN] * 10)}) for k in range(records)]
    lines[records // 2] = '{"id": "broken", "text": '
    (src / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def command(src: Path, out: Path, jsonl: bool, *extra: str) -> list[str]:
    pick = ["--jsonl", "--glob", "*.jsonl", "--id-field", "id"] if jsonl else ["--glob", "*.txt"]
    return ["fix", str(src), *pick, "--output-dir", str(out), "--errors", str(out.parent / f"{out.name}.errors"),
            "--lang", "en", "--on-error", "copy", *extra]


def journal_lines(out: Path) -> int:
    try:
        return (out / ".cleanup-journal").read_bytes().count(b"\n")
    except OSError:
        return 0


def interrupt(args: list[str], out: Path, after: int, sig: int) -> bool:
    """Start the run, wait until the journal holds ``after`` finished units, send ``sig`` to
    the whole process group (workers included). False when the run had just finished on its
    own when the signal was sent (exit status 2: the corpus holds a bad file)."""
    proc = subprocess.Popen([sys.executable, "-m", "cleanup", *args], env=ENV, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while journal_lines(out) < after + 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, sig)
    return proc.wait(timeout=60) != 2


def check_resumed(tmp_path: Path, src: Path, jsonl: bool, cuts: list[tuple[int, int]], jobs: str) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert main(command(src, whole, jsonl, "-j", "1")) == 2
    interrupted = 0
    for after, sig in cuts:
        if interrupt(command(src, cut, jsonl, "-j", jobs, "--resume"), cut, after, sig):
            interrupted += 1
            assert (cut / ".cleanup-journal").exists()
    assert interrupted >= 1
    r = subprocess.run([sys.executable, "-m", "cleanup", *command(src, cut, jsonl, "-j", jobs, "--resume")],
                       env=ENV, capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert tree(cut) == tree(whole)
    assert (tmp_path / "cut.errors").read_bytes() == (tmp_path / "whole.errors").read_bytes()


@pytest.mark.parametrize("jsonl", [False, True], ids=["files", "jsonl"])
def test_killed_batch_resumes_to_the_uninterrupted_result(tmp_path, jsonl):
    src = corpus(tmp_path, files=16, records=140)  # 16 files; or 3 chunks of 64 records
    check_resumed(tmp_path, src, jsonl, [(1 if jsonl else 5, signal.SIGKILL)], "1")


@pytest.mark.slow
@pytest.mark.parametrize("jsonl", [False, True], ids=["files", "jsonl"])
def test_batch_killed_again_and_again(tmp_path, jsonl):
    src = corpus(tmp_path, files=60, records=1500)
    rng = random.Random(3)
    cuts, done = [], 0
    for _ in range(4):
        done += rng.randint(1, 4)
        cuts.append((done, rng.choice([signal.SIGKILL, signal.SIGINT])))
    check_resumed(tmp_path, src, jsonl, cuts, "2")
