"""--engine dask on a real distributed.LocalCluster with two worker processes: the same
per-article function, the Cleaner (user glossary included) and the model shipped to the
workers, output identical to a local run."""

import json
import threading

import pytest

from cleanup.batch import Job
from cleanup.cli import main

from .conftest import ARTEFACT

USER_GLOSSARY = """[glossary]
lang = "en"
domain = "newsroom"

[[entry]]
id = "frobnicator"
term = "widget"
wrong = ["frobnicator"]
must_fire = ["The frobnicator broke."]
must_not_fire = ["The widget broke."]
"""


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_plugin_builds_one_cleaner_per_worker_thread(cleaner):
    import pickle

    from cleanup.batch.dask_engine import CleanupPlugin

    class FakeWorker:
        address = "tcp://127.0.0.1:1234"

    plugin = CleanupPlugin("cleanup-x", pickle.dumps(cleaner), Job("fix"), None, "", {"127.0.0.1": 2})
    plugin.setup(FakeWorker())
    first = plugin.cleaner()
    assert plugin.cleaner() is first
    other = []
    thread = threading.Thread(target=lambda: other.append(plugin.cleaner()))
    thread.start()
    thread.join()
    assert other[0] is not first
    assert first.fix(ARTEFACT, "en").output == cleaner.fix(ARTEFACT, "en").output


@pytest.mark.slow
def test_dask_cluster_output_equals_a_local_run(tmp_path, capfd):
    distributed = pytest.importorskip("distributed")
    from .test_retranslate_e2e import DATA, GLOSSARY, MT, SRC, build_model

    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for k in range(8):
        text = ARTEFACT if k % 2 else "The frobnicator broke on Monday."
        (src / ("sub" if k % 3 else "") / f"{k}.txt").write_text(text + "\n", encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\xff")
    records = src / "feed.jsonl"
    records.write_text("".join(json.dumps({"id": k, "text": ARTEFACT}) + "\n" for k in range(150))
                       + '{"id": "x", "text": ""}\n', encoding="utf-8")
    glossary = tmp_path / "newsroom.toml"
    glossary.write_text(USER_GLOSSARY, encoding="utf-8")
    model = build_model(DATA / "lexicon_e2e_fr_en.tsv", tmp_path / "e2e-fr-en")
    mt, fr = MT.read_text(encoding="utf-8"), SRC.read_text(encoding="utf-8")
    pairs = src / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"mt": mt, "fr": fr}) + "\n" for _ in range(4)), encoding="utf-8")

    runs = {
        "files": ["fix", str(src), "--glob", "*.txt", "-g", str(glossary), "--lang", "en"],
        "jsonl": ["fix", "--jsonl", str(records), "--id-field", "id", "--lang", "en"],
        "model": ["fix", "--jsonl", str(pairs), "--text-field", "mt", "--source-field", "fr", "--model", str(model),
                  "-g", str(GLOSSARY)],
        "check": ["check", str(src), "--glob", "*.txt", "--format", "json", "-g", str(glossary)],
    }
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        for name, args in runs.items():
            outputs = []
            for engine in (["-j", "2"], ["--engine", "dask", "--scheduler", cluster.scheduler_address]):
                out = tmp_path / f"{name}-{engine[0]}"
                where = [] if name == "check" else (["--output-dir", str(out)] if name == "files" else ["-o", str(out)])
                code = main(args + where + engine)
                stdout, stderr = capfd.readouterr()
                outputs.append((code, stdout, stderr, tree(out) if out.is_dir() else out.read_bytes() if out.exists() else None))
            assert outputs[0] == outputs[1], name
        assert "widget" in outputs[0][1]  # the user glossary travelled to the workers
