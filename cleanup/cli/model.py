"""``cleanup model ...``: register and list local translation models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .app import EXIT_CLEAN, model_app


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
    from ..models import add_model

    info = add_model(path, src=src, tgt=tgt, multilingual=multilingual, name=name, link=link, replace=replace)
    pair = "multilingual" if info.multilingual else f"{info.src}->{info.tgt}"
    print(f"added {info.name}: {pair}, {info.layout} layout, {info.size_bytes / 1e6:.1f} MB, {info.path}")
    return EXIT_CLEAN


@model_app.command("list")
def model_list() -> int:
    """Registered models: name, languages, layout, size, path."""
    from ..models import list_models, models_dir

    models = list_models()
    if not models:
        print(f"no models registered in {models_dir()} (add one with `cleanup model add`)")
    for info in models:
        pair = "multilingual" if info.multilingual else f"{info.src}->{info.tgt}"
        print(f"{info.name}\t{pair}\t{info.layout}\t{info.size_bytes / 1e6:.1f} MB\t{info.path}")
    return EXIT_CLEAN
