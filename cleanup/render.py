"""Presenting a result: unified and word diffs, JSON, path:line:col lines, explanations."""

from __future__ import annotations

import difflib
import json
from typing import Callable

from .document import Document
from .result import Result

RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def unified_diff(text: str, output: str, name: str, color: bool = False) -> str:
    """A unified diff of input and output, line-ending exact (keepends). In colour, a changed
    line is shown once with its changed words highlighted (as ``git diff --color-words``):
    each paragraph is one line, so a whole-line diff would hide what changed."""
    before = text.splitlines(keepends=True)
    after = output.splitlines(keepends=True)
    if color:
        return _color_words_diff(before, after, name)
    lines = list(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
    out = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def words_colored(old: str, new: str) -> str:
    """``old`` -> ``new`` on one line, deleted words red, inserted words green."""
    from .decisions import word_segments

    out = []
    for op, piece in word_segments(old, new):
        if op == "=":
            out.append(piece)
        else:
            out.append((RED if op == "-" else GREEN) + piece + RESET)
    return "".join(out)


def _color_words_diff(before: list[str], after: list[str], name: str) -> str:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out = [f"{BOLD}--- a/{name}{RESET}\n", f"{BOLD}+++ b/{name}{RESET}\n"]
    groups = list(matcher.get_grouped_opcodes(3))
    if not groups:
        return ""
    for group in groups:
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        out.append(f"{CYAN}@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@{RESET}\n")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out += [line.rstrip("\r\n") + "\n" for line in before[a1:a2]]
                continue
            old, new = before[a1:a2], after[b1:b2]
            for k in range(max(len(old), len(new))):
                if k < len(old) and k < len(new):
                    out.append(words_colored(old[k].rstrip("\r\n"), new[k].rstrip("\r\n")) + "\n")
                elif k < len(old):
                    out.append(RED + old[k].rstrip("\r\n") + RESET + "\n")
                else:
                    out.append(GREEN + new[k].rstrip("\r\n") + RESET + "\n")
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


def finding_lines(result: Result, name: str, color: bool = False) -> str:
    """``path:line:col: rule: message`` for every finding (edited or not)."""
    doc = Document(result.text)
    edited = {(e.start, e.end) for e in result.edits}
    out = []
    for f in result.findings:
        line, col = doc.line_col(f.start)
        rule = f.rule if f.entry is None else f"{f.rule}[{f.entry}]"
        if f.fixable:
            action = f" -> {f.suggestion!r}" if f.suggestion else " -> delete"
            if color:
                action = f" -> {GREEN}{f.suggestion!r}{RESET}" if f.suggestion else f" -> {RED}delete{RESET}"
        else:
            action = f" ({f.action})"
        status = "" if (f.start, f.end) in edited or not f.fixable else " [overlapped]"
        where = f"{name}:{line}:{col}:"
        if color:
            where, rule = f"{BOLD}{where}{RESET}", f"{CYAN}{rule}{RESET}"
        out.append(f"{where} {rule}: {f.message}{action}{status}\n")
    return "".join(out)


def explain(result: Result, name: str, notes: Callable[[str], str] | None = None, color: bool = False) -> str:
    """Each change: what, where, which rule or glossary entry, why (the entry's note too,
    when ``notes`` looks it up), and the evidence; then the flags and the notes of the run."""
    doc = Document(result.text)
    if not result.edits and not result.findings:
        return f"{name}: no changes ({result.lang})\n"
    out = [f"{name}: {len(result.edits)} change(s), {len(result.findings)} finding(s), language {result.lang}\n"]
    for k, e in enumerate(result.edits, 1):
        line, col = doc.line_col(e.start)
        old = e.old.replace("\n", "\\n")
        change = f"{RED}{old!r}{RESET} -> {GREEN}{e.new!r}{RESET}" if color else f"{old!r} -> {e.new!r}"
        out.append(f"\n{k}. line {line}, column {col}: {change}\n")
        out.append(f"   rule: {e.rule}" + (f"  entry: {e.entry}" if e.entry else "") + "\n")
        out.append(f"   why: {e.message}\n")
        note = notes(e.entry) if notes and e.entry else ""
        if note:
            out.append(f"   note: {note}\n")
        ev = {k2: v for k2, v in e.evidence.items() if v not in (None, "", {}, [])}
        if ev:
            out.append("   evidence: " + ", ".join(f"{k2}={v!r}" for k2, v in ev.items()) + "\n")
    flagged = [f for f in result.findings if not f.fixable]
    if flagged:
        out.append("\nflagged for review (not changed):\n")
        for f in flagged:
            line, col = doc.line_col(f.start)
            note = notes(f.entry) if notes and f.entry else ""
            out.append(f"  line {line}, column {col}: {f.text!r}: {f.rule}"
                       + (f"[{f.entry}]" if f.entry else "") + f": {f.message} ({f.action})"
                       + (f"; note: {note}" if note else "") + "\n")
    for note in result.notes:
        out.append(f"\nnote: {note}\n")
    return "".join(out)


def result_json(result: Result, name: str) -> str:
    """One result as JSON (an item of the ``cleanup.results/1`` list)."""
    return json.dumps(result.to_dict(path=name), ensure_ascii=False, indent=2)
