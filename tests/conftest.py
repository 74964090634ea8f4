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
