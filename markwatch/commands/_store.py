"""What every command that works on a data dir shares: its ``--data-dir`` option and opening the lead
store the configuration names, closed afterwards whatever happens.

Why one place: a dozen commands open the store; each used to load the configuration, open the store,
turn a refusal (a store of a newer schema, a search node that does not answer) into a usage error and
close it in a ``finally``, each in its own words. A module starting with ``_`` is not a command
(markwatch/cli.py skips it).
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from typing import Any, Iterator

DATA_DIR_HELP = "data dir (default: config data_dir, ./markwatch-data)"


def data_dir_option(parser: argparse.ArgumentParser, help: str = DATA_DIR_HELP) -> None:
    """The ``--data-dir DIR`` option; ``None`` when absent, so the configuration decides."""
    parser.add_argument("--data-dir", default=None, metavar="DIR", help=help)


@contextmanager
def opened_store(data_dir: str | None) -> Iterator[tuple[Any, Any]]:
    """(store, config) for ``data_dir``; a store that cannot be opened is a usage error that says why."""
    from index import open_store
    from index.store import StoreError
    from markwatch.cli import UsageError
    from markwatch.config import load_config

    config = load_config(data_dir=data_dir)
    try:
        store = open_store(config)
    except StoreError as exc:
        raise UsageError(str(exc)) from exc
    try:
        yield store, config
    finally:
        store.close()
