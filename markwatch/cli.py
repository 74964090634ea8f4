"""The ``markwatch`` command: one sub-command per module in :mod:`markwatch.commands`.

A new command is a new module there (found on disk, see :func:`command_modules`). Each module
exposes ``add_parser(subparsers)`` (which sets ``func`` on its parser) and keeps heavy imports
inside the function that runs it, so ``markwatch --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from typing import Sequence

from markwatch import __version__, console
from markwatch.config import ConfigError

ORDER: tuple[str, ...] = (
    "demo", "demo_site", "crawl", "match", "evaluate", "train", "index", "search", "triage", "evidence",
    "serve", "user", "platform", "office", "feed", "report", "schedule", "search_node",
)
"""Modules of markwatch.commands whose place in ``--help`` matters (the main job first, then in the
order a user meets them); a module on disk and not named here follows, alphabetically. A name here
without its module yet is skipped."""


def command_modules() -> list[str]:
    """Every command module on disk (each module of :mod:`markwatch.commands`), in ``--help`` order.

    Why discovered rather than listed: a command is one file; a list beside it is a second place to
    forget (tests/test_cli.py checks the parser against the files)."""
    import markwatch.commands as package

    found = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")}
    return [name for name in ORDER if name in found] + sorted(found - set(ORDER))


class UsageError(Exception):
    """A command was called wrongly or its input is unusable; the message says what to do."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of the command module ``only`` alone (see :func:`_parser_for`)."""
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
    for name in [only] if only else command_modules():
        importlib.import_module(f"markwatch.commands.{name}").add_parser(sub)
    return parser


def _parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser for ``argv``: of its command alone when the first word that is no option names one.

    Why: importing all 18 command modules to run one cost every run ≈25 ms (a tenth of the serial
    start of ``markwatch match``). The whole parser is still built for ``--help``, ``--version``,
    no command or an unknown one, so what it prints is unchanged."""
    word = next((a for a in argv if not a.startswith("-")), None)
    module = word.replace("-", "_") if word else None
    if module and not module.startswith("_") and module in command_modules():
        parser = build_parser(only=module)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if word in sub.choices:  # the module registers the command under its own name
            return parser
    return build_parser()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser_for(sys.argv[1:] if argv is None else list(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    console.configure(verbose=args.verbose)  # long runs add a log file (markwatch/console.py)
    try:
        code = int(args.func(args) or 0)
    except (UsageError, ConfigError, FileNotFoundError) as exc:
        print(f"markwatch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"markwatch {args.command}: interrupted", file=sys.stderr)
        return 130
    if argv is None and getattr(args, "skip_teardown", False):
        _exit_without_teardown(code)
    return code


def _exit_without_teardown(code: int) -> None:
    """End the process now, skipping the interpreter's teardown.

    Why: after ``markwatch match`` has closed its output, freeing a compiled register of 10,000
    rights object by object took ≈0.2 s of a 5 s run, for nothing. Only commands that ask for it
    (``skip_teardown``) and only as the program itself (``argv is None``: never when called from
    Python, e.g. by tests) end this way; logs and standard streams are flushed first.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    # ``python -m markwatch.cli``: run the main of the module the commands import, not of this copy
    # (__main__), or their markwatch.cli.UsageError would not be caught here and end in a traceback.
    from markwatch.cli import main as _imported_main

    sys.exit(_imported_main())
