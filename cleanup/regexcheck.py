"""Static checks of data-supplied regexes for ``glossary lint``: invalid patterns, and nested
quantifiers that can backtrack catastrophically (``(a+)+``, ``(\\w+\\s?)*``).

A nested quantifier is reported when an unbounded repeat holds another unbounded repeat and
nothing mandatory in the outer repeat's body separates two iterations: ``(?:\\s+\\w+)+`` is
safe (every iteration starts with a space, which ``\\w+`` cannot eat), ``(?:\\w+\\s?)+`` is
not. The pattern is parsed with Python's own regex parser after rewriting the ``regex``
module's extra syntax (``\\p{L}``, ``(?<name>...)``); a pattern it still cannot parse is not
judged (the loader has compiled it, and every data regex runs with a time limit anyway).
Suspects are then run on a crafted input under a time limit, and the report says whether it
timed out.
"""

from __future__ import annotations

import re
import string
import time

import regex

try:  # Python 3.11+: the parser lives in re._parser (sre_parse is deprecated)
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore
    import sre_parse as P  # type: ignore

_PROBES = string.ascii_lowercase + string.ascii_uppercase + string.digits + " \t\n.,;:!?'\"-()/%$€éÉàçœ’\u00a0"
_SINGLE = {C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN}


def compile_error(pattern: str) -> str | None:
    """Why the ``regex`` module refuses ``pattern`` (None when it compiles)."""
    try:
        regex.compile(pattern, regex.V0)
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        return str(exc)
    return None


def _rewrite(pattern: str) -> str:
    out = re.sub(r"\\[pP]\{[^}]*\}", r"\\w", pattern)
    out = re.sub(r"\\[pP][A-Za-z]", r"\\w", out)
    out = re.sub(r"\(\?<(?![=!])", "(?P<", out)
    seen: dict[str, int] = {}

    def rename(m: re.Match) -> str:  # the regex module allows a name twice; re does not
        name = m.group(1)
        seen[name] = seen.get(name, 0) + 1
        return f"(?P<{name}{'_' * (seen[name] - 1)}>" if seen[name] > 1 else m.group(0)

    return re.sub(r"\(\?P<(\w+)>", rename, out)


def _matches(node: tuple, ch: str) -> bool:
    """Whether the one-character node matches ``ch`` (case ignored)."""
    op, av = node
    if op == C.ANY:
        return ch != "\n"
    if op == C.LITERAL:
        return chr(av).casefold() == ch.casefold()
    if op == C.NOT_LITERAL:
        return chr(av).casefold() != ch.casefold()
    if op == C.IN:
        negate = any(o == C.NEGATE for o, _ in av)
        hit = False
        for o, a in av:
            if o == C.LITERAL and chr(a).casefold() == ch.casefold():
                hit = True
            elif o == C.RANGE and a[0] <= ord(ch) <= a[1]:
                hit = True
            elif o == C.CATEGORY and _category(a, ch):
                hit = True
        return hit != negate
    return True


def _category(cat, ch: str) -> bool:
    name = str(cat).upper()
    positive = "NOT" not in name
    if "DIGIT" in name:
        found = ch.isdigit()
    elif "SPACE" in name:
        found = ch.isspace()
    elif "WORD" in name:
        found = ch.isalnum() or ch == "_"
    else:
        return True
    return found == positive


def _chars(node: tuple) -> set[str] | None:
    """The probe characters a one-character node (or a repeat of one) can match."""
    op, av = node
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and len(av[2]) == 1:
        return _chars(av[2][0])
    if op == C.SUBPATTERN and len(av[3]) == 1:
        return _chars(av[3][0])
    if op in _SINGLE:
        return {ch for ch in _PROBES if _matches(node, ch)}
    return None


def _mandatory(node: tuple) -> bool:
    op, av = node
    if op in _SINGLE:
        return True
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        return av[0] >= 1
    return False


def _separated(body: list, inner: tuple) -> bool:
    """Something mandatory in ``body`` that ``inner`` cannot match separates iterations."""
    inner_chars = _chars(inner)
    if inner_chars is None:
        return False
    for node in body:
        if node is inner or not _mandatory(node):
            continue
        chars = _chars(node)
        if chars is not None and chars and not chars & inner_chars:
            return True
    return False


def _unbounded(node: tuple) -> bool:
    op, av = node
    return op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[1] == C.MAXREPEAT


def _inner_repeats(seq) -> list[tuple]:
    out = []
    for node in seq:
        op, av = node
        if _unbounded(node):
            out.append(node)
        children = []
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            children = [av[2]]
        elif op == C.SUBPATTERN:
            children = [av[3]]
        elif op == C.BRANCH:
            children = av[1]
        for child in children:
            out += _inner_repeats(child)
    return out


def _branch_overlap(flat: list) -> tuple | None:
    r"""In ``(?:x|y)+``: two alternatives made of the same characters (``\w|\d``, ``a|aa``)
    split one input in many ways."""
    if len(flat) != 1 or flat[0][0] != C.BRANCH:
        return None
    sets = []
    for alt in flat[0][1][1]:
        chars = [_chars(n) for n in alt]
        if alt and all(c for c in chars) and all(c == chars[0] for c in chars):
            sets.append((chars[0], alt[0]))
    for i, (a, node) in enumerate(sets):
        if any(a & b for b, _ in sets[i + 1 :]):
            return node
    return None


def _suspects(seq, found: list) -> None:
    for node in seq:
        op, av = node
        if _unbounded(node):
            body = list(av[2])
            flat = list(body[0][1][3]) if len(body) == 1 and body[0][0] == C.SUBPATTERN else body
            overlap = _branch_overlap(flat)
            if overlap is not None:
                found.append((node, overlap))
            for inner in _inner_repeats(av[2]):
                if not _separated(flat, inner):
                    found.append((node, inner))
                    break
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _suspects(av[2], found)
        elif op == C.SUBPATTERN:
            _suspects(av[3], found)
        elif op == C.BRANCH:
            for b in av[1]:
                _suspects(b, found)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _suspects(av[1], found)
        elif op == C.ATOMIC_GROUP:
            continue  # an atomic group never backtracks into itself


def backtracking(pattern: str, timeout: float = 0.5) -> str | None:
    """Why ``pattern`` may backtrack catastrophically, or None."""
    try:
        tree = P.parse(_rewrite(pattern))
    except Exception:  # syntax only the regex module knows: not judged here
        return None
    found: list = []
    _suspects(list(tree), found)
    if not found:
        return None
    _, inner = found[0]
    chars = _chars(inner) or {"a"}
    sample = next((c for c in _PROBES if c in chars), "a")
    attack = sample * 28 + "\x00"
    compiled = regex.compile(pattern, regex.V0)
    start = time.perf_counter()
    try:
        compiled.search(attack, timeout=timeout)
        timing = f"{time.perf_counter() - start:.3f} s on {attack[:6]!r}*28"
    except TimeoutError:
        timing = f"over {timeout} s on {attack[:6]!r}*28"
    return ("nested quantifier: an unbounded repeat holds another repeat or overlapping alternatives, "
            f"with nothing that separates iterations ({timing})")
