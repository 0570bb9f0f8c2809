"""Re-translation throughput: Retranslator.translate vs raw translate_batch.

Builds the lexicon test model, translates ~1000 random 3-15 word sentences at
beam 4 both ways from the same tokenized input on the same ctranslate2.Translator
(cache off), best of 5 interleaved runs, and prints a one-line summary.  Exit 1
if the overhead of Retranslator (prefixes, cache keys, detokenizing, hypotheses)
is 15% or more.  The lexicon model is tiny (about 0.5 ms a sentence), so this
overhead is an upper bound: with a real model the decoder dominates.

Run: python bench/bench_translate.py [--sentences 1000] [--beam 4] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleanup.testing.lexicon_model import build_model, load_lexicon  # noqa: E402
from cleanup.translate import DecodeConfig, Retranslator  # noqa: E402

LEXICON = ROOT / "tests" / "data" / "lexicon_fr_en.tsv"
MAX_OVERHEAD = 0.15


def make_sentences(count: int, seed: int = 0) -> list[str]:
    words = sorted(load_lexicon(LEXICON))
    rng = random.Random(seed)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(3, 15))) for _ in range(count)]


def time_raw(rt: Retranslator, tokens: list[list[str]]) -> tuple[float, int]:
    cfg = rt.config
    start = time.perf_counter()
    out = rt.translator.translate_batch(tokens, beam_size=cfg.beam_size,
                                        max_batch_size=cfg.max_batch_size,
                                        batch_type=cfg.batch_type, return_scores=True)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(r.hypotheses[0]) for r in out)


def time_wrapped(rt: Retranslator, tokens: list[list[str]]) -> tuple[float, int]:
    start = time.perf_counter()
    out = rt.translate_tokens(tokens)
    elapsed = time.perf_counter() - start
    return elapsed, sum(len(h[0].tokens) for h in out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sentences = make_sentences(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        model = build_model(LEXICON, Path(tmp) / "opus-mt-fr-en")
        rt = Retranslator(model, DecodeConfig(beam_size=args.beam, device="cpu"), cache_size=0)
        tokens = [rt.encode_source(s) for s in sentences]
        time_raw(rt, tokens[:50])  # warm up: load the model, allocate buffers
        raw, wrapped, full = [], [], []
        for _ in range(args.repeat):
            raw.append(time_raw(rt, tokens))
            wrapped.append(time_wrapped(rt, tokens))
            start = time.perf_counter()
            rt.translate(sentences)  # from text: SentencePiece encoding included
            full.append(time.perf_counter() - start)
    (raw_s, raw_tok), (rt_s, rt_tok) = min(raw), min(wrapped)
    if raw_tok != rt_tok:
        print(f"bench_translate: output mismatch: {raw_tok} vs {rt_tok} target tokens")
        return 1
    n = len(sentences)
    ratio = rt_s / raw_s
    print(f"raw translate_batch : {n / raw_s:8.0f} sent/s {raw_tok / raw_s:9.0f} tgt tok/s ({raw_s:.3f} s)")
    print(f"Retranslator        : {n / rt_s:8.0f} sent/s {rt_tok / rt_s:9.0f} tgt tok/s ({rt_s:.3f} s)")
    print(f"  from text (+spm)  : {n / min(full):8.0f} sent/s (informative: tokenizing is not in the ratio)")
    verdict = "OK" if ratio - 1 < MAX_OVERHEAD else "TOO SLOW"
    print(f"bench_translate: {n} sentences beam {args.beam}: Retranslator {n / rt_s:.0f} sent/s, "
          f"raw {n / raw_s:.0f} sent/s, ratio {ratio:.3f} (overhead {100 * (ratio - 1):+.1f}%, "
          f"limit {100 * MAX_OVERHEAD:.0f}%) {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    raise SystemExit(main())
