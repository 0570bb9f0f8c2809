"""The founding article: glossary and rules alone, no model."""

from pathlib import Path

from cleanup.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent


def test_seed_score(cleaner):
    score = evaluate(ROOT / "seeds", cleaner)
    totals = score.totals()
    assert totals["not_found"] == 0
    assert totals["false_edits"] == 0, score.report()
    assert totals["wrong_fixes"] == 0, score.report()
    # Every artefact but the four sentence-level ones (they need a model) is caught; the three
    # inside quotations are flagged for the editor, not changed (the speaker's words).
    assert totals["caught"] == 17, score.report()
    not_fixed = [a for f in score.files for a in f.annotations if a.status != "fixed"]
    assert sorted(a.wrong for a in not_fixed if a.kind != "sentence") == [
        "de -escalation", "non-escalating", "not from our business"], score.report()
    assert all(a.caught for a in not_fixed if a.kind != "sentence"), score.report()


def test_seed_score_when_quotations_may_be_edited():
    from cleanup import Cleaner, Settings

    score = evaluate(ROOT / "seeds", Cleaner(settings=Settings(edit_quotes=True)))
    totals = score.totals()
    assert (totals["fixed"], totals["false_edits"], totals["wrong_fixes"]) == (17, 0, 0), score.report()
    missed = [a for f in score.files for a in f.annotations if a.status != "fixed"]
    assert all(a.kind == "sentence" for a in missed), score.report()


def test_saudi_foreign_minister_untouched(cleaner, seed_text):
    result = cleaner.fix(seed_text)
    assert "the Saudi Foreign Minister had sent" in result.output
    assert "British Foreign Secretary David Lammy" in result.output
    assert "Indian Minister of Foreign Affairs" in result.output


def test_seed_fix_replays_and_is_idempotent(cleaner, seed_text):
    result = cleaner.fix(seed_text)
    assert result.replay() == result.output
    assert cleaner.fix(result.output).output == result.output
