"""`cleanup glossary lint`: each rule on a small bad glossary, file:line and rule name in
every finding, exit 1; the bundled glossaries lint clean (with the reviewed allow-list)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cleanup.cli import main
from cleanup.errors import UsageError
from cleanup.lint import RULES, Allow, lint
from cleanup.regexcheck import backtracking
from cleanup.resources import bundled_dir

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "lint"
ALLOW = ROOT / "tests" / "glossary_lint_allow.txt"


def _problems(name: str) -> list[tuple[int, str]]:
    report = lint([DATA / name])
    assert all(p.path.endswith(name) for p in report.problems)
    return [(p.line, p.rule) for p in report.problems]


@pytest.mark.parametrize(("name", "expected"), [
    ("unknown_field.toml", [(9, "unknown-field")]),
    ("missing_examples.toml", [(5, "missing-examples")]),
    ("duplicates.toml", [(13, "duplicate-id"), (20, "duplicate-entry"), (20, "shadowed-example")]),
    ("ambiguous.toml", [(12, "ambiguous-wrong"), (12, "shadowed-example")]),
    ("refires.toml", [(5, "refires"), (12, "refires"), (19, "common-word"), (19, "refires")]),
    ("common.toml", [(5, "common-word")]),
    ("regex.toml", [(9, "regex-invalid"), (17, "regex-backtracking")]),
    ("shadowed.toml", [(5, "shadowed-example")]),
    ("clean.toml", []),
])
def test_each_rule_on_a_small_bad_glossary(name, expected):
    assert _problems(name) == expected


def test_every_rule_has_a_bad_glossary():
    rules = {p.rule for f in DATA.glob("*.toml") for p in lint([f]).problems}
    assert rules == set(RULES) - {"invalid-file", "invalid-entry"}  # those two: below


def test_messages_name_the_other_entry_and_the_cycle():
    text = "\n".join(str(p) for p in lint([DATA / "refires.toml"]).problems)
    assert "contains its own wrong form" in text
    assert "cycle: term 'strike' is corrected by en/refires:b-to-a" in text
    shadow = str(lint([DATA / "shadowed.toml"]).problems[0])
    assert "is won by en/shadowed:long" in shadow


def test_invalid_file_and_invalid_entry_are_reported_not_raised(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[glossary]\nlang = "en"\n[[entry]]\nid = "x"\nterm = y\n', encoding="utf-8")
    entry = tmp_path / "entry.toml"
    entry.write_text('[glossary]\nlang = "en"\n\n[[entry]]\nid = "Bad Id"\nterm = "y"\nwrong = ["z"]\n'
                     'must_fire = ["z"]\nmust_not_fire = ["y"]\n', encoding="utf-8")
    report = lint([tmp_path])
    assert [(Path(p.path).name, p.line, p.rule) for p in report.problems] == [
        ("bad.toml", 5, "invalid-file"), ("entry.toml", 4, "invalid-entry")]
    assert "id 'Bad Id'" in str(report.problems[1])


def test_context_conditions_separate_wrong_forms(tmp_path):
    text = (DATA / "ambiguous.toml").read_text(encoding="utf-8")
    text = text.replace('wrong = ["Minister of Foreign Affairs"]\nmust_fire = ["The Minister of Foreign Affairs spoke."]\n'
                        'must_not_fire = ["The Foreign Secretary spoke."]',
                        'wrong = ["Minister of Foreign Affairs"]\nrequire = ["London"]\n'
                        'must_fire = ["The Minister of Foreign Affairs spoke in London."]\n'
                        'must_not_fire = ["The Foreign Secretary spoke."]', 1)
    text = text.replace('must_fire = ["The Minister of Foreign Affairs spoke."]\nmust_not_fire = ["The Secretary',
                        'require = ["Washington"]\nmust_fire = ["The Minister of Foreign Affairs spoke in Washington."]\n'
                        'must_not_fire = ["The Secretary')
    p = tmp_path / "ambiguous.toml"
    p.write_text(text, encoding="utf-8")
    assert [x.rule for x in lint([p]).problems] == []
    # one side without a condition fires wherever the other does: reported
    p.write_text(text.replace('require = ["London"]\n', ""), encoding="utf-8")
    (problem,) = [x for x in lint([p]).problems if x.rule == "ambiguous-wrong"]
    assert "en/ambiguous:minister-uk has no condition, so it fires wherever the other does" in problem.message


def test_cli_exit_status_and_lines(capsys):
    assert main(["glossary", "lint", str(DATA / "unknown_field.toml")]) == 1
    out = capsys.readouterr().out
    assert f"{DATA / 'unknown_field.toml'}:9: unknown-field: entry 'kashmir': unknown field 'requires'" in out
    assert main(["glossary", "lint", str(DATA / "clean.toml")]) == 0
    assert "0 problems in 1 files (1 entries)" in capsys.readouterr().out


def test_allow_list_accepts_reviewed_findings_and_needs_a_reason(tmp_path):
    allow = tmp_path / "allow.txt"
    allow.write_text("common-word en/common:climbing  # reviewed: test data\n"
                     "refires en/none:nothing  # stale line\n", encoding="utf-8")
    report = lint([DATA / "common.toml"], Allow.load(allow))
    assert report.problems == [] and [p.rule for p in report.allowed] == ["common-word"]
    assert report.stale == [f"{allow}:2: refires en/none:nothing matches no finding"]
    allow.write_text("common-word en/common:climbing\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"allow.txt:1: say why"):
        Allow.load(allow)
    allow.write_text("no-such-rule en/common:climbing  # x\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"allow.txt:1: expected 'RULE ENTRY-KEY"):
        Allow.load(allow)


def test_backtracking_check_tells_nested_quantifiers_from_separated_ones():
    for slow in (r"(a+)+$", r"(\w+\s?)*$", r"(?:\p{L}+\s*)+!", r"^(a|a?)+$"):
        assert backtracking(slow), slow
    for safe in (r"(?:\s+\w+)+", r"\d+(?:[.,]\d+)*", r"(?i)\b(?:more|further)\s+$", r"(?<v>a)|(?<v>b)",
                 r"(?>\w+\s?)+$", r"\p{Lu}\p{L}+(?:\s+\p{Lu}\p{L}+)+"):
        assert backtracking(safe) is None, safe


@pytest.mark.slow  # 13 s: lints and runs every bundled example; CI runs it (make test-slow)
def test_bundled_glossaries_lint_clean():
    """CI gate: a new finding on the bundled data is fixed, or reviewed into the allow-list."""
    report = lint([bundled_dir()], Allow.load(ALLOW))
    assert report.entries >= 1000
    assert not report.problems, "\n".join(map(str, report.problems))


def test_fix_does_not_import_the_maintenance_libraries():
    code = ("import sys; from cleanup import Cleaner; Cleaner().fix('A cashmere attack in India.'); "
            "print(sorted(m for m in ('tomlkit', 'defusedxml') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.stdout.strip().splitlines()[-1] == "[]", r.stderr


def test_amendments_lint_like_the_loader_reads_them(tmp_path):
    """[[amend]] tables (README "Glossary format") are a glossary's own shape, not an unknown key;
    a typo inside one is a problem with its file and line."""
    good = tmp_path / "amend.toml"
    good.write_text('[glossary]\nlang = "en"\n\n[[amend]]\nentry = "en/core:escalation-climbing"\n'
                    'forbid = ["rock"]\nmust_not_fire = ["The rock climbing wall opened."]\n', encoding="utf-8")
    assert lint([good]).problems == []
    bad = tmp_path / "bad.toml"
    bad.write_text('[glossary]\nlang = "en"\n\n[[amend]]\nentry = "en/core:escalation-climbing"\nforbidd = ["rock"]\n',
                   encoding="utf-8")
    [problem] = lint([bad]).problems
    assert problem.rule == "invalid-file" and "forbidd" in problem.message and problem.line == 4
