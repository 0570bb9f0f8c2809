"""Rule detectors for artefact families that need no glossary entry.

Each rule is one named detector ``rule(doc, ctx) -> Iterable[Finding]`` (see
``cleanup.detectors``). Rules read their language conventions from ``ctx.language``, so an
English rule never fires on French.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from .detectors import Context, detector as rule
from .document import Document
from .language import REGEX_TIMEOUT, Guard, Language
from .result import Finding


_SPACE = r"[ \u00a0\u202f]"


@rule
def space_before_hyphen(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A stray space before a word-internal hyphen: "de -escalation" -> "de-escalation"."""
    for m in regex.finditer(rf"(?<=[\p{{L}}\p{{M}}])({_SPACE}+)-(?=\p{{L}})", doc.text):
        word = regex.search(r"[\p{L}\p{M}]+$", doc.text[max(0, m.start() - 60) : m.start()])
        tail = regex.match(r"[\p{L}\p{M}]+", doc.text[m.end() : m.end() + 60])
        joined = f"{word.group() if word else ''}-{tail.group() if tail else ''}"
        yield Finding(
            rule="space_before_hyphen", start=m.start(), end=m.end(), text=m.group(),
            action="replace", suggestion="-", kind="spacing",
            message=f"stray space before the hyphen of {joined!r}",
            evidence={"compound": joined},
        )


@rule
def space_before_punctuation(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A space before . , ; : ! ? where the language puts none: "Mazón ." -> "Mazón."."""
    lang = ctx.language
    marks = "".join(c for c in ".,;:!?" if c not in lang.space_before)
    if not marks:
        return
    pattern = rf"(?<=[\p{{L}}\p{{M}}\p{{N}}”’\"')])({_SPACE}+)([{regex.escape(marks)}])(?![.\p{{N}}])(?=\s|$|[\"”’)\]])"
    for m in regex.finditer(pattern, doc.text):
        if _inside_guillemets(doc.text, m.start()):
            continue  # « Allez, allez ! »: quoted French keeps French spacing
        yield Finding(
            rule="space_before_punctuation", start=m.start(), end=m.end(), text=m.group(),
            action="replace", suggestion=m.group(2), kind="spacing",
            message=f"space before {m.group(2)!r}, which {lang.name} does not use",
        )


def _inside_guillemets(text: str, offset: int) -> bool:
    before = text[max(0, offset - 300) : offset]
    return before.rfind("«") > before.rfind("»")


@rule
def foreign_number_format(doc: Document, ctx: Context) -> Iterable[Finding]:
    """Numbers written the other language's way: "7,5 %" in English, "3.5%" in French."""
    lang = ctx.language
    dec = lang.decimal
    foreign_dec = "," if dec == "." else "."
    pct_sep = " " if lang.percent_space else ""
    text = doc.text
    units = rf"(?:{lang.units})(?![\p{{L}}])"

    def make(m, new, why) -> Finding:
        return Finding(
            rule="foreign_number_format", start=m.start(), end=m.end(), text=m.group(),
            action="replace", suggestion=new, kind="number",
            message=f"{m.group()!r} is written the {why}; {lang.name} writes {new!r}",
        )

    # Decimal with the foreign separator (one or two digits) before % or a unit: unambiguous.
    fd = regex.escape(foreign_dec)
    for m in regex.finditer(rf"(?<![\p{{N}},.])(\d+){fd}(\d{{1,2}})(?![\p{{N}}]){_SPACE}?%", text):
        yield make(m, f"{m.group(1)}{dec}{m.group(2)}{pct_sep}%", "other language's way")
    for m in regex.finditer(
        rf"(?<![\p{{N}},.])(\d+){fd}(\d{{1,2}})(?={_SPACE}?{units})", text, flags=regex.I
    ):
        yield make(m, f"{m.group(1)}{dec}{m.group(2)}", "other language's way")
    # Percent spacing of the other language, for integers ("7 %" in English, "7%" in French).
    if lang.percent_space:
        for m in regex.finditer(rf"(?<![\p{{N}},.{_SPACE[1:-1]}])(\d+(?:,\d+)?)%", text):
            yield make(m, f"{m.group(1)} %", "English way, without a space before %")
    else:
        for m in regex.finditer(rf"(?<![\p{{N}},.])(\d+(?:\.\d+)?){_SPACE}%", text):
            yield make(m, f"{m.group(1)}%", "French way, with a space before %")
    # Thousands grouped the other language's way.
    if lang.thousands == ",":
        for m in regex.finditer(rf"(?<![\p{{N}},.]\s?)([1-9]\d{{0,2}})((?:{_SPACE}\d{{3}})+)(?![\p{{N}}]|[,.]\d)", text):
            groups = regex.findall(r"\d{3}", m.group(2))
            yield make(m, ",".join([m.group(1), *groups]), "French way, with spaces between thousands")
    else:
        # "1,200,000" in French: two or more comma groups cannot be a decimal.
        for m in regex.finditer(r"(?<![\p{N},.])([1-9]\d{0,2})((?:,\d{3}){2,})(?![\p{N}]|[,.]\d)", text):
            groups = regex.findall(r"\d{3}", m.group(2))
            yield make(m, lang.thousands.join([m.group(1), *groups]), "English way, with commas between thousands")


def _acronym_regex(lang: Language) -> regex.Pattern | None:
    if not lang.acronyms:
        return None
    names = "|".join(sorted(map(regex.escape, lang.acronyms), key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}\-.&])({names})(?![\p{{L}}\p{{N}}\-&]|['’]\p{{L}}{{2}})")


_ACRONYM_RE: dict[object, regex.Pattern | None] = {}  # per language profile file


@rule
def untranslated_acronym(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A pivot-language acronym left in the text: "OTAN" -> "NATO" in English."""
    lang = ctx.language
    if lang.path not in _ACRONYM_RE:
        _ACRONYM_RE[lang.path] = _acronym_regex(lang)
    pattern = _ACRONYM_RE[lang.path]
    if pattern is None:
        return
    text = doc.text
    for m in pattern.finditer(text):
        acro = m.group(1)
        if _mostly_upper(_line_around(text, m.start(), m.end())):
            continue  # an all-caps headline: acronyms cannot be told from words
        before = text[max(0, m.start() - 80) : m.start()]
        after = text[m.end() : m.end() + 80]
        guards = (lang.acronym_guards.get("*", _NO_GUARD), lang.acronym_guards.get(acro, _NO_GUARD))
        if not all(_guard_ok(g, before, after, doc, m.start()) for g in guards):
            continue
        new = lang.acronyms[acro]
        yield Finding(
            rule="untranslated_acronym", start=m.start(), end=m.end(), text=acro,
            action="replace", suggestion=new, kind="acronym", priority=2,
            message=f"{acro!r} is the pivot-language acronym of {new!r}",
            evidence={"acronym": acro},
        )


def _line_around(text: str, start: int, end: int, reach: int = 200) -> str:
    """The line holding [start, end), cut to ``reach`` characters each side."""
    lo = max(0, start - reach)
    hi = min(len(text), end + reach)
    left = max(text.rfind("\n", lo, start), text.rfind("\r", lo, start))
    right = [p for p in (text.find("\n", end, hi), text.find("\r", end, hi)) if p >= 0]
    return text[(left + 1 if left >= 0 else lo) : (min(right) if right else hi)]


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


_NO_GUARD = Guard()


def _guard_ok(guard: Guard, before: str, after: str, doc: Document, offset: int) -> bool:
    try:
        if guard.not_before and guard.not_before.search(before, timeout=REGEX_TIMEOUT):
            return False
        if guard.not_after and guard.not_after.search(after, timeout=REGEX_TIMEOUT):
            return False
    except TimeoutError:
        return False
    if guard.require_any:
        scope = _line_around(doc.text, offset, offset, reach=1500)
        words = {w.casefold() for w in regex.findall(r"\p{L}+", scope)}
        if not any(w.casefold() in words for w in guard.require_any):
            return False
    return True


@rule
def boilerplate_line(doc: Document, ctx: Context) -> Iterable[Finding]:
    """Leftover page-furniture lines ("After promoting the newsletter"): delete them.

    Consecutive boilerplate lines make one finding, so their line breaks never overlap."""
    lang = ctx.language
    lines = doc.lines
    hits = {k: p for k, line in enumerate(lines) if (p := _boilerplate_pattern(line.text, lang))}
    k = 0
    while k < len(lines):
        if k not in hits:
            k += 1
            continue
        first = k
        while k + 1 in hits:
            k += 1
        start, end = lines[first].start, lines[k].end
        if k + 1 < len(lines):
            end = lines[k + 1].start  # take the line break with the lines
        elif first > 0:
            start = lines[first - 1].end  # last lines: take the break before them
        shown = " / ".join(lines[j].text.strip() for j in range(first, k + 1))
        yield Finding(
            rule="boilerplate_line", start=start, end=end, text=doc.text[start:end],
            action="delete", suggestion="", kind="boilerplate", priority=2,
            message=f"leftover page boilerplate line {shown!r}",
            evidence={"pattern": hits[first].pattern},
        )
        k += 1


def _boilerplate_pattern(text: str, lang: Language) -> regex.Pattern | None:
    stripped = text.strip()
    if not stripped or len(stripped.split()) > lang.boilerplate_max_words:
        return None
    core = stripped.strip("*_#>•·-–— \t")
    for pattern in lang.boilerplate:
        try:
            if pattern.fullmatch(core, timeout=REGEX_TIMEOUT):
                return pattern
        except TimeoutError:
            continue
    return None


# A character that UTF-8 lead bytes become when read as cp1252/Latin-1, followed by one that
# a continuation byte becomes: the cheap pre-filter before asking ftfy.
_MOJIBAKE_HINT = regex.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)


@rule
def mojibake(doc: Document, ctx: Context) -> Iterable[Finding]:
    """UTF-8 read as cp1252/Latin-1 ("prÃ©sident", "lâ€™ONU"), explained by ftfy.

    Flagged only; ``fix --fix-mojibake`` turns these findings into edits."""
    action = "replace" if ctx.settings.fix_mojibake else "flag"
    if not _MOJIBAKE_HINT.search(doc.text):
        return
    import difflib

    import ftfy  # imported only when a text looks garbled
    from ftfy.badness import is_bad

    config = ftfy.TextFixerConfig(
        unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
        fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False,
        fix_surrogates=False, remove_control_chars=False, normalization=None, explain=True,
    )
    for line in doc.lines:
        if not _MOJIBAKE_HINT.search(line.text) or not is_bad(line.text):
            continue
        fixed, steps = ftfy.fix_and_explain(line.text, config=config)
        if fixed == line.text:
            continue
        how = " then ".join(f"{a} {b}" for a, b in steps or [])
        matcher = difflib.SequenceMatcher(None, line.text, fixed, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            old, new = line.text[i1:i2], fixed[j1:j2]
            yield Finding(
                rule="mojibake", start=line.start + i1, end=line.start + i2, text=old,
                action=action, suggestion=new, kind="encoding", priority=2,
                message=f"mojibake {old!r} for {new!r} ({how})",
                evidence={"ftfy": [list(s) for s in steps or []]},
            )
