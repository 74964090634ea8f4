"""What a worker keeps while its queue's server is away, and when it asks again.

Why: a crawl on Redis must outlive a Redis that is stopped and started again (an upgrade, a restart
after a crash, a network cut). Without this, the first call that failed raised inside Scrapy's engine:
a follow-up request being pushed was lost, and the crawl ended or crashed. Instead the scheduler
(crawler/queue/scheduler.py) notes the outage here, says so in one console line, and carries on with
what it already has in flight, keeping locally what it would have written:

- *pushes* (follow-up requests, retries) in the order they were made;
- *acknowledgements* of requests it finished;
- *listing claims* it could not check (the listing is emitted: at least once, never lost).

It asks the server again with a back-off (:attr:`Outage.next_try`: 0.5 s, doubling, at most
``QUEUE_OUTAGE_BACKOFF_MAX``), and when it answers, the pushes are written *before* the
acknowledgements: a request is acknowledged only once its follow-ups are in the shared queue, so a
worker killed during the outage (whose buffers die with it) loses nothing either — its leases run out
and another worker does those requests again. The leases themselves are the server's: with
persistence (AOF or RDB) they survive the restart and the worker extends them at once; a lease that ran
out meanwhile is done again by whoever takes it (at least once).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Pending:
    """A push made while the server was away: :meth:`QueueBackend.push`'s arguments but the clock."""

    fingerprint: str | None
    payload: bytes
    priority: int
    delay: float
    budgeted: bool


@dataclass
class Outage:
    """One outage of the queue's server, from the first failed call until it answers again."""

    reason: str
    first_backoff: float = 0.5
    max_backoff: float = 30.0
    clock: Callable[[], float] = time.monotonic
    since: float = 0.0
    attempts: int = 0
    next_try: float = 0.0
    pushes: list[Pending] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    claims: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.since = self.clock()
        self.next_try = self.since + self.first_backoff

    def due(self) -> bool:
        """Time to ask the server again."""
        return self.clock() >= self.next_try

    def failed_again(self, reason: str) -> None:
        """The server still does not answer: wait twice as long (up to the maximum) before the next try."""
        self.reason = reason
        self.attempts += 1
        self.next_try = self.clock() + self.backoff()

    def backoff(self) -> float:
        return min(self.max_backoff, self.first_backoff * 2 ** self.attempts)

    def seconds(self) -> float:
        return self.clock() - self.since
