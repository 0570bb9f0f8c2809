"""The review page: one self-contained HTML file (its CSS and script inlined from this
package's data files, no network) showing the article with every change highlighted in place.

Article text never goes through HTML: the data travels as JSON inside a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, and the
page's script puts text into the document with ``textContent`` only.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from ..decisions import SCHEMA, Decisions, Item, word_segments

ASSETS = ("page.html", "review.css", "review.js")


def _asset(name: str) -> str:
    return (files(__name__) / name).read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>', '&' or line separators in clear.

    >>> script_json({"t": "</script><b>&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def segments(text: str, items: list[Item]) -> list[list]:
    """The article as pieces: ["t", text], ["i", k] (item k in place, its original text inside)
    or ["a", k] (item k overlaps one already in place: an anchor right after it)."""
    out: list[list] = []
    pos = 0
    last_end = -1
    for k, item in sorted(enumerate(items), key=lambda p: (p[1].start, -p[1].end, p[1].type)):
        if item.start < last_end or (item.start == item.end and item.start < pos):
            out.append(["a", k])
            continue
        if item.start > pos:
            out.append(["t", text[pos:item.start], pos])
        out.append(["i", k])
        pos = item.end
        last_end = item.end
    if pos < len(text):
        out.append(["t", text[pos:], pos])
    return out


def page_data(name: str, text: str, items: list[Item], decisions: Decisions, by: str | None = None) -> dict[str, Any]:
    records = decisions.by_id()
    data_items = []
    for item in items:
        d = item.to_dict()
        d["evidence"] = {k: v for k, v in item.evidence.items() if k != "alternatives"}
        d["segments"] = word_segments(item.old, item.new) if item.new is not None else [["-", item.old]]
        d["record"] = records.get(item.id)
        data_items.append(d)
    return {
        "schema": SCHEMA, "name": name, "by": by, "text": text, "article": decisions.article, "tool": decisions.tool,
        "items": data_items, "segments": segments(text, items),
        "extra": [r for r in decisions.records if r["type"] == "editor" or r["id"] not in
                  {i.id for i in items}],
    }


def render_page(name: str, text: str, items: list[Item], decisions: Decisions, by: str | None = None) -> str:
    """The complete page for one article."""
    import re
    import secrets
    from html import escape

    values = {
        "TITLE": escape(name),
        "NONCE": secrets.token_hex(16),
        "LANG": escape(decisions.article.get("lang") or ""),
        "CSS": _asset("review.css"),
        "DATA": script_json(page_data(name, text, items, decisions, by)),
        "JS": _asset("review.js"),
    }
    # One pass over the template only: text in the data can never be taken for a placeholder.
    return re.sub(r"\{\{(TITLE|NONCE|LANG|CSS|DATA|JS)\}\}", lambda m: values[m.group(1)], _asset("page.html"))
