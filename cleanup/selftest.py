"""Glossaries are tested like code: every entry's must_fire / must_not_fire examples."""

from __future__ import annotations

from dataclasses import dataclass

from .glossary import Entry
from .pipeline import Cleaner


@dataclass(frozen=True)
class ExampleFailure:
    entry: Entry
    example: str
    problem: str

    def __str__(self) -> str:
        return f"{self.entry.where}: {self.entry.key}: {self.problem}: {self.example!r}"


def check_entry(cleaner: Cleaner, entry: Entry, lang: str) -> list[ExampleFailure]:
    """Run one entry's examples through the whole pipeline (all rules, all entries)."""
    failures = []
    for example in entry.must_fire:
        result = cleaner.fix(example, lang)
        mine = [f for f in result.findings if f.entry == entry.key]
        if not mine:
            failures.append(ExampleFailure(entry, example, "must_fire example did not fire"))
            continue
        if entry.action != "replace":
            continue
        if not any(e.entry == entry.key for e in result.edits):
            failures.append(ExampleFailure(entry, example, "fired but another edit won the span"))
            continue
        if "{" in entry.term and "{" in result.output and "{" not in example:
            failures.append(ExampleFailure(entry, example, f"template field left in the text: {result.output!r}"))
            continue
        if "{" not in entry.term and entry.term.casefold() not in result.output.casefold():
            failures.append(ExampleFailure(entry, example, f"fixed text lacks the term: {result.output!r}"))
        again = cleaner.fix(result.output, lang)
        if again.edits:
            failures.append(ExampleFailure(entry, example, f"not idempotent: {again.output!r}"))
    for example in entry.must_not_fire:
        result = cleaner.fix(example, lang)
        if any(f.entry == entry.key for f in result.findings):
            failures.append(ExampleFailure(entry, example, "must_not_fire example fired"))
    return failures


def check_all(cleaner: Cleaner) -> list[ExampleFailure]:
    failures = []
    for code, pack in sorted(cleaner.packs.items()):
        for entry in pack.entries:
            failures.extend(check_entry(cleaner, entry, code))
    return failures


if __name__ == "__main__":  # python -m cleanup.selftest
    import sys

    cleaner = Cleaner()
    problems = check_all(cleaner)
    for p in problems:
        print(p)
    total = sum(len(p.entries) for p in cleaner.packs.values())
    print(f"{total} entries, {len(problems)} failing examples")
    sys.exit(1 if problems else 0)
