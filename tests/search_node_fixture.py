"""Pytest plugin: one real OpenSearch node for the whole test session (``search_node``), and a
fresh store on it for a test (``node_store``).

Why one node: a node takes 7–70 s to start on these two shared cores, so the session starts it once
(256 MB heap, its own data directory) and every test gets indices of its own through a unique
prefix, deleted after the test. The node is stopped at the end of the session by its own process
handle (SIGTERM, then SIGKILL).

A node that cannot be built or started (no Java, no Maven) is an error of every test that needs it,
never a skip: CI has both, and a search-node backend that is silently not tested is not tested.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Iterator

import pytest

from index.node_runner import NodeError, SearchNode

_PREFIXES = itertools.count(1)
TIMEOUT = 180.0
"""Seconds the test stores wait for the node."""


class _RunningNode:
    """A node someone else runs (``MARKWATCH_TEST_NODE_URL``, for a developer's quick reruns)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.running = True


@pytest.fixture(scope="session")
def search_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchNode]:
    """A running OpenSearch node (``.url``) shared by the session. ``MARKWATCH_TEST_NODE_URL`` (a
    test knob, not a markwatch setting) names a node already running instead."""
    if os.environ.get("MARKWATCH_TEST_NODE_URL"):
        yield _RunningNode(os.environ["MARKWATCH_TEST_NODE_URL"])  # type: ignore[misc]
        return
    node = SearchNode(tmp_path_factory.mktemp("search-node"), heap="256m", cluster_name="markwatch-test",
                      start_timeout=240.0)  # a loaded 2-core machine can take minutes
    try:
        node.start()
    except NodeError as exc:
        pytest.fail(f"the test search node did not start: {exc}", pytrace=False)
    try:
        yield node
    finally:
        node.stop()


def unique_prefix(label: str = "t") -> str:
    """An index prefix no other test of this session uses."""
    return f"mwtest-{os.getpid()}-{label}-{next(_PREFIXES)}"


_FREE_PREFIXES: list[str] = []
"""Prefixes of stores emptied after their test: their indices are reused by the next test (creating
six indices costs seconds on a loaded machine, emptying them a quarter of one)."""


def open_node_store(node: SearchNode, spool_dir: Path | None, request: pytest.FixtureRequest,
                    label: str = "t"):
    """A fresh, empty store on ``node``, emptied (or, failing that, deleted) when the test ends."""
    from index.search_node import SearchNodeStore

    prefix = _FREE_PREFIXES.pop() if _FREE_PREFIXES else unique_prefix(label)
    # A generous timeout: on two shared cores under load a bulk can take many seconds, and a timeout
    # would (safely, but visibly in the counts) send the batch to the spool.
    store = SearchNodeStore(node.url, prefix=prefix, spool_dir=spool_dir, timeout=TIMEOUT)

    def recycle() -> None:
        if not node.running:
            return
        cleanup = SearchNodeStore(node.url, prefix=prefix)
        try:
            cleanup.clear()
            _FREE_PREFIXES.append(prefix)
        except Exception:  # noqa: BLE001 - a store the test broke is deleted instead
            cleanup.drop()
        finally:
            cleanup.close()

    request.addfinalizer(recycle)
    return store


@pytest.fixture
def node_store(search_node: SearchNode, tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh :class:`~index.search_node.SearchNodeStore` on the session node, spooling to tmp_path."""
    store = open_node_store(search_node, tmp_path / "spool", request)
    try:
        yield store
    finally:
        store.close()
