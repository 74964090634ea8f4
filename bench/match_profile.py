"""Where the matcher's CPU goes, per part of the hot path, on one of bench/match.py's mixes.

Why: the matcher's speed goal (issue 11: both mixes at 10k rights ≥ 170× the naive baseline) is met
by cutting the biggest part first, and on a shared machine only shares of one run compare well.
This runs ``match_chunk`` in process over chunks of a mix (as a worker does, after warming the
tables as a forked run does), once timed and once under cProfile, and prints listings per
CPU-second and each part's share of the profiled CPU (parts nest: goods is also inside signals).
cProfile inflates small functions; for shares closer to the truth run the same under a sampling
profiler (``py-spy record -f raw -- python bench/match_profile.py``).

Usage: ``.venv/bin/python bench/match_profile.py [--mix lead-heavy] [--size 10000] [--listings 8000]``
after ``bench/match.py`` has made its inputs (bench/out/). Uses its own cache directory under
bench/out/ (a first run compiles the register).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

# part → functions (file suffix, name) whose cumulative time is the part's
PARTS = {
    "parse lines": [("listing_io.py", "parse_line")],
    "normalise (batch)": [("candidates.py", "listing_texts_many")],
    "rebus reading": [("rebus.py", "substituted_listing")],
    "goods classes": [("goods.py", "classify")],
    "candidates": [("candidates.py", "find_candidates")],
    "  automaton scans": [("candidates.py", "_automaton_hits")],
    "  Latin near misses": [("candidates.py", "_latin_near_misses")],
    "listing context": [("matcher.py", "_context")],
    "origin": [("origin.py", "origin_places"), ("origin.py", "judge_origin")],
    "signals": [("signals.py", "signals")],
    "model": [("matcher.py", "score_pairs")],
    "leads out": [("matcher.py", "lead_dict"), ("listing_io.py", "dump_lead")],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mix", default="lead-heavy", choices=("catalogue", "lead-heavy"))
    parser.add_argument("--size", type=int, default=10_000, help="register size (bench/out/register-N.yaml)")
    parser.add_argument("--listings", type=int, default=8000)
    parser.add_argument("--bench-listings", type=int, default=50_000, help="the mix file's size (bench/match.py --listings)")
    args = parser.parse_args()
    register = OUT / f"register-{args.size}.yaml"
    mix = OUT / f"listings-{args.mix}-{args.bench_listings}.jsonl"
    for path in (register, mix):
        if not path.is_file():
            raise SystemExit(f"{path} does not exist: run bench/match.py first (it makes the inputs)")
    from matchers.batch import match_chunk, warm
    from matchers.matcher import Matcher

    gc.disable()
    matcher = Matcher.from_paths(register, cache_dir=OUT / "profile-cache")
    warm(matcher, everything=True)
    gc.freeze()
    gc.enable()
    gc.set_threshold(50_000, 1_000, 1_000)  # as markwatch match
    with mix.open("rb") as fh:
        lines = [line.rstrip(b"\n") for _, line in zip(range(2 * args.listings + 800), fh)]
    chunks = [lines[i:i + 800] for i in range(800, len(lines), 800)]
    match_chunk(matcher, lines[:800])  # caches and lazily built tables, as a worker's first chunk
    timed, profiled = chunks[:len(chunks) // 2], chunks[len(chunks) // 2:]  # distinct listings each
    start = time.process_time()
    leads = sum(match_chunk(matcher, chunk).leads for chunk in timed)
    cpu = time.process_time() - start
    done = sum(map(len, timed))
    print(f"{args.mix} mix, {args.size:,} rights: {done:,} listings in {cpu:.2f} CPU-s = {done / cpu:,.0f} "
          f"listings/CPU-s ({leads:,} leads)")
    profile = cProfile.Profile()
    profile.enable()
    for chunk in profiled:
        match_chunk(matcher, chunk)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in stats.values())
    print(f"share of profiled CPU ({sum(map(len, profiled)):,} other listings; parts nest):")
    for part, functions in PARTS.items():
        cum = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items()
                  if any(file.endswith(f) and name == n for f, n in functions))
        print(f"  {part:22} {100 * cum / total:5.1f} %")


if __name__ == "__main__":
    main()
