"""``markwatch demo-site``: serve the demo marketplace in the foreground and print its URLs.

Why a command: analysts and developers want to look at (or point a spider at) the three demo
platforms without running the whole demo job. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> argparse.ArgumentParser:
    from demo_marketplace.__main__ import add_arguments

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


def run(args: argparse.Namespace) -> int:
    from demo_marketplace.__main__ import run_server

    return run_server(args)
