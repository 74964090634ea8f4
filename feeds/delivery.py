"""The outbox worker: pushes due outbox rows to the parties' webhooks (CONTRACTS §7).

Why an outbox and leases: the notice and its outbox row are written in one store transaction, and
this worker only ever reads rows back from the store — so nothing is lost when the process dies.
A row is *leased* before it is posted (``leased_until`` in the store), so two workers never send it
at once; a worker killed mid-post leaves a lease that simply runs out, and the row is sent again
with the SAME ``webhook-id``. That is at-least-once delivery; receivers de-duplicate by the id.

One attempt, and what its answer means:

- 2xx: delivered (the notice becomes acknowledged).
- 410 Gone: the receiver says the endpoint is no more: it is disabled and nothing more is pushed
  to it (its rows stay pending, so ``platform set-webhook`` re-enables and resumes them).
- anything else, a timeout or a refused connection: tried again after the next step of
  ``webhook_retry_schedule`` (seconds before each attempt; a few percent of jitter so that many
  retries do not arrive in step); 429 / 503 with ``Retry-After`` (seconds or an HTTP date) wait at
  least that long. After the last step the row is a dead letter (``markwatch feed dead``;
  ``markwatch feed replay`` or the workbench put it back with the same id).

Redirects are not followed (a 3xx is a failed attempt): the signed body goes only where the
party registered. Concurrency: ``concurrency`` threads, each leasing one row at a time, so a lease
covers one request and its record, never a queue of them.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Callable, Sequence

from feeds.signing import SigningError, sign

if TYPE_CHECKING:
    import httpx

    from index.linkage import Delivery, LinkageStore
    from markwatch.config import Config

log = logging.getLogger(__name__)

JITTER = 0.05
"""Retries wait up to 5% longer than the schedule says."""
MAX_RETRY_AFTER = 86400.0
"""A ``Retry-After`` beyond a day is taken as a day."""
DEFAULT_CONCURRENCY = 4
ERROR_TEXT_LIMIT = 300
USER_AGENT = "markwatch-webhooks/0.1 (Standard Webhooks)"


def iso(ts: float) -> str:
    """Unix seconds as the store writes times (``2026-12-01T21:30:00.123456Z``)."""
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or an HTTP date); None when absent or
    unreadable, 0 for a date in the past, at most :data:`MAX_RETRY_AFTER`."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return min(max(when.timestamp() - now, 0.0), MAX_RETRY_AFTER)


@dataclass(frozen=True)
class RetryPolicy:
    """When the next attempt is due: ``schedule[n]`` seconds after attempt ``n`` failed (``schedule[0]``
    is the wait before the first attempt, 0 = at once), stretched by up to ``jitter``."""

    schedule: tuple[float, ...]
    jitter: float = JITTER

    @property
    def attempts(self) -> int:
        return len(self.schedule)

    def delay_after(self, attempts_made: int, retry_after: float | None = None,
                    rng: Callable[[], float] = random.random) -> float | None:
        """Seconds until the next attempt after ``attempts_made`` attempts, or None: none is left."""
        if attempts_made >= len(self.schedule):
            return None
        delay = self.schedule[attempts_made] * (1.0 + self.jitter * rng())
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to (also what the store was told)."""

    delivery_id: str
    status: int | None
    error: str
    result: str
    """delivered | retry | dead | disabled"""
    next_at: str | None = None


@dataclass
class Tally:
    """Attempts of one :meth:`DeliveryWorker.deliver_due` run, by result."""

    delivered: int = 0
    retry: int = 0
    dead: int = 0
    disabled: int = 0

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.result, getattr(self, outcome.result) + 1)

    def merge(self, other: "Tally") -> None:
        for name in ("delivered", "retry", "dead", "disabled"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def attempts(self) -> int:
        return self.delivered + self.retry + self.dead + self.disabled


class DeliveryWorker:
    """Pushes the outbox of ``linkage`` (a :class:`~index.linkage.LinkageStore`).

    ``clock`` gives Unix seconds (the store's times and the ``webhook-timestamp``); tests may pass a
    fake one. ``lease_seconds`` must outlast one request (``timeout``) and its record."""

    def __init__(self, linkage: "LinkageStore", *, schedule: Sequence[float], timeout: float = 10.0,
                 lease_seconds: float = 60.0, concurrency: int = DEFAULT_CONCURRENCY,
                 jitter: float = JITTER, clock: Callable[[], float] = time.time,
                 user_agent: str = USER_AGENT):
        if not schedule:
            raise ValueError("webhook_retry_schedule is empty: give at least one attempt (e.g. 0,5,300)")
        if lease_seconds <= timeout:
            raise ValueError(f"the lease ({lease_seconds:g} s) must outlast one request ({timeout:g} s): "
                             "raise webhook_lease_seconds or lower webhook_timeout")
        self.linkage = linkage
        self.policy = RetryPolicy(tuple(float(s) for s in schedule), jitter)
        self.timeout = float(timeout)
        self.lease_seconds = float(lease_seconds)
        self.concurrency = max(1, int(concurrency))
        self.clock = clock
        self.user_agent = user_agent

    @classmethod
    def from_config(cls, linkage: "LinkageStore", config: "Config", **kwargs) -> "DeliveryWorker":
        return cls(linkage, schedule=config.webhook_retry_schedule, timeout=config.webhook_timeout,
                   lease_seconds=config.webhook_lease_seconds, **kwargs)

    # -- running ---------------------------------------------------------------------------------
    def deliver_due(self, stop: threading.Event | None = None) -> Tally:
        """Attempt every row that is due now (and those that fall due while this runs, such as a
        retry with no wait), ``concurrency`` at a time; returns once none is due or ``stop`` is set."""
        stop = stop or threading.Event()
        if self.concurrency == 1:
            return self._drain(stop)
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook") as pool:
            tallies = [f.result() for f in [pool.submit(self._drain, stop) for _ in range(self.concurrency)]]
        total = Tally()
        for tally in tallies:
            total.merge(tally)
        return total

    def _drain(self, stop: threading.Event) -> Tally:
        import httpx

        tally = Tally()
        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False,
                          headers={"user-agent": self.user_agent}) as client:
            while not stop.is_set():
                taken = self.linkage.lease_deliveries(iso(self.clock()), self.lease_seconds, limit=1)
                if not taken:
                    break
                tally.add(self.attempt(taken[0], client))
        return tally

    # -- one attempt -----------------------------------------------------------------------------
    def attempt(self, delivery: "Delivery", client: "httpx.Client") -> Outcome:
        """POST ``delivery`` once, signed with every current secret of its party, and record it."""
        import httpx

        started = self.clock()
        status: int | None = None
        retry_after: float | None = None
        try:
            secrets = self.linkage.signing_secrets(delivery.kind, delivery.name, now=iso(started))
            headers = sign(secrets, delivery.id, delivery.payload, timestamp=int(started))
        except (SigningError, LookupError, ValueError) as exc:  # no usable secret, or the party is gone
            return self._record(delivery, None, f"cannot sign: {exc}", None)
        headers["content-type"] = "application/json"
        try:
            with client.stream("POST", delivery.url, content=delivery.payload, headers=headers) as response:
                status = response.status_code
                error = "" if 200 <= status < 300 else f"HTTP {status}: {_clip(_head_of(response))}"
                if status in (429, 503):
                    retry_after = retry_after_seconds(response.headers.get("retry-after"), self.clock())
        except httpx.TimeoutException:
            error = f"no answer within {self.timeout:g} s"
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            error = f"{type(exc).__name__}: {_clip(str(exc)) or 'connection failed'}"
        return self._record(delivery, status, error, retry_after)

    def _record(self, delivery: "Delivery", status: int | None, error: str, retry_after: float | None) -> Outcome:
        now = self.clock()
        at = iso(now)
        if status is not None and 200 <= status < 300:
            self.linkage.record_attempt(delivery.id, at, status, "", None, False)
            return Outcome(delivery.id, status, "", "delivered")
        if status == 410:
            reason = f"webhook {delivery.url} answered 410 Gone at {at} (delivery {delivery.id})"
            self.linkage.disable_endpoint(delivery.kind, delivery.name, reason)
            # pending again, but the endpoint is off: nothing is pushed until it is re-enabled
            self.linkage.record_attempt(delivery.id, at, status, error, at, False)
            log.warning("%s %s disabled: %s", delivery.kind, delivery.name, reason)
            return Outcome(delivery.id, status, error, "disabled", at)
        delay = self.policy.delay_after(delivery.attempt + 1, retry_after)
        if delay is None:
            self.linkage.record_attempt(delivery.id, at, status, error, None, True)
            log.warning("push %s to %s %s is a dead letter after %d attempts: %s", delivery.id, delivery.kind,
                        delivery.name, delivery.attempt + 1, error)
            return Outcome(delivery.id, status, error, "dead")
        next_at = iso(now + delay)
        self.linkage.record_attempt(delivery.id, at, status, error, next_at, False)
        log.info("push %s to %s %s failed (%s); next attempt at %s", delivery.id, delivery.kind, delivery.name,
                 error, next_at)
        return Outcome(delivery.id, status, error, "retry", next_at)


def _head_of(response: "httpx.Response", limit: int = 4096) -> str:
    """The start of an answer's body (a receiver's error page may be huge; only the start is kept)."""
    head = b""
    for chunk in response.iter_bytes():
        head += chunk
        if len(head) >= limit:
            break
    return head[:limit].decode("utf-8", "replace")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= ERROR_TEXT_LIMIT else text[:ERROR_TEXT_LIMIT] + "…"
