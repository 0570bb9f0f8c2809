"""The commands that analyse text: fix, check, explain, eval; and rules, config.

Each command checks its options, merges them over the config file, and hands the work to the
library (``Cleaner``) through the runner; nothing here knows how text is cleaned.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import app as a
from .app import EXIT_CLEAN, EXIT_FINDINGS, app


class FixFormat(str, Enum):
    text = "text"
    diff = "diff"
    word_diff = "word-diff"
    json = "json"


class CheckFormat(str, Enum):
    lines = "lines"
    json = "json"


class EvalFormat(str, Enum):
    text = "text"
    json = "json"


class OnError(str, Enum):
    copy = "copy"
    skip = "skip"


def configure(ctx: typer.Context, **given):
    """The effective config: the config file (see ``cleanup config``), then these options."""
    from ..config import load_config

    root = ctx.find_root().obj or {}
    config = load_config(root.get("config"), use_file=not root.get("no_config", False))
    return config.override(given)


def _color(config, stream) -> bool:
    import os

    if config.color == "always":
        return True
    if config.color == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


@app.command()
def fix(
    ctx: typer.Context,
    inputs: a.Inputs = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the corrected text here ('-': stdout).")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", "-i", help="Rewrite each input atomically.")] = False,
    backup: Annotated[Optional[str], typer.Option("--backup", help="With --in-place, keep the original as FILE+SUFFIX (e.g. .orig).")] = None,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="With --in-place, rewrite a symlink's target even outside its folder.")] = False,
    output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Write each corrected file into this folder.")] = None,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff instead of the text.")] = False,
    word_diff: Annotated[bool, typer.Option("--word-diff", help="Print each change in its context, word level.")] = False,
    fmt: Annotated[FixFormat, typer.Option("--format", "-f", help="What to print: text, diff, word-diff, json.")] = FixFormat.text,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 when anything would change.")] = False,
    lang: a.Lang = None,
    glossary: a.Glossary = None,
    glossary_dir: a.GlossaryDir = None,
    bundled: a.Bundled = None,
    skip: a.Skip = None,
    only: a.Only = None,
    encoding: a.Encoding = None,
    max_mb: a.MaxMb = None,
    fix_mojibake: a.Mojibake = None,
    edit_quotes: a.EditQuotes = None,
    assume_mt: a.AssumeMT = None,
    jsonl: a.Jsonl = False,
    text_field: a.TextField = "text",
    source: a.Source = None,
    source_lang: a.SourceLang = None,
    model: a.Model = None,
    beam: a.Beam = None,
    device: a.DeviceOpt = None,
    retranslate_sentences: a.Sentences = None,
    color: a.ColorOpt = None,
    from_list: a.FromList = None,
    null: a.Null = False,
    glob: a.Include = None,
    exclude: a.Exclude = None,
    id_field: a.IdField = None,
    source_field: Annotated[Optional[str], typer.Option("--source-field", help="With --jsonl, the field holding each record's source-language original (re-translation with a model).")] = None,
    on_error: Annotated[OnError, typer.Option("--on-error", help="A failed article's output: copy (unchanged) or skip (left out).")] = OnError.skip,
    errors: a.ErrorsFile = None,
    summary: a.SummaryFile = None,
    quiet: a.Quiet = False,
    resume: Annotated[bool, typer.Option("--resume", help="With --output-dir, continue an interrupted run where it stopped.")] = False,
    jobs: a.Jobs = None,
    engine: a.EngineOpt = None,
    scheduler: a.Scheduler = None,
) -> int:
    """Correct the text. `cleanup fix IN -o OUT` writes the corrected text to OUT."""
    from ..batch import InPlace, Job, Stdout, ToDir, ToFile
    from . import runner

    fmt = FixFormat.word_diff if word_diff else FixFormat.diff if diff else fmt
    if sum(x is not None and x is not False for x in (output, output_dir, in_place or None)) > 1:
        raise UsageError("choose one of --output, --output-dir, --in-place")
    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake, edit_quotes=edit_quotes, assume_mt=assume_mt,
                       source_lang=source_lang, model=model, beam=beam, device=device,
                       retranslate_sentences=retranslate_sentences, color=color, jobs=jobs)
    items = runner.read_inputs(inputs or [], from_list, null, config.max_mb, glob or [], exclude or [])
    if (len(items) > 1 or items[0].root) and output is not None:
        raise UsageError("--output takes one input; use --in-place or --output-dir for several")
    if backup and not in_place:
        raise UsageError("--backup goes with --in-place")
    if backup is not None and (not backup or "/" in backup or "\0" in backup):
        raise UsageError(f"--backup {backup!r}: a suffix for the file name, without '/'")
    if output_dir is not None:
        from ..textio import check_output_dir

        check_output_dir(output_dir)
    if in_place and any(i.path == "-" for i in items):
        raise UsageError("--in-place cannot rewrite stdin")
    if source is not None and (len(items) != 1 or jsonl):
        raise UsageError("--source goes with one input article (for JSONL: --source-field)")
    if source_field is not None and not jsonl:
        raise UsageError("--source-field goes with --jsonl")
    _check_batch_options(jsonl, id_field, config)
    with_source = source is not None or source_field is not None
    if config.retranslate_sentences and not with_source:
        raise UsageError("--retranslate-sentences needs --source or --source-field")
    if model is not None and not with_source:
        raise UsageError("--model needs --source or --source-field (the original the spans are re-translated from)")
    cleaner = config.cleaner()
    source_text = None
    if source is not None:
        from ..textio import read_source

        source_text = read_source(source, config.encoding, config.max_mb).text
    if in_place:
        target = InPlace(backup, follow_symlinks)
    elif output_dir is not None:
        target = ToDir(output_dir)
    elif output is not None and output != "-":
        target = ToFile(output)
    else:
        target = Stdout()
    job = Job(
        command="fix", lang=config.lang, encoding=config.encoding, max_mb=config.max_mb, jsonl=jsonl,
        text_field=text_field, id_field=id_field, source_field=source_field, fmt=fmt.value, check=check,
        color=_color(config, sys.stdout), target=target, source_text=source_text,
        model=config.model if with_source else None, on_error=on_error.value,
    )
    options = runner.Options(config.jobs, (engine or a.Engine.local).value, scheduler, resume, errors, summary, quiet)
    return runner.run(items, job, cleaner, config.cleaner_args(), options)


def _check_batch_options(jsonl: bool, id_field: str | None, config) -> None:
    if id_field is not None and not jsonl:
        raise UsageError("--id-field goes with --jsonl")
    if jsonl and config.encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "utf8sig", "auto"):
        raise UsageError("JSON Lines are read as UTF-8 (RFC 8259); --encoding does not apply to --jsonl")


@app.command()
def check(
    ctx: typer.Context,
    inputs: a.Inputs = None,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="lines (path:line:col: rule: message) or json.")] = CheckFormat.lines,
    lang: a.Lang = None,
    glossary: a.Glossary = None,
    glossary_dir: a.GlossaryDir = None,
    bundled: a.Bundled = None,
    skip: a.Skip = None,
    only: a.Only = None,
    encoding: a.Encoding = None,
    max_mb: a.MaxMb = None,
    fix_mojibake: a.Mojibake = None,
    edit_quotes: a.EditQuotes = None,
    assume_mt: a.AssumeMT = None,
    jsonl: a.Jsonl = False,
    text_field: a.TextField = "text",
    from_list: a.FromList = None,
    null: a.Null = False,
    glob: a.Include = None,
    exclude: a.Exclude = None,
    id_field: a.IdField = None,
    errors: a.ErrorsFile = None,
    summary: a.SummaryFile = None,
    quiet: a.Quiet = False,
    jobs: a.Jobs = None,
    color: a.ColorOpt = None,
    engine: a.EngineOpt = None,
    scheduler: a.Scheduler = None,
) -> int:
    """Report findings; exit 1 if there are any. Nothing is written."""
    from ..batch import Job
    from . import runner

    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb,
                       fix_mojibake=fix_mojibake, edit_quotes=edit_quotes, assume_mt=assume_mt, jobs=jobs, color=color)
    items = runner.read_inputs(inputs or [], from_list, null, config.max_mb, glob or [], exclude or [])
    _check_batch_options(jsonl, id_field, config)
    job = Job(command="check", lang=config.lang, encoding=config.encoding, max_mb=config.max_mb,
              jsonl=jsonl, text_field=text_field, id_field=id_field, fmt=fmt.value,
              color=_color(config, sys.stdout))
    options = runner.Options(config.jobs, (engine or a.Engine.local).value, scheduler, False, errors, summary, quiet)
    return runner.run(items, job, config.cleaner(), config.cleaner_args(), options)


@app.command()
def explain(
    ctx: typer.Context,
    inputs: a.Inputs = None,
    lang: a.Lang = None,
    glossary: a.Glossary = None,
    glossary_dir: a.GlossaryDir = None,
    bundled: a.Bundled = None,
    skip: a.Skip = None,
    only: a.Only = None,
    encoding: a.Encoding = None,
    max_mb: a.MaxMb = None,
    fix_mojibake: a.Mojibake = None,
    edit_quotes: a.EditQuotes = None,
    assume_mt: a.AssumeMT = None,
    source: a.Source = None,
    source_lang: a.SourceLang = None,
    model: a.Model = None,
    beam: a.Beam = None,
    device: a.DeviceOpt = None,
    retranslate_sentences: a.Sentences = None,
    color: a.ColorOpt = None,
) -> int:
    """Explain each change: what, where, which rule or glossary entry, and why. With --source
    (and --model), the model's edits are explained too, as `fix` would make them."""
    from .. import render
    from ..textio import read_source

    paths = inputs or []
    if not paths:
        raise UsageError("no input files")
    if source is not None and len(paths) != 1:
        raise UsageError("--source goes with one input article")
    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake,
                       edit_quotes=edit_quotes, assume_mt=assume_mt, source_lang=source_lang, model=model, beam=beam, device=device,
                       retranslate_sentences=retranslate_sentences, color=color)
    if config.retranslate_sentences and source is None:
        raise UsageError("--retranslate-sentences needs --source")
    if model is not None and source is None:
        raise UsageError("--model needs --source (the original the spans are re-translated from)")
    cleaner = config.cleaner()
    source_text = read_source(source, config.encoding, config.max_mb).text if source is not None else None

    def note(key: str) -> str:
        entry = cleaner.entry(key)
        return entry.note if entry else ""

    use_color = _color(config, sys.stdout)
    for path in paths:
        text = read_source(path, config.encoding, config.max_mb)
        result = cleaner.fix(text.text, config.lang, source=source_text,
                             model=config.model if source is not None else None)
        if result.model_skipped:
            sys.stderr.write(f"cleanup: re-translation skipped: {result.model_skipped}\n")
        sys.stdout.write(render.explain(result, text.name, note, use_color))
    return EXIT_CLEAN


@app.command("eval")
def eval_(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder of NAME.txt + NAME.gold.json pairs (searched recursively).")],
    fmt: Annotated[EvalFormat, typer.Option("--format", "-f", help="text or json.")] = EvalFormat.text,
    lang: a.Lang = None,
    glossary: a.Glossary = None,
    glossary_dir: a.GlossaryDir = None,
    bundled: a.Bundled = None,
    skip: a.Skip = None,
    only: a.Only = None,
) -> int:
    """Score the tool on gold-annotated articles: fixed, caught, wrong fixes, missed, false
    edits, stray findings. Exit 1 when there are false edits or wrong fixes."""
    import json

    from ..evaluate import evaluate

    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only)
    score = evaluate(directory, config.cleaner(), config.lang)
    if fmt == EvalFormat.json:
        sys.stdout.write(json.dumps(score.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(score.report())
    return EXIT_FINDINGS if score.failed else EXIT_CLEAN


@app.command()
def rules() -> int:
    """List the detectors by name."""
    from ..detectors import describe
    from ..pipeline import all_rules

    for name in all_rules():
        print(f"{name}: {describe(name)}")
    return EXIT_CLEAN


@app.command("config")
def config_(ctx: typer.Context) -> int:
    """Show the effective settings and where each came from (default, file:line)."""
    sys.stdout.write(configure(ctx).describe())
    return EXIT_CLEAN
