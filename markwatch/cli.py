"""The ``markwatch`` command: one sub-command per module in :mod:`markwatch.commands`.

Each command module exposes ``add_parser(subparsers)`` (which sets ``func`` on its parser) and
keeps heavy imports inside the function that runs it, so ``markwatch --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

from markwatch import __version__
from markwatch.config import ConfigError

# Order = order shown in --help. Each name is a module of markwatch.commands.
COMMAND_MODULES: tuple[str, ...] = (
    "demo",
    "demo_site",
    "crawl",
    "match",
    "evaluate",
    "train",
)


class UsageError(Exception):
    """A command was called wrongly or its input is unusable; the message says what to do."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="markwatch",
        description=(
            "Watch e-commerce platforms for listings that infringe trademarks, geographical "
            "indications and special marks, and turn them into evidence-backed leads."
        ),
        epilog="Run 'markwatch COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"markwatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"markwatch.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    try:
        return int(args.func(args) or 0)
    except (UsageError, ConfigError, FileNotFoundError) as exc:
        print(f"markwatch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"markwatch {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
