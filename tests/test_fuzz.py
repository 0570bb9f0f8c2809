"""Fuzzing targets, outside the normal test time: `make fuzz` (pytest -m slow).

Hypothesis with a large budget over the detector pipeline and the glossary loader: any input
gives a result or a typed CleanupError, never another exception.
"""

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleanup import Cleaner, CleanupError
from cleanup.glossary import load_glossary
from cleanup.result import apply_edits

from .test_glossary_rewrites import GLOSSARY_SEEDS, HEADER, entry
from .test_properties import ARTEFACTS, EXAMPLES

pytestmark = [pytest.mark.slow, pytest.mark.fuzz]
BIG = settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
_CLEANER = Cleaner()

soup = st.lists(st.one_of(st.sampled_from(ARTEFACTS + EXAMPLES["en"][:400] + EXAMPLES["fr"][:400]),
                          st.text(max_size=20)), max_size=40).map("".join)


@BIG
@given(st.one_of(soup, st.text(max_size=400)), st.sampled_from([None, "en", "fr"]))
def test_fuzz_pipeline(text, lang):
    try:
        result = _CLEANER.fix(text, lang)
    except CleanupError:
        return
    assert apply_edits(text, result.edits) == result.output
    assert _CLEANER.fix(result.output, result.lang).output == result.output


TOML_BITS = ['[glossary]\n', 'lang = "en"\n', '[[entry]]\n', 'id = "x"\n', 'term = "y"\n', 'wrong = ["z"]\n',
             "pattern = '(a+)+'\n", 'must_fire = ["z"]\n', 'must_not_fire = ["y"]\n', 'fuzzy = 85\n',
             'require = ["a*"]\n', "before = '('\n", 'action = "flag"\n', '= = =\n', '"\\u0000"\n']


# Issue 10's glossary attacks as seeds: odd shapes, a term holding its own wrong form, a cycle.
ISSUE_SEEDS = [text for text, _ in GLOSSARY_SEEDS.values()] + [
    HEADER + entry("frob", "frobnicator unit", "frobnicator"),
    HEADER + entry("a-b", "gizmo", "doohickey") + entry("b-a", "doohickey", "gizmo"),
    HEADER + entry("grow", "alpha delta", "alpha", forbid=["delta"]) + entry("d", "beta", "delta"),
]


def _seeded(test):
    for seed in ISSUE_SEEDS:
        test = example(text=seed)(test)
    return test


@BIG
@_seeded
@given(st.lists(st.one_of(st.sampled_from(TOML_BITS), st.text(max_size=10)), max_size=25).map("".join))
def test_fuzz_glossary_loader(tmp_path_factory, text):
    """Any file: a glossary whose terms fix once, or one GlossaryError line naming the file."""
    path = tmp_path_factory.mktemp("g") / "g.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\ud800" not in text else path.write_bytes(b"")
    try:
        gloss = load_glossary(path)
        cleaner = Cleaner(bundled=False, extra_glossaries=[path])  # the cycle check needs them all
        cleaner.packs[gloss.lang].glossaries
    except CleanupError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
        return
    for e in gloss.entries:
        once = cleaner.fix(f"Start {e.term} end.", gloss.lang).output
        assert cleaner.fix(once, gloss.lang).output == once
