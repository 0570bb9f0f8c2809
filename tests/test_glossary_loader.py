from pathlib import Path

import pytest

from cleanup import Cleaner, GlossaryError
from cleanup.glossary import load_glossary
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

GOOD = '''[glossary]
lang = "en"
domain = "t"

[[entry]]
id = "kashmir"
term = "Kashmir"
wrong = ["cashmere"]
require = ["India", "Pakistan"]
forbid = ["wool"]
must_fire = ["An attack in cashmere killed 25 people, India said."]
must_not_fire = ["A cashmere sweater from India."]
'''


def write(tmp_path: Path, text: str, name: str = "t.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_good_glossary_loads_with_line_numbers(tmp_path):
    g = load_glossary(write(tmp_path, GOOD))
    assert [e.key for e in g.entries] == ["en/t:kashmir"]
    assert g.entries[0].line == 5
    assert len(g.sha256) == 64


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('term = "Kashmir"\n', ""), "missing required field 'term'"),
        (('wrong = ["cashmere"]\n', 'wrong = "cashmere"\nwrong2 = 1\n'), "unknown field(s) wrong2"),
        (('wrong = ["cashmere"]\n', ""), "needs 'wrong' forms or a 'pattern'"),
        (('must_not_fire = ["A cashmere sweater from India."]\n', ""), "must_fire and one must_not_fire"),
        (('forbid = ["wool"]\n', "forbid = 3\n"), "'forbid' must be a list"),
        (('forbid = ["wool"]\n', "before = '(?<x'\n"), "bad regex in before"),
        (('forbid = ["wool"]\n', 'action = "rewrite"\n'), "action 'rewrite'"),
        (('forbid = ["wool"]\n', "fuzzy = 40\n"), "fuzzy below 70"),
    ],
)
def test_malformed_entry_names_file_and_line(tmp_path, change, message):
    p = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(GlossaryError) as err:
        load_glossary(p)
    assert f"{p}:5:" in str(err.value)
    assert message in str(err.value)


def test_second_entry_error_points_at_its_line(tmp_path):
    text = GOOD + '\n[[entry]]\nid = "Bad Id"\nterm = "x"\nwrong = ["y"]\nmust_fire = ["y"]\nmust_not_fire = ["x"]\n'
    p = write(tmp_path, text)
    with pytest.raises(GlossaryError, match=rf"{p}:14: id 'Bad Id'"):
        load_glossary(p)


def test_toml_syntax_error_names_line(tmp_path):
    p = write(tmp_path, GOOD.replace('id = "kashmir"', 'id = "kashmir'))
    with pytest.raises(GlossaryError, match=r"t\.toml: .*line 6"):
        load_glossary(p)


def test_yaml_style_surprises_are_not_possible(tmp_path):
    # TOML has no implicit booleans: "no" stays a string.
    p = write(tmp_path, GOOD.replace('wrong = ["cashmere"]', 'wrong = ["no"]'))
    assert load_glossary(p).entries[0].wrong == ("no",)


def test_duplicate_id_refused(tmp_path):
    body = GOOD.split("[[entry]]")[1]
    p = write(tmp_path, GOOD + "\n[[entry]]" + body)
    with pytest.raises(GlossaryError, match="duplicate id 'kashmir'"):
        load_glossary(p)


def test_extra_glossary_for_unknown_language(tmp_path):
    p = write(tmp_path, GOOD.replace('lang = "en"', 'lang = "xx"'))
    with pytest.raises(GlossaryError, match="no language profile for lang 'xx'"):
        Cleaner(extra_glossaries=[p])


def test_user_glossary_extends_bundled(tmp_path):
    p = write(tmp_path, GOOD.replace('domain = "t"', 'domain = "mine"').replace("kashmir", "kashmir2"))
    c = Cleaner(extra_glossaries=[p], settings=MT)
    r = c.fix("Militants staged an attack in cashmere, India and Pakistan said.", "en")
    assert "Kashmir" in r.output
    assert any(e.entry == "en/mine:kashmir2" or e.entry and "kashmir" in e.entry for e in r.edits)
