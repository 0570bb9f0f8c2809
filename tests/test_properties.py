"""Invariants over arbitrary text (hypothesis): no crash, edits in bounds and disjoint,
replay gives the output, fixing twice changes nothing more, no findings means no change,
check and fix agree."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanup import Cleaner
from cleanup.result import apply_edits

_CLEANER = Cleaner()

# Fragments that make detectors fire, mixed with arbitrary Unicode.
ARTEFACTS = [
    "military climbing", "tat-tray", "cashmere attack", "de -escalation", "long -range", "7,5 %",
    "1 200", "OTAN", "ONU", "After promoting the newsletter", "Read also: x", "Mazón .",
    "a climbing", "British Foreign Minister", "the best diplomat", "Netanyahou", "Poutine",
    "India", "Pakistan", "missile strikes", "3.5%", "NATO", "escalation", "dé -escalade",
    "Lire aussi : y", "\r\n", "\n", "\r", "\u200b", "\u202f", "\ufeff", "  ", "é", "e\u0301",
]
texts = st.lists(
    st.one_of(st.sampled_from(ARTEFACTS), st.text(max_size=12), st.sampled_from([" ", ". ", ", ", "\n"])),
    max_size=30,
).map("".join)
langs = st.sampled_from(["en", "fr"])
# Text built from the bundled glossaries' own examples: every entry's wrong and right uses.
EXAMPLES = {
    code: sorted({ex for e in pack.entries for ex in (*e.must_fire, *e.must_not_fire)})
    for code, pack in _CLEANER.packs.items()
}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_invariants(text: str, lang: str) -> None:
    result = _CLEANER.fix(text, lang)
    last = 0
    for e in result.edits:
        assert 0 <= e.start <= e.end <= len(text)
        assert e.start >= last, "edits overlap or are unsorted"
        assert text[e.start : e.end] == e.old
        last = e.end
    assert apply_edits(text, result.edits) == result.output
    if not result.findings:
        assert result.output == text
    again = _CLEANER.fix(result.output, lang)
    assert again.output == result.output, again.edits
    checked = _CLEANER.check(text, lang)
    assert [(f.rule, f.start, f.end) for f in checked.findings] == [(f.rule, f.start, f.end) for f in result.findings]


@SETTINGS
@given(texts, langs)
def test_invariants_on_artefact_soup(text, lang):
    _check_invariants(text, lang)


@SETTINGS
@given(st.text(), langs)
def test_invariants_on_any_unicode(text, lang):
    _check_invariants(text, lang)


@SETTINGS
@given(st.data(), langs)
def test_invariants_on_glossary_examples(data, lang):
    parts = data.draw(st.lists(st.one_of(st.sampled_from(EXAMPLES[lang]), st.sampled_from([" ", "\n", "\r\n", ". "]),
                                         st.text(max_size=5)), min_size=1, max_size=12))
    _check_invariants("".join(parts), lang)


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_detection_never_crashes_with_auto_language(text):
    try:
        result = _CLEANER.fix(text)
    except Exception as exc:  # only the typed "cannot detect language" error is allowed
        from cleanup import UsageError

        assert isinstance(exc, UsageError)
        return
    assert apply_edits(text, result.edits) == result.output


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), texts)
def test_bytes_outside_edits_preserved(newline, final_newline, text):
    lines = ["The missile strikes raised fears of military climbing.", "Calm\u00a0returned.\t ", text]
    doc = newline.join(lines) + (newline if final_newline else "")
    result = _CLEANER.fix(doc, "en")
    pos = 0
    for e in result.edits:
        assert result.output.find(doc[pos : e.start]) >= 0
        pos = e.end
    assert result.output.endswith(doc[pos:])
