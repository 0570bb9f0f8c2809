"""Overlap resolution, case and article agreement, multi-pass fixing."""

from cleanup import Cleaner, Settings
from cleanup.fixer import resolve
from cleanup.morphology import get as morphology
from cleanup.result import Finding, apply_edits

adapt_case = morphology("english").adapt_case


def f(start, end, priority=1, confidence=1.0, rule="r"):
    return Finding(start, end, rule, "x" * (end - start), "replace", "y", "m", "lexical",
                   priority=priority, confidence=confidence)


def test_longest_then_most_specific_then_most_confident():
    chosen = resolve([f(0, 5), f(2, 9), f(10, 12, priority=1), f(10, 12, priority=3, rule="g"), f(20, 22, confidence=0.5),
                      f(21, 23, confidence=0.9)])
    assert [(c.start, c.end, c.rule) for c in chosen] == [(2, 9, "r"), (10, 12, "g"), (21, 23, "r")]


def test_flags_never_become_edits():
    flag = Finding(0, 3, "glossary", "abc", "flag", None, "m", "lexical")
    assert resolve([flag]) == []


def test_case_adaptation():
    assert adapt_case("escalation", "Climbing") == "Escalation"
    assert adapt_case("top diplomat", "Best Diplomat") == "Top Diplomat"
    assert adapt_case("Kashmir", "cashmere") == "Kashmir"
    assert adapt_case("tit-for-tat", "TAT-TRAY") == "TIT-FOR-TAT"
    assert adapt_case("justice minister", "Guard of the Seals") == "Justice Minister"


def test_article_agreement(mt_cleaner):
    r = mt_cleaner.fix("Officials warned of a climbing after the missile strikes on Saturday.", "en")
    assert "of an escalation after" in r.output
    assert r.replay() == r.output


def test_second_pass_edits_map_back_to_the_input(cleaner):
    # The first fix changes the context of a later entry; the result is still idempotent
    # and its edits replay on the input.
    text = ("Des milliers de personnes ont manifesté à Mexico City dimanche."
            "Des milliers de personnes ont manifesté à Athens contre la réforme.")
    r = cleaner.fix(text)
    assert cleaner.fix(r.output).output == r.output
    assert apply_edits(text, r.edits) == r.output
    assert all(text[e.start:e.end] == e.old for e in r.edits)


def test_only_and_skip(cleaner):
    text = "Officials feared more military climbing after the missile strikes, calling for de -escalation."
    only = Cleaner(settings=Settings(only=("space_before_hyphen",))).fix(text, "en")
    assert only.output == text.replace("de -", "de-")
    skip = Cleaner(settings=Settings(skip=("glossary",))).fix(text, "en")
    assert "climbing" in skip.output and "de-escalation" in skip.output
