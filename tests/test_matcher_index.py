"""The glossary index's shortcuts (issue 9) find exactly what a plain scan finds: regex entries
run only where one of their required literals occurs, and long wrong forms behind a common head
("in the ...") are picked by their third word."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup import Cleaner
from cleanup.document import Document
from cleanup.matcher import required_literals


@pytest.mark.parametrize(("pattern", "keys"), [
    (r"\bHouse\s+of\s+Communes\b", ("communes",)),  # the longest literal
    (r"\b(?P<a>dairy|cattle|[Ss]heep)\s+breeders?\b", ("breeder",)),  # a literal beats a set
    (r"\b(?P<a>dairy|cattle|[Ss]heep)\s+(?:ox|cow)", ("cattle", "dairy", "heep")),  # a set
    (r"(?<=\b(?:rose|fell)\s+)of(?=\s+\d)", ("fell", "rose")),  # a lookbehind must hold
    (r"\bin\s+(?=television\b)", ("television",)),  # so must a lookahead
    (r"\b(?:the\s+)?at\s+\d+", ()),  # an optional group proves nothing; "at" is too short
    (r"(?i)\bHEDGE\s+FUNDS?\b", ("hedge",)),  # case-folded as the search text holds it
    (r"\b(?:ab|cd)\s+(?:efgh|ij)\b", ()),  # a branch with a short alternative proves nothing
])
def test_required_literals(pattern, keys):
    assert required_literals(pattern) == keys


def test_a_negative_lookahead_proves_nothing():
    assert required_literals(r"\bx(?!house)y\b") == ()


def test_common_words_are_the_last_choice():
    assert required_literals(r"\bthe\s+\d+\s+hedges\b") == ("hedges",)  # the longest
    assert required_literals(r"\bthe\s+\d+\s+hedges\b", frozenset({"hedges"})) == ("the",)
    assert required_literals(r"\bthere\s+\d+\s+hedges\b", frozenset({"there"})) == ("hedges",)


_GLOSSARY = """\
[glossary]
lang = "en"

[[entry]]
id = "breeders"
term = "livestock farmers"
pattern = '\\b(?:dairy|cattle|sheep)\\s+(?:raisers|rearers)\\b'
must_fire = ["The cattle raisers protested."]
must_not_fire = ["The cattle farmers protested."]

[[entry]]
id = "long-a"
term = "in the end"
wrong = ["in the end of the count"]
must_fire = ["It held, in the end of the count."]
must_not_fire = ["In the end it held."]

[[entry]]
id = "long-b"
term = "at issue"
wrong = ["in the a of x"]
must_fire = ["It is in the a of x today."]
must_not_fire = ["It is at issue today."]
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("g") / "g.toml"
    path.write_text(_GLOSSARY, encoding="utf-8")
    return Cleaner(bundled=False, extra_glossaries=[path])


@pytest.mark.parametrize(("text", "ids"), [
    ("The sheep rearers met.", ["breeders"]),
    ("The dairy\u00a0raisers met; cattle  rearers too.", ["breeders", "breeders"]),
    ("It held, in the end of the count.", ["long-a"]),
    ("It held, in  the  end of the count.", ["long-a"]),  # wider gaps
    ("It is in the a of x.", ["long-b"]),  # a one-letter third word
    ("It is in the ax of x.", []),
    ("in the end of the counts", ["long-a"]),  # a plural on the last word is checked at the hit
    ("in the endgame of the count", []),
])
def test_shortcuts_find_what_the_entries_describe(tiny, text, ids):
    assert _ids(tiny, text) == ids


def _ids(cleaner, text):
    """The entries the glossary index finds (the index alone: the pipeline would also drop a
    word salad as a passage in another language)."""
    return [f.entry.split(":")[-1] for f in cleaner.pack("en").index.find(Document(text))]


_WORDS = st.sampled_from(["in", "the", "end", "of", "count", "a", "x", "ax", "cattle", "dairy", "raisers",
                          "sheep", "rearers", "  ", "\u00a0", ",", "In"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=14))
def test_the_index_agrees_with_a_plain_scan(tiny, words):
    """Property: the entries fire exactly where a plain regex over the whole text says their
    wrong form is (so the shortcuts never lose a match)."""
    text = " ".join(words)
    plain = {
        "breeders": r"(?i)\b(?:dairy|cattle|sheep)\s+(?:raisers|rearers)\b",
        "long-a": r"(?i)(?<![\w])in\s{1,3}the\s{1,3}end\s{1,3}of\s{1,3}the\s{1,3}counts?\b",
        "long-b": r"(?i)(?<![\w])in\s{1,3}the\s{1,3}a\s{1,3}of\s{1,3}x\b",
    }
    expected = sorted(k for k, rx in plain.items() for _ in re.finditer(rx, text))
    assert sorted(_ids(tiny, text)) == expected, text


_FUZZY = """\
[glossary]
lang = "en"

[[entry]]
id = "melenchon"
term = "Mélenchon"
wrong = ["Melanchon"]
kind = "name"
fuzzy = 80
must_fire = ["Melanchon spoke."]
must_not_fire = ["Mélenchon spoke."]
"""
_FILLER = st.sampled_from(["the", "leader", "said", "on", "Monday", "that", "Paris", "and", "Lyon",
                           "melon", "chon", "Melan", "voted", "again", "in", "France"])


@pytest.fixture(scope="module")
def fuzzy(tmp_path_factory):
    path = tmp_path_factory.mktemp("f") / "f.toml"
    path.write_text(_FUZZY, encoding="utf-8")
    return Cleaner(bundled=False, extra_glossaries=[path])


@settings(max_examples=150, deadline=None)
@given(st.lists(_FILLER, max_size=30), st.lists(_FILLER, max_size=30),
       st.sampled_from(["Melanchon", "Mélanchon", "Melenchonn", "Melanchin", "Melenchn", "Mellenchon"]))
def test_a_garbled_name_is_found_wherever_it_stands(fuzzy, before, after, garbled):
    """Property: the pieces that propose fuzzy windows never lose one: a garbled name within
    the cut-off is found at its place among any words around it."""
    head = " ".join(before) + (" " if before else "")
    text = head + garbled + (" " if after else "") + " ".join(after)
    found = [(f.start, f.end) for f in fuzzy.pack("en").index.find(Document(text)) if f.entry.endswith(":melenchon")]
    assert (len(head), len(head) + len(garbled)) in found, text
