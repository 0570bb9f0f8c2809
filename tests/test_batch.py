"""Batches (issue 9): inputs (files, folders, lists, stdin), mirrored outputs and collisions
detected before anything is written (issue 10, causes 7 and 8), one bad article never stops
a batch, workers (fork and spawn), bounded memory, progress and summary, resumable runs."""

import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from cleanup.batch import Batch, Job, ToDir, executors, run_unit, units
from cleanup.batch.executors import SerialExecutor, ordered
from cleanup.batch.units import ChunkUnit, FileUnit, read_chunks
from cleanup.cli import main, runner
from cleanup.errors import InputError
from cleanup.inputs import Item, collect, read_list

from . import conftest
from .conftest import ROOT

ARTEFACT = conftest.ARTEFACT + "\n"
FIXED = conftest.FIXED + "\n"
CLEAN = "The two leaders met in Geneva on Monday and agreed to meet again next month.\n"
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_corpus(root: Path) -> Path:
    (root / "in" / "2024" / "01").mkdir(parents=True)
    (root / "in" / "2024" / "02").mkdir(parents=True)
    (root / "in" / ".git").mkdir()
    (root / "in" / "2024" / "01" / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (root / "in" / "2024" / "02" / "a.txt").write_text(CLEAN, encoding="utf-8")
    (root / "in" / "b.txt").write_text(ARTEFACT + CLEAN, encoding="utf-8")
    (root / "in" / "notes.md").write_text(ARTEFACT, encoding="utf-8")
    (root / "in" / ".hidden.txt").write_text(ARTEFACT, encoding="utf-8")
    (root / "in" / ".git" / "x.txt").write_text(ARTEFACT, encoding="utf-8")
    return root / "in"


# -- inputs --------------------------------------------------------------------------------

def test_folders_are_walked_in_order_with_globs(tmp_path):
    src = make_corpus(tmp_path)
    items = collect([str(src)])
    assert [i.rel for i in items] == ["b.txt", "notes.md", "2024/01/a.txt", "2024/02/a.txt"]
    assert [i.rel for i in collect([str(src)], ["*.txt"])] == ["b.txt", "2024/01/a.txt", "2024/02/a.txt"]
    assert [i.rel for i in collect([str(src)], ["*.txt"], ["2024/02/*"])] == ["b.txt", "2024/01/a.txt"]
    assert [i.rel for i in collect([str(src)], [], ["2024"])] == ["b.txt", "notes.md"]  # a pruned folder
    assert [i.rel for i in collect([str(src)], ["2024/*/a.txt"])] == ["2024/01/a.txt", "2024/02/a.txt"]
    with pytest.raises(InputError, match="is a directory and holds no input files matching --glob"):
        collect([str(src)], ["*.xml"])


def test_folder_walk_skips_special_files_and_symlinked_folders(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    os.mkfifo(src / "fifo.txt")  # never opened: reading it would block
    (src / "loop").symlink_to(src)  # a folder link: not followed (no endless walk)
    (src / "dangling.txt").symlink_to(tmp_path / "gone.txt")  # reported when read
    assert [i.rel for i in collect([str(src)])] == ["a.txt", "dangling.txt"]


def test_unreadable_folder_is_one_failure(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root reads every folder")
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    os.chmod(src / "locked", 0)
    try:
        code, _, err = run(capsys, "fix", src, "--output-dir", tmp_path / "out", "-j", "1")
    finally:
        os.chmod(src / "locked", 0o755)
    assert code == 2 and "locked: cannot list folder" in err
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == FIXED


def test_from_list_keeps_names_exactly(tmp_path):
    listing = tmp_path / "list"
    listing.write_bytes(b" lead.txt\nplain.txt\r\na\xc2\x85b.txt\n\nnon-utf8-\xff.txt\n")
    assert read_list(str(listing)) == [" lead.txt", "plain.txt\r", "a\x85b.txt", "non-utf8-\udcff.txt"]
    listing.write_bytes(b"with\nnewline.txt\0 spaced \0\0")
    assert read_list(str(listing), null=True) == ["with\nnewline.txt", " spaced "]
    listing.write_bytes(b"x" * 5000)
    with pytest.raises(InputError, match="longer than 4096 bytes"):
        read_list(str(listing))
    listing.write_bytes(b"a.txt\n" * 400_000)
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_list(str(listing), max_mb=1)


def test_from_list_never_rewrites_a_file_it_was_not_given(tmp_path, capsys):
    lead = tmp_path / "lead.txt"
    lead.write_text(ARTEFACT, encoding="utf-8")
    odd = tmp_path / "a\x85b.txt"  # U+0085 in a name: one path, not two
    odd.write_text(ARTEFACT, encoding="utf-8")
    listing = tmp_path / "list"
    listing.write_text(f"{tmp_path}/ lead.txt\n{odd}\n", encoding="utf-8")
    code, _, err = run(capsys, "fix", "--from-list", listing, "--in-place", "-j", "1")
    assert code == 2 and f"'{tmp_path}/ lead.txt': no such file" in err
    assert lead.read_text(encoding="utf-8") == ARTEFACT  # untouched
    assert odd.read_text(encoding="utf-8") == FIXED
    nul = tmp_path / "list0"
    nul.write_bytes(f"{lead}\0".encode())
    assert run(capsys, "fix", "--from-list", nul, "-0", "--in-place")[0] == 0
    assert lead.read_text(encoding="utf-8") == FIXED


def test_stdin_among_files(tmp_path, capsys, monkeypatch):
    import io

    a = tmp_path / "a.txt"
    a.write_text(CLEAN, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTEFACT.encode())))
    code, out, _ = run(capsys, "fix", a, "-", "-j", "2")  # workers have no stdin: the parent reads it
    assert code == 0 and out == CLEAN + FIXED


# -- outputs: mirrored, and collisions refused before anything is written ------------------

def test_output_dir_mirrors_the_input_tree(tmp_path, capsys):
    src = make_corpus(tmp_path)
    out = tmp_path / "out"
    code, _, err = run(capsys, "fix", src, "--glob", "*.txt", "--output-dir", out)
    assert code == 0, err
    assert tree(out) == {"b.txt": (FIXED + CLEAN).encode(), "2024/01/a.txt": FIXED.encode(),
                         "2024/02/a.txt": CLEAN.encode()}


@pytest.mark.parametrize("case", ["same-name", "backup-is-input", "output-dir-is-input", "output-dir-inside",
                                  "output-dir-is-the-files-folder", "given-twice", "errors-file-is-input",
                                  "errors-file-is-output"])
def test_collisions_are_errors_before_anything_is_written(tmp_path, capsys, case):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    for name in ("x/a.txt", "y/a.txt", "doc", "doc.txt"):
        (tmp_path / name).write_text(ARTEFACT, encoding="utf-8")
    t = tmp_path
    args, message = {
        "same-name": ([t / "x/a.txt", t / "y/a.txt", "--output-dir", t / "out"], "would both write"),
        "backup-is-input": ([t / "doc", t / "doc.txt", "-i", "--backup", ".txt"], "would overwrite the input"),
        "output-dir-is-input": ([t / "x", "--output-dir", t / "x"], "is inside the input folder"),
        "output-dir-inside": ([t / "x", "--output-dir", t / "x" / "clean"], "is inside the input folder"),
        "output-dir-is-the-files-folder": ([t / "x/a.txt", "--output-dir", t / "x"], "would overwrite the input"),
        "given-twice": ([t / "doc", t / "doc", "-i", "--backup", ".orig"], "would both write"),
        "errors-file-is-input": ([t / "doc", "--errors", t / "doc"], "would overwrite"),
        "errors-file-is-output": ([t / "doc", "-o", t / "out.txt", "--errors", t / "out.txt"], "would overwrite"),
    }[case]
    before = tree(tmp_path)
    code, out, err = run(capsys, "fix", *args)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert tree(tmp_path) == before


# -- one bad article never stops a batch -----------------------------------------------------

def test_bad_files_in_a_folder(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (src / "b.txt").write_bytes(b"caf\xe9 " + ARTEFACT.encode())
    (src / "c.txt").write_bytes(b"")
    (src / "d.txt").write_text(ARTEFACT, encoding="utf-8")
    out, errors = tmp_path / "out", tmp_path / "errors.jsonl"
    code, _, err = run(capsys, "fix", src, "--output-dir", out, "--errors", errors, "--lang", "en")
    assert code == 2 and err.count("\n") == 2
    assert tree(out) == {"a.txt": FIXED.encode(), "d.txt": FIXED.encode()}
    assert [(r["path"], r["error"][:12]) for r in map(json.loads, errors.read_text().splitlines())] == [
        (str(src / "b.txt"), "invalid utf-"), (str(src / "c.txt"), "empty file, ")]
    code, _, _ = run(capsys, "fix", src, "--output-dir", out, "--on-error", "copy", "--lang", "en")
    assert code == 2 and tree(out)["b.txt"] == (src / "b.txt").read_bytes() and tree(out)["c.txt"] == b""


class Boom:
    """A cleaner with a bug on one text."""

    def __init__(self, cleaner):
        self.cleaner = cleaner

    def fix(self, text, lang=None, **kw):
        if "boom" in text:
            raise RuntimeError("kaboom")
        return self.cleaner.fix(text, lang, **kw)


def test_an_internal_error_is_one_record_and_the_batch_goes_on(tmp_path, cleaner):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "boom"}\n{"text": "' + ARTEFACT.strip() + '"}\n', encoding="utf-8")
    job = Job("fix", lang="en", jsonl=True)
    unit = next(u for u in read_chunks(0, Item(str(src), "in.jsonl"), job) if isinstance(u, ChunkUnit))
    outcome = run_unit(Boom(cleaner), job, unit)
    assert [(f.line, f.reason, f.internal) for f in outcome.failures] == [(1, "RuntimeError: kaboom", True)]
    assert outcome.out == ('{"text": "' + FIXED.strip() + '"}\n').encode()
    assert outcome.stats.articles == 1 and outcome.stats.failed == 1


def test_internal_error_exit_3_and_the_others_done(tmp_path, capsys, monkeypatch):
    files = [tmp_path / f"{k}.txt" for k in range(3)]
    for k, p in enumerate(files):
        p.write_text("boom\n" if k == 1 else ARTEFACT, encoding="utf-8")
    real = SerialExecutor.__init__

    def patched(self, cleaner, job):
        real(self, Boom(cleaner), job)

    monkeypatch.setattr(SerialExecutor, "__init__", patched)
    code, out, err = run(capsys, "fix", *files, "-j", "1", "--lang", "en")
    assert code == 3 and out == FIXED * 2
    assert err == f"cleanup: internal error: {files[1]}: RuntimeError: kaboom\n"


# -- workers ------------------------------------------------------------------------------

def _corpus_for_workers(tmp_path):
    files = []
    for k in range(6):
        p = tmp_path / f"a{k}.txt"
        p.write_text(ARTEFACT if k % 2 else CLEAN, encoding="utf-8")
        files.append(p)
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text("".join('{"id": %d, "text": "%s"}\n' % (k, (ARTEFACT if k % 3 else CLEAN).strip())
                             for k in range(40)), encoding="utf-8")
    return files, jsonl


@pytest.mark.parametrize("method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_workers_give_the_serial_output(tmp_path, capfd, monkeypatch, method):
    monkeypatch.setattr(runner, "START_METHOD", method)
    monkeypatch.setattr(units, "CHUNK_RECORDS", 7)
    files, jsonl = _corpus_for_workers(tmp_path)
    results = []
    for jobs in ("1", "2"):
        code = main(["check", *map(str, files), "-j", jobs, "--format", "json"])
        out, _ = capfd.readouterr()
        code2 = main(["fix", "--jsonl", str(jsonl), "-j", jobs, "--lang", "en"])
        out2, _ = capfd.readouterr()
        results.append((code, json.loads(out)["results"], code2, out2))
    assert results[0] == results[1]
    assert [r["path"] for r in results[0][1]] == list(map(str, files))
    assert results[0][3].count("military escalation") == 26


def _built(_):
    return os.getpid(), executors._WORKER["built"]


def test_spawned_workers_build_the_cleaner_once_each(cleaner):
    import multiprocessing

    args = {"glossary_dirs": [], "extra_glossaries": [], "bundled": True}
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"), initializer=executors._init_worker,
                             initargs=(args, Job("check"), 1)) as pool:
        seen = dict(pool.map(_built, range(8)))
    assert set(seen.values()) == {1} and 1 <= len(seen) <= 2


def test_model_threads_fit_the_cores(lexicon_model):
    from cleanup import Cleaner

    job = Job("fix", jsonl=True, source_field="source", model=str(lexicon_model))
    executors._WORKER.clear()
    executors.setup_worker({}, job, 3)
    stage = executors._WORKER["cleaner"].model_stage(str(lexicon_model))
    assert stage.threads == 3 and stage.retranslator("fr", "en").config.intra_threads == 3
    assert Cleaner().model_stage(None).threads == 0  # outside batches: CTranslate2's default
    executors._WORKER.clear()


@pytest.mark.slow
def test_jsonl_records_retranslated_with_their_source(tmp_path, capsys, lexicon_model):
    from .test_retranslate_e2e import EXPECTED, GLOSSARY, MT, SRC, build_model, DATA

    model = build_model(DATA / "lexicon_e2e_fr_en.tsv", tmp_path / "e2e-fr-en")
    mt, src = MT.read_text(encoding="utf-8"), SRC.read_text(encoding="utf-8")
    records = tmp_path / "in.jsonl"
    records.write_text("".join(json.dumps({"id": k, "mt": mt, "fr": src}) + "\n" for k in range(3)), encoding="utf-8")
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        code, _, err = run(capsys, "fix", "--jsonl", records, "--text-field", "mt", "--source-field", "fr",
                           "--model", model, "-g", GLOSSARY, "-o", out, "-j", jobs)
        assert code == 0, err
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert [json.loads(line)["mt"].splitlines() for line in outs[0].splitlines()] == [EXPECTED] * 3


def test_in_flight_units_are_bounded():
    pulled = []

    def endless():
        k = 0
        while True:
            pulled.append(k)
            yield FileUnit(k, Item("x", "x"))
            k += 1

    results = ordered(endless(), lambda unit: executors._Ready(unit.index), window=5)
    assert [next(results) for _ in range(100)] == list(range(100))
    assert len(pulled) <= 100 + 5  # memory does not grow with the batch


# -- progress and summary -------------------------------------------------------------------

def test_summary_as_json(tmp_path, capsys):
    src = make_corpus(tmp_path)
    (src / "bad.txt").write_bytes(b"\xff")
    summary = tmp_path / "summary.json"
    code, _, _ = run(capsys, "fix", src, "--glob", "*.txt", "--output-dir", tmp_path / "out", "--summary", summary)
    data = json.loads(summary.read_text())
    assert code == 2
    assert {k: data[k] for k in ("schema", "command", "inputs", "articles", "changed", "errors", "edits", "flags")} == {
        "schema": "cleanup.summary/1", "command": "fix", "inputs": 4, "articles": 3, "changed": 2, "errors": 1,
        "edits": {"glossary": 2, "space_before_hyphen": 2}, "flags": {}}
    assert data["seconds"] > 0 and data["articles_per_second"] > 0
    code, _, err = run(capsys, "check", src, "--glob", "*.txt", "--summary", "-", "-j", "1")
    line = json.loads(err.splitlines()[-1])
    assert line["findings"] == {"glossary": 2, "space_before_hyphen": 2} and line["errors"] == 1


def test_progress_bar_and_summary_on_a_terminal_only(tmp_path):
    import pty

    src = tmp_path / "in"
    src.mkdir()
    for k in range(4):
        (src / f"{k}.txt").write_text(ARTEFACT, encoding="utf-8")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleanup", "fix", str(src), "--output-dir", str(tmp_path / "out"),
                             "-j", "1"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
                            env=dict(ENV, COLUMNS="120", TERM="xterm"))
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert proc.wait() == 0
    text = seen.decode("utf-8", "replace")
    assert "cleanup: 4 articles from 4 input(s), 4 changed, 0 error(s)" in text
    assert "edits: glossary 4" in text
    # Piped: no bar, no summary, and rich (and dask) never imported, for one file or a batch.
    code = ("import sys; from cleanup.cli import main; main(['fix', {one!r}]); main(['fix', {src!r}, '-j', '1', "
            "'--output-dir', {out!r}]); print('rich' in sys.modules, 'distributed' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code.format(one=str(src / "0.txt"), src=str(src), out=str(tmp_path / "q"))],
                       capture_output=True, text=True, env=ENV)
    assert r.stdout == FIXED + "False False\n" and r.stderr == ""


# -- resumable ------------------------------------------------------------------------------

def _batch(items, job, cleaner, **kw):
    b = Batch(items, job, {}, **kw)
    return list(b.outcomes(SerialExecutor(cleaner, job))), b


def _interrupt_after(n):
    calls = []

    def progress(articles, inputs, nbytes):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt

    return progress


@pytest.mark.parametrize("stop", [1, 2, 3, 4])
def test_resume_equals_an_uninterrupted_run(tmp_path, cleaner, monkeypatch, stop):
    monkeypatch.setattr(units, "CHUNK_RECORDS", 4)
    src = make_corpus(tmp_path)
    (src / "bad.txt").write_bytes(b"\xff")
    records = "".join('{"id": %d, "text": "%s"}\n' % (k, (ARTEFACT if k % 2 else CLEAN).strip()) for k in range(13))
    (src / "x.jsonl").write_text(records.replace('"id": 5, "text"', '"id": 5, "txt"'), encoding="utf-8")
    items = collect([str(src)], ["*.txt"])
    jsonl_items = collect([str(src)], ["*.jsonl"])
    for name, its, jsonl in (("files", items, False), ("jsonl", jsonl_items, True)):
        whole, cut = tmp_path / f"whole-{name}", tmp_path / f"cut-{name}"
        job = Job("fix", lang="en", jsonl=jsonl, target=ToDir(whole), id_field="id" if jsonl else None)
        failures_whole = []
        _batch(its, job, cleaner, on_failure=failures_whole.append)
        job = Job("fix", lang="en", jsonl=jsonl, target=ToDir(cut), id_field="id" if jsonl else None)
        with pytest.raises(KeyboardInterrupt):
            _batch(its, job, cleaner, on_progress=_interrupt_after(stop))
        assert (cut / ".cleanup-journal").exists()
        failures = []
        _, b = _batch(its, job, cleaner, resume=True, on_failure=failures.append)
        assert tree(cut) == tree(whole) and not (cut / ".cleanup-journal").exists()
        assert failures == failures_whole and len(failures) == 1
        assert b.totals.stats.articles == (3 if name == "files" else 12)


def test_resume_refuses_a_journal_of_another_run(tmp_path, cleaner, capsys):
    src = make_corpus(tmp_path)
    out = tmp_path / "out"
    job = Job("fix", lang="en", target=ToDir(out))
    with pytest.raises(KeyboardInterrupt):
        _batch(collect([str(src)]), job, cleaner, on_progress=_interrupt_after(1))
    before = tree(out)
    code, _, err = run(capsys, "fix", src, "--glob", "*.txt", "--output-dir", out, "--resume", "--lang", "en")
    assert code == 2 and "written by a run with other inputs" in err and tree(out) == before
    # Without --resume the run starts over, and says so.
    code, _, err = run(capsys, "fix", src, "--output-dir", out, "--lang", "en", "-j", "1")
    assert code == 0 and "interrupted run's journal; starting over" in err


def test_resume_survives_a_cut_journal_line_and_a_lost_partial_file(tmp_path, cleaner, monkeypatch):
    monkeypatch.setattr(units, "CHUNK_RECORDS", 2)
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.jsonl").write_text("".join('{"text": "%s"}\n' % ARTEFACT.strip() for _ in range(9)), encoding="utf-8")
    items = collect([str(src)])
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    _batch(items, Job("fix", lang="en", jsonl=True, target=ToDir(whole)), cleaner)
    job = Job("fix", lang="en", jsonl=True, target=ToDir(cut))
    with pytest.raises(KeyboardInterrupt):
        _batch(items, job, cleaner, on_progress=_interrupt_after(3))
    journal = cut / ".cleanup-journal"
    journal.write_bytes(journal.read_bytes() + b'{"u": 0, "in": 99')  # a kill mid-line
    _batch(items, job, cleaner, resume=True)
    assert tree(cut) == tree(whole)
    with pytest.raises(KeyboardInterrupt):
        _batch(items, job, cleaner, on_progress=_interrupt_after(3))
    (cut / ".x.jsonl.cleanup-part").unlink()  # the journal counts on it: the file starts over
    _batch(items, job, cleaner, resume=True)
    assert tree(cut) == tree(whole)


def test_temp_files_of_a_killed_write_are_removed(tmp_path, cleaner):
    src = make_corpus(tmp_path)
    out = tmp_path / "out"
    (out / "2024" / "01").mkdir(parents=True)
    stale = [out / ".b.txt.k2j4h1x0.tmp", out / "2024" / "01" / ".a.txt.zz9_a8b1.tmp"]
    kept = [out / ".notes.md.keep", out / "2024" / ".x.txt.abcdefgh.tmp"]  # not this batch's outputs
    for p in stale + kept:
        p.write_bytes(b"partial")
    _batch(collect([str(src)], ["*.txt"]), Job("fix", lang="en", target=ToDir(out)), cleaner)
    assert not any(p.exists() for p in stale) and all(p.exists() for p in kept)


def test_resume_needs_an_output_dir(tmp_path, capsys):
    a = tmp_path / "a.txt"
    a.write_text(ARTEFACT, encoding="utf-8")
    code, _, err = run(capsys, "fix", a, "-i", "--resume")
    assert code == 2 and "--resume goes with --output-dir" in err and a.read_text() == ARTEFACT

