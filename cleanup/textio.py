"""Reading inputs and writing outputs without ever losing text.

Reads are bounded for every kind of input (files, devices, FIFOs, stdin): a limit is checked
while reading, never after. Inputs are decoded strictly (an error names the file and byte
offset), in their exact encoding: the BOM and the byte order are kept aside and written back.

Writes go where the path leads. A regular file is replaced atomically (temp file in its folder,
fsync, rename) keeping its owner, group and mode; a new file follows the umask. A character
device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written as a stream, never
replaced. Any other kind of file is refused. A failed write changes nothing.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, OutputError, UsageError

NUL = b"\x00"
MAX_MB = 64  # default size limit: larger inputs get a clear error, not minutes of work
CHUNK = 1 << 20  # bytes per read: memory stays bounded by the limit, whatever the input
NAME_MAX = 255  # bytes in one file name (Linux, macOS)

# Control characters and line separators would split a one-line message: escaped in names.
_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(32), 127]}
_ESCAPES.update({0x85: "\\x85", 0x2028: "\\u2028", 0x2029: "\\u2029"})

_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_UTF32 = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))
_WIDE = {"utf-16": _UTF16, "utf-16-le": _UTF16, "utf-16-be": _UTF16,
         "utf-32": _UTF32, "utf-32-le": _UTF32, "utf-32-be": _UTF32}


def display(path: str | os.PathLike) -> str:
    """``path`` as printed in messages and outputs: bytes that are not UTF-8 (file names are
    bytes) and control characters escaped, so it always prints, on one line."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        raw = text
    else:
        try:
            raw = os.fsencode(text)
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace").translate(_ESCAPES)


def _why(exc: OSError) -> str:
    """A short reason for an OSError, without the path Python appends."""
    return {
        errno.ENOENT: "no such file",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENAMETOOLONG: "file name too long",
        errno.ENOTDIR: "a component of the path is not a folder",
        errno.ELOOP: "too many levels of symbolic links",
        errno.ENXIO: "no such device or address",
    }.get(exc.errno, (exc.strerror or str(exc)).lower())


# -- reading -----------------------------------------------------------------------------


def read_limited(path: str | os.PathLike, limit: int, limit_text: str,
                 error: type[Exception] = InputError) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them (``error`` beyond, naming
    ``limit_text``). Read in chunks whatever the file is: a device such as ``/dev/zero`` stops
    at the limit, a FIFO with no writer gives an error at once instead of blocking."""
    name = display(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (cleared again below).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise error(f"{name}: {_why(exc)}") from None
    chunks: list[bytes] = []
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name}: is a directory, not a text file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise error(f"{name}: {info.st_size / 1024 / 1024:.1f} MB is over {limit_text}")
        os.set_blocking(fd, True)
        total = 0
        while chunk := os.read(fd, min(CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise error(f"{name}: over {limit_text}")
        if not total and stat.S_ISFIFO(info.st_mode):
            raise error(f"{name}: FIFO with no writer (nothing to read)")
    except OSError as exc:
        raise error(f"{name}: cannot read: {_why(exc)}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


@dataclass(frozen=True)
class Source:
    """A decoded input: text without BOM, plus what is needed to write it back identically."""

    name: str  # path as given (escaped for printing, see display), or "<stdin>"
    text: str
    encoding: str  # a codec with an explicit byte order ("utf-16-be", never "utf-16")
    bom: bytes

    def encode(self, text: str) -> bytes:
        """``text`` in the input's encoding, with its BOM; OutputError naming the line and
        column of the first character the encoding cannot hold."""
        try:
            return self.bom + text.encode(self.encoding)
        except UnicodeEncodeError as exc:
            line = text.count("\n", 0, exc.start) + 1
            col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
            char = text[exc.start]
            raise OutputError(
                f"{self.name}:{line}:{col}: the corrected text holds {char!r} (U+{ord(char):04X}), "
                f"which {self.encoding} cannot encode; nothing written (convert the file to UTF-8 "
                "to accept this change)") from None


def read_source(path: str, encoding: str = "utf-8", max_mb: float = MAX_MB) -> Source:
    """Read ``path`` ("-" for stdin); InputError for anything that is not a non-empty text
    file of at most ``max_mb`` megabytes."""
    limit = int(max_mb * 1024 * 1024)
    limit_text = f"the {max_mb:g} MB limit (--max-mb)"
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"<stdin>: over {limit_text}")
        return decode(data, "<stdin>", encoding)
    return decode(read_limited(path, limit, limit_text), display(path), encoding)


def text_codec(encoding: str) -> str:
    """The canonical name of a text encoding; UsageError for an unknown name or a codec that
    is not a text encoding (``rot13``, ``hex``, ``base64``...)."""
    try:
        name = codecs.lookup(encoding).name
        b"".decode(name)  # LookupError for bytes-to-bytes and str-to-str codecs
        "".encode(name)
    except LookupError:
        raise UsageError(f"{encoding!r} is not a known text encoding") from None
    return "utf-8" if name == "utf-8-sig" else name


def decode(data: bytes, name: str, encoding: str = "utf-8") -> Source:
    """Decode ``data`` exactly: the codec, its byte order and its BOM are those of the input
    and give the same bytes back (see Source.encode)."""
    if not data:
        raise InputError(f"{name}: empty file, nothing to clean")
    codec = _guess_encoding(data, name) if encoding == "auto" else text_codec(encoding)
    if NUL in data and codec not in _WIDE:
        raise InputError(f"{name}: binary file (NUL byte at offset {data.index(NUL)})")
    bom = b""
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        bom = codecs.BOM_UTF8
    elif codec in _WIDE:
        codec, bom = _byte_order(data, codec)
    try:
        text = data[len(bom):].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: invalid {codec} at byte {exc.start + len(bom)} "
            f"({data[len(bom) + exc.start:len(bom) + exc.start + 4]!r}); try --encoding auto"
        ) from None
    if codec not in ("utf-8", *_WIDE) and text.encode(codec) != data[len(bom):]:
        raise InputError(f"{name}: {codec} does not give these bytes back exactly when "
                         "written; refusing to rewrite it (convert the file to UTF-8)")
    return Source(name, text, codec, bom)


def _byte_order(data: bytes, codec: str) -> tuple[str, bytes]:
    """(codec with an explicit byte order, BOM) for UTF-16/UTF-32 data: the BOM decides; with
    no BOM, the codec's own order if it names one, else where the zero bytes of ASCII
    characters fall."""
    for bom, ordered in _WIDE[codec]:
        if data.startswith(bom) and codec in (ordered, ordered[:6]):
            return ordered, bom
    if codec.endswith(("-le", "-be")):
        return codec, b""
    width = 2 if codec == "utf-16" else 4
    high, low = data[0::width].count(0), data[width - 1::width].count(0)  # BE: 00 41, LE: 41 00
    return f"{codec}-{'be' if high > low else 'le'}", b""


def _guess_encoding(data: bytes, name: str) -> str:
    for bom, codec in (*_UTF32, (codecs.BOM_UTF8, "utf-8"), *_UTF16):  # FF FE 00 00: UTF-32 first
        if data.startswith(bom):
            return codec[:6]  # the BOM gives the byte order again in _byte_order
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if NUL in data:
        raise InputError(f"{name}: binary file (NUL byte at offset {data.index(NUL)})")
    from charset_normalizer import from_bytes  # imported only for --encoding auto

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding")
    return text_codec(best.encoding)


# -- writing -----------------------------------------------------------------------------


def fsync_dir(folder: str | Path) -> None:
    """Make the renames in ``folder`` durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def write_atomic(path: str | Path, data: bytes, like: str | Path | None = None) -> None:
    """Write ``data`` to ``path``, following symlinks; OutputError (nothing changed) when it
    cannot be done.

    A regular file is replaced atomically: temp file in the same folder, fsync, rename; it
    keeps its owner, group and mode (OutputError when the owner cannot be kept, or the file is
    read-only). A new file follows the umask, or takes the mode and owner of ``like`` (a backup
    gets those of its original). A character device or a FIFO is written as a stream (a FIFO
    needs a reader). Anything else is refused. An interrupted write leaves the old file.
    """
    target = Path(path)
    name = display(target)
    try:
        info = os.stat(target)  # follows symlinks: what the path leads to
    except FileNotFoundError:
        info = None
        if target.is_symlink():
            raise OutputError(f"{name}: symlink to a missing file; refused") from None
    except OSError as exc:
        raise OutputError(f"{name}: cannot write: {_why(exc)}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            _write_stream(target, name, data)
            return
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise OutputError(f"{name}: is {kind}; refused (only files, character devices and "
                          "FIFOs are written)")
    if info is not None:
        target = Path(os.path.realpath(target))  # a symlink keeps pointing at the new text
        if not info.st_mode & 0o222:
            raise OutputError(f"{name}: read-only file (mode {stat.S_IMODE(info.st_mode):04o}); "
                              "make it writable first to rewrite it")
    elif like is not None:
        try:
            info = os.stat(like)
        except OSError:
            info = None
    _replace(target, name, data, info)


def _write_stream(target: Path, name: str, data: bytes) -> None:
    """Write into a character device or a FIFO (never replaced, never truncated)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        why = "FIFO with no reader" if exc.errno == errno.ENXIO else _why(exc)
        raise OutputError(f"{name}: cannot write: {why}") from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise OutputError(f"{name}: cannot write: {_why(exc)}") from None
    finally:
        os.close(fd)


def _temp_prefix(name: str) -> str:
    """``.NAME.`` for the temp file, shortened so that the temp name fits NAME_MAX."""
    return "." + os.fsencode(name)[: NAME_MAX - 32].decode("utf-8", "ignore") + "."


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _replace(target: Path, name: str, data: bytes, keep: os.stat_result | None) -> None:
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{name}: cannot write: {_why(exc)}") from None
    try:
        try:
            if keep is None:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                if (keep.st_uid, keep.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, keep.st_uid, keep.st_gid)
                    except PermissionError:
                        raise OutputError(
                            f"{name}: owned by {keep.st_uid}:{keep.st_gid}; cannot keep its owner "
                            "and group when rewriting it (run as its owner or as root)") from None
                os.fchmod(fd, stat.S_IMODE(keep.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"{name}: cannot write: {_why(exc)}; nothing was changed") from None
        raise
    fsync_dir(folder)  # make the rename durable


def resolve_in_place(path: str, follow_symlinks: bool = False) -> Path:
    """The file an in-place rewrite should replace: a regular file; refuses a symlink leading
    out of its folder (unless ``follow_symlinks``) and anything that is not a regular file."""
    p = Path(path)
    if p.is_symlink():
        real = p.resolve()
        if not follow_symlinks and real.parent != p.parent.resolve():
            raise UsageError(f"{display(path)}: symlink to {display(real)} outside its folder; "
                             "pass --follow-symlinks")
        p = real
    try:
        mode = os.stat(p).st_mode
    except OSError as exc:
        raise OutputError(f"{display(path)}: cannot rewrite: {_why(exc)}") from None
    if not stat.S_ISREG(mode):
        raise UsageError(f"{display(path)}: not a regular file; --in-place rewrites files only")
    return p


def check_output_dir(path: str | Path) -> None:
    """UsageError unless ``path`` is a folder or can become one (--output-dir)."""
    p = Path(path)
    while True:
        try:
            mode = os.stat(p).st_mode
        except (FileNotFoundError, NotADirectoryError):
            if p.parent == p:
                return
            p = p.parent  # created on first write: its nearest existing ancestor must be a folder
            continue
        except OSError as exc:
            raise UsageError(f"{display(path)}: cannot use as --output-dir: {_why(exc)}") from None
        if not stat.S_ISDIR(mode):
            raise UsageError(f"{display(path)}: --output-dir must be a folder; {display(p)} is not one")
        return
