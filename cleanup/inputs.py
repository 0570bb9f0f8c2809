"""What a batch reads: files, folders (recursive, include/exclude globs), lists of paths, stdin.

Every input becomes an ``Item``: the path to read, and the path its output takes under an
output folder (``rel``). A file given by name keeps its name; a file found in a folder keeps
its path relative to that folder, so outputs mirror the input tree.

>>> _matches("sub/a.txt", ["*.txt"]), _matches("sub/a.txt", ["sub/*"]), _matches("a.md", ["*.txt"])
(True, True, False)
"""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from dataclasses import dataclass
from typing import Iterator

from .errors import InputError, UsageError

MAX_NAME = 4096  # PATH_MAX: a longer "name" in a list is not a path (e.g. a list read from /dev/zero)


@dataclass(frozen=True)
class Item:
    """One input file."""

    path: str  # as given or as found; "-" is stdin
    rel: str | None  # its output path relative to an output folder (None for stdin)
    root: str | None = None  # the folder it was found in (None: given by name)
    error: str = ""  # set when the input cannot even be listed (an unreadable folder)
    name: str | None = None  # how messages and results name it, when not by ``path``

    @property
    def display(self) -> str:
        if self.name is not None:
            return self.name
        if self.path == "-":
            return "<stdin>"
        from .textio import display  # bytes that are not UTF-8 escaped: the name always prints

        return display(self.path)


def shown(name: str) -> str:
    """A name as printed in messages: quoted when spaces at the ends of a part or control
    characters would hide what it really is."""
    hidden = any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" or 0xD800 <= ord(c) < 0xE000
                 for c in name)  # control characters, line separators, undecodable bytes
    if hidden or any(part != part.strip() for part in name.split("/")):
        return repr(name)
    return name


def read_list(path: str, null: bool = False, max_mb: float = 64) -> list[str]:
    """The names in a list file ("-": stdin): split on "\\n" (on NUL with ``null``) and
    nothing else; names are kept exactly (no stripping), empty entries are skipped. File
    names that are not valid UTF-8 survive as surrogate escapes (``os.fsdecode``)."""
    data = _read_bounded(path, max_mb)
    sep = b"\0" if null else b"\n"
    names = []
    for number, part in enumerate(data.split(sep), 1):
        if not part:
            continue
        if len(part) > MAX_NAME:
            where = "entry" if null else "line"
            raise InputError(f"{'<stdin>' if path == '-' else path}: {where} {number} is longer than "
                             f"{MAX_NAME} bytes: not a file name{'' if null else ' (a NUL-separated list needs -0)'}")
        names.append(os.fsdecode(part))
    return names


def _read_bounded(path: str, max_mb: float) -> bytes:
    """At most ``max_mb`` megabytes from a file or stdin, in chunks: a device or a pipe that
    never ends is an error, not an endless read."""
    limit = int(max_mb * 1024 * 1024)
    name = "<stdin>" if path == "-" else path
    if path != "-":  # files, devices and FIFOs (one with no writer is an error, not a hang)
        from .textio import read_limited

        return read_limited(path, limit, f"the {max_mb:g} MB limit for a list (--max-mb)")
    chunks, size = [], 0
    try:
        while size <= limit:
            chunk = sys.stdin.buffer.read(min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if size > limit:
        raise InputError(f"{name}: list over the {max_mb:g} MB limit (--max-mb)")
    return b"".join(chunks)


def _matches(rel: str, patterns: list[str]) -> bool:
    """A pattern with a "/" matches the path relative to the folder given; one without
    matches the name alone (``*.txt`` at any depth)."""
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel if "/" in p else name, p) for p in patterns)


def expand(names: list[str], include: list[str] = (), exclude: list[str] = ()) -> Iterator[Item]:
    """Items for the names given, in order: a folder is walked recursively (sorted by name;
    hidden names, symlinked folders and special files skipped; ``include``/``exclude`` globs
    applied); a file, a missing path or "-" is one item as it is (errors come when it is read)."""
    for name in names:
        if name != "-" and os.path.isdir(name):
            yield from _walk(name, list(include), list(exclude))
        else:
            yield Item(name, None if name == "-" else os.path.basename(name))


def _walk(root: str, include: list[str], exclude: list[str]) -> Iterator[Item]:
    pending = [""]  # folders relative to root, depth first in name order
    while pending:
        folder = pending.pop()
        where = os.path.join(root, folder) if folder else root
        try:
            with os.scandir(where) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Item(where, None, root, f"cannot list folder: {exc.strerror or exc}")
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{folder}/{entry.name}" if folder else entry.name
            if entry.is_dir(follow_symlinks=False):
                if not _matches(rel, exclude):
                    subfolders.append(rel)
                continue
            try:
                regular = stat.S_ISREG(entry.stat().st_mode)  # follows a symlink
            except OSError:
                regular = entry.is_symlink()  # a dangling link: reported when it is read
            if not regular or (include and not _matches(rel, include)) or _matches(rel, exclude):
                continue
            yield Item(entry.path, rel, root)
        pending.extend(reversed(subfolders))


def collect(names: list[str], include: list[str] = (), exclude: list[str] = ()) -> list[Item]:
    """``expand`` as a list; a usage error when nothing is left to read."""
    if names.count("-") > 1:
        raise UsageError("'-' (stdin) can be given once")
    items = list(expand(names, include, exclude))
    if not items:
        if not names:
            raise UsageError("no input files")
        matching = " matching --glob" if include else ""
        raise InputError(f"{', '.join(map(shown, names))}: is a directory and holds no input files{matching} "
                         "(hidden files are skipped)")
    return items
