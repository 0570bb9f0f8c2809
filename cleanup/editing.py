"""Editing glossary files without noise: ``glossary fmt`` (canonical layout) and
``glossary add`` (one entry appended), so a glossary commit shows only the change.

tomlkit parses the file keeping every comment and the exact text of every value; the
formatter writes the file back from those pieces:

- ``id`` and ``term`` first in an entry, ``must_fire`` and ``must_not_fire`` last; the other
  keys keep the author's order (it carries no meaning, and rewriting it would make every
  commit noisy); a comment line above a key moves with it;
- ``key = value`` with one space each side of ``=``; no indentation of keys;
- arrays: a one-line array stays on one line (``["a", "b"]``); a multi-line array keeps the
  author's grouping of items per line, indented by two spaces, each line ending with a comma,
  ``]`` alone on the last line; comments inside arrays are kept;
- exactly one blank line before each ``[[entry]]`` (and the comments directly above it), at
  most one blank line anywhere else, no trailing spaces, one newline at the end;
- strings are written as they were (quotes, escapes), entries stay in their order.

The result is checked to hold exactly the same data as the input (``tomllib``), so the
formatter cannot change a glossary's meaning.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import GlossaryError

FIRST_KEYS = ("id", "term")
LAST_KEYS = ("must_fire", "must_not_fire")
WIDTH = 100  # arrays written by `add` wrap past this many characters


# -- formatting --------------------------------------------------------------------------------


def _key_rank(name: str) -> int:
    if name in FIRST_KEYS:
        return FIRST_KEYS.index(name)
    if name in LAST_KEYS:
        return 10 + LAST_KEYS.index(name)
    return 5


_SCALAR_END = re.compile(r"[,\]\s#]")


def _scan_array(text: str) -> list[tuple[str, str, int]] | None:
    """Tokens of a one-level array's text: (kind, text, line) with kind value/comment; None
    for anything else (nested arrays, inline tables)."""
    if not text.startswith("[") or not text.rstrip().endswith("]"):
        return None
    out: list[tuple[str, str, int]] = []
    i, line, n = 1, 0, len(text.rstrip()) - 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r,":
            i += 1
        elif c == "#":
            j = text.find("\n", i)
            j = n if j < 0 or j > n else j
            out.append(("comment", text[i:j].rstrip(), line))
            i = j
        elif c in "[{":
            return None
        elif text.startswith('"""', i) or text.startswith("'''", i):
            q = text[i : i + 3]
            j = i + 3
            while True:
                k = text.find(q, j)
                if k < 0:
                    return None
                if q == '"""' and _escaped(text, k):
                    j = k + 1
                    continue
                break
            k += 3
            while k < n and text[k] == q[0] and k - i < len(text):  # up to two quotes end the content
                k += 1
            out.append(("value", text[i:k], line))
            line += text.count("\n", i, k)
            i = k
        elif c in "\"'":
            j = i + 1
            while j < n and (text[j] != c or (c == '"' and _escaped(text, j))):
                j += 1
            if j >= n:
                return None
            out.append(("value", text[i : j + 1], line))
            i = j + 1
        else:
            m = _SCALAR_END.search(text, i)
            j = m.start() if m else n
            out.append(("value", text[i:j], line))
            i = j
    return out


def _escaped(text: str, k: int) -> bool:
    backslashes = 0
    while k - 1 - backslashes >= 0 and text[k - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def format_array(text: str) -> str:
    """An array's canonical text (see the module docstring); the text itself if it is not a
    flat array."""
    tokens = _scan_array(text)
    if tokens is None:
        return text
    if "\n" not in text:
        return "[" + ", ".join(t for _, t, _ in tokens) + "]"
    lines: dict[int, tuple[list[str], list[str]]] = {}
    for kind, tok, line in tokens:
        lines.setdefault(line, ([], []))[0 if kind == "value" else 1].append(tok)
    out = ["["]
    for line in sorted(lines):
        values, comments = lines[line]
        body = "  " + ", ".join(values) + "," if values else "  " + " ".join(comments)
        if values and comments:
            body += "  " + " ".join(comments)
        out.append(body)
    out.append("]")
    return "\n".join(out)


def _item_text(item) -> str:
    from tomlkit.items import Array

    text = item.as_string()
    if isinstance(item, Array):
        text = format_array(text)
    comment = item.trivia.comment
    if comment:
        text += (item.trivia.comment_ws or "  ") + comment.rstrip()
    return text


def _table_lines(table) -> list[str]:
    """The body of a table: its keys in canonical order, comments and blank lines kept."""
    from tomlkit.items import Comment, Whitespace

    units: list = []  # ("blank", n) | ("comment", text) | ("kv", [comments], name, text)
    pending: list[str] = []
    for key, item in table.value.body:
        if key is None and isinstance(item, Comment):
            pending.append(item.as_string().strip())
            continue
        if key is None and isinstance(item, Whitespace):
            units += [("comment", c) for c in pending]
            pending = []
            units.append(("blank", item.as_string().count("\n")))
            continue
        if key is None:
            raise GlossaryError(f"fmt: unexpected item {item.as_string()!r}")
        text = key.as_string().strip() + " = " + _item_text(item)
        units.append(("kv", pending, key.key, text))
        pending = []
        extra = item.trivia.trail.count("\n") - 1
        if extra > 0:
            units.append(("blank", extra))
    units += [("comment", c) for c in pending]
    slots = [k for k, u in enumerate(units) if u[0] == "kv"]
    ordered = sorted((units[k] for k in slots), key=lambda u: _key_rank(u[2]))
    for k, u in zip(slots, ordered):
        units[k] = u
    lines: list[str] = []
    for u in units:
        if u[0] == "blank":
            lines += [""] * u[1]
        elif u[0] == "comment":
            lines.append(u[1])
        else:
            lines += u[1] + u[3].split("\n")
    return lines


def format_text(text: str, name: str = "<glossary>") -> str:
    """The canonical layout of a glossary's text (comments kept, data unchanged)."""
    import tomlkit
    from tomlkit.items import AoT, Comment, Table, Whitespace

    try:
        before = tomllib.loads(text)
        doc = tomlkit.parse(text)
    except Exception as exc:
        raise GlossaryError(f"{name}: {exc}") from None
    lines: list[str] = []
    headers: list[int] = []  # indexes of table header lines
    for key, item in doc.body:
        if key is None and isinstance(item, Comment):
            lines.append(item.as_string().strip())
        elif key is None and isinstance(item, Whitespace):
            lines += [""] * item.as_string().count("\n")
        elif isinstance(item, Table) and not item.is_super_table():
            headers.append(len(lines))
            lines.append(f"[{key.as_string().strip()}]" + _header_comment(item))
            lines += _table_lines(item)
        elif isinstance(item, AoT):
            for table in item.body:
                headers.append(len(lines))
                lines.append(f"[[{key.as_string().strip()}]]" + _header_comment(table))
                lines += _table_lines(table)
        else:
            raise GlossaryError(f"{name}: fmt handles [glossary] and [[entry]] tables only, not {key.as_string().strip()!r}")
    out = _blank_lines([ln.rstrip() for ln in lines], headers)
    result = "\n".join(out).strip("\n") + "\n"
    if "\r\n" in text and text.count("\r\n") >= text.count("\n") / 2:
        result = result.replace("\n", "\r\n")
    if tomllib.loads(result) != before:  # never change the data
        raise RuntimeError(f"{name}: fmt would change the glossary's data (a bug: please report it)")
    return result


def _header_comment(table) -> str:
    comment = table.trivia.comment
    return (table.trivia.comment_ws or " ") + comment.rstrip() if comment else ""


def _blank_lines(lines: list[str], headers: list[int]) -> list[str]:
    """One blank line before each header block (header + the comments directly above it),
    at most one blank line elsewhere."""
    starts = set()
    for h in headers:
        s = h
        while s > 0 and lines[s - 1].startswith("#"):
            s -= 1
        if s > 0:
            starts.add(s)
    out: list[str] = []
    for k, line in enumerate(lines):
        if k in starts and (not out or out[-1] != ""):
            out.append("")
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return out


def format_file(path: Path) -> tuple[str, str]:
    """(old text, canonical text) of a glossary file."""
    from .datafile import read_bytes

    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return text, format_text(text, str(path))


# -- writing an entry ----------------------------------------------------------------------------

REGEX_KEYS = ("pattern", "before", "not_before", "after", "not_after")
LIST_KEYS = ("wrong", "require", "forbid", "must_fire", "must_not_fire", "admitted", "forbidden")


def toml_value(key: str, value) -> str:
    """A value written the way the bundled glossaries write it: regexes as literal strings
    when they can be, lists on one line when short (examples one a line otherwise)."""
    import tomlkit

    if isinstance(value, str):
        literal = key in REGEX_KEYS and "'" not in value and "\n" not in value
        return tomlkit.string(value, literal=literal).as_string()
    if isinstance(value, (list, tuple)):
        items = [toml_value(key, v) for v in value]
        one = "[" + ", ".join(items) + "]"
        if len(key) + 3 + len(one) <= WIDTH:
            return one
        if key in ("must_fire", "must_not_fire"):
            return "[\n" + "".join(f"  {i},\n" for i in items) + "]"
        rows: list[list[str]] = [[]]
        for i in items:
            if rows[-1] and len("  " + ", ".join(rows[-1] + [i]) + ",") > WIDTH:
                rows.append([])
            rows[-1].append(i)
        return "[\n" + "".join("  " + ", ".join(r) + ",\n" for r in rows) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(key, v)}" for k, v in value.items()) + "}"
    return tomlkit.item(value).as_string()


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_value("", name)


def render_entry(fields: dict) -> str:
    """An ``[[entry]]`` block in canonical layout (keys in the README's order)."""
    from .glossary import MATCH_KEYS, META_KEYS

    order = [k for k in (*MATCH_KEYS, *META_KEYS) if k in fields]
    order = sorted(order, key=_key_rank)  # stable: README order inside each group
    extra = [k for k in fields if k not in order]
    if extra:
        raise GlossaryError(f"unknown field(s) {', '.join(extra)}")
    lines = ["[[entry]]"]
    for k in order:
        v = fields[k]
        if v in (None, "", [], (), {}):
            continue
        lines.append(f"{k} = {toml_value(k, v)}")
    return "\n".join(lines) + "\n"


def render_glossary(header: dict, entries: list[dict], comment: str = "") -> str:
    """A whole glossary file in canonical layout."""
    parts = []
    if comment:
        parts.append("".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines()))
    head = ["[glossary]"] + [f"{k} = {toml_value(k, v)}" for k, v in header.items() if v not in (None, "")]
    parts.append("\n".join(head) + "\n")
    out = "".join(parts)
    for e in entries:
        out += "\n" + render_entry(e)
    return out


def slug(*words: str) -> str:
    """An entry id from words: lowercase ASCII letters, digits and '-'."""
    import unicodedata

    text = unicodedata.normalize("NFKD", " ".join(w for w in words if w))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    out = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return out[:60].rstrip("-") or "entry"


def append_entry(text: str, fields: dict) -> str:
    """``text`` with one entry appended, everything before it byte for byte."""
    body = text
    if body and not body.endswith("\n"):
        body += "\n"
    if body.strip():
        body = body.rstrip("\r\n") + "\n\n"
    block = render_entry(fields)
    if "\r\n" in text:
        body, block = body.rstrip("\r\n") + "\r\n\r\n", block.replace("\n", "\r\n")
    return body + block
