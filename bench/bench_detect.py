"""Detection throughput on one core, with a naive baseline measured in the same run.

    python bench/bench_detect.py [--mb 1.2] [--entries 50000]

Corpus: the founding article and the annotated test articles, repeated with shuffled lines
to at least --mb megabytes. Glossaries: the bundled ones, then a generated glossary of
--entries entries (random multi-word forms, a tenth of them fuzzy). Baselines: one regex
alternation of every wrong form (the usual hand-rolled approach) and a per-entry find loop.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanup import Cleaner  # noqa: E402
from cleanup.document import Document  # noqa: E402
from cleanup.glossary import load_glossary  # noqa: E402
from cleanup.matcher import GlossaryIndex  # noqa: E402


def corpus(megabytes: float, rng: random.Random) -> str:
    files = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "corpus" / "en").glob("*.txt"))
    lines = [ln for f in files for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    out, size = [], 0
    while size < megabytes * 1_000_000:
        rng.shuffle(lines)
        out.extend(lines)
        size += sum(len(ln.encode()) + 1 for ln in lines)
    return "\n".join(out) + "\n"


SYLLABLES = ["ka", "lo", "mi", "ter", "van", "dra", "pel", "sun", "qui", "rob", "zen", "fal", "tor", "nex", "bri"]


def generated_glossary(path: Path, n: int, rng: random.Random) -> list[str]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))

    forms: list[str] = []
    seen: set[str] = set()
    rows = ['[glossary]\nlang = "en"\ndomain = "generated"\n']
    while len(forms) < n:
        form = " ".join(word() for _ in range(rng.randint(1, 3)))
        if form in seen:
            continue
        seen.add(form)
        k = len(forms)
        forms.append(form)
        fuzzy = "fuzzy = 85\n" if k % 10 == 0 else ""
        rows.append(
            f'[[entry]]\nid = "g{k}"\nterm = "Term{k}"\nwrong = ["{form}"]\n{fuzzy}'
            f'must_fire = ["x {form} y"]\nmust_not_fire = ["nothing here"]\n'
        )
    path.write_text("\n".join(rows), encoding="utf-8")
    return forms


def timed(func, repeat: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - t0)
    return best, value


def rate(label: str, seconds: float, nbytes: int, words: int, extra: str = "") -> None:
    print(f"{label:<48} {nbytes / seconds / 1e6:7.2f} MB/s {words / seconds:11,.0f} words/s  {extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.2)
    ap.add_argument("--entries", type=int, default=50_000)
    args = ap.parse_args()
    rng = random.Random(7)
    text = corpus(args.mb, rng)
    nbytes = len(text.encode())
    words = len(text.split())
    print(f"corpus: {nbytes / 1e6:.2f} MB, {words:,} words; one core (pure Python + rapidfuzz)")

    cleaner = Cleaner()
    pack = cleaner.pack("en")
    n_bundled = len(pack.entries)
    index = pack.index

    def glossary_only():
        return index.find(Document(text))

    def full_pipeline():
        doc = Document(text, pack.language.abbreviations)
        return cleaner.findings(doc, "en")

    t_gloss, found = timed(glossary_only)
    rate(f"glossary matcher, bundled ({n_bundled} entries)", t_gloss, nbytes, words, f"{len(found)} findings")
    t_full, found_all = timed(full_pipeline)
    rate("all detectors (glossary + rules), bundled", t_full, nbytes, words, f"{len(found_all)} findings")

    articles = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "tests").glob("*/*/*.txt"))] * 5
    art_bytes = sum(len(a.encode()) for a in articles)
    t_fix, _ = timed(lambda: [cleaner.fix(a) for a in articles], repeat=1)
    rate(f"cleanup fix end to end, {len(articles)} articles", t_fix, art_bytes,
         sum(len(a.split()) for a in articles), f"{len(articles) / t_fix:,.0f} articles/s (language detection, all passes)")

    bundled_forms = [w for e in pack.entries for w in e.wrong]
    alternation = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(bundled_forms, key=len, reverse=True))) + r")\b", re.I)
    t_alt, hits = timed(lambda: sum(1 for _ in alternation.finditer(text)))
    rate("baseline: regex alternation, bundled", t_alt, nbytes, words, f"{hits} raw hits; ratio cleanup/baseline {t_alt / t_gloss:.2f}x")

    gen_path = ROOT / "bench" / "data" / "generated.toml"
    gen_path.parent.mkdir(parents=True, exist_ok=True)
    forms = generated_glossary(gen_path, args.entries, rng)
    # Plant a thousand generated forms in the corpus so the big glossary finds something.
    lines = text.split("\n")
    for form in rng.sample(forms, 1000):
        k = rng.randrange(len(lines))
        lines[k] = f"{lines[k]} {form}"
    big_text = "\n".join(lines)
    t0 = time.perf_counter()
    gloss = load_glossary(gen_path)
    big_index = GlossaryIndex(gloss.entries, pack.language)
    t_build = time.perf_counter() - t0
    print(f"generated glossary: {len(gloss.entries):,} entries loaded and indexed in {t_build:.2f} s")
    t_big, big_found = timed(lambda: big_index.find(Document(big_text)), repeat=1)
    rate(f"glossary matcher, generated ({len(gloss.entries):,} entries)", t_big, nbytes, words, f"{len(big_found)} findings")

    big_alt = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")\b", re.I)
    sample = big_text[:100_000]
    t_alt_big, _ = timed(lambda: sum(1 for _ in big_alt.finditer(sample)), repeat=1)
    t_alt_big_full = t_alt_big * len(big_text) / len(sample)
    rate("baseline: regex alternation, generated", t_alt_big_full, nbytes, words,
         f"(timed on 100 kB) ratio cleanup/baseline {t_alt_big_full / t_big:.1f}x")
    low = sample.lower()
    t_loop, _ = timed(lambda: sum(low.count(f) for f in forms), repeat=1)
    t_loop_full = t_loop * len(big_text) / len(sample)
    rate("baseline: per-entry loop (str.count), generated", t_loop_full, nbytes, words,
         f"(timed on 100 kB) ratio cleanup/baseline {t_loop_full / t_big:.1f}x")


if __name__ == "__main__":
    main()
