"""The CLI side of a batch: which inputs, which executor, what is printed where.

The work is ``cleanup.batch`` (per-unit function, outputs, journal) and ``cleanup.inputs``
(files, folders, lists). Here: outputs printed in input order, failures on stderr and in the
errors file, the progress bar (rich, imported only when it is shown), the summary, and the
exit status (the worst wins: 0 clean, 1 findings, 2 an input failed, 3 an internal error).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from ..batch import Batch, Failure, Job, PoolExecutor, SerialExecutor, Stdout, cores, plan_outputs
from ..errors import UsageError
from ..inputs import Item, collect, read_list
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERNAL

START_METHOD: str | None = None  # multiprocessing start method of the pool (None: the platform's)
# By default a batch runs on all cores when it is large enough to repay starting the workers
# (each loads the glossaries of the languages it meets, about half a second each).
PARALLEL_INPUTS = 16
PARALLEL_JSONL_BYTES = 1 << 20


@dataclass(frozen=True)
class Options:
    """How a batch runs (what it does is the ``Job``)."""

    jobs: int = 0  # 0: all cores for a large enough batch
    engine: str = "local"
    scheduler: str | None = None
    resume: bool = False
    errors: str | None = None  # JSON lines, one per failure
    summary: str | None = None  # the summary as JSON ("-": stderr)
    quiet: bool = False


def read_inputs(names: list[str], from_list: str | None = None, null: bool = False, max_mb: float = 64,
                include: list[str] = (), exclude: list[str] = ()) -> list[Item]:
    """The batch's inputs: names given, then those of ``--from-list``; folders walked."""
    names = list(names)
    if from_list is not None:
        listed = read_list(from_list, null, max_mb)
        if from_list == "-" and "-" in names + listed:
            raise UsageError("stdin ('-') cannot be both the list of inputs and an input")
        names += listed
    elif null:
        raise UsageError("-0/--null goes with --from-list")
    if not names:
        raise UsageError("no input files")
    return collect(names, list(include), list(exclude))


def _workers(options: Options, items: list[Item], job: Job) -> int:
    if options.jobs:
        return options.jobs
    if len(items) >= PARALLEL_INPUTS:
        return cores()
    if job.jsonl:
        import os

        size = sum(os.stat(i.path).st_size for i in items if i.path != "-" and os.path.isfile(i.path))
        return cores() if size >= PARALLEL_JSONL_BYTES else 1
    return 1


def _executor(options: Options, workers: int, cleaner, cleaner_args: dict, job: Job):
    if options.engine == "dask":
        if not options.scheduler:
            raise UsageError("--engine dask needs --scheduler ADDRESS (e.g. tcp://host:8786)")
        from ..batch.dask_engine import DaskExecutor

        return DaskExecutor(options.scheduler, cleaner, job)
    if options.scheduler:
        raise UsageError("--scheduler goes with --engine dask")
    if workers > 1:
        return PoolExecutor(workers, cleaner, cleaner_args, job, START_METHOD)
    return SerialExecutor(cleaner, job)


def run(items: list[Item], job: Job, cleaner, cleaner_args: dict, options: Options = Options()) -> int:
    """Process every input, print outputs in input order; the worst status wins. One bad
    input (or JSONL record) is reported on stderr (and in ``--errors``) and the others go on."""
    extra = [(flag, path) for flag, path in (("--errors", options.errors), ("--summary", options.summary))
             if path and path != "-"]
    plan_outputs(items, job, extra)
    workers = _workers(options, items, job) if options.engine == "local" else 0
    batch_run = len(items) > 1 or job.jsonl
    progress = _Progress(items, job) if batch_run and not options.quiet and _show_progress(job) else None
    errors = None

    def failed(failure: Failure) -> None:
        sys.stderr.write(failure.message())
        if errors:
            errors.write(json.dumps(failure.to_dict()) + "\n")
            errors.flush()

    batch = Batch(items, job, cleaner_args, resume=options.resume, on_failure=failed,
                  on_progress=progress.advance if progress else _ignore)
    executor = _executor(options, workers, cleaner, cleaner_args, job)
    outcomes = batch.outcomes(executor)
    json_out = _JsonStream(sys.stdout) if job.fmt == "json" else None
    skipped = ""
    try:
        errors = open(options.errors, "w", encoding="utf-8") if options.errors else None
        if batch.interrupted_run_found:
            sys.stderr.write(f"cleanup: note: {job.target.folder} held an interrupted run's journal; "
                             "starting over (--resume continues a run)\n")
        if progress:
            progress.start()
        for outcome in outcomes:
            sys.stderr.write(outcome.notes)
            if outcome.out:
                sys.stdout.flush()
                sys.stdout.buffer.write(outcome.out)
                sys.stdout.buffer.flush()
            if json_out:
                json_out.add(outcome.json)
            skipped = skipped or outcome.skipped
    except KeyboardInterrupt:
        outcomes.close()
        hint = "; run the same command with --resume to continue" if batch.journal else ""
        sys.stderr.write(f"cleanup: error: interrupted{hint}\n")
        return 130
    finally:
        outcomes.close()
        executor.close()  # also when the run never started
        if progress:
            progress.stop()
        if json_out:
            json_out.close()
        if errors:
            errors.close()
    if skipped:
        sys.stderr.write(f"cleanup: {skipped}\n")  # once per run
    totals = batch.totals
    summary = totals.summary(job.command, executor.workers, options.engine)
    if options.summary == "-":
        sys.stderr.write(json.dumps(summary) + "\n")
    elif options.summary:
        from ..textio import write_atomic

        write_atomic(options.summary, (json.dumps(summary, indent=2) + "\n").encode())
    if batch_run and not options.quiet and sys.stderr.isatty():
        sys.stderr.write(summary_text(summary))
    status = EXIT_FINDINGS if totals.findings else EXIT_CLEAN
    if totals.failures > totals.internal:
        status = EXIT_ERROR
    if totals.internal:
        status = EXIT_INTERNAL
    return status


def _ignore(*args: Any) -> None:
    pass


def _show_progress(job: Job) -> bool:
    """On a terminal, unless the terminal is also where the results are printed."""
    prints = job.fmt != "text" or job.command == "check" or isinstance(job.target, Stdout)
    return sys.stderr.isatty() and not (prints and sys.stdout.isatty())


def summary_text(summary: dict) -> str:
    def counts(by_rule: dict) -> str:
        return ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items(), key=lambda kv: -kv[1])) or "none"

    s = summary
    rate = f", {s['articles_per_second']:,.0f} articles/s" if s["articles_per_second"] else ""
    lines = [f"cleanup: {s['articles']:,} articles from {s['inputs']:,} input(s), {s['changed']:,} changed, "
             f"{s['errors']:,} error(s); {s['seconds']:.1f} s{rate}"]
    if s["command"] == "fix":
        lines.append(f"  edits: {counts(s['edits'])}")
        lines.append(f"  flags: {counts(s['flags'])}")
    else:
        lines.append(f"  findings: {counts(s['findings'])}")
    return "\n".join(lines) + "\n"


class _Progress:
    """A rich progress bar on stderr: articles, articles/s, ETA (by inputs, or by bytes for
    JSONL, whose article count is not known in advance)."""

    def __init__(self, items: list[Item], job: Job):
        import os
        import time

        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self.by_bytes = job.jsonl
        if self.by_bytes:
            sizes = [os.stat(i.path).st_size if i.path != "-" and os.path.isfile(i.path) else 0 for i in items]
            total = sum(sizes) or None
        else:
            total = len(items)
        self.articles, self.started, self.time = 0, time.monotonic(), time.monotonic
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.fields[articles]:,} articles"),
                            TextColumn("{task.fields[rate]:,.0f} articles/s"), TimeRemainingColumn(),
                            console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task("cleanup", total=total, articles=0, rate=0.0)

    def start(self) -> None:
        self.bar.start()

    def stop(self) -> None:
        self.bar.stop()

    def advance(self, articles: int, inputs: int, nbytes: int) -> None:
        self.articles += articles
        elapsed = max(self.time() - self.started, 1e-6)
        self.bar.update(self.task, advance=nbytes if self.by_bytes else inputs, articles=self.articles,
                        rate=self.articles / elapsed)


class _JsonStream:
    """``{"schema": "cleanup.results/1", "results": [...]}`` written as results arrive: the
    same shape for one input or many, and memory independent of the batch size."""

    def __init__(self, stream):
        self.stream = stream
        self.count = 0
        self.opened = False

    def add(self, items: list[str]) -> None:
        if not self.opened:
            self.stream.write('{"schema": "cleanup.results/1", "results": [')
            self.opened = True
        for item in items:
            self.stream.write(("," if self.count else "") + "\n" + item)
            self.count += 1

    def close(self) -> None:
        if self.opened:
            self.stream.write("\n]}\n")
            self.stream.flush()
