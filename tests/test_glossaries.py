"""Glossaries are data tested like code: every entry's examples must hold."""

import pytest

from cleanup import Cleaner
from cleanup.selftest import check_entry

_CLEANER = Cleaner()
_ENTRIES = [(code, e) for code, pack in sorted(_CLEANER.packs.items()) for e in pack.entries]


@pytest.mark.parametrize(("lang", "entry"), _ENTRIES, ids=[e.key for _, e in _ENTRIES])
def test_entry_examples(lang, entry):
    failures = check_entry(_CLEANER, entry, lang)
    assert not failures, "\n".join(map(str, failures))


def test_bundled_glossaries_are_large_and_cover_both_targets():
    counts = {code: len(pack.entries) for code, pack in _CLEANER.packs.items()}
    assert set(counts) >= {"en", "fr"}
    assert sum(counts.values()) >= 300, counts
    assert counts["fr"] >= 100, counts


def test_every_entry_has_examples_both_ways():
    for _, entry in _ENTRIES:
        assert entry.must_fire and entry.must_not_fire, entry.key
