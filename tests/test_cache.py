"""The compiled-glossary cache (cleanup/cache.py) is only an optimisation: an edited glossary
is read again, a corrupt or unsafe cache means compiling again, and a run that adds a file
parses only that file."""

import os
from pathlib import Path

import pytest

import cleanup.pipeline as pipeline
from cleanup import Cleaner, Settings

_ENTRY = """\
[glossary]
lang = "en"

[[entry]]
id = "{id}"
term = "{term}"
wrong = ["{wrong}"]
must_fire = ["The {wrong} rose."]
must_not_fire = ["The {term} rose."]
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("CLEANUP_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def loads(monkeypatch):
    """The glossary files parsed (not read from the cache) by the runs of a test."""
    parsed: list[str] = []
    real = pipeline.load_glossary

    def counting(path, lang=None):
        parsed.append(Path(path).name)
        return real(path, lang=lang)

    monkeypatch.setattr(pipeline, "load_glossary", counting)
    return parsed


def _folder(root: Path, **files: tuple[str, str, str]) -> Path:
    (root / "en").mkdir(parents=True, exist_ok=True)
    for name, (eid, term, wrong) in files.items():
        (root / "en" / f"{name}.toml").write_text(_ENTRY.format(id=eid, term=term, wrong=wrong), encoding="utf-8")
    return root


def _fix(folder: Path, text: str) -> str:
    return Cleaner(glossary_dirs=[folder], bundled=False, settings=Settings(assume_mt=True)).fix(text, "en").output


def test_a_run_that_adds_a_file_parses_only_that_file(cache, loads, tmp_path):
    folder = _folder(tmp_path / "g", a=("a", "escalation", "climbing"))
    assert _fix(folder, "The climbing rose.") == "The escalation rose."
    assert loads == ["a.toml"]
    _folder(folder, b=("b", "Kashmir", "cashmere"))
    assert _fix(folder, "The cashmere rose.") == "The Kashmir rose."
    assert loads == ["a.toml", "b.toml"]  # a.toml came from the cache


def test_an_edited_file_is_read_again(cache, loads, tmp_path):
    folder = _folder(tmp_path / "g", a=("a", "escalation", "climbing"))
    assert _fix(folder, "The climbing rose.") == "The escalation rose."
    stat = (folder / "en" / "a.toml").stat()
    _folder(folder, a=("a", "upsurge", "climbing"))  # same path, same size class, new content
    os.utime(folder / "en" / "a.toml", ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old time
    assert _fix(folder, "The climbing rose.") == "The upsurge rose."
    assert loads == ["a.toml", "a.toml"]


def test_a_corrupt_cache_is_compiled_again(cache, tmp_path):
    folder = _folder(tmp_path / "g", a=("a", "escalation", "climbing"))
    assert _fix(folder, "The climbing rose.") == "The escalation rose."
    written = list(cache.glob("*.pickle"))
    assert any(p.name.startswith("file-en-") for p in written)
    for p in written:
        p.write_bytes(b"\x80\x04not a pickle")
    assert _fix(folder, "The climbing rose.") == "The escalation rose."


def test_a_cache_folder_others_can_write_to_is_not_used(cache, loads, tmp_path):
    cache.chmod(0o777)
    folder = _folder(tmp_path / "g", a=("a", "escalation", "climbing"))
    assert _fix(folder, "The climbing rose.") == "The escalation rose."
    assert _fix(folder, "The climbing rose.") == "The escalation rose."
    assert loads == ["a.toml", "a.toml"]  # nothing read from it
    assert not list(cache.glob("*.pickle"))  # and nothing written


def test_a_cached_index_finds_what_the_built_one_finds_and_unpacks_only_what_it_meets():
    """The cache stores each search key's forms and each regex's compiled program as small
    pickles opened on first use: the findings are the same as the freshly built index's, and
    loading it builds no form and parses no regex an article does not need."""
    import pickle

    import regex

    from cleanup.datafile import LazyRegex
    from cleanup.document import Document

    pack = Cleaner(settings=Settings()).pack("en")
    built = pack._compiled[1]
    built.lang = pack.language
    loaded = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    loaded.lang = pack.language
    assert loaded._groups == {} and len(loaded._blobs) == len(set(built.key_group))
    text = (Path(__file__).parent.parent / "seeds" / "000_b9882e595d678b98.txt").read_text(encoding="utf-8")
    doc = Document(text, "en")
    want = [f.to_dict() for f in built.find(doc)]
    assert want  # the founding article has glossary artefacts
    assert [f.to_dict() for f in loaded.find(Document(text, "en"))] == want
    assert 0 < len(loaded._groups) < len(loaded._blobs) / 10  # an article meets few keys

    source = r"\b(?:cashmere|kashmiri?)\s+attack"
    lazy = pickle.loads(pickle.dumps(LazyRegex(source, regex.compile(source, regex.V0))))
    assert lazy._compiled is None
    real = regex.compile
    try:
        regex.compile = None  # a cached regex is not parsed again
        assert lazy.search("a cashmere attack").group() == "cashmere attack"
    finally:
        regex.compile = real


def test_a_cached_entry_keeps_every_field_and_shares_each_guard_once():
    """Entries travel as rows of values, each regex once per pattern: every field comes back
    (regexes by their pattern), and two entries with the same guard load one object."""
    import dataclasses
    import pickle

    from cleanup.datafile import LazyRegex

    entries = Cleaner(settings=Settings()).pack("en").entries
    loaded = pickle.loads(pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL))

    def plain(entry):
        return [v.pattern if isinstance(v, LazyRegex) else v
                for v in (getattr(entry, f.name) for f in dataclasses.fields(entry))]

    assert [plain(e) for e in loaded] == [plain(e) for e in entries]
    assert all(type(e) is type(entries[0]) for e in loaded) and loaded[0].where == entries[0].where
    guards = {}
    for entry in loaded:
        if entry.not_after is not None:
            guards.setdefault(entry.not_after.pattern, set()).add(id(entry.not_after))
    assert max(map(len, guards.values())) == 1
    assert len(guards) < sum(e.not_after is not None for e in loaded)  # shared guards exist


def test_an_edited_language_profile_is_read_again(cache, tmp_path):
    """Profiles are cached too (their regexes cost a sixth of a one-article run): an edit is
    read on the next run, and a profile broken by the edit is an error naming its line."""
    from cleanup.errors import GlossaryError
    from cleanup.resources import bundled_dir

    folder = tmp_path / "g"
    (folder / "en").mkdir(parents=True)
    profile = (bundled_dir() / "en" / "language.toml").read_text(encoding="utf-8")
    (folder / "en" / "language.toml").write_text(profile, encoding="utf-8")
    text = "Rain fell.\nSubscribe to the Tidings Bulletin now\nIt stopped.\n"
    assert _fix(folder, text) == text
    edited = profile.replace("\nlines = [\n", '\nlines = [\n  "subscribe to the tidings bulletin now",\n', 1)
    assert edited != profile
    (folder / "en" / "language.toml").write_text(edited, encoding="utf-8")
    assert _fix(folder, text) == "Rain fell.\nIt stopped.\n"
    (folder / "en" / "language.toml").write_text(edited.replace('"subscribe to', '"(subscribe to', 1), encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"language\.toml:\d+: bad regex in boilerplate\.lines"):
        _fix(folder, text)
