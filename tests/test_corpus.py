"""Scores on the annotated sets are locked in: they must equal tests/scores.json exactly
(re-record with `make scores` when a change is meant to move them, and review the diff)."""

import json

import pytest

from .record_scores import SCORES, SETS, measure


@pytest.fixture(scope="module")
def scores(cleaner):
    return measure(cleaner)


@pytest.mark.parametrize("folder", SETS)
def test_scores_are_the_recorded_ones(scores, folder):
    recorded = json.loads(SCORES.read_text(encoding="utf-8"))
    assert scores[folder] == recorded[folder], f"{folder}: run `make scores` if this change is intended"


@pytest.mark.parametrize("folder", SETS)
def test_no_false_edit_and_no_wrong_fix_where_none_is_allowed(scores, folder):
    assert scores[folder]["false_edits"] == 0
    if folder in ("seeds", "tests/corpus/en", "tests/heldout/fr"):
        assert scores[folder]["wrong_fixes"] == 0
