"""JSON Lines batches: one article per line, ``{"text": "...", ...}``; other fields kept."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import CleanupError, InputError
from .pipeline import Cleaner
from .result import Result


@dataclass(frozen=True)
class JsonlRecord:
    line: int  # 1-based line number in the JSONL file
    result: Result


def clean_jsonl(text: str, name: str, cleaner: Cleaner, field: str = "text",
                lang: str | None = None) -> tuple[str, list[JsonlRecord]]:
    """Fix the ``field`` of every record. Any bad line raises InputError naming file and line,
    before anything is written. Blank lines are kept as they are."""
    out: list[str] = []
    records: list[JsonlRecord] = []
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        body = raw.rstrip("\r\n")
        ending = raw[len(body):]
        if not body.strip():
            out.append(raw)
            continue
        try:
            obj = json.loads(body)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get(field), str):
            raise InputError(f"{name}:{number}: not a JSON object with a string {field!r} field")
        try:
            result = cleaner.fix(obj[field], lang)
        except CleanupError as exc:
            raise type(exc)(f"{name}:{number}: {exc}") from None
        records.append(JsonlRecord(number, result))
        if result.changed:
            obj[field] = result.output
            body = json.dumps(obj, ensure_ascii=False)
        out.append(body + ending)
    return "".join(out), records
