"""Benchmark of the full matcher: listings/s of ``markwatch match`` on demo listings against a large register.

What it measures (one run, figures printed side by side):
- the naive baseline: rapidfuzz ``process.extractOne(title, names, scorer=fuzz.partial_ratio)`` over
  every right name and variant, timed on a sample of titles and extrapolated;
- the whole ``markwatch match`` process (interpreter start, register compile, model load, matching,
  writing leads) on one core (``--workers 1``) and on all cores, with peak memory of the process tree:
  first with an empty cache (the run that compiles the register and builds the tables, see
  markwatch/cache.py), then with the cache that run left (every later run), several times because a
  shared machine's timings wander; the median is the figure to quote.

Usage: ``.venv/bin/python bench/match.py [--listings 100000] [--rights 10000] [--sample 200]``.
Inputs are generated under bench/out/ (git-ignored): demo listings from the marketplace catalogue
(seed 7, the demo's own) and a register of the demo rights plus generated trademarks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))


def make_listings(n: int, path: Path) -> None:
    from demo_marketplace.catalogue import generate_catalogue  # the demo catalogue generator

    if path.is_file() and sum(1 for _ in path.open("rb")) == n:
        return
    tmp = path.with_suffix(".labelled.jsonl")
    subprocess.run([sys.executable, "-m", "demo_marketplace.catalogue", "--listings", str(n), "--seed", "7",
                    "--out", str(tmp)], check=True, capture_output=True)
    with tmp.open(encoding="utf-8") as src, path.open("w", encoding="utf-8") as dst:
        for line in src:
            row = json.loads(line)
            for key in ("infringes", "case", "served_as"):
                row.pop(key, None)
            dst.write(json.dumps(row, ensure_ascii=False) + "\n")
    tmp.unlink()
    del generate_catalogue


def make_register(n: int, path: Path) -> list[str]:
    """Demo rights plus generated trademarks (CJK and Latin names, random Nice classes)."""
    from matchers.ordinary import dictionary_words_among
    from matchers.register import load_register

    demo = load_register()
    rng = random.Random(20261126)
    pool = "安邦宝德达鼎飞丰福富冠广海瀚和恒红华辉佳嘉金锦晶康凯朗雷力立利联良龙隆美铭能诺鹏奇启庆瑞森盛世舒顺泰天通威欣新鑫信兴旭雅耀一亿益英盈永宇元源云泽振正之致智中卓紫"
    syll = ["ka", "lo", "vex", "ran", "ti", "zor", "mi", "qua", "sel", "dri", "no", "va", "pex", "lu", "ter", "bri",
            "mon", "xi", "bel", "cor", "dan", "fu", "gar", "hol", "jin", "kor", "lem", "nur", "op", "pra"]
    rights = [r.model_dump(exclude_none=True) for r in demo.rights]
    names = {n for r in demo.rights for n in r.all_names}
    drafts = [("".join(rng.choice(pool) for _ in range(rng.choice((2, 3, 3, 4)))),
               "".join(rng.choice(syll) for _ in range(rng.choice((2, 3, 3, 4)))).upper()) for _ in range(4 * n)]
    ordinary = dictionary_words_among(cjk for cjk, _ in drafts)  # marks are not everyday words
    for cjk, latin in drafts:
        if len(rights) >= n:
            break
        i = len(rights)
        if cjk in names or latin in names or cjk in ordinary:
            continue
        names.update((cjk, latin))
        rights.append({"id": f"tm-gen-{i:05d}", "kind": "trademark", "name": cjk, "variants": [latin],
                       "nice_classes": sorted(rng.sample(range(1, 46), rng.choice((1, 2, 3)))),
                       "reference_price": rng.choice((99, 199, 499, 999))})
    path.write_text(json.dumps({"version": 1, "rights": rights}, ensure_ascii=False), encoding="utf-8")
    return sorted(names)


def baseline(names: list[str], titles: list[str]) -> float:
    """Titles/s of the naive fuzzy scan over every name (rapidfuzz partial_ratio)."""
    from rapidfuzz import fuzz, process

    start = time.perf_counter()
    for title in titles:
        process.extractOne(title, names, scorer=fuzz.partial_ratio)
    return len(titles) / (time.perf_counter() - start)


def _tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_match(register: Path, listings: Path, workers: int, cache: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the whole process tree, and the command's summary line."""
    out = OUT / f"leads-{workers}.jsonl"
    cmd = [sys.executable, "-m", "markwatch.cli", "match", "--register", str(register), "--input", str(listings),
           "--output", str(out), "--workers", str(workers)]
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "MARKWATCH_CACHE_DIR": str(cache)})

    def watch() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"markwatch match failed: {err}")
    return seconds, peak[0] / 1024, err.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--rights", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200, help="titles timed for the naive baseline")
    parser.add_argument("--repeat", type=int, default=3, help="runs with a warm cache on all cores")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    listings = OUT / f"listings-{args.listings}.jsonl"
    register = OUT / f"register-{args.rights}.json"
    make_listings(args.listings, listings)
    names = make_register(args.rights, register)
    titles = [json.loads(line)["title"] for _, line in zip(range(args.sample), listings.open(encoding="utf-8"))]
    cores = os.cpu_count() or 1

    base = baseline(names, titles)
    n_rights = len(json.loads(register.read_text(encoding="utf-8"))["rights"])
    print(f"register: {n_rights} rights, {len(names)} names and variants; listings: {args.listings}; cores: {cores}")
    print(f"naive baseline (rapidfuzz extractOne partial_ratio over all names): {base:,.0f} titles/s "
          f"(timed on {len(titles)} titles; {args.listings / base:,.0f} s extrapolated for all)")
    cache = Path(tempfile.mkdtemp(prefix="markwatch-bench-cache-"))
    try:
        runs = [("empty cache", cores), ("warm cache", 1)] + [("warm cache", cores)] * args.repeat
        rates = []
        for label, workers in runs:
            seconds, peak_mb, summary = run_match(register, listings, workers, cache)
            rate = args.listings / seconds
            if label == "warm cache" and workers == cores:
                rates.append(rate)
            print(f"markwatch match, {workers} worker{'s' if workers > 1 else ''}, {label}: {rate:,.0f} listings/s "
                  f"whole process ({seconds:.2f} s incl. start-up and model loading), peak memory "
                  f"{peak_mb:,.0f} MB, {rate / base:,.0f}x the baseline")
            print(f"    {summary}")
        if rates:
            print(f"median of {len(rates)} warm runs on {cores} cores: {statistics.median(rates):,.0f} listings/s "
                  f"(min {min(rates):,.0f}, max {max(rates):,.0f})")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
