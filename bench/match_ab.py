"""A/B of two checkouts of markwatch: ``markwatch match`` of each on bench/match.py's two mixes,
alternated run by run, with CPU-seconds a listing and whether their leads are byte-identical.

Why: on a machine shared with other work, figures taken minutes apart wander by ±20 % (load 2-3 on
two cores); runs of A and B taken in turns under the same load, and their medians, are what tell
a 10 % change apart (issue 11). Each run is the whole process as a user runs it (interpreter start,
imports, loading the compiled register from a warm cache, forked workers, writing leads); each
checkout has its own cache directory (the compiled register is keyed by the code that made it).

Usage: ``.venv/bin/python bench/match_ab.py --other /path/to/checkout [--listings 20000]
[--size 10000] [--runs 5] [--workers 2]``. A is this checkout, B the other one (a ``git worktree``
of another commit, say); both run with this venv's Python and libraries, each importing its own
code (``python -m`` from its root). The inputs are made here under bench/out/ (bench/match.py's).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from match import OUT, ROOT, make_mixes, make_register, matcher_code, run_match  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="root of the checkout to compare with (B)")
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=10_000, help="register size")
    parser.add_argument("--runs", type=int, default=5, help="runs of each checkout on each mix")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    sides = {"A": ROOT, "B": args.other.resolve()}
    if not (sides["B"] / "markwatch" / "cli.py").is_file():
        raise SystemExit(f"{sides['B']} is not a markwatch checkout")
    mixes = make_mixes(args.listings)
    register = make_register(args.size)["yaml"]
    caches = {side: Path(tempfile.mkdtemp(prefix=f"markwatch-ab-{side}-")) for side in sides}
    cpu: dict[tuple[str, str], list[float]] = {}
    wall: dict[tuple[str, str], list[float]] = {}
    try:
        for side, root in sides.items():  # compile into each cache once, untimed
            run_match(register, mixes["catalogue"], 1, caches[side], root, OUT / f"ab-{side}-warm.jsonl")
        for i in range(args.runs):
            for mix, listings in mixes.items():
                for side in (("A", "B") if i % 2 == 0 else ("B", "A")):  # who goes first alternates too
                    run = run_match(register, listings, args.workers, caches[side], sides[side],
                                    OUT / f"ab-{side}-{mix}.jsonl")
                    cpu.setdefault((side, mix), []).append(run.cpu)
                    wall.setdefault((side, mix), []).append(run.wall)
                    print(f"run {i + 1} {side} {mix:10} {run.cpu:5.2f} CPU-s {run.wall:5.2f} s wall "
                          f"(load {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        for cache in caches.values():
            shutil.rmtree(cache, ignore_errors=True)
    print(f"\nA = {sides['A']}, B = {sides['B']}; {args.listings:,} listings, {args.size:,} rights, "
          f"{args.workers} workers, medians of {args.runs} alternated runs")
    for side, root in sides.items():
        print(f"{side}: {matcher_code(root)}")
    for mix in mixes:
        a, b = (statistics.median(cpu[(side, mix)]) for side in "AB")
        wa, wb = (statistics.median(wall[(side, mix)]) for side in "AB")
        same = filecmp.cmp(OUT / f"ab-A-{mix}.jsonl", OUT / f"ab-B-{mix}.jsonl", shallow=False)
        print(f"{mix:10} A {1e6 * a / args.listings:5.0f} µs CPU a listing ({args.listings / a:,.0f}/CPU-s), "
              f"B {1e6 * b / args.listings:5.0f} µs ({args.listings / b:,.0f}/CPU-s): B takes "
              f"{100 * (b / a - 1):+.1f} % CPU a listing; wall A {wa:.2f} s, B {wb:.2f} s; leads "
              + ("byte-identical" if same else "DIFFER"))


if __name__ == "__main__":
    main()
