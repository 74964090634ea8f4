"""``python -m demo_marketplace``: serve the demo marketplace (docs/marketplace.md).

Prints ``PLATFORM <name> <url>`` for each platform and then ``READY`` to stdout (flushed); logs go
to stderr. SIGINT/SIGTERM stop it cleanly.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from typing import Sequence


def build_parser(prog: str = "python -m demo_marketplace") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve the demo marketplace: three platforms (bazaar: HTML shop, storefront: JavaScript "
        "shop, openmall: JSON API) on three loopback ports, generated from the demo register.",
    )
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared by this module and ``markwatch demo-site``."""
    parser.add_argument("--listings", type=int, default=None, metavar="N",
                        help="catalogue size (default: demo_listings from the config, 2000)")
    parser.add_argument("--seed", type=int, default=None, metavar="S",
                        help="catalogue seed: same seed, same catalogue (default: demo_seed from the config, 7)")
    parser.add_argument("--labels-out", default=None, metavar="FILE",
                        help="write the ground truth as labelled listings (CONTRACTS §4b + served_as) with real URLs")
    parser.add_argument("--api-rate", type=float, default=200.0, metavar="R",
                        help="openmall rate limit in requests/s for the whole server; 0 = no limit (default 200)")
    parser.add_argument("--api-burst", type=int, default=50, metavar="B",
                        help="openmall token bucket capacity (default 50)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--register", default=None, metavar="FILE",
                        help="register to generate from (default: the bundled demo register)")


def run_server(args: argparse.Namespace) -> int:
    """Generate the catalogue and serve it until interrupted."""
    from markwatch.config import load_config
    from demo_marketplace.catalogue import generate_catalogue
    from demo_marketplace.register import read_register
    from demo_marketplace.server import serve

    config = load_config()
    listings = args.listings if args.listings is not None else config.demo_listings
    seed = args.seed if args.seed is not None else config.demo_seed
    if listings < 1:
        raise SystemExit("--listings must be at least 1")
    if args.api_rate < 0 or args.api_burst < 1:
        raise SystemExit("--api-rate must be >= 0 (0 = unlimited) and --api-burst >= 1")
    log = logging.getLogger("demo_marketplace")
    started = time.perf_counter()
    try:
        register = read_register(args.register or config.register or None)
    except (OSError, ValueError) as exc:  # RegisterFileError is a ValueError naming the right and field
        raise SystemExit(f"cannot load the register: {exc}\n(fix the file, or leave --register out to use the demo register)")
    catalogue = generate_catalogue(listings, seed, register)
    log.info("generated %d listings (seed %d) in %.1fs", listings, seed, time.perf_counter() - started)
    try:
        import asyncio  # here, not above: `markwatch --help` and every other command import this module

        asyncio.run(serve(catalogue, args.host, args.api_rate, args.api_burst, args.labels_out))
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    return run_server(args)


if __name__ == "__main__":
    sys.exit(main())
