"""index: the lead store — the :class:`~index.store.LeadStore` protocol, its embedded SQLite backend
and its search-node (OpenSearch / Elasticsearch) backend, and the evidence log.

Why a room of its own: everything above the store (pipelines, feeds, web, jobs) talks to it through
the protocol only, so the backend is a configuration choice. The store holds data; it does not
match, crawl or serve.

May import: the ground only (``markwatch.config``, ``markwatch.contracts``) and third-party
libraries. Never ``matchers``, ``crawler``, ``pipelines``, ``feeds``, ``web`` or ``jobs``
(tests/test_layout.py keeps this).
"""
