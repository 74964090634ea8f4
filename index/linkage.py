"""The platform linkage's store: parties (platforms, partner offices), notices, clues, the webhook
outbox, dispositions and tips — :class:`LinkageStore`, reached as ``store.linkage`` on every backend.

Changes to the interface agreed in /tmp/brief/linkage.md (additions only, nothing renamed):

- ``create_due_notices`` takes an optional keyword ``composer``: the index may not import ``feeds``
  (tests/test_layout.py), so the NOTICE JSON (§7) is composed by ``feeds.notices`` and handed in.
  ``import feeds.notices`` registers its composer as the default (:func:`set_default_composer`);
  the simplest call is ``feeds.notices.create_due_notices(store, config, now)``.
- Clues (a partner office's copy of the listings in its jurisdiction) are NOTICE-shaped too, with
  ids ``clu-…`` beside notices' ``ntc-…``; ``feed("office", name, …)`` is an office's clue feed,
  ``notice(id)`` answers both. Their evidence download URL is
  ``/api/v1/clues/{id}/evidence/{n}.wacz``.
- ``record_disposition`` raises :class:`DispositionError` (answer 409) for a second, different
  disposition on a notice, and ``KeyError`` for an unknown notice / another platform's (404).
- ``lease_deliveries`` (take due rows with a lease, for the delivery worker) beside
  ``due_deliveries`` (look without taking); ``deliveries_of(notice_id)`` (workbench: what was sent).
- ``office_items(name)``: what was passed on to an office and what came back (the clue and the
  status of each of its listings' leads now).
- Also added: ``set_webhook``, ``notice_seq``, ``notices`` (workbench list), ``notices_of_lead``,
  ``resend`` (a notice again for its ``still_online`` leads), ``delivery``, ``attempts``,
  ``set_tip_status``; ``rotate_secret`` / ``signing_secrets`` take ``now`` (and the overlap) so
  tests use a fake clock. ``Endpoint``/``Delivery`` carry a few more fields after the agreed ones.

Why SQLite always, whatever the lead store: notices, the outbox and dispositions need transactions
(CONTRACTS §7: "a notice and its outbox entry are one transaction") and are small. On the SQLite
backend they live in the lead store's own database and go through its one writer, so "leads
confirmed → notified + notice + its items + outbox rows + clue rows" is ONE transaction: a process
killed in the middle leaves all of it or none. On the search-node backend they live in
``linkage.sqlite`` in the data dir; a node is not transactional, so the leads' transitions are
written as pending moves in the same linkage transaction and applied through the node right after
the commit — and again, idempotently, at the next linkage write if the process died in between
(a lead is never in two notices, and a notified lead always has its notice).

Ids and order: every notice and clue gets a ``seq`` (SQLite ``INTEGER PRIMARY KEY
AUTOINCREMENT``, assigned under the one write lock, so commit order = seq order): a feed cursor is
the last seq seen, and following it returns every document exactly once, also while new ones
arrive. Webhook ids (``msg_…``) are fixed when the outbox row is written and reused on every retry
and replay, so receivers de-duplicate by id.

Keys and secrets: an API key is shown once and stored as its SHA-256 (a random 32-byte key needs
no slow hash); lookups compare digests with :func:`hmac.compare_digest`. A webhook secret
(``whsec_`` + base64 of 32 random bytes) must be kept as is to sign; after a rotation the old one
keeps signing beside the new one for ``secret_overlap_seconds`` (Standard Webhooks: several
space-separated signatures), so receivers can switch without losing a message.

Times are UTC ISO 8601 strings with ``Z`` and are always passed in (``now``/``at``), so tests run
the settle time, retries and the 15-day counter-notice clock (E-Commerce Law Art. 43) on a fake
clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Protocol, Sequence, runtime_checkable

PartyKind = Literal["platform", "office"]
PARTY_KINDS: tuple[str, ...] = ("platform", "office")
DISPOSITIONS: tuple[str, ...] = ("removed", "rejected", "counter_notice")
NOTICE_STATUSES: tuple[str, ...] = ("sent", "acknowledged", "removed", "rejected", "counter_notice")
"""A notice's ``status`` (CONTRACTS §7): sent when created, acknowledged once a push was answered
2xx, then the platform's disposition."""
COUNTER_NOTICE_DAYS = 15
"""E-Commerce Law Art. 43: measures are lifted unless the holder complains or sues within 15 days
of the forwarded counter-notice."""
MAX_LISTINGS_PER_NOTICE = 300
"""Alibaba's IPP accepts up to 300 listing URLs per request (DOMAIN.md)."""


class LinkageError(ValueError):
    """A linkage request that cannot be done as asked; the message says why and what to do."""


class UnknownParty(LinkageError, KeyError):
    """No platform / office of that name (``markwatch platform list`` / ``office list``)."""


class DispositionError(LinkageError):
    """A disposition that contradicts the one already recorded for the notice (answer 409)."""


@dataclass(frozen=True)
class Credentials:
    """What ``platform add`` / ``office add`` print once: the API key and the webhook secret are
    never shown again (the key is kept only as its hash)."""

    name: str
    api_key: str
    webhook_secret: str


@dataclass(frozen=True)
class Endpoint:
    """A party the office talks to: a platform (``name`` = the listings' ``platform`` value) or a
    partner office (``regions`` = the provinces of its jurisdiction, as the store names ship-from
    provinces: 江苏省, 上海市, 广西壮族自治区)."""

    kind: str
    name: str
    webhook_url: str | None
    enabled: bool
    regions: tuple[str, ...] = ()
    disabled_reason: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Delivery:
    """One outbox row: one push of one document to one party's webhook. ``id`` is the
    ``webhook-id`` (``msg_…``), the same on every attempt and replay."""

    id: str
    kind: str
    name: str
    url: str
    payload: bytes
    attempt: int
    next_at: str | None
    notice_id: str = ""
    status: str = "pending"
    """pending | delivered | dead"""
    last_status: int | None = None
    last_error: str = ""
    created_at: str = ""
    leased_until: str | None = None


@dataclass(frozen=True)
class NoticeDraft:
    """What a composer gets for one notice: its id and time, the platform, the right (§1 dict, or
    ``{"id": …}`` when the register does not know it) and its leads (``index.store.StoredLead``)."""

    notice_id: str
    created_at: str
    platform: str
    right: Mapping[str, Any]
    leads: Sequence[Any]


@dataclass(frozen=True)
class ClueDraft:
    """One clue to route: the office it goes to and the notice's leads in its jurisdiction."""

    office: str
    leads: Sequence[Any] = field(default_factory=tuple)


class NoticeComposer(Protocol):
    """Turns rows into documents (feeds/notices.py, feeds/clues.py implement it)."""

    def compose_notice(self, draft: NoticeDraft) -> dict[str, Any]:
        """The §7 NOTICE JSON of ``draft`` (status "sent")."""
        ...

    def route_clues(self, draft: NoticeDraft, offices: Sequence[Endpoint]) -> list[ClueDraft]:
        """The clues ``draft`` gives rise to: per office, its leads whose seller or ship-from lies in
        the office's regions (offices without any are left out)."""
        ...

    def compose_clue(self, clue_id: str, notice: Mapping[str, Any], clue: ClueDraft) -> dict[str, Any]:
        """The clue's JSON: the NOTICE shape, limited to ``clue.leads``, addressed to the office."""
        ...


_default_composer: list[NoticeComposer] = []


def set_default_composer(composer: NoticeComposer) -> None:
    """Make ``composer`` the one ``create_due_notices`` uses when none is passed
    (``feeds.notices`` calls this when imported)."""
    _default_composer[:] = [composer]


def default_composer() -> NoticeComposer:
    if not _default_composer:
        raise LinkageError("no notice composer: import feeds.notices (or pass composer=) before "
                           "create_due_notices")
    return _default_composer[0]


@runtime_checkable
class LinkageStore(Protocol):
    """Notices, clues, outbox, dispositions, parties and tips. Each write call is one transaction."""

    # -- parties ---------------------------------------------------------------------------------
    def add_platform(self, name: str, webhook_url: str | None = None) -> Credentials:
        """Register the platform ``name`` (the listings' ``platform`` value); :class:`LinkageError`
        when it exists already (rotate its key instead)."""
        ...

    def add_office(self, name: str, regions: Sequence[str], webhook_url: str | None = None) -> Credentials:
        """Register a partner office with the provinces of its jurisdiction (already normalised)."""
        ...

    def set_webhook(self, kind: str, name: str, webhook_url: str | None) -> None:
        """Change (or clear) the webhook URL; re-enables an endpoint disabled by a 410."""
        ...

    def rotate_key(self, kind: str, name: str) -> str:
        """A new API key; the old one stops working at once."""
        ...

    def revoke_key(self, kind: str, name: str) -> None:
        """No key works for the party any more (until :meth:`rotate_key`)."""
        ...

    def rotate_secret(self, kind: str, name: str, now: str | None = None,
                      overlap_seconds: float = 86400.0) -> str:
        """A new ``whsec_`` secret; the old one keeps signing too until ``now + overlap_seconds``."""
        ...

    def party_for_key(self, api_key: str) -> Endpoint | None:
        """The party the key belongs to, or None (unknown, revoked or rotated away)."""
        ...

    def signing_secrets(self, kind: str, name: str, now: str | None = None) -> list[str]:
        """The secrets to sign with: current first, then old ones still within their overlap."""
        ...

    def endpoint(self, kind: str, name: str) -> Endpoint | None: ...

    def endpoints(self) -> list[Endpoint]:
        """Every party, platforms first, by name."""
        ...

    def disable_endpoint(self, kind: str, name: str, reason: str) -> None:
        """Stop pushing to the party (its webhook answered 410); its pending rows stay pending."""
        ...

    # -- notices ---------------------------------------------------------------------------------
    def create_due_notices(self, now: str, settle_seconds: float, max_listings: int = 300, *,
                           composer: NoticeComposer | None = None) -> list[str]:
        """Confirmed leads not yet in a notice, grouped by (platform, right); a group is due when its
        newest confirmation is at least ``settle_seconds`` old; chunks of at most ``max_listings``.
        ONE transaction per notice: the notice (its frozen NOTICE JSON), its items, an outbox row
        for the platform (if it has an enabled webhook), a clue + outbox row per partner office
        whose regions hold a lead's seller or ship-from province, and the leads' step confirmed →
        notified (§10). Returns the new notice ids, oldest first."""
        ...

    def notice(self, notice_id: str) -> dict[str, Any] | None:
        """The NOTICE JSON (§7) of a notice or clue, with its current ``status`` (and
        ``disposition``/``counter_notice_deadline`` once recorded)."""
        ...

    def notice_seq(self, notice_id: str) -> int | None:
        """The feed position of a notice or clue."""
        ...

    def notices(self, platform: str | None = None, status: str | None = None, limit: int = 100,
                before_seq: int | None = None) -> list[dict[str, Any]]:
        """Notices (not clues), newest first: the workbench's list."""
        ...

    def notices_of_lead(self, lead_id: str) -> list[str]:
        """Ids of the notices (and clues) a lead was in, oldest first."""
        ...

    def feed(self, kind: str, name: str, after_seq: int, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """(seq, NOTICE) of the party's documents with seq > ``after_seq``, oldest first: a
        platform's notices, an office's clues."""
        ...

    def record_disposition(self, notice_id: str, platform: str, disposition: str, reason: str = "",
                           declaration: str = "", at: str | None = None) -> dict[str, Any]:
        """The platform's answer: removed | rejected | counter_notice. The notice's leads step
        notified → that status in the same transaction; a counter-notice gets
        ``counter_notice_deadline`` = at + 15 days (Art. 43). Returns the updated NOTICE.
        ``KeyError``: no such notice for this platform; :class:`DispositionError`: it already has
        a different disposition; :class:`LinkageError`: not a disposition."""
        ...

    def counter_notices_due(self, now: str, warn_days: float) -> list[dict[str, Any]]:
        """Counter-notices whose deadline is at most ``warn_days`` ahead (or passed), soonest first:
        ``{"notice_id", "platform", "right_id", "declaration", "at", "deadline", "overdue",
        "days_left"}``."""
        ...

    def mark_still_online(self, url: str, at: str) -> list[str]:
        """A re-crawl found the listing of a "removed" lead online: its leads step removed →
        still_online; returns their ids."""
        ...

    def resend(self, notice_id: str, now: str, *, composer: NoticeComposer | None = None) -> str | None:
        """A new notice for the notice's leads that are ``still_online`` (they step → notified), with
        its outbox row; None when there are none."""
        ...

    def linkage_stats(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Per platform, notices created in [since, until): ``platform, notices, listings, removed,
        rejected, counter, takedown_rate, median_hours_to_removal, counter_notice_rate``."""
        ...

    # -- outbox ----------------------------------------------------------------------------------
    def due_deliveries(self, now: str, limit: int = 50) -> list[Delivery]:
        """Pending rows due at ``now`` (not leased, or lease ended) to enabled endpoints, oldest first."""
        ...

    def lease_deliveries(self, now: str, lease_seconds: float, limit: int = 50) -> list[Delivery]:
        """:meth:`due_deliveries`, taken: each gets ``leased_until = now + lease_seconds`` in one
        transaction, so two workers never take the same row; a killed worker's rows come back when
        the lease ends (at least once, same webhook-id)."""
        ...

    def record_attempt(self, delivery_id: str, at: str, status: int | None, error: str,
                       next_at: str | None, dead: bool) -> None:
        """One attempt's outcome: ``next_at`` None and not dead → delivered (the notice becomes
        acknowledged); ``dead`` → the dead-letter list; else pending again at ``next_at``."""
        ...

    def delivery(self, delivery_id: str) -> Delivery | None: ...

    def deliveries_of(self, notice_id: str) -> list[Delivery]: ...

    def attempts(self, delivery_id: str) -> list[dict[str, Any]]:
        """Every attempt of a delivery, oldest first: ``at, status, error``."""
        ...

    def dead_letters(self, limit: int = 100) -> list[Delivery]: ...

    def replay(self, delivery_ids: Sequence[str] | None = None, now: str | None = None) -> int:
        """Dead (or given) rows back to pending, attempt 0, due ``now``, the SAME webhook-id; None =
        every dead letter. Returns how many."""
        ...

    # -- offices ---------------------------------------------------------------------------------
    def office_items(self, name: str, limit: int = 100) -> list[dict[str, Any]]:
        """Clues passed to the office, newest first, each with its listings and their leads' status now."""
        ...

    # -- tips ------------------------------------------------------------------------------------
    def add_tip(self, url: str, right_id: str | None, source: str, note: str, at: str) -> str:
        """A reported suspect listing (status "new"); returns its id (``tip-…``)."""
        ...

    def tips(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Tips, newest first: ``id, url, right_id, source, note, at, status, updated_at, lead_ids``."""
        ...

    def set_tip_status(self, tip_id: str, status: str, at: str, lead_ids: Sequence[str] = ()) -> None:
        """new → crawled | matched | unmatched | failed (the routine's progress on a tip)."""
        ...
