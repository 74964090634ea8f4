"""Shared pytest fixtures: the demo marketplace on loopback and its catalogue.

Fixtures (session scope, so the 2000-listing marketplace starts once per test run):

``marketplace``
    A running :class:`demo_marketplace.process.MarketplaceProcess` (2000 listings, seed 7,
    rate limit generous: 2000 tokens/s, burst 500) with ``.urls`` (platform → base URL) and
    ``.labels_path`` (the §4b labelled listings with real URLs, written to a tmp dir). Its
    ``/__hits`` counts are shared by every test of the session: a test that needs clean counts
    should start its own marketplace with ``start_marketplace``.
``catalogue``
    The same :class:`demo_marketplace.catalogue.Catalogue` generated in process (same n, seed
    and register), to compare against what the server or a spider produced, e.g.
    ``catalogue.expected_listing_ids("bazaar")``.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Iterator

import pytest

# scikit-learn's OpenMP pool spin-waits when the 2 cores are shared with the marketplace, Chromium and
# subprocesses; one thread keeps the model tests' time stable (set before anything imports sklearn;
# subprocesses inherit it).
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Commands run as subprocesses (they inherit this and load their configuration from it) keep derived
# tables (markwatch.cache) in a directory of this test run, not the user's ~/.cache: the first builds a
# table, the rest load it. In-process code gets a cache only where it passes cache_dir itself.
_CACHE = tempfile.TemporaryDirectory(prefix="markwatch-test-cache-")
os.environ.setdefault("MARKWATCH_CACHE_DIR", _CACHE.name)

pytest_plugins = ["store_backends"]  # the `store` fixture: one fresh store per backend
pytest_plugins += ["search_node_fixture"]  # one OpenSearch node for the session
pytest_plugins += ["redis_fixture"]  # one redis-server for the session (`redis_server`, `redis_url`)
pytest_plugins += ["marketplace_crawls"]  # bazaar and openmall crawled once into a store (`session_crawls`)
pytest_plugins += ["demo_fixtures"]  # two `markwatch demo` runs shared by the session (`demo_data`, `served_demo`)
pytest_plugins += ["rendered_crawls"]  # the storefront crawled in Chromium once per way (`storefront_crawls`)

MARKETPLACE_LISTINGS = 2000
MARKETPLACE_SEED = 7


@pytest.fixture(scope="session")
def marketplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator["MarketplaceProcess"]:  # noqa: F821
    """The demo marketplace (2000 listings, seed 7) running on 127.0.0.1 for the whole session."""
    from demo_marketplace.process import start_marketplace

    labels = tmp_path_factory.mktemp("marketplace") / "labels.jsonl"
    market = start_marketplace(listings=MARKETPLACE_LISTINGS, seed=MARKETPLACE_SEED, labels_out=labels,
                               api_rate=2000.0, api_burst=500)
    try:
        yield market
    finally:
        market.stop()


@pytest.fixture(scope="session")
def catalogue():
    """The catalogue the ``marketplace`` fixture serves, generated in this process."""
    from demo_marketplace.catalogue import generate_catalogue

    return generate_catalogue(MARKETPLACE_LISTINGS, MARKETPLACE_SEED)


# -- two workers: scripts/test.sh runs `pytest -n 2 --dist loadfile --no-loadscope-reorder` -----------

SHARED_SETUPS: dict[str, float] = {
    "served_demo": 66.0,
    "session_crawls": 65.0,
    "demo_data": 39.0,
    "search_node": 22.0,
    "storefront_crawls": 20.0,
}
"""Session fixtures too costly to make twice → their setup's seconds (the first test's setup in a
serial run, load ≈6). Under xdist every worker makes the session fixtures its own tests ask for, so
the test files that share one of these go to one worker together; the other files are each a unit of
their own (a file's module fixtures are made once). The cheap ones (the marketplace, ≈3 s;
redis-server, 0.1 s) are made by each worker that needs them: grouping by them would put nearly every
file in one unit."""

_GROUPS_FILE = "MARKWATCH_TEST_WORKER_GROUPS"
"""Environment variable: the file where a worker writes :func:`worker_groups` for the controller. Set
by the controller when it loads this file, before it starts the workers, which inherit it."""
os.environ.setdefault(_GROUPS_FILE, os.path.join(_CACHE.name, "worker-groups.json"))


def _file_of(item_or_nodeid: "pytest.Item | str") -> str:
    nodeid = item_or_nodeid if isinstance(item_or_nodeid, str) else item_or_nodeid.nodeid
    return nodeid.split("::", 1)[0]


def _shared_setups(item: pytest.Item) -> set[str]:
    """The costly session fixtures ``item`` uses, including the search node that the ``store``
    fixture's opensearch parameter asks for at run time (tests/store_backends.py)."""
    used = set(getattr(item, "fixturenames", ())) & SHARED_SETUPS.keys()
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("store") == "opensearch":
        used.add("search_node")
    return used


def worker_groups(items: list[pytest.Item]) -> dict[str, str]:
    """Test file → the unit of work it runs in: files linked by a costly session fixture (directly or
    through another file) share one unit, named after its first file; every other file is its own."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    for item in items:
        for fixture in _shared_setups(item):
            a, b = root(_file_of(item)), root("fixture:" + fixture)
            if a != b:
                parent[b] = a
    first_file: dict[str, str] = {}
    for item in items:
        first_file.setdefault(root(_file_of(item)), _file_of(item))
    return {file: first_file[root(file)] for file in map(_file_of, items)}


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: the units of the items that will run
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In an xdist worker: the units of work that make a costly session fixture first, costliest first
    (the controller hands units out in collection order with ``--no-loadscope-reorder``), so the long ones start at once and the many short files even out the
    end; the rest keep their order. The file → unit map goes to the controller through the file
    named by ``MARKWATCH_TEST_WORKER_GROUPS`` (see :func:`pytest_xdist_make_scheduler`)."""
    if not hasattr(config, "workerinput"):
        return
    group_of = worker_groups(items)
    setups: dict[str, set[str]] = {}
    for item in items:
        setups.setdefault(group_of[_file_of(item)], set()).update(_shared_setups(item))
    cost = {group: sum(SHARED_SETUPS[f] for f in used) for group, used in setups.items()}
    position = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (-cost[group_of[_file_of(item)]], position[id(item)]))
    target = os.environ[_GROUPS_FILE]
    partial = f"{target}.{os.getpid()}"
    with open(partial, "w", encoding="utf-8") as out:
        json.dump(group_of, out)
    os.replace(partial, target)  # the other worker writes the same map: either whole file will do


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown when pytest-xdist is not installed
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN201 - an xdist Scheduling
    """``--dist loadfile``, with the files that share a costly session fixture as one unit (read from
    the workers' map once they have all collected; a file missing from it is a unit of its own).
    Why not ``--dist loadgroup`` with marks: xdist 3.8 groups by rewriting each item's node id, which
    pytest 9.2 no longer lets it do (pytest-xdist issue 1386): the marks are silently ignored."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedSetupScheduling(LoadFileScheduling):
        _groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self._groups is None:  # first called once every worker's collection is in
                try:
                    with open(os.environ[_GROUPS_FILE], encoding="utf-8") as source:
                        self._groups = json.load(source)
                except (OSError, ValueError):
                    self._groups = {}
            file = _file_of(nodeid)
            return self._groups.get(file, file)

    return SharedSetupScheduling(config, log)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``pure_python`` test patches a module function to watch or forbid its calls: while the matcher's
    modules are compiled (scripts/build_compiled.py) their calls to each other are bound in C and never
    see the patch, so the test would check nothing (or fail on what it cannot see). Skipped then; a
    run with ``MATCHERS_COMPILED=off`` checks it."""
    if item.get_closest_marker("pure_python") is not None:
        from matchers import native

        if native.active():
            pytest.skip("patches a function that compiled modules call directly (run with MATCHERS_COMPILED=off)")
