"""Presenting a result: unified and word diffs, JSON, path:line:col lines, explanations."""

from __future__ import annotations

import difflib
import json


from .document import Document
from .result import Result

RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def unified_diff(text: str, output: str, name: str, color: bool = False) -> str:
    """A unified diff of input and output, line-ending exact (keepends)."""
    before = text.splitlines(keepends=True)
    after = output.splitlines(keepends=True)
    lines = list(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        if color:
            if line.startswith(("+++", "---")):
                line = BOLD + line.rstrip("\n") + RESET + "\n"
            elif line.startswith("@@"):
                line = CYAN + line.rstrip("\n") + RESET + "\n"
            elif line.startswith("+"):
                line = GREEN + line.rstrip("\n") + RESET + "\n"
            elif line.startswith("-"):
                line = RED + line.rstrip("\n") + RESET + "\n"
        out.append(line)
    return "".join(out)


def word_diff(result: Result, name: str, color: bool = False, context: int = 40) -> str:
    """Each edit in its line, as ``[-old-]{+new+}`` (or coloured), with its location."""
    doc = Document(result.text)
    out = []
    for e in result.edits:
        line, col = doc.line_col(e.start)
        left = result.text[max(0, e.start - context) : e.start].rsplit("\n", 1)[-1]
        right = result.text[e.end : e.end + context].split("\n", 1)[0]
        old = e.old.replace("\n", "\\n")
        if color:
            change = f"{RED}{old}{RESET}{GREEN}{e.new}{RESET}"
        else:
            change = (f"[-{old}-]" if old else "") + (f"{{+{e.new}+}}" if e.new else "")
        out.append(f"{name}:{line}:{col}: …{left}{change}{right}…\n")
    return "".join(out)


def finding_lines(result: Result, name: str) -> str:
    """``path:line:col: rule: message`` for every finding (edited or not)."""
    doc = Document(result.text)
    edited = {(e.start, e.end) for e in result.edits}
    out = []
    for f in result.findings:
        line, col = doc.line_col(f.start)
        rule = f.rule if f.entry is None else f"{f.rule}[{f.entry}]"
        if f.fixable:
            action = f" -> {f.suggestion!r}" if f.suggestion else " -> delete"
        else:
            action = f" ({f.action})"
        status = "" if (f.start, f.end) in edited or not f.fixable else " [overlapped]"
        out.append(f"{name}:{line}:{col}: {rule}: {f.message}{action}{status}\n")
    return "".join(out)


def explain(result: Result, name: str) -> str:
    """Each change: what, where, which rule or glossary entry, and why."""
    doc = Document(result.text)
    if not result.edits and not result.findings:
        return f"{name}: no changes ({result.lang})\n"
    out = [f"{name}: {len(result.edits)} change(s), {len(result.findings)} finding(s), language {result.lang}\n"]
    for k, e in enumerate(result.edits, 1):
        line, col = doc.line_col(e.start)
        old = e.old.replace("\n", "\\n")
        out.append(f"\n{k}. line {line}, column {col}: {old!r} -> {e.new!r}\n")
        out.append(f"   rule: {e.rule}" + (f"  entry: {e.entry}" if e.entry else "") + "\n")
        out.append(f"   why: {e.message}\n")
        ev = {k2: v for k2, v in e.evidence.items() if v not in (None, "", {})}
        if ev:
            out.append("   evidence: " + ", ".join(f"{k2}={v!r}" for k2, v in ev.items()) + "\n")
    flagged = [f for f in result.findings if not f.fixable]
    if flagged:
        out.append("\nflagged for review (not changed):\n")
        for f in flagged:
            line, col = doc.line_col(f.start)
            out.append(f"  line {line}, column {col}: {f.text!r}: {f.rule}"
                       + (f"[{f.entry}]" if f.entry else "") + f": {f.message} ({f.action})\n")
    for note in result.notes:
        out.append(f"\nnote: {note}\n")
    return "".join(out)


def result_json(result: Result, name: str) -> str:
    """One result as JSON (an item of the ``cleanup.results/1`` list)."""
    return json.dumps(result.to_dict(path=name), ensure_ascii=False, indent=2)
