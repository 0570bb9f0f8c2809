"""Kill tests: a process rewriting a file in place is killed at random points many times;
the file is always either the old or the new text, never partial."""

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
LOOP = """
import sys
from cleanup.textio import write_atomic
path = sys.argv[1]
old, new = b"O" * 2_000_000 + b"\\n", b"N" * 3_000_000 + b"\\n"
k = 0
while True:
    write_atomic(path, new if k % 2 else old)
    k += 1
"""


def _kill_after(proc: subprocess.Popen, delay: float) -> None:
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_write_atomic_killed_at_random_points(tmp_path):
    path = tmp_path / "article.txt"
    old, new = b"O" * 2_000_000 + b"\n", b"N" * 3_000_000 + b"\n"
    path.write_bytes(old)
    rng = random.Random(1)
    for _ in range(40):
        proc = subprocess.Popen([sys.executable, "-c", LOOP, str(path)], env=ENV)
        _kill_after(proc, rng.uniform(0.05, 0.4))
        assert path.read_bytes() in (old, new)


@pytest.mark.slow
def test_fix_in_place_killed_at_random_points(tmp_path):
    unit = "Officials feared more military climbing after the missile strikes, 7,5 % more.\n"
    original = (unit * 20_000).encode()  # ~1.4 MB: the run takes long enough to be cut anywhere
    fixed = original.replace(b"climbing", b"escalation").replace(b"7,5 %", b"7.5%")
    path = tmp_path / "article.txt"
    rng = random.Random(2)
    outcomes = set()
    for _ in range(10):
        path.write_bytes(original)
        proc = subprocess.Popen([sys.executable, "-m", "cleanup", "fix", str(path), "--in-place", "--lang", "en"],
                                env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _kill_after(proc, rng.uniform(0.2, 3.0))
        data = path.read_bytes()
        assert data in (original, fixed)
        outcomes.add(data == fixed)
    path.write_bytes(original)
    done = subprocess.run([sys.executable, "-m", "cleanup", "fix", str(path), "--in-place", "--lang", "en"], env=ENV)
    assert done.returncode == 0 and path.read_bytes() == fixed
