"""``markwatch demo-site``: serve the demo marketplace in the foreground and print its URLs.

Why a command: analysts and developers want to look at (or point a spider at) the three demo
platforms without running the whole demo job. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "demo-site",
        help="serve the demo marketplace (three platforms on loopback) and print their URLs",
        description=(
            "Serve the demo marketplace in the foreground: bazaar (server-rendered HTML shop), storefront "
            "(JavaScript shop with a JSON backend) and openmall (JSON API with a rate limit), each on its own "
            "127.0.0.1 port, generated deterministically from the demo register. Prints one "
            "'PLATFORM name url' line per platform, then READY. Ctrl-C stops it."
        ),
        epilog="Example: markwatch demo-site --listings 500 --labels-out labels.jsonl",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``markwatch demo-site``, shared with ``python -m demo_marketplace``."""
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
    parser.add_argument("--port-base", type=int, default=0, metavar="P",
                        help="serve bazaar on P, storefront on P+1, openmall on P+2 (a taken port falls back to a "
                             "free one, with a warning); 0 = free ports (default)")
    parser.add_argument("--register", default=None, metavar="FILE",
                        help="register to generate from (default: the bundled demo register)")
    parser.add_argument("--extra-listings", default=None, metavar="FILE",
                        help="also serve the listings of this JSON Lines file (platform, listing_id, title, "
                             "description, seller_name, seller_id, image_paths, infringes…; see "
                             "demo_marketplace/extra_listings.py), e.g. hostile text for the XSS tests")
    parser.add_argument("--search-only", type=int, default=0, metavar="N",
                        help="hide N infringing listings per platform from every category, grid and seller page: "
                             "only the platform's search finds them (for keyword discovery; default 0)")
    parser.add_argument("--days", type=int, default=0, metavar="N",
                        help="a month-like run of N days (markwatch demo --days): listings appear and disappear day "
                             "by day, sellers come back under new names; POST /__day?n=D moves to day D, POST "
                             "/__takedown?id=ID takes a listing down (demo_marketplace/timeline.py); 0 = all online")
    parser.add_argument("--surge", default="", metavar="FROM-TO:RIGHT,RIGHT",
                        help="with --days: most listings infringing these rights that appear after day 0 appear between "
                             "days FROM and TO (a peak season), e.g. 10-16:tm-nike,tm-adidas")
    parser.add_argument("--wall", action="append", default=[], metavar="PLATFORM=KIND[:AFTER]",
                        help="answer PLATFORM's pages with a wall after AFTER requests (default 0): KIND captcha or "
                             "login (a 200 page, as real platforms do), 403 or 429 (repeatable); GET /__wall?kind=off "
                             "on the platform lowers it")


def run(args: argparse.Namespace) -> int:
    from demo_marketplace.__main__ import run_server

    return run_server(args)
