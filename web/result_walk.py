"""Every lead a search matches, walked page by page with the store's keyset cursor.

Why its own module: bulk triage ("apply to all N results"), the exports and anything else that
acts on a whole result must see every row the query matches — not the 50 on the page, and not a
capped ``limit`` — without holding a million leads in memory or asking the store for one huge
page. Keyset pages (``after=next_cursor``) stay fast however deep the walk goes and never skip or
repeat a row the way offsets do while other writes land.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from index.store import LeadStore, SearchQuery, StoredLead
from web.search_params import SearchParams

WALK_PAGE = 500
"""Rows per store call while walking a result."""


def walk_query(store: LeadStore, query: SearchQuery, page_size: int | None = None) -> Iterator[StoredLead]:
    """Yield every lead ``query`` matches, in its sort order (its own ``limit``/``after`` ignored)."""
    page_size = page_size or WALK_PAGE
    cursor: str | None = None
    while True:
        result = store.search(replace(query, limit=page_size, after=cursor))
        yield from result.leads
        cursor = result.next_cursor
        if not cursor or not result.leads:
            return


def walk(store: LeadStore, params: SearchParams, page_size: int | None = None) -> Iterator[StoredLead]:
    """Every lead of the search ``params`` describes (its page cursor left out)."""
    return walk_query(store, params.to_query(after=""), page_size)
