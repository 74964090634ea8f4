"""Pytest plugin: the ``store`` fixture, one fresh empty :class:`~index.store.LeadStore` per test and
per backend, so ``tests/test_store_contract.py`` runs every test function on every backend.

Adding a backend is one entry in :data:`BACKENDS`: a name and a factory ``(tmp_path, request) ->
store`` returning a fresh, empty store (a factory may ``pytest.skip`` when its server is not
available, and may use session fixtures through ``request.getfixturevalue``). The fixture closes
the store after the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from index.store import LeadStore

StoreFactory = Callable[[Path, pytest.FixtureRequest], LeadStore]


def sqlite_store(tmp_path: Path, request: pytest.FixtureRequest) -> LeadStore:
    from index.sqlite_store import SQLiteStore

    return SQLiteStore(tmp_path / "store.sqlite")


def opensearch_store(tmp_path: Path, request: pytest.FixtureRequest) -> LeadStore:
    """On the session's OpenSearch node (tests/search_node_fixture.py), indices of its own."""
    from search_node_fixture import open_node_store

    return open_node_store(request.getfixturevalue("search_node"), tmp_path / "spool", request)


BACKENDS: dict[str, StoreFactory] = {
    "sqlite": sqlite_store,
    "opensearch": opensearch_store,
}


@pytest.fixture(params=list(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeadStore]:
    """A fresh empty store of each backend in :data:`BACKENDS`."""
    opened = BACKENDS[request.param](tmp_path, request)
    try:
        yield opened
    finally:
        opened.close()
