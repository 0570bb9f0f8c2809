"""Reading inputs and writing outputs without ever losing text.

Inputs are decoded strictly (an error names the file and byte offset); the BOM is kept
aside and written back. Writes are atomic: a temp file in the target's folder, fsync, rename.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, UsageError

NUL = b"\x00"
MAX_MB = 64  # default size limit: larger inputs get a clear error, not minutes of work


@dataclass(frozen=True)
class Source:
    """A decoded input: text without BOM, plus what is needed to write it back identically."""

    name: str  # path as given, or "<stdin>"
    text: str
    encoding: str
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def read_source(path: str, encoding: str = "utf-8", max_mb: float = MAX_MB) -> Source:
    """Read ``path`` ("-" for stdin); InputError for anything that is not a non-empty text
    file of at most ``max_mb`` megabytes."""
    limit = int(max_mb * 1024 * 1024)
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"<stdin>: over the {max_mb:g} MB limit (--max-mb)")
        return decode(data, "<stdin>", encoding)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, not a text file")
    try:
        size = p.stat().st_size
        if size > limit:
            raise InputError(f"{path}: {size / 1024 / 1024:.1f} MB is over the {max_mb:g} MB limit (--max-mb)")
        data = p.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return decode(data, path, encoding)


def decode(data: bytes, name: str, encoding: str = "utf-8") -> Source:
    if not data:
        raise InputError(f"{name}: empty file, nothing to clean")
    if NUL in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(f"{name}: binary file (NUL byte at offset {data.index(NUL)})")
    if encoding == "auto":
        encoding = _guess_encoding(data, name)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}") from None
    bom = b""
    if encoding.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig") and data.startswith(codecs.BOM_UTF8):
        bom, data, encoding = codecs.BOM_UTF8, data[3:], "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: invalid {encoding} at byte {exc.start + len(bom)} "
            f"({data[exc.start:exc.start + 4]!r}); try --encoding auto"
        ) from None
    return Source(name, text, encoding, bom)


def _guess_encoding(data: bytes, name: str) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported only for --encoding auto

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding")
    return best.encoding


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically: temp file in the same folder, fsync, rename.

    Keeps the permissions of an existing file. An interrupted write leaves the old file.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise InputError(f"{target}: is a directory")
    mode = None
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def resolve_in_place(path: str, follow_symlinks: bool = False) -> Path:
    """The file an in-place rewrite should replace; refuses a symlink leading out of its folder."""
    p = Path(path)
    if p.is_symlink():
        real = p.resolve()
        if not follow_symlinks and real.parent != p.parent.resolve():
            raise UsageError(f"{path}: symlink to {real} outside its folder; pass --follow-symlinks")
        return real
    return p
