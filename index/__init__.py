"""index: the lead store — the :class:`~index.store.LeadStore` protocol, its embedded SQLite backend
and its search-node (OpenSearch / Elasticsearch) backend, and the evidence log.

Why a room of its own: everything above the store (pipelines, feeds, web, jobs) talks to it through
the protocol only, so the backend is a configuration choice. The store holds data; it does not
match, crawl or serve.

May import: the ground only (``markwatch.config``, ``markwatch.contracts``) and third-party
libraries. Never ``matchers``, ``crawler``, ``pipelines``, ``feeds``, ``web`` or ``jobs``
(tests/test_layout.py keeps this).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from markwatch.config import Config

    from index.store import LeadStore

STORE_FILE = "store.sqlite"
"""The embedded store's file inside ``data_dir``."""


def open_store(config: "Config") -> "LeadStore":
    """The store ``config`` names (CONTRACTS §9): ``store_url`` empty = the embedded SQLite store in
    ``data_dir``; ``http(s)://HOST:PORT`` = an OpenSearch / Elasticsearch node. Backends are imported
    here, on demand, so a command that never opens a store pays for neither."""
    url = (getattr(config, "store_url", "") or "").strip()
    if not url:
        from index.sqlite_store import SQLiteStore

        return SQLiteStore(config.data_dir / STORE_FILE)
    if url.startswith(("http://", "https://")):
        from index.search_node import SearchNodeStore

        return SearchNodeStore.connect(url, data_dir=config.data_dir)  # spool: data_dir/spool/
    from markwatch.config import ConfigError

    raise ConfigError(f"store_url: {url!r} is neither empty (the embedded store) nor an http(s):// URL "
                      "of an OpenSearch / Elasticsearch node; fix MARKWATCH_STORE_URL or markwatch.toml")
