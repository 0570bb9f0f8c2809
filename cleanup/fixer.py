"""Turn findings into non-overlapping edits: resolve overlaps, fix article agreement."""

from __future__ import annotations

import bisect

import regex

from .document import Document
from .language import Language
from .result import Edit, Finding, Span


def resolve(findings: list[Finding]) -> list[Finding]:
    """Keep fixable findings that do not overlap: longest, most specific, most confident win."""
    candidates = [f for f in findings if f.fixable]
    ranked = sorted(candidates, key=lambda f: (-(f.end - f.start), -f.priority, -f.confidence, f.start))
    chosen: list[Finding] = []  # disjoint, sorted by start: only neighbours can overlap
    starts: list[int] = []
    for f in ranked:
        i = bisect.bisect_left(starts, f.start)
        if (i > 0 and chosen[i - 1].overlaps(f)) or (i < len(chosen) and chosen[i].overlaps(f)):
            continue
        chosen.insert(i, f)
        starts.insert(i, f.start)
    return chosen


def edit_for(finding: Finding) -> Edit:
    return Edit(
        start=finding.start, end=finding.end, old=finding.text, new=finding.suggestion or "",
        rule=finding.rule, kind=finding.kind, message=finding.message, entry=finding.entry,
        evidence=dict(finding.evidence, confidence=finding.confidence),
    )


_ARTICLE_BEFORE = regex.compile(r"(?<![\p{L}\p{N}’'])(\p{L}+)(\s+)$")
_APOSTROPHE_BEFORE = regex.compile(r"(?<![\p{L}\p{N}])(\p{L}+[’'])$")


def agree_article(doc: Document, edit: Edit, lang: Language, taken: list[Edit]) -> Edit:
    """Widen ``edit`` to change "a" into "an" (or "le" into "l'") when its new text needs it."""
    if not edit.new or not edit.new[:1].isalpha() or not (lang.before_vowel or lang.before_consonant):
        return edit
    before = doc.text[max(0, edit.start - 12) : edit.start]
    m = _ARTICLE_BEFORE.search(before)
    if not m:
        return edit
    article = m.group(1)
    vowel = lang.starts_with_vowel_sound(edit.new)
    table = lang.before_vowel if vowel else lang.before_consonant
    new_article = table.get(article)
    if new_article is None:
        return edit
    start = edit.start - len(m.group(0))
    if any(t.overlaps(Span(start, edit.start)) for t in taken):
        return edit
    sep = "" if new_article.endswith(("’", "'")) else m.group(2)
    return Edit(
        start=start, end=edit.end, old=doc.text[start : edit.end], new=new_article + sep + edit.new,
        rule=edit.rule, kind=edit.kind, entry=edit.entry,
        message=f"{edit.message}; article {article!r} -> {new_article!r}",
        evidence=dict(edit.evidence, article=[article, new_article]),
    )


def agree_words(doc: Document, edit: Edit, finding: Finding, lang: Language, taken: list[Edit]) -> Edit | None:
    """Widen a glossary edit to the words that agree with its replacement (the language's
    morphology: French determiners, adjectives, participles); None when agreement cannot be
    established, or would reach into another edit."""
    ev = finding.evidence
    agreed = lang.morphology.agree(doc.text, edit.start, edit.end, edit.new, ev.get("gender", ""),
                                   ev.get("number", ""), bool(ev.get("plural")))
    if agreed is None:
        return None
    start, end, new = agreed
    if (start, end, new) == (edit.start, edit.end, edit.new):
        return edit
    if any(t.overlaps(Span(start, end)) for t in taken):
        return None
    return Edit(start=start, end=end, old=doc.text[start:end], new=new, rule=edit.rule, kind=edit.kind,
                entry=edit.entry, message=f"{edit.message}; agreement: {doc.text[start:end]!r} -> {new!r}",
                evidence=dict(edit.evidence, agreement=[doc.text[start:end], new]))


def build_edits(doc: Document, findings: list[Finding], lang: Language) -> tuple[list[Edit], list[Finding]]:
    """Edits from the findings that win their span, and the findings whose edit would break
    agreement (to become flags)."""
    edits: list[Edit] = []
    unsafe: list[Finding] = []
    for finding in resolve(findings):
        edit = edit_for(finding)
        if finding.rule == "glossary":
            agreed = agree_words(doc, edit, finding, lang, edits)
            if agreed is None:
                unsafe.append(finding)
                continue
            edit = agreed
        edits.append(agree_article(doc, edit, lang, edits))
    return edits, unsafe
