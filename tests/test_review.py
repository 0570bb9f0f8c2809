"""`cleanup review` in a terminal (a real pty, driven by pexpect), from a pipe, and the review
page as written (escaping checked on the file; tests/test_review_browser.py runs it)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect

from cleanup import Cleaner, Settings
import pytest

from cleanup.cli import main
from cleanup.decisions import load_decisions

from .conftest import SEED

BIN = Path(sys.executable).parent / "cleanup"
SEED_TEXT = SEED.read_text(encoding="utf-8")
PROMPT = r"\[a/r/e/A/R/n/p/u/q/\?\] "


def expected_final(cleaner, text, choices):
    """The final text built by hand from the tool's edits: ``choices[k]`` is "a", "r" or a
    replacement for edit k."""
    result = cleaner.fix(text)
    out, pos = [], 0
    for k, e in enumerate(result.edits):
        c = choices[k]
        if c == "r":
            continue
        out += [text[pos:e.start], e.new if c == "a" else c]
        pos = e.end
    return "".join(out) + text[pos:]


def spawn(folder: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160", LINES="50")
    env.pop("CLEANUP_DEBUG", None)
    # --edit-quotes: the script decides the founding article's 17 changes, quotations included.
    return pexpect.spawn(str(BIN), ["review", "article.txt", "--edit-quotes", *args], cwd=str(folder), env=env,
                         encoding="utf-8", timeout=60, dimensions=(50, 160))


def keys(child: pexpect.spawn, *sequence: str) -> None:
    for key in sequence:
        child.expect(PROMPT)
        child.send(key)


def test_terminal_review_accept_reject_edit_undo_quit_resume_finish(tmp_path, cleaner):
    shutil.copy(SEED, tmp_path / "article.txt")
    decisions = tmp_path / "article.decisions.json"
    final = tmp_path / "article.final.txt"

    child = spawn(tmp_path)
    child.expect(PROMPT)
    # The sentence with the change as a word diff (plain markers: NO_COLOR).
    assert "about the wider military [-climbing-]{+escalation+}." in child.before
    assert "[1/17] 17 left" in child.before and "en/core:escalation-climbing" in child.before
    child.send("a")                                  # 0 climbing: accept
    keys(child, "e")                                 # 1 best diplomat: edit
    child.expect("replacement")
    child.sendline("chief diplomat")
    keys(child, "r", "a", "u")                       # 2 tat-tray: reject; 3 cashmere: accept, undo
    child.expect(PROMPT)
    assert "[4/17]" in child.before and "undone" in child.before
    child.send("r")                                  # 3 cashmere: reject after all
    keys(child, "q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not final.exists()
    saved = {r["id"]: r for r in load_decisions(decisions).records}
    assert [r["decision"] for r in saved.values()][:5] == ["accept", "replace", "reject", "reject", None]
    assert sum(1 for r in saved.values() if r["decision"]) == 4

    child = spawn(tmp_path, "--color", "always")     # resume where the editor stopped
    child.expect(PROMPT)
    assert "[5/17] 13 left" in child.before and "\x1b[" in child.before
    child.send("a")                                  # 4 blamed in: accept
    keys(child, "R")                                 # 5 ' -' (space_before_hyphen): reject it and item 16
    keys(child, "A")                                 # 6 climbing: accept it and item 8 (same entry)
    keys(child, *"aaaaaaaa")                         # 7, 9-15
    child.expect("review complete")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    choices = {k: "a" for k in range(17)} | {1: "chief diplomat", 2: "r", 3: "r", 5: "r", 16: "r"}
    expected = expected_final(Cleaner(settings=Settings(edit_quotes=True)), SEED_TEXT, choices)
    assert final.read_text(encoding="utf-8") == expected
    # The decisions replay to the same bytes.
    r = subprocess.run([str(BIN), "apply", "article.txt", "--edit-quotes"], cwd=tmp_path, capture_output=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == final.read_bytes()


def test_review_from_a_pipe_reads_one_key_a_line(tmp_path):
    shutil.copy(SEED, tmp_path / "article.txt")
    r = subprocess.run([str(BIN), "review", "article.txt", "--by", "ana"], cwd=tmp_path, input="a\nr\n",
                       capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    assert r.returncode == 0, r.stderr
    assert "15 left" in r.stdout and "\x1b[" not in r.stdout
    records = load_decisions(tmp_path / "article.decisions.json").records
    assert [(x["decision"], x["by"]) for x in records[:3]] == [("accept", "ana"), ("reject", "ana"), (None, None)]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", records[0]["at"])


def test_review_of_a_clean_article_writes_it_unchanged(tmp_path, capsys):
    clean = tmp_path / "article.txt"
    shutil.copy(Path(__file__).parent / "corpus" / "clean" / "clean_en_04_diplomacy.txt", clean)
    assert main(["review", str(clean)]) == 0
    assert "nothing to review" in capsys.readouterr().out
    assert (tmp_path / "article.final.txt").read_bytes() == clean.read_bytes()


HOSTILE = (
    "<script>window.pwned = 1</script> India and Pakistan traded missile strikes, raising fears of a "
    "wider military climbing <img src=x onerror=\"window.pwned=2\">.\n"
    "</textarea><script>window.pwned=3</script> {{JS}} {{DATA}} </script><!-- "
    "The prÃ©sident spoke & left \u2028 near the cashmere attack site, India said.\n"
)


def _page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def test_review_page_is_self_contained_and_escapes_the_article(tmp_path, capsys):
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "review.html"
    code, out = main(["review", str(article), "--html", str(page)]), capsys.readouterr().out
    assert code == 0 and "item(s) to review" in out
    html = page.read_text(encoding="utf-8")
    assert html.count("<script") == 2 and html.count("</script>") == 2  # the page's own two
    assert "<img" not in html and "</textarea><script" not in html and "<!-- The" not in html
    assert not re.search(r"(?i)\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)  # nothing remote
    assert "default-src 'none'" in html  # and the page may not fetch anything
    data = _page_data(html)
    assert data["text"] == HOSTILE  # every character still there, as data
    pieces = "".join(s[1] if s[0] == "t" else data["items"][s[1]]["old"] for s in data["segments"] if s[0] != "a")
    assert pieces == HOSTILE
    types = sorted(i["type"] for i in data["items"])
    assert types.count("change") >= 2 and types.count("flag") >= 1  # mojibake is a flag


def test_review_html_carries_earlier_decisions(tmp_path, capsys):
    shutil.copy(SEED, tmp_path / "article.txt")
    subprocess.run([str(BIN), "review", "article.txt"], cwd=tmp_path, input=b"a\nr\n", capture_output=True)
    assert main(["review", str(tmp_path / "article.txt"), "--html", str(tmp_path / "p.html")]) == 0
    assert "15 undecided" in capsys.readouterr().out
    data = _page_data((tmp_path / "p.html").read_text(encoding="utf-8"))
    assert [i["record"]["decision"] for i in data["items"][:3]] == ["accept", "reject", None]


@pytest.mark.parametrize("args, message", [
    (["review", "-"], "need an article file"),
    (["review", "missing.txt"], "no such file"),
    (["apply", "article.txt", "-d", "missing.json"], "no such decisions file"),
    (["review", "article.txt", "--model", "x"], "--model needs --source"),
])
def test_review_and_apply_usage_errors(tmp_path, capsys, monkeypatch, args, message):
    shutil.copy(SEED, tmp_path / "article.txt")
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "article.decisions.json").exists()


def test_rich_is_imported_only_by_the_terminal_review(tmp_path):
    shutil.copy(SEED, tmp_path / "article.txt")
    code = ("import sys; from cleanup.cli import main; main({args}); print('rich' in sys.modules)")
    for args, expected in [(["--help"], "False"), (["review", "article.txt", "--html", "p.html"], "False"),
                           (["fix", "article.txt", "-o", "o.txt"], "False"),
                           (["review", "article.txt"], "True")]:
        r = subprocess.run([sys.executable, "-c", code.format(args=args)], cwd=tmp_path, capture_output=True,
                           text=True, input="q\n")
        assert r.stdout.strip().splitlines()[-1] == expected, (args, r.stdout, r.stderr)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from cleanup.testing.lexicon_model import build_model

    data = Path(__file__).parent / "data"
    return build_model(data / "lexicon_e2e_fr_en.tsv", tmp_path_factory.mktemp("m") / "e2e-fr-en", layout="opus")


def test_model_edits_are_explained_and_reviewed_with_their_alternatives(model, tmp_path, capsys):
    e2e = Path(__file__).parent / "data" / "e2e"
    shutil.copy(e2e / "mt.en.txt", tmp_path / "article.txt")
    opts = ["--source", str(e2e / "source.fr.txt"), "--model", str(model), "-g", str(e2e / "glossary.toml")]
    assert main(["explain", str(tmp_path / "article.txt"), *opts]) == 0
    out = capsys.readouterr().out
    assert out.count("rule: retranslate") == 4 and "model='e2e-fr-en'" in out
    assert main(["review", str(tmp_path / "article.txt"), *opts, "--html", str(tmp_path / "p.html")]) == 0
    items = _page_data((tmp_path / "p.html").read_text(encoding="utf-8"))["items"]
    hits = next(i for i in items if i["old"] == "hits" and i["type"] == "change")
    assert hits["rule"] == "retranslate" and hits["alternatives"] == ["25", "India"]
    # In the terminal, 1 takes the first alternative.
    r = subprocess.run([str(BIN), "review", "article.txt", *opts], cwd=tmp_path, input="1\nq\n",
                       capture_output=True, text=True, env=dict(os.environ, NO_COLOR="1"))
    assert "  1. 25\n" in r.stdout, r.stdout + r.stderr
    first = load_decisions(tmp_path / "article.decisions.json").records[0]
    assert (first["old"], first["decision"], first["replacement"]) == ("hits", "replace", "25")
