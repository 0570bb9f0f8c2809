"""Glossary maintenance timings, as a user runs them (one process per command, wall clock).

    python bench/bench_glossary.py [--runs 5]

- `cleanup glossary test my.toml`: one user file (the README's my.toml) tested with the
  bundled glossaries loaded (collisions both ways); the issue asks for under 3 seconds;
- `cleanup glossary test --no-bundled -g my.toml`: the same file alone;
- `cleanup glossary lint glossaries/`: every bundled glossary, examples included;
- `cleanup glossary test` (everything), for scale.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEANUP = Path(sys.executable).parent / "cleanup"


def readme_glossary(folder: Path) -> Path:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```toml\n(.*?)^```", readme, re.M | re.S) if 'domain = "newsroom"' in b]
    path = folder / "my.toml"
    path.write_text(block, encoding="utf-8")
    return path


def timed(args: list[str], cwd: Path, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        start = time.perf_counter()
        subprocess.run([str(CLEANUP), *args], cwd=cwd, capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(after.children_user + after.children_system - before.children_user - before.children_system)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        readme_glossary(folder)
        cases = [
            ("glossary test my.toml (bundled loaded)", ["glossary", "test", "my.toml"], args.runs),
            ("glossary test --no-bundled -g my.toml", ["glossary", "test", "--no-bundled", "-g", "my.toml"], args.runs),
            ("glossary lint glossaries/", ["glossary", "lint", str(ROOT / "glossaries")], 1),
            ("glossary test (all bundled entries)", ["glossary", "test"], 1),
        ]
        load = os.getloadavg()[0]
        print(f"median of runs, wall clock and CPU (user+sys) of the process; load average {load:.1f} on {os.cpu_count()} cores")
        for name, argv, runs in cases:
            wall, cpu = timed(argv, folder, runs)
            print(f"{name:<42} {wall:6.2f} s wall  {cpu:6.2f} s CPU  ({runs} run{'s' if runs > 1 else ''})")


if __name__ == "__main__":
    main()
