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
    jobs: a.Jobs = None,
) -> int:
    """Correct the text. `cleanup fix IN -o OUT` writes the corrected text to OUT."""
    from . import runner

    paths = runner.read_inputs(inputs or [], from_list)
    fmt = FixFormat.word_diff if word_diff else FixFormat.diff if diff else fmt
    if sum(x is not None and x is not False for x in (output, output_dir, in_place or None)) > 1:
        raise UsageError("choose one of --output, --output-dir, --in-place")
    if len(paths) > 1 and output is not None:
        raise UsageError("--output takes one input; use --in-place or --output-dir for several")
    if backup and not in_place:
        raise UsageError("--backup goes with --in-place")
    if backup is not None and (not backup or "/" in backup or "\0" in backup):
        raise UsageError(f"--backup {backup!r}: a suffix for the file name, without '/'")
    if output_dir is not None:
        from ..textio import check_output_dir

        check_output_dir(output_dir)
    if in_place and "-" in paths:
        raise UsageError("--in-place cannot rewrite stdin")
    if source is not None and (len(paths) != 1 or jsonl):
        raise UsageError("--source goes with one input article")
    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake,
                       source_lang=source_lang, model=model, beam=beam, device=device,
                       retranslate_sentences=retranslate_sentences, color=color, jobs=jobs)
    if config.retranslate_sentences and source is None:
        raise UsageError("--retranslate-sentences needs --source")
    if model is not None and source is None:
        raise UsageError("--model needs --source (the original the spans are re-translated from)")
    cleaner = config.cleaner()
    source_text = None
    if source is not None:
        from ..textio import read_source

        source_text = read_source(source, config.encoding, config.max_mb).text
    if in_place:
        target = runner.InPlace(backup, follow_symlinks)
    elif output_dir is not None:
        target = runner.ToDir(output_dir)
    elif output is not None and output != "-":
        target = runner.ToFile(output)
    else:
        target = runner.Stdout()
    task = runner.Task(
        command="fix", lang=config.lang, encoding=config.encoding, max_mb=config.max_mb, jsonl=jsonl,
        text_field=text_field, fmt=fmt.value, check=check, color=_color(config, sys.stdout),
        target=target, source_text=source_text, model=config.model if source is not None else None,
    )
    return runner.run(paths, task, cleaner, config.cleaner_args(), config.jobs)


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
    jsonl: a.Jsonl = False,
    text_field: a.TextField = "text",
    from_list: a.FromList = None,
    jobs: a.Jobs = None,
) -> int:
    """Report findings; exit 1 if there are any. Nothing is written."""
    from . import runner

    paths = runner.read_inputs(inputs or [], from_list)
    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb,
                       fix_mojibake=fix_mojibake, jobs=jobs)
    task = runner.Task(command="check", lang=config.lang, encoding=config.encoding, max_mb=config.max_mb,
                       jsonl=jsonl, text_field=text_field, fmt=fmt.value)
    return runner.run(paths, task, config.cleaner(), config.cleaner_args(), config.jobs)


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
) -> int:
    """Explain each change: what, where, which rule or glossary entry, and why."""
    from .. import render
    from ..textio import read_source
    from .runner import read_inputs

    paths = read_inputs(inputs or [], None)
    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled,
                       skip=skip, only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake)
    cleaner = config.cleaner()
    for path in paths:
        source = read_source(path, config.encoding, config.max_mb)
        sys.stdout.write(render.explain(cleaner.fix(source.text, config.lang), source.name))
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
