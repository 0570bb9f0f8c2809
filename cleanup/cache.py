"""A disk cache of compiled glossaries, so that a one-article run starts in milliseconds.

One file per language and set of glossaries, named by a hash of everything that shapes the
compiled index: the tool's version, the Python and library versions, and the SHA-256 of the
language profile and of every glossary file. Change any of them and the name changes (the old
file is pruned later). The cache lives in ``$CLEANUP_CACHE_DIR``, else
``$XDG_CACHE_HOME/cleanup`` (``~/.cache/cleanup``); ``CLEANUP_NO_CACHE=1`` turns it off. It is
only ever an optimisation: an unreadable, corrupt or unwritable cache means compiling again,
never an error. Files are pickles written by this user into this user's cache folder; a folder
others can write to must not be used (the cache refuses one that is world-writable).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable

KEEP = 256  # compiled files kept per cache folder (least recently used are pruned): one per
# glossary file and one per set of glossaries


def cache_dir() -> Path | None:
    if os.environ.get("CLEANUP_NO_CACHE"):
        return None
    override = os.environ.get("CLEANUP_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "cleanup"


def key(parts: list[str]) -> str:
    from . import __version__
    from .resources import dist_version

    libs = [f"{name}={dist_version(name)}" for name in ("regex", "rapidfuzz", "wordfreq", "ahocorasick_rs", "lemminflect")]
    head = [f"cleanup={__version__}", f"python={sys.version_info[:3]}", *libs, _code_hash()]
    return hashlib.sha256("\n".join(head + parts).encode()).hexdigest()[:32]


_CODE = ("document.py", "glossary.py", "language.py", "matcher.py", "morphology.py", "datafile.py")


def _code_hash() -> str:
    """The source of the modules that build a compiled index: a development checkout whose
    code changed without a version bump never reads a stale index."""
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.hexdigest()


def _usable(folder: Path) -> bool:
    try:
        st = folder.stat()
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and not st.st_mode & stat.S_IWOTH


def load_or_build(name: str, build: Callable[[], Any]) -> Any:
    """The object cached under ``name``, or ``build()`` (then cached, best effort)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{name}.pickle"
    if _usable(folder):
        try:
            with open(path, "rb") as fh:
                value = _load(fh)
            os.utime(path)  # recently used: kept by the pruning
            return value
        except FileNotFoundError:
            pass
        except Exception:  # a corrupt or foreign file: compile again (and replace it)
            pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not _usable(folder):
            return value
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _prune(folder)
    except (OSError, pickle.PicklingError, RecursionError, AttributeError, TypeError):
        pass  # not picklable (e.g. a morphology class defined in a function): no cache
    return value


def _load(fh) -> Any:
    """Unpickle with the cyclic garbage collector paused: a compiled index is hundreds of
    thousands of objects, and collections triggered while they are created (each scanning all
    of them) tripled the time it took to read one."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(fh)
    finally:
        if enabled:
            gc.enable()


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP:]:
        old.unlink(missing_ok=True)
