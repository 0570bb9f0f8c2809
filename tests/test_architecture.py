"""The design the README describes, checked on the code: one tokenizer, one sentence
splitter, one span-overlap test, the model stage below the orchestrator, heavy engines lazy."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import regex

from .conftest import ROOT

PACKAGE = ROOT / "cleanup"
SOURCES = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}


def _where(pattern: str) -> list[str]:
    return sorted(name for name, text in SOURCES.items() if regex.search(pattern, text, regex.M))


def test_one_tokenizer_and_one_sentence_splitter():
    assert _where(r"^\s*WORD_RE\s*=") == ["cleanup/document.py"]
    assert _where(r"def \w*split_sentences") == ["cleanup/document.py"]


def test_one_span_overlap_test():
    # "a.start < b.end and b.start < a.end" (in either order) appears only in Span.overlaps.
    pattern = r"(\w+)\.start\s*<\s*(\w+)\.end\s+and\s+\2\.start\s*<\s*\1\.end"
    assert _where(pattern) == ["cleanup/result.py"]


def _imports(name: str) -> set[str]:
    """Relative imports made at run time (``if TYPE_CHECKING:`` blocks are type hints only)."""
    tree = ast.parse(SOURCES[name])
    hints = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
             and getattr(node.test, "id", "") == "TYPE_CHECKING" for n in ast.walk(node)}
    return {node.module or "" for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level and id(node) not in hints}


def test_model_stage_does_not_import_the_orchestrator():
    for name in ("cleanup/retranslate.py", "cleanup/align.py", "cleanup/translate.py", "cleanup/detectors.py",
                 "cleanup/matcher.py", "cleanup/rules.py", "cleanup/fixer.py", "cleanup/document.py"):
        assert "pipeline" not in _imports(name), name


def test_every_detector_is_registered_with_one_signature():
    import inspect

    from cleanup.detectors import DETECTORS

    assert {"glossary", "space_before_hyphen", "foreign_number_format", "untranslated_acronym",
            "boilerplate_line", "mojibake", "space_before_punctuation"} <= set(DETECTORS)
    for name, func in DETECTORS.items():
        assert list(inspect.signature(func).parameters) == ["doc", "ctx"], name
        assert func.__name__ == name and func.__doc__, name


def test_glossary_only_runs_never_import_the_model_engines():
    code = ("import sys; from cleanup import Cleaner; Cleaner().fix('A cashmere attack in India.'); "
            "print('ctranslate2' in sys.modules, 'sentencepiece' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.stdout.strip().splitlines()[-1] == "False False", r.stderr
