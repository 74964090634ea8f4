"""How long seller networks take to build, and what banding saves over comparing all photo pairs.

    .venv/bin/python bench/networks.py [--sellers 20000] [--photos-per-seller 3] [--seed 1]

Builds link rows for N sellers (a phone for a third of them, photo hashes for all, a few hundred
planted networks sharing a phone or a near-duplicate photo), then times ``find_clusters`` (exact
values + near photos by banding) and, as the baseline measured in the same run, the naive all-pairs
comparison of the distinct photo hashes (capped, then extrapolated quadratically when it would take
too long). Prints both, and the clusters found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

# Run as a script, this folder is first on sys.path, and bench/index.py would shadow the index package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from index.networks import NearIndex, find_clusters, hamming  # noqa: E402


def rows_for(sellers: int, photos: int, seed: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    rows: list[tuple[str, str, str, str]] = []
    hashes: list[int] = []
    for k in range(sellers):
        sid = f"s{k}"
        if k % 3 == 0:
            rows.append(("bazaar", sid, "phone", f"13{k:09d}"))
        for _ in range(photos):
            h = rng.getrandbits(64)
            hashes.append(h)
            rows.append(("bazaar", sid, "image", f"{h:016x}"))
    for j in range(sellers // 100):  # planted: a copy of another seller's photo, 2 bits off; or its phone
        a, b = rng.randrange(sellers), rng.randrange(sellers)
        if j % 2:
            h = hashes[a * photos] ^ (1 << rng.randrange(64)) ^ (1 << rng.randrange(64))
            rows.append(("openmall", f"s{b}", "image", f"{h:016x}"))
        else:
            rows.append(("openmall", f"s{b}", "phone", f"13{(a - a % 3):09d}"))
    return rows


def all_pairs(values: list[int], distance: int, budget_s: float = 20.0) -> tuple[int, float, bool]:
    """Near pairs by comparing every pair; stops after ``budget_s`` and extrapolates the time."""
    started = time.perf_counter()
    found = 0
    n = len(values)
    for i in range(n):
        vi = values[i]
        for j in range(i + 1, n):
            if hamming(vi, values[j]) <= distance:
                found += 1
        elapsed = time.perf_counter() - started
        if elapsed > budget_s:
            done = (i + 1) * (2 * n - i - 2) / 2
            return found, elapsed * (n * (n - 1) / 2) / done, True
    return found, time.perf_counter() - started, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=20000)
    parser.add_argument("--photos-per-seller", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = rows_for(args.sellers, args.photos_per_seller, args.seed)
    started = time.perf_counter()
    clusters = find_clusters(rows, max_image_distance=4)
    clustering = time.perf_counter() - started
    values = sorted({int(v, 16) for _, _, kind, v in rows if kind == "image"})
    started = time.perf_counter()
    index = NearIndex(4)
    for v in values:
        index.add(v)
    tree_pairs = sum(1 for v in values for other, d in index.near(v) if 0 < d and other > v)
    tree_time = time.perf_counter() - started
    pairs, naive_time, extrapolated = all_pairs(values, 4)
    print(f"{args.sellers} sellers, {len(rows)} link rows, {len(values)} distinct photo hashes")
    print(f"find_clusters (exact values + banded photos)    {clustering:8.2f} s   {len(clusters)} networks")
    print(f"near photo pairs, banding (build + all queries) {tree_time:8.2f} s   {tree_pairs} pairs")
    print(f"near photo pairs, all pairs (baseline)            {naive_time:8.2f} s"
          + ("   (extrapolated from a partial run)" if extrapolated else f"   {pairs} pairs"))


if __name__ == "__main__":
    main()
