"""``LeasedScheduler``: Scrapy's scheduler on an at-least-once request queue (local SQLite or Redis).

Why a scheduler of our own: Scrapy's scheduler and scrapy-redis's pop a request before downloading
it, so a process killed mid-crawl loses every request it had in flight, and Scrapy's JOBDIR keeps its
queue only if it stops gracefully (scrapy#4106). This one leases instead (crawler/queue/backend.py):
``next_request`` takes an entry out of the queue for a while; the entry is acknowledged when the
engine is done with the request, that is once its response (or final failure) went through the
spider, its listings through the pipelines into the feed, and its follow-up requests into this
queue, *and* the store batch holding its listings is committed: the store pipeline writes in batches
(pipelines/store.py), so it *holds* the entry of each listing it gathers (:meth:`LeasedScheduler.hold`)
and lets go once the batch is durable (:meth:`LeasedScheduler.settle`); a kill before that leaves the
request leased, and the resumed crawl fetches it again. Until the acknowledgement the heartbeat
extends the lease. When the process dies, its leases run out and
the others (or the resumed crawl) do those requests again. Also kept in the queue, shared by every
worker of a crawl: the seen-set, the page budget (``spider.max_pages``), the listing claims of the
dedupe pipeline, and delayed requests (a ``Retry-After`` wait is an entry with a due time, not a
sleep holding a downloader slot: ``request.meta["queue_delay"]``, set by crawler/middlewares.py).

Settings (derived from the configuration by crawler/addon.py, or static in crawler/settings.py):
``QUEUE_REDIS_URL`` (config ``crawl_redis``, ``markwatch crawl --redis``; empty = local),
``QUEUE_LEASE_SECONDS`` (config ``crawl_lease_seconds``), ``QUEUE_POLL_INTERVAL`` (heartbeat),
``QUEUE_FINISHED_TTL`` (how long a finished Redis crawl is remembered), ``QUEUE_OUTAGE_BACKOFF_MAX``
(the longest wait between two tries while Redis is away: crawler/queue/outage.py), ``QUEUE_KEY`` (the job's
name; default from the spider and its arguments, so workers started alike share one queue), and
Scrapy's ``JOBDIR`` (the local queue's directory; without it the local queue is in memory).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Iterable

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.asyncio import call_later, create_looping_call

from crawler.queue.backend import Pushed, QueueBackend, QueueUnavailable, job_key
from crawler.queue.codec import decode_request, encode_request
from crawler.queue.outage import Outage, Pending

logger = logging.getLogger(__name__)

ENTRY_META = "queue_entry"
"""``request.meta`` key: the queue entry (lease) a request handed out by the scheduler came from."""
DELAY_META = "queue_delay"
"""``request.meta`` key: seconds the queue must keep this request back before handing it out."""
OUTSIDE_BUDGET_META = "queue_outside_budget"
"""``request.meta`` key: not counted against the page budget (re-checks of known listings, crawler/spiders/base.py)."""


def _discovery(spider: Spider) -> list[Any]:
    """What makes a discovery crawl (crawler/discovery.py) another crawl than browsing: its keywords."""
    if not getattr(spider, "discover", False) and not getattr(spider, "keywords", None):
        return []  # a browsing crawl keeps the key it always had
    return [bool(getattr(spider, "discover", False)), sorted(getattr(spider, "keywords", None) or [])]


class EngineProbe:
    """What the scheduler must know of Scrapy's engine, which has no public way to tell it.

    The engine keeps each request it took from the scheduler in its slot's in-progress set from the
    moment it starts downloading it until the response has been scraped (``_start_scheduled_request``:
    download → scrape → ``_remove_request``), and re-runs its scheduling loop through the slot's
    ``nextcall``. Both are private, so they are reached here only, and checked when the spider opens:
    a Scrapy without them fails the crawl at start, never silently."""

    def __init__(self, engine: Any):
        slot = getattr(engine, "_slot", None)
        if slot is None or not isinstance(getattr(slot, "inprogress", None), set) or not hasattr(slot, "nextcall"):
            raise RuntimeError("this Scrapy's engine has no slot with 'inprogress' and 'nextcall': "
                               "crawler/queue/scheduler.py (EngineProbe) must be adapted to it")
        self.slot = slot

    def holds(self, request: Request) -> bool:
        return request in self.slot.inprogress

    def wake(self) -> None:
        """Make the engine ask for requests again (new work may be in the shared queue)."""
        if self.slot.closing is None:
            self.slot.nextcall.schedule()


class LeasedScheduler(BaseScheduler):
    delays_requests = True
    """A request whose ``meta["queue_delay"]`` is set waits in the queue (crawler/middlewares.py asks)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.redis_url: str = settings.get("QUEUE_REDIS_URL", "") or ""
        self.lease_seconds = max(1.0, settings.getfloat("QUEUE_LEASE_SECONDS", 60.0))
        self.poll_interval = max(0.05, settings.getfloat("QUEUE_POLL_INTERVAL", 1.0))
        self.finished_ttl = settings.getfloat("QUEUE_FINISHED_TTL", 600.0)
        self.outage_backoff_max = max(0.5, settings.getfloat("QUEUE_OUTAGE_BACKOFF_MAX", 30.0))
        self.outage: Outage | None = None
        """Set while the queue's server does not answer (crawler/queue/outage.py)."""
        self._budget_seen = 0
        self.key_override: str = settings.get("QUEUE_KEY", "") or ""
        self.jobdir: str | None = settings.get("JOBDIR") or None
        self.fingerprinter = crawler.request_fingerprinter
        self.backend: QueueBackend | None = None
        self.spider: Spider | None = None
        self.joined = False
        self.budget: int | None = None
        self.known_seen: set[str] = set()
        """Fingerprints this worker learnt are in the shared seen-set (which only grows): a link found
        again costs a set lookup, not a round trip."""
        self.leased: dict[Request, str] = {}
        """Requests handed to the engine and not yet acknowledged → their entry."""
        self.origins: dict[str, str] = {}
        """Listing URL → entry of the request it came from (crawler/queue/origins.py), while it is in the pipelines."""
        self.holds: Counter[str] = Counter()
        """Entry → listings of it gathered in a store batch not yet committed (never acknowledged meanwhile)."""
        self.probe: EngineProbe | None = None
        self.heartbeat: Any = None
        self.wakeups: list[Any] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "LeasedScheduler":
        scheduler = cls(crawler)
        from scrapy import signals

        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(scheduler._item_left, signal=signal)
        return scheduler

    # -- the job ----------------------------------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        max_pages = getattr(spider, "max_pages", None)
        self.budget = int(max_pages) if max_pages else None
        key = self.key_override or job_key(spider.name, getattr(spider, "platform", "") or "",
                                           getattr(spider, "start_urls", []) or [], getattr(spider, "base_url", None),
                                           self.budget, *_discovery(spider))
        if self.redis_url:
            from crawler.queue.redis_backend import RedisBackend

            self.backend = RedisBackend(self.redis_url, key, finished_ttl=self.finished_ttl)
        else:
            from crawler.queue.sqlite_backend import SqliteBackend

            self.backend = SqliteBackend(self.jobdir)
        self.probe = EngineProbe(self.crawler.engine)
        before = self.backend.stats().get("requeued", 0)
        self.joined = self.backend.begin(self.backend.clock())
        if not self.joined:
            self.stats.set_value("markwatch/queue/already_finished", 1)
            logger.warning("queue: the crawl %s finished a short while ago; this worker has nothing to do "
                           "(the same command starts the next crawl %.0f s after it finished)",
                           self.backend.describe(), self.finished_ttl)
            return
        counts = self.backend.counts()
        taken_back = self.backend.stats().get("requeued", 0) - before
        if counts.pending:
            logger.info("queue: %s holds %d requests (%d ready, %d delayed, %d leased; %d taken back from a "
                        "stopped crawl): resuming", self.backend.describe(), counts.pending, counts.ready,
                        counts.delayed, counts.leased, taken_back)
        else:
            logger.info("queue: %s (worker %s)", self.backend.describe(), self.backend.worker)
        self.heartbeat = create_looping_call(self._tick)
        self.heartbeat.start(self.poll_interval, now=False)

    def close(self, reason: str) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        for wakeup in self.wakeups:
            wakeup.cancel()
        backend = self.backend
        if backend is None:
            return
        try:
            if self.joined and self.outage is not None:
                self._come_back()  # one last try
            if self.joined and self.outage is not None:
                logger.warning("queue: %s still does not answer as this worker stops; its %d leases run out there "
                               "and another worker (or the next run) does those requests again",
                               backend.describe(), len(self.leased))
            elif self.joined:
                self._sweep()
                if self.leased:  # not done: back to ready, so the resumed crawl does them at once
                    backend.release(list(self.leased.values()))
                    self.stats.inc_value("markwatch/queue/released", len(self.leased))
                    self.leased.clear()
                if reason == "finished" and backend.finish(backend.clock()):
                    logger.info("queue: the crawl is complete (nothing ready, delayed or leased)")
                for name, value in backend.stats().items():
                    self.stats.set_value(f"markwatch/queue/job/{name}", value)
        except QueueUnavailable as exc:
            logger.warning("queue: %s as this worker stops; its leases run out there and another worker (or the "
                           "next run) does those requests again", exc)
        finally:
            backend.close()

    # -- Scrapy's scheduler interface -------------------------------------------------------------
    def has_pending_requests(self) -> bool:
        if not self.joined or self.backend is None:
            return False
        self._sweep()
        if self.outage is not None:  # what is left in the shared queue is unknown until it answers: wait
            return True
        try:
            return self._pending()
        except QueueUnavailable as exc:
            self._went_away(exc)
            return True

    def _pending(self) -> bool:
        assert self.backend is not None
        # a request the engine is done with and only the store still holds is no work for the engine:
        # the spider may close, and its close writes the batch (pipelines close before the scheduler)
        stored_only = sum(1 for r, e in self.leased.items() if self.holds.get(e) and self.probe is not None
                          and not self.probe.holds(r))
        if len(self.leased) > stored_only:
            return True
        if not stored_only:
            return self.backend.has_work()
        counts = self.backend.counts()  # our held leases are in the queue too: only the rest is work
        return counts.ready + counts.delayed > 0 or counts.leased > stored_only

    def enqueue_request(self, request: Request) -> bool:
        if not self.joined or self.backend is None or self.spider is None:
            return False
        request.meta.pop(ENTRY_META, None)  # a retry or redirect is a new entry
        delay = float(request.meta.pop(DELAY_META, 0) or 0)
        fingerprint = None if request.dont_filter else self.fingerprinter.fingerprint(request).hex()
        if fingerprint is not None and fingerprint in self.known_seen:  # seen stays seen: no need to ask
            self.stats.inc_value("dupefilter/filtered")
            return False
        budgeted = not (request.dont_filter or "redirect_times" in request.meta
                        or request.meta.get(OUTSIDE_BUDGET_META))
        payload = encode_request(request, self.spider)
        if self._available():
            try:
                result = self.backend.push(fingerprint, payload, request.priority, self.backend.clock(),
                                           delay=delay, budgeted=budgeted, budget=self.budget)
            except QueueUnavailable as exc:
                self._went_away(exc)
            else:
                return self._pushed(result, fingerprint, delay)
        assert self.outage is not None  # away: kept here, pushed when the server answers again
        self.outage.pushes.append(Pending(fingerprint, payload, request.priority, delay, budgeted))
        if fingerprint is not None:
            self.known_seen.add(fingerprint)
        self.stats.inc_value("markwatch/queue/kept_during_outage")
        self.stats.inc_value("scheduler/enqueued")
        return True

    def _pushed(self, result: Pushed, fingerprint: str | None, delay: float) -> bool:
        """Count what became of a push; True when it was queued."""
        if fingerprint is not None and result is not Pushed.OVER_BUDGET:
            self.known_seen.add(fingerprint)
        if result is Pushed.SEEN:
            self.stats.inc_value("dupefilter/filtered")
            return False
        if result is Pushed.OVER_BUDGET:
            self.stats.inc_value("markwatch/budget_skipped")
            return False
        self.stats.inc_value("scheduler/enqueued")
        if delay > 0:
            self.stats.inc_value("markwatch/queue/delayed")
            self.wakeups = [*self.wakeups[-63:], call_later(delay, self._wake)]
        return True

    def next_request(self) -> Request | None:
        if not self.joined or self.backend is None or self.spider is None:
            return None
        if not self._available():
            return None
        self._sweep()
        try:
            taken = self.backend.take(self.backend.clock(), self.lease_seconds)
        except QueueUnavailable as exc:
            self._went_away(exc)
            return None
        if taken is None:
            return None
        try:
            request = decode_request(taken.payload, self.spider)
        except Exception as exc:  # noqa: BLE001 - one unreadable entry must not stop the crawl
            logger.error("queue: entry %s cannot be decoded (%s); dropped", taken.entry, exc)
            self.stats.inc_value("markwatch/queue/undecodable")
            self._ack([taken.entry])
            return None
        request.meta[ENTRY_META] = taken.entry
        self.leased[request] = taken.entry
        self.stats.inc_value("scheduler/dequeued")
        return request

    def __len__(self) -> int:
        if not self.joined or self.backend is None:
            return 0
        if self.outage is not None:
            return len(self.outage.pushes)
        try:
            counts = self.backend.counts()
        except QueueUnavailable as exc:
            self._went_away(exc)
            return 0
        return counts.ready + counts.delayed

    # -- for the spiders and the dedupe pipeline --------------------------------------------------
    def budget_used(self) -> int:
        """New requests accepted against the page budget, by every worker of the crawl."""
        if self.backend is None or not self.joined:
            return 0
        if self.outage is None:
            try:
                self._budget_seen = self.backend.budget_used()
            except QueueUnavailable as exc:
                self._went_away(exc)
        return self._budget_seen  # while the server is away: the last figure it gave

    def note_origin(self, url: str, entry: str) -> None:
        self.origins[url] = entry

    def hold(self, url: str) -> str:
        """The store gathered the listing at ``url``: keep the lease of the request it came from until
        :meth:`settle` (the batch is committed). Returns the entry held ("" when the origin is unknown)."""
        entry = self.origins.get(url, "")
        if entry:
            self.holds[entry] += 1
        return entry

    def settle(self, entries: Iterable[str]) -> None:
        """The store batch holding these entries' listings is durable: they may be acknowledged."""
        for entry in entries:
            if not entry:
                continue
            self.holds[entry] -= 1
            if self.holds[entry] <= 0:
                del self.holds[entry]

    def claim_listing(self, url: str) -> bool:
        """True when this worker may emit the listing at ``url`` (see QueueBackend.claim_listing)."""
        if self.backend is None or not self.joined:
            return True
        entry = self.origins.get(url, "")
        if self.outage is None:
            try:
                return self.backend.claim_listing(url, entry)
            except QueueUnavailable as exc:
                self._went_away(exc)
        assert self.outage is not None  # away: emitted (at least once), claimed when it answers again
        self.outage.claims.append((url, entry))
        self.stats.inc_value("markwatch/queue/claims_unchecked")
        return True

    # -- leases -------------------------------------------------------------------------------------
    def _sweep(self) -> None:
        """Acknowledge the requests the engine is done with and whose listings the store has committed."""
        if not self.leased or self.probe is None or self.backend is None:
            return
        done = [request for request, entry in self.leased.items()
                if not self.probe.holds(request) and not self.holds.get(entry)]
        if not done:
            return
        self._ack([self.leased.pop(request) for request in done])

    def _ack(self, entries: list[str]) -> None:
        """Acknowledge ``entries`` now, or once the server answers again (after the pushes kept meanwhile)."""
        if self.outage is None and self.backend is not None:
            try:
                late = self.backend.ack(entries)
            except QueueUnavailable as exc:
                self._went_away(exc)
            else:
                self.stats.inc_value("markwatch/queue/acked", len(entries))
                if late:
                    self.stats.inc_value("markwatch/queue/late_acks", late)
                return
        assert self.outage is not None
        self.outage.acks.extend(entries)

    def _tick(self) -> None:
        """Heartbeat: acknowledge what is done, extend the other leases, look for new work."""
        if self.backend is None:
            return
        if self.outage is not None:
            if self.outage.due():
                self._come_back()
            self._wake()
            return
        try:
            self._sweep()
            if self.leased and self.outage is None:
                lost = self.backend.extend(list(self.leased.values()), self.backend.clock(), self.lease_seconds)
                if lost:
                    self.stats.inc_value("markwatch/queue/leases_lost", len(lost))
                    logger.warning("queue: %d leases ran out before this worker extended them (was it stalled "
                                   "for %.0f s?); other workers may repeat those requests", len(lost), self.lease_seconds)
        except QueueUnavailable as exc:
            self._went_away(exc)
        except Exception as exc:  # noqa: BLE001 - anything else: the next tick tries again
            logger.warning("queue: heartbeat failed (%s); leases are extended at the next one", exc)
        self._wake()

    # -- the server away (crawler/queue/outage.py) ------------------------------------------------
    def _went_away(self, exc: Exception) -> Outage:
        """The first failed call of an outage says so, once, on the console."""
        if self.outage is None:
            self.outage = Outage(str(exc), max_backoff=self.outage_backoff_max)
            self.stats.inc_value("markwatch/queue/outages")
            logger.warning("queue: %s; this worker waits and asks again (after %.1f s, backing off to %.0f s), "
                           "keeping its %d leases and what its requests in flight find, and carries on when it answers",
                           exc, self.outage.next_try - self.outage.since, self.outage.max_backoff, len(self.leased))
        return self.outage

    def _available(self) -> bool:
        """True unless the server is away (then asked again when the back-off says so)."""
        if self.outage is None:
            return True
        return self.outage.due() and self._come_back()

    def _come_back(self) -> bool:
        """Ask the server again; when it answers, write what was kept (pushes first, then claims, then
        acknowledgements), put back entries leased to this worker that it does not know of (a take the
        server carried out as the connection broke: its answer never came, and the entry would wait out
        its whole lease while the crawl looks finished to everyone else), and extend the leases. False
        while it is still away."""
        outage, backend = self.outage, self.backend
        if outage is None or backend is None:
            return True
        try:
            backend.ping()
            while outage.pushes:
                kept = outage.pushes[0]
                result = backend.push(kept.fingerprint, kept.payload, kept.priority, backend.clock(), delay=kept.delay,
                                      budgeted=kept.budgeted, budget=self.budget)
                outage.pushes.pop(0)
                if result is Pushed.SEEN:
                    self.stats.inc_value("dupefilter/filtered")
                elif result is Pushed.OVER_BUDGET:
                    self.stats.inc_value("markwatch/budget_skipped")
            while outage.claims:
                backend.claim_listing(*outage.claims[0])
                outage.claims.pop(0)
            if outage.acks:
                late = backend.ack(outage.acks)
                self.stats.inc_value("markwatch/queue/acked", len(outage.acks))
                if late:
                    self.stats.inc_value("markwatch/queue/late_acks", late)
                outage.acks = []
            known = set(self.leased.values())
            unknown = [entry for entry in backend.leases_of(backend.worker) if entry not in known]
            if unknown:  # taken for us as the connection broke, the answer lost: back to ready, not 10 min idle
                backend.release(unknown)
                self.stats.inc_value("markwatch/queue/unanswered_takes", len(unknown))
            lost = backend.extend(list(self.leased.values()), backend.clock(), self.lease_seconds) if self.leased else []
        except QueueUnavailable as exc:
            outage.failed_again(str(exc))
            return False
        self.outage = None
        seconds = outage.seconds()
        self.stats.inc_value("markwatch/queue/outage_seconds", round(seconds, 3))
        if lost:
            self.stats.inc_value("markwatch/queue/leases_lost", len(lost))
        logger.warning("queue: %s answers again after %.1f s; carrying on (%d leases kept%s)", backend.describe(),
                       seconds, len(self.leased) - len(lost),
                       f", {len(lost)} ran out meanwhile: another worker may do those again" if lost else "")
        self._wake()
        return True

    def _wake(self) -> None:
        if self.probe is not None:
            self.probe.wake()

    def _item_left(self, item: Any, response: Any = None, **_: Any) -> None:
        """An item left the pipelines (scraped, dropped or failed): forget its origin."""
        try:
            url = item.get("url") if hasattr(item, "get") else None
        except Exception:  # noqa: BLE001 - not a mapping: nothing was noted for it
            return
        if isinstance(url, str):
            self.origins.pop(url, None)
