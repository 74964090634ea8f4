"""What the pipelines tell each other about one listing, without touching the listing itself.

Why a side channel: the feed must stay exactly CONTRACTS §2, yet the later pipelines need to know
things the item does not say: the HTTP response it was scraped from (for the evidence), whether
the store already holds this very content (dedupe → match, evidence and store skip it), the leads
the matcher found and the evidence reference of its capture. Extra item fields would leak into the
feed and into the matcher's input; so each crawler keeps a :class:`ListingNotes` registry instead.

How an item is recognised along the way: a spider middleware sees the item as the spider yielded
it, but the validate pipeline hands on a *new* dict (the contract-shaped one), so the first hop is
by the listing's ``url`` (CONTRACTS §2 identifies a listing by it): response facts wait in
``pending[url]`` until the first pipeline that asks for the item's note claims them. From then on
the note follows the item object itself (``id(item)``: the same dict travels through dedupe, match,
evidence and store). Every note is released when the item leaves the pipelines (scraped, dropped or
failed), so nothing outlives its item, the response bodies included.
"""

from __future__ import annotations

import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.crawler import Crawler


@dataclass(frozen=True)
class ResponseFacts:
    """The HTTP exchange a listing came from, as fetched (what the evidence archives)."""

    request_method: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    response_headers: tuple[tuple[str, str], ...]
    body: bytes
    final_url: str
    """``response.url``: where the body came from, after redirects."""
    redirects: tuple[str, ...]
    """URLs passed through before ``final_url`` (Scrapy's ``redirect_urls``), first = asked for."""
    received_at: str
    """UTC ISO 8601 with ``Z``: when the spider got the response."""
    http_version: str = "HTTP/1.1"


@dataclass
class ListingNote:
    """Everything the pipelines learnt about one item so far."""

    facts: ResponseFacts | None = None
    unchanged: bool = False
    """The store holds this listing with this very content: match, evidence and store skip it."""
    content_hash: str = ""
    leads: list[dict[str, Any]] = field(default_factory=list)
    """§3 leads the match pipeline found for this listing (in its order)."""
    evidence: dict[str, Any] | None = None
    """The evidence reference of its capture (``EvidenceLog.append``), once captured."""
    evidence_failed: bool = False
    origin: int = 0
    """id of the item as the spider yielded it (0 when no response was noted for it)."""


class ListingNotes:
    """One crawler's notes, keyed as explained in the module docstring."""

    def __init__(self) -> None:
        self.pending: dict[str, deque[tuple[int, ResponseFacts]]] = {}
        """listing url → (id of the item as the spider yielded it, its response facts), oldest first."""
        self.by_item: dict[int, ListingNote] = {}
        self._claimed_from: dict[int, int] = {}
        """id of the spider's item → id of the validated item that claimed its facts."""

    # -- the spider middleware's side ------------------------------------------------------------
    def remember_response(self, item: Any, facts: ResponseFacts) -> None:
        """Response facts of an item the spider just yielded."""
        url = ItemAdapter(item).get("url")
        if isinstance(url, str):
            self.pending.setdefault(url, deque()).append((id(item), facts))

    # -- the pipelines' side -----------------------------------------------------------------------
    def of(self, item: Any) -> ListingNote:
        """The note of ``item`` (a validated listing), claiming its response facts on first use."""
        note = self.by_item.get(id(item))
        if note is None:
            origin, facts = self._take_pending(ItemAdapter(item).get("url"))
            note = ListingNote(facts=facts, origin=origin)
            self.by_item[id(item)] = note
            if origin:
                self._claimed_from[origin] = id(item)
        return note

    def peek(self, item: Any) -> ListingNote | None:
        """The note of ``item`` if some pipeline made one, without making one."""
        return self.by_item.get(id(item))

    def release(self, item: Any) -> None:
        """``item`` left the pipelines: forget everything noted for it.

        Scrapy names the item as it left the last pipeline when it was scraped, but as the spider
        yielded it when it was dropped or failed; both are recognised."""
        key = id(item)
        note = self.by_item.pop(key, None)
        if note is not None:
            self._claimed_from.pop(note.origin, None)
            return
        claimed = self._claimed_from.pop(key, None)
        if claimed is not None:
            self.by_item.pop(claimed, None)
            return
        try:
            url = ItemAdapter(item).get("url")
        except TypeError:  # not an item at all: nothing was noted for it
            return
        queue = self.pending.get(url) if isinstance(url, str) else None
        if queue:
            for entry in queue:
                if entry[0] == key:
                    queue.remove(entry)
                    break
            if not queue:
                del self.pending[url]

    def _take_pending(self, url: Any) -> tuple[int, ResponseFacts | None]:
        queue = self.pending.get(url) if isinstance(url, str) else None
        if not queue:
            return 0, None
        origin, facts = queue.popleft()
        if not queue:
            del self.pending[url]
        return origin, facts

    def __len__(self) -> int:
        return len(self.by_item) + sum(len(q) for q in self.pending.values())


_NOTES: "weakref.WeakKeyDictionary[Crawler, ListingNotes]" = weakref.WeakKeyDictionary()


def notes_for(crawler: Crawler) -> ListingNotes:
    """The crawler's :class:`ListingNotes`, made (and hooked to the item signals) on first use."""
    notes = _NOTES.get(crawler)
    if notes is None:
        notes = _NOTES[crawler] = ListingNotes()

        def done(item: Any, **_: Any) -> None:
            notes.release(item)

        def flagged(lead: dict[str, Any], item: Any, **_: Any) -> None:
            notes.of(item).leads.append(lead)

        from pipelines.match import lead_flagged  # the match pipeline's signal, one lead at a time

        # strong references: the crawler's signal manager must keep the closures alive
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(done, signal=signal, weak=False)
        crawler.signals.connect(flagged, signal=lead_flagged, weak=False)
    return notes


def listing_unchanged(crawler: Crawler, item: Any) -> bool:
    """True when dedupe found this listing in the store with this very content (skip the work)."""
    notes = _NOTES.get(crawler)
    note = notes.peek(item) if notes is not None else None
    return note is not None and note.unchanged
