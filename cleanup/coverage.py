"""``cleanup glossary coverage``: what the glossary entries do on a corpus.

For every entry: hits (findings) and edits on the articles, the files it fired in, the
context items that licensed it (``require``) and the conditions that blocked a match of its
wrong form (found by matching again with the conditions removed, then trying each condition
alone), near misses (a word sequence within a few letters of a wrong form that no entry
caught: a typo the entry could list, or ``fuzzy`` could catch), and false-positive candidates:
every finding in the articles of a folder marked clean (``--clean``). Entries never seen are
listed too.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .document import Document
from .errors import InputError
from .glossary import Entry

NEAR_SCORE = 85  # rapidfuzz ratio from which a word sequence is a near miss of a wrong form
CONDITIONS = ("require", "forbid", "before", "not_before", "after", "not_after")


@dataclass
class EntryCoverage:
    key: str
    where: str
    hits: int = 0
    edits: int = 0
    files: set[str] = field(default_factory=set)
    licensed: Counter = field(default_factory=Counter)
    blocked: Counter = field(default_factory=Counter)
    near: Counter = field(default_factory=Counter)
    clean: list[str] = field(default_factory=list)

    @property
    def seen(self) -> bool:
        return bool(self.hits or self.blocked or self.clean)

    def to_dict(self) -> dict:
        return {"entry": self.key, "where": self.where, "hits": self.hits, "edits": self.edits,
                "files": sorted(self.files), "licensed_by": dict(self.licensed),
                "blocked_by": dict(self.blocked), "near_misses": dict(self.near),
                "false_positive_candidates": self.clean}


@dataclass
class CoverageReport:
    articles: int = 0
    clean_articles: int = 0
    entries: dict[str, EntryCoverage] = field(default_factory=dict)

    @property
    def false_positives(self) -> int:
        return sum(len(c.clean) for c in self.entries.values())

    def to_dict(self) -> dict:
        seen = [c for c in self.entries.values() if c.seen]
        return {"schema": "cleanup.coverage/1", "articles": self.articles, "clean_articles": self.clean_articles,
                "entries": [c.to_dict() for c in sorted(seen, key=lambda c: (-c.hits, c.key))],
                "never_seen": [{"entry": c.key, "where": c.where} for c in self.entries.values() if not c.seen],
                "near_misses": sum(sum(c.near.values()) for c in self.entries.values()),
                "false_positive_candidates": self.false_positives}

    def table(self) -> str:
        seen = sorted((c for c in self.entries.values() if c.seen), key=lambda c: (-c.hits, c.key))
        width = max([len(c.key) for c in seen] + [5])
        out = [f"{'entry':<{width}}  hits  edits  files  clean  contexts"]
        for c in seen:
            ctx = []
            if c.licensed:
                ctx.append("licensed by " + ", ".join(f"{k} {n}" for k, n in c.licensed.most_common()))
            if c.blocked:
                ctx.append("blocked by " + ", ".join(f"{k} {n}" for k, n in c.blocked.most_common()))
            out.append(f"{c.key:<{width}}  {c.hits:>4}  {c.edits:>5}  {len(c.files):>5}  {len(c.clean):>5}  {'; '.join(ctx)}".rstrip())
        near = [(c, text, n) for c in self.entries.values() for text, n in c.near.most_common()]
        if near:
            out.append("\nnear misses (not caught; a wrong form to add, or fuzzy):")
            out += [f"  {text} ~ {c.key}: {n}" for c, text, n in sorted(near, key=lambda x: (-x[2], x[0].key))]
        fps = [(c, x) for c in self.entries.values() for x in c.clean]
        if fps:
            out.append("\nfalse-positive candidates (findings in articles marked clean):")
            out += [f"  {x}: {c.key}" for c, x in fps]
        never = [c for c in self.entries.values() if not c.seen]
        if never:
            out.append(f"\nnever seen ({len(never)}):")
            out += [f"  {c.key} ({c.where})" for c in never]
        total = len(self.entries)
        out.append(f"\n{self.articles} articles, {self.clean_articles} clean; {total} entries: "
                   f"{total - len(never)} seen, {len(never)} never seen; {len(near)} near misses; "
                   f"{len(fps)} false-positive candidates")
        return "\n".join(out) + "\n"


def articles(paths: list[Path], jsonl: bool, text_field: str, max_mb: float = 64):
    """(name, text) of every article under ``paths``: ``*.txt`` files (or ``*.jsonl`` lines)."""
    from .textio import read_source

    suffix = ".jsonl" if jsonl else ".txt"
    for p in map(Path, paths):
        files = sorted(f for f in p.rglob(f"*{suffix}") if f.is_file()) if p.is_dir() else [p]
        if not p.exists():
            raise InputError(f"{p}: no such file or folder")
        for f in files:
            source = read_source(str(f), "utf-8", max_mb)
            if not jsonl:
                yield str(f), source.text
                continue
            for n, line in enumerate(source.text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{f}:{n}: not JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(obj, dict) or not isinstance(obj.get(text_field), str):
                    raise InputError(f"{f}:{n}: not a JSON object with a string {text_field!r} field")
                yield f"{f}[{n}]", obj[text_field]


def _stripped(entry: Entry, keep: str | None = None, forbid: tuple[str, ...] | None = None) -> Entry:
    """The entry without its context conditions (all but ``keep``)."""
    changes = {k: (() if k in ("require", "forbid") else None) for k in CONDITIONS if k != keep}
    if forbid is not None:
        changes["forbid"] = forbid
    return replace(entry, **changes)


class _Lang:
    """Per language: the index without conditions and the near-miss buckets."""

    def __init__(self, pack):
        from .matcher import GlossaryIndex

        self.pack = pack
        self.language = pack.language
        self.stripped = GlossaryIndex([_stripped(e) for e in pack.entries], pack.language)
        self.buckets: dict[tuple[int, str], list[tuple[str, Entry]]] = defaultdict(list)
        self.forms: set[str] = set()
        for e in pack.entries:
            for w in e.wrong:
                norms = Document(w).tokens
                text = " ".join(t.norm for t in norms)
                if norms and not e.fuzzy:
                    self.buckets[(len(norms), text[0])].append((text, e))
                self.forms.add(text)
            self.forms.add(" ".join(t.norm for t in Document(e.term).tokens))
        self.choices = {k: [t for t, _ in v] for k, v in self.buckets.items()}

    def blocked_by(self, entry: Entry, doc: Document, start: int, end: int) -> str:
        from .matcher import GlossaryIndex

        def fires(variant: Entry) -> bool:
            return any(f.start == start and f.end == end for f in GlossaryIndex([variant], self.language).find(doc))

        for cond in CONDITIONS:
            if not getattr(entry, cond):
                continue
            if fires(_stripped(entry, keep=cond)):
                continue
            if cond == "forbid":
                item = next((x for x in entry.forbid if not fires(_stripped(entry, keep="forbid", forbid=(x,)))), "")
                return f"forbid {item!r}" if item else "forbid"
            return "require (none present)" if cond == "require" else cond
        return "another condition"

    def near_misses(self, doc: Document, covered: set[int]):
        from rapidfuzz import fuzz, process

        toks = doc.tokens
        for i, tok in enumerate(toks):
            if len(tok.norm) < 4 or tok.norm in self.language.stopwords or tok.norm.isdigit():
                continue
            for n in (1, 2, 3):
                if i + n > len(toks) or any(k in covered for k in range(i, i + n)):
                    break
                choices = self.choices.get((n, tok.norm[0]))
                if not choices:
                    continue
                window = " ".join(t.norm for t in toks[i : i + n])
                if window in self.forms:
                    continue
                best = process.extractOne(window, choices, scorer=fuzz.ratio, score_cutoff=NEAR_SCORE)
                if best is None:
                    continue
                form, score, idx = best
                if abs(len(window) - len(form)) > 2 or window.startswith(form) or form.startswith(window):
                    continue  # an inflection, not a garbled form
                yield doc.text[tok.start : toks[i + n - 1].end], form, score, self.buckets[(n, tok.norm[0])][idx][1]


def coverage(cleaner, corpus: list[Path], clean: list[Path] = (), *, jsonl: bool = False,
             text_field: str = "text", lang: str | None = None, max_mb: float = 64) -> CoverageReport:
    report = CoverageReport()
    for code, pack in sorted(cleaner.packs.items()):
        for e in pack.entries:
            report.entries[e.key] = EntryCoverage(e.key, e.where)
    langs: dict[str, _Lang] = {}
    for marked_clean, paths in ((False, corpus), (True, clean)):
        for name, text in articles(list(paths), jsonl, text_field, max_mb):
            if marked_clean:
                report.clean_articles += 1
            else:
                report.articles += 1
            result = cleaner.fix(text, lang)
            code = result.lang
            if code not in langs:
                langs[code] = _Lang(cleaner.pack(code))
            info = langs[code]
            doc = Document(text, info.language.abbreviations)
            real = {(f.start, f.end, f.entry) for f in result.findings if f.entry}
            for f in result.findings:
                c = report.entries.get(f.entry or "")
                if c is None:
                    continue
                if marked_clean:
                    line, col = doc.line_col(f.start)
                    c.clean.append(f"{name}:{line}:{col}: {f.text!r}")
                    continue
                c.hits += 1
                c.files.add(name)
                if f.evidence.get("context"):
                    c.licensed[f"require {f.evidence['context']!r}"] += 1
            if marked_clean:
                continue
            for e in result.edits:
                if e.entry in report.entries:
                    report.entries[e.entry].edits += 1
            covered: set[int] = set()
            for f in info.stripped.find(doc):
                covered.update(range(*doc.token_range(f.start, f.end)))
                if (f.start, f.end, f.entry) in real or f.entry not in report.entries:
                    continue
                entry = cleaner.entry(f.entry)
                report.entries[f.entry].blocked[info.blocked_by(entry, doc, f.start, f.end)] += 1
            for text_, form, score, entry in info.near_misses(doc, covered):
                report.entries[entry.key].near[f"{text_!r} ({score:.0f}% of {form!r})"] += 1
    return report
