"""The typer applications and the options shared by several commands.

Options that the config file can also set default to None ("not given"): the command merges
them over the config (``cleanup.config``), so the command line always wins.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="cleanup",
    help="Detect and repair machine-translation artefacts in news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
glossary_app = typer.Typer(help="Inspect and test glossaries.", no_args_is_help=True)
model_app = typer.Typer(help="Register and list local translation models.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")
app.add_typer(model_app, name="model")

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# An unexpected failure (a bug, not the user's input): one line, and a status of its own.
EXIT_INTERNAL = 3


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Engine(str, Enum):
    local = "local"
    dask = "dask"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


Inputs = Annotated[Optional[list[str]], typer.Argument(help="Article file(s); '-' reads stdin.", show_default=False)]
Lang = Annotated[Optional[str], typer.Option("--lang", "-l", help="Language of the text (default: detected).")]
Glossary = Annotated[Optional[list[Path]], typer.Option("--glossary", "-g", help="Extra glossary file (repeatable).")]
GlossaryDir = Annotated[Optional[list[Path]], typer.Option("--glossary-dir", help="Extra folder laid out like glossaries/ (repeatable).")]
Bundled = Annotated[Optional[bool], typer.Option("--bundled/--no-bundled", help="Load the bundled glossaries (the bundled language profiles are always used).", show_default=False)]
Skip = Annotated[Optional[list[str]], typer.Option("--skip", help="Disable a detector by name (repeatable; see `cleanup rules`).")]
Only = Annotated[Optional[list[str]], typer.Option("--only", help="Run only these detectors (repeatable).")]
MaxMb = Annotated[Optional[float], typer.Option("--max-mb", min=0.001, help="Refuse inputs larger than this many megabytes [default: 64].", show_default=False)]
Encoding = Annotated[Optional[str], typer.Option("--encoding", help="Input encoding, or 'auto' to detect it [default: utf-8].", show_default=False)]
ColorOpt = Annotated[Optional[Color], typer.Option("--color", help="Colour diffs: auto (on a terminal), always, never.", show_default=False)]
Mojibake = Annotated[Optional[bool], typer.Option("--fix-mojibake/--no-fix-mojibake", help="Repair mojibake (\"Ã©\" for \"é\") instead of only flagging it.", show_default=False)]
AssumeMT = Annotated[Optional[bool], typer.Option("--assume-mt/--no-assume-mt", help="The input is machine-translated: edit artefacts made of common words even when nothing else in the article shows machine translation (default: flag them).", show_default=False)]
EditQuotes = Annotated[Optional[bool], typer.Option("--edit-quotes/--no-edit-quotes", help="Edit inside quotations too (default: the speaker's words are flagged, not changed).", show_default=False)]
Jsonl = Annotated[bool, typer.Option("--jsonl", help="Inputs are JSON Lines, one article per line in --text-field.")]
TextField = Annotated[str, typer.Option("--text-field", help="With --jsonl, the field holding the article text.")]
Jobs = Annotated[Optional[int], typer.Option("--jobs", "-j", min=0, help="Process inputs in N worker processes (output stays in input order) [default: all cores for 16 inputs or more, or JSONL over 1 MB].", show_default=False)]
FromList = Annotated[Optional[str], typer.Option("--from-list", help="Read input paths from this file, one a line ('-' for stdin); names kept exactly.")]
Null = Annotated[bool, typer.Option("--null", "-0", help="With --from-list, names are separated by NUL bytes, not newlines.")]
Include = Annotated[Optional[list[str]], typer.Option("--glob", help="In folders, read only files matching this glob (repeatable; '*.txt', 'sub/*.txt').")]
Exclude = Annotated[Optional[list[str]], typer.Option("--exclude", help="In folders, skip files and folders matching this glob (repeatable).")]
IdField = Annotated[Optional[str], typer.Option("--id-field", help="With --jsonl, the field naming each record in error reports.")]
ErrorsFile = Annotated[Optional[str], typer.Option("--errors", help="Write every failed input or record here, one JSON line each.")]
SummaryFile = Annotated[Optional[str], typer.Option("--summary", help="Write the batch summary here as JSON ('-': stderr).")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary on the terminal.")]
EngineOpt = Annotated[Optional[Engine], typer.Option("--engine", help="local (processes on this machine) or dask (a Dask cluster, with --scheduler).", show_default=False)]
Scheduler = Annotated[Optional[str], typer.Option("--scheduler", help="With --engine dask, the scheduler's address (tcp://host:8786).")]
Source = Annotated[Optional[str], typer.Option("--source", help="The source-language original: re-translate suspect spans with a model.")]
SourceLang = Annotated[Optional[str], typer.Option("--source-lang", help="Language of --source (default: detected).")]
Model = Annotated[Optional[str], typer.Option("--model", help="Model folder, .argosmodel or registered name (default: by language pair).")]
Beam = Annotated[Optional[int], typer.Option("--beam", min=1, max=16, help="Beam size for re-translation [default: 4].", show_default=False)]
DeviceOpt = Annotated[Optional[Device], typer.Option("--device", help="auto, cpu or cuda.", show_default=False)]
Sentences = Annotated[Optional[bool], typer.Option("--retranslate-sentences/--no-retranslate-sentences", help="With --source: also replace words of sentences the model scores far above the MT (opt-in).", show_default=False)]
