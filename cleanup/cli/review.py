"""``cleanup review``, ``cleanup apply`` and ``cleanup glossary learn``: the editor's side.

Thin: options are checked and merged over the config here; ``cleanup.review``,
``cleanup.decisions``, ``cleanup.html`` and ``cleanup.learn`` do the work.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import app as a
from .app import EXIT_CLEAN, EXIT_FINDINGS, app, glossary_app
from .commands import _color, configure


class Undecided(str, Enum):
    skip = "skip"
    accept = "accept"


Decisions = Annotated[Optional[Path], typer.Option("--decisions", "-d", help="The decisions file [default: ARTICLE's name with .decisions.json].", show_default=False)]
By = Annotated[Optional[str], typer.Option("--by", help="Who decides (recorded with each decision).")]


def analyse(ctx: typer.Context, article: str, **options):
    """Read the article and run every stage on it, as ``fix`` would with the same options;
    returns (source, result, language abbreviations, config)."""
    from ..textio import read_source

    source_path = options.pop("source")
    config = configure(ctx, **options)
    if config.retranslate_sentences and source_path is None:
        raise UsageError("--retranslate-sentences needs --source")
    if options.get("model") is not None and source_path is None:
        raise UsageError("--model needs --source (the original the spans are re-translated from)")
    if article == "-":
        raise UsageError("review and apply need an article file, not stdin")
    cleaner = config.cleaner()
    source = read_source(article, config.encoding, config.max_mb)
    source_text = None
    if source_path is not None:
        source_text = read_source(source_path, config.encoding, config.max_mb).text
    result = cleaner.fix(source.text, config.lang, source=source_text,
                         model=config.model if source_path is not None else None)
    if result.model_skipped:
        sys.stderr.write(f"cleanup: re-translation skipped: {result.model_skipped}\n")
    abbreviations = cleaner.pack(result.lang).language.abbreviations
    return source, result, abbreviations, config


@app.command()
def review(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="The article to review.")],
    decisions: Decisions = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Where the final text goes when every change is decided [default: ARTICLE's name with .final].", show_default=False)] = None,
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained review page here instead of reviewing in the terminal.")] = None,
    by: By = None,
    color: a.ColorOpt = None,
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
) -> int:
    """Review each proposed change and flag: accept, reject or edit it. Decisions are saved as
    they are made; running review again resumes. With --html, write a review page instead."""
    from ..review import Session, default_decisions_path, default_final_path, terminal_review
    from ..textio import write_atomic

    src, result, abbreviations, config = analyse(
        ctx, article, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled, skip=skip,
        only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake, edit_quotes=edit_quotes, assume_mt=assume_mt, source=source,
        source_lang=source_lang, model=model, beam=beam, device=device,
        retranslate_sentences=retranslate_sentences, color=color)
    decisions_path = decisions or default_decisions_path(article)
    out = output or default_final_path(article)
    session = Session.open(src, result, abbreviations, decisions_path, out, by)
    for rec in session.stale:
        sys.stderr.write(f"cleanup: {article}: decision {rec['id']} ({rec.get('decision')} {rec['old']!r}): "
                         "the change no longer exists in this article\n")
    if html is not None:
        from ..html import render_page

        page = render_page(src.name, src.text, session.items, session.decisions, by)
        write_atomic(html, page.encode("utf-8"))
        left = len(session.pending())
        print(f"{html}: {len(session.items)} item(s) to review, {left} undecided; "
              f"export the decisions, then: cleanup apply {article} --decisions FILE")
        return EXIT_CLEAN
    done = terminal_review(session, _color(config, sys.stdout))
    if not done:
        print(f"{len(session.pending())} left; decisions saved in {decisions_path}; "
              f"run `cleanup review {article}` again to resume")
        return EXIT_CLEAN
    session.save()
    path = session.finish()
    if path is not None:
        print(f"review complete: {path} written; decisions in {decisions_path}")
    return EXIT_CLEAN


@app.command("apply")
def apply_(
    ctx: typer.Context,
    article: Annotated[str, typer.Argument(help="The article the decisions are for (it may have changed since).")],
    decisions: Decisions = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write the final text here ('-': stdout) [default: stdout].", show_default=False)] = None,
    undecided: Annotated[Undecided, typer.Option("--undecided", help="Changes without a decision: skip (listed, not applied) or accept the tool's proposal.")] = Undecided.skip,
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
) -> int:
    """Replay a decisions file onto the article: accepted changes and the editor's own
    replacements. Exit 1 when changes are left undecided or decisions no longer match."""
    from ..decisions import apply_decisions, load_decisions, review_items
    from ..review import default_decisions_path
    from ..textio import write_atomic

    decisions_path = decisions or default_decisions_path(article)
    loaded = load_decisions(decisions_path)  # before any work: a bad file is exit 2, nothing written
    src, result, abbreviations, _ = analyse(
        ctx, article, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled, skip=skip,
        only=only, encoding=encoding, max_mb=max_mb, fix_mojibake=fix_mojibake, edit_quotes=edit_quotes, assume_mt=assume_mt, source=source,
        source_lang=source_lang, model=model, beam=beam, device=device,
        retranslate_sentences=retranslate_sentences)
    items = review_items(result, abbreviations)
    done = apply_decisions(src.text, items, loaded, undecided.value)
    for line in done.report(src.name):
        sys.stderr.write(f"cleanup: {line}\n")
    data = src.encode(done.output)
    if output is None or output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
    return EXIT_CLEAN if done.complete else EXIT_FINDINGS


@glossary_app.command("learn")
def glossary_learn(
    ctx: typer.Context,
    decisions: Annotated[list[Path], typer.Argument(help="Decisions files (from review or the review page).")],
    into: Annotated[Optional[Path], typer.Option("--into", help="Your glossary folder (laid out like glossaries/) [default: the first glossary_dir of the config].", show_default=False)] = None,
    write: Annotated[bool, typer.Option("--write", help="Write the proposals (after the diff); without it nothing is written.")] = False,
    stats: Annotated[bool, typer.Option("--stats", help="Only print the statistics (entries most rejected and accepted).")] = False,
    glossary: a.Glossary = None,
    glossary_dir: a.GlossaryDir = None,
    bundled: a.Bundled = None,
) -> int:
    """Turn editors' decisions into proposed glossary changes (a diff; --write writes them into
    your glossary folder, never the bundled data). Every proposal passes `glossary test` first."""
    from ..decisions import load_decisions
    from ..learn import learn, statistics

    loaded = [(str(p), load_decisions(p)) for p in decisions]
    sys.stdout.write(statistics(loaded))
    if stats:
        return EXIT_CLEAN
    config = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled)
    folder = into or (config.glossary_dir[0] if config.glossary_dir else None)
    if folder is None:
        raise UsageError("give --into DIR (your glossary folder) or set glossary_dir in the config file")
    outcome = learn(loaded, Path(folder), config)
    sys.stdout.write(outcome.report())
    if write and outcome.files:
        outcome.write()
        print(f"written: {', '.join(str(p) for p in outcome.files)}")
    elif outcome.files:
        print("nothing written; pass --write to write these proposals")
    return EXIT_CLEAN
