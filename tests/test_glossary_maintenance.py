"""Glossary maintenance: testing one user file, collisions with bundled entries, list and
show, precedence between glossaries (also in explain), coverage on a corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanup import Cleaner
from cleanup.cli import main
from cleanup.coverage import coverage
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

MY = '''[glossary]
lang = "en"
domain = "{domain}"
{extra}
[[entry]]
id = "{id}"
term = "{term}"
wrong = ["{wrong}"]
{cond}
must_fire = ["{fires}"]
must_not_fire = ["A cashmere sweater costs more in Pakistan than in India."]
'''


def _write(path: Path, domain="newsroom", id="kashmir-region", term="Kashmir region", wrong="cashmere",
           cond='require = ["India", "Pakistan"]\nforbid = ["sweater*"]',
           fires="A cashmere attack killed 25 tourists, India said.", extra="") -> Path:
    path.write_text(MY.format(domain=domain, id=id, term=term, wrong=wrong, cond=cond, fires=fires, extra=extra),
                    encoding="utf-8")
    return path


def test_test_of_one_user_file_runs_only_its_entries_with_bundled_profiles(tmp_path, capsys):
    my = _write(tmp_path / "my.toml", term="Kashmir", id="k")
    assert main(["glossary", "test", str(my), "--no-bundled"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 entries, 0 failing examples"
    assert main(["glossary", "test", str(my)]) == 0  # the same fix as the bundled entry: no collision
    assert capsys.readouterr().out.splitlines()[-1] == "1 entries, 0 failing examples"


def test_user_entry_that_takes_a_bundled_example_is_reported_against_the_user_entry(tmp_path, capsys):
    my = _write(tmp_path / "my.toml")  # "cashmere" -> "Kashmir region": a different fix, and it wins the tie
    assert main(["glossary", "test", str(my)]) == 1
    out = capsys.readouterr().out
    assert f"{my}:5: en/newsroom:kashmir-region: wins the must_fire example of bundled entry " \
           "en/places:place-kashmir-cashmere (glossaries/en/places.toml:" in out
    assert "en/places:place-kashmir-cashmere:" not in out.split("wins the")[0]  # not blamed on the bundled entry
    assert out.splitlines()[-1].startswith("1 entries, ")


def test_bundled_entry_that_wins_a_user_example_is_named(tmp_path, capsys):
    # "tray" -> "plate" fires in "tat-tray", but the bundled tit-for-tat entry wins the longer span
    my = _write(tmp_path / "my.toml", id="tray", term="plate", wrong="tray", cond="",
                fires="The strikes triggered a cycle of tat-tray attacks between the two countries.")
    assert main(["glossary", "test", str(my)]) == 1
    out = capsys.readouterr().out
    assert f"{my}:5: en/newsroom:tray: fired but bundled entry en/core:tit-for-tat " \
           "(glossaries/en/core.toml:" in out and "won the span" in out


def test_a_bundled_file_given_to_test_is_not_loaded_twice(capsys):
    assert main(["glossary", "test", "glossaries/en/weather.toml"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith("entries, 0 failing examples") and not last.startswith("1220")


def test_list_counts_and_filters(capsys):
    assert main(["glossary", "list", "--lang", "en", "--domain", "core"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("en (English): ") and "in 1 glossary" in out[0]
    assert len(out) == 2 and out[1].startswith("  glossaries/en/core.toml: core, ")
    assert "(bundled, general domain)" in out[1]
    assert main(["glossary", "list", "--lang", "xx"]) == 2


def test_show_finds_entries_by_id_term_wrong_form_and_source_word(tmp_path, capsys):
    assert main(["glossary", "show", "escalade", "--lang", "en"]) == 0  # a source word
    assert "en/core:escalation-climbing  glossaries/en/core.toml:7" in capsys.readouterr().out
    my = _write(tmp_path / "my.toml")
    assert main(["glossary", "show", "cashmere", "-g", str(my)]) == 0
    out = capsys.readouterr().out
    assert "precedence: priority 8 (user file, specific domain)" in out
    assert "1. en/newsroom:kashmir-region -> 'Kashmir region' on 'cashmere' (priority 8, user file" in out
    assert "2. en/places:place-kashmir-cashmere -> 'Kashmir' on 'cashmere' (priority 4, bundled" in out
    assert main(["glossary", "show", "kashmir-region", "-g", str(my), "--no-bundled"]) == 0  # an id
    assert capsys.readouterr().out.startswith("en/newsroom:kashmir-region  ")
    assert main(["glossary", "show", "no such thing at all", "--no-bundled"]) == 1


def test_user_glossary_wins_a_tie_with_bundled_and_explain_says_so(tmp_path, capsys, mt_cleaner):
    my = _write(tmp_path / "my.toml")
    text = "A cashmere attack killed 25 tourists in Pahalgam, India said."
    assert mt_cleaner.fix(text, "en").output == text.replace("cashmere", "Kashmir")
    result = Cleaner(extra_glossaries=[my], settings=MT).fix(text, "en")
    assert result.output == text.replace("cashmere", "Kashmir region")
    (edit,) = result.edits
    assert edit.evidence["overrides"] == ["en/places:place-kashmir-cashmere"]
    assert edit.evidence["precedence"] == "user file, specific domain over bundled, specific domain"
    article = tmp_path / "a.txt"
    article.write_text(text + "\n", encoding="utf-8")
    assert main(["explain", str(article), "-g", str(my), "--assume-mt"]) == 0
    out = capsys.readouterr().out
    assert "overrides=['en/places:place-kashmir-cashmere']" in out
    assert "precedence='user file, specific domain over bundled, specific domain'" in out


def test_specific_domain_wins_over_a_general_one_whatever_the_order(tmp_path):
    general = _write(tmp_path / "general.toml", domain="core", id="g", term="Kashmir valley")
    specific = _write(tmp_path / "specific.toml", domain="travel", id="s", term="Kashmir region")
    marked = _write(tmp_path / "marked.toml", domain="desk", id="m", term="Kashmir state", extra="general = true")
    text = "A cashmere attack killed 25 tourists, India said."
    for files in ([general, specific], [specific, general], [marked, specific], [specific, marked]):
        out = Cleaner(extra_glossaries=files, bundled=False, settings=MT).fix(text, "en").output
        assert out == text.replace("cashmere", "Kashmir region"), files
    # same level and generality: the file given first wins
    other = _write(tmp_path / "other.toml", domain="sport", id="o", term="Kashmir area")
    assert "Kashmir area" in Cleaner(extra_glossaries=[other, specific], bundled=False, settings=MT).fix(text, "en").output
    assert "Kashmir region" in Cleaner(extra_glossaries=[specific, other], bundled=False, settings=MT).fix(text, "en").output


def test_folder_glossaries_rank_between_bundled_and_user_files(tmp_path):
    folder = tmp_path / "dir" / "en"
    folder.mkdir(parents=True)
    _write(folder / "desk.toml", domain="desk", id="d", term="Kashmir valley")
    my = _write(tmp_path / "my.toml")
    text = "A cashmere attack killed 25 tourists, India said."
    assert "Kashmir valley" in Cleaner(glossary_dirs=[tmp_path / "dir"], settings=MT).fix(text, "en").output
    assert "Kashmir region" in Cleaner(glossary_dirs=[tmp_path / "dir"], extra_glossaries=[my], settings=MT).fix(text, "en").output
    ranks = Cleaner(glossary_dirs=[tmp_path / "dir"], extra_glossaries=[my]).pack("en").ranks
    assert (ranks["en/places:place-kashmir-cashmere"].priority < ranks["en/desk:d"].priority
            < ranks["en/newsroom:kashmir-region"].priority)


# -- coverage -------------------------------------------------------------------------------------


@pytest.fixture()
def corpus(tmp_path) -> tuple[Path, Path, Path]:
    my = _write(tmp_path / "my.toml", term="Kashmir", id="k")
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text("A cashmere attack killed 25 tourists, India said.\n\n"
                                "Pakistan denied any cashmere link to the attack and called for de -escalation.\n", encoding="utf-8")
    (news / "b.txt").write_text("India and Pakistan traded fire; a cashmere sweater shop burned.\n\n"
                                "A cashmire attack, Pakistan said.\n", encoding="utf-8")
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "c.txt").write_text("In Pakistan and India, a cashmere shawl is a gift.\n", encoding="utf-8")
    return my, news, clean


def test_coverage_hits_contexts_near_misses_and_false_positives(corpus):
    my, news, clean = corpus
    report = coverage(Cleaner(extra_glossaries=[my], bundled=False, settings=MT), [news], [clean])
    c = report.entries["en/newsroom:k"]
    assert (c.hits, c.edits, len(c.files)) == (2, 2, 1)
    assert c.licensed == {"require 'India'": 1, "require 'Pakistan'": 1}
    assert c.blocked == {"forbid 'sweater*'": 1}
    assert list(c.near) == ["'cashmire' (88% of 'cashmere')"]
    assert c.clean == [f"{clean / 'c.txt'}:1:26: 'cashmere'"]
    assert (report.articles, report.clean_articles, report.false_positives) == (2, 1, 1)


def test_coverage_cli_table_json_jsonl_and_never_seen(corpus, tmp_path, capsys):
    my, news, clean = corpus
    assert main(["glossary", "coverage", str(news), "-g", str(my), "--no-bundled"]) == 0
    out = capsys.readouterr().out
    assert "en/newsroom:k     2      2      1      0  licensed by require 'India' 1, require 'Pakistan' 1; " \
           "blocked by forbid 'sweater*' 1" in out
    assert out.splitlines()[-1] == "2 articles, 0 clean; 1 entries: 1 seen, 0 never seen; 1 near misses; " \
                                   "0 false-positive candidates"
    assert main(["glossary", "coverage", str(news), "--clean", str(clean), "-g", str(my), "--no-bundled",
                 "--format", "json"]) == 1  # a false-positive candidate
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "cleanup.coverage/1" and data["false_positive_candidates"] == 1
    assert data["entries"][0]["entry"] == "en/newsroom:k" and data["never_seen"] == []
    jsonl = tmp_path / "batch.jsonl"
    jsonl.write_text(json.dumps({"body": "Nothing here about India."}) + "\n", encoding="utf-8")
    assert main(["glossary", "coverage", str(jsonl), "--jsonl", "--text-field", "body", "-g", str(my),
                 "--no-bundled"]) == 0
    out = capsys.readouterr().out
    assert "never seen (1):\n  en/newsroom:k" in out and out.splitlines()[-1].startswith("1 articles, 0 clean")
    jsonl.write_text("not json\n", encoding="utf-8")
    assert main(["glossary", "coverage", str(jsonl), "--jsonl", "--no-bundled", "-g", str(my)]) == 2
    assert f"{jsonl}:1: not JSON" in capsys.readouterr().err
