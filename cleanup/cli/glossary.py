"""``cleanup glossary ...``: inspect, test, lint, edit, import/export glossaries, and measure
their coverage of a corpus. The library modules do the work (selftest, lint, editing,
termbase, coverage, precedence); this module parses options and prints."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import UsageError
from . import app as a
from .app import EXIT_CLEAN, EXIT_FINDINGS, glossary_app
from .commands import configure


class TermFormat(str, Enum):
    tbx = "tbx"
    csv = "csv"
    tsv = "tsv"


class ReportFormat(str, Enum):
    table = "table"
    json = "json"


Files = Annotated[Optional[list[Path]], typer.Argument(help="Glossary files (or folders of them).", show_default=False)]
LangFilter = Annotated[Optional[str], typer.Option("--lang", "-l", help="Only this target language.")]


def _note(message: str) -> None:
    sys.stderr.write(f"cleanup: note: {message}\n")


def _cleaner_with(ctx: typer.Context, files: list[Path], glossary, glossary_dir, bundled):
    """A cleaner with the configured glossaries plus ``files`` (as user files, unless loaded
    already: a bundled file is not loaded twice), and the entries of ``files``."""
    from ..glossary import load_glossary

    config = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled)
    cleaner = config.cleaner()
    known = {p.resolve() for pack in cleaner.packs.values() for p in pack.paths}
    known |= {Path(p).resolve() for p in config.glossary}
    for f in files:
        if f.resolve() not in known:
            gloss = load_glossary(f)
            cleaner.pack(gloss.lang).add(gloss)
            known.add(f.resolve())
    wanted = {f.resolve() for f in files}
    entries = [e for pack in cleaner.packs.values() for g in pack.glossaries if g.path.resolve() in wanted
               for e in g.entries]
    return cleaner, entries


def _expand(paths: list[Path]) -> list[Path]:
    from ..lint import glossary_files

    return glossary_files(paths)


@glossary_app.command("test")
def glossary_test(ctx: typer.Context, files: Files = None, glossary: a.Glossary = None,
                  glossary_dir: a.GlossaryDir = None, bundled: a.Bundled = None) -> int:
    """Run the entries' must_fire / must_not_fire examples; exit 1 on any failure. With FILES,
    only their entries (and their collisions with the other loaded entries)."""
    from ..selftest import check_all, check_entries, untested

    if files:
        cleaner, entries = _cleaner_with(ctx, _expand(files), glossary, glossary_dir, bundled)
        failures = check_entries(cleaner, entries)
    else:
        cleaner = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled).cleaner()
        entries = [e for pack in cleaner.packs.values() for e in pack.entries]
        failures = check_all(cleaner)
    for f in failures:
        print(f)
    missing = untested(entries)
    for line in missing:
        print(line)
    extra = f", {len(missing)} untested (no examples)" if missing else ""
    print(f"{len(entries)} entries, {len(failures)} failing examples{extra}")
    return EXIT_FINDINGS if failures else EXIT_CLEAN


@glossary_app.command("list")
def glossary_list(ctx: typer.Context, glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None,
                  bundled: a.Bundled = None, lang: LangFilter = None,
                  domain: Annotated[Optional[str], typer.Option("--domain", help="Only glossaries of this domain.")] = None) -> int:
    """Languages, glossary files and entry counts (per language and per domain), with each
    file's precedence."""
    from ..resources import display_path

    cleaner = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled).cleaner()
    if lang is not None and lang not in cleaner.packs:
        raise UsageError(f"unsupported language {lang!r}; have {', '.join(sorted(cleaner.packs))}")
    for code, pack in sorted(cleaner.packs.items()):
        if lang is not None and code != lang:
            continue
        shown = [g for g in pack.glossaries if domain is None or g.domain == domain]
        if domain is not None and not shown:
            continue
        count = sum(len(g.entries) for g in shown)
        print(f"{code} ({pack.language.name}): {count} entries in {len(shown)} glossar{'y' if len(shown) == 1 else 'ies'}")
        for g in shown:
            rank = pack.ranks[g.entries[0].key].describe() if g.entries else ""
            untested = sum(1 for e in g.entries if not e.must_fire or not e.must_not_fire)
            extra = f", {untested} untested" if untested else ""
            print(f"  {display_path(g.path)}: {g.domain}, {len(g.entries)} entries{extra} ({rank}), sha256 {g.sha256[:12]}")
    return EXIT_CLEAN


def _norm(text: str) -> tuple[str, ...]:
    from ..document import WORD_RE, normalize_token

    return tuple(normalize_token(m.group()) for m in WORD_RE.finditer(text))


def _matches(entry, query: str, q: tuple[str, ...]) -> bool:
    if query in (entry.key, entry.id):
        return True
    names = [entry.term, entry.source, *entry.wrong, *entry.admitted, *(w for _, ws in entry.translations for w in ws)]
    return bool(q) and any(_norm(n) == q for n in names if n)


def _describe_entry(e, pack, by_form: dict) -> None:
    from ..precedence import ordered
    from ..resources import display_path

    rank = pack.ranks[e.key]
    print(f"{e.key}  {display_path(e.path)}:{e.line}")
    print(f"  term: {e.term!r}  kind: {e.kind}  action: {e.action}")
    if e.wrong:
        print(f"  wrong: {', '.join(map(repr, e.wrong))}")
    if e.pattern is not None:
        print(f"  pattern: {e.pattern.pattern}")
    if e.source:
        print(f"  source: {e.source!r}")
    conds = [f"{k} {list(getattr(e, k))}" for k in ("require", "forbid") if getattr(e, k)]
    conds += [f"{k} {getattr(e, k).pattern!r}" for k in ("before", "not_before", "after", "not_after") if getattr(e, k)]
    if conds:
        print(f"  context ({e.scope}): " + "; ".join(conds))
    extras = [f"fuzzy {e.fuzzy}" if e.fuzzy else "", "case exact" if e.case_exact else "", "" if e.plural else "no plural"]
    if any(extras):
        print("  matching: " + ", ".join(x for x in extras if x))
    for label, value in (("note", e.note), ("definition", e.definition), ("concept", e.concept)):
        if value:
            print(f"  {label}: {value}")
    if e.admitted:
        print(f"  admitted: {', '.join(map(repr, e.admitted))}")
    if e.untested:
        print(f"  untested: {e.untested}")
    print(f"  examples: {len(e.must_fire)} must_fire, {len(e.must_not_fire)} must_not_fire")
    print(f"  precedence: priority {rank.priority} ({rank.describe()})")
    forms = {_norm(w) for w in e.wrong}
    rivals = {x.key: x for f in forms for x in by_form.get(f, ()) if x.key != e.key}
    if rivals:
        print("  on a shared wrong form, the first wins a tie (same span):")
        for k, x in enumerate(ordered([e, *rivals.values()], pack.ranks), 1):
            shared = [w for w in x.wrong if _norm(w) in forms]
            print(f"    {k}. {x.key} -> {x.term!r} on {', '.join(map(repr, shared))} "
                  f"(priority {pack.ranks[x.key].priority}, {pack.ranks[x.key].describe()})")


@glossary_app.command("show")
def glossary_show(ctx: typer.Context,
                  query: Annotated[str, typer.Argument(help="An entry key or id, a term, a wrong form or a source word.")],
                  glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None, bundled: a.Bundled = None,
                  lang: LangFilter = None) -> int:
    """Entries by key, id, term, wrong form or source word, with their conditions, examples
    and precedence (which entry wins where two share a wrong form). Exit 1 if none match."""
    cleaner = configure(ctx, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled).cleaner()
    q = _norm(query)
    found = 0
    for code, pack in sorted(cleaner.packs.items()):
        if lang is not None and code != lang:
            continue
        hits = [e for e in pack.entries if _matches(e, query, q)]
        if not hits:
            continue
        by_form: dict[tuple[str, ...], list] = {}
        for x in pack.entries:
            for w in x.wrong:
                by_form.setdefault(_norm(w), []).append(x)
        for e in hits:
            found += 1
            _describe_entry(e, pack, by_form)
    if not found:
        sys.stderr.write(f"cleanup: no entry matches {query!r}\n")
        return EXIT_FINDINGS
    return EXIT_CLEAN


@glossary_app.command("lint")
def glossary_lint(
    paths: Annotated[list[Path], typer.Argument(help="Glossary files or folders (e.g. glossaries/ my.toml).")],
    allow: Annotated[Optional[Path], typer.Option("--allow", help="Allow-list of reviewed findings: 'RULE ENTRY-KEY  # reason' a line.")] = None,
    examples: Annotated[bool, typer.Option("--examples/--no-examples", help="Also run the must_fire examples (shadowed-example, refires).")] = True,
) -> int:
    """Check glossaries for problems (duplicates, ambiguous wrong forms, fixes that fire again,
    common words without context, bad or slow regexes, missing examples, shadowed examples,
    unknown fields). One line each, FILE:LINE: RULE: message; exit 1 on any."""
    from ..lint import Allow, lint

    report = lint(list(paths), Allow.load(allow) if allow else None, examples=examples)
    for p in report.problems:
        print(p)
    for line in report.stale:
        _note(line)
    allowed = f", {len(report.allowed)} allowed by {allow}" if allow else ""
    print(f"{len(report.problems)} problems in {report.files} files ({report.entries} entries){allowed}")
    return EXIT_FINDINGS if report.problems else EXIT_CLEAN


@glossary_app.command("add")
def glossary_add(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The glossary file (created if missing, with --lang).")],
    term: Annotated[str, typer.Option("--term", help="The correct rendering.")],
    wrong: Annotated[Optional[list[str]], typer.Option("--wrong", help="A wrong rendering (repeatable).")] = None,
    pattern: Annotated[Optional[str], typer.Option("--pattern", help="A regex instead of --wrong.")] = None,
    entry_id: Annotated[Optional[str], typer.Option("--id", help="The entry id (default: from the term and the first wrong form).")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="The pivot-language word.")] = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Artefact family (lexical, place, title...).")] = None,
    action: Annotated[Optional[str], typer.Option("--action", help="replace, flag or retranslate.")] = None,
    scope: Annotated[Optional[str], typer.Option("--scope", help="Where --require/--forbid look: sentence, paragraph, document.")] = None,
    require: Annotated[Optional[list[str]], typer.Option("--require", help="A context word one of which must be present (repeatable).")] = None,
    forbid: Annotated[Optional[list[str]], typer.Option("--forbid", help="A context word none of which may be present (repeatable).")] = None,
    before: Annotated[Optional[str], typer.Option("--before", help="Regex the text just before must match.")] = None,
    not_before: Annotated[Optional[str], typer.Option("--not-before", help="Regex the text just before must not match.")] = None,
    after: Annotated[Optional[str], typer.Option("--after", help="Regex the text just after must match.")] = None,
    not_after: Annotated[Optional[str], typer.Option("--not-after", help="Regex the text just after must not match.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Why it is wrong (shown in findings).")] = None,
    fires: Annotated[Optional[list[str]], typer.Option("--fires", help="A must_fire example (repeatable).")] = None,
    ok: Annotated[Optional[list[str]], typer.Option("--ok", help="A must_not_fire example (repeatable).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", "-l", help="Target language of a new file.")] = None,
    glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None, bundled: a.Bundled = None,
) -> int:
    """Append one entry to a glossary, keeping the rest of the file byte for byte; then run its
    examples (exit 1 if they fail; the entry stays, fix it or remove it)."""
    import tomllib

    from ..datafile import read_bytes
    from ..editing import append_entry, render_glossary, slug
    from ..glossary import glossary_from_data
    from ..selftest import check_entries
    from ..textio import write_atomic

    if file.exists():
        text = read_bytes(file).decode("utf-8", errors="strict")
    elif lang:
        text = render_glossary({"lang": lang, "domain": file.stem}, [])
    else:
        raise UsageError(f"{file}: no such glossary; give --lang to create it")
    fields = {"id": entry_id or slug(term, *(wrong or [])[:1]), "term": term, "wrong": wrong or [], "pattern": pattern,
              "source": source, "kind": kind, "action": action, "scope": scope, "require": require or [],
              "forbid": forbid or [], "before": before, "not_before": not_before, "after": after,
              "not_after": not_after, "note": note, "must_fire": fires or [], "must_not_fire": ok or []}
    new = append_entry(text, {k: v for k, v in fields.items() if v not in (None, [], "")})
    raw = new.encode("utf-8")
    gloss = glossary_from_data(tomllib.loads(new), new, raw, file)  # refuses a bad entry: nothing written
    write_atomic(file, raw)
    added = gloss.entries[-1]
    print(f"added {added.key} at {file}:{added.line}")
    cleaner, entries = _cleaner_with(ctx, [file], glossary, glossary_dir, bundled)
    failures = check_entries(cleaner, [e for e in entries if e.key == added.key])
    for f in failures:
        print(f)
    return EXIT_FINDINGS if failures else EXIT_CLEAN


@glossary_app.command("fmt")
def glossary_fmt(
    paths: Annotated[list[Path], typer.Argument(help="Glossary files or folders.")],
    check: Annotated[bool, typer.Option("--check", help="Change nothing; exit 1 if a file is not in canonical layout.")] = False,
) -> int:
    """Rewrite glossaries in canonical layout (id and term first, examples last, one blank line
    between entries...), keeping comments and the data."""
    from ..editing import format_file
    from ..textio import write_atomic

    changed = []
    files = _expand(paths)
    for f in files:
        old, new = format_file(f)
        if old != new:
            changed.append(f)
            if not check:
                write_atomic(f, new.encode("utf-8"))
    for f in changed:
        print(f"{'would reformat' if check else 'reformatted'} {f}")
    print(f"{len(changed)} of {len(files)} files {'need formatting' if check else 'reformatted'}")
    return EXIT_FINDINGS if check and changed else EXIT_CLEAN


def _format_of(path: Path, given: TermFormat | None) -> str:
    if given is not None:
        return given.value
    ext = path.suffix.lower()
    if ext in (".tbx", ".xml"):
        return "tbx"
    if ext in (".csv", ".tsv"):
        return ext[1:]
    raise UsageError(f"{path}: cannot tell the format from the extension; give --format tbx|csv|tsv")


@glossary_app.command("import")
def glossary_import(
    source: Annotated[Path, typer.Argument(help="A term base: .tbx, .csv or .tsv.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The glossary to write (.toml), or a folder: OUT/<lang>/<domain>.toml.")],
    fmt: Annotated[Optional[TermFormat], typer.Option("--format", "-f", help="tbx, csv or tsv (default: from the extension).", show_default=False)] = None,
    lang: Annotated[Optional[list[str]], typer.Option("--lang", "-l", help="Target language(s) to import (TBX default: every language with deprecated or forbidden terms; required for CSV/TSV).")] = None,
    source_lang: Annotated[Optional[str], typer.Option("--source-lang", help="TBX: the language whose terms become `source` (default: the file's xml:lang).")] = None,
    domain: Annotated[Optional[str], typer.Option("--domain", help="Domain of the glossary (default: the output file's name).")] = None,
) -> int:
    """Import a TBX term base (deprecated and forbidden terms become wrong forms of the
    preferred term), or a CSV/TSV file with a header row, as glossaries. What a glossary cannot
    hold is reported on stderr."""
    import tomllib

    from ..glossary import glossary_from_data
    from ..termbase import read_table, read_tbx, termbase_to_glossaries, to_toml
    from ..textio import write_atomic

    kind = _format_of(source, fmt)
    to_file = output.suffix == ".toml"
    dom = domain or (output.stem if to_file else source.stem)
    report: list[str] = []
    if kind == "tbx":
        from ..pipeline import Cleaner

        known = set(Cleaner(bundled=False).packs)
        glossaries = termbase_to_glossaries(read_tbx(source, report), source.name, lang, source_lang, dom, report, known)
    else:
        if not lang or len(lang) != 1:
            raise UsageError("a CSV/TSV import needs one --lang (the target language)")
        glossaries = {lang[0]: read_table(source, "," if kind == "csv" else "\t", lang[0], dom, report)}
    if not glossaries:
        raise UsageError(f"{source}: no language with deprecated or forbidden terms to import; choose one with --lang")
    if to_file and len(glossaries) > 1:
        raise UsageError(f"{source}: terms for {', '.join(sorted(glossaries))}: choose one with --lang, "
                         f"or give -o a folder (OUT/<lang>/{dom}.toml)")
    written = []
    for code, g in sorted(glossaries.items()):
        target = output if to_file else output / code / f"{dom}.toml"
        text = to_toml(g, source.name)
        gloss = glossary_from_data(tomllib.loads(text), text, text.encode(), target)  # a bad import writes nothing
        written.append((target, text, gloss))
    for target, text, gloss in written:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        untested = sum(1 for e in gloss.entries if e.untested)
        print(f"wrote {target}: {len(gloss.entries)} entries ({untested} untested: no examples)")
    for line in report:
        _note(line)
    return EXIT_CLEAN


@glossary_app.command("export")
def glossary_export(
    files: Annotated[list[Path], typer.Argument(help="Glossary files (several for one multilingual TBX).")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (default: stdout).")] = None,
    fmt: Annotated[Optional[TermFormat], typer.Option("--format", "-f", help="tbx, csv or tsv (default: from -o's extension, else tbx).", show_default=False)] = None,
    source_lang: Annotated[Optional[str], typer.Option("--source-lang", help="TBX: the language of the `source` words (default: the glossary's source_lang).")] = None,
) -> int:
    """Export glossaries as TBX v3 (TBX-Basic), CSV or TSV. What the format cannot carry is
    reported on stderr."""
    from ..termbase import load_data, write_table, write_tbx
    from ..textio import write_atomic

    kind = fmt.value if fmt else (_format_of(output, None) if output is not None else "tbx")
    data = [load_data(f) for f in _expand(files)]
    report: list[str] = []
    if kind == "tbx":
        text = write_tbx(data, report, source_lang)
    else:
        if len(data) != 1:
            raise UsageError(f"a {kind.upper()} export takes one glossary file")
        text = write_table(data[0], "," if kind == "csv" else "\t", report)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text.encode("utf-8"))
        print(f"wrote {output}: {sum(len(d.entries) for d in data)} entries")
    for line in report:
        _note(line)
    return EXIT_CLEAN


@glossary_app.command("coverage")
def glossary_coverage(
    ctx: typer.Context,
    corpus: Annotated[list[Path], typer.Argument(help="Articles: folders of .txt files (or .jsonl with --jsonl), or files.")],
    clean: Annotated[Optional[list[Path]], typer.Option("--clean", help="A folder of articles known to be clean: every finding there is a false-positive candidate (repeatable).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="table or json.")] = ReportFormat.table,
    jsonl: a.Jsonl = False,
    text_field: a.TextField = "text",
    lang: a.Lang = None,
    glossary: a.Glossary = None, glossary_dir: a.GlossaryDir = None, bundled: a.Bundled = None,
) -> int:
    """Hits per entry on a corpus, entries never seen, the contexts that licensed or blocked
    them, near misses, and false-positive candidates from clean articles (exit 1 if any)."""
    import json

    from ..coverage import coverage

    config = configure(ctx, lang=lang, glossary=glossary, glossary_dir=glossary_dir, bundled=bundled)
    report = coverage(config.cleaner(), corpus, clean or [], jsonl=jsonl, text_field=text_field,
                      lang=config.lang, max_mb=config.max_mb)
    if fmt == ReportFormat.json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(report.table())
    return EXIT_FINDINGS if report.false_positives else EXIT_CLEAN
