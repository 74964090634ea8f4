"""``python -m demo_marketplace``: serve the demo marketplace (docs/marketplace.md).

Prints ``PLATFORM <name> <url>`` for each platform and then ``READY`` to stdout (flushed); logs go
to stderr. SIGINT/SIGTERM stop it cleanly. The options are those of ``markwatch demo-site``, declared
by that command (the ground may not import this room while it builds its parser).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from typing import Sequence

from markwatch.commands.demo_site import add_arguments


def build_parser(prog: str = "python -m demo_marketplace") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Serve the demo marketplace: three platforms (bazaar: HTML shop, storefront: JavaScript "
        "shop, openmall: JSON API) on three loopback ports, generated from the demo register.",
    )
    add_arguments(parser)
    return parser


def run_server(args: argparse.Namespace) -> int:
    """Generate the catalogue and serve it until interrupted."""
    from demo_marketplace.catalogue import generate_catalogue
    from demo_marketplace.register import read_register
    from demo_marketplace.server import serve
    from markwatch.config import load_config

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
    if getattr(args, "search_only", 0) < 0:
        raise SystemExit("--search-only must be 0 or more")
    from demo_marketplace.walls import parse_wall_option

    walls: dict[str, tuple[str, int]] = {}
    for value in getattr(args, "wall", None) or []:
        try:
            platform, kind, after = parse_wall_option(value)
        except ValueError as exc:
            raise SystemExit(str(exc))
        walls[platform] = (kind, after)
    catalogue = generate_catalogue(listings, seed, register, search_only=getattr(args, "search_only", 0))
    if getattr(args, "extra_listings", None):
        from demo_marketplace.extra_listings import add_extra_listings, read_extra_listings

        try:
            extra = read_extra_listings(args.extra_listings)
        except OSError as exc:
            raise SystemExit(f"cannot read --extra-listings: {exc}")
        log.info("added %d extra listings from %s", add_extra_listings(catalogue, extra), args.extra_listings)
    log.info("generated %d listings (seed %d) in %.1fs", listings, seed, time.perf_counter() - started)
    timeline = None
    if getattr(args, "days", 0):  # the month demo (timeline.py): listings online day by day
        from demo_marketplace.timeline import Timeline

        try:
            timeline = Timeline(catalogue, args.days, seed, surge=getattr(args, "surge", "") or "")
        except ValueError as exc:
            raise SystemExit(str(exc))
    try:
        asyncio.run(serve(catalogue, args.host, args.api_rate, args.api_burst, args.labels_out,
                          port_base=getattr(args, "port_base", 0), walls=walls, timeline=timeline))
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
