"""The precision audit's figures (tests/audit/README.md): legitimate sentences written by
auditors against sampled entries, and artefact sentences with the correction they expect.
A change of these figures is a reviewed change of this file (like tests/scores.json)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "audit"))
from audit import score  # noqa: E402

# (entries editing legitimate text, legitimate sentences edited, entries with a wrong correction)
LOCKED = {
    "round1": (18, 33, 16),
    "round2": (19, 28, 11),
    "round3": (14, 16, 11),
    "round4": (9, 11, 9),
    "round5": (6, 9, 14),
    "round6": (6, 8, 0),
    "round7": (8, 11, 13),
}


@pytest.mark.parametrize("round_name", sorted(LOCKED))
def test_audit_figures_are_the_recorded_ones(cleaner, round_name):
    totals = score(round_name, cleaner)["totals"]
    got = (totals["entries_editing_legit_text"], totals["legit_sentences_edited"],
           totals["entries_with_wrong_corrections"])
    assert totals["entries"] == 120 and totals["legit_sentences"] == 360
    assert got == LOCKED[round_name], f"{round_name}: {got}; update LOCKED and tests/audit/README.md if intended"
