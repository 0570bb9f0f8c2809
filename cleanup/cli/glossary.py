"""``cleanup glossary ...``: inspect and test glossaries."""

from __future__ import annotations

import typer

from . import app as a
from .app import EXIT_CLEAN, EXIT_FINDINGS, glossary_app
from .commands import configure


@glossary_app.command("test")
def glossary_test(ctx: typer.Context, glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None,
                  bundled: a.Bundled = None) -> int:
    """Run every entry's must_fire / must_not_fire examples; exit 1 on any failure."""
    from ..selftest import check_all

    cleaner = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled).cleaner()
    failures = check_all(cleaner)
    for f in failures:
        print(f)
    total = sum(len(p.entries) for p in cleaner.packs.values())
    print(f"{total} entries, {len(failures)} failing examples")
    return EXIT_FINDINGS if failures else EXIT_CLEAN


@glossary_app.command("list")
def glossary_list(ctx: typer.Context, glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None,
                  bundled: a.Bundled = None) -> int:
    """Languages, glossary files and entry counts."""
    from ..resources import display_path

    cleaner = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled).cleaner()
    for code, pack in sorted(cleaner.packs.items()):
        print(f"{code} ({pack.language.name}): {len(pack.entries)} entries")
        for g in pack.glossaries:
            print(f"  {display_path(g.path)}: {len(g.entries)} entries, sha256 {g.sha256[:12]}")
    return EXIT_CLEAN
