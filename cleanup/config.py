"""Settings from a config file and the command line, with where each value came from.

The file is ``cleanup.toml`` in the working directory or the nearest folder above it, or the
``[tool.cleanup]`` table of a ``pyproject.toml`` found the same way (``cleanup.toml`` wins in
the same folder). Command-line options override it. Unknown keys and wrong types are errors
naming the file and line. Paths in the file are relative to the file's folder.

    # cleanup.toml
    glossary_dir = ["glossaries-newsroom"]
    skip = ["mojibake"]
    model = "opus-mt-fr-en"
    beam = 5
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .datafile import key_line, read_toml
from .errors import UsageError


@dataclass(frozen=True)
class Option:
    kind: str  # str | int | float | bool | strings | paths | choice
    default: Any
    help: str
    choices: tuple[str, ...] = ()


OPTIONS: dict[str, Option] = {
    "lang": Option("str", None, "language of the text (default: detected)"),
    "glossary": Option("paths", (), "extra glossary files"),
    "glossary_dir": Option("paths", (), "extra folders laid out like glossaries/"),
    "bundled": Option("bool", True, "load the bundled glossaries"),
    "skip": Option("strings", (), "detectors to disable"),
    "only": Option("strings", (), "run only these detectors"),
    "encoding": Option("str", "utf-8", "input encoding, or 'auto'"),
    "max_mb": Option("float", 64.0, "refuse inputs larger than this many megabytes"),
    "fix_mojibake": Option("bool", False, "repair mojibake instead of only flagging it"),
    "edit_quotes": Option("bool", False, "edit inside quotations too (default: flag them)"),
    "assume_mt": Option("bool", False, "the input is machine-translated: edit common-word artefacts without corroboration"),
    "model": Option("str", None, "model folder, .argosmodel or registered name"),
    "beam": Option("int", 4, "beam size for re-translation"),
    "device": Option("choice", "auto", "device for the model", ("auto", "cpu", "cuda")),
    "retranslate_sentences": Option("bool", False, "with a source: also repair whole sentences"),
    "source_lang": Option("str", None, "language of the source text (default: detected)"),
    "color": Option("choice", "auto", "colour diffs", ("auto", "always", "never")),
    "jobs": Option("int", 0, "worker processes for batches (0: all cores for 16 inputs or more, or JSONL over 1 MB)"),
}


@dataclass
class Config:
    """Effective settings: ``values[key]`` and ``origins[key]`` ("default", "FILE:LINE" or
    "command line")."""

    values: dict[str, Any] = field(default_factory=lambda: {k: o.default for k, o in OPTIONS.items()})
    origins: dict[str, str] = field(default_factory=lambda: dict.fromkeys(OPTIONS, "default"))
    file: Path | None = None

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def override(self, given: dict[str, Any]) -> "Config":
        """Values given on the command line (None, or an empty list, means not given)."""
        for key, value in given.items():
            if key in OPTIONS and value is not None and value != [] and value != ():
                self.values[key] = _coerce(key, value, "command line")
                self.origins[key] = "command line"
        return self

    def settings(self):
        from .pipeline import Settings

        return Settings(skip=tuple(self.skip), only=tuple(self.only), fix_mojibake=self.fix_mojibake,
                        edit_quotes=self.edit_quotes, assume_mt=self.assume_mt,
                        beam=self.beam, device=self.device,
                        retranslate_sentences=self.retranslate_sentences, source_lang=self.source_lang)

    def cleaner_args(self) -> dict[str, Any]:
        return {"glossary_dirs": list(self.glossary_dir), "extra_glossaries": list(self.glossary),
                "settings": self.settings(), "bundled": self.bundled}

    def cleaner(self):
        from .pipeline import Cleaner

        return Cleaner(**self.cleaner_args())

    def describe(self) -> str:
        lines = [f"config file: {self.file or 'none found'}"]
        for key in OPTIONS:
            value = self.values[key]
            shown = [str(v) for v in value] if isinstance(value, (list, tuple)) else value
            lines.append(f"{key} = {shown!r}  ({self.origins[key]})")
        return "\n".join(lines) + "\n"


def find_config(start: Path | None = None) -> tuple[Path, dict, str, str] | None:
    """The nearest config: (path, table, text, table name) or None."""
    folder = (start or Path.cwd()).resolve()
    for d in (folder, *folder.parents):
        own = d / "cleanup.toml"
        if own.is_file():
            data, text = read_toml(own, UsageError)
            return own, data, text, ""
        project = d / "pyproject.toml"
        if project.is_file():
            data, text = read_toml(project, UsageError)
            table = data.get("tool", {}).get("cleanup") if isinstance(data.get("tool"), dict) else None
            if table is not None:
                return project, table, text, "tool.cleanup"
    return None


def load_config(path: Path | None = None, use_file: bool = True) -> Config:
    """Defaults, then the config file (``path``, or the nearest one; none with use_file=False,
    or when CLEANUP_NO_CONFIG is set)."""
    config = Config()
    if not use_file or os.environ.get("CLEANUP_NO_CONFIG"):
        return config
    if path is not None:
        data, text = read_toml(Path(path), UsageError)
        if "tool" in data and Path(path).name == "pyproject.toml":
            found = (Path(path), data.get("tool", {}).get("cleanup", {}), text, "tool.cleanup")
        else:
            found = (Path(path), data, text, "")
    else:
        found = find_config()
    if found is None:
        return config
    file, table, text, where = found
    if not isinstance(table, dict):
        raise UsageError(f"{file}:{key_line(text, 'cleanup', 'tool')}: [tool.cleanup] must be a table")
    config.file = file
    for key, value in table.items():
        line = key_line(text, key, where or None)
        if key not in OPTIONS:
            raise UsageError(f"{file}:{line}: unknown key {key!r}; known: {', '.join(OPTIONS)}")
        value = _coerce(key, value, f"{file}:{line}")
        if OPTIONS[key].kind == "paths":
            value = tuple(p if p.is_absolute() else file.parent / p for p in value)
        config.values[key] = value
        config.origins[key] = f"{file}:{line}"
    return config


def _coerce(key: str, value: Any, where: str) -> Any:
    opt = OPTIONS[key]

    def bad(what: str) -> UsageError:
        return UsageError(f"{where}: {key} must be {what}, not {value!r}")

    if opt.kind in ("strings", "paths"):
        if isinstance(value, (str, Path)):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, (str, Path)) for v in value):
            raise bad("a list of strings")
        return tuple(Path(v) for v in value) if opt.kind == "paths" else tuple(str(v) for v in value)
    if opt.kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if opt.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        return value
    if opt.kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        return float(value)
    value = getattr(value, "value", value)  # an Enum from the command line
    if not isinstance(value, str):
        raise bad("a string")
    if opt.kind == "choice" and value not in opt.choices:
        raise bad(f"one of {', '.join(opt.choices)}")
    return value
