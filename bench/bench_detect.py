"""Speed of detection and fixing, with a near-limit reference and a naive baseline measured in
the same run, on one core (CPU time, so a busy machine slows the figures less than wall time).

    python bench/bench_detect.py [--mb 1.2] [--entries 50000] [--json bench/results.json] [--quick]

Corpora: "dense" is the founding article and the annotated MT test articles repeated with
shuffled lines (an artefact every ~20 words: the worst case); "news" is clean articles with
one MT article in four (closer to a scrape). Reference: exact Aho-Corasick (ahocorasick_rs)
over the bundled wrong forms on the case-folded text. Baseline: one regex alternation of every
wrong form (the usual hand-written approach). Scaling: a generated glossary of 1,000 and of
--entries entries (wrong forms of one to three made-up words, one in a hundred fuzzy like a
garbled name; a thousand of them planted in the corpus). Also: one-article `cleanup fix` and
`cleanup --help` wall times, sentence alignment of 10/30/100-sentence articles, batch
articles/s for 1 and 2 worker processes, and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanup import Cleaner  # noqa: E402
from cleanup.document import Document  # noqa: E402
from cleanup.glossary import load_glossary  # noqa: E402
from cleanup.matcher import GlossaryIndex  # noqa: E402

RESULTS: dict = {}


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "load_before": os.getloadavg()}


def lines_of(*folders: str) -> list[str]:
    files = [f for folder in folders for f in sorted((ROOT / folder).glob("*.txt"))]
    return [ln for f in files for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]


def build_corpus(lines: list[str], megabytes: float, rng: random.Random) -> str:
    out, size = [], 0
    while size < megabytes * 1_000_000:
        rng.shuffle(lines)
        out.extend(lines)
        size += sum(len(ln.encode()) + 1 for ln in lines)
    return "\n".join(out) + "\n"


def news_corpus(megabytes: float, rng: random.Random) -> str:
    clean = [f.read_text(encoding="utf-8") for d in ("tests/corpus/clean", "tests/heldout/clean", "tests/blind1/clean")
             for f in sorted((ROOT / d).glob("*en*.txt"))]
    mt = [f.read_text(encoding="utf-8") for f in sorted((ROOT / "tests" / "corpus" / "en").glob("*.txt"))]
    out, size = [], 0
    while size < megabytes * 1_000_000:
        article = rng.choice(mt) if rng.random() < 0.25 else rng.choice(clean)
        out.append(article)
        size += len(article.encode())
    return "\n".join(out)


def cpu(func, repeat: int = 3):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        value = func()
        best = min(best, time.process_time() - t0)
    return best, value


def report(key: str, label: str, seconds: float, nbytes: int, words: int, extra: str = "") -> float:
    mbs = nbytes / seconds / 1e6
    RESULTS[key] = {"mb_per_s": round(mbs, 3), "words_per_s": round(words / seconds), "seconds": round(seconds, 4)}
    print(f"{label:<54} {mbs:8.2f} MB/s {words / seconds:11,.0f} words/s  {extra}")
    return mbs


SYLLABLES = ["ka", "lo", "mi", "ter", "van", "dra", "pel", "sun", "qui", "rob", "zen", "fal", "tor", "nex", "bri"]


def generated_glossary(path: Path, n: int, rng: random.Random) -> list[str]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))

    forms, seen = [], set()
    rows = ['[glossary]\nlang = "en"\ndomain = "generated"\n']
    while len(forms) < n:
        k = len(forms)
        if k % 100 == 0:  # a garbled name: fuzzy, like the bundled ones
            form = word().capitalize() + word()
            extra = "fuzzy = 88\n"
            term = form[:-1] + ("a" if form[-1] != "a" else "e")
        else:
            form = " ".join(word() for _ in range(rng.randint(1, 3)))
            extra, term = "", f"term{k}"
        if form in seen:
            continue
        seen.add(form)
        forms.append(form)
        rows.append(f'[[entry]]\nid = "g{k}"\nterm = "{term}"\nwrong = ["{form}"]\n{extra}'
                    f'must_fire = ["x {form} y"]\nmust_not_fire = ["nothing here"]\n')
    path.write_text("\n".join(rows), encoding="utf-8")
    return forms


def wall(cmd: list[str], runs: int, env: dict, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=1.2)
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    ap.add_argument("--quick", action="store_true", help="smaller corpus and glossary (a smoke run)")
    args = ap.parse_args()
    if args.quick:
        args.mb, args.entries = 0.2, 5000
    rng = random.Random(7)
    RESULTS["machine"] = machine()
    cache = tempfile.mkdtemp(prefix="cleanup-bench-cache-")
    os.environ["CLEANUP_CACHE_DIR"] = cache
    dense = build_corpus(lines_of("seeds", "tests/corpus/en"), args.mb, rng)
    news = news_corpus(args.mb, rng)
    print(f"machine: {RESULTS['machine']['cpu']}, {RESULTS['machine']['cores']} cores, "
          f"load {RESULTS['machine']['load_before'][0]:.2f}; one core, CPU time")
    cleaner = Cleaner()
    pack = cleaner.pack("en")
    index = pack.index
    for sample in (dense[:20000], news[:20000]):  # warm up: automata, lazy regexes, language models
        cleaner.fix(sample, "en")
    forms = sorted({f.casefold() for e in pack.entries for f in e.wrong})

    import ahocorasick_rs

    ac = ahocorasick_rs.AhoCorasick(forms, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
    for name, text in (("dense", dense), ("news", news)):
        nbytes, words = len(text.encode()), len(text.split())
        print(f"\ncorpus {name}: {nbytes / 1e6:.2f} MB, {words:,} words")
        folded = text.casefold()
        t_ac, hits = cpu(lambda: len(ac.find_matches_as_indexes(folded)))
        ac_mbs = report(f"{name}.aho_corasick", f"reference: ahocorasick_rs, {len(forms):,} bundled forms", t_ac, nbytes, words, f"{hits} hits")
        t_g, found = cpu(lambda: index.find(Document(text)))
        g = report(f"{name}.glossary", f"glossary matcher ({len(pack.entries):,} entries)", t_g, nbytes, words,
                   f"{len(found)} findings, {100 * g_share(t_ac, t_g):.1f}% of Aho-Corasick")
        t_d, found_all = cpu(lambda: cleaner.findings(Document(text, pack.language.abbreviations), "en"))
        report(f"{name}.detectors", "all detectors (glossary, rules, policies)", t_d, nbytes, words,
               f"{len(found_all)} findings, {100 * g_share(t_ac, t_d):.1f}% of Aho-Corasick")
        t_f, _ = cpu(lambda: cleaner.fix(text, "en"), repeat=1)
        report(f"{name}.fix", "cleanup fix end to end (all passes)", t_f, nbytes, words,
               f"{100 * g_share(t_ac, t_f):.2f}% of Aho-Corasick")
        RESULTS[f"{name}.share_of_aho_corasick"] = {"detectors": round(t_ac / t_d, 4), "fix": round(t_ac / t_f, 4)}
        if name == "dense":
            alternation = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")\b", re.I)
            t_alt, raw = cpu(lambda: sum(1 for _ in alternation.finditer(text)), repeat=1)
            report("dense.baseline_regex", "baseline: regex alternation of the bundled forms", t_alt, nbytes, words,
                   f"{raw} raw hits; glossary matcher is {t_alt / t_g:.1f}x faster")
        del g, ac_mbs

    print("\nscaling with the glossary size (dense corpus, generated glossaries)")
    data = ROOT / "bench" / "data"
    data.mkdir(parents=True, exist_ok=True)
    scaling = {}
    lines = dense.split("\n")
    for n in (1000, args.entries):
        path = data / f"generated-{n}.toml"
        forms_n = generated_glossary(path, n, random.Random(n))
        planted = list(lines)
        for form in random.Random(1).sample(forms_n, 500):  # the same number of hits for both sizes
            k = rng.randrange(len(planted))
            planted[k] = f"{planted[k]} {form}"
        text = "\n".join(planted)
        t0 = time.process_time()
        gloss = load_glossary(path)
        idx = GlossaryIndex(gloss.entries, pack.language)
        build = time.process_time() - t0
        t, found = cpu(lambda: idx.find(Document(text)), repeat=2)
        scaling[n] = t
        report(f"scaling.{n}", f"glossary matcher, {n:,} generated entries", t, len(text.encode()), len(text.split()),
               f"{len(found)} findings (loaded and indexed in {build:.2f} s)")
    ratio = scaling[args.entries] / scaling[1000]
    RESULTS["scaling.ratio"] = round(ratio, 3)
    print(f"cost from 1,000 to {args.entries:,} entries: {ratio:.2f}x")

    print("\nstart-up and one article (wall time, median of 10, warm compiled-glossary cache)")
    work = Path(tempfile.mkdtemp(prefix="cleanup-bench-"))
    shutil.copy(ROOT / "seeds" / "000_b9882e595d678b98.txt", work / "article.txt")
    exe = shutil.which("cleanup") or str(Path(sys.executable).parent / "cleanup")
    env = dict(os.environ, CLEANUP_CACHE_DIR=cache, CLEANUP_NO_CONFIG="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules read from their bytecode
    subprocess.run([exe, "fix", "article.txt", "-o", "out.txt"], env=env, cwd=work, check=False)
    t_help = wall([exe, "--help"], 10, env, work)
    t_fix = wall([exe, "fix", "article.txt", "-o", "out.txt"], 10, env, work)
    cold = tempfile.mkdtemp(prefix="cleanup-bench-cold-")
    t_cold = wall([exe, "fix", "article.txt", "-o", "out.txt"], 1, dict(env, CLEANUP_CACHE_DIR=cold), work)
    RESULTS["startup"] = {"help_s": round(t_help, 3), "fix_one_article_s": round(t_fix, 3), "fix_cold_cache_s": round(t_cold, 3)}
    print(f"cleanup --help                                         {t_help * 1000:8.0f} ms")
    print(f"cleanup fix article.txt -o out.txt                     {t_fix * 1000:8.0f} ms  "
          f"(first run, compiling the glossaries: {t_cold * 1000:.0f} ms)")

    print("\nsentence alignment (model stage)")
    from cleanup.align import align

    anchors = {e.source: e.term for e in pack.entries if e.source and "{" not in e.term}
    src_lines = lines_of("tests/corpus/fr")
    mt_lines = lines_of("tests/corpus/en")
    for n in (10, 30, 100):
        src, mt = src_lines[:n], mt_lines[:n]
        t, _ = cpu(lambda: align(src, mt, anchors=anchors))
        RESULTS[f"align.{n}"] = {"ms": round(t * 1000, 1)}
        print(f"align {n:>3} sentences with {len(anchors)} glossary anchors          {t * 1000:8.1f} ms")

    print("\nbatch: 200 articles through `cleanup fix --output-dir` (wall time)")
    batch = work / "batch"
    batch.mkdir()
    articles = sorted((ROOT / "tests").glob("*/*/*.txt"))
    for k in range(200):
        shutil.copy(articles[k % len(articles)], batch / f"a{k:03d}.txt")
    names = [str(p) for p in sorted(batch.glob("*.txt"))]
    for jobs in (1, 2):
        out = work / f"out{jobs}"
        t0 = time.perf_counter()
        subprocess.run([exe, "fix", *names, "--output-dir", str(out), "-j", str(jobs)], env=env, cwd=work,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        t = time.perf_counter() - t0
        RESULTS[f"batch.j{jobs}"] = {"articles_per_s": round(200 / t, 1)}
        print(f"-j {jobs}                                                   {200 / t:8.1f} articles/s")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    RESULTS["peak_memory_mb"] = round(peak, 1)
    RESULTS["machine"]["load_after"] = os.getloadavg()
    print(f"\npeak memory of this benchmark process: {peak:.0f} MB; load after: {os.getloadavg()[0]:.2f}")
    args.json.write_text(json.dumps(RESULTS, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {args.json}")


def g_share(reference_seconds: float, seconds: float) -> float:
    """Speed as a share of the reference's (1.0: as fast as Aho-Corasick)."""
    return reference_seconds / seconds


if __name__ == "__main__":
    main()
