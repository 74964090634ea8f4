"""How fast the catalogue generator is (the marketplace generates it at every start).

Prints generation time and listings/s for several sizes, and as a same-run baseline the time to
serialise that catalogue to §4b JSON Lines (the cheapest thing one can do per listing).

    .venv/bin/python bench/marketplace_catalogue.py --sizes 2000 20000 100000
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo_marketplace.catalogue import generate_catalogue  # noqa: E402
from demo_marketplace.model import PLACEHOLDER_URLS  # noqa: E402
from demo_marketplace.register import read_register  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000, 100000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    register = read_register()
    print(f"{'listings':>9} {'generate s':>11} {'listings/s':>11} {'serialise s':>12} {'gen/serialise':>14}")
    for n in args.sizes:
        t = time.perf_counter()
        catalogue = generate_catalogue(n, args.seed, register)
        gen = time.perf_counter() - t
        t = time.perf_counter()
        size = sum(len(json.dumps(row, ensure_ascii=False)) for row in catalogue.labelled_rows(PLACEHOLDER_URLS))
        ser = time.perf_counter() - t
        print(f"{n:9d} {gen:11.2f} {n / gen:11.0f} {ser:12.2f} {gen / ser:14.1f}   ({size / 1e6:.1f} MB of JSON)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
