"""What a leased request queue stores, whichever server keeps it (Redis or a local SQLite file).

Why leases: a queue that *pops* a request before it is downloaded (Scrapy's own queues, and
scrapy-redis's) loses it when the process dies before the response is handled: at most once. Here a
request taken by a worker stays in the queue, leased to that worker until a deadline; the worker
acknowledges it once its response (or final failure) has been handled, and extends its leases while
it works. A lease that runs out (its worker was killed) puts the request back, so another worker, or
the same crawl resumed, does it again: at least once, and only the requests in flight are repeated.

One job's state, the same in both backends:

- entries: id → the encoded request (``crawler.queue.codec``), with a score (priority, newest first
  within one priority: Scrapy's depth-first default) and a state: *ready*, *delayed* (a due time:
  the server's ``Retry-After``) or *leased* (owner and deadline);
- the seen-set of request fingerprints, written in the same atomic step as the push, so a request is
  never marked seen without being queued (what loses the queue of a killed Scrapy JOBDIR crawl,
  scrapy#4106);
- the page budget (``--max-pages``): new requests accepted so far, shared by every worker;
- listing claims: listing URL → the entry whose response emitted it, so a listing reached through two
  requests is emitted once, while a request done again after a kill may emit its own listing again;
- a finished mark once nothing is ready, delayed or leased any more.

Time is the caller's ``now`` (seconds, float), so tests can use a fake clock.
"""

from __future__ import annotations

import enum
import hashlib
import json
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable


class QueueUnavailable(ConnectionError):
    """The queue's server cannot be reached right now (Redis stopped, restarting, or the network is
    down): the scheduler waits and retries (crawler/queue/scheduler.py), the crawl is not over."""


class Pushed(enum.Enum):
    """What became of a pushed request."""

    QUEUED = "queued"
    SEEN = "seen"
    """Its fingerprint was in the seen-set already: dropped."""
    OVER_BUDGET = "over_budget"
    """The page budget was spent: dropped (not marked seen)."""


@dataclass(frozen=True)
class Taken:
    """A leased entry: its id (the lease's handle) and the encoded request."""

    entry: str
    payload: bytes


@dataclass(frozen=True)
class Counts:
    """How many entries are in each state, for the whole job (every worker)."""

    ready: int
    delayed: int
    leased: int

    @property
    def pending(self) -> int:
        return self.ready + self.delayed + self.leased


def job_key(spider: str, platform: str, start_urls: Iterable[str], base_url: str | None,
            max_pages: int | None, *more: Any) -> str:
    """The queue's name for one crawl: workers started with the same spider and arguments share it
    (``more``: further arguments that make it another crawl, e.g. discovery's keywords)."""
    what = json.dumps([spider, platform, sorted(start_urls), base_url or "", max_pages or 0, *more], default=str)
    digest = hashlib.sha1(what.encode("utf-8")).hexdigest()[:16]
    return f"{spider}:{platform or '-'}:{digest}"


class QueueBackend(ABC):
    """One job's leased queue. Every method is one atomic step on the server (or one transaction)."""

    worker: str
    """This worker's name (host, pid and a random tag): the owner written on its leases."""

    @abstractmethod
    def begin(self, now: float) -> bool:
        """Join the job. False when it finished a short while ago (a late worker: nothing to do).

        A job that finished earlier is started anew; the local backend also takes back every lease
        (the process that held them is gone: the file is locked by one crawl at a time)."""

    @abstractmethod
    def push(self, fingerprint: str | None, payload: bytes, priority: int, now: float, delay: float = 0.0,
             budgeted: bool = False, budget: int | None = None) -> Pushed:
        """Queue a request unless its fingerprint was seen (None: never filtered) or, when
        ``budgeted``, ``budget`` new requests were accepted already. ``delay`` > 0: not before
        ``now + delay``."""

    @abstractmethod
    def take(self, now: float, lease_seconds: float) -> Taken | None:
        """Lease the next ready entry until ``now + lease_seconds``, after making due delayed entries
        ready and putting back leases that ran out (their worker died or stalled)."""

    @abstractmethod
    def ack(self, entries: Iterable[str]) -> int:
        """Done: remove these entries (ours, or put back and not yet taken again). Returns how many
        were still leased to another worker (ours ran out meanwhile: that worker repeats them)."""

    @abstractmethod
    def extend(self, entries: Iterable[str], now: float, lease_seconds: float) -> list[str]:
        """Move the deadline of our leases; returns the entries that are no longer ours."""

    @abstractmethod
    def release(self, entries: Iterable[str]) -> None:
        """Put our leased entries back as ready (a graceful stop: a resumed crawl does them first)."""

    @abstractmethod
    def claim_listing(self, url: str, entry: str) -> bool:
        """True when ``entry`` may emit the listing at ``url``: nobody claimed it, or the claim is this
        entry's own (the request is done again after a kill). An empty ``entry`` (origin unknown)
        gets only unclaimed URLs."""

    @abstractmethod
    def budget_used(self) -> int:
        """New requests accepted against the page budget so far."""

    @abstractmethod
    def counts(self) -> Counts: ...

    def has_work(self) -> bool:
        """Anything ready, delayed or leased (cheaper than :meth:`counts` where it can be)."""
        return self.counts().pending > 0

    @abstractmethod
    def next_due(self) -> float | None:
        """The earliest due time of a delayed entry, or None."""

    @abstractmethod
    def stats(self) -> dict[str, int]:
        """The job's counters: pushed, taken, acked, requeued (leases that ran out), released, …"""

    @abstractmethod
    def finish(self, now: float) -> bool:
        """Mark the job finished if nothing is ready, delayed or leased; True if it was marked."""

    @abstractmethod
    def close(self) -> None: ...

    def ping(self) -> None:
        """Raise :class:`QueueUnavailable` when the queue's server cannot be reached (local: never)."""

    def leases_of(self, worker: str) -> list[str]:
        """Entries leased to ``worker`` now. After an outage the scheduler puts back those of its own it
        never heard of: a take the server carried out whose answer was lost with the connection (the
        local backend has no outages, so nothing is ever leased behind its worker's back)."""
        return []

    def clock(self) -> float:
        """Now, in seconds, on the clock every worker of the job shares (Redis: the server's)."""
        return time.time()

    def describe(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.describe()} worker={self.worker}>"


def counters(raw: dict[Any, Any]) -> dict[str, int]:
    """A counter mapping with text keys and int values (Redis answers bytes)."""
    out: dict[str, int] = {}
    for key, value in raw.items():
        name = key.decode() if isinstance(key, bytes) else str(key)
        out[name] = int(value)
    return out
