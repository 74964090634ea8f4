"""web: the ``markwatch serve`` service — the FastAPI app factory, the analysts' pages (search,
triage, sellers, dashboard, reports), the JSON API and the platforms' API (feeds, dispositions back).

Why a room of its own: it is a long-lived process that reads and writes only through the store, so
it must not pull in the crawler or Scrapy (no reactor, no pipelines) and must not change
process-wide state the way a short command may (``gc.freeze`` and the like).

May import: the ground (``markwatch.config``, ``markwatch.contracts``), ``index`` and ``feeds``.
Never ``crawler`` or ``pipelines`` (tests/test_layout.py keeps this).
"""
