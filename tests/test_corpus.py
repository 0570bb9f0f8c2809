"""Scores on the annotated sets are regression-tested: precision exactly, recall as floors."""

import pytest

from cleanup.evaluate import evaluate

from .conftest import ROOT

# (set, minimum fixed): floors a little under the figures quoted in the README.
SETS = [
    ("tests/corpus/en", 120),
    ("tests/corpus/fr", 70),
    ("tests/heldout/en", 40),
    ("tests/heldout/fr", 32),
    ("tests/corpus/clean", 0),
    ("tests/heldout/clean", 0),
]


@pytest.mark.parametrize(("folder", "floor"), SETS, ids=[s for s, _ in SETS])
def test_no_false_edits_and_recall_floor(cleaner, folder, floor):
    score = evaluate(ROOT / folder, cleaner)
    totals = score.totals()
    assert totals["not_found"] == 0, score.report()
    assert totals["false_edits"] == 0, score.report()
    assert totals["fixed"] >= floor, score.report()
    assert totals["wrong_fixes"] <= 2, score.report()
