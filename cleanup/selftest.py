"""Glossaries are tested like code: every entry's must_fire / must_not_fire examples.

``check_entries`` tests some entries (one user's file, say) with every loaded glossary: their
own examples, and the collisions with the other entries, both ways, reported against the
tested entries: "another entry won my example" names the winner, "my entry wins another
entry's example" names the entry whose example it takes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from .document import Document
from .glossary import Entry
from .matcher import GlossaryIndex
from .pipeline import Cleaner
from .result import Result


@dataclass(frozen=True)
class ExampleFailure:
    entry: Entry
    example: str
    problem: str

    def __str__(self) -> str:
        return f"{self.entry.where}: {self.entry.key}: {self.problem}: {self.example!r}"


def describe_entry(cleaner: Cleaner, key: str) -> str:
    """``en/core:x (bundled, glossaries/en/core.toml:12)`` for an entry key, the rule name else."""
    from .resources import display_path

    entry = cleaner.entry(key)
    if entry is None:
        return f"rule {key}"
    rank = cleaner.pack(key.split("/", 1)[0]).ranks.get(key)
    tier = f"{rank.describe().split(',')[0]} " if rank else ""
    return f"{tier}entry {key} ({display_path(entry.path)}:{entry.line})"


def _winners(cleaner: Cleaner, result: Result, entry: Entry) -> str:
    mine = [f for f in result.findings if f.entry == entry.key]
    won = sorted({e.entry or e.rule for e in result.edits if e.entry != entry.key and any(e.overlaps(f) for f in mine)})
    return ", ".join(describe_entry(cleaner, k) if "/" in k else f"rule {k}" for k in won) or "another edit"


def as_machine_translated(cleaner: Cleaner) -> Cleaner:
    """The same cleaner (same glossaries, compiled once) told that its input is machine-
    translated: examples are sentences of MT output, so an artefact of common words is edited
    without waiting for other artefacts to corroborate it (``Settings.assume_mt``)."""
    if cleaner.settings.assume_mt:
        return cleaner
    twin = cleaner.__dict__.get("_mt_twin")
    if twin is None:
        twin = copy.copy(cleaner)
        twin.settings = replace(cleaner.settings, assume_mt=True)
        twin._signature_cache = {}
        twin.__dict__.pop("_mt_twin", None)
        cleaner.__dict__["_mt_twin"] = twin
    return twin


def check_example(cleaner: Cleaner, entry: Entry, lang: str, example: str, must_fire: bool) -> list[ExampleFailure]:
    """One example of one entry through the whole pipeline (all rules, all entries), as MT output."""
    cleaner = as_machine_translated(cleaner)
    result = cleaner.fix(example, lang)
    mine = [f for f in result.findings if f.entry == entry.key]
    if not must_fire:
        return [ExampleFailure(entry, example, "must_not_fire example fired")] if mine else []
    if not mine:
        return [ExampleFailure(entry, example, "must_fire example did not fire")]
    if entry.action != "replace":
        return []
    if not any(f.fixable for f in mine):
        why = next((f.evidence.get("near_miss") for f in mine if f.evidence.get("near_miss")), "")
        return [ExampleFailure(entry, example, "fired only as a flag for review" + (f" ({why})" if why else ""))]
    if not any(e.entry == entry.key for e in result.edits):
        return [ExampleFailure(entry, example, f"fired but {_winners(cleaner, result, entry)} won the span")]
    if "{" in entry.term and "{" in result.output and "{" not in example:
        return [ExampleFailure(entry, example, f"template field left in the text: {result.output!r}")]
    morph = cleaner.pack(lang).language.morphology
    forms = (entry.term, morph.pluralize(entry.term))
    forms += tuple(f for f in (morph.singularize(entry.term),) if f)  # "a known endocrine disruptor"
    if entry.inflect == "verb":  # "threw in the towel" is the term "throw in the towel" in the past
        forms += tuple((morph.verb_forms(entry.term) or {}).values())
    def norm(text: str) -> str:  # the suggestion takes the document's apostrophe
        return text.casefold().replace("’", "'")
    if "{" not in entry.term and not any(norm(f) in norm(result.output) for f in forms):
        return [ExampleFailure(entry, example, f"fixed text lacks the term: {result.output!r}")]
    again = cleaner.fix(result.output, lang)
    if again.edits:
        return [ExampleFailure(entry, example, f"not idempotent: {again.output!r}")]
    return []


def check_entry(cleaner: Cleaner, entry: Entry, lang: str) -> list[ExampleFailure]:
    """Run one entry's examples through the whole pipeline (all rules, all entries)."""
    failures = []
    for example in entry.must_fire:
        failures += check_example(cleaner, entry, lang, example, True)
    for example in entry.must_not_fire:
        failures += check_example(cleaner, entry, lang, example, False)
    return failures


def collisions(cleaner: Cleaner, entries: list[Entry], lang: str) -> list[ExampleFailure]:
    """The must_fire examples of the language's other entries that one of ``entries`` takes
    away from them, reported against the entry that wins. Only the examples on which one of
    ``entries`` fires at all go through the pipeline (an index of ``entries`` alone finds them)."""
    pack = cleaner.pack(lang)
    cleaner = as_machine_translated(cleaner)
    mine = {e.key: e for e in entries}
    index = GlossaryIndex(entries, pack.language)
    abbreviations = pack.language.abbreviations
    failures = []
    for other in pack.entries:
        if other.key in mine or other.action != "replace":
            continue
        for example in other.must_fire:
            if not index.find(Document(example, abbreviations)):
                continue
            result = cleaner.fix(example, lang)
            theirs = [f for f in result.findings if f.entry == other.key]
            if not theirs or any(e.entry == other.key for e in result.edits):
                continue  # the other entry does not fire here anyway, or it keeps its span
            same = {(f.start, f.end, f.suggestion) for f in theirs}  # the same fix is no collision
            takers = {e.entry for e in result.edits if e.entry in mine and any(e.overlaps(f) for f in theirs)
                      and (e.start, e.end, e.new) not in same}
            for key in sorted(takers):
                failures.append(ExampleFailure(
                    mine[key], example, f"wins the must_fire example of {describe_entry(cleaner, other.key)}"))
    return failures


def check_entries(cleaner: Cleaner, entries: list[Entry]) -> list[ExampleFailure]:
    """The examples of ``entries`` and their collisions with the other loaded entries."""
    failures: list[ExampleFailure] = []
    by_lang: dict[str, list[Entry]] = {}
    for entry in entries:
        by_lang.setdefault(entry.key.split("/", 1)[0], []).append(entry)
    for lang, group in sorted(by_lang.items()):
        for entry in group:
            failures += check_entry(cleaner, entry, lang)
        if len(group) < len(cleaner.pack(lang).entries):
            failures += collisions(cleaner, group, lang)
    return failures


def check_all(cleaner: Cleaner) -> list[ExampleFailure]:
    failures = []
    for code, pack in sorted(cleaner.packs.items()):
        for entry in pack.entries:
            failures.extend(check_entry(cleaner, entry, code))
    return failures


def untested(entries: list[Entry]) -> list[str]:
    """One line for each entry that lacks examples (``untested = "..."`` in the glossary)."""
    out = []
    for e in entries:
        if not e.must_fire or not e.must_not_fire:
            missing = " and ".join(k for k, v in (("must_fire", e.must_fire), ("must_not_fire", e.must_not_fire)) if not v)
            out.append(f"{e.where}: {e.key}: untested: no {missing} example ({e.untested})")
    return out


if __name__ == "__main__":  # python -m cleanup.selftest
    import sys

    cleaner = Cleaner()
    problems = check_all(cleaner)
    for p in problems:
        print(p)
    total = sum(len(p.entries) for p in cleaner.packs.values())
    print(f"{total} entries, {len(problems)} failing examples")
    sys.exit(1 if problems else 0)
