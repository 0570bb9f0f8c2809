"""Reviewing an article: a session (items, decisions saved as they are made, the final text
written when everything is decided) and its terminal front end.

rich is imported only when a terminal review starts. The session knows nothing of the terminal,
so the HTML page, the terminal and the tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .decisions import (Decisions, Item, apply_decisions, decide, load_decisions, merge_records,
                        new_decisions, review_items, save_decisions, word_segments)
from .result import Result
from .textio import Source, write_atomic


def default_decisions_path(article: str) -> Path:
    p = Path(article)
    return p.with_name(p.stem + ".decisions.json")


def default_final_path(article: str) -> Path:
    p = Path(article)
    return p.with_name(p.stem + ".final" + p.suffix)


@dataclass
class Session:
    """One article under review: its items, the decisions (saved after each change) and where
    the final text goes."""

    source: Source
    result: Result
    items: list[Item]
    decisions: Decisions
    decisions_path: Path | None
    output_path: Path | None
    by: str | None = None
    stale: list[dict[str, Any]] = field(default_factory=list)
    _undo: list[list[tuple[dict[str, Any], dict[str, Any]]]] = field(default_factory=list)

    @classmethod
    def open(cls, source: Source, result: Result, abbreviations: frozenset[str], decisions_path: Path | None,
             output_path: Path | None, by: str | None = None) -> "Session":
        """Start a review, or resume one: decisions already in ``decisions_path`` are kept."""
        items = review_items(result, abbreviations)
        decisions = new_decisions(items, source.name, result)
        stale: list[dict[str, Any]] = []
        if decisions_path is not None and decisions_path.exists():
            previous = load_decisions(decisions_path)
            decisions.records, stale = merge_records(items, previous)
            decisions.records += stale  # kept in the file: the editor's work is never dropped
        return cls(source, result, items, decisions, decisions_path, output_path, by, stale)

    def record(self, item: Item) -> dict[str, Any]:
        return self.decisions.by_id()[item.id]

    def pending(self) -> list[Item]:
        records = self.decisions.by_id()
        return [i for i in self.items if not records[i.id].get("decision")]

    def decide(self, items: list[Item], decision: str, replacement: str | None = None) -> None:
        """Decide one or several items as one undoable step; saved at once."""
        step = []
        for item in items:
            rec = self.record(item)
            step.append((rec, dict(rec)))
            decide(rec, decision, replacement, self.by)
        self._undo.append(step)
        self.save()

    def undo(self) -> Item | None:
        """Take back the last step; returns the (first) item it decided."""
        if not self._undo:
            return None
        step = self._undo.pop()
        for rec, before in step:
            rec.clear()
            rec.update(before)
        self.save()
        ids = {rec["id"] for rec, _ in step}
        return next((i for i in self.items if i.id in ids), None)

    def save(self) -> None:
        if self.decisions_path is not None:
            save_decisions(self.decisions_path, self.decisions)

    @property
    def complete(self) -> bool:
        return not self.pending()

    def final_text(self) -> str:
        return apply_decisions(self.source.text, self.items, self.decisions).output

    def finish(self) -> Path | None:
        """Write the final text atomically (only when every item is decided)."""
        if not self.complete or self.output_path is None:
            return None
        write_atomic(self.output_path, self.source.encode(self.final_text()))
        return self.output_path


# -- terminal front end -----------------------------------------------------------------------

HELP = ("a accept   r reject   e edit (type the replacement)   1-9 take an alternative\n"
        "A accept all remaining of this rule   R reject all remaining of this rule\n"
        "n/space next (undecided stays)   p previous   u undo   q quit (saved; run again to resume)   ? help")


def _describe(item: Item) -> str:
    return item.entry or item.rule


def change_text(item: Item, replacement: str | None = None, plain: bool = False):
    """The sentence with the change as a word diff (rich Text): deleted words red and struck
    through, new words green; ``plain``: ``[-old-]{+new+}`` markers instead of colour."""
    from rich.text import Text

    text = Text()
    sentence, at = item.sentence, item.sentence_at
    left, right = sentence[:at], sentence[at + len(item.old):]
    if len(left) > 300:
        left = "…" + left[-300:]
    if len(right) > 300:
        right = right[:300] + "…"
    text.append(left)
    new = replacement if replacement is not None else item.new
    if new is None:
        text.append(f">>{item.old}<<" if plain else item.old, style="bold yellow underline")
    else:
        for op, piece in word_segments(item.old, new):
            if op == "=":
                text.append(piece, style="bold")
            elif op == "-":
                text.append(f"[-{piece}-]" if plain else piece, style="bold red strike")
            else:
                text.append(f"{{+{piece}+}}" if plain else piece, style="bold green")
    text.append(right)
    return text


class TerminalReview:
    """Step through the pending items of a session with single keys."""

    def __init__(self, session: Session, console, read_key: Callable[[], str], read_line: Callable[[str], str],
                 plain: bool = False):
        self.plain = plain
        self.session = session
        self.console = console
        self.read_key = read_key
        self.read_line = read_line

    def show(self, item: Item) -> None:
        from rich.text import Text

        s = self.session
        left = len(s.pending())
        k = s.items.index(item) + 1
        c = self.console
        c.print()
        c.print(Text(f"[{k}/{len(s.items)}] {left} left  ·  line {item.line}, column {item.column}  ·  "
                     f"{item.type}  ·  {_describe(item)}", style="cyan"))
        c.print(change_text(item, plain=self.plain))
        c.print(Text(f"why: {item.message}"))
        ev = {key: v for key, v in item.evidence.items() if v not in (None, "", {}, []) and key != "alternatives"}
        if ev:
            c.print(Text("evidence: " + ", ".join(f"{key}={v!r}" for key, v in ev.items())))
        c.print(Text(f"confidence: {item.confidence:.2f}"))
        for n, alt in enumerate(item.alternatives[:9], 1):
            c.print(Text(f"  {n}. {alt}"))
        rec = s.record(item)
        if rec.get("decision"):
            c.print(Text(f"decided: {rec['decision']}" + (f" {rec['replacement']!r}" if rec.get("replacement") else ""),
                         style="magenta"))
        keys = "a/r/e/A/R/n/p/u/q/?" if item.type == "change" else "e/r/A/R/n/p/u/q/? (a flag: e types a replacement)"
        c.print(Text(f"[{keys}] ", style="dim"), end="")

    def run(self) -> bool:
        """Review until every item is decided (True) or the editor quits (False)."""
        s = self.session
        order = s.items
        pos = 0
        pending = s.pending()
        if pending:
            pos = order.index(pending[0])
        while not s.complete:
            item = order[pos]
            self.show(item)
            key = self.read_key()
            self.console.print(key if key.isprintable() else "")
            same_rule = [i for i in s.pending() if i.rule == item.rule and i.entry == item.entry]
            if key == "a":
                if item.new is None:
                    self.console.print("a flag has no proposal to accept: e types a replacement, r leaves it")
                    continue
                s.decide([item], "accept")
            elif key == "r":
                s.decide([item], "reject")
            elif key == "e":
                typed = self.read_line("replacement (empty: cancel): ")
                if not typed:
                    continue
                s.decide([item], "replace", typed)
            elif key in "123456789" and key and int(key) <= len(item.alternatives):
                s.decide([item], "replace", item.alternatives[int(key) - 1])
            elif key == "A":
                changes = [i for i in same_rule if i.type == "change"]
                if changes:
                    s.decide(changes, "accept")
                    self.console.print(f"accepted {len(changes)} change(s) of {_describe(item)}")
            elif key == "R":
                s.decide(same_rule, "reject")
                self.console.print(f"rejected {len(same_rule)} item(s) of {_describe(item)}")
            elif key == "u":
                back = s.undo()
                if back is None:
                    self.console.print("nothing to undo")
                else:
                    pos = order.index(back)
                    self.console.print("undone")
                continue
            elif key in ("n", " "):
                pos = (pos + 1) % len(order)
                continue
            elif key == "p":
                pos = (pos - 1) % len(order)
                continue
            elif key in ("q", "\x03", "\x04", ""):
                return False
            elif key == "?":
                self.console.print(HELP)
                continue
            else:
                self.console.print(f"unknown key {key!r}; ? for help")
                continue
            nxt = [i for i in s.pending() if order.index(i) > pos] or s.pending()
            if nxt:
                pos = order.index(nxt[0])
        return True


def terminal_review(session: Session, color: bool) -> bool:
    """Run the terminal review on stdin/stdout; True when the review is complete. Keys are
    single keypresses on a terminal, one per line from a pipe."""
    import sys

    import typer
    from rich.console import Console

    if color:
        console = Console(highlight=False, force_terminal=True, color_system="standard", soft_wrap=False)
    else:
        console = Console(highlight=False, color_system=None, soft_wrap=False)
    interactive = sys.stdin.isatty()

    def read_key() -> str:
        if interactive:
            return typer.getchar()
        line = sys.stdin.readline()
        if not line:
            return ""  # end of input: quit (decisions are saved)
        return line.rstrip("\r\n")[:1] or "n"

    def read_line(prompt: str) -> str:
        console.print(prompt, end="")
        return sys.stdin.readline().rstrip("\r\n")

    if not session.items:
        console.print(f"{session.source.name}: nothing to review")
        return True
    return TerminalReview(session, console, read_key, read_line, plain=not color).run()
