"""The journal of a batch writing to an output folder: what a run has finished, to resume it.

``DIR/.cleanup-journal`` holds a header naming the run (inputs, options, glossary bytes,
version), then one JSON line per finished unit, appended after its output is in place.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..inputs import Item
from .units import Failure, Job, Outcome, Stats

JOURNAL = ".cleanup-journal"
JOURNAL_SCHEMA = "cleanup.journal/1"


def run_key(items: list[Item], job: Job, cleaner_args: dict) -> str:
    """What makes two runs the same run: the inputs, what is done to them, the glossaries'
    bytes and the tool's version. Printing options (format, colour) do not count."""
    from .. import __version__
    from ..resources import bundled_dir

    h = hashlib.sha256()
    settings = {k: getattr(job, k) for k in ("command", "lang", "encoding", "max_mb", "jsonl", "text_field",
                                              "id_field", "source_field", "model", "on_error")}
    settings["target"] = repr(job.target)
    settings["source_text"] = hashlib.sha256((job.source_text or "").encode("utf-8", "surrogatepass")).hexdigest()
    settings["cleaner"] = repr(sorted((k, repr(v)) for k, v in cleaner_args.items()))
    h.update(json.dumps([__version__, settings], sort_keys=True).encode())
    folders = [bundled_dir(), *map(Path, cleaner_args.get("glossary_dirs", []))]
    files = [p for d in folders for p in sorted(Path(d).rglob("*.toml"))]
    for path in [*files, *map(Path, cleaner_args.get("extra_glossaries", []))]:
        h.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            pass
    for item in items:
        h.update(f"{item.path}\0{item.rel}\0{item.error}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


@dataclass
class Done:
    """What the journal says about one input."""

    finished: bool = False
    stats: Stats = field(default_factory=Stats)
    failures: list[Failure] = field(default_factory=list)
    findings: bool = False
    skip: int = 0  # JSONL: input bytes done
    line: int = 1
    written: int = 0  # JSONL: output bytes kept


class Journal:
    """What a run writing to ``folder`` has finished. Reading it (``resume``) writes nothing;
    the file is (re)written from the first ``record``. A line cut by a kill is ignored."""

    def __init__(self, folder: Path, key: str, resume: bool):
        self.folder = folder
        self.path = folder / JOURNAL
        self.key = key
        self.done: dict[int, Done] = {}
        self.found_other = False  # an interrupted run's journal, replaced by this run
        self.keep = 0  # bytes of the old journal this run continues
        self.fh = None
        if self.path.is_file():
            if resume:
                self._load()
            else:
                self.found_other = True

    def _load(self) -> None:
        data = self.path.read_bytes()
        complete = data[: data.rfind(b"\n") + 1]
        lines = complete.decode("utf-8", "replace").splitlines()
        try:
            header = json.loads(lines[0]) if lines else {}
        except ValueError:
            header = {}
        if header.get("schema") != JOURNAL_SCHEMA:
            raise UsageError(f"{self.path}: not a cleanup journal; remove it to start over")
        if header.get("key") != self.key:
            raise UsageError(f"{self.path}: written by a run with other inputs, options or glossaries; "
                             "remove it (or drop --resume) to start over")
        self.keep = len(complete)
        for text in lines[1:]:
            entry = json.loads(text)
            index = entry["u"]
            if entry.get("start"):
                self.done[index] = Done()
                continue
            done = self.done.setdefault(index, Done())
            if entry.get("end"):
                done.finished = True
                continue
            done.stats.merge(Stats.from_dict(entry["stats"]))
            done.failures += [Failure.from_dict(f) for f in entry["failures"]]
            done.findings |= entry["findings"]
            if "in" in entry:
                done.skip, done.line, done.written = entry["in"], entry["line"], entry["out"]
            else:
                done.finished = True

    def record(self, index: int, outcome: Outcome | None = None, **extra) -> None:
        """Append that unit ``index`` is done (its counts and failures from ``outcome``)."""
        if self.fh is None:
            try:
                if self.keep:
                    with open(self.path, "r+b") as fh:
                        fh.truncate(self.keep)
                else:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    self.path.write_text(json.dumps({"schema": JOURNAL_SCHEMA, "key": self.key}) + "\n",
                                         encoding="utf-8")
                self.fh = open(self.path, "a", encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{self.path}: cannot write the journal: {exc.strerror or exc}") from None
        entry: dict[str, Any] = {"u": index, **extra}
        if outcome is not None:
            entry.update(stats=outcome.stats.to_dict(), failures=[f.to_dict() for f in outcome.failures],
                         findings=outcome.findings)
        self.fh.write(json.dumps(entry, ensure_ascii=True) + "\n")
        self.fh.flush()

    def close(self, complete: bool) -> None:
        """A complete run removes the journal (an uninterrupted run leaves none either)."""
        if self.fh is not None:
            self.fh.close()
        if complete and self.path.is_file():
            os.unlink(self.path)
