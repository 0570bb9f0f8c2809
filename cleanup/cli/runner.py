"""Running a command over its inputs: one per file (or JSONL file), in order, in worker
processes when asked; where the corrected text goes (output targets); what is printed.

Workers get the ``Cleaner``'s construction arguments and build it once each, in the pool's
initializer, so the pool works with the ``spawn`` start method as well as ``fork``. One bad
input never stops a batch: it is reported on stderr and the worst status wins.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CleanupError, UsageError
from ..result import Result
from ..textio import Source, read_source, resolve_in_place, write_atomic
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, EXIT_INTERNAL

# -- where the corrected text goes ---------------------------------------------------------


@dataclass(frozen=True)
class Stdout:
    """The corrected text is printed."""

    def write(self, path: str, source: Source, data: bytes, changed: bool) -> bytes:
        return data


@dataclass(frozen=True)
class ToFile:
    """``-o FILE``: one input, written atomically."""

    path: str

    def write(self, path: str, source: Source, data: bytes, changed: bool) -> bytes:
        write_atomic(self.path, data)
        return b""


@dataclass(frozen=True)
class InPlace:
    """``--in-place``: each input rewritten atomically when it changed, optionally backed up."""

    backup: str | None = None
    follow_symlinks: bool = False

    def write(self, path: str, source: Source, data: bytes, changed: bool) -> bytes:
        target = resolve_in_place(path, self.follow_symlinks)
        if changed:
            if self.backup:
                write_atomic(str(target) + self.backup, source.encode(source.text))
            write_atomic(target, data)
        return b""


@dataclass(frozen=True)
class ToDir:
    """``--output-dir DIR``: each corrected file written into DIR under its own name."""

    folder: Path

    def write(self, path: str, source: Source, data: bytes, changed: bool) -> bytes:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / Path(path).name, data)
        return b""


# -- one input -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """What to do with each input (picklable: it travels to worker processes)."""

    command: str  # "fix" or "check"
    lang: str | None = None
    encoding: str = "utf-8"
    max_mb: float = 64
    jsonl: bool = False
    text_field: str = "text"
    fmt: str = "text"  # fix: text | diff | word-diff | json; check: lines | json
    check: bool = False  # fix --check: exit 1 when anything would change
    color: bool = False
    target: Any = Stdout()
    source_text: str | None = None  # fix --source
    model: str | None = None


@dataclass
class Outcome:
    """What one input produced; printed by the parent in input order."""

    status: int = EXIT_CLEAN
    out: bytes = b""
    err: str = ""
    json: list[str] = field(default_factory=list)  # one serialised result per article
    skipped: str = ""  # why re-translation was skipped, if it was


def analyse(cleaner, source: Source, task: Task) -> tuple[str, list[tuple[str, Result]]]:
    """The corrected text of one input and its results: one, or one per JSONL record (named
    ``path[line]``; offsets then refer to that record's text)."""
    if not task.jsonl:
        result = cleaner.fix(source.text, task.lang, source=task.source_text, model=task.model)
        return result.output, [(source.name, result)]
    from ..jsonl import clean_jsonl

    output, records = clean_jsonl(source.text, source.name, cleaner, task.text_field, task.lang)
    return output, [(f"{source.name}[{rec.line}]", rec.result) for rec in records]


def process(cleaner, task: Task, path: str) -> Outcome:
    from .. import render

    source = read_source(path, task.encoding, task.max_mb)
    output_text, items = analyse(cleaner, source, task)
    done = Outcome()
    done.err = "".join(f"cleanup: {name}: {note}\n" for name, r in items for note in r.notes)
    if task.command == "check":
        done.status = EXIT_FINDINGS if any(r.findings for _, r in items) else EXIT_CLEAN
        if task.fmt == "json":
            done.json = [render.result_json(r, name) for name, r in items]
        else:
            done.out = "".join(render.finding_lines(r, name, task.color) for name, r in items).encode()
        return done
    skipped = [r.model_skipped for _, r in items if r.model_skipped]
    if skipped:
        done.skipped = f"re-translation skipped: {skipped[0]}"
    elif task.source_text is None and any(not f.fixable for _, r in items for f in r.findings):
        done.skipped = "re-translation skipped: no --source given; suspect spans were only flagged"
    changed = output_text != source.text
    data = source.encode(output_text)
    printed = task.target.write(path, source, data, changed)
    if task.fmt == "json":
        done.json = [render.result_json(r, name) for name, r in items]
    elif task.fmt == "diff":
        done.out = render.unified_diff(source.text, output_text, source.name, task.color).encode()
    elif task.fmt == "word-diff":
        done.out = "".join(render.word_diff(r, name, task.color) for name, r in items).encode()
    else:
        done.out = printed
    done.status = EXIT_FINDINGS if task.check and changed else EXIT_CLEAN
    return done


# -- many inputs, maybe in workers ---------------------------------------------------------

_WORKER: dict[str, Any] = {}  # this process's Cleaner and Task (set by the pool initializer)


def _init_worker(cleaner_args: dict, task: Task) -> None:
    from ..pipeline import Cleaner

    _WORKER["cleaner"] = Cleaner(**cleaner_args)
    _WORKER["task"] = task


def _work(path: str) -> Outcome | CleanupError:
    try:
        return process(_WORKER["cleaner"], _WORKER["task"], path)
    except CleanupError as exc:
        return exc
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # a bug: reported for this input, the batch goes on
        name = "<stdin>" if path == "-" else path
        return Outcome(status=EXIT_INTERNAL,
                       err=f"cleanup: internal error: {name}: {type(exc).__name__}: {exc}\n")


def run(paths: list[str], task: Task, cleaner, cleaner_args: dict, jobs: int = 1) -> int:
    """Process every input (in ``jobs`` worker processes when asked), print outputs in input
    order; the worst status wins. With several inputs an error is reported on stderr and the
    other inputs still run (status 2)."""
    status = EXIT_CLEAN
    skipped: list[str] = []
    json_out = _JsonStream(sys.stdout) if task.fmt == "json" else None
    pool = None
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(min(jobs, len(paths)), initializer=_init_worker,
                                   initargs=(cleaner_args, task))
        outcomes = pool.map(_work, paths, chunksize=8)
    else:
        _WORKER.update(cleaner=cleaner, task=task)
        outcomes = map(_work, paths)
    try:
        for outcome in outcomes:
            if isinstance(outcome, CleanupError):
                if len(paths) == 1:
                    raise outcome
                sys.stderr.write(f"cleanup: error: {outcome}\n")
                status = max(status, EXIT_ERROR)
                continue
            sys.stderr.write(outcome.err)
            if outcome.out:
                sys.stdout.flush()
                sys.stdout.buffer.write(outcome.out)
                sys.stdout.buffer.flush()
            if json_out:
                json_out.add(outcome.json)
            status = max(status, outcome.status)
            if outcome.skipped:
                skipped.append(outcome.skipped)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if json_out:
            json_out.close()
    if skipped:
        sys.stderr.write(f"cleanup: {skipped[0]}\n")  # once per run
    return status


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


def read_inputs(paths: list[str], from_list: Path | None) -> list[str]:
    out = list(paths)
    if from_list is not None:
        if str(from_list) == "-":
            text = sys.stdin.read()
        else:
            text = read_source(str(from_list)).text
        out.extend(line.strip() for line in text.splitlines() if line.strip())
    if not out:
        raise UsageError("no input files")
    if out.count("-") > 1:
        raise UsageError("'-' (stdin) can be given once")
    return out
