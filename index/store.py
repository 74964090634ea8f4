"""The lead store's interface: what every backend does, and the data it hands back.

Why a Protocol and plain dataclasses: the pipelines, the CLI, the workbench, the feeds and the
routine all talk to the store through :class:`LeadStore` only, so none of them knows whether the
embedded SQLite store or a search node (OpenSearch / Elasticsearch) is behind it. Both backends
pass the one contract test suite (``tests/test_store_contract.py``), which is what keeps them from
drifting apart (the fsspec / Django way: one suite, many backends).

Identifiers (CONTRACTS §9): a stored lead is identified by ``url`` + ``right_id``; its ``id`` is
:func:`lead_id`, the same string in every backend. A listing is identified by its ``url``; its
content is summarised by :func:`listing_hash`, which is what tells "unchanged" from "changed".
Times are UTC ISO 8601 strings with a ``Z`` (:func:`utc_now`).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Protocol, Sequence, runtime_checkable

import orjson

if TYPE_CHECKING:  # pragma: no cover
    from index.linkage import LinkageStore

Status = Literal["new", "confirmed", "dismissed", "notified", "removed", "rejected", "counter_notice",
                 "still_online"]
STATUSES: tuple[str, ...] = ("new", "confirmed", "dismissed", "notified", "removed", "rejected",
                             "counter_notice", "still_online")
FACET_FIELDS: tuple[str, ...] = ("right", "kind", "platform", "seller", "province", "status")
"""Facets the store counts itself (CONTRACTS §9/§11): right id, right kind, platform, seller name,
ship-from province, lead status."""
SortOrder = Literal["score", "date"]

# Listing fields that say nothing about the content (when it was fetched) or are derived after the
# dedupe pipeline hashed it (image_phash, pipelines/images.py): left out of the hash so a re-crawl of
# an unchanged page hashes the same.
_VOLATILE_LISTING_FIELDS = frozenset({"crawled_at", "image_phash"})


def lead_id(url: str, right_id: str) -> str:
    """The stable id of the lead on ``url`` for ``right_id`` (same in every backend and run)."""
    return hashlib.sha256(f"{url}\n{right_id}".encode("utf-8", "surrogatepass")).hexdigest()[:24]


def listing_hash(listing: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of a listing's content: every field but the fetch time, keys sorted."""
    content = {k: v for k, v in listing.items() if k not in _VOLATILE_LISTING_FIELDS}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def utc_now() -> str:
    """Now, as the store writes times: ``2026-12-01T21:30:00.123456Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StoreError(RuntimeError):
    """The store cannot do what was asked (unreachable node, locked or damaged database); the
    message says what and what to do."""


class CursorError(ValueError):
    """A keyset cursor (``SearchQuery.after``) this store did not hand out: changed by hand, cut
    short, or from another backend. Callers answer it as a bad request, never as a crash."""


def encode_cursor(sort: str, key: Any, last_id: str) -> str:
    """The opaque keyset cursor every backend hands out: the sort, the last row's sort key and id."""
    return base64.urlsafe_b64encode(orjson.dumps([sort, key, last_id])).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, str]:
    """(sort key, id) of the last row shown; :class:`CursorError` for a cursor this store did not hand
    out or one handed out for another sort order."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        cursor_sort, key, last_id = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError) as exc:
        raise CursorError(f"cursor {cursor[:40]!r} is not one this store handed out") from exc
    if cursor_sort != sort:
        raise CursorError(f"cursor belongs to sort {cursor_sort!r}, the query sorts by {sort!r}")
    return key, str(last_id)


class TransitionError(ValueError):
    """A lifecycle step that CONTRACTS §10 does not allow (e.g. ``dismissed`` → ``notified``)."""


@dataclass(frozen=True)
class SearchQuery:
    """One search: full text plus filters, a sort and a keyset cursor. Every field is optional.

    ``text`` is full text over title, description and seller name; a Chinese word of two or more
    characters inside a longer run counts as found (CONTRACTS §9)."""

    text: str = ""
    right: Sequence[str] = ()
    kind: Sequence[str] = ()
    platform: Sequence[str] = ()
    seller: Sequence[str] = ()
    province: Sequence[str] = ()
    status: Sequence[str] = ()
    min_score: float | None = None
    max_score: float | None = None
    since: str | None = None
    """first_seen >= since (ISO 8601)."""
    until: str | None = None
    """first_seen < until (ISO 8601)."""
    sort: SortOrder = "score"
    """"score": highest first; "date": newest first_seen first. Ties broken by id."""
    limit: int = 50
    """Rows per page; 0 = all."""
    after: str | None = None
    """Keyset cursor: the ``next_cursor`` of the previous page (opaque string)."""


@dataclass
class StoredLead:
    """A lead as the store keeps it: the §3 lead plus what the store knows about it."""

    id: str
    url: str
    right_id: str
    score: float
    reasons: list[str]
    listing: dict[str, Any]
    status: str = "new"
    first_seen: str = ""
    last_seen: str = ""
    reason_codes: list[dict[str, Any]] = field(default_factory=list)
    kind: str = ""
    """Right kind (trademark | gi | special_mark), "" when the right is not in the store."""
    province: str = ""
    """Ship-from province as resolved by the indexer ("" when unknown)."""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """Evidence references (see :class:`EvidenceRef`), newest last."""

    def to_json(self) -> dict[str, Any]:
        """The ``markwatch search --format json`` row (CONTRACTS §9): the §3 lead plus ``id``,
        ``status``, ``first_seen`` and ``last_seen``; extra fields after."""
        row: dict[str, Any] = {"id": self.id, "url": self.url, "right_id": self.right_id,
                               "score": self.score, "reasons": list(self.reasons),
                               "listing": dict(self.listing), "status": self.status,
                               "first_seen": self.first_seen, "last_seen": self.last_seen}
        if self.reason_codes:
            row["reason_codes"] = list(self.reason_codes)
        row["kind"] = self.kind
        row["province"] = self.province
        return row


@dataclass(frozen=True)
class SearchPage:
    leads: list[StoredLead]
    next_cursor: str | None
    """Pass as ``SearchQuery.after`` for the next page; None on the last page."""
    total: int
    """How many leads the query matches in all."""


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class IndexCounts:
    """What one :meth:`LeadStore.add_leads` call (or a whole ``markwatch index`` run) did."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: tuple[tuple[int, str], ...] = ()
    """Why each skipped lead was skipped: (its 0-based position in the ``add_leads`` input, reason),
    so a caller can print "line N: reason"."""

    def __add__(self, other: "IndexCounts") -> "IndexCounts":
        return IndexCounts(self.read + other.read, self.new + other.new, self.updated + other.updated,
                           self.unchanged + other.unchanged, self.skipped + other.skipped,
                           self.problems + other.problems)


@dataclass(frozen=True)
class Transition:
    """One lifecycle step of a lead (CONTRACTS §10)."""

    lead_id: str
    from_status: str
    to_status: str
    at: str
    actor: str
    note: str = ""


@dataclass(frozen=True)
class DayCount:
    """One bar of a per-day histogram: ``count`` things on ``day`` (UTC ``YYYY-MM-DD``) whose split
    field holds ``value`` ("" when the histogram is not split)."""

    day: str
    value: str
    count: int


HISTOGRAM_SPLITS: tuple[str, ...] = ("", "kind", "platform", "status", "right")
"""What :meth:`LeadStore.histogram` can split a day's leads by ("" = not split)."""


@dataclass(frozen=True)
class ListingVersion:
    """One version of a listing's content, kept when a later crawl saw it changed."""

    url: str
    content_hash: str
    listing: dict[str, Any]
    first_seen: str
    last_seen: str


@dataclass(frozen=True)
class SellerSummary:
    """One seller (platform + seller id) across crawls: how often it was flagged and acted on."""

    platform: str
    seller_id: str
    name: str
    leads: int
    confirmed: int
    takedowns: int
    """Leads whose listing was removed after a notice."""
    first_seen: str
    last_seen: str
    last_confirmed: str | None = None


@dataclass(frozen=True)
class ListingSeen:
    """Answer of :meth:`LeadStore.see_listing`: what the store knew of a listing URL."""

    known: bool
    changed: bool
    """True for a new URL or a content hash different from the stored one."""
    content_hash: str


# Lifecycle (CONTRACTS §10): from-status → statuses it may go to.
ALLOWED_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "new": frozenset({"confirmed", "dismissed"}),
    "confirmed": frozenset({"notified", "dismissed"}),
    "dismissed": frozenset({"confirmed"}),
    "notified": frozenset({"removed", "rejected", "counter_notice"}),
    "removed": frozenset({"still_online"}),
    "still_online": frozenset({"notified", "removed"}),
    "rejected": frozenset({"confirmed"}),
    "counter_notice": frozenset({"confirmed", "dismissed"}),
}


def check_transition(from_status: str, to_status: str) -> None:
    """Raise :class:`TransitionError` unless §10 allows ``from_status`` → ``to_status``."""
    if to_status not in STATUSES:
        raise TransitionError(f"unknown status {to_status!r}; statuses: {', '.join(STATUSES)}")
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(from_status, ()))) or "none"
        raise TransitionError(f"a {from_status} lead cannot become {to_status} (from {from_status}: {allowed})")


@runtime_checkable
class LeadStore(Protocol):
    """What every backend does. Writes of one call are one transaction (all or nothing)."""

    # -- rights ------------------------------------------------------------------------------------
    def put_rights(self, rights: Iterable[Mapping[str, Any]]) -> int:
        """Insert or replace rights (§1 dicts); returns how many. Leads get their ``kind`` from here."""
        ...

    def get_right(self, right_id: str) -> dict[str, Any] | None: ...

    # -- listings and leads ----------------------------------------------------------------------
    def see_listing(self, listing: Mapping[str, Any], seen_at: str | None = None) -> ListingSeen:
        """Dedupe by URL and content hash: record that ``listing`` was crawled at ``seen_at``.
        Unchanged: only ``last_seen`` of the listing and its leads moves. Changed: the new content
        becomes current and the earlier version stays in :meth:`listing_history`."""
        ...

    def add_leads(self, leads: Iterable[Mapping[str, Any]], seen_at: str | None = None) -> IndexCounts:
        """Add §3 leads (each with its ``listing``; optional extra fields ``reason_codes``,
        ``ship_from_province``). Idempotent by (url, right_id): the same lead twice is
        ``unchanged``; a lead whose listing or score changed is ``updated`` (status and history
        kept). A lead that breaks the contract is counted ``skipped``, never fatal. One batch is one
        transaction."""
        ...

    def get(self, lead_id: str) -> StoredLead | None: ...

    def search(self, query: SearchQuery) -> SearchPage: ...

    def facets(self, query: SearchQuery, fields: Sequence[str] = FACET_FIELDS,
               size: int = 10) -> dict[str, list[FacetValue]]:
        """Counts per value of each facet over the leads ``query`` matches (its own filter on that
        facet included), biggest first, at most ``size`` values each; computed by the backend."""
        ...

    def count(self, query: SearchQuery) -> int: ...

    def listing_history(self, url: str) -> list[ListingVersion]:
        """Versions of the listing, oldest first; the last one is current."""
        ...

    # -- lifecycle ---------------------------------------------------------------------------------
    def transition(self, lead_ids: Sequence[str], to_status: str, actor: str, note: str = "",
                   at: str | None = None) -> list[Transition]:
        """Move leads to ``to_status`` (checked by :func:`check_transition`; all or none: one
        disallowed or unknown id raises and nothing changes). Returns the steps made."""
        ...

    def history(self, lead_id: str) -> list[Transition]:
        """Every lifecycle step of the lead, oldest first."""
        ...

    # -- statistics (dashboard, period reports) ----------------------------------------------------
    def histogram(self, query: SearchQuery, split_by: str = "") -> list[DayCount]:
        """Leads ``query`` matches per UTC day of ``first_seen`` (and per value of ``split_by``, one
        of :data:`HISTOGRAM_SPLITS`), ordered by day then value; days without leads are left out.
        Counted by the backend (GROUP BY / an aggregation), never row by row."""
        ...

    def transition_histogram(self, since: str | None = None, until: str | None = None) -> list[DayCount]:
        """Lifecycle steps made per UTC day of their time ``at`` (since <= at < until), split by
        the status reached (``value`` = ``to_status``), ordered by day then status."""
        ...

    def notice_to_removal_hours(self, since: str | None = None, until: str | None = None) -> list[float]:
        """For each step to ``removed`` made in [since, until): the hours since the lead's latest
        ``notified`` step before it; ascending (the median is the middle one)."""
        ...

    # -- evidence ----------------------------------------------------------------------------------
    def add_evidence(self, url: str, ref: Mapping[str, Any]) -> None:
        """Attach an evidence reference (a dict: ``entry`` index in the evidence log,
        ``captured_at``, ``sha256`` {artefact: hex}, ``warc``) to every lead on ``url``."""
        ...

    # -- sellers -----------------------------------------------------------------------------------
    def seller(self, platform: str, seller_id: str) -> SellerSummary | None: ...

    def sellers(self, limit: int = 50, min_leads: int = 1) -> list[SellerSummary]:
        """Sellers by confirmed leads, then leads, most first: the repeat infringers on top."""
        ...

    def seller_leads(self, platform: str, seller_id: str, limit: int = 0) -> list[StoredLead]:
        """Every lead of the seller (``platform`` + ``seller_id``), newest ``first_seen`` first (ties
        by id); ``limit`` 0 = all."""
        ...

    def seller_links(self) -> list[tuple[str, str, str, str]]:
        """(platform, seller_id, kind, value) rows, distinct and sorted: the phones, WeChat/QQ ids,
        e-mails, shop addresses and photo hashes the current listing of each lead with a seller links
        it by (:func:`index.sellers.link_rows`); seller networks are built from them
        (index/networks.py, docs/sellers.md)."""
        ...

    def seller_confirmations(self, sellers: Sequence[tuple[str, str]] | None = None
                             ) -> dict[tuple[str, str], list[str]]:
        """(platform, seller_id) → when each of its leads that counts for the supervision tier
        (status in :data:`index.sellers.COUNTED_STATUSES`) was last confirmed, one time per lead;
        for the given sellers only (every seller when None). Sellers without any are left out."""
        ...

    # -- platform linkage --------------------------------------------------------------------------
    @property
    def linkage(self) -> "LinkageStore":
        """Notices, clues, the webhook outbox, dispositions, platforms, partner offices and tips
        (:class:`index.linkage.LinkageStore`): always SQLite — in this store's own database on the
        SQLite backend (one transaction with the leads' steps), ``linkage.sqlite`` beside a node."""
        ...

    # -- housekeeping ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Make every accepted write durable and visible to searches (a refresh on a node)."""
        ...

    def close(self) -> None: ...
