"""Record the scores of every annotated set into tests/scores.json (``make scores``).

tests/test_corpus.py asserts the current scores equal the recorded ones exactly, so a change
in recall or precision is always a visible, reviewed change of this file (and of the README
table, which tests/test_readme.py checks against it)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORES = ROOT / "tests" / "scores.json"
SETS = ["seeds", "tests/corpus/en", "tests/corpus/fr", "tests/corpus/clean",
        "tests/heldout/en", "tests/heldout/fr", "tests/heldout/clean",
        "tests/blind1/en", "tests/blind1/fr", "tests/blind1/clean",
        "tests/blind2/en", "tests/blind2/fr", "tests/blind2/clean",
        "tests/blind3/en", "tests/blind3/fr", "tests/blind3/clean",
        "tests/blind4/en", "tests/blind4/fr", "tests/blind4/clean",
        "tests/blind5/en", "tests/blind5/fr", "tests/blind5/clean",
        "tests/blind6/en", "tests/blind6/fr", "tests/blind6/clean",
        "tests/blind7/en", "tests/blind7/fr", "tests/blind7/clean",
        "tests/blind8/en", "tests/blind8/fr", "tests/blind8/clean"]
KEYS = ("articles", "words", "annotated", "fixed", "caught", "wrong_fixes", "missed",
        "false_edits", "strays")


def measure(cleaner) -> dict[str, dict[str, int]]:
    from cleanup.evaluate import evaluate

    out = {}
    for folder in SETS:
        totals = evaluate(ROOT / folder, cleaner).totals()
        out[folder] = {k: totals[k] for k in KEYS}
    return out


if __name__ == "__main__":
    from cleanup import Cleaner

    SCORES.write_text(json.dumps(measure(Cleaner()), indent=1) + "\n", encoding="utf-8")
    print(SCORES.read_text(encoding="utf-8"))
