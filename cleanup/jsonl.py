"""JSON Lines: one article per line, ``{"id": ..., "text": "...", ...}``.

A record is read without converting what the tool does not edit: only the text field's value
is replaced in the line, so every other byte (numbers such as ``1e400`` or 5,000-digit
integers, escapes, spacing, key order) comes back as it was. Lines are split on "\\n" only: a
raw U+2028 or U+0085 inside a string is part of the record. Written lines never hold a raw
U+2028/U+2029 (they are escaped, which JSON allows inside strings only, where they must be),
so readers that split on them, JavaScript's included, read the output.

One bad record never stops a file: ``RecordError`` names what is wrong with it and the caller
copies it through or leaves it out.

>>> line = '{"id": 1e400, "text": "Hello", "n": 123456789012345678901234567890}'
>>> rec = parse_record(line, "text", "id")
>>> rec.text, rec.id
('Hello', '1e400')
>>> replace_text(line, rec.span, "Bye\\u2028")
'{"id": 1e400, "text": "Bye\\\\u2028", "n": 123456789012345678901234567890}'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from json.decoder import scanstring

BOM = "\ufeff"
_WS = " \t\r\n"


class _Number(str):
    """A number's JSON text: scanned, never converted (no inf, no integer-size limit)."""


_SCAN = json.JSONDecoder(parse_float=_Number, parse_int=_Number, parse_constant=_Number).scan_once
_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
          _Number: "a number"}


class RecordError(Exception):
    """A line that is not a usable record; the message is the reason, ``id`` the record's id
    when it could be read."""

    def __init__(self, reason: str, id: str | None = None):
        super().__init__(reason)
        self.id = id


@dataclass(frozen=True)
class Record:
    """The fields of one JSONL record the tool uses."""

    text: str
    span: tuple[int, int]  # the text field's value in the line (JSON text, quotes included)
    id: str | None = None  # the id field: a string as is, any other value as its JSON text
    source: str | None = None  # the source-language original, when asked for


def _skip(line: str, i: int) -> int:
    n = len(line)
    while i < n and line[i] in _WS:
        i += 1
    return i


def _not_json(what: str, i: int, ident: str | None = None) -> RecordError:
    return RecordError(f"not JSON ({what} at column {i + 1})", ident)


def _fields(line: str, wanted: set[str], found: dict[str, tuple[object, int, int]]) -> None:
    """Put in ``found`` the top-level members of the object ``line`` named in ``wanted``:
    (value, start, end); those read before an error stay. Every value is checked, none is
    converted."""
    n = len(line)
    i = _skip(line, 0)
    if i >= n or line[i] != "{":
        try:  # a JSON value that is not an object, or not JSON at all
            value, end = _SCAN(line, i)
        except (StopIteration, ValueError, RecursionError):
            raise _not_json("expecting '{'", i) from None
        if _skip(line, end) == n:
            raise RecordError(f"not a JSON object but {_TYPES[type(value)]}")
        raise _not_json("extra data", _skip(line, end))
    i = _skip(line, i + 1)
    if i < n and line[i] == "}":
        i += 1
    else:
        while True:
            if i >= n or line[i] != '"':
                raise _not_json("expecting a property name in double quotes", i)
            key, i = scanstring(line, i + 1, True)
            i = _skip(line, i)
            if i >= n or line[i] != ":":
                raise _not_json("expecting ':'", i)
            start = _skip(line, i + 1)
            try:
                value, i = _SCAN(line, start)
            except StopIteration:
                raise _not_json("expecting a value", start) from None
            if key in wanted:
                if key in found:
                    raise RecordError(f"the {key!r} field is given twice")
                found[key] = (value, start, i)
            i = _skip(line, i)
            if i < n and line[i] == ",":
                i = _skip(line, i + 1)
                continue
            if i < n and line[i] == "}":
                i += 1
                break
            raise _not_json("expecting ',' or '}'", i)
    if _skip(line, i) != n:
        raise _not_json("extra data", _skip(line, i))


def _string(value: object, key: str) -> str:
    if type(value) is not str:
        raise RecordError(f"the {key!r} field is {_TYPES[type(value)]}, not a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(f"the {key!r} field holds a lone surrogate "
                          f"(\\u{ord(value[exc.start]):04x} at character {exc.start + 1})") from None
    return value


def parse_record(line: str, text_field: str = "text", id_field: str | None = None,
                 source_field: str | None = None) -> Record:
    """The text (and id, source) of one line; RecordError when the line is not a JSON object
    with a non-empty string ``text_field`` the tool can handle."""
    wanted = {text_field} | {f for f in (id_field, source_field) if f}
    found: dict[str, tuple[object, int, int]] = {}
    ident = None
    try:
        try:
            _fields(line, wanted, found)
        finally:
            if id_field and id_field in found:
                value, start, end = found[id_field]
                ident = value if type(value) is str else line[start:end]
    except RecordError as exc:
        raise RecordError(str(exc), ident) from None
    except json.JSONDecodeError as exc:
        raise _not_json(exc.msg.lower().removesuffix(" at"), exc.pos, ident) from None
    except RecursionError:
        raise RecordError("nested too deeply to parse", ident) from None
    if text_field not in found:
        raise RecordError(f"no {text_field!r} field", ident)
    value, start, end = found[text_field]
    try:
        text = _string(value, text_field)
        if not text:
            raise RecordError(f"the {text_field!r} field is empty")
        source = None
        if source_field and source_field in found and found[source_field][0] is not None:
            source = _string(found[source_field][0], source_field)
    except RecordError as exc:
        raise RecordError(str(exc), ident) from None
    return Record(text, (start, end), ident, source)


def encode_string(text: str) -> str:
    """``text`` as a JSON string: UTF-8 kept as is, U+2028/U+2029 escaped."""
    return escape_separators(json.dumps(text, ensure_ascii=False))


def escape_separators(line: str) -> str:
    """Escape raw U+2028/U+2029. Only for a valid JSON line: there they can only be inside
    strings, where the escape means the same character."""
    if "\u2028" in line or "\u2029" in line:
        line = line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return line


def replace_text(line: str, span: tuple[int, int], text: str) -> str:
    """``line`` with the value at ``span`` replaced by ``text``: nothing else is rewritten."""
    return escape_separators(line[: span[0]]) + encode_string(text) + escape_separators(line[span[1]:])


def split_ending(raw: bytes) -> tuple[bytes, bytes]:
    """A line and its ending (``b"\\n"``, ``b"\\r\\n"`` or ``b""``)."""
    if raw.endswith(b"\r\n"):
        return raw[:-2], b"\r\n"
    if raw.endswith(b"\n"):
        return raw[:-1], b"\n"
    return raw, b""


def decode_line(body: bytes, first: bool) -> tuple[str, str]:
    """A line's text, and the BOM it started with (the first line only); RecordError when it
    is not UTF-8 (RFC 8259: JSON text exchanged between systems is UTF-8)."""
    try:
        line = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"invalid UTF-8 at byte {exc.start} ({body[exc.start:exc.start + 4]!r})") from None
    if first and line.startswith(BOM):
        return line[1:], BOM
    return line, ""
