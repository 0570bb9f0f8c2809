"""The ``cleanup`` command line. Thin: parsing and printing; the library does the work.

Exit status, decided here and only here: 0 clean, 1 findings (``check``, ``fix --check``),
2 usage, input or configuration error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.25 vendors click; older releases use the click package
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions

from .errors import CleanupError, ModelError, UsageError

app = typer.Typer(
    name="cleanup",
    help="Detect and repair machine-translation artefacts in news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
glossary_app = typer.Typer(help="Inspect and test glossaries.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class CheckFormat(str, Enum):
    lines = "lines"
    json = "json"


class FixFormat(str, Enum):
    text = "text"
    diff = "diff"
    word_diff = "word-diff"
    json = "json"


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


# Options shared by the commands that analyse text.
LangOpt = Annotated[Optional[str], typer.Option("--lang", "-l", help="Language of the text (default: detected).")]
GlossaryOpt = Annotated[list[Path], typer.Option("--glossary", "-g", help="Extra glossary file (repeatable).")]
GlossaryDirOpt = Annotated[list[Path], typer.Option("--glossary-dir", help="Extra folder laid out like glossaries/ (repeatable).")]
NoBundledOpt = Annotated[bool, typer.Option("--no-bundled", help="Do not load the bundled glossaries and languages.")]
SkipOpt = Annotated[list[str], typer.Option("--skip", help="Disable a rule by name (repeatable; see `cleanup rules`).")]
OnlyOpt = Annotated[list[str], typer.Option("--only", help="Run only these rules (repeatable).")]
MaxMbOpt = Annotated[float, typer.Option("--max-mb", min=0.001, help="Refuse inputs larger than this many megabytes.")]
EncodingOpt = Annotated[str, typer.Option("--encoding", help="Input encoding, or 'auto' to detect it.")]
ColorOpt = Annotated[Color, typer.Option("--color", help="Colour diffs: auto (on a terminal), always, never.")]
MojibakeOpt = Annotated[bool, typer.Option("--fix-mojibake", help="Repair mojibake (\"Ã©\" for \"é\") instead of only flagging it.")]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Inputs are JSON Lines, one article per line in --text-field.")]
FieldOpt = Annotated[str, typer.Option("--text-field", help="With --jsonl, the field holding the article text.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Process inputs in N worker processes (output stays in input order).")]
FromOpt = Annotated[Optional[Path], typer.Option("--from-list", help="Read input paths from this file, one a line ('-' for stdin).")]


def _cleaner(glossary, glossary_dir, no_bundled, skip, only, fix_mojibake=False):
    from .pipeline import Cleaner, Settings

    return Cleaner(
        glossary_dirs=list(glossary_dir), extra_glossaries=list(glossary),
        settings=Settings(skip=tuple(skip), only=tuple(only), fix_mojibake=fix_mojibake),
        bundled=not no_bundled,
    )


def _inputs(paths: list[str], from_list: Path | None) -> list[str]:
    out = list(paths)
    if from_list is not None:
        from .textio import read_source

        listing = read_source(str(from_list)) if str(from_list) != "-" else None
        text = listing.text if listing else sys.stdin.read()
        out.extend(line.strip() for line in text.splitlines() if line.strip())
    if not out:
        raise UsageError("no input files")
    if out.count("-") > 1:
        raise UsageError("'-' (stdin) can be given once")
    return out


@dataclass
class Outcome:
    """What one input produced; printed by the runner in input order."""

    status: int = 0
    out: bytes = b""
    err: str = ""
    results: list = field(default_factory=list)  # (name, Result) pairs for --format json
    skipped: str = ""  # why re-translation was skipped, if it was


_ONE = None  # the per-input function, inherited by forked workers


def _call_one(path: str) -> Outcome | CleanupError:
    try:
        return _ONE(path)
    except CleanupError as exc:
        return exc


def _run_each(paths: list[str], one, jobs: int = 1) -> tuple[int, list, list[str]]:
    """Run ``one(path)`` on every input (in ``jobs`` forked processes when asked) and print
    its output in input order; the worst status wins. With several inputs an error is
    reported on stderr and the other inputs still run (final status 2)."""
    global _ONE
    status, results, skipped = EXIT_CLEAN, [], []
    _ONE = one
    if jobs > 1 and len(paths) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
        outcomes = pool.map(_call_one, paths, chunksize=8)
    else:
        pool = None
        outcomes = map(_call_one, paths)
    try:
        for outcome in outcomes:
            if isinstance(outcome, CleanupError):
                if len(paths) == 1:
                    raise outcome
                _error(str(outcome))
                status = EXIT_ERROR
                continue
            sys.stderr.write(outcome.err)
            if outcome.out:
                sys.stdout.flush()
                sys.stdout.buffer.write(outcome.out)
                sys.stdout.buffer.flush()
            status = max(status, outcome.status)
            results.extend(outcome.results)
            if outcome.skipped:
                skipped.append(outcome.skipped)
    finally:
        if pool is not None:
            pool.shutdown()
    return status, results, skipped


def _analyse(cleaner, source, lang, jsonl: bool, field: str):
    """The corrected text of one input, and its results: one, or one per JSONL record
    (named ``path[line]``; offsets then refer to that record's text)."""
    if not jsonl:
        result = cleaner.fix(source.text, lang)
        return result.output, [(source.name, result)]
    from .jsonl import clean_jsonl

    output, records = clean_jsonl(source.text, source.name, cleaner, field, lang)
    return output, [(f"{source.name}[{rec.line}]", rec.result) for rec in records]


def _use_color(color: Color, stream) -> bool:
    if color == Color.always:
        return True
    if color == Color.never:
        return False
    return stream.isatty()


def _error(message: str) -> None:
    sys.stderr.write(f"cleanup: error: {message}\n")


@app.command()
def fix(
    inputs: Annotated[list[str], typer.Argument(help="Article file(s); '-' reads stdin.", show_default=False)] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the corrected text here ('-': stdout).")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", "-i", help="Rewrite each input atomically.")] = False,
    backup: Annotated[Optional[str], typer.Option("--backup", help="With --in-place, keep the original as FILE+SUFFIX (e.g. .orig).")] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="With --in-place, rewrite a symlink's target even outside its folder.")] = False,
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Write each corrected file into this folder.")] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff instead of the text.")] = False,
    word_diff: Annotated[bool, typer.Option("--word-diff", help="Print each change in its context, word level.")] = False,
    fmt: Annotated[FixFormat, typer.Option("--format", "-f", help="What to print: text, diff, word-diff, json.")] = FixFormat.text,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when anything would change.")] = False,
    lang: LangOpt = None,
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
    skip: SkipOpt = [],
    only: OnlyOpt = [],
    encoding: EncodingOpt = "utf-8",
    max_mb: MaxMbOpt = 64,
    fix_mojibake: MojibakeOpt = False,
    jsonl: JsonlOpt = False,
    text_field: FieldOpt = "text",
    source: Annotated[Optional[str], typer.Option("--source", help="The source-language original: re-translate suspect spans with a model.")] = None,
    source_lang: Annotated[Optional[str], typer.Option("--source-lang", help="Language of --source (default: detected).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", help="Model folder, .argosmodel or registered name (default: by language pair).")] = None,
    beam: Annotated[int, typer.Option("--beam", min=1, max=16, help="Beam size for re-translation.")] = 4,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    retranslate_sentences: Annotated[bool, typer.Option("--retranslate-sentences", help="With --source: also replace words of sentences the model scores far above the MT (opt-in).")] = False,
    color: ColorOpt = Color.auto,
    from_list: FromOpt = None,
    jobs: JobsOpt = 1,
) -> int:
    """Correct the text. `cleanup fix IN -o OUT` writes the corrected text to OUT."""
    from . import render
    from .textio import read_source, resolve_in_place, write_atomic

    paths = _inputs(inputs or [], from_list)
    if diff:
        fmt = FixFormat.diff
    if word_diff:
        fmt = FixFormat.word_diff
    targets = sum(x is not None and x is not False for x in (output, output_dir, in_place or None))
    if targets > 1:
        raise UsageError("choose one of --output, --output-dir, --in-place")
    if len(paths) > 1 and output not in (None,) :
        raise UsageError("--output takes one input; use --in-place or --output-dir for several")
    if backup and not in_place:
        raise UsageError("--backup goes with --in-place")
    if in_place and "-" in paths:
        raise UsageError("--in-place cannot rewrite stdin")
    if source is not None and (len(paths) != 1 or jsonl):
        raise UsageError("--source goes with one input article")
    if retranslate_sentences and source is None:
        raise UsageError("--retranslate-sentences needs --source")
    if model is not None and source is None:
        raise UsageError("--model needs --source (the original the spans are re-translated from)")
    cleaner = _cleaner(glossary, glossary_dir, no_bundled, skip, only, fix_mojibake)
    model_fixer = None
    if source is not None:
        from .retranslate import ModelFixer

        source_text = read_source(source, encoding).text
        model_fixer = ModelFixer(cleaner, model, beam, device, source_lang, retranslate_sentences)
    writes_text = output is not None or output_dir is not None or in_place
    color_on = _use_color(color, sys.stdout)

    def one(path: str) -> Outcome:
        source = read_source(path, encoding, max_mb)
        output_text, items = _analyse(cleaner, source, lang, jsonl, text_field)
        done = Outcome()
        if model_fixer is not None:
            try:
                result = model_fixer.apply(items[0][1], source_text)
                output_text, items = result.output, [(source.name, result)]
            except ModelError as exc:
                if model is not None:
                    raise
                done.skipped = f"re-translation skipped: {exc}"
        elif any(not f.fixable for _, r in items for f in r.findings):
            done.skipped = "re-translation skipped: no --source given; suspect spans were only flagged"
        done.err = "".join(f"cleanup: {name}: {note}\n" for name, r in items for note in r.notes)
        changed = output_text != source.text
        data = source.encode(output_text)
        if in_place:
            target = resolve_in_place(path, follow_symlinks)
            if changed:
                if backup:
                    write_atomic(str(target) + backup, source.encode(source.text))
                write_atomic(target, data)
        elif output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(output_dir / Path(path).name, data)
        elif output is not None and output != "-":
            write_atomic(output, data)
        if fmt == FixFormat.json:
            done.results = items
        elif fmt == FixFormat.diff:
            done.out = render.unified_diff(source.text, output_text, source.name, color_on).encode()
        elif fmt == FixFormat.word_diff:
            done.out = "".join(render.word_diff(r, name, color_on) for name, r in items).encode()
        elif not writes_text or output == "-":
            done.out = data
        done.status = EXIT_FINDINGS if check and changed else EXIT_CLEAN
        return done

    status, results, skipped = _run_each(paths, one, jobs)
    if results:
        sys.stdout.write(render.to_json(results))
    if skipped:
        sys.stderr.write(f"cleanup: {skipped[0]}\n")  # once per run
    return status


@app.command()
def check(
    inputs: Annotated[list[str], typer.Argument(help="Article file(s); '-' reads stdin.", show_default=False)] = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="lines (path:line:col: rule: message) or json.")] = CheckFormat.lines,
    lang: LangOpt = None,
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
    skip: SkipOpt = [],
    only: OnlyOpt = [],
    encoding: EncodingOpt = "utf-8",
    max_mb: MaxMbOpt = 64,
    fix_mojibake: MojibakeOpt = False,
    jsonl: JsonlOpt = False,
    text_field: FieldOpt = "text",
    from_list: FromOpt = None,
    jobs: JobsOpt = 1,
) -> int:
    """Report findings; exit 1 if there are any. Nothing is written."""
    from . import render
    from .textio import read_source

    paths = _inputs(inputs or [], from_list)
    cleaner = _cleaner(glossary, glossary_dir, no_bundled, skip, only, fix_mojibake)

    def one(path: str) -> Outcome:
        _, items = _analyse(cleaner, read_source(path, encoding, max_mb), lang, jsonl, text_field)
        done = Outcome(status=EXIT_FINDINGS if any(r.findings for _, r in items) else EXIT_CLEAN)
        if fmt == CheckFormat.json:
            done.results = items
        else:
            done.out = "".join(render.finding_lines(r, name) for name, r in items).encode()
        return done

    status, results, _ = _run_each(paths, one, jobs)
    if results:
        sys.stdout.write(render.to_json(results))
    return status


@app.command()
def explain(
    inputs: Annotated[list[str], typer.Argument(help="Article file(s); '-' reads stdin.", show_default=False)] = None,
    lang: LangOpt = None,
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
    skip: SkipOpt = [],
    only: OnlyOpt = [],
    encoding: EncodingOpt = "utf-8",
    max_mb: MaxMbOpt = 64,
    fix_mojibake: MojibakeOpt = False,
) -> int:
    """Explain each change: what, where, which rule or glossary entry, and why."""
    from . import render
    from .textio import read_source

    paths = _inputs(inputs or [], None)
    cleaner = _cleaner(glossary, glossary_dir, no_bundled, skip, only, fix_mojibake)
    for path in paths:
        source = read_source(path, encoding, max_mb)
        sys.stdout.write(render.explain(cleaner.fix(source.text, lang), source.name))
    return EXIT_CLEAN


@app.command("eval")
def eval_(
    directory: Annotated[Path, typer.Argument(help="Folder of NAME.txt + NAME.gold.json pairs (searched recursively).")],
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="text or json.")] = EvalFormat.text,
    lang: LangOpt = None,
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
    skip: SkipOpt = [],
    only: OnlyOpt = [],
) -> int:
    """Score the tool on gold-annotated articles: fixed, wrong fixes, missed, false edits."""
    import json

    from .evaluate import evaluate

    score = evaluate(directory, _cleaner(glossary, glossary_dir, no_bundled, skip, only), lang)
    if fmt == EvalFormat.json:
        sys.stdout.write(json.dumps(score.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(score.report())
    return EXIT_CLEAN


@app.command()
def rules() -> int:
    """List the rule detectors by name."""
    from .rules import RULES

    print("glossary: glossary entries (glossaries/<lang>/*.toml), exact and fuzzy")
    for name, func in RULES.items():
        print(f"{name}: {(func.__doc__ or '').strip().splitlines()[0]}")
    return EXIT_CLEAN


@glossary_app.command("test")
def glossary_test(
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
) -> int:
    """Run every entry's must_fire / must_not_fire examples; exit 1 on any failure."""
    from .selftest import check_all

    cleaner = _cleaner(glossary, glossary_dir, no_bundled, [], [])
    failures = check_all(cleaner)
    for f in failures:
        print(f)
    total = sum(len(p.entries) for p in cleaner.packs.values())
    print(f"{total} entries, {len(failures)} failing examples")
    return EXIT_FINDINGS if failures else EXIT_CLEAN


@glossary_app.command("list")
def glossary_list(
    glossary: GlossaryOpt = [],
    glossary_dir: GlossaryDirOpt = [],
    no_bundled: NoBundledOpt = False,
) -> int:
    """Languages, glossary files and entry counts."""
    cleaner = _cleaner(glossary, glossary_dir, no_bundled, [], [])
    for code, pack in sorted(cleaner.packs.items()):
        print(f"{code} ({pack.language.name}): {len(pack.entries)} entries")
        for g in pack.glossaries:
            print(f"  {g.path}: {len(g.entries)} entries, sha256 {g.sha256[:12]}")
    return EXIT_CLEAN


model_app = typer.Typer(help="Register and list local translation models.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("add")
def model_add(
    path: Annotated[Path, typer.Argument(help="An .argosmodel zip, an Argos folder, a converted OPUS-MT or NLLB folder.")],
    src: Annotated[Optional[str], typer.Option("--src", help="Source language (default: from metadata or name).")] = None,
    tgt: Annotated[Optional[str], typer.Option("--tgt", help="Target language.")] = None,
    multilingual: Annotated[bool, typer.Option("--multilingual", help="NLLB/M2M-style model with language tokens.")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="Registry name (default: from the path).")] = None,
    link: Annotated[bool, typer.Option("--link", help="Symlink the folder instead of copying it.")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a registered model of the same name.")] = False,
) -> int:
    """Register a model in the user data folder ($XDG_DATA_HOME/cleanup/models)."""
    from .models import add_model

    info = add_model(path, src=src, tgt=tgt, multilingual=multilingual, name=name, link=link, replace=replace)
    pair = "multilingual" if info.multilingual else f"{info.src}->{info.tgt}"
    print(f"added {info.name}: {pair}, {info.layout} layout, {info.size_bytes / 1e6:.1f} MB, {info.path}")
    return EXIT_CLEAN


@model_app.command("list")
def model_list() -> int:
    """Registered models: name, languages, layout, size, path."""
    from .models import list_models, models_dir

    models = list_models()
    if not models:
        print(f"no models registered in {models_dir()} (add one with `cleanup model add`)")
    for info in models:
        pair = "multilingual" if info.multilingual else f"{info.src}->{info.tgt}"
        print(f"{info.name}\t{pair}\t{info.layout}\t{info.size_bytes / 1e6:.1f} MB\t{info.path}")
    return EXIT_CLEAN


def _version_callback(value: bool) -> None:
    if value:
        from . import __version__

        print(f"cleanup {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")] = False,
) -> None:
    """Detect and repair machine-translation artefacts in news articles."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map every error to its exit status once, here."""
    try:
        code = app(args=argv, prog_name="cleanup", standalone_mode=False)
    except CleanupError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except typer.Abort:
        _error("aborted")
        return EXIT_ERROR
    except click_exceptions.ClickException as exc:
        exc.show()
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_CLEAN
    return code if isinstance(code, int) else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
