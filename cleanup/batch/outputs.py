"""Where a batch's corrected text goes: stdout, one file (``-o``), each input in place, or a
folder mirroring the inputs; collisions refused before anything is written; JSONL outputs
grown in a hidden partial file and renamed into place when complete."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..errors import CleanupError, InputError, UsageError
from ..inputs import Item, shown
from ..textio import Source, fsync_dir, resolve_in_place, write_atomic

if TYPE_CHECKING:
    from .units import Job


@dataclass(frozen=True)
class Stdout:
    """The corrected text is printed."""

    def write(self, item: Item, source: Source, data: bytes, changed: bool) -> bytes:
        return data

    def destination(self, item: Item) -> Path | None:
        return None


@dataclass(frozen=True)
class ToFile:
    """``-o FILE``: one input, written atomically."""

    path: str

    def write(self, item: Item, source: Source, data: bytes, changed: bool) -> bytes:
        write_atomic(self.path, data)
        return b""

    def destination(self, item: Item) -> Path | None:
        return Path(self.path)


@dataclass(frozen=True)
class InPlace:
    """``--in-place``: each input rewritten atomically when it changed, optionally backed up."""

    backup: str | None = None
    follow_symlinks: bool = False

    def write(self, item: Item, source: Source, data: bytes, changed: bool) -> bytes:
        target = resolve_in_place(item.path, self.follow_symlinks)
        if changed:
            if self.backup:
                write_atomic(str(target) + self.backup, source.encode(source.text))
            write_atomic(target, data)
        return b""

    def destination(self, item: Item) -> Path | None:
        return resolve_in_place(item.path, self.follow_symlinks)


@dataclass(frozen=True)
class ToDir:
    """``--output-dir DIR``: each output at its input's ``rel`` path under DIR, so a folder's
    tree is mirrored."""

    folder: Path

    def write(self, item: Item, source: Source | None, data: bytes, changed: bool) -> bytes:
        dest = self.destination(item)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"{dest.parent}: cannot create folder: {exc.strerror or exc}") from None
        write_atomic(dest, data)
        return b""

    def destination(self, item: Item) -> Path:
        return self.folder / item.rel


def _real(path: str | Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def plan_outputs(items: list[Item], job: Job, extra: Iterable[tuple[str, str]] = ()) -> None:
    """UsageError when two inputs would write the same file, an output (or backup) would
    replace an input, or the output folder is an input folder or inside one. ``extra``:
    (option, path) of other files the run writes (``--errors``, ``--summary``)."""
    target = job.target
    outputs: dict[str, str] = {}
    inputs = {_real(i.path): i.path for i in items if i.path != "-" and not i.error}

    def claim(out: Path | str, by: str, what: str = "output") -> None:
        key = _real(out)
        if key in outputs:
            raise UsageError(f"{shown(by)} and {shown(outputs[key])} would both write {shown(str(out))}")
        if key in inputs and not (isinstance(target, InPlace) and what == "output" and inputs[key] == by):
            raise UsageError(f"{what} {shown(str(out))} of {shown(by)} would overwrite the input {shown(inputs[key])}")
        outputs[key] = by

    if job.writes:
        if isinstance(target, ToDir):
            folder = _real(target.folder)
            for root in {i.root for i in items if i.root}:
                real_root = _real(root)
                if folder == real_root or folder.startswith(real_root.rstrip(os.sep) + os.sep):
                    raise UsageError(f"--output-dir {shown(str(target.folder))} is inside the input folder "
                                     f"{shown(root)}: outputs would mix with inputs")
        for item in items:
            if item.error:
                continue
            if item.path == "-":
                if isinstance(target, ToDir):
                    raise UsageError("stdin ('-') has no name to write under --output-dir; use -o")
                continue
            if isinstance(target, InPlace):
                try:
                    dest = target.destination(item)
                except CleanupError:
                    continue  # reported when the input is processed
                if target.backup:
                    claim(str(dest) + target.backup, item.path, "backup")
                claim(dest, item.path)
            elif isinstance(target, ToFile):
                outputs[_real(target.path)] = item.path  # may be the input itself: asked for
            else:
                claim(target.destination(item), item.path)
    for option, path in extra:
        key = _real(path)
        if key in inputs or key in outputs:
            raise UsageError(f"{option} {shown(path)} would overwrite {shown(inputs.get(key) or outputs[key])}")


def part_path(dest: Path) -> Path:
    """Where a JSONL output grows until it is complete (hidden, beside it)."""
    return dest.parent / f".{dest.name}.cleanup-part"


class JsonlWriter:
    """One JSONL output: chunks appended to a partial file, renamed into place at the end
    (with the original kept as a backup for ``--in-place --backup``)."""

    def __init__(self, job: Job, item: Item, written: int = 0):
        self.job, self.item = job, item
        self.dest = job.target.destination(item)
        self.part = part_path(self.dest)
        self.changed = False
        try:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.part, "r+b" if written else "wb")
            self.fh.truncate(written)
            self.fh.seek(written)
        except OSError as exc:
            raise InputError(f"{self.part}: cannot write: {exc.strerror or exc}") from None

    def append(self, data: bytes) -> int:
        """Add a chunk's lines; the partial file's size after them."""
        try:
            self.fh.write(data)
            self.fh.flush()
        except OSError as exc:
            raise InputError(f"{self.part}: cannot write: {exc.strerror or exc}") from None
        return self.fh.tell()

    def commit(self) -> None:
        """Make the output durable and put it in place (InputError if it cannot be)."""
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            if isinstance(self.job.target, InPlace):
                if not self.changed:
                    os.unlink(self.part)
                    return
                os.chmod(self.part, os.stat(self.dest).st_mode & 0o7777)
                if self.job.target.backup:
                    _copy_atomic(self.dest, Path(str(self.dest) + self.job.target.backup))
            elif self.dest.exists():
                os.chmod(self.part, os.stat(self.dest).st_mode & 0o7777)
            os.replace(self.part, self.dest)
        except OSError as exc:
            self.abort()
            raise InputError(f"{self.dest}: cannot write: {exc.strerror or exc}") from None
        fsync_dir(self.dest.parent)

    def abort(self) -> None:
        """The input failed part way: no output."""
        self.fh.close()
        try:
            os.unlink(self.part)
        except OSError:
            pass

    def close(self) -> None:
        """Interrupted: the partial output stays for ``--resume``."""
        self.fh.close()


def _copy_atomic(src: Path, dst: Path) -> None:
    import shutil
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_stale_temps(items: list[Item], target: ToDir) -> None:
    """Remove the temp files a killed run left beside this batch's outputs (``.NAME.*.tmp``,
    see ``write_atomic``): one listing per output folder."""
    names: dict[Path, set[str]] = {}
    for item in items:
        if item.rel is not None:
            dest = target.destination(item)
            names.setdefault(dest.parent, set()).add(dest.name)
    for folder, wanted in names.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith(".") and name.endswith(".tmp") and name[1:-4].rpartition(".")[0] in wanted:
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
