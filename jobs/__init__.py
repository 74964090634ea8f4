"""jobs: the routine (``markwatch schedule``) — periodic runs: discovery by keyword, re-crawls by
age and risk, takedown checks, campaigns, platform health.

Why "jobs", not "scheduler": in Scrapy the scheduler is the request queue, and that belongs to
``crawler``. The routine starts crawls as separate processes (``markwatch crawl``), so it never
imports the crawler: a crawl that hangs or crashes cannot take the routine with it.

May import: the ground (``markwatch.config``, ``markwatch.contracts``), ``index`` and ``feeds``.
Never ``web`` (tests/test_layout.py keeps this).
"""
