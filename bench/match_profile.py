"""Where the matcher's CPU goes, per part of the hot path, on one of bench/match.py's mixes.

Why: the matcher's speed goal (issue 11: both mixes at 10k rights ≥ 170× the naive baseline) is met
by cutting the biggest part first, and on a shared machine only shares of one run compare well.
This runs ``match_chunk`` in process over chunks of a mix (as a worker does, after warming the
tables as a forked run does) three times, on distinct listings each time:

1. timed: listings per CPU-second, nothing instrumented;
2. stages: each stage's call sites in matchers/matcher.py and matchers/batch.py wrapped with a
   clock (a few calls a listing, ≈1 % overhead), so each stage's share is exclusive and real —
   cProfile's shares are not (it inflates small functions: it gave rebus 14 % where it is ≈9 %);
   "matcher's own Python" is the rest (policy, bookkeeping of pairs and hits, chunk loop);
3. cProfile: cumulative shares of finer parts (they nest: goods is also inside signals).

It also splits the fixed cost of a run before matching (imports, loading the register and model
from the cache, the parent's warm-up for forked workers, by part). For shares closer to the truth
than cProfile's, run the same under a sampling profiler (``py-spy record -f raw -- python
bench/match_profile.py``).

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
    "leads out": [("matcher.py", "lead_lines")],
}


# stage → (module, attribute looked up at the call site); every stage is exclusive of the others
STAGES = {
    "parse lines (orjson, row checks)": [("matchers.batch", "parse_line")],
    "normalise (batch)": [("matchers.matcher", "listing_texts_many"), ("matchers.matcher", "listing_texts")],
    "rebus reading": [("matchers.matcher", "substituted_listing")],
    "goods classes": [("matchers.matcher", "classify")],
    "candidates": [("matchers.matcher", "find_candidates")],
    "listing context (wording)": [("matchers.matcher", "_context")],
    "origin": [("matchers.origin", "judge_origin"), ("matchers.origin", "origin_places")],
    "signals": [("matchers.matcher", "signals")],
    "model": [("matchers.matcher", "Matcher.score_pairs")],
    "leads out (reasons, JSON)": [("matchers.batch", "lead_lines")],
}


def stage_split(matcher, chunks: list[list[bytes]]) -> tuple[float, dict[str, float]]:
    """Wall seconds of the whole loop and of each stage (:data:`STAGES`), call sites wrapped."""
    import importlib

    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter  # a vDSO read: cheap enough to wrap calls made a few times a listing
    saved = []

    def timed(stage: str, fn):
        def wrapper(*args, **kwargs):
            start = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += clock() - start
        return wrapper

    for stage, sites in STAGES.items():
        for module, path in sites:
            *inner, name = path.split(".")
            owner = importlib.import_module(module)
            for attr in inner:  # a method: Matcher.score_pairs
                owner = getattr(owner, attr)
            saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, timed(stage, getattr(owner, name)))
    from matchers.batch import match_chunk

    try:
        start = clock()
        for chunk in chunks:
            match_chunk(matcher, chunk)
        whole = clock() - start
    finally:
        for owner, name, fn in reversed(saved):
            setattr(owner, name, fn)
    return whole, spent


def start_split(register: Path, cache: Path) -> str:
    """CPU seconds of a run's fixed costs, each part timed in this process on its own."""
    from matchers.matcher import Matcher

    cpu = time.process_time
    t0 = cpu()
    matcher = Matcher.from_paths(register, cache_dir=cache)
    t1 = cpu()
    matcher.match({"url": "warm-up", "title": "阳澄湖大闸蟹 耐克 小米粥 naike", "ship_from": "江苏 苏州 Suzhou"})
    t2 = cpu()
    from matchers.packed import unpack_all

    unpack_all(matcher.compiled)
    t3 = cpu()
    return (f"register and model from the cache {t1 - t0:.2f} s; warm-up listing (lazy tables: word sets, "
            f"pun index, rebus scanner …) {t2 - t1:.2f} s; unpacking every automaton {t3 - t2:.2f} s")


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
    started = time.process_time()
    from matchers.batch import match_chunk, warm
    from matchers.matcher import Matcher

    imports = time.process_time() - started
    gc.disable()
    print(f"fixed cost before matching (CPU, this process): imports {imports:.2f} s; "
          + start_split(register, OUT / "profile-cache"))
    matcher = Matcher.from_paths(register, cache_dir=OUT / "profile-cache")
    warm(matcher, everything=True)
    gc.freeze()
    gc.enable()
    gc.set_threshold(50_000, 1_000, 1_000)  # as markwatch match
    with mix.open("rb") as fh:
        lines = [line.rstrip(b"\n") for _, line in zip(range(3 * args.listings + 800), fh)]
    chunks = [lines[i:i + 800] for i in range(800, len(lines), 800)]
    match_chunk(matcher, lines[:800])  # caches and lazily built tables, as a worker's first chunk
    third = len(chunks) // 3
    timed, staged, profiled = chunks[:third], chunks[third:2 * third], chunks[2 * third:]  # distinct listings each
    start = time.process_time()
    leads = sum(match_chunk(matcher, chunk).leads for chunk in timed)
    cpu = time.process_time() - start
    done = sum(map(len, timed))
    print(f"{args.mix} mix, {args.size:,} rights: {done:,} listings in {cpu:.2f} CPU-s = {done / cpu:,.0f} "
          f"listings/CPU-s ({leads:,} leads)")
    whole, spent = stage_split(matcher, staged)
    print(f"stages, exclusive (wall clock of {sum(map(len, staged)):,} other listings, {whole:.2f} s):")
    for stage, seconds in spent.items():
        print(f"  {stage:34} {100 * seconds / whole:5.1f} %  {1e6 * seconds / sum(map(len, staged)):6.1f} µs a listing")
    rest, own = whole - sum(spent.values()), "matcher's own Python (the rest)"
    print(f"  {own:34} {100 * rest / whole:5.1f} %  {1e6 * rest / sum(map(len, staged)):6.1f} µs a listing")
    profile = cProfile.Profile()
    profile.enable()
    for chunk in profiled:
        match_chunk(matcher, chunk)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(tt for _, _, tt, _, _ in stats.values())
    print(f"cProfile, share of profiled CPU ({sum(map(len, profiled)):,} other listings; parts nest):")
    for part, functions in PARTS.items():
        cum = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.items()
                  if any(file.endswith(f) and name == n for f, n in functions))
        print(f"  {part:22} {100 * cum / total:5.1f} %")


if __name__ == "__main__":
    main()
