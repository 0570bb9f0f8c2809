"""Rule detectors for artefact families that need no glossary entry.

Each rule is one named detector ``rule(doc, ctx) -> Iterable[Finding]`` (see
``cleanup.detectors``). Rules read their language conventions from ``ctx.language``, so an
English rule never fires on French.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import lru_cache

import regex

from .detectors import Context, detector as rule
from .document import WORD_RE, Document, apostrophe_of
from .language import REGEX_TIMEOUT, Guard, Language, zipf
from .mentions import named_not_used
from .result import Finding


_SPACE = r"[ \u00a0\u202f]"


@rule
def space_before_hyphen(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A stray space before a word-internal hyphen: "de -escalation" -> "de-escalation"."""
    # a letter before, or a number before a unit ("50 -metre", "a 3 -year deal")
    for m in regex.finditer(rf"(?:(?<=[\p{{L}}\p{{M}}])|(?<=(?<![\p{{L}}\d.,])\d{{1,3}}))({_SPACE}+)-(?=\p{{L}})", doc.text):
        word = regex.search(r"[\p{L}\p{M}\d]+$", doc.text[max(0, m.start() - 60) : m.start()])
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


@rule
def space_after_apostrophe(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A stray space around an apostrophe inside a word: "l' industrie", "aujourd' hui" in
    French, "Pogačar 's" in English."""
    pattern = _ELISION_SPACE.get(ctx.language.code)
    if pattern is None:
        return
    for m in pattern.finditer(doc.text):
        space = m.group("space")
        yield Finding(
            rule="space_after_apostrophe", start=m.start("space"), end=m.end("space"), text=space,
            action="replace", suggestion="", kind="spacing",
            message=f"a space inside {m.group().strip()!r}, which {ctx.language.name} writes as one word",
        )


# Per language: a space that splits a word at its apostrophe (the space is the span).
_ELISION_SPACE = {
    "fr": regex.compile(r"(?i)(?<![\p{L}\p{N}])(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|aujourd(?=['’][ \u00a0]+hui\b))"
                        r"['’](?P<space>[ \u00a0]+)(?=\p{L})"),
    "en": regex.compile(r"(?<=[\p{L}\p{M}])(?P<space>[ \u00a0]+)['’]s\b(?![\p{L}'’-])"),  # not "'s-Hertogenbosch"
}


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
        start, end = (m.start, m.end) if isinstance(m, _Span) else (m.start(), m.end())
        return Finding(
            rule="foreign_number_format", start=start, end=end, text=m.group(),
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
        unit = text[m.end() : m.end() + 3]
        if lang.percent_space and unit[:1] == "°" and unit[1:2] in ("C", "F"):  # "1,5 °C" in French
            m = _Span(m.start(), m.end() + 2, text)
            yield make(m, f"{text[m.start:m.start + len(m.text) - 2].replace(foreign_dec, dec)}\u00a0{unit[:2]}",
                       "other language's way")
            continue
        single = _SINGLE_CURRENCY.match(text, m.end())
        if single and not lang.percent_space:  # "1,14 dollar" -> "1.14 dollars": an amount other than one
            m = _Span(m.start(), single.end(), text)
            yield make(m, f"{text[m.start:m.end - len(single.group())].replace(foreign_dec, dec)}{single.group()}s",
                       "other language's way")
            continue
        yield make(m, f"{m.group(1)}{dec}{m.group(2)}", "other language's way")
    # Percent spacing of the other language, for integers ("7 %" in English, "7%" in French);
    # never the last group of a grouped number ("1 200%").
    if lang.percent_space:
        for m in regex.finditer(rf"(?<![\p{{N}},.])(?<!\p{{N}}{_SPACE})(\d+(?:,\d+)?)%", text):
            yield make(m, f"{m.group(1)} %", "English way, without a space before %")
    else:
        for m in regex.finditer(rf"(?<![\p{{N}},.])(\d+(?:\.\d+)?){_SPACE}%", text):
            yield make(m, f"{m.group(1)}%", "French way, with a space before %")
    # Thousands grouped the other language's way.
    if lang.thousands == ",":
        # (not after another number: "in 2019, 200 000"; after a clause's comma: "in September, 3 200")
        for m in regex.finditer(rf"(?<!\p{{N}}[,.]?\s?)(?<![,.])([1-9]\d{{0,2}})((?:{_SPACE}\d{{3}})+)(?![\p{{N}}]|[,.]\d)", text):
            groups = regex.findall(r"\d{3}", m.group(2))
            yield make(m, ",".join([m.group(1), *groups]), "French way, with spaces between thousands")
    else:
        # "1,200,000" in French: two or more comma groups cannot be a decimal.
        for m in regex.finditer(r"(?<![\p{N},.$€£])([1-9]\d{0,2})((?:,\d{3}){2,})(?![\p{N}]|[,.]\d)", text):
            groups = regex.findall(r"\d{3}", m.group(2))
            yield make(m, lang.thousands.join([m.group(1), *groups]), "English way, with commas between thousands")
        # "1,200 pages": one comma group before a plural noun counts things; a decimal with
        # three digits before a unit or a price ("1,859 euro le litre") is left alone.
        if lang.count_exclude:
            for m in regex.finditer(
                rf"(?<![\p{{N}},.$€£])([1-9]\d{{0,2}}),(\d{{3}})(?=[ \u00a0\u202f]+(?!{lang.count_exclude})\p{{Ll}}+[sx]\b)",
                text, flags=regex.I | regex.V1,
            ):
                yield make(m, f"{m.group(1)}{lang.thousands}{m.group(2)}", "English way, with a comma between thousands")


_SINGLE_CURRENCY = regex.compile(r"[ \u00a0\u202f](?:euro|dollar|pound|franc)(?![\p{L}\p{N}])")


class _Span:
    """A stand-in for a match over a widened span."""

    def __init__(self, start: int, end: int, text: str):
        self.start, self.end, self.text = start, end, text[start:end]

    def group(self, k: int = 0) -> str:
        return self.text


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
        if named_not_used(text, m.start(1), m.end(1)):
            continue  # "the acronym EHPAD stands for", "known as OTAN"
        new = lang.acronyms[acro]
        prev = regex.search(r"([\p{L}\p{N}]+)\s+$", before)
        if (new in lang.countable_acronyms and prev and not after.startswith(("s", "'", "’"))
                and (prev.group(1).casefold() in lang.plural_words or prev.group(1).isdigit() and prev.group(1) != "1")):
            new += "s"  # "several ONG" -> "several NGOs"
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
    hits = {k: p for k, line in enumerate(lines) if (p := _boilerplate_pattern(line.text, lang, ctx))}
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


def _boilerplate_pattern(text: str, lang: Language, ctx: Context):
    stripped = text.strip()
    if not stripped or len(stripped.split()) > lang.boilerplate_max_words:
        return None
    core = stripped.strip("*_#>•·-–— \t")
    for pattern in lang.boilerplate:
        key = f"{lang.code}/language.toml boilerplate {pattern.pattern!r}"
        if key in ctx.disabled:
            continue
        try:
            if pattern.fullmatch(core, timeout=REGEX_TIMEOUT):
                return pattern
        except TimeoutError:  # off for the rest of the run, said once
            ctx.disabled.add(key)
            ctx.notes.append(f"{key[:120]}: hit its {REGEX_TIMEOUT} s limit; the pattern is off for the rest of this run")
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


@rule
def missing_space_before_punctuation(doc: Document, ctx: Context) -> Iterable[Finding]:
    """No space before ; : ! ? where the language puts one: "presse:" -> "presse :" in French.

    Times and ratios ("12:30"), web addresses ("https://"), "?!" pairs and quotations (which
    may be in another language's typography) are left alone."""
    lang = ctx.language
    marks = "".join(c for c in ";:!?" if c in lang.space_before)
    if not marks:
        return
    text = doc.text
    quoted = _quotes(doc)
    for m in regex.finditer(rf"(?<=[\p{{L}}\p{{N}}»”)\]])[{regex.escape(marks)}](?=[\s\"”»)\]]|$|[!?])", text):
        mark, at = m.group(), m.start()
        if mark == ":" and (text[at + 1 : at + 3] == "//" or text[at - 1 : at].isdigit()):
            continue
        if _inside(quoted, at):
            continue
        if mark == ":" and _ENGLISH_SUBTITLE.match(text, at + 1):
            continue  # a title in another language: "Darfur: The Ambiguous Genocide"
        yield Finding(
            rule="missing_space_before_punctuation", start=at, end=at, text="",
            action="replace", suggestion=lang.nbsp, kind="spacing",
            message=f"{lang.name} puts a no-break space before {mark!r}",
            evidence={"mark": mark},
        )


def _quotes(doc: Document):
    from .regions import quotes

    return quotes(doc)


_ENGLISH_SUBTITLE = regex.compile(r"[ \u00a0]+(?:(?:A|An|The|His|Her|Its|Their|Our|My|How|Why|What|When)[ \u00a0]+\p{Lu}?[\p{L}'’-]+"
                                  r"|\p{Lu}[\p{L}'’-]+[ \u00a0]+(?:of|and|in|for)[ \u00a0]+(?:the[ \u00a0]+)?\p{Lu})")


def _inside(spans, at: int) -> bool:
    """Whether offset ``at`` lies in one of ``spans`` (sorted, not overlapping)."""
    k = bisect.bisect_right(spans, at, key=lambda q: q.start) - 1
    return k >= 0 and at < spans[k].end


_EN_CLOCK = regex.compile(
    r"(?<![\p{L}\p{N}:.,/-])(?:(?P<prep>at|from|until|till|by|around|towards|toward|since|between|before|after"
    r"|(?<=\bfrom\s+\d{1,2}\s?h(?:\d\d)?\s{1,3})to|(?<=\bbetween\s+\d{1,2}\s?h(?:\d\d)?\s{1,3})and)\s+)?"  # "from 7h to 22h"
    r"(?P<h>[01]?\d|2[0-3])\s?h(?:\s?(?P<m>[0-5]\d))?(?![\p{L}\p{N}])(?!\s+(?:of|long|later|earlier|ago)\b)", regex.I)
_EN_DURATION_BEFORE = regex.compile(r"(?i)\b(?:of|about|some|nearly|almost|over|under|than|lasted|lasting|took|takes|last|lasts|another|extra|additional|just)\s+$")
# "à 10:00" in French: a time after a preposition of time (a score or a ratio has none).
_FR_COLON_CLOCK = regex.compile(
    r"(?i)(?<![\p{L}\p{N}])(?:à|vers|dès|avant|après|jusqu['’]à|de|entre|et|depuis)[ \u00a0]+(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)"
    r"(?![\p{N}:])(?![ \u00a0]*[ap]\.?[ \u00a0]?m\b)")
_FR_CLOCK = regex.compile(
    r"(?<![\p{L}\p{N}:.,/-])(?P<h>1[0-2]|0?\d)(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>[ap])\.?\s?m\.?(?![\p{L}\p{N}])(?:(?<=\.)(?=\s+\p{Ll}))?", regex.I)


@rule
def clock_time(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A time written the other language's way: "23h", "7h30" in English text ("11pm",
    "7.30am"); "4 p.m.", "5:30 a.m." in French text ("16 h", "5 h 30")."""
    lang = ctx.language
    text = doc.text
    if lang.clock == "12h":
        for m in _EN_CLOCK.finditer(text):
            if m.group("m") is None and m.group("prep") is None:
                continue  # "2h" alone may be a duration
            if m.group("prep") is None and _EN_DURATION_BEFORE.search(text, max(0, m.start() - 30), m.start()):
                continue  # "delays of 1h30 to two hours", "it lasted 2h30": a duration, not a time
            h, minutes = int(m.group("h")), m.group("m")
            suffix = "am" if h < 12 else "pm"
            shown = h % 12 or 12
            new = f"{shown}.{minutes}{suffix}" if minutes and minutes != "00" else f"{shown}{suffix}"
            start = m.start("h")
            yield Finding(
                rule="clock_time", start=start, end=m.end(), text=text[start : m.end()],
                action="replace", suggestion=new, kind="number",
                message=f"{text[start:m.end()]!r} is a French-style time; {lang.name} writes {new!r}",
            )
    elif lang.clock == "24h":
        for m in _FR_CLOCK.finditer(text):
            h, minutes, ap = int(m.group("h")), m.group("m"), m.group("ap").lower()
            if h == 0:
                continue
            h24 = (0 if h == 12 else h) + (12 if ap == "p" else 0)
            new = f"{h24}\u00a0h" + (f" {minutes}" if minutes and minutes != "00" else "")
            yield Finding(
                rule="clock_time", start=m.start(), end=m.end(), text=m.group(),
                action="replace", suggestion=new, kind="number",
                message=f"{m.group()!r} is an English-style time; {lang.name} writes {new!r}",
            )
        for m in _FR_COLON_CLOCK.finditer(text):  # "à 10:00", "vers 11:30": a time, written the English way
            h, minutes = int(m.group("h")), m.group("m")
            new = f"{h}\u00a0h" + (f" {minutes}" if minutes != "00" else "")
            yield Finding(
                rule="clock_time", start=m.start("h"), end=m.end(), text=m.group()[m.start("h") - m.start():],
                action="replace", suggestion=new, kind="number",
                message=f"{text[m.start('h'):m.end()]!r} is an English-style time; {lang.name} writes {new!r}",
            )


_AMOUNT = r"(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"


@rule
def currency_format(doc: Document, ctx: Context) -> Iterable[Finding]:
    """An amount written the English way in a language that puts the currency after it:
    "$800 millions" -> "800 millions de dollars", "£8,000" -> "8 000 livres" in French."""
    lang = ctx.language
    if not lang.currency_after or not lang.currencies:
        return
    text = doc.text
    # the longest symbol first ("A$" before "$"); a prefixed one starts a word ("A$", not "BA$")
    symbols = "|".join((r"(?<![\p{L}\p{N}])" if c[:1].isalpha() else "") + regex.escape(c)
                       for c in sorted(lang.currencies, key=len, reverse=True))
    pattern = rf"(?P<sym>{symbols})\s?{_AMOUNT}(?:[ \u00a0]+(?P<mag>millions?|milliards?|billions?|mille))?(?![\p{{L}}\p{{N}}]|[.,]\d)"
    for m in regex.finditer(pattern, text):
        raw = m.group("n")
        number = raw.replace(",", lang.thousands).replace(".", lang.decimal) if "," in raw else raw.replace(".", lang.decimal)
        value = float(raw.replace(",", ""))
        name = lang.currencies[m.group("sym")]
        mag = m.group("mag")
        if mag:
            base = "milliard" if mag.startswith(("billion", "milliard")) else mag.rstrip("s")
            if base == "mille":
                new = f"{number} mille {name}"
            else:
                plural = "s" if value >= 2 else ""
                link = "d’" if name[:1] in "aeiouéè" else "de "
                new = f"{number} {base}{plural} {link}{name}"
        else:
            new = f"{number} {name}"
        yield Finding(
            rule="currency_format", start=m.start(), end=m.end(), text=m.group(),
            action="replace", suggestion=new, kind="number",
            message=f"{m.group()!r} is written the English way; {lang.name} writes {new!r}",
        )


@rule
def currency_symbol(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A currency symbol placed the French way in a language that writes it before the amount,
    unspaced: "1 850 $" -> "$1,850", "0,45 €" -> "€0.45", "£ 140 million" -> "£140 million"."""
    lang = ctx.language
    if lang.currency_after or lang.decimal != "." or lang.thousands != ",":
        return
    text = doc.text
    for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}.,$€£])(?P<n>[1-9]\d{{0,2}}(?:(?:{_SPACE}|,)\d{{3}})+|\d+)(?:[.,](?P<d>\d{{1,2}}))?"
                            rf"{_SPACE}?(?P<sym>[$€£¥])(?![\p{{L}}\p{{N}}])", text):
        whole = regex.sub(r"\D", "", m.group("n"))
        number = f"{int(whole):,}" + (f".{m.group('d')}" if m.group("d") else "")
        new = m.group("sym") + number
        yield Finding(
            rule="currency_symbol", start=m.start(), end=m.end(), text=m.group(), action="replace",
            suggestion=new, kind="number", priority=2,
            message=f"{m.group()!r} puts the currency after the amount; {lang.name} writes {new!r}",
        )
    for m in regex.finditer(rf"(?<![\p{{L}}\p{{N}}])(?P<sym>[$€£¥]){_SPACE}+(?=\d)", text):
        yield Finding(
            rule="currency_symbol", start=m.start(), end=m.end(), text=m.group(), action="replace",
            suggestion=m.group("sym"), kind="spacing", priority=2,
            message=f"a space after {m.group('sym')!r}; {lang.name} writes the amount against the symbol",
        )


_MAGNITUDES = {"millions": "million", "billions": "billion", "trillions": "trillion", "milliards": "billion",
               "milliard": "billion", "percents": "percent"}


@rule
def number_words(doc: Document, ctx: Context) -> Iterable[Finding]:
    """Number words declined the French way in English: "2 millions of euros" -> "2 million
    euros", "15 milliards" -> "15 billion", "6 percents" -> "6 percent"."""
    lang = ctx.language
    if lang.code != "en" and "percent" not in lang.units:
        return
    text = doc.text
    pattern = (r"(?<=(?:\d|\b(?:several|a few|some|two|three|four|five|six|seven|eight|nine|ten|hundreds|"
               r"tens|dozens))[ \u00a0]+)(?P<w>millions|billions|trillions|milliards?|percents)"
               r"(?P<of>[ \u00a0]+of)?(?=[ \u00a0]+(?!the\b|them\b|those\b|these\b|people\b)\p{L}|[ \u00a0]*[.,;:]|$)")
    for m in regex.finditer(pattern, text, flags=regex.I):
        word = m.group("w")
        new = _MAGNITUDES[word.casefold()]
        if word[:1].isupper():
            new = new.capitalize()
        yield Finding(
            rule="number_words", start=m.start(), end=m.end(), text=m.group(),
            action="replace", suggestion=new, kind="number",
            message=f"{m.group()!r} after a number is the French way; {lang.name} writes {new!r}",
        )


@rule
def guillemets(doc: Document, ctx: Context) -> Iterable[Finding]:
    """French quotation marks in a language that uses others: "«Non»" -> "“Non”" in English."""
    lang = ctx.language
    if len(lang.quotes) != 2 or "«" in lang.quotes:
        return
    opening, closing = lang.quotes
    text = doc.text
    for m in regex.finditer(r"«[ \u00a0\u202f]*([^«»\n]{1,2000}?)[ \u00a0\u202f]*»", text):
        inner_start, inner_end = m.start(1), m.end(1)
        words = [w.casefold() for w in regex.findall(r"\p{L}+", m.group(1))]
        if len(words) < 3 or not any(w in lang.stopwords for w in words) or regex.search(r"\s[!?;:]", m.group(1)):
            continue  # a short or foreign quotation keeps the marks of its language («Allez, allez !»)
        for start, end, new in ((m.start(), inner_start, opening), (inner_end, m.end(), closing)):
            yield Finding(
                rule="guillemets", start=start, end=end, text=text[start:end],
                action="replace", suggestion=new, kind="spacing", priority=2,
                message=f"{lang.name} quotes with {opening}{closing}, not « »",
            )


@rule
def untranslated_word(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A common word of the pivot language, rare in this one, left in the text: "rentrée" or
    "urgences" in English, "commuters" in French (from word-frequency lists). Flagged: a
    glossary entry says what it should be."""
    st = doc.search
    found = set(WORD_RE.findall(st.s)) & ctx.pivot_words
    if not found:
        return
    quoted = _quotes(doc)
    pattern = regex.compile(r"(?<![\p{L}\p{M}\p{N}])(?:" + "|".join(map(regex.escape, sorted(found))) + r")(?![\p{L}\p{M}\p{N}])")
    for m in pattern.finditer(st.s):
        start, end = st.to_text(m.start(), 0), st.to_text(m.end(), 1)
        word = doc.text[start:end]
        if not word[:1].islower() or _inside(quoted, start):
            continue  # a name, a sentence start, or a quoted foreign word
        yield Finding(
            rule="untranslated_word", start=start, end=end, text=word, action="flag",
            suggestion=None, kind="untranslated", priority=1, confidence=0.6,
            message=f"{word!r} is a common {'/'.join(ctx.language.pivots) or 'foreign'} word and rare in "
                    f"{ctx.language.name}: left untranslated?",
        )


def _strip_marks(word: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).casefold()


def _marks(word: str) -> int:
    import unicodedata

    return sum(1 for c in unicodedata.normalize("NFD", word) if unicodedata.combining(c))


_APOSTROPHES = ("’", "'")
_PARTICLES = {"the": ("Le", "La", "Les", "L’", "L'"), "of": ("de", "De", "d’", "d'", "du", "Du"),
              "of the": ("du", "Du", "de la", "De la", "des", "Des")}


def _word_of_language(word: str, lang: str, least: float = 3) -> bool:
    """A word of the language itself (wordfreq Zipf ``least`` or more), not only a name."""
    return zipf(word.casefold(), lang) >= least


@rule
def title_case_name(doc: Document, ctx: Context) -> Iterable[Finding]:
    """A name of a body or a title capitalised the English way in a language that writes them
    in sentence case: "Chef Exécutif", "Programme National", "Cour Suprême" in French (the
    profile's ``[capitals]``). Flagged: the right name is often another word ("directeur
    général"), which a glossary entry or an editor supplies."""
    lang = ctx.language
    if not lang.capital_heads:
        return
    text = doc.text
    for m in _capital_heads(lang.capital_heads).finditer(text, overlapped=True):
        word = m.group(2).casefold()
        if m.group() in lang.capitals_kept or not word.endswith(lang.adjective_endings):
            continue
        if not _word_of_language(word, lang.code, 2.5) or _headline_case(text, m.start(), m.end()):
            continue  # a name ("Directeur Martin"), or a line written in title case
        yield Finding(
            rule="title_case_name", start=m.start(), end=m.end(), text=m.group(), action="flag",
            suggestion=None, kind="institution", priority=1, confidence=0.6,
            message=f"{m.group()!r}: names of bodies and titles take sentence case here ({m.group(1)} "
                    f"{word}); English capitals are the mark of a calque",
        )


@lru_cache(maxsize=16)
def _capital_heads(heads: frozenset[str]) -> regex.Pattern:
    """A head of a body's name or a title, then a capitalised word (compiled once per profile:
    the rule runs on every region of every document)."""
    alternation = "|".join(map(regex.escape, sorted(heads, key=len, reverse=True)))
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}'’-])({alternation})[ \u00a0]+(\p{{Lu}}[\p{{Ll}}\p{{M}}]+)(?![\p{{L}}\p{{M}}'’-])")


def _headline_case(text: str, start: int, end: int) -> bool:
    """Whether the line holding [start, end) capitalises most of its other words (a title-case
    headline)."""
    line_end = text.find("\n", end)
    rest = text[text.rfind("\n", 0, start) + 1 : start] + " " + text[end : line_end if line_end >= 0 else len(text)]
    words = regex.findall(r"\p{L}{4,}", rest)
    return len(words) >= 2 and sum(w[0].isupper() for w in words) > 0.5 * len(words)


@rule
def name_spelling(doc: Document, ctx: Context) -> Iterable[Finding]:
    """One spelling per name in an article: a name written with its accents in one place and
    without them in another ("Melenchon" beside "Mélenchon") takes the accented form; a
    particle translated as a word ("Marine The Pen" beside "Le Pen", "Cécile of France" beside
    "Cécile de France") takes the article's own form. A name with no other form in the article
    is never touched."""
    text = doc.text
    words: dict[str, list[regex.Match]] = {}
    for m in regex.finditer(r"(?<![\p{L}\p{M}\p{N}'’-])\p{Lu}[\p{Ll}\p{M}'’-]*\p{Ll}[\p{L}\p{M}]*", text):
        if len(m.group()) >= 4:
            words.setdefault(m.group(), []).append(m)
    groups: dict[str, list[str]] = {}
    for spelling in words:
        groups.setdefault(_strip_marks(spelling), []).append(spelling)
    for spellings in groups.values():
        if len(spellings) < 2:
            continue
        canonical = max(spellings, key=lambda w: (_marks(w), len(words[w])))
        for variant in spellings:
            if variant == canonical or _marks(variant) >= _marks(canonical):
                continue
            if _word_of_language(variant, ctx.language.code):
                continue  # "Centaur Theatre" beside "Théâtre du Nouveau Monde": a word of the language
            if _strip_marks(variant[:1]) == variant[:1].casefold() and variant[1:] == canonical[1:]:
                continue  # only the capital lost its accent ("Etat"): a typographic convention
            if len(words[canonical]) < len(words[variant]):
                continue  # the article mostly writes it this way
            for m in words[variant]:
                if named_not_used(text, m.start(), m.end()):
                    continue  # "Seoul en anglais": the spelling itself is the subject
                yield Finding(
                    rule="name_spelling", start=m.start(), end=m.end(), text=m.group(), action="replace",
                    suggestion=canonical, kind="name", priority=2, confidence=0.9,
                    message=f"{m.group()!r} is written {canonical!r} elsewhere in the article",
                    evidence={"canonical": canonical, "occurrences": len(words[canonical])},
                )
    # "The Pen" beside "Le Pen"; "Cécile of France" beside "Cécile de France" (a first name
    # before "of": "the summit of the Dent Blanche" is English). The article's own forms are
    # read once: every "<particle> <Name>", with the word before it.
    own_forms: set[str] = set()
    for m in regex.finditer(r"(?:(?P<first>\p{Lu}[\p{Ll}\p{M}-]+)\s+)?(?<![\p{L}\p{N}])(?P<p>Le|La|Les|L[’']|[Dd]e la|[Dd]e|[Dd][’']|[Dd]u|[Dd]es)"
                            r"(?(?<=[’'])|\s+)(?P<n>\p{Lu}\p{Ll}[\p{L}\p{M}'’-]+)", text):
        particle = m.group("p")
        form = particle + ("" if particle.endswith(_APOSTROPHES) else " ") + m.group("n")
        own_forms.add(form)
        if m.group("first"):
            own_forms.add(f"{m.group('first')} {form}")
    first_names = ctx.language.pivot_first_names
    if not own_forms and not first_names:
        return
    for m in regex.finditer(r"(?<![\p{L}\p{N}])(?:(?P<first>\p{Lu}[\p{Ll}\p{M}-]+)\s+(?P<p>of(?: the)?|[Tt]he)|(?P<p2>The))"
                            r"\s+(?P<n>\p{Lu}\p{Ll}[\p{L}\p{M}'’-]+)", text):
        name = m.group("n")
        first = m.group("first")
        particle_word = (m.group("p") or m.group("p2")).casefold()
        start = m.start("p") if m.group("p") else m.start()
        for particle in _PARTICLES[particle_word]:
            sep = "" if particle.endswith(("’", "'")) else " "
            own = f"{particle}{sep}{name}"
            wanted = f"{first} {own}" if first and particle_word != "the" else own
            if wanted in own_forms:
                yield Finding(
                    rule="name_spelling", start=start, end=m.end(), text=text[start : m.end()], action="replace",
                    suggestion=own, kind="name", priority=2, confidence=0.9,
                    message=f"{text[start:m.end()]!r} translates the particle of {own!r}, as the article writes it elsewhere",
                    evidence={"canonical": own},
                )
                break
        else:
            if first and _pivot_first_name(first, first_names):
                yield _particle_after_first_name(m, text, start, particle_word, ctx.language)


def _pivot_first_name(first: str, names: frozenset[str]) -> bool:
    """A given name of the pivot language ("Bastien", "Anne-Marie": each part a given name)."""
    return first in names or all(part in names for part in first.split("-"))


def _particle_after_first_name(m: regex.Match, text: str, start: int, particle_word: str,
                               lang: Language) -> Finding:
    """"Bastien of Villeneuve" (de Villeneuve), "Yannick The Bihan" (Le Bihan): a French given name
    before a particle translated as a word. Edited when the surname is no word of the target
    language and, for "of", the given name is not one the target language shares ("Catherine of
    Aragon" is a queen); otherwise, and for "of the" (de la, du, des?), a flag."""
    name, first = m.group("n"), m.group("first")
    plain = not _word_of_language(name, lang.code)
    if particle_word == "the":
        own, sure = f"Le {name}", plain
    elif particle_word == "of":
        elided = _strip_marks(name[:1]) in "aeiouy"
        own = (f"d{apostrophe_of(text) or '’'}{name}" if elided else f"de {name}")
        # (a surname ending in -s may take "des": "Arnaud des Pallières")
        sure = plain and not name.endswith("s") and ("-" in first or zipf(first.casefold(), lang.code) < 3.0)
    else:
        own, sure = None, False
    span = text[start : m.end()]
    return Finding(
        rule="name_spelling", start=start, end=m.end(), text=span, action="replace" if sure else "flag",
        suggestion=own if sure else None, kind="name", priority=2, confidence=0.8 if sure else 0.5,
        message=(f"{span!r} after the French given name {first!r} looks like a translated particle"
                 + (f": {own!r}" if own else " (de la, du or des?)")),
        evidence={"first_name": first, **({"canonical": own} if own else {})},
    )
