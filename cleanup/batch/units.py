"""What a batch works on and the per-article function.

A unit is one file (``FileUnit``) or consecutive records of a JSONL file (``ChunkUnit``, read
by the parent: ``read_chunks``). ``run_unit(cleaner, job, unit)`` is the same in this process,
in a local process pool and on Dask workers. One bad article never stops a batch: it becomes a
``Failure`` (path, line, id, reason), its bytes are copied through or left out
(``Job.on_error``) and the others go on.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..errors import CleanupError, InputError
from ..inputs import Item, shown
from ..textio import decode, read_source
from .outputs import InPlace, Stdout

CHUNK_RECORDS = 64  # JSONL records per unit of work (and of resumption)
CHUNK_BYTES = 4 << 20


@dataclass(frozen=True)
class Job:
    """What to do with each article (picklable: it travels to workers once)."""

    command: str  # "fix" or "check"
    lang: str | None = None
    encoding: str = "utf-8"
    max_mb: float = 64
    jsonl: bool = False
    text_field: str = "text"
    id_field: str | None = None
    source_field: str | None = None  # JSONL: the field holding each record's source-language original
    fmt: str = "text"  # fix: text | diff | word-diff | json; check: lines | json
    check: bool = False  # fix --check: "findings" when anything would change
    color: bool = False
    target: Any = Stdout()
    source_text: str | None = None  # fix --source (one article)
    model: str | None = None
    on_error: str = "skip"  # copy | skip: what a failed article's output gets

    @property
    def writes(self) -> bool:
        return self.command == "fix" and not isinstance(self.target, Stdout)

    @property
    def uses_model(self) -> bool:
        return self.command == "fix" and (self.source_text is not None or self.source_field is not None)


@dataclass(frozen=True)
class FileUnit:
    index: int  # the item's position in the batch
    item: Item
    data: bytes | None = None  # stdin, read by the parent (workers have no stdin)


@dataclass(frozen=True)
class ChunkUnit:
    """Consecutive records of a JSONL file: ``lines`` hold each raw line with its ending, or
    None for a line over the size limit (read past, not kept)."""

    index: int
    item: Item
    first_line: int
    start: int  # byte offsets of the chunk in the file
    end: int
    lines: tuple[bytes | None, ...]


@dataclass(frozen=True)
class Failure:
    """One input or record that could not be cleaned."""

    path: str
    reason: str
    line: int | None = None
    id: str | None = None
    internal: bool = False  # a bug, not the input's fault

    def message(self) -> str:
        """One line on stderr, whatever the path, id or reason hold."""
        where = shown(self.path) + (f":{self.line}" if self.line else "")
        ident = f" (id {shown(self.id)})" if self.id is not None else ""
        kind = "internal error" if self.internal else "error"
        reason = " ".join(self.reason.splitlines())
        return f"cleanup: {kind}: {where}{ident}: {reason}\n"

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "id": self.id, "error": self.reason,
                "internal": self.internal}

    @classmethod
    def from_dict(cls, data: dict) -> "Failure":
        return cls(data["path"], data["error"], data["line"], data["id"], data["internal"])


@dataclass
class Stats:
    """Counts that add up over a batch (never the results themselves)."""

    articles: int = 0
    changed: int = 0
    failed: int = 0
    edits: Counter = field(default_factory=Counter)  # by rule
    flags: Counter = field(default_factory=Counter)  # findings left for review, by rule
    findings: Counter = field(default_factory=Counter)  # every finding, by rule

    def add_result(self, result) -> None:
        self.articles += 1
        self.changed += result.changed
        self.edits.update(e.rule for e in result.edits)
        self.findings.update(f.rule for f in result.findings)
        self.flags.update(f.rule for f in result.findings if not f.fixable)

    def merge(self, other: "Stats") -> None:
        self.articles += other.articles
        self.changed += other.changed
        self.failed += other.failed
        self.edits.update(other.edits)
        self.flags.update(other.flags)
        self.findings.update(other.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "changed": self.changed, "failed": self.failed,
                "edits": dict(sorted(self.edits.items())), "flags": dict(sorted(self.flags.items())),
                "findings": dict(sorted(self.findings.items()))}

    @classmethod
    def from_dict(cls, data: dict) -> "Stats":
        return cls(data["articles"], data["changed"], data["failed"], Counter(data["edits"]),
                   Counter(data["flags"]), Counter(data["findings"]))


@dataclass
class Outcome:
    """What one unit produced, handed back in input order."""

    out: bytes = b""  # for stdout
    notes: str = ""  # for stderr
    json: list[str] = field(default_factory=list)  # one serialised result per article
    skipped: str = ""  # why re-translation was skipped, if it was
    findings: bool = False  # check: findings; fix --check: something would change
    changed: bool = False  # fix: an output differs from its input
    stats: Stats = field(default_factory=Stats)
    failures: list[Failure] = field(default_factory=list)
    data: bytes = b""  # JSONL: the chunk's output lines, for the output file
    chunk: tuple[int, int, int] | None = None  # JSONL: the chunk's input offsets and next line
    index: int = -1  # the input's position in the batch


def _reason(exc: BaseException, path: str) -> str:
    text = str(exc)
    for name in (path, "<stdin>"):
        if text.startswith(name + ": "):
            return text[len(name) + 2:]
    return text


def run_unit(cleaner, job: Job, unit: FileUnit | ChunkUnit) -> Outcome:
    """The per-article function: one file or one JSONL chunk. Never raises for an input's
    fault: failures are in the outcome."""
    try:
        if isinstance(unit, ChunkUnit):
            done = _chunk(cleaner, job, unit)
            done.chunk = (unit.start, unit.end, unit.first_line + len(unit.lines))
        else:
            done = _file(cleaner, job, unit.item, unit.data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except CleanupError as exc:
        done = _failed(job, unit.item, Failure(unit.item.display, _reason(exc, unit.item.path)))
    except Exception as exc:  # a bug: reported for this input, the batch goes on
        reason = f"{type(exc).__name__}: {exc}"
        done = _failed(job, unit.item, Failure(unit.item.display, reason, internal=True))
    done.index = unit.index
    return done


def _failed(job: Job, item: Item, failure: Failure) -> Outcome:
    """A file that failed; with ``on_error=copy`` its bytes go to the output unchanged."""
    done = Outcome(failures=[failure], stats=Stats(failed=1))
    if job.command == "fix" and job.on_error == "copy" and not isinstance(job.target, InPlace) \
            and not item.error and item.path != "-":
        try:
            size = os.stat(item.path).st_size
            if size <= job.max_mb * 1024 * 1024:
                raw = Path(item.path).read_bytes()
                done.out = job.target.write(item, None, raw, True) if job.fmt == "text" or job.writes else b""
        except (OSError, CleanupError):
            pass  # nothing readable to copy
    return done


def _file(cleaner, job: Job, item: Item, data: bytes | None = None) -> Outcome:
    from .. import render

    if item.error:
        return _failed(job, item, Failure(item.display, item.error))
    if data is None:
        source = read_source(item.path, job.encoding, job.max_mb)
    elif len(data) > job.max_mb * 1024 * 1024:
        raise InputError(f"<stdin>: over the {job.max_mb:g} MB limit (--max-mb)")
    else:
        source = decode(data, "<stdin>", job.encoding)
    name = item.display
    result = cleaner.fix(source.text, job.lang, source=job.source_text, model=job.model)
    done = Outcome()
    done.stats.add_result(result)
    done.notes = "".join(f"cleanup: {name}: {note}\n" for note in result.notes)
    if job.command == "check":
        done.findings = bool(result.findings)
        if job.fmt == "json":
            done.json = [render.result_json(result, name)]
        else:
            done.out = render.finding_lines(result, name, job.color).encode()
        return done
    if result.model_skipped:
        done.skipped = f"re-translation skipped: {result.model_skipped}"
    elif job.source_text is None and any(not f.fixable for f in result.findings):
        done.skipped = "re-translation skipped: no --source given; suspect spans were only flagged"
    done.changed = result.changed
    try:
        data = source.encode(result.output)
    except UnicodeEncodeError as exc:
        raise InputError(f"{name}: the corrected text cannot be written in {source.encoding} "
                         f"({result.output[exc.start:exc.end]!r})") from None
    printed = job.target.write(item, source, data, result.changed)
    if job.fmt == "json":
        done.json = [render.result_json(result, name)]
    elif job.fmt == "diff":
        done.out = render.unified_diff(source.text, result.output, name, job.color).encode()
    elif job.fmt == "word-diff":
        done.out = render.word_diff(result, name, job.color).encode()
    else:
        done.out = printed
    done.findings = job.check and result.changed
    return done


def _chunk(cleaner, job: Job, unit: ChunkUnit) -> Outcome:
    from .. import render
    from ..jsonl import RecordError, decode_line, parse_record, replace_text, split_ending

    done = Outcome()
    out: list[bytes] = []
    pieces: list[str] = []
    path = name = unit.item.display
    for number, raw in enumerate(unit.lines, unit.first_line):
        if raw is None:
            done.failures.append(Failure(path, f"record over the {job.max_mb:g} MB limit (--max-mb); left out",
                                         number))
            done.stats.failed += 1
            continue
        body, ending = split_ending(raw)
        if not body.strip():
            out.append(raw)
            continue
        ident = None
        try:
            line, bom = decode_line(body, number == 1)
            record = parse_record(line, job.text_field, job.id_field, job.source_field)
            ident = record.id
            result = cleaner.fix(record.text, job.lang, source=record.source, model=job.model)
            if result.changed:
                line = replace_text(line, record.span, result.output)
                new = (bom + line).encode("utf-8") + ending
            else:
                new = _escaped(raw, body, bom + line, ending)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            internal = not isinstance(exc, (RecordError, CleanupError))
            if isinstance(exc, RecordError):
                ident = exc.id
            reason = f"{type(exc).__name__}: {exc}" if internal else str(exc)
            done.failures.append(Failure(path, reason, number, ident, internal))
            done.stats.failed += 1
            if job.on_error == "copy":
                out.append(raw)
            continue
        item_name = f"{name}[{number}]"
        done.stats.add_result(result)
        done.notes += "".join(f"cleanup: {item_name}: {note}\n" for note in result.notes)
        out.append(new)
        if job.command == "check":
            done.findings |= bool(result.findings)
        else:
            done.findings |= job.check and result.changed
            if result.model_skipped and not done.skipped:
                done.skipped = f"re-translation skipped: {result.model_skipped}"
            elif job.source_field is None and not done.skipped and any(not f.fixable for f in result.findings):
                done.skipped = "re-translation skipped: no --source-field given; suspect spans were only flagged"
        if job.fmt == "json":
            done.json.append(render.result_json(result, item_name))
        elif job.command == "check":
            pieces.append(render.finding_lines(result, item_name, job.color))
        elif job.fmt == "diff":
            pieces.append(render.unified_diff(record.text, result.output, item_name, job.color))
        elif job.fmt == "word-diff":
            pieces.append(render.word_diff(result, item_name, job.color))
    lines = b"".join(out) if job.command == "fix" else b""
    given = b"".join(raw for raw in unit.lines if raw is not None)
    done.changed = job.command == "fix" and (lines != given or None in unit.lines)
    if job.writes:
        done.data = lines
    done.out = lines if job.command == "fix" and job.fmt == "text" and not job.writes else "".join(pieces).encode()
    return done


def _escaped(raw: bytes, body: bytes, line: str, ending: bytes) -> bytes:
    """An unchanged record: its own bytes, with raw U+2028/U+2029 escaped."""
    from ..jsonl import escape_separators

    if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
        return escape_separators(line).encode("utf-8") + ending
    return raw


# -- JSONL files: read in chunks by the parent, written back in order by it ------------


@dataclass(frozen=True)
class Begin:
    """A JSONL file starts; when resuming, ``skip`` input bytes and ``line - 1`` lines are
    done and ``written`` bytes of the partial output are kept."""

    index: int
    item: Item
    skip: int = 0
    line: int = 1
    written: int = 0


@dataclass(frozen=True)
class End:
    index: int
    item: Item
    failure: Failure | None = None  # the file could not be read to its end


def read_chunks(index: int, item: Item, job: Job, skip: int = 0, line: int = 1,
                written: int = 0) -> Iterator:
    """``Begin``, the file's ``ChunkUnit``s, ``End``: lines split on "\\n" only, each at most
    ``job.max_mb``; a file that cannot be opened or read is one failure."""
    limit = int(job.max_mb * 1024 * 1024)
    yield Begin(index, item, skip, line, written)
    try:
        fh = sys.stdin.buffer if item.path == "-" else open(item.path, "rb")
    except OSError as exc:
        yield End(index, item, Failure(item.display, _open_reason(exc)))
        return
    try:
        if skip:
            fh.seek(skip)
        offset = skip
        while True:
            start, lines, size = offset, [], 0
            while len(lines) < CHUNK_RECORDS and size < CHUNK_BYTES:
                raw = fh.readline(limit + 1)
                if not raw:
                    break
                offset += len(raw)
                if len(raw) > limit and not raw.endswith(b"\n"):
                    while raw and not raw.endswith(b"\n"):  # read past the rest of the record
                        raw = fh.readline(1 << 20)
                        offset += len(raw)
                    lines.append(None)
                else:
                    lines.append(raw)
                    size += len(raw)
            if not lines:
                break
            yield ChunkUnit(index, item, line, start, offset, tuple(lines))
            line += len(lines)
        if offset == 0:
            yield End(index, item, Failure(item.display, "empty file, nothing to clean"))
            return
    except OSError as exc:
        yield End(index, item, Failure(item.display, f"cannot read: {exc.strerror or exc}"))
        return
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    yield End(index, item)


def _open_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a text file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}"
