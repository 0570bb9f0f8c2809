"""Batch throughput and memory: articles/s for 1..N workers, and peak memory as the batch grows.

    python bench/bench_batch.py [--articles 400] [--records 2000 20000] [--json FILE]

Articles: the founding article and the annotated test articles (English and French), cycled
to --articles files in a folder and to --records JSONL records. Each run is the real command
(`cleanup fix DIR --output-dir OUT -j N`) in a fresh process, start-up included; peak memory
is the largest resident set of the main process and of any one worker, CPU time is the whole
process tree's (getrusage): on a shared machine, articles per CPU-second do not depend on the
load, articles/s do.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = """
import json, resource, sys, time
from cleanup.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({"code": code, "seconds": seconds, "cpu_seconds": sum(u.ru_utime + u.ru_stime for u in usage),
                  "main_mb": usage[0].ru_maxrss / 1024, "worker_mb": usage[1].ru_maxrss / 1024}), file=sys.stderr)
"""


def articles() -> list[str]:
    folders = [ROOT / "seeds", ROOT / "tests" / "corpus" / "en", ROOT / "tests" / "corpus" / "fr",
               ROOT / "tests" / "corpus" / "clean"]
    return [p.read_text(encoding="utf-8") for d in folders for p in sorted(d.glob("*.txt"))]


def run(args: list[str]) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), CLEANUP_NO_CONFIG="1")
    r = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env)
    return json.loads(r.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--records", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--json", type=Path)
    opts = parser.parse_args()
    texts = articles()
    cores = len(os.sched_getaffinity(0))
    results: dict = {"machine": f"{platform.machine()}, {cores} cores, load {os.getloadavg()[0]:.2f}",
                     "workers": [], "memory": []}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        for k in range(opts.articles):
            folder = src / f"{k % 10}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{k:05}.txt").write_text(texts[k % len(texts)], encoding="utf-8")
        size = sum(p.stat().st_size for p in src.rglob("*.txt")) / 1e6
        print(f"{results['machine']}; {opts.articles} articles, {size:.2f} MB, start-up included")
        for jobs in range(1, cores + 1):
            out = Path(tmp) / f"out{jobs}"
            r = run(["fix", str(src), "--output-dir", str(out), "-j", str(jobs), "-q"])
            rate = opts.articles / r["seconds"]
            results["workers"].append({"jobs": jobs, "articles_per_second": round(rate, 1), **r})
            print(f"fix folder -j {jobs}: {r['seconds']:6.2f} s  {rate:7.1f} articles/s  "
                  f"{opts.articles / r['cpu_seconds']:6.1f} articles/CPU-s  "
                  f"peak {r['main_mb']:.0f} MB main, {r['worker_mb']:.0f} MB per worker")
        for records in opts.records:
            feed = Path(tmp) / f"feed{records}.jsonl"
            with open(feed, "w", encoding="utf-8") as fh:
                for k in range(records):
                    fh.write(json.dumps({"id": k, "text": texts[k % len(texts)]}, ensure_ascii=False) + "\n")
            mb = feed.stat().st_size / 1e6
            for jobs in sorted({1, cores}):
                r = run(["fix", "--jsonl", str(feed), "-o", str(Path(tmp) / "out.jsonl"), "-j", str(jobs), "-q"])
                rate = records / r["seconds"]
                results["memory"].append({"records": records, "mb": round(mb, 1), "jobs": jobs,
                                          "articles_per_second": round(rate, 1), **r})
                print(f"fix JSONL {records:6} records ({mb:5.1f} MB) -j {jobs}: {r['seconds']:6.2f} s  "
                      f"{rate:7.1f} articles/s  {records / r['cpu_seconds']:6.1f} articles/CPU-s  "
                      f"peak {r['main_mb']:.0f} MB main, {r['worker_mb']:.0f} MB per worker")
    if opts.json:
        opts.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
