"""The decisions file and `cleanup apply`: stable ids across a re-scrape, replay to the same
bytes, undecided and stale decisions reported (never applied blindly), bad files refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cleanup.cli import main
from cleanup.decisions import (SCHEMA, apply_decisions, decide, editor_record, load_decisions,
                               new_decisions, parse_decisions, review_items, save_decisions,
                               word_segments)
from cleanup.errors import InputError

from .conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def items_of(cleaner, text):
    result = cleaner.fix(text)
    return result, review_items(result, cleaner.pack(result.lang).language.abbreviations)


def decided(cleaner, text, name="article.txt", choose=None):
    """Decisions for every item: ``choose(k, item)`` -> (decision, replacement) or None."""
    result, items = items_of(cleaner, text)
    d = new_decisions(items, name, result)
    for k, (item, rec) in enumerate(zip(items, d.records)):
        pick = choose(k, item) if choose else (("accept", None) if item.type == "change" else None)
        if pick:
            decide(rec, pick[0], pick[1], by="ana")
    return result, items, d


def by_hand(text, items, decisions):
    """The expected text, built without apply_decisions: each decided span replaced."""
    records = decisions.by_id()
    out, pos = [], 0
    for item in sorted(items, key=lambda i: i.start):
        rec = records[item.id]
        new = {"accept": item.new, "replace": rec["replacement"]}.get(rec["decision"])
        if new is None:
            continue
        out += [text[pos:item.start], new]
        pos = item.end
    return "".join(out) + text[pos:]


SOME = {1: ("reject", None), 3: ("replace", "Indian-administered Kashmir"), 5: None}


def some(k, item):
    if item.type != "change":  # a flag (a quotation, a near miss) has no proposal to accept
        return None
    return SOME.get(k, ("accept", None))


# -- ids and the file ------------------------------------------------------------------


def test_word_segments_mark_changed_words_only():
    assert word_segments("the best diplomat", "the top diplomat") == [
        ("=", "the "), ("-", "best"), ("+", "top"), ("=", " diplomat")]
    assert word_segments("a tat-tray attack", "a tit-for-tat attack") == [
        ("=", "a "), ("-", "tat-tray"), ("+", "tit-for-tat"), ("=", " attack")]
    # Old and new text are always recoverable from the pieces.
    for old, new in [("counter -influence of", "counterweight to"), (" -", "-"), ("x\n", "")]:
        pieces = word_segments(old, new)
        assert "".join(t for op, t in pieces if op != "+") == old
        assert "".join(t for op, t in pieces if op != "-") == new


def test_ids_are_unique_and_do_not_depend_on_offsets(cleaner):
    _, items = items_of(cleaner, SEED_TEXT)
    assert len({i.id for i in items}) == len(items) == 17
    _, moved = items_of(cleaner, "Markets were calm on Friday.\n" + SEED_TEXT)
    assert [i.id for i in moved] == [i.id for i in items]
    assert all(m.start == i.start + 29 for m, i in zip(moved, items))


def test_decisions_file_round_trips_and_is_diffable(cleaner, tmp_path):
    _, _, d = decided(cleaner, SEED_TEXT, choose=some)
    path = tmp_path / "a.decisions.json"
    save_decisions(path, d)
    text = path.read_text(encoding="utf-8")
    assert json.loads(text)["schema"] == SCHEMA
    assert text.count("\n") > 17 * 10  # one key a line: a decision change is a one-line diff
    again = load_decisions(path)
    assert again.records == d.records and again.article == d.article


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid JSON"),
    ('{"schema": "cleanup.results/1", "results": []}', "not a decisions file"),
    ('{"schema": "cleanup.decisions/1", "items": {}}', "'items' must be a list"),
    ('{"schema": "cleanup.decisions/1", "items": [{"id": "x", "type": "change", "old": "a", "decision": "maybe"}]}',
     "decision 'maybe'"),
    ('{"schema": "cleanup.decisions/1", "items": [{"id": "x", "type": "flag", "old": "a", "decision": "accept"}]}',
     "only a proposal can be accepted"),
    ('{"schema": "cleanup.decisions/1", "items": [{"id": "x", "type": "change", "old": "a", "decision": "replace"}]}',
     "needs a 'replacement'"),
    ("[" * 100000, "invalid JSON"),
])
def test_bad_decisions_file_exit_2_nothing_written(tmp_path, capsys, content, message):
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    out = tmp_path / "final.txt"
    code, _, err = run(capsys, "apply", article, "--decisions", bad, "-o", out)
    assert code == 2 and message in err and str(bad) in err and err.count("\n") == 1
    assert not out.exists()
    with pytest.raises(InputError):
        parse_decisions(content, "x")


# -- apply ----------------------------------------------------------------------------


def test_apply_replays_accepts_replacements_and_skips_rejects(cleaner, tmp_path, capsys):
    result, items, d = decided(cleaner, SEED_TEXT, choose=some)
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    path = tmp_path / "article.decisions.json"
    save_decisions(path, d)
    out1, out2 = tmp_path / "final1.txt", tmp_path / "final2.txt"
    code, _, err = run(capsys, "apply", article, "-o", out1)  # default: ARTICLE.decisions.json
    assert (code, err) == (1, err) and "undecided" in err  # item 5 is undecided: listed, exit 1
    assert run(capsys, "apply", article, "-d", path, "-o", out2)[0] == 1
    expected = by_hand(SEED_TEXT, items, d)
    assert out1.read_bytes() == out2.read_bytes() == expected.encode()  # twice: the same bytes
    assert "best diplomat" in expected and "Indian-administered Kashmir attack" in expected
    assert items[5].old in expected.splitlines()[4]  # undecided: not applied
    # Applying again on the final text changes nothing more.
    out3 = tmp_path / "final3.txt"
    run(capsys, "apply", out1, "-d", path, "-o", out3)
    assert out3.read_bytes() == out1.read_bytes()


def test_undecided_accept_applies_the_proposals(cleaner, tmp_path, capsys):
    result, items, d = decided(cleaner, SEED_TEXT, choose=lambda k, i: None)
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    save_decisions(tmp_path / "d.json", d)
    code, out, err = run(capsys, "apply", article, "-d", tmp_path / "d.json", "--undecided", "accept")
    assert code == 0 and out == result.output
    assert err.count(": undecided, the tool's proposal applied: ") == 17


def test_rescrape_keeps_decisions_and_reports_the_vanished_one(cleaner, tmp_path, capsys):
    result, items, d = decided(cleaner, SEED_TEXT, choose=some)
    gone = next(i for i in items if i.old == "provided on")
    lines = SEED_TEXT.split("\n")

    def rescrape(text_lines):
        out = list(text_lines)
        out[1] = out[1].replace("back and forth diplomacy", "back-and-forth diplomacy")  # a typo fixed
        out.insert(6, "Markets in Karachi were closed on Friday.")  # a sentence added
        return [x for x in out if "vacant posts" not in x]  # the sentence of one change removed

    new_text = "\n".join(rescrape(lines))
    article = tmp_path / "article.txt"
    article.write_text(new_text, encoding="utf-8")
    save_decisions(tmp_path / "d.json", d)
    code, out, err = run(capsys, "apply", article, "-d", tmp_path / "d.json")
    assert code == 1
    assert f"decision {gone.id}" in err and "no longer exists" in err
    # Everything else applied as on the original: the re-scrape commutes with the decisions.
    expected = by_hand(SEED_TEXT, items, d).split("\n")
    assert out == "\n".join(rescrape(expected))


def test_decision_survives_a_change_of_its_own_context(cleaner):
    text = "India and Pakistan traded missile strikes, raising fears of a wider military climbing."
    _, items, d = decided(cleaner, text, choose=lambda k, i: ("replace", "escalation of the conflict"))
    edited = text.replace("a wider military", "an even wider military")
    _, new_items = items_of(cleaner, edited)
    assert new_items[0].id != items[0].id  # its context words changed
    done = apply_decisions(edited, new_items, d)
    assert done.output.endswith("even wider military escalation of the conflict.")
    assert len(done.moved) == 1 and not done.stale


def test_accepted_proposal_that_changed_is_not_applied(mt_cleaner):
    text = "India and Pakistan traded missile strikes, raising fears of a wider military climbing."
    _, items, d = decided(mt_cleaner, text)
    d.records[0]["proposed"] = "escalade"  # the tool proposed something else when reviewed
    done = apply_decisions(text, items, d)
    assert done.output == text and done.changed_proposals and not done.complete


def test_editor_change_applies_and_conflicts_are_reported(mt_cleaner):
    text = "Marie Dupontt said fears of a wider military climbing grew after the missile strikes."
    _, items, d = decided(mt_cleaner, text)
    d.records.append(editor_record(text, 6, 13, "Dupont", sentence=text))
    start = text.index("climbing")
    d.records.append(editor_record(text, start - 9, start + 8, "military rise"))  # overlaps the change
    done = apply_decisions(text, items, d)
    assert done.output == text.replace("Dupontt", "Dupont").replace("climbing", "escalation")
    assert [r["replacement"] for r in done.conflicts] == ["military rise"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.just(("accept", None)), st.just(("reject", None)),
                          st.tuples(st.just("replace"), st.text("abcXYZ -é", min_size=0, max_size=6))),
                min_size=17, max_size=17))
def test_apply_matches_the_decisions_and_is_idempotent(cleaner, picks):
    result, items, d = decided(cleaner, SEED_TEXT, choose=lambda k, i: picks[k])
    done = apply_decisions(SEED_TEXT, items, d)
    assert done.output == by_hand(SEED_TEXT, items, d)
    # Applying again to its own output changes nothing, unless an editor's replacement wrote
    # back the very text it replaced (then the decision, which follows the text, applies again).
    assume(not any(p and p[0] == "replace" and i.old in p[1] for p, i in zip(picks, items)))
    _, again_items = items_of(cleaner, done.output)
    assert apply_decisions(done.output, again_items, d).output == done.output


# -- the other outputs ----------------------------------------------------------------


def test_json_findings_and_edits_carry_line_and_column(tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    data = json.loads(run(capsys, "fix", article, "--format", "json")[1])["results"][0]
    line_starts = [0] + [k + 1 for k, ch in enumerate(SEED_TEXT) if ch == "\n"]
    for x in data["findings"] + data["edits"]:
        assert line_starts[x["line"] - 1] + x["column"] - 1 == x["start"]
    assert (data["edits"][0]["line"], data["edits"][0]["column"]) == (1, 258)


def test_messages_never_show_template_placeholders(cleaner):
    templated = [e for p in cleaner.packs.values() for e in p.entries if "{" in e.term]
    assert len(templated) >= 5
    for entry in templated:
        for example in entry.must_fire:
            for f in cleaner.fix(example, entry.key.split("/")[0]).findings:
                assert "{" not in f.message, f.message  # (the note: checked below)
                if f.entry == entry.key and entry.note:
                    assert entry.note not in f.message  # the note belongs to explain


def test_explain_shows_the_note(tmp_path, capsys):
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    out = run(capsys, "explain", article)[1]
    assert "   note: French 'escalade' means escalation, not climbing\n" in out


@pytest.mark.parametrize("color", ["always", "never"])
def test_check_respects_color(tmp_path, capsys, color):
    article = tmp_path / "article.txt"
    article.write_text(SEED_TEXT, encoding="utf-8")
    out = run(capsys, "check", article, "--color", color)[1]
    assert ("\x1b[" in out) == (color == "always")
    assert out.count("\n") == 18


def test_a_vanished_rejection_is_reported_but_blocks_nothing(cleaner):
    text = "Fears of a wider military climbing grew after the missile strikes.\nOfficials met on Monday."
    _, items, d = decided(cleaner, text, choose=lambda k, i: ("reject", None))
    later = "Officials met on Monday."
    done = apply_decisions(later, items_of(cleaner, later)[1], d)
    assert done.output == later and [r["old"] for r in done.stale] == ["climbing"]
    assert done.complete and "no longer exists" in done.report("x")[0]
