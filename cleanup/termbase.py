"""Term bases in and out: TBX (TBX-Basic, TBX v2 ``martif`` and TBX v3 ``tbx``), CSV and TSV.

Import turns each concept into one glossary entry per target language: its preferred term
is the entry's ``term``, its deprecated and forbidden terms its ``wrong`` forms (the
forbidden ones also listed in ``forbidden``), admitted terms ``admitted``, the terms of the
other languages ``source`` (the source language's first term) and ``translations``,
definitions ``definition``, notes ``note``; contexts of the preferred or admitted terms become
``must_not_fire`` examples (correct text), contexts of deprecated or forbidden terms
``must_fire`` examples. An entry that gets no example of one kind is marked ``untested``, so
``glossary test`` and ``glossary lint`` say so. What a glossary cannot hold is reported.

Export writes TBX v3 (TBX-Basic, DCA style) or CSV/TSV. CSV/TSV carry every field (one column
a field, lists joined with `` | ``, a ``|`` inside an item written ``\\|``); TBX cannot carry
the matching conditions (require, forbid, before/after, patterns, fuzzy, case, plural, scope,
kind, action): those are reported, never silently dropped.

XML is parsed with defusedxml: entity declarations (billion laughs) and external entities
(XXE) are refused; nothing is fetched.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .datafile import read_bytes
from .errors import GlossaryError
from .glossary import MATCH_KEYS, META_KEYS

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TBX_NS = "urn:iso:std:iso:30042:ed-2"
STATUS_NOTES = ("administrativeStatus", "normativeAuthorization", "usageStatus")
WRONG_STATUSES = ("deprecated", "forbidden")
TBX_STATUS = {"preferred": "preferredTerm-admn-sts", "admitted": "admittedTerm-admn-sts",
              "deprecated": "deprecatedTerm-admn-sts", "forbidden": "forbiddenTerm-admn-sts"}
# Entry fields TBX has no data category for (patterns are skipped whole).
NOT_IN_TBX = ("require", "forbid", "before", "not_before", "after", "not_after", "fuzzy", "case",
              "plural", "scope", "kind", "action")
DEFAULTS = {"kind": "lexical", "action": "replace", "fuzzy": 0, "case": "ignore", "plural": True,
            "scope": "paragraph"}
LIST_FIELDS = ("wrong", "require", "forbid", "must_fire", "must_not_fire", "admitted", "forbidden")
CSV_FIELDS = tuple(k for k in (*MATCH_KEYS, *META_KEYS) if k != "translations")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_.\-]*")


@dataclass
class GlossaryData:
    """A glossary as plain data: the ``[glossary]`` header and the entry tables."""

    header: dict
    entries: list[dict] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.header["lang"]


# -- TBX reading ---------------------------------------------------------------------------------


@dataclass
class Term:
    text: str
    status: str  # preferred | admitted | deprecated | forbidden | "" (none given)
    raw_status: str = ""
    contexts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Concept:
    id: str
    definitions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    langs: dict[str, tuple[list[Term], list[str], list[str]]] = field(default_factory=dict)  # terms, defs, notes


@dataclass
class TermBase:
    lang: str  # the file's main language (xml:lang of the root), "" if none
    title: str
    concepts: list[Concept]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _kind(el) -> str:
    """``definition``/``context``/``subjectField``/``note``/status... of a TBX element, in the
    DCA style (``<descrip type="context">``) or the DCT style (``<basic:context>``)."""
    name = _local(el.tag)
    if name in ("descrip", "termNote", "admin", "ref", "xref", "transac"):
        return el.get("type", "")
    return name


def status_of(value: str) -> str:
    """A TBX status value (``preferredTerm-admn-sts``, ``forbidden``...) as one of
    preferred, admitted, deprecated, forbidden."""
    v = value.lower()
    if "forbid" in v or "prohibit" in v:
        return "forbidden"
    if "deprecat" in v or "supersed" in v or "notrecommend" in v or "obsolete" in v:
        return "deprecated"
    if "preferred" in v or "standardized" in v:
        return "preferred"
    if "admitted" in v:
        return "admitted"
    return ""


def read_tbx(path: Path, report: list[str]) -> TermBase:
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException
    from xml.etree.ElementTree import ParseError

    raw = read_bytes(Path(path))
    try:
        root = SafeET.fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GlossaryError(f"{path}: refused: the XML declares entities or external references "
                            f"({type(exc).__name__}); a term base never needs them") from None
    except ParseError as exc:
        line = getattr(exc, "position", (1, 0))[0]
        raise GlossaryError(f"{path}:{line}: not well-formed XML: {exc}") from None
    if _local(root.tag) not in ("martif", "tbx"):
        raise GlossaryError(f"{path}:1: not a TBX file (root <{_local(root.tag)}>, expected <tbx> or <martif>)")
    title = ""
    for el in root.iter():
        if _local(el.tag) in ("title", "sourceDesc"):
            title = _text(el)
            break
    concepts = []
    superseded = 0
    for entry in root.iter():
        if _local(entry.tag) not in ("conceptEntry", "termEntry"):
            continue
        c = Concept(entry.get("id", ""))
        for el in entry:
            name = _local(el.tag)
            if name in ("langSec", "langSet"):
                lang = (el.get(XML_LANG) or el.get("lang") or "").split("-")[0].lower()
                if not lang:
                    raise GlossaryError(f"{path}: concept {c.id!r}: a language section without xml:lang")
                terms, defs, notes = c.langs.setdefault(lang, ([], [], []))
                _lang_section(el, terms, defs, notes)
            else:
                _concept_item(el, c)
        concepts.append(c)
        superseded += sum(1 for terms, _, _ in c.langs.values() for t in terms if t.raw_status
                          and t.status == "deprecated" and "deprecat" not in t.raw_status.lower())
    if superseded:
        report.append(f"{superseded} term(s) marked superseded, obsolete or not recommended: read as deprecated")
    lang = (root.get(XML_LANG) or "").split("-")[0].lower()
    return TermBase(lang, title, concepts)


def _concept_item(el, c: Concept) -> None:
    kind = _kind(el)
    if _local(el.tag) in ("descripGrp", "adminGrp"):
        for sub in el:
            _concept_item(sub, c)
    elif kind == "definition":
        c.definitions.append(_text(el))
    elif kind == "subjectField":
        c.subjects.append(_text(el))
    elif kind == "note":
        c.notes.append(_text(el))


def _lang_section(el, terms: list[Term], defs: list[str], notes: list[str]) -> None:
    for sub in el:
        name = _local(sub.tag)
        if name in ("termSec", "tig", "ntig"):
            terms.append(_term(sub))
        elif name in ("descripGrp",):
            _lang_section(sub, terms, defs, notes)
        elif _kind(sub) == "definition":
            defs.append(_text(sub))
        elif _kind(sub) == "note":
            notes.append(_text(sub))


def _term(el) -> Term:
    term = Term("", "")
    for sub in el.iter():
        kind = _kind(sub)
        name = _local(sub.tag)
        if name == "term" and not term.text:
            term.text = _text(sub)
        elif kind in STATUS_NOTES:
            term.raw_status = _text(sub)
            term.status = status_of(term.raw_status) or term.status
        elif kind == "context":
            term.contexts.append(_text(sub))
        elif kind == "note":
            term.notes.append(_text(sub))
    return term


# -- TBX to glossaries ---------------------------------------------------------------------------


def _join(parts: list[str]) -> str:
    """Texts in one field: sentences follow each other, fragments are separated by '; '."""
    out = ""
    for p in _unique(parts):
        out += (" " if out.endswith((".", "!", "?")) else "; ") + p if out else p
    return out


def termbase_to_glossaries(tb: TermBase, name: str, langs: list[str] | None, source_lang: str | None,
                           domain: str, report: list[str], known: set[str] | None = None) -> dict[str, GlossaryData]:
    """One glossary per target language (``langs``: those only; default: every language with
    deprecated or forbidden terms that has a language profile in ``known``)."""
    present = sorted({lang for c in tb.concepts for lang in c.langs})
    if langs is None:
        langs = [lang for lang in present
                 if any(t.status in WRONG_STATUSES for c in tb.concepts for t in c.langs.get(lang, ([], [], []))[0])]
        if known is not None:
            for lang in [x for x in langs if x not in known]:
                report.append(f"{lang}: no language profile here (have {', '.join(sorted(known))}): not imported; "
                              f"add the language (README: Adding a language), then --lang {lang}")
            langs = [x for x in langs if x in known]
    out = {}
    for lang in langs:
        src = source_lang if source_lang is not None else (tb.lang if tb.lang and tb.lang != lang else "")
        if src == lang:
            src = ""
        header = {"lang": lang, "domain": domain}
        if src:
            header["source_lang"] = src
        if tb.title:
            header["description"] = tb.title
        data = GlossaryData(header)
        used: set[str] = set()
        skipped_none = skipped_only_wrong = 0
        for c in tb.concepts:
            entry = _concept_entry(c, lang, src, name, used, report)
            if entry == "none":
                skipped_none += 1
            elif entry == "only-wrong":
                skipped_only_wrong += 1
            elif entry is not None:
                data.entries.append(entry)
        if skipped_none:
            report.append(f"{lang}: {skipped_none} concept(s) with no deprecated or forbidden {lang} term: "
                          f"nothing to correct, not imported")
        if skipped_only_wrong:
            report.append(f"{lang}: {skipped_only_wrong} concept(s) with only deprecated or forbidden {lang} "
                          f"terms and no term to put instead: not imported")
        others = sum(1 for c in tb.concepts for other, (terms, _, _) in c.langs.items() if other != lang
                     for t in terms if t.status in WRONG_STATUSES)
        if others and len(langs) == 1:
            report.append(f"{lang}: {others} deprecated or forbidden term(s) of other languages belong in "
                          f"their own glossaries (import with --lang CODE, or without --lang into a folder)")
        subjects = {s for c in tb.concepts for s in c.subjects}
        if subjects - {domain}:
            report.append(f"{lang}: subject fields {sorted(subjects)} not carried (one glossary has one domain: {domain!r})")
        out[lang] = data
    return out


def _concept_entry(c: Concept, lang: str, src: str, name: str, used: set[str], report: list[str]):
    if lang not in c.langs:
        return None
    terms, defs, notes = c.langs[lang]
    wrong = [t for t in terms if t.status in WRONG_STATUSES]
    right = [t for t in terms if t.status not in WRONG_STATUSES]
    if not wrong:
        return "none"
    preferred = [t for t in right if t.status == "preferred"] or [t for t in right if not t.status] or right
    if not preferred:
        return "only-wrong"
    term = preferred[0]
    if len([t for t in right if t.status == "preferred"]) > 1:
        report.append(f"{lang}: concept {c.id!r}: several preferred terms; {term.text!r} is the term, "
                      f"the others are admitted")
    from .editing import slug

    eid = c.id if _ID_RE.fullmatch(c.id or "") and c.id not in used else slug(term.text, wrong[0].text)
    base, k = eid, 2
    while eid in used:
        eid, k = f"{base}-{k}", k + 1
    used.add(eid)
    entry: dict = {"id": eid, "term": term.text, "wrong": _unique(t.text for t in wrong)}
    source_terms = [t.text for t in c.langs.get(src, ([], [], []))[0] if t.status not in WRONG_STATUSES] if src else []
    if source_terms:
        entry["source"] = source_terms[0]
    entry["note"] = _join(c.notes + notes + [n for t in terms for n in t.notes])
    entry["must_fire"] = _unique(x for t in wrong for x in t.contexts)
    entry["must_not_fire"] = _unique(x for t in right for x in t.contexts)
    if c.id and c.id != eid:
        entry["concept"] = c.id
    entry["definition"] = _join(c.definitions + defs)
    entry["admitted"] = _unique(t.text for t in right if t is not term and t.text != term.text)
    entry["forbidden"] = _unique(t.text for t in wrong if t.status == "forbidden")
    translations = {}
    for other, (oterms, _, _) in sorted(c.langs.items()):
        if other == lang:
            continue
        words = [t.text for t in oterms if t.status not in WRONG_STATUSES]
        if other == src:
            words = words[1:]
        if words:
            translations[other] = words
    if translations:
        entry["translations"] = translations
    missing = [k for k in ("must_fire", "must_not_fire") if not entry[k]]
    if missing:
        entry["untested"] = (f"imported from {name} (concept {c.id or eid}) without a "
                             f"{' or '.join(missing)} example")
    return {k: v for k, v in entry.items() if v not in ("", [], {})}


def _unique(items) -> list[str]:
    out: list[str] = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return out


# -- TBX writing ---------------------------------------------------------------------------------


def write_tbx(glossaries: list[GlossaryData], report: list[str], source_lang: str | None = None) -> str:
    """TBX v3 (TBX-Basic, DCA style) of one or more glossaries; entries that share a concept
    id (``concept``, else ``id``) across languages become one concept entry."""
    import xml.etree.ElementTree as ET

    langs = sorted({g.lang for g in glossaries})
    sources = {source_lang or g.header.get("source_lang", "") for g in glossaries} - {""}
    main = sources.pop() if len(sources) == 1 else langs[0]
    root = ET.Element("tbx", {"type": "TBX-Basic", "style": "dca", XML_LANG: main, "xmlns": TBX_NS})
    header = ET.SubElement(root, "tbxHeader")
    desc = ET.SubElement(ET.SubElement(header, "fileDesc"), "sourceDesc")
    ET.SubElement(desc, "p").text = _join([g.header.get("description", "") for g in glossaries]) or "cleanup glossary"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    concepts: dict[str, object] = {}
    sections: dict[tuple[str, str], object] = {}
    lost: dict[str, list[str]] = {}
    for g in glossaries:
        src = source_lang or g.header.get("source_lang", "")
        for e in g.entries:
            if "pattern" in e:
                lost.setdefault("pattern (entry skipped: TBX has no regex)", []).append(e["id"])
                continue
            for k in NOT_IN_TBX:
                if k in e and e[k] != DEFAULTS.get(k):
                    lost.setdefault(k, []).append(e["id"])
            cid = e.get("concept") or e["id"]
            concept = concepts.get(cid)
            if concept is None:
                concept = concepts[cid] = ET.SubElement(body, "conceptEntry", {"id": _xml_id(cid)})
            sec = _section(concept, sections, cid, g.lang)
            for k, (tag, attrs) in enumerate(x for x in (("descrip", {"type": "definition"}) if e.get("definition") else None,
                                                          ("note", {}) if e.get("note") else None) if x):
                el = ET.Element(tag, attrs)  # before the term sections, as TBX orders them
                el.text = e["definition"] if tag == "descrip" else e["note"]
                sec.insert(k, el)
            _term_sec(sec, e["term"], "preferred", e.get("must_not_fire", []))
            for a in e.get("admitted", []):
                _term_sec(sec, a, "admitted", [])
            forbidden = set(e.get("forbidden", []))
            wrong = e.get("wrong", [])
            contexts: dict[str, list[str]] = {w: [] for w in wrong}
            for x in e.get("must_fire", []):  # on the wrong form it shows (else the first)
                contexts[next((w for w in wrong if w.casefold() in x.casefold()), wrong[0])].append(x)
            for w in wrong:
                _term_sec(sec, w, "forbidden" if w in forbidden else "deprecated", contexts[w])
            if e.get("source"):
                if src:
                    _term_sec(_section(concept, sections, cid, src), e["source"], "preferred", [], dedupe=True)
                else:
                    lost.setdefault("source (the glossary has no source_lang; give --source-lang)", []).append(e["id"])
            for other, words in e.get("translations", {}).items():
                for w in words:
                    _term_sec(_section(concept, sections, cid, other), w, "", [], dedupe=True)
        if g.header.get("general") is not None:
            lost.setdefault("general (header)", []).append(g.header.get("domain", ""))
    for what, ids in sorted(lost.items()):
        report.append(f"not carried by TBX: {what}: {len(ids)} entr{'y' if len(ids) == 1 else 'ies'} "
                      f"({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_id(cid: str) -> str:
    out = re.sub(r"[^A-Za-z0-9_.\-]", "_", cid)
    return out if re.match(r"[A-Za-z_]", out) else "_" + out


def _section(concept, sections: dict, cid: str, lang: str):
    import xml.etree.ElementTree as ET

    key = (cid, lang)
    if key not in sections:
        sections[key] = ET.SubElement(concept, "langSec", {XML_LANG: lang})
    return sections[key]


def _term_sec(sec, text: str, status: str, contexts: list[str], dedupe: bool = False) -> None:
    import xml.etree.ElementTree as ET

    if dedupe and any(_text(t) == text for t in sec.iter("term")):
        return
    existing = next((ts for ts in sec.findall("termSec") if ts.findtext("term") == text), None)
    ts = existing if existing is not None else ET.SubElement(sec, "termSec")
    if existing is None:
        ET.SubElement(ts, "term").text = text
    if status and ts.find("termNote") is None:
        note = ET.Element("termNote", {"type": "administrativeStatus"})
        note.text = TBX_STATUS[status]
        ts.insert(1, note)
    for x in contexts:
        ET.SubElement(ts, "descrip", {"type": "context"}).text = x


# -- CSV / TSV -----------------------------------------------------------------------------------


def _split(cell: str) -> list[str]:
    items, cur, i = [], [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell) and cell[i + 1] in "\\|":
            cur.append(cell[i + 1])
            i += 2
            continue
        if c == "|":
            items.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur).strip())
    return [x for x in items if x]


def _joined(items) -> str:
    return " | ".join(x.replace("\\", "\\\\").replace("|", "\\|") for x in items)


def write_table(g: GlossaryData, delimiter: str, report: list[str]) -> str:
    """CSV (``,``) or TSV (tab) with a header row: one column a field, every field carried."""
    langs = sorted({k for e in g.entries for k in e.get("translations", {})})
    columns = [k for k in CSV_FIELDS if k in ("id", "term", "wrong") or any(k in e for e in g.entries)]
    columns += [f"translations.{lang}" for lang in langs]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    for e in g.entries:
        row = []
        for col in columns:
            if col.startswith("translations."):
                v = e.get("translations", {}).get(col.split(".", 1)[1], [])
            else:
                v = e.get(col, "")
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, list):
                v = _joined(v)
            row.append(str(v))
        if delimiter == "\t" and any("\t" in c or "\n" in c for c in row):
            report.append(f"entry {e['id']!r}: a tab or newline inside a field is quoted (TSV readers may not expect it)")
        writer.writerow(row)
    dropped = [k for k in g.header if k not in ("lang", "domain")]
    if dropped:
        report.append(f"not carried by {'TSV' if delimiter == chr(9) else 'CSV'}: header {', '.join(dropped)} "
                      f"(give --lang/--domain on import)")
    return buf.getvalue()


def read_table(path: Path, delimiter: str, lang: str, domain: str, report: list[str]) -> GlossaryData:
    raw = read_bytes(Path(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{path}: not UTF-8 (byte {exc.start})") from None
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise GlossaryError(f"{path}:1: empty file: a header row is required") from None
    except csv.Error as exc:
        raise GlossaryError(f"{path}:1: {exc}") from None
    header = [h.strip() for h in header]
    for h in header:
        if h not in CSV_FIELDS and not re.fullmatch(r"translations\.[a-z]{2,3}", h):
            raise GlossaryError(f"{path}:1: unknown column {h!r}; known: {', '.join(CSV_FIELDS)}, translations.<lang>")
    if "term" not in header or ("wrong" not in header and "pattern" not in header):
        raise GlossaryError(f"{path}:1: the header row needs 'term' and 'wrong' (or 'pattern') columns")
    data = GlossaryData({"lang": lang, "domain": domain})
    used: set[str] = set()
    from .editing import slug

    try:
        for row in rows:
            line = rows.line_num
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise GlossaryError(f"{path}:{line}: {len(row)} fields, the header has {len(header)}")
            entry: dict = {}
            for col, cell in zip(header, row):
                if cell == "":
                    continue
                if col.startswith("translations."):
                    entry.setdefault("translations", {})[col.split(".", 1)[1]] = _split(cell)
                elif col in LIST_FIELDS:
                    entry[col] = _split(cell)
                elif col == "fuzzy":
                    if not cell.strip().isdigit():
                        raise GlossaryError(f"{path}:{line}: fuzzy must be a number, not {cell!r}")
                    entry[col] = int(cell)
                elif col == "plural":
                    if cell.strip().lower() not in ("true", "false"):
                        raise GlossaryError(f"{path}:{line}: plural must be true or false, not {cell!r}")
                    entry[col] = cell.strip().lower() == "true"
                else:
                    entry[col] = cell
            if "id" not in entry:
                entry["id"] = slug(entry.get("term", ""), *(entry.get("wrong") or [""])[:1])
            base, k = entry["id"], 2
            while entry["id"] in used:
                entry["id"], k = f"{base}-{k}", k + 1
            used.add(entry["id"])
            missing = [k for k in ("must_fire", "must_not_fire") if not entry.get(k)]
            if missing and "untested" not in entry:
                entry["untested"] = f"imported from {Path(path).name} (line {line}) without a {' or '.join(missing)} example"
            data.entries.append(entry)
    except csv.Error as exc:
        raise GlossaryError(f"{path}:{rows.line_num}: {exc}") from None
    return data


# -- glossaries as data ------------------------------------------------------------------------------


def load_data(path: Path) -> GlossaryData:
    """A glossary file as data (validated by the loader first)."""
    import tomllib

    from .glossary import load_glossary

    load_glossary(Path(path))
    data = tomllib.loads(read_bytes(Path(path)).decode("utf-8"))
    return GlossaryData(dict(data["glossary"]), [dict(e) for e in data.get("entry", [])])


def to_toml(g: GlossaryData, origin: str) -> str:
    from .editing import render_glossary

    return render_glossary(g.header, g.entries, comment=f"Imported from {origin} by `cleanup glossary import`.")
