"""A batch run: units streamed to an executor, outcomes taken back in input order, JSONL
outputs appended and put in place, every finished unit journaled, totals for the summary."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from ..errors import CleanupError, UsageError
from ..inputs import Item
from .executors import ordered
from .journal import Done, Journal, run_key
from .outputs import JsonlWriter, ToDir, part_path, remove_stale_temps
from .units import Begin, End, Failure, FileUnit, Job, Outcome, Stats, read_chunks

SUMMARY_SCHEMA = "cleanup.summary/1"


@dataclass
class Totals:
    """The whole batch: what the summary reports."""

    stats: Stats = field(default_factory=Stats)
    inputs: int = 0
    failures: int = 0
    internal: int = 0
    findings: bool = False
    resumed: int = 0  # inputs taken from the journal
    started: float = field(default_factory=time.monotonic)

    def summary(self, command: str, workers: int, engine: str) -> dict[str, Any]:
        seconds = time.monotonic() - self.started
        s = self.stats
        data = {"schema": SUMMARY_SCHEMA, "command": command, "inputs": self.inputs, **s.to_dict(),
                "errors": self.failures, "internal_errors": self.internal,
                "resumed_inputs": self.resumed, "workers": workers, "engine": engine,
                "seconds": round(seconds, 3),
                "articles_per_second": round(s.articles / seconds, 1) if seconds > 0 else None}
        return data


class Batch:
    """A planned batch: ``outcomes(executor)`` runs it and yields each unit's outcome in input
    order (printing them is the caller's business); ``totals`` adds them up; ``on_failure``
    gets every failure in order, those a resumed run takes from the journal included;
    ``on_progress`` gets (articles, inputs, bytes) as they are done. Nothing is written
    before ``outcomes`` runs."""

    def __init__(self, items: list[Item], job: Job, cleaner_args: dict, *, resume: bool = False,
                 on_failure: Callable[[Failure], None] = lambda f: None,
                 on_progress: Callable[[int, int, int], None] = lambda articles, inputs, nbytes: None):
        self.items, self.job = items, job
        self.on_failure, self.on_progress = on_failure, on_progress
        self.totals = Totals()
        self.journal: Journal | None = None
        if isinstance(job.target, ToDir) and job.command == "fix":
            self.journal = Journal(job.target.folder, run_key(items, job, cleaner_args), resume)
        elif resume:
            raise UsageError("--resume goes with --output-dir (the journal lives there)")

    @property
    def interrupted_run_found(self) -> bool:
        """An interrupted run's journal is in the output folder (this run replaces it)."""
        return bool(self.journal and self.journal.found_other)

    def _add(self, stats: Stats, failures: list[Failure], findings: bool) -> None:
        self.totals.stats.merge(stats)
        self.totals.findings |= findings
        for failure in failures:
            self.totals.failures += 1
            self.totals.internal += failure.internal
            self.on_failure(failure)

    def _stream(self) -> Iterator:
        """Units and markers in input order, without what the journal says is done."""
        journal = self.journal.done if self.journal else {}
        limit = int(self.job.max_mb * 1024 * 1024)
        for index, item in enumerate(self.items):
            done = journal.get(index)
            if done is not None and done.finished:
                yield ("journal", index, done)
            elif item.path == "-" and not self.job.jsonl:
                yield FileUnit(index, item, sys.stdin.buffer.read(limit + 1))
            elif not self.job.jsonl or item.error:
                yield FileUnit(index, item)
            elif done is not None and done.written and _kept(part_path(self.job.target.destination(item)),
                                                             done.written):
                yield ("journal", index, done)  # the chunks done so far
                yield from read_chunks(index, item, self.job, done.skip, done.line, done.written)
            else:
                yield from read_chunks(index, item, self.job)

    def outcomes(self, executor) -> Iterator[Outcome]:
        """Run the batch on ``executor`` (closed at the end)."""
        writer: JsonlWriter | None = None
        complete = False
        try:
            if self.journal:
                remove_stale_temps(self.items, self.job.target)
            for element in ordered(self._stream(), executor.submit, executor.window):
                if isinstance(element, tuple):
                    self._replay(*element[1:])
                elif isinstance(element, Begin):
                    if self.job.writes:
                        if self.journal and not element.written:
                            self.journal.record(element.index, start=True)
                        writer = JsonlWriter(self.job, element.item, element.written)
                elif isinstance(element, End):
                    self._end(element, writer)
                    writer = None
                else:
                    self._add(element.stats, element.failures, element.findings)
                    yield element
                    self._done(element, writer)
            complete = True
        finally:
            if writer is not None:  # interrupted mid-file: the partial output stays for --resume
                writer.close()
            executor.close()
            if self.journal:
                self.journal.close(complete)

    def _replay(self, index: int, done: Done) -> None:
        """What the journal says was done: counted (and its failures reported) again."""
        self._add(done.stats, done.failures, done.findings)
        if done.finished:
            self.totals.inputs += 1
            self.totals.resumed += 1
            self.on_progress(done.stats.articles, 1, _size(self.items[index].path))
        else:
            self.on_progress(done.stats.articles, 0, done.skip)

    def _done(self, outcome: Outcome, writer: JsonlWriter | None) -> None:
        if outcome.chunk is None:  # a file (written by the worker)
            self.totals.inputs += 1
            if self.journal:
                self.journal.record(outcome.index, outcome)
            self.on_progress(outcome.stats.articles, 1, 0)
            return
        start, end, line = outcome.chunk
        if writer is not None:
            writer.changed |= outcome.changed
            size = writer.append(outcome.data)
            if self.journal:
                self.journal.record(outcome.index, outcome, **{"in": end, "line": line, "out": size})
        self.on_progress(outcome.stats.articles, 0, end - start)

    def _end(self, end: End, writer: JsonlWriter | None) -> None:
        """A JSONL file is read to its end (or could not be read)."""
        self.totals.inputs += 1
        failure = end.failure
        if failure is not None and writer is not None:
            writer.abort()
        elif writer is not None:
            try:
                writer.commit()
            except CleanupError as exc:
                failure = Failure(end.item.display, str(exc))
        if failure is not None:
            outcome = Outcome(failures=[failure], stats=Stats(failed=1))
            self._add(outcome.stats, outcome.failures, False)
            if self.journal:
                self.journal.record(end.index, outcome)
        if self.journal:
            self.journal.record(end.index, end=True)
        self.on_progress(0, 1, 0)


def _kept(part: Path, size: int) -> bool:
    """The partial output a journal counts on is still there."""
    try:
        return part.stat().st_size >= size
    except OSError:
        return False


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
