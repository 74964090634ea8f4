"""How one batch of leads becomes rows: checked, then planned in Python, then written with a few
``executemany`` calls inside the caller's transaction.

Why plan first: a million-lead ``markwatch index`` run spends its time per row, so the batch asks
SQLite three questions up front (which URLs, lead ids and rights it already has), decides for
every lead whether it is new, updated or unchanged — including the same lead or listing twice in
one batch — and then writes each kind of row with one ``executemany`` (≈10× cheaper per row than
one ``execute`` each). New rowids for listings are handed out here, which is safe because the
batch holds the one write lock (``BEGIN IMMEDIATE``).

A listing whose content changed keeps its earlier version in ``listing_versions``; its full-text
tokens and its seller link values (``listing_links``: phones, WeChat ids, addresses, photo hash,
read here once so that seller networks never re-read every listing) are replaced. A lead keeps its status and history whatever changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

import orjson
import sqlean as sqlite3

from index import sqlite_counts
from index.fulltext import index_text
from index.lead_check import MAX_LISTING_BYTES, check_lead, unicode_problem
from index.sellers import listing_links
from index.store import lead_id, listing_hash

_CHUNK = 10_000  # parameters per IN (...) query


@dataclass(slots=True)
class PreparedLead:
    """A checked lead with everything the tables need, serialised once."""

    id: str
    url: str
    right_id: str
    score: float
    reasons: bytes
    reason_codes: bytes
    listing: dict[str, Any]
    body: bytes
    content_hash: str
    platform: str
    seller_id: str
    seller_name: str
    province: str
    text: tuple[str, str, str] | None = None
    """Full-text tokens of title, description, seller name, when made ahead (:func:`prepare_ahead`)."""
    links: tuple[tuple[str, str], ...] | None = None
    """The listing's seller link values (:func:`index.sellers.listing_links`), when made ahead."""

    def fts_text(self) -> tuple[str, str, str]:
        return self.text if self.text is not None else listing_text(self.listing)

    def link_values(self) -> tuple[tuple[str, str], ...]:
        return self.links if self.links is not None else tuple(listing_links(self.listing))


PreparedTuple = tuple
"""A :class:`PreparedLead` as a plain tuple of its fields without ``listing`` (see :func:`prepare_ahead`)."""


def prepare_ahead(obj: Any) -> PreparedTuple | str:
    """:func:`prepare` plus the full-text tokens, keeping no listing dict: what another process can
    do for the writer (``markwatch index`` runs it in a worker). The result is a plain tuple
    (:func:`from_ahead` makes it a lead again), because unpickling a tuple of str/bytes costs the
    writer ≈3.5 µs a lead and a slotted dataclass ≈10 µs, on the writer's critical path."""
    prepared = prepare(obj)
    if isinstance(prepared, str):
        return prepared
    x = prepared
    return (x.id, x.url, x.right_id, x.score, x.reasons, x.reason_codes, x.body, x.content_hash, x.platform,
            x.seller_id, x.seller_name, x.province, listing_text(x.listing), tuple(listing_links(x.listing)))


def from_ahead(item: PreparedTuple | PreparedLead) -> PreparedLead:
    """The :class:`PreparedLead` of a :func:`prepare_ahead` tuple (a lead passes through)."""
    if isinstance(item, PreparedLead):
        return item
    return PreparedLead(*item[:6], {}, *item[6:])


def prepare(obj: Any) -> PreparedLead | str:
    """The prepared lead, or the reason it cannot be stored."""
    reason = check_lead(obj)
    if reason is not None:
        return reason
    listing = obj["listing"]
    province = obj.get("ship_from_province") or ""
    reason = unicode_problem(obj["url"], obj["right_id"], province)
    if reason is not None:
        return reason
    try:
        body = orjson.dumps(listing)
        reasons = orjson.dumps(obj["reasons"])
        codes = orjson.dumps(obj.get("reason_codes") or [])
        content_hash = listing_hash(listing)
    except orjson.JSONEncodeError as exc:
        if "surrogates" in str(exc):
            return "text is not valid Unicode (a lone surrogate)"
        return f"cannot be stored as JSON: {exc}"
    if len(body) > MAX_LISTING_BYTES:
        return f"listing is {len(body):,} bytes of JSON, more than {MAX_LISTING_BYTES:,}"
    seller_name = listing.get("seller_name") or ""
    return PreparedLead(lead_id(obj["url"], obj["right_id"]), obj["url"], obj["right_id"],
                        float(obj["score"]), reasons, codes, listing, body, content_hash,
                        listing.get("platform") or "", listing.get("seller_id") or seller_name,
                        seller_name, province)


def listing_text(listing: dict[str, Any]) -> tuple[str, str, str]:
    return (index_text(listing.get("title") or ""), index_text(listing.get("description") or ""),
            index_text(listing.get("seller_name") or ""))


def chunked(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def lookup(db: sqlite3.Connection, sql: str, keys: Sequence[Any]) -> list[tuple]:
    """Rows of ``sql`` (with one ``{marks}`` placeholder list) for every key, in chunks."""
    rows: list[tuple] = []
    for part in chunked(keys):
        rows.extend(db.execute(sql.format(marks=",".join("?" * len(part))), part).fetchall())
    return rows


@dataclass(slots=True)
class ListingPlan:
    """What becomes of one listing URL in this batch."""

    url: str
    rowid: int
    known: bool
    db_hash: str
    contents: list[tuple[str, bytes, PreparedLead | dict[str, Any]]] = field(default_factory=list)
    """Contents different from the stored one, in the order seen (the last becomes current)."""

    @property
    def current_hash(self) -> str:
        return self.contents[-1][0] if self.contents else self.db_hash

    def see(self, content_hash: str, body: bytes, source: PreparedLead | dict[str, Any]) -> None:
        """Another sighting; ``source`` (a prepared lead or a listing) gives the full text if needed."""
        if content_hash != self.current_hash:
            self.contents.append((content_hash, body, source))


class ListingPlanner:
    """Collects the listings of a batch, then writes them (:meth:`write`)."""

    def __init__(self, db: sqlite3.Connection, urls: Iterable[str]):
        unique = list(dict.fromkeys(urls))
        self.plans: dict[str, ListingPlan] = {
            url: ListingPlan(url, rowid, True, content_hash)
            for rowid, url, content_hash in lookup(db, "SELECT rowid, url, content_hash FROM listings "
                                                   "WHERE url IN ({marks})", unique)}
        next_rowid = (db.execute("SELECT max(rowid) FROM listings").fetchone()[0] or 0) + 1
        for url in unique:
            if url not in self.plans:
                self.plans[url] = ListingPlan(url, next_rowid, False, "")
                next_rowid += 1

    def write(self, db: sqlite3.Connection, now: str) -> list[int]:
        """Write every plan; returns the rowids of listings seen unchanged."""
        inserts, changes, versions, fts_new, fts_gone, unchanged = [], [], [], [], [], []
        links: list[tuple[int, str, str]] = []
        for plan in self.plans.values():
            if not plan.contents:
                unchanged.append(plan.rowid)
                continue
            *earlier, (content_hash, body, source) = plan.contents
            if plan.known:
                changes.append(plan.rowid)
                fts_gone.append((plan.rowid,))
            versions.extend((plan.rowid, h, b, now, now) for h, b, _ in earlier)
            inserts.append((plan.rowid, plan.url, content_hash, body, now, now, now))
            if isinstance(source, PreparedLead):
                text, values = source.fts_text(), source.link_values()
            else:
                text, values = listing_text(source), listing_links(source)
            fts_new.append((plan.rowid, *text))
            links.extend((plan.rowid, kind, value) for kind, value in dict.fromkeys(values))
        if changes:  # the stored current version joins the history before it is replaced
            db.executemany("INSERT INTO listing_versions (listing, content_hash, body, first_seen, last_seen) "
                           "SELECT rowid, content_hash, body, version_seen, last_seen FROM listings "
                           "WHERE rowid = ?", [(rowid,) for rowid in changes])
            db.executemany("DELETE FROM listing_text WHERE rowid = ?", fts_gone)
            db.executemany("DELETE FROM listing_links WHERE listing = ?", fts_gone)
        if versions:
            db.executemany("INSERT INTO listing_versions (listing, content_hash, body, first_seen, last_seen) "
                           "VALUES (?, ?, ?, ?, ?)", versions)
        if inserts:
            db.executemany("INSERT INTO listings (rowid, url, content_hash, body, first_seen, last_seen, "
                           "version_seen) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rowid) DO UPDATE SET "
                           "content_hash = excluded.content_hash, body = excluded.body, "
                           "last_seen = excluded.last_seen, version_seen = excluded.version_seen", inserts)
            db.executemany("INSERT INTO listing_text (rowid, title, description, seller) VALUES (?, ?, ?, ?)",
                           fts_new)
        if links:
            db.executemany("INSERT INTO listing_links (listing, kind, value) VALUES (?, ?, ?)", links)
        if unchanged:
            db.executemany("UPDATE listings SET last_seen = ? WHERE rowid = ?", [(now, r) for r in unchanged])
        return unchanged


@dataclass
class LeadPlan:
    """New, updated and merely seen leads of a batch, with the counts."""

    new: dict[str, PreparedLead] = field(default_factory=dict)
    updated: dict[str, PreparedLead] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0})


def plan_leads(db: sqlite3.Connection, leads: list[PreparedLead], listings: ListingPlanner) -> LeadPlan:
    known = {row[0]: tuple(row[1:]) for row in lookup(
        db, "SELECT id, listing_hash, score, reasons, reason_codes FROM leads WHERE id IN ({marks})",
        list(dict.fromkeys(lead.id for lead in leads)))}
    plan = LeadPlan()
    for lead in leads:
        listings.plans[lead.url].see(lead.content_hash, lead.body, lead)
        state = (lead.content_hash, lead.score, lead.reasons, lead.reason_codes)
        before = known.get(lead.id)
        known[lead.id] = state
        if before is None:
            plan.counts["new"] += 1
            plan.new[lead.id] = lead
        elif before != state:
            plan.counts["updated"] += 1
            (plan.new if lead.id in plan.new else plan.updated)[lead.id] = lead
        else:
            plan.counts["unchanged"] += 1
            if lead.id not in plan.new and lead.id not in plan.updated:
                plan.touched.add(lead.id)
    return plan


def write_leads(db: sqlite3.Connection, plan: LeadPlan, listings: ListingPlanner, now: str) -> None:
    rights = {lead.right_id for lead in (*plan.new.values(), *plan.updated.values())}
    kinds = dict(lookup(db, "SELECT id, kind FROM rights WHERE id IN ({marks})", list(rights)))
    if plan.new:
        db.executemany(
            "INSERT INTO leads (id, listing, url, right_id, score, reasons, reason_codes, listing_hash, kind, "
            "platform, seller_id, seller_name, province, status, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)",
            [(x.id, listings.plans[x.url].rowid, x.url, x.right_id, x.score, x.reasons, x.reason_codes,
              x.content_hash, kinds.get(x.right_id, ""), x.platform, x.seller_id, x.seller_name, x.province,
              now, now) for x in plan.new.values()])
        sqlite_counts.count_new(db, ((x.right_id, kinds.get(x.right_id, ""), x.platform, x.province, x.seller_name)
                                     for x in plan.new.values()))
    if plan.updated:
        db.executemany(
            "UPDATE leads SET score = ?, reasons = ?, reason_codes = ?, listing_hash = ?, kind = ?, "
            "platform = ?, seller_id = ?, seller_name = ?, province = ?, last_seen = ? WHERE id = ?",
            [(x.score, x.reasons, x.reason_codes, x.content_hash, kinds.get(x.right_id, ""), x.platform,
              x.seller_id, x.seller_name, x.province, now, x.id) for x in plan.updated.values()])
    if plan.touched:
        db.executemany("UPDATE leads SET last_seen = ? WHERE id = ?", [(now, i) for i in plan.touched])
