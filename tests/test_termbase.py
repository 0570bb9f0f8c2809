"""Term bases in and out: TBX (v2 martif, v3 tbx), CSV and TSV; round trips; safe XML."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cleanup import Cleaner
from cleanup.cli import main
from cleanup.errors import GlossaryError
from cleanup.termbase import (GlossaryData, load_data, read_table, read_tbx, termbase_to_glossaries, to_toml,
                              write_table, write_tbx)

from .conftest import ROOT
from cleanup.pipeline import Settings

# Single sentences of MT output: artefacts of common words are edited without waiting for
# other signs of machine translation (Settings.assume_mt; tests/test_corroboration.py tests the wait).
MT = Settings(assume_mt=True)

TBX = ROOT / "tests" / "data" / "termbase" / "client.tbx"
BUNDLED = ROOT / "glossaries"


def _import(path: Path, langs=None, known=None, source_lang=None) -> tuple[dict[str, GlossaryData], list[str]]:
    report: list[str] = []
    gs = termbase_to_glossaries(read_tbx(path, report), path.name, langs, source_lang, "client", report, known)
    return gs, report


def test_realistic_tbx_imports_with_statuses_notes_and_contexts():
    gs, report = _import(TBX, known={"en", "fr"})
    assert sorted(gs) == ["en", "fr"]
    en = {e["id"]: e for e in gs["en"].entries}
    assert gs["en"].header == {"lang": "en", "domain": "client", "source_lang": "fr",
                               "description": "Agence Presse-Monde: conflict and justice terms"}
    assert en["c102"] == {
        "id": "c102", "term": "lawyer", "wrong": ["avocado"], "source": "avocat",
        "note": "MT confuses the fruit and the profession.",
        "must_fire": ["The avocado for the former minister asked for a delay."],
        "must_not_fire": ["The lawyer for the former minister asked for a delay."],
        "admitted": ["attorney"], "forbidden": ["avocado"], "translations": {"de": ["Rechtsanwalt", "Anwalt"]}}
    assert en["c101"]["definition"] == "A rise in the intensity of a conflict."
    assert en["c101"]["note"] == 'Reviewed by the Paris desk. Literal MT of "escalade militaire".'
    # superseded and forbidden terms are wrong forms; only the forbidden ones are listed as such
    assert en["c103"]["wrong"] == ["Keeper of the Seals", "Guard of the Seals"]
    assert en["c103"]["forbidden"] == ["Guard of the Seals"]
    assert en["c103"]["untested"].startswith("imported from client.tbx (concept c103) without")
    assert "c104" not in en  # ceasefire has no wrong en form: nothing to correct
    assert [e["id"] for e in gs["fr"].entries] == ["c104"]
    text = "\n".join(report)
    assert "read as deprecated" in text
    assert "de: no language profile here" in text
    assert "en: 1 concept(s) with no deprecated or forbidden en term" in text


def test_imported_forbidden_terms_fire_in_fix(tmp_path, capsys):
    out = tmp_path / "client"
    assert main(["glossary", "import", str(TBX), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert f"wrote {out / 'en' / 'client.toml'}: 3 entries (1 untested: no examples)" in printed.out
    assert "cleanup: note: de: no language profile here" in printed.err
    article = tmp_path / "a.txt"
    article.write_text("The avocado for the minister asked for a delay.\n\n"
                       "The former Guard of the Seals was questioned.\n", encoding="utf-8")
    result = Cleaner(glossary_dirs=[out], settings=MT).fix(article.read_text(encoding="utf-8"), "en")
    assert result.output == ("The lawyer for the minister asked for a delay.\n\n"
                             "The former Justice Minister was questioned.\n")
    assert {e.entry for e in result.edits} == {"en/client:c102", "en/client:c103"}
    fr = Cleaner(glossary_dirs=[out], settings=MT).fix("Les deux camps ont accepté un cesser-le-feu de trois jours.", "fr")
    assert fr.output == "Les deux camps ont accepté un cessez-le-feu de trois jours."
    # test and lint say which entries came without examples
    assert main(["glossary", "test", str(out / "en" / "client.toml"), "--no-bundled"]) == 0
    assert "en/client:c103: untested: no must_fire and must_not_fire example" in capsys.readouterr().out
    assert main(["glossary", "lint", str(out)]) == 1
    assert "missing-examples: entry 'c103'" in capsys.readouterr().out


def test_tbx_round_trip_gives_equivalent_entries(tmp_path):
    gs, _ = _import(TBX)
    again = tmp_path / "client.tbx"  # the untested markers name the file
    report: list[str] = []
    again.write_text(write_tbx(list(gs.values()), report), encoding="utf-8")
    assert report == []  # imported data: nothing TBX cannot carry
    gs2, _ = _import(again)
    assert {k: (g.header, g.entries) for k, g in gs.items()} == {k: (g.header, g.entries) for k, g in gs2.items()}


def test_glossary_to_tbx_and_back_keeps_what_tbx_carries(tmp_path):
    data = load_data(BUNDLED / "en" / "justice.toml")
    report: list[str] = []
    tbx = tmp_path / "justice.tbx"
    tbx.write_text(write_tbx([data], report, source_lang="fr"), encoding="utf-8")
    gs, _ = _import(tbx, langs=["en"], source_lang="fr")
    back = {e["id"]: e for e in gs["en"].entries}
    carried = ("id", "term", "wrong", "source", "note", "must_fire", "must_not_fire")
    kept = [e for e in data.entries if "pattern" not in e]
    assert len(back) == len(kept) > 10
    for e in kept:
        assert {k: e[k] for k in carried if k in e} == {k: back[e["id"]][k] for k in carried if k in back[e["id"]]}
    lost = "\n".join(report)
    assert "not carried by TBX: require" in lost and "not carried by TBX: kind" in lost
    skipped = [e["id"] for e in data.entries if "pattern" in e]
    if skipped:
        assert "pattern (entry skipped: TBX has no regex)" in lost
    # without a source language the source words are reported, not silently dropped
    report = []
    write_tbx([data], report)
    assert any("source (the glossary has no source_lang" in line for line in report)


@pytest.mark.parametrize(("delimiter", "suffix"), [(",", "csv"), ("\t", "tsv")])
@pytest.mark.parametrize("name", ["en/core.toml", "fr/justice.toml", "en/places.toml"])
def test_csv_and_tsv_round_trips_are_exact(tmp_path, name, delimiter, suffix):
    data = load_data(BUNDLED / name)
    report: list[str] = []
    path = tmp_path / f"g.{suffix}"
    path.write_text(write_table(data, delimiter, report), encoding="utf-8")
    back = read_table(path, delimiter, data.lang, data.header["domain"], [])
    assert back.entries == data.entries
    if "description" in data.header:
        assert any("header description" in line for line in report)
    # and the imported glossary loads
    text = to_toml(back, path.name)
    assert len(tomllib.loads(text)["entry"]) == len(data.entries)


def test_csv_items_with_pipes_and_backslashes_survive(tmp_path):
    g = GlossaryData({"lang": "en", "domain": "t"}, [
        {"id": "x", "term": "a|b", "wrong": ["c|d", "e\\f", " g "], "must_fire": ["c|d"], "must_not_fire": ["a|b"],
         "translations": {"fr": ["x | y"]}}])
    path = tmp_path / "t.csv"
    path.write_text(write_table(g, ",", []), encoding="utf-8")
    back = read_table(path, ",", "en", "t", [])
    assert back.entries[0]["wrong"] == ["c|d", "e\\f", "g"]  # items are stripped
    assert back.entries[0]["term"] == "a|b" and back.entries[0]["translations"] == {"fr": ["x | y"]}


def test_csv_import_of_a_client_sheet_marks_untested_entries(tmp_path, capsys):
    sheet = tmp_path / "terms.csv"
    sheet.write_text("term,wrong,note\nKashmir,cashmere | cachemire,region\nlawyer,avocado,\n", encoding="utf-8")
    out = tmp_path / "client.toml"
    assert main(["glossary", "import", str(sheet), "-o", str(out)]) == 2  # CSV needs --lang
    assert not out.exists()
    assert main(["glossary", "import", str(sheet), "-o", str(out), "--lang", "en"]) == 0
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in data["entry"]] == ["kashmir-cashmere", "lawyer-avocado"]
    assert data["entry"][0]["wrong"] == ["cashmere", "cachemire"]
    assert all(e["untested"].startswith("imported from terms.csv (line") for e in data["entry"])
    assert Cleaner(extra_glossaries=[out], bundled=False, settings=MT).fix("The avocado said so.", "en").output == "The lawyer said so."


@pytest.mark.parametrize(("text", "message"), [
    ("term,wrong,colour\nx,y,z\n", ":1: unknown column 'colour'"),
    ("term,note\nx,y\n", ":1: the header row needs 'term' and 'wrong'"),
    ("term,wrong\nx,y,z\n", ":2: 3 fields, the header has 2"),
    ("term,wrong,fuzzy\nx,y,high\n", ":2: fuzzy must be a number"),
    ("", ":1: empty file"),
])
def test_bad_csv_names_file_and_line(tmp_path, text, message):
    p = tmp_path / "t.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=message.replace("(", r"\(")):
        read_table(p, ",", "en", "t", [])


def test_tbx_v3_dct_style(tmp_path):
    p = tmp_path / "v3.tbx"
    p.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dct" xml:lang="fr" xmlns="urn:iso:std:iso:30042:ed-2"
     xmlns:basic="http://www.tbxinfo.net/ns/basic">
  <tbxHeader><fileDesc><sourceDesc><p>v3</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="C-1">
      <basic:definition>A place.</basic:definition>
      <langSec xml:lang="en-GB">
        <termSec><term>Kashmir</term><basic:administrativeStatus>preferredTerm-admn-sts</basic:administrativeStatus>
          <basic:context>Kashmir is disputed.</basic:context></termSec>
        <termSec><term>cashmere</term><basic:administrativeStatus>notRecommendedTerm-admn-sts</basic:administrativeStatus>
          <basic:context>An attack in cashmere.</basic:context></termSec>
      </langSec>
      <langSec xml:lang="fr"><termSec><term>Cachemire</term></termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>""", encoding="utf-8")
    gs, report = _import(p)
    (entry,) = gs["en"].entries
    assert entry == {"id": "kashmir-cashmere", "term": "Kashmir", "wrong": ["cashmere"], "source": "Cachemire",
                     "must_fire": ["An attack in cashmere."], "must_not_fire": ["Kashmir is disputed."],
                     "concept": "C-1", "definition": "A place."}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<martif type="TBX-Basic"><text><body><termEntry id="a"><langSet xml:lang="en"><tig><term>&lol3;</term></tig></langSet></termEntry></body></text></martif>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<martif type="TBX-Basic"><text><body><termEntry id="a"><langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet></termEntry></body></text></martif>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_hostile_xml_is_refused_and_nothing_written(tmp_path, capsys, xml):
    p = tmp_path / "evil.tbx"
    p.write_text(xml, encoding="utf-8")
    out = tmp_path / "out.toml"
    assert main(["glossary", "import", str(p), "-o", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cleanup: error: {p}: refused: the XML declares entities") and err.count("\n") == 1
    assert not out.exists()


def test_malformed_or_foreign_xml_names_the_file(tmp_path):
    p = tmp_path / "bad.tbx"
    p.write_text("<martif>\n<text>\n</martif>", encoding="utf-8")
    with pytest.raises(GlossaryError, match=rf"{p}:3: not well-formed XML"):
        read_tbx(p, [])
    p.write_text("<html/>", encoding="utf-8")
    with pytest.raises(GlossaryError, match="not a TBX file"):
        read_tbx(p, [])


def test_export_cli(tmp_path, capsys):
    out = tmp_path / "justice.tbx"
    assert main(["glossary", "export", str(BUNDLED / "en" / "justice.toml"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "cleanup: note: not carried by TBX: require" in err
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<tbx type="TBX-Basic"')
    assert main(["glossary", "export", str(BUNDLED / "en" / "justice.toml"), "--format", "tsv"]) == 0
    assert capsys.readouterr().out.startswith("id\tterm\twrong\t")
    assert main(["glossary", "export", str(BUNDLED / "en" / "justice.toml"), str(BUNDLED / "en" / "core.toml"),
                 "--format", "csv"]) == 2
