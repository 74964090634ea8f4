"""``python -m demo_marketplace.catalogue``: write the catalogue as labelled listings (no server).

Why a CLI of its own: the catalogue is also the matcher's training data (docs/matching.md), and
writing it needs no ports. It lives in ``__main__`` so running it never loads the catalogue module a
second time as ``__main__`` (two copies of its classes).
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from demo_marketplace.catalogue import generate_catalogue
from demo_marketplace.register import read_register


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_marketplace.catalogue",
        description="Write the demo marketplace's catalogue as CONTRACTS §4b labelled listings "
        "(placeholder base URLs http://bazaar.invalid etc.), e.g. as matcher training data.",
    )
    parser.add_argument("--listings", type=int, default=2000, help="number of listings (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--register", default=None, help="register file (default: the bundled demo register)")
    parser.add_argument("--out", required=True, help="output .jsonl file")
    args = parser.parse_args(argv)
    if args.listings < 1:
        parser.error("--listings must be at least 1")
    try:
        register = read_register(args.register)
    except (OSError, ValueError) as exc:  # RegisterFileError names the right and the field
        parser.error(f"cannot load the register: {exc}")
    catalogue = generate_catalogue(args.listings, args.seed, register)
    count = catalogue.write_labels(args.out)
    print(f"wrote {count} labelled listings to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
