"""The ``cleanup`` command line. Thin: parsing and printing; the library does the work.

Exit status, decided here and only here: 0 clean, 1 findings (``check``, ``fix --check``,
``eval`` with false edits or wrong fixes), 2 usage, input or configuration error, 3 an
unexpected internal error (one line naming the input; a batch goes on).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.25 vendors click; older releases use the click package
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as click_exceptions

from ..errors import CleanupError
from . import commands, glossary, model, review  # noqa: F401  (they register the commands)
from .app import EXIT_CLEAN, EXIT_ERROR, EXIT_INTERNAL, app

__all__ = ["app", "main"]


def _version_callback(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"cleanup {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Read settings from this file instead of the nearest cleanup.toml / pyproject.toml [tool.cleanup].")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore config files.")] = False,
) -> None:
    """Detect and repair machine-translation artefacts in news articles."""
    ctx.obj = {"config": config, "no_config": no_config}


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+\s*", " ", text).strip()


def _error(message: str) -> None:
    sys.stderr.write(f"cleanup: error: {_one_line(message)}\n")


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
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except OSError as exc:  # the system refused (disk full on stdout...): not a bug
        from ..textio import display

        where = display(exc.filename) if exc.filename else "standard input or output"
        _error(f"{where}: {(exc.strerror or str(exc)).lower()}")
        return EXIT_ERROR
    except Exception as exc:  # a bug: one line, never a traceback (CLEANUP_DEBUG=1 shows it)
        import os

        if os.environ.get("CLEANUP_DEBUG"):
            raise
        sys.stderr.write(f"cleanup: internal error: {type(exc).__name__}: {_one_line(str(exc))}\n")
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
