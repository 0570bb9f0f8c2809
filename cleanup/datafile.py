"""Reading the project's TOML data files (language profiles, glossaries, config) strictly:
every error names the file and, where it can be found, the line; unknown keys are errors
(a typo such as ``stopwrods`` must not silently give empty data)."""

from __future__ import annotations

import json
import pickle
import re
import tomllib
from pathlib import Path
from typing import Any

import regex

from .errors import GlossaryError
from .textio import read_limited

MAX_DATA_BYTES = 64 * 1024 * 1024  # a data file larger than this is refused, never read whole


def read_bytes(path: Path, error: type[Exception] = GlossaryError) -> bytes:
    """The bytes of a data file, read in bounded chunks: a device stops at the limit, a FIFO
    with no writer is an error at once (see cleanup.textio.read_limited)."""
    limit = f"the {MAX_DATA_BYTES // (1024 * 1024)} MB limit for data files"
    return read_limited(path, MAX_DATA_BYTES, limit, error)


def parse_toml(raw: bytes, path: Path, error: type[Exception] = GlossaryError) -> tuple[dict, str]:
    """The parsed table and the decoded text (for line numbers)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 (byte {exc.start})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: {exc}") from None
    except RecursionError:
        raise error(f"{path}: nested too deeply") from None


def read_toml(path: Path, error: type[Exception] = GlossaryError) -> tuple[dict, str]:
    return parse_toml(read_bytes(path, error), path, error)


def key_line(text: str, key: str, table: str | None = None) -> int:
    """The line where ``key`` is set (inside ``[table]`` when given); 1 if not found."""
    lines = text.splitlines()
    start = 0
    if table:
        header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
        start = next((i for i, ln in enumerate(lines) if header.match(ln)), 0)
    pat = re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    for i in range(start, len(lines)):
        if pat.match(lines[i]):
            return i + 1
    if table is None:
        header = re.compile(rf"^\s*\[+\s*{re.escape(key)}\s*\]+")
        for i, ln in enumerate(lines):
            if header.match(ln):
                return i + 1
    return 1


def check_keys(table: dict, allowed: set[str] | frozenset[str], path: Path, text: str,
               where: str | None = None, error: type[Exception] = GlossaryError) -> None:
    """Raise ``error`` naming file:line for the first key of ``table`` not in ``allowed``."""
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        line = key_line(text, unknown[0], where)
        place = f"[{where}]" if where else "the top level"
        raise error(f"{path}:{line}: unknown key {unknown[0]!r} in {place}; "
                    f"known: {', '.join(sorted(allowed))}")


class LazyRegex:
    """A data-supplied regex: checked when its file is loaded, and read back from the
    compiled-glossary cache as its compiled program (the ``regex`` module pickles a pattern
    with its compiled code, so loading it costs no parsing), unpickled only on first use: a
    run never pays for the thousands of context regexes it does not need."""

    __slots__ = ("pattern", "_compiled", "_blob")

    def __init__(self, pattern: str, compiled: regex.Pattern | None = None):
        self.pattern = pattern
        self._compiled = compiled
        self._blob: bytes | None = None

    @property
    def compiled(self) -> regex.Pattern:
        if self._compiled is None:
            if self._blob is not None:
                self._compiled = pickle.loads(self._blob)
            else:
                self._compiled = regex.compile(self.pattern, regex.V0)
        return self._compiled

    def search(self, *args, **kwargs):
        return self.compiled.search(*args, **kwargs)

    def finditer(self, *args, **kwargs):
        return self.compiled.finditer(*args, **kwargs)

    def fullmatch(self, *args, **kwargs):
        return self.compiled.fullmatch(*args, **kwargs)

    def __getstate__(self):
        if self._blob is None and self._compiled is not None:
            self._blob = pickle.dumps(self._compiled, protocol=pickle.HIGHEST_PROTOCOL)
        return self.pattern, self._blob

    def __setstate__(self, state):
        self.pattern, self._blob = state
        self._compiled = None

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r})"


_CANONICAL: dict[str, LazyRegex] = {}


def canonical(rx: LazyRegex) -> LazyRegex:
    """One object per pattern, so that a pickle holds each of the guards thousands of entries
    share (quotation and name guards) once: a compiled index loads with fewer objects."""
    return _CANONICAL.setdefault(rx.pattern, rx)


def compile_regex(path: Path, pattern: str, where: str, line: int | None = None) -> LazyRegex:
    """Check a data-supplied regex (run later with a time limit); errors name file:line."""
    try:
        return LazyRegex(pattern, regex.compile(pattern, regex.V0))
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        loc = f"{path}:{line}" if line else str(path)
        raise GlossaryError(f"{loc}: bad regex in {where}: {exc}") from None


def parse_json(raw: bytes, where: str, error: type[Exception], what: str = "JSON") -> Any:
    """JSON from bytes: not UTF-8, not JSON or nested too deeply is ``error`` naming ``where``."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(f"{where}: not UTF-8 (byte {exc.start})") from None
    except ValueError as exc:
        raise error(f"{where}: cannot read {what} ({exc})") from None
    except RecursionError:
        raise error(f"{where}: JSON nested too deeply") from None
