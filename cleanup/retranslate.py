"""The model stage: re-translation of suspect spans from the source article, with glossary
terms forced. ``Cleaner.fix(text, source=..., model=...)`` runs it after the detectors.

Given the MT text's result (findings from glossaries and rules) and the source-language
original, suspect sentences are aligned with their source sentences and every glossary
finding becomes a span for the model: the MT words before the span and the glossary term are
forced as ``target_prefix``, the model continues, and only the span plus the words the model
changed around it are spliced back (see ``cleanup.translate``). Everything else stays
byte-identical. ctranslate2 is imported only when a model is actually used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import regex

from .document import WORD_RE, Document, Segment, normalize_token
from .errors import ModelError
from .result import Edit, Finding, Result

if TYPE_CHECKING:
    from .pipeline import LanguagePack

SENTENCE_MARGIN = 1.0  # nats per token: how much better the model's sentence must score


@dataclass
class ModelStage:
    """One model and its decoding settings, reused across the texts of a run."""

    model: str | None = None  # folder, .argosmodel, registry name; None: pick by language pair
    beam_size: int = 4
    device: str = "auto"
    sentences: bool = False  # also repair whole sentences the model scores far above the MT
    margin: float = SENTENCE_MARGIN
    threads: int = 0  # intra-op threads of the model (0: CTranslate2's default); batches set it

    def __post_init__(self) -> None:
        self._translators: dict[tuple[str, str], object] = {}

    def retranslator(self, src: str, tgt: str):
        """The Retranslator for src->tgt, its model checked and loaded (ModelError when there
        is none, or it is unusable): every model, registered or not, must declare a pair (its
        metadata, its registration or its name) that is src->tgt; none is assumed."""
        from .models import find_model, resolve_model
        from .textio import display
        from .translate import DecodeConfig, Retranslator

        key = (src, tgt)
        if key not in self._translators:
            if self.model:
                info = resolve_model(self.model)  # the pair its metadata or name declares
                if info.multilingual:
                    info = resolve_model(self.model, src, tgt)
                elif None in (info.src, info.tgt):
                    raise ModelError(
                        f"{display(info.path)}: cannot tell which language pair this model "
                        f"translates; name its folder like opus-mt-{src}-{tgt}, or register it "
                        f"with `cleanup model add PATH --src {src} --tgt {tgt}`")
            else:
                info = find_model(src, tgt)
            if not info.supports(src, tgt):
                have = "multilingual" if info.multilingual else f"{info.src}->{info.tgt}"
                raise ModelError(f"{display(info.path)}: model translates {have}, not {src}->{tgt}")
            config = DecodeConfig(beam_size=self.beam_size, device=self.device, intra_threads=self.threads)
            rt = Retranslator(info, config, src=src, tgt=tgt)
            rt.check()
            self._translators[key] = rt
        return self._translators[key]

    def run(self, result: Result, source_text: str, src: str, pack: "LanguagePack",
            src_abbreviations: frozenset[str]) -> tuple[list[Edit], list[str], dict]:
        """The edits of ``result`` with glossary edits replaced by the model's forced output,
        notes (sentences that could not be aligned), and the model's part of the signature."""
        rt = self.retranslator(src, result.lang)
        used = {"name": rt.info.name, "layout": rt.info.layout, "path": str(rt.info.path),
                "decode": rt.config.as_dict()}
        if not self.sentences and not any(f.rule == "glossary" for f in result.findings):
            return list(result.edits), [], used  # nothing to re-translate: no alignment
        src_sents = Document(source_text, src_abbreviations).sentences
        mt_doc = Document(result.text, pack.language.abbreviations)
        mt_sents = mt_doc.sentences
        from .align import align, mt_to_src

        anchors = {e.source: e.term for e in pack.entries if e.source and "{" not in e.term}
        links = align([s.text for s in src_sents], [s.text for s in mt_sents], anchors=anchors)
        m2s = mt_to_src(links)
        items, owners, notes = self._spans(result, src_sents, mt_doc, m2s, pack)
        model_edits: list[Edit] = []
        if items:
            from .translate import SpanItem

            spans = rt.retranslate_spans([SpanItem(*item) for item in items])
            model_edits = self._edits(spans, owners, result.text, rt)
        kept = [e for e in result.edits if not any(e.overlaps(m) for m in model_edits)]
        edits = model_edits + kept
        if self.sentences:
            edits += self._sentence_edits(rt, result.text, src_sents, mt_sents, m2s, edits)
        return sorted(edits, key=lambda e: e.start), notes, used

    def _sentence_edits(self, rt, text: str, src_sents, mt_sents, m2s: dict, taken: list[Edit]) -> list[Edit]:
        """Sentences whose MT the model scores ``margin`` nats/token below its own translation:
        the differing words are replaced by the model's (opt-in: --retranslate-sentences)."""
        import difflib

        from .translate import word_key

        pairs = [(mt_sents[k], " ".join(src_sents[i].text for i in m2s[k]))
                 for k in range(len(mt_sents)) if k in m2s]
        pairs = [(s, src) for s, src in pairs if not any(e.overlaps(s) for e in taken)]
        if not pairs:
            return []
        hyps = rt.translate([src for _, src in pairs])
        # A translation holding an unknown token is never spliced.
        outs = [h[0].text if h and not h[0].has_unknown else "" for h in hyps]
        scores = rt.score([src for _, src in pairs] * 2, [s.text for s, _ in pairs] + outs)
        n = len(pairs)
        edits = []
        for (sent, src), out, mt_score, hyp_score in zip(pairs, outs, scores[:n], scores[n:]):
            if not out or hyp_score - mt_score < self.margin:
                continue
            words = [(m.start(), m.end()) for m in regex.finditer(r"\S+", sent.text)]
            new_words = out.split()
            matcher = difflib.SequenceMatcher(None, [word_key(sent.text[a:b]) for a, b in words],
                                              [word_key(w) for w in new_words], autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op != "replace":
                    continue  # insertions and deletions change the sentence shape: left to the editor
                start, end = sent.start + words[i1][0], sent.start + words[i2 - 1][1]
                edits.append(Edit(
                    start=start, end=end, old=text[start:end], new=" ".join(new_words[j1:j2]),
                    rule="retranslate_sentence", kind="sentence", entry=None,
                    message=f"the model ({rt.info.name}) scores its own translation of this sentence "
                            f"{hyp_score - mt_score:.2f} nats/token above the MT",
                    evidence={"model": rt.info.name, "mt_score": round(mt_score, 4),
                              "model_score": round(hyp_score, 4), "source": src, "alternatives": []},
                ))
        return edits

    def _spans(self, result: Result, src_sents: list[Segment], mt_doc: Document, m2s: dict,
               pack: "LanguagePack"):
        items, owners, notes = [], [], []
        unaligned: set[int] = set()
        for f in result.findings:
            if f.rule != "glossary":
                continue
            sent = mt_doc.segment_at(f.start, "sentence")
            if sent is None or f.end > sent.end:
                continue
            if sent.index not in m2s:
                unaligned.add(sent.index)
                continue
            src_text = " ".join(src_sents[i].text for i in m2s[sent.index])
            term = self._forced_term(f, src_text, pack)
            if term is False:
                continue
            if any(o[1].index == sent.index and o[0].overlaps(f) for o in owners):
                continue  # one span per region of a sentence
            items.append((src_text, sent.text, (f.start - sent.start, f.end - sent.start), term))
            owners.append((f, sent))
        for k in sorted(unaligned):
            notes.append(f"sentence {k + 1} could not be aligned with the source: left to glossary and rules")
        return items, owners, notes

    def _forced_term(self, f: Finding, src_text: str, pack: "LanguagePack"):
        """The glossary term to force; None lets the model choose; False skips the span."""
        if f.action == "replace":
            return f.suggestion
        if f.action == "retranslate":
            return None
        # A flagged entry becomes a forced term only when the source sentence has its source word.
        source = f.evidence.get("source")
        entry = pack.by_key.get(f.entry or "")
        if source and entry is not None and _contains(src_text, source):
            return entry.term
        return False

    def _edits(self, spans, owners, text: str, rt) -> list[Edit]:
        edits = []
        for res, (f, sent) in zip(spans, owners):
            if not res.changed:
                continue
            start, end = sent.start + res.start, sent.start + res.end
            edit = Edit(
                start=start, end=end, old=text[start:end], new=res.text, rule="retranslate",
                kind=f.kind, entry=f.entry,
                message=f"re-translated from the source with {rt.info.name}"
                        + (f", forcing {f.suggestion!r}" if f.suggestion else ""),
                evidence={
                    "model": rt.info.name, "score": round(res.score, 4),
                    "alternatives": [list(a) for a in res.alternatives],
                    "resynced": res.resynced, "finding": f.text,
                },
            )
            if not any(edit.overlaps(e) for e in edits):
                edits.append(edit)
        return edits


def _contains(text: str, phrase: str) -> bool:
    def norm(t: str) -> str:
        return " " + " ".join(normalize_token(w) for w in WORD_RE.findall(t)) + " "

    return norm(phrase) in norm(text)
