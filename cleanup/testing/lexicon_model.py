"""Compile a word lexicon into a real CTranslate2 Transformer (a test model).

The network is built by hand with numpy (see README, "The lexicon test model"):
the residual stream holds +-one-hot blocks for the token and the position, the
encoder is the identity, decoder step i attends to source position i and the
output projection maps the attended source word to its translation.  The model
is monotone and word for word, so its outputs are known exactly.

CLI: python -m cleanup.testing.lexicon_model LEXICON.tsv OUT_DIR
         [--layout opus|argos|nllb] [--src fr --tgt en] [--zip]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from cleanup.models import nllb_code

LAYOUTS = ("opus", "argos", "nllb")
MAX_WORDS = 150
DEFAULT_POSITIONS = 64
SPECIAL = ("<unk>", "<s>", "</s>")
NLLB_SPECIAL = ("<s>", "<pad>", "</s>", "<unk>")
LANG_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish",
    "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "ru": "Russian",
}
# Logits (after the final norm) of the 1st, 2nd and 3rd ranked translations.
RANK_LOGITS = (20.0, 18.0, 16.0, 14.0, 12.0)
MATCH_SCORE = 40.0
EOS_SINK = 20.0
EOS_BIAS = -30.0
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

Lexicon = dict[str, list[str]]
LexiconInput = Mapping[str, str | Sequence[str]] | str | Path


# ---------------------------------------------------------------- lexicon


def parse_lexicon(text: str) -> Lexicon:
    """Parse TSV text: source, target, optional ranked alternatives."""
    lexicon: Lexicon = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        if len(cells) < 2:
            raise ValueError(f"line {number}: expected source<TAB>target: {raw!r}")
        _check_words(cells, number)
        if cells[0] in lexicon:
            raise ValueError(f"line {number}: duplicate source word {cells[0]!r}")
        lexicon[cells[0]] = cells[1:]
    return lexicon


def _check_words(words: Sequence[str], number: int) -> None:
    for word in words:
        if any(ch.isspace() for ch in word) or word.startswith("<") or "\u2581" in word:
            raise ValueError(f"line {number}: invalid word {word!r}")


def load_lexicon(lexicon: LexiconInput) -> Lexicon:
    """Accept a mapping (target or ranked list of targets) or a TSV path."""
    if isinstance(lexicon, (str, Path)):
        return parse_lexicon(Path(lexicon).read_text(encoding="utf-8"))
    result: Lexicon = {}
    for source, targets in lexicon.items():
        ranked = [targets] if isinstance(targets, str) else [str(t) for t in targets]
        _check_words([source, *ranked], 0)
        result[source] = ranked
    return result


def _words(lexicon: Lexicon) -> tuple[list[str], list[str]]:
    sources = sorted(lexicon)
    targets = sorted({word for ranked in lexicon.values() for word in ranked})
    if len(sources) > MAX_WORDS or len(targets) > MAX_WORDS:
        raise ValueError(f"lexicon too large: keep it <= {MAX_WORDS} words per side")
    if not sources:
        raise ValueError("empty lexicon")
    return sources, targets


# ---------------------------------------------------------- sentencepiece


def train_word_spm(words: Iterable[str]) -> bytes:
    """Train a SentencePiece word model over the given words, in memory."""
    import sentencepiece as spm

    vocabulary = sorted(set(words))
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(vocabulary),
        model_writer=buffer,
        model_type="word",
        vocab_size=len(vocabulary) + len(SPECIAL),
        hard_vocab_limit=True,
        normalization_rule_name="identity",
        character_coverage=1.0,
        num_threads=1,
        shuffle_input_sentence=False,
        max_sentencepiece_length=64,
        split_by_number=False,
        minloglevel=2,
    )
    return buffer.getvalue()


def spm_pieces(model: bytes) -> list[str]:
    """Pieces of a serialized SentencePiece model, in id order."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _piece(word: str) -> str:
    return "\u2581" + word


# ---------------------------------------------------------------- weights


@dataclass(frozen=True)
class Plan:
    """Vocabularies and the source->ranked-target map the network encodes."""

    source_vocab: list[str]
    target_vocab: list[str]
    mapping: dict[str, list[str]]
    positions: int


def _layout_dims(vs: int, positions: int, heads: int = 2) -> int:
    d = 2 * vs + 2 * positions
    step = 2 * heads
    return -(-d // step) * step


def _onepair(d: int, plus: int, minus: int) -> np.ndarray:
    row = np.zeros(d, dtype=np.float32)
    row[plus], row[minus] = 1.0, -1.0
    return row


def _position_table(d: int, vs: int, positions: int) -> np.ndarray:
    base = 2 * vs
    return np.stack([_onepair(d, base + p, base + positions + p) for p in range(positions)])


def _ln(d: int) -> tuple[np.ndarray, np.ndarray]:
    return np.ones(d, dtype=np.float32), np.zeros(d, dtype=np.float32)


def _set_ln(spec: Any, d: int) -> None:
    spec.gamma, spec.beta = _ln(d)


def _set_linear(spec: Any, weight: np.ndarray, bias: np.ndarray | None = None) -> None:
    spec.weight = weight.astype(np.float32)
    out = weight.shape[0]
    spec.bias = np.zeros(out, np.float32) if bias is None else bias.astype(np.float32)


def _zero_self_attention(spec: Any, d: int) -> None:
    _set_ln(spec.layer_norm, d)
    _set_linear(spec.linear[0], np.zeros((3 * d, d), np.float32))
    _set_linear(spec.linear[1], np.zeros((d, d), np.float32))


def _zero_ffn(spec: Any, d: int, inner: int = 16) -> None:
    _set_ln(spec.layer_norm, d)
    _set_linear(spec.linear_0, np.zeros((inner, d), np.float32))
    _set_linear(spec.linear_1, np.zeros((d, inner), np.float32))


def _cross_attention(spec: Any, d: int, vs: int, positions: int, eos: int) -> None:
    """Head 0: decoder step i attends source position i; V copies the token."""
    dh = d // 2
    c_enc = np.sqrt(d) / 2.0  # encoder output: 4 entries of +-1 after LayerNorm
    c_dec = np.sqrt(d / 2.0)  # decoder residual: 2 entries of +-1 before the cross-attention
    pos = 2 * vs
    q_w = np.zeros((d, d), np.float32)
    q_b = np.zeros(d, np.float32)
    kv_w = np.zeros((2 * d, d), np.float32)
    for p in range(positions):
        q_w[p, pos + p] = 1.0 / c_dec
        kv_w[p, pos + p] = MATCH_SCORE * np.sqrt(dh) / c_enc
    q_b[positions] = 1.0
    kv_w[positions, eos] = EOS_SINK * np.sqrt(dh) / c_enc
    out_w = np.zeros((d, d), np.float32)
    for token in range(vs):
        kv_w[d + token, token] = 1.0 / c_enc
        out_w[token, token] = 1.0
        out_w[vs + token, token] = -1.0
    _set_ln(spec.layer_norm, d)
    _set_linear(spec.linear[0], q_w, q_b)
    _set_linear(spec.linear[1], kv_w)
    _set_linear(spec.linear[2], out_w)


def _projection(plan: Plan, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Row y weighs the token slot of every source word translated as y."""
    c_fin = np.sqrt(d) / 2.0
    target_id = {tok: i for i, tok in enumerate(plan.target_vocab)}
    weight = np.zeros((len(plan.target_vocab), d), np.float32)
    for s, source in enumerate(plan.source_vocab):
        for rank, target in enumerate(plan.mapping.get(source, [])[: len(RANK_LOGITS)]):
            weight[target_id[target], s] = RANK_LOGITS[rank] / c_fin
    eos_s, eos_t = plan.source_vocab.index("</s>"), target_id["</s>"]
    weight[eos_t, eos_s] = (RANK_LOGITS[0] - EOS_BIAS) / c_fin
    bias = -1e-4 * np.arange(len(plan.target_vocab), dtype=np.float32)
    bias[eos_t] += EOS_BIAS
    for tok in ("<s>", "<pad>"):
        if tok in target_id:
            bias[target_id[tok]] += -2.0 * RANK_LOGITS[0]
    bias[target_id["<unk>"]] += -1.0
    return weight, bias


def build_spec(plan: Plan, add_source_eos: bool, decoder_start: str) -> Any:
    """Build the TransformerSpec encoding `plan`."""
    from ctranslate2.specs import TransformerSpec

    vs, positions = len(plan.source_vocab), plan.positions
    d = _layout_dims(vs, positions)
    spec = TransformerSpec.from_config(num_layers=1, num_heads=2)
    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = np.stack(
        [_onepair(d, i, vs + i) for i in range(vs)]).astype(np.float32)
    enc.scale_embeddings = False
    enc.position_encodings.encodings = _position_table(d, vs, positions)
    _zero_self_attention(enc.layer[0].self_attention, d)
    _zero_ffn(enc.layer[0].ffn, d)
    _set_ln(enc.layer_norm, d)
    dec.embeddings.weight = np.zeros((len(plan.target_vocab), d), np.float32)
    dec.scale_embeddings = False
    dec.position_encodings.encodings = _position_table(d, vs, positions)
    _zero_self_attention(dec.layer[0].self_attention, d)
    _cross_attention(dec.layer[0].attention, d, vs, positions, plan.source_vocab.index("</s>"))
    _zero_ffn(dec.layer[0].ffn, d)
    _set_ln(dec.layer_norm, d)
    _set_linear(dec.projection, *_projection(plan, d))
    spec.register_source_vocabulary(plan.source_vocab)
    spec.register_target_vocabulary(plan.target_vocab)
    spec.config.add_source_eos = add_source_eos
    spec.config.decoder_start_token = decoder_start
    spec.validate()
    spec.optimize()
    return spec


# ----------------------------------------------------------------- plans


def _word_mapping(lexicon: Lexicon, extra: Mapping[str, str] = {}) -> dict[str, list[str]]:
    mapping = {_piece(s): [_piece(t) for t in ranked] for s, ranked in lexicon.items()}
    mapping.update({s: [t] for s, t in extra.items()})
    mapping["<unk>"] = ["<unk>"]
    mapping["<s>"] = ["<unk>"]
    return mapping


def _copy_unmapped(mapping: dict[str, list[str]], source: list[str], target: list[str]) -> None:
    """A shared vocabulary copies tokens it has no entry for (names, numbers)."""
    known = set(target)
    for token in source:
        if token not in mapping and token in known and not token.startswith("<"):
            mapping[token] = [token]


def _separate_plan(lexicon: Lexicon, positions: int) -> tuple[Plan, bytes, bytes]:
    sources, targets = _words(lexicon)
    src_model, tgt_model = train_word_spm(sources), train_word_spm(targets)
    plan = Plan(spm_pieces(src_model), spm_pieces(tgt_model), _word_mapping(lexicon), positions)
    return plan, src_model, tgt_model


def _shared_plan(lexicon: Lexicon, positions: int, lang_tokens: Mapping[str, str] = {},
                 nllb: bool = False) -> tuple[Plan, bytes]:
    sources, targets = _words(lexicon)
    model = train_word_spm([*sources, *targets])
    pieces = spm_pieces(model)
    if nllb:
        pieces = list(NLLB_SPECIAL) + [p for p in pieces if p not in NLLB_SPECIAL]
        pieces += sorted(set(lang_tokens) | set(lang_tokens.values()))
    mapping = _word_mapping(lexicon, lang_tokens)
    _copy_unmapped(mapping, pieces, pieces)
    return Plan(pieces, pieces, mapping, positions), model


# ---------------------------------------------------------------- writers


def _reset_dir(out_dir: Path) -> None:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)


def _write_opus(lexicon: Lexicon, out_dir: Path, positions: int) -> None:
    plan, src_model, tgt_model = _separate_plan(lexicon, positions)
    build_spec(plan, add_source_eos=True, decoder_start="<s>").save(str(out_dir))
    (out_dir / "source.spm").write_bytes(src_model)
    (out_dir / "target.spm").write_bytes(tgt_model)


def argos_metadata(src: str, tgt: str) -> dict[str, str]:
    """metadata.json content shaped like a real Argos Translate package."""
    return {
        "package_version": "1.0",
        "argos_version": "1.9.0",
        "from_code": src,
        "from_name": LANG_NAMES.get(src, src),
        "to_code": tgt,
        "to_name": LANG_NAMES.get(tgt, tgt),
        "type": "translate",
    }


def _write_argos(lexicon: Lexicon, out_dir: Path, positions: int, src: str, tgt: str) -> None:
    plan, model = _shared_plan(lexicon, positions)
    (out_dir / "model").mkdir()
    build_spec(plan, add_source_eos=True, decoder_start="<s>").save(str(out_dir / "model"))
    (out_dir / "sentencepiece.model").write_bytes(model)
    metadata = json.dumps(argos_metadata(src, tgt), indent=4, sort_keys=True) + "\n"
    (out_dir / "metadata.json").write_text(metadata, encoding="utf-8")
    readme = f"# {src} -> {tgt} lexicon test model (cleanup.testing.lexicon_model)\n"
    (out_dir / "README.md").write_text(readme, encoding="utf-8")


def _write_nllb(lexicon: Lexicon, out_dir: Path, positions: int, src: str, tgt: str) -> None:
    lang = {nllb_code(src): nllb_code(tgt)}
    plan, model = _shared_plan(lexicon, positions, lang, nllb=True)
    build_spec(plan, add_source_eos=False, decoder_start="</s>").save(str(out_dir))
    (out_dir / "sentencepiece.bpe.model").write_bytes(model)


def zip_folder(folder: Path, zip_path: Path) -> Path:
    """Zip `folder` (single top folder, sorted entries, fixed dates)."""
    folder = Path(folder)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            arcname = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.is_dir():
                info = zipfile.ZipInfo(arcname + "/", ZIP_DATE)
                info.external_attr = 0o40755 << 16
                archive.writestr(info, b"")
            else:
                info = zipfile.ZipInfo(arcname, ZIP_DATE)
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return zip_path


def build_model(lexicon: LexiconInput, out_dir: str | Path,
                layout: str = "opus", src: str = "fr", tgt: str = "en",
                positions: int = DEFAULT_POSITIONS, zip_argos: bool = False) -> Path:
    """Compile `lexicon` into `out_dir` (replaced); return the model path.

    With layout="argos" and zip_argos=True, also writes OUT_DIR.argosmodel
    next to the folder and returns that zip's path.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    words = load_lexicon(lexicon)
    out = Path(out_dir)
    _reset_dir(out)
    if layout == "opus":
        _write_opus(words, out, positions)
    elif layout == "argos":
        _write_argos(words, out, positions, src, tgt)
        if zip_argos:
            return zip_folder(out, out.with_name(out.name + ".argosmodel"))
    else:
        _write_nllb(words, out, positions, src, tgt)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleanup.testing.lexicon_model",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("lexicon", type=Path, help="TSV: source, target, ranked alternatives")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--layout", choices=LAYOUTS, default="opus")
    parser.add_argument("--src", default="fr")
    parser.add_argument("--tgt", default="en")
    parser.add_argument("--positions", type=int, default=DEFAULT_POSITIONS)
    parser.add_argument("--zip", action="store_true", help="argos: also write OUT_DIR.argosmodel")
    args = parser.parse_args(argv)
    try:
        path = build_model(args.lexicon, args.out_dir, args.layout, args.src, args.tgt,
                           args.positions, args.zip)
    except (OSError, ValueError) as exc:
        print(f"lexicon_model: error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
