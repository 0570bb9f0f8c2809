"""Where the bundled data lives.

Maintainers edit ``glossaries/`` at the top of the repository; the wheel and the sdist ship it
inside the package as ``cleanup/glossaries`` (see ``pyproject.toml``). An installed package
reads its own copy; a source checkout (editable install) reads the repository's folder.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

from .errors import GlossaryError


@lru_cache(maxsize=1)
def bundled_dir() -> Path:
    """The folder of bundled languages and glossaries (``<lang>/language.toml``, ``<lang>/*.toml``)."""
    packaged = Path(str(files("cleanup") / "glossaries"))
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "glossaries"
    if checkout.is_dir():
        return checkout
    raise GlossaryError(f"{packaged}: bundled glossaries not found; the installation is incomplete")


def display_path(path: Path) -> str:
    """A stable name for a data file: ``glossaries/<lang>/<file>`` for bundled ones (the same in
    a checkout and an installed wheel), the path as given otherwise."""
    try:
        return "glossaries/" + path.resolve().relative_to(bundled_dir().resolve()).as_posix()
    except (ValueError, GlossaryError):
        return str(path)


@lru_cache(maxsize=None)
def dist_version(name: str) -> str:
    """The installed version of a distribution, read from its ``*.dist-info`` folder name next
    to the package (no import of the package, nor of importlib.metadata: both cost start-up)."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return "absent"
    folder = Path(spec.origin).parent.parent
    pattern = re.compile(rf"{re.escape(name).replace('_', '[-_]')}-([^-]+)\.dist-info$", re.I)
    try:
        for entry in os.listdir(folder):
            m = pattern.match(entry)
            if m:
                return m.group(1)
    except OSError:
        pass
    return "unknown"
