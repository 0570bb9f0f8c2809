"""The editor's review: what there is to decide (review items), what was decided (the
decisions file), and replaying decisions onto an article.

A review item is one proposed change (an edit) or one flag (a finding that is not an edit). Its
id is derived from the change itself: rule, glossary entry, the original text and the words
around it (and, for repeated identical changes, which occurrence it is), never the offset alone,
so a decisions file still applies after a re-scrape that changed the article elsewhere.

The decisions file (``cleanup.decisions/1``, JSON, one record per item in article order, one key
a line) is documented in the README ("Decisions file"). ``apply_decisions`` replays accepted
changes and the editor's replacements; undecided items are listed and applied only when asked;
a decision whose change no longer exists is reported, never applied blindly.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import regex

from .document import WORD_RE, Document, normalize_token
from .errors import InputError
from .result import Edit, Result, Span, apply_edits

SCHEMA = "cleanup.decisions/1"
DECISIONS = ("accept", "reject", "replace")
TYPES = ("change", "flag", "editor")
CONTEXT_WORDS = 3  # words each side that identify a change
SHOWN_CONTEXT = 40  # characters each side kept for display and for finding editor spans

# Words (hyphenated and apostrophe compounds whole), runs of space, single other characters.
_PIECE_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:[-‐'’][\p{L}\p{M}\p{N}]+)*|\s+|.", regex.S)


# -- word-level diff -------------------------------------------------------------------------


def word_segments(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` -> ``new`` as (op, text) pieces, op in "=", "-", "+", compared word by word.

    >>> word_segments("the best diplomat", "the top diplomat")
    [('=', 'the '), ('-', 'best'), ('+', 'top'), ('=', ' diplomat')]
    """
    a, b = _PIECE_RE.findall(old), _PIECE_RE.findall(new)
    out: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))

    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        same = "".join(a[i1:i2])
        # A space alone between two changes joins them: "[-a b-]{+x y+}", not "[-a-]{+x+} [-b-]{+y+}".
        if tag == "equal" and 0 < k < len(ops) - 1 and not same.strip():
            add("-", same)
            add("+", same)
        elif tag == "equal":
            add("=", same)
        else:
            add("-", "".join(a[i1:i2]))
            add("+", "".join(b[j1:j2]))
    merged: list[tuple[str, str]] = []
    for op, text in out:  # "-a +x -b +y" -> "-ab +xy"
        if op in "-+" and len(merged) >= 2 and merged[-1][0] in "-+" and merged[-2][0] in "-+":
            k = -2 if merged[-2][0] == op else -1
            merged[k] = (op, merged[k][1] + text)
        else:
            merged.append((op, text))
    return merged


# -- review items ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One thing for the editor to decide: a proposed change, or a flag (no proposal)."""

    id: str
    type: str  # change | flag
    start: int
    end: int
    old: str
    new: str | None  # the tool's proposal (None for a flag)
    rule: str
    entry: str | None
    kind: str
    message: str
    confidence: float
    evidence: dict[str, Any]
    alternatives: list[str]
    line: int
    column: int
    before: str  # the text just before, on the same line (for display and matching)
    after: str
    sentence: str  # the sentence holding the change, as it stands in the article
    sentence_at: int  # where the change starts in ``sentence``

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "rule": self.rule, "entry": self.entry, "kind": self.kind,
            "old": self.old, "proposed": self.new, "line": self.line, "column": self.column,
            "start": self.start, "end": self.end, "before": self.before, "after": self.after,
            "sentence": self.sentence, "sentence_at": self.sentence_at, "message": self.message,
            "confidence": self.confidence, "alternatives": self.alternatives,
        }


def _context_words(text: str, start: int, end: int, backwards: bool) -> list[str]:
    """Up to CONTEXT_WORDS normalised words before ``start`` (or after ``end``), same line."""
    if backwards:
        chunk = text[max(0, start - 200) : start].rsplit("\n", 1)[-1]
        words = [normalize_token(w) for w in WORD_RE.findall(chunk)]
        return words[-CONTEXT_WORDS:]
    chunk = text[end : end + 200].split("\n", 1)[0]
    return [normalize_token(w) for w in WORD_RE.findall(chunk)][:CONTEXT_WORDS]


def item_key(type_: str, rule: str, entry: str | None, old: str, before: list[str], after: list[str]) -> str:
    return json.dumps([type_, rule, entry or "", old, before, after], ensure_ascii=False)


def _alternatives(evidence: dict[str, Any], proposal: str | None) -> list[str]:
    out = []
    for alt in evidence.get("alternatives") or []:
        text = alt[0] if isinstance(alt, (list, tuple)) else alt
        if isinstance(text, str) and text != proposal and text not in out:
            out.append(text)
    return out


def review_items(result: Result, abbreviations: frozenset[str] = frozenset()) -> list[Item]:
    """Every edit and every flag (a finding that is not fixable) of ``result``, in text order,
    with its stable id."""
    text = result.text
    doc = Document(text, abbreviations)
    raw: list[tuple[str, Any]] = [("change", e) for e in result.edits]
    raw += [("flag", f) for f in result.findings if not f.fixable]
    raw.sort(key=lambda p: (p[1].start, p[1].end, p[0]))
    items: list[Item] = []
    seen: dict[str, int] = {}
    for type_, x in raw:
        old = text[x.start : x.end]
        before_w = _context_words(text, x.start, x.end, True)
        after_w = _context_words(text, x.start, x.end, False)
        key = item_key(type_, x.rule, x.entry, old, before_w, after_w)
        seen[key] = seen.get(key, 0) + 1
        digest = hashlib.sha256(f"{key}#{seen[key]}".encode()).hexdigest()[:16]
        line, col = doc.line_col(x.start)
        sent = doc.segment_at(x.start, "sentence")
        sentence = text[sent.start : max(sent.end, x.end)] if sent else old
        sentence_at = x.start - sent.start if sent else 0
        evidence = dict(x.evidence)
        if type_ == "change":
            new, confidence = x.new, float(evidence.get("confidence", 1.0))
        else:  # a flag may carry a proposal (a quotation's artefact, a near miss) the editor can accept
            new, confidence = x.suggestion, float(x.confidence)
        items.append(Item(
            id=digest, type=type_, start=x.start, end=x.end, old=old, new=new, rule=x.rule,
            entry=x.entry, kind=x.kind, message=x.message, confidence=round(confidence, 3),
            evidence=evidence, alternatives=_alternatives(evidence, new), line=line, column=col,
            before=text[max(0, x.start - SHOWN_CONTEXT) : x.start].rsplit("\n", 1)[-1],
            after=text[x.end : x.end + SHOWN_CONTEXT].split("\n", 1)[0],
            sentence=sentence, sentence_at=sentence_at,
        ))
    return items


# -- the decisions file ----------------------------------------------------------------------


@dataclass
class Decisions:
    """A decisions file: the article it was made for and one record per item (plus the
    editor's own changes, type "editor")."""

    article: dict[str, Any]
    records: list[dict[str, Any]]
    tool: dict[str, Any] = field(default_factory=dict)

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.records}

    def to_json(self) -> str:
        data = {"schema": SCHEMA, "article": self.article, "tool": self.tool, "items": self.records}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"

    @property
    def decided(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r.get("decision")]

    @property
    def undecided(self) -> list[dict[str, Any]]:
        return [r for r in self.records if not r.get("decision")]


def record_for(item: Item) -> dict[str, Any]:
    """The decisions-file record of an item, not yet decided."""
    return {
        "id": item.id, "type": item.type, "rule": item.rule, "entry": item.entry, "kind": item.kind,
        "old": item.old, "proposed": item.new, "line": item.line, "column": item.column,
        "before": item.before, "after": item.after, "sentence": item.sentence,
        "sentence_at": item.sentence_at, "decision": None, "replacement": None, "by": None, "at": None,
    }


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def new_decisions(items: list[Item], path: str, result: Result) -> Decisions:
    return Decisions(
        article={"path": path, "sha256": text_sha256(result.text), "lang": result.lang},
        records=[record_for(i) for i in items],
        tool={"version": result.signature.get("version"), "digest": result.signature.get("digest")},
    )


def decide(record: dict[str, Any], decision: str | None, replacement: str | None = None,
           by: str | None = None, when: str | None = None) -> None:
    """Set (or clear, with None) the decision of one record."""
    if decision is not None and decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    if decision == "replace" and replacement is None:
        raise ValueError("a replace decision needs the replacement text")
    record["decision"] = decision
    record["replacement"] = replacement if decision == "replace" else None
    record["by"] = by if decision else None
    record["at"] = (when or now()) if decision else None


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_decisions(data: bytes | str, name: str) -> Decisions:
    """Validate a decisions file; InputError naming the file for anything malformed."""
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{name}: not a decisions file (invalid JSON: {exc})") from None
    if not isinstance(obj, dict) or obj.get("schema") != SCHEMA:
        got = obj.get("schema") if isinstance(obj, dict) else type(obj).__name__
        raise InputError(f"{name}: not a decisions file (schema {got!r}, expected {SCHEMA!r})")
    items = obj.get("items")
    if not isinstance(items, list):
        raise InputError(f"{name}: 'items' must be a list")
    article = obj.get("article") if isinstance(obj.get("article"), dict) else {}
    tool = obj.get("tool") if isinstance(obj.get("tool"), dict) else {}
    records = []
    for k, rec in enumerate(items, 1):
        where = f"{name}: item {k}"
        if not isinstance(rec, dict):
            raise InputError(f"{where}: must be an object")
        for key in ("id", "type", "old"):
            if not isinstance(rec.get(key), str):
                raise InputError(f"{where}: {key!r} must be a string")
        if rec["type"] not in TYPES:
            raise InputError(f"{where}: type {rec['type']!r} is not one of {', '.join(TYPES)}")
        decision = rec.get("decision")
        if decision is not None and decision not in DECISIONS:
            raise InputError(f"{where}: decision {decision!r} is not one of {', '.join(DECISIONS)} or null")
        if decision == "replace" and not isinstance(rec.get("replacement"), str):
            raise InputError(f"{where}: a 'replace' decision needs a 'replacement' string")
        if decision == "accept" and rec["type"] != "change" and rec.get("proposed") is None:
            raise InputError(f"{where}: only a proposal can be accepted; give a flag a 'replace' decision")
        if rec["type"] == "editor" and decision not in ("replace", None):
            raise InputError(f"{where}: an editor's change needs a 'replace' decision")
        for key in ("before", "after", "proposed", "rule", "entry", "sentence", "by", "at"):
            if rec.get(key) is not None and not isinstance(rec[key], str):
                raise InputError(f"{where}: {key!r} must be a string or null")
        records.append(rec)
    ids = [r["id"] for r in records]
    if len(set(ids)) != len(ids):
        raise InputError(f"{name}: duplicate item ids")
    return Decisions(article, records, tool)


def load_decisions(path: str | Path) -> Decisions:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such decisions file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_decisions(data, str(path))


def save_decisions(path: str | Path, decisions: Decisions) -> None:
    from .textio import write_atomic

    write_atomic(path, decisions.to_json().encode("utf-8"))


# -- matching decisions to the items of a (maybe re-scraped) article -----------------------


@dataclass
class Match:
    """Decisions matched onto the current items of an article."""

    records: dict[str, dict[str, Any]]  # item id -> the record deciding it
    moved: list[tuple[dict[str, Any], Item]]  # matched by content although the id changed
    stale: list[dict[str, Any]]  # decided records whose change no longer exists
    editor: list[dict[str, Any]]  # the editor's own changes (located by text, not by the tool)


def _similar(record: dict[str, Any], item: Item) -> float:
    a = (record.get("before") or "")[-SHOWN_CONTEXT:] + "\x00" + (record.get("after") or "")[:SHOWN_CONTEXT]
    b = item.before + "\x00" + item.after
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def match(decisions: Decisions, items: list[Item]) -> Match:
    """Match records to items by id; a decided record whose id is gone is matched to the one
    remaining item of the same rule, entry and original text whose surroundings are still
    similar (the article changed around it); otherwise it is stale."""
    by_id = {i.id: i for i in items}
    out = Match({}, [], [], [])
    pending = []
    for rec in decisions.records:
        if rec["type"] == "editor":
            out.editor.append(rec)
        elif rec["id"] in by_id:
            out.records[rec["id"]] = rec
        elif rec.get("decision"):
            pending.append(rec)
    for rec in pending:
        candidates = [i for i in items if i.id not in out.records and i.type == rec["type"]
                      and i.rule == rec.get("rule") and i.entry == rec.get("entry") and i.old == rec["old"]]
        scored = sorted(((round(_similar(rec, i), 3), k, i) for k, i in enumerate(candidates)), reverse=True)
        # A long original text found once is itself distinctive (a boilerplate line whose
        # neighbour changed); a short one needs surroundings that are still similar.
        unique_long = len(scored) == 1 and len(rec["old"].strip()) >= 16
        if scored and (unique_long or scored[0][0] >= 0.6) and (len(scored) == 1 or scored[1][0] < scored[0][0]):
            item = scored[0][2]
            out.records[item.id] = rec
            out.moved.append((rec, item))
        else:
            out.stale.append(rec)
    return out


# -- replaying decisions --------------------------------------------------------------------


@dataclass
class Applied:
    """What ``apply_decisions`` did."""

    output: str
    edits: list[Edit]
    undecided: list[Item]  # items without a decision (applied only with undecided="accept")
    stale: list[dict[str, Any]]  # decisions whose change no longer exists: not applied
    already: list[dict[str, Any]]  # decisions whose result is already in the text
    moved: list[tuple[dict[str, Any], Item]]
    conflicts: list[dict[str, Any]]  # replacements overlapping another applied change
    changed_proposals: list[tuple[dict[str, Any], Item]]  # accepted, but the tool now proposes other text
    undecided_applied: bool = False  # undecided="accept": their proposals were applied

    @property
    def complete(self) -> bool:
        """Nothing undecided and nothing the editor decided to change left unapplied (a rejected
        change that vanished is reported but changes nothing)."""
        lost = [r for r in self.stale if r.get("decision") != "reject"]
        open_items = self.undecided and not self.undecided_applied
        return not (open_items or lost or self.conflicts or self.changed_proposals)

    def report(self, name: str) -> list[str]:
        """One line per thing the editor should know."""
        lines = []
        what = "undecided, the tool's proposal applied" if self.undecided_applied else "undecided"
        for item in self.undecided:
            lines.append(f"{name}:{item.line}:{item.column}: {what}: {item.old!r}"
                         + (f" -> {item.new!r}" if item.new is not None else " (flag)") + f" [{item.id}]")
        for rec in self.stale:
            lines.append(f"{name}: decision {rec['id']} ({rec.get('decision')} {rec['old']!r}): "
                         "the change no longer exists in this article; not applied")
        for rec, item in self.changed_proposals:
            lines.append(f"{name}:{item.line}:{item.column}: decision {rec['id']} accepted "
                         f"{rec.get('proposed')!r} but the tool now proposes {item.new!r}; not applied")
        for rec in self.conflicts:
            lines.append(f"{name}: decision {rec['id']} ({rec['old']!r} -> {rec.get('replacement')!r}) "
                         "overlaps another applied change; not applied")
        for rec, item in self.moved:
            lines.append(f"{name}:{item.line}:{item.column}: decision {rec['id']} matched by its text "
                         "(the article changed around it)")
        if self.already:
            lines.append(f"{name}: {len(self.already)} decision(s) already applied in this text")
        return lines


def _find_in_context(text: str, old: str, before: str, after: str) -> list[int]:
    """Start offsets of ``old`` with ``before`` just before it and ``after`` just after."""
    if not old:
        return []
    needle = before + old + after
    starts, pos = [], text.find(needle)
    while pos != -1:
        starts.append(pos + len(before))
        pos = text.find(needle, pos + 1)
    return starts


def _already_applied(text: str, rec: dict[str, Any]) -> bool:
    new = rec.get("replacement") if rec.get("decision") == "replace" else rec.get("proposed")
    if new is None or rec.get("decision") == "reject":
        return False
    before, after = rec.get("before") or "", rec.get("after") or ""
    if not new:  # a deletion is applied when the deleted text is gone
        return rec["old"] not in text
    return bool(_find_in_context(text, new, before[-12:], after[:12]))


def apply_decisions(text: str, items: list[Item], decisions: Decisions, undecided: str = "skip") -> Applied:
    """Replay ``decisions`` onto ``text`` whose current review items are ``items``.

    Accepted changes apply the proposal (only if the tool still proposes the same text), a
    replace decision applies the editor's text, rejected items stay as they are. Undecided
    items are listed; with ``undecided="accept"`` their proposals are applied too. Deterministic:
    the same text, items and decisions always give the same output."""
    if undecided not in ("skip", "accept"):
        raise ValueError("undecided must be 'skip' or 'accept'")
    m = match(decisions, items)
    done = Applied(text, [], [], [], [], m.moved, [], [], undecided_applied=undecided == "accept")
    edits: list[Edit] = []
    for item in items:
        rec = m.records.get(item.id)
        decision = rec.get("decision") if rec else None
        if decision == "accept":
            if rec.get("proposed") is not None and rec.get("proposed") != item.new:
                done.changed_proposals.append((rec, item))
                continue
            edits.append(_edit(item, item.new or ""))
        elif decision == "replace":
            edits.append(_edit(item, rec["replacement"]))
        elif decision is None:
            done.undecided.append(item)
            if undecided == "accept" and item.type == "change":
                edits.append(_edit(item, item.new or ""))
    for rec in m.stale:
        (done.already if _already_applied(text, rec) else done.stale).append(rec)
    # Flags may overlap changes: keep the first decided one, report the others.
    kept: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if kept and kept[-1].overlaps(e) and not (kept[-1].start == kept[-1].end == e.start == e.end):
            rec = m.records.get(e.evidence.get("item", ""), {"id": e.evidence.get("item"), "old": e.old,
                                                              "replacement": e.new})
            done.conflicts.append(rec)
            continue
        kept.append(e)
    for rec in m.editor:
        if not rec.get("decision"):
            continue
        starts = _find_in_context(text, rec["old"], rec.get("before") or "", rec.get("after") or "")
        if len(starts) != 1:
            (done.already if _already_applied(text, rec) else done.stale).append(rec)
            continue
        e = Edit(starts[0], starts[0] + len(rec["old"]), rec["old"], rec["replacement"], rule="editor",
                 kind=rec.get("kind") or "lexical", message="the editor's change", evidence={"item": rec["id"]})
        if any(k.overlaps(e) for k in kept):
            done.conflicts.append(rec)
            continue
        kept.append(e)
    kept.sort(key=lambda e: (e.start, e.end))
    done.edits = kept
    done.output = apply_edits(text, kept)
    return done


def _edit(item: Item, new: str) -> Edit:
    return Edit(item.start, item.end, item.old, new, rule=item.rule, kind=item.kind, message=item.message,
                entry=item.entry, evidence={"item": item.id})


def editor_record(text: str, start: int, end: int, replacement: str, sentence: str = "",
                  by: str | None = None) -> dict[str, Any]:
    """A record for the editor's own change of a span the tool did not propose."""
    old = text[start:end]
    before = text[max(0, start - SHOWN_CONTEXT) : start].rsplit("\n", 1)[-1]
    after = text[end : end + SHOWN_CONTEXT].split("\n", 1)[0]
    key = item_key("editor", "editor", None, old, _context_words(text, start, end, True),
                   _context_words(text, start, end, False))
    rec = {"id": "e" + hashlib.sha256(key.encode()).hexdigest()[:15], "type": "editor", "rule": "editor",
           "entry": None, "kind": "lexical", "old": old, "proposed": None, "line": None, "column": None,
           "before": before, "after": after, "sentence": sentence or old,
           "sentence_at": max(0, (sentence or old).find(old)),
           "decision": None, "replacement": None, "by": None, "at": None}
    decide(rec, "replace", replacement, by)
    return rec


def merge_records(items: list[Item], previous: Decisions | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records for the current items, carrying over earlier decisions (a resumed review);
    returns (records, stale decided records). Editor records are kept."""
    records = [record_for(i) for i in items]
    if previous is None:
        return records, []
    m = match(previous, items)
    for rec in records:
        old = m.records.get(rec["id"])
        if old and old.get("decision"):
            for key in ("decision", "replacement", "by", "at"):
                rec[key] = old.get(key)
    records += [r for r in m.editor]
    return records, m.stale
