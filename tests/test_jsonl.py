"""JSON Lines: records read without converting what the tool does not edit, bad records
reported one by one, output the tool (and JavaScript) can read back (issue 10, cause 9)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanup.cli import main
from cleanup.jsonl import RecordError, parse_record, replace_text

from .conftest import ARTEFACT, FIXED


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("line, reason", [
    ('{"text": broken', "not JSON"),
    ("not json at all", "not JSON (expecting '{' at column 1)"),
    ("[1, 2]", "not a JSON object but an array"),
    ('"just a string"', "not a JSON object but a string"),
    ('{"id": 1}', "no 'text' field"),
    ('{"text": null}', "the 'text' field is null, not a string"),
    ('{"text": 12}', "the 'text' field is a number, not a string"),
    ('{"text": ["a"]}', "the 'text' field is an array, not a string"),
    ('{"text": ""}', "the 'text' field is empty"),
    ('{"text": "a", "text": "b"}', "the 'text' field is given twice"),
    ('{"text": "lone \\ud800 surrogate"}', "the 'text' field holds a lone surrogate (\\ud800 at character 6)"),
    ('{"text": "a"} {"text": "b"}', "not JSON (extra data at column 15)"),
    ('{"text": "tab\tinside"}', "not JSON (invalid control character at column 14)"),
    ('{"x": ' + "[" * 100_000 + "]" * 100_000 + ', "text": "a"}', "nested too deeply to parse"),
])
def test_bad_records_have_a_reason(line, reason):
    with pytest.raises(RecordError) as caught:
        parse_record(line, "text", "id")
    assert str(caught.value).startswith(reason)


def test_the_id_is_reported_even_when_the_text_is_bad():
    with pytest.raises(RecordError) as caught:
        parse_record('{"id": "a-7", "text": ""}', "text", "id")
    assert caught.value.id == "a-7"
    with pytest.raises(RecordError) as caught:
        parse_record('{"id": 1e400, "text": 3}', "text", "id")
    assert caught.value.id == "1e400"  # a number as written, never converted


def test_fields_not_edited_come_back_byte_for_byte():
    big = "9" * 4300  # over Python's default int-string limit
    line = ('{ "id" :1e400,"n":' + big + ', "esc": "caf\\u00e9 \\ud800", "nested": {"a": [1.50, -0.0, 1E-7]},'
            ' "text": "caf\\u00e9 ' + ARTEFACT + '" ,"z":true }')
    record = parse_record(line, "text", "id")
    assert record.text == "café " + ARTEFACT and record.id == "1e400"
    out = replace_text(line, record.span, "café " + FIXED)
    start, end = record.span
    assert out[:start] == line[:start] and out[start:].endswith(line[end:])
    assert json.loads(out)["text"] == "café " + FIXED


def test_raw_line_separators_are_read_and_never_written(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    text = ARTEFACT + "\u2028Second\u0085line\u2029."
    src.write_bytes(('{"note": "a\u2028b", "text": "' + text + '"}\n').encode("utf-8"))
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "fix", "--jsonl", src, "-o", out, "--lang", "en")
    assert code == 0, err
    data = out.read_bytes()
    assert "\u2028".encode() not in data and "\u2029".encode() not in data
    assert data.count(b"\n") == 1
    record = json.loads(data)
    assert record == {"note": "a\u2028b", "text": FIXED + "\u2028Second\u0085line\u2029."}
    # The tool reads its own output back: nothing more to fix, the bytes stay.
    again = tmp_path / "again.jsonl"
    assert run(capsys, "fix", "--jsonl", out, "-o", again, "--lang", "en")[0] == 0
    assert again.read_bytes() == data


def test_bom_and_crlf_are_kept(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_bytes(('\ufeff{"text": "' + ARTEFACT + '"}\r\n{"text": "Calm."}\r\n').encode("utf-8"))
    out = tmp_path / "out.jsonl"
    assert run(capsys, "fix", "--jsonl", src, "-o", out, "--lang", "en")[0] == 0
    assert out.read_bytes() == ('\ufeff{"text": "' + FIXED + '"}\r\n{"text": "Calm."}\r\n').encode("utf-8")


def test_bad_records_in_the_middle_are_reported_and_the_file_goes_on(tmp_path, capsys):
    lines = [
        '{"id": "a", "text": "' + ARTEFACT + '"}',
        '{"id": "b"}',  # no text
        '{"id": "c", "text": ""}',  # empty text
        '{"id": "d", "text": "\\udfff"}',  # a text the tool cannot handle
        '{"id": "e", "text": broken',  # not JSON
        '{"id": "f", "x": ' + "[" * 50_000 + "]" * 50_000 + ', "text": "a"}',  # too deep
        b"\xff\xfe not UTF-8".decode("latin-1"),
        '{"id": "g", "n": 1e400, "text": "' + ARTEFACT + '"}',
    ]
    raw = "\n".join(lines).encode("utf-8").replace("ÿþ".encode(), b"\xff\xfe") + b"\n"
    src = tmp_path / "in.jsonl"
    src.write_bytes(raw)
    out, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    code, _, err = run(capsys, "fix", "--jsonl", src, "-o", out, "--lang", "en", "--id-field", "id",
                       "--errors", errors)
    assert code == 2
    assert out.read_text(encoding="utf-8").splitlines() == [
        '{"id": "a", "text": "' + FIXED + '"}', '{"id": "g", "n": 1e400, "text": "' + FIXED + '"}']
    reported = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["id"]) for r in reported] == [(2, "b"), (3, "c"), (4, "d"), (5, "e"), (6, "f"), (7, None)]
    assert all(r["path"] == str(src) and not r["internal"] for r in reported)
    assert [r["error"].split(" (")[0] for r in reported] == [
        "no 'text' field", "the 'text' field is empty", "the 'text' field holds a lone surrogate",
        "not JSON", "nested too deeply to parse", "invalid UTF-8 at byte 0"]
    assert err.count("\n") == 6 and f"{src}:2 (id b): no 'text' field" in err
    # --on-error copy: every bad line comes through byte for byte, in its place.
    code, _, _ = run(capsys, "fix", "--jsonl", src, "-o", out, "--lang", "en", "--on-error", "copy")
    assert code == 2
    assert out.read_bytes() == raw.replace(ARTEFACT.encode(), FIXED.encode())


def test_check_reports_records_by_line(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Calm."}\n\n{"text": "' + ARTEFACT + '"}\n', encoding="utf-8")
    code, out, _ = run(capsys, "check", "--jsonl", src, "--lang", "en")
    assert code == 1 and out.startswith(f"{src}[3]:1:") and f"{src}[1]" not in out


def test_jsonl_is_utf8_only(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Calm."}\n', encoding="utf-8")
    code, _, err = run(capsys, "fix", "--jsonl", src, "--encoding", "latin-1")
    assert code == 2 and "UTF-8" in err


# -- property: any JSON object round-trips, only the text field changes -------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(others=st.dictionaries(st.text(max_size=6).filter(lambda k: k != "text"), JSON_VALUES, max_size=4),
       text=st.text(min_size=1), new=st.text(), ascii=st.booleans(), position=st.integers(0, 4))
def test_any_record_round_trips(others, text, new, ascii, position):
    items = list(others.items())
    items.insert(min(position, len(items)), ("text", text))
    line = json.dumps(dict(items), ensure_ascii=ascii)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        with pytest.raises(RecordError, match="lone surrogate"):
            parse_record(line)
        return
    record = parse_record(line)
    assert record.text == text
    try:
        new.encode("utf-8")
    except UnicodeEncodeError:
        return
    out = replace_text(line, record.span, new)
    assert "\u2028" not in out and "\u2029" not in out and "\n" not in out
    assert json.loads(out) == {**dict(items), "text": new}
    if new:
        assert parse_record(out).text == new


# -- fuzz: any bytes, one chunk: no exception, every line accounted for ---------------------

JSONL_BITS = ['{"text": "', '"}', '{"id": 1e400, "text": "', ', "n": ' + "9" * 4400, "\\ud800", "\u2028", "\u0085",
              "\ufeff", "[" * 3000, "]" * 3000, '\\"', "de -escalation", "military climbing", "OTAN", "\r", "\t",
              "{", "}", '"text"', ":", ","]


def _lines(parts: list) -> bytes:
    return b"".join(p if isinstance(p, bytes) else p.encode("utf-8", "surrogatepass") for p in parts)


def check_chunk(cleaner, data: bytes) -> None:
    from cleanup.batch import Job, run_unit
    from cleanup.batch.units import ChunkUnit
    from cleanup.inputs import Item

    lines = tuple(part + b"\n" for part in data.split(b"\n")[:-1]) or (b"\n",)
    unit = ChunkUnit(0, Item("f.jsonl", "f.jsonl"), 1, 0, sum(map(len, lines)), lines)
    for on_error in ("copy", "skip"):
        outcome = run_unit(cleaner, Job("fix", lang="en", jsonl=True, on_error=on_error), unit)
        assert not any(f.internal for f in outcome.failures), outcome.failures
        out = [part + b"\n" for part in outcome.out.split(b"\n")[:-1]]
        failed = {f.line for f in outcome.failures}
        kept = [(k, line) for k, line in enumerate(lines, 1) if on_error == "copy" or k not in failed]
        assert len(out) == len(kept)
        for (k, given_line), line in zip(kept, out):
            if k in failed or not given_line.strip():
                assert line == given_line
                continue
            assert "\u2028".encode() not in line and "\u2029".encode() not in line
            assert _keys(line) == _keys(given_line)


def _keys(line: bytes) -> list:
    return list(json.loads(line.decode("utf-8").lstrip("\ufeff"), parse_int=str, parse_float=str))


JSONL_LINES = st.lists(st.lists(st.one_of(st.sampled_from(JSONL_BITS), st.text(max_size=8),
                                          st.binary(max_size=3)), max_size=8).map(_lines).map(lambda b: b + b"\n"),
                       max_size=6).map(b"".join)


@settings(max_examples=60, deadline=None)
@given(JSONL_LINES)
def test_any_chunk_gives_lines_or_reported_failures(cleaner, data):
    check_chunk(cleaner, data)


@pytest.mark.slow
@pytest.mark.fuzz
@settings(max_examples=5000, deadline=None)
@given(JSONL_LINES)
def test_fuzz_jsonl_chunks(cleaner, data):
    check_chunk(cleaner, data)


def test_an_error_is_one_line_whatever_the_id_holds(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a\\nb\\u2028c", "text": ""}\n', encoding="utf-8")
    code, _, err = run(capsys, "check", "--jsonl", src, "--id-field", "id")
    assert code == 2 and err == f"cleanup: error: {src}:1 (id 'a\\nb\\u2028c'): the 'text' field is empty\n"
