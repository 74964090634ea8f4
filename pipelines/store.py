"""Store pipeline: every crawled listing and its leads go into the lead store, in batches.

Why batches: one store call is one transaction, and a transaction per listing would cost the
SQLite store a commit and a search node a round trip each. Items gather here and are written
every ``STORE_BATCH_SIZE`` leads or ``STORE_BATCH_SECONDS`` seconds, whichever comes first, and
when the spider closes. A batch is written in order: each listing is *seen*
(:meth:`~index.store.LeadStore.see_listing`: an unchanged one only moves its ``last_seen``, a changed
one becomes current with its earlier version kept in the history), then the leads are added
(with ``reason_codes`` and the ``ship_from_province`` the gazetteer reads from ``ship_from``), then
the evidence references the evidence pipeline noted are attached to them.

Why the crawl's queue waits for the batch: the request queue acknowledges a request once the engine
is done with it (crawler/queue/scheduler.py), and an acknowledged request is never fetched again,
even by a resumed crawl. A listing waiting here in an unwritten batch lives only in this process, so
each one *holds* the lease of the request it came from (``scheduler.hold``) until its batch is
committed or spooled (``scheduler.settle``): a crawl SIGKILLed at any moment and resumed with the same
``--resume DIR`` (or another worker on Redis) fetches those requests again, and the store ends with
every listing. A batch that can be neither stored nor spooled keeps its holds: the requests go back
to the queue when the crawl stops.

A failing store never loses the crawl: a batch the store refuses (unwritable data dir, a locked or
damaged database, a node nobody answers on) is spooled whole to ``DATA_DIR/spool/store/`` (one
:class:`index.spool.Spool` segment per batch, fsync'd) and counted (``markwatch/store_failed``
leads, ``markwatch/store_failed_batches``); the spool is replayed, oldest first, the next time a
crawl opens the store, before anything new is written. Items always go on to the feed.

Stats: ``markwatch/stored/new|updated|unchanged|skipped`` (leads, as the store counted them),
``markwatch/stored_listings``, ``markwatch/store_seconds`` (time spent writing).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler

from pipelines.notes import ListingNotes, notes_for
from pipelines.storage import STORE_SPOOL, StoreSettings, acquire_store, on_first_open, release_store

logger = logging.getLogger(__name__)


def store_spool(settings: StoreSettings) -> Any:
    from index.spool import Spool

    return Spool(settings.spool_dir / STORE_SPOOL)


def write_batch(store: Any, records: list[dict[str, Any]]) -> Any:
    """Write one batch (the records :meth:`StorePipeline.record` makes); returns the lead counts."""
    for record in records:
        store.see_listing(record["listing"], record["seen_at"])
    leads = [lead for record in records for lead in record["leads"]]
    counts = store.add_leads(leads, records[-1]["seen_at"]) if leads else None
    for record in records:
        if record.get("evidence"):
            store.add_evidence(record["listing"]["url"], record["evidence"])
    return counts


def replay_spool(store: Any, settings: StoreSettings) -> None:
    """Write what earlier runs spooled (called when the store is opened afresh)."""
    spool = store_spool(settings)
    if not spool:
        return
    waiting = spool.pending()
    done = spool.replay(lambda records: write_batch(store, records))
    logger.info("store: %d spooled batches (%d listings) written to the store", done, waiting)


on_first_open(replay_spool)


class ProvinceReader:
    """Ship-from text → province (e.g. "福建 莆田" → 福建省), through the matcher's gazetteer."""

    def __init__(self, cache_dir: Any = None) -> None:
        self.cache_dir = cache_dir
        self._gazetteer: Any = None

    def __call__(self, ship_from: Any) -> str:
        if not isinstance(ship_from, str) or not ship_from.strip():
            return ""
        if self._gazetteer is None:
            from matchers.gazetteer import load_gazetteer

            self._gazetteer = load_gazetteer(self.cache_dir)
        place = self._gazetteer.resolve(ship_from)
        return place.province if place is not None else ""


class StorePipeline:
    """Writes listings, leads and evidence references to the lead store (module docstring)."""

    def __init__(self, crawler: Crawler, settings: StoreSettings, province: ProvinceReader | None = None):
        self.crawler = crawler
        self.settings = settings
        self.notes: ListingNotes = notes_for(crawler)
        self.province = province or ProvinceReader()
        self.store: Any = None
        self.batch: list[dict[str, Any]] = []
        self.batch_entries: list[str] = []
        """Queue entries (leases) the batch holds, one per listing ("" when the origin is unknown)."""
        self.batch_leads = 0
        self.batch_started = 0.0
        self.seconds = 0.0
        self._timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        settings = StoreSettings.from_settings(crawler.settings)
        cache_dir = crawler.settings.get("MATCH_CACHE_DIR") or None  # a path as text (crawler/addon.py)
        return cls(crawler, settings, ProvinceReader(Path(cache_dir) if cache_dir else None))

    def open_spider(self) -> None:
        from twisted.internet import task

        try:
            self.store = acquire_store(self.settings)
        except Exception as exc:  # noqa: BLE001 - no store: every batch is spooled, nothing is lost
            logger.error("store: the lead store cannot be opened (%s); leads are spooled to %s and written "
                         "the next time it opens", exc, store_spool(self.settings).path)
            self.crawler.stats.inc_value("markwatch/store_unavailable")
        else:
            self._put_rights()
        self._timer = task.LoopingCall(self._flush_if_due)
        self._timer.start(self.settings.batch_seconds, now=False)

    def _put_rights(self) -> None:
        """The register's rights go into the store with the crawl, as ``markwatch index`` puts them:
        the store takes each lead's right kind (the kind facet, the dashboard's kind charts) from them."""
        from matchers.register import RegisterError, load_register

        try:
            register = load_register(self.crawler.settings.get("MATCH_REGISTER") or None)
            self.store.put_rights(right.model_dump(mode="json") for right in register.rights)
        except (RegisterError, OSError) as exc:  # the match pipeline reports a bad register itself
            logger.warning("store: the register's rights could not be stored (%s); leads keep no right kind", exc)
        except Exception:  # noqa: BLE001 - a store that refuses rights must not stop the crawl
            logger.exception("store: putting the register's rights failed; leads keep no right kind")

    def close_spider(self) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.flush()
        self.crawler.stats.set_value("markwatch/store_seconds", round(self.seconds, 3))
        if self.store is not None:
            self.store = None
            release_store(self.settings)

    def process_item(self, item: Any) -> Any:
        note = self.notes.peek(item)
        listing = ItemAdapter(item).asdict()
        if not self.batch:
            self.batch_started = time.monotonic()
        self.batch.append(self.record(listing, note))
        self.batch_entries.append(self._hold(listing.get("url")))
        self.batch_leads += len(self.batch[-1]["leads"])
        if self.batch_leads >= self.settings.batch_size or len(self.batch) >= 5 * self.settings.batch_size:
            self.flush()
        return item

    def record(self, listing: dict[str, Any], note: Any) -> dict[str, Any]:
        """What the store gets for one listing: the listing, its leads (enriched), its evidence."""
        from index.store import utc_now

        leads: list[dict[str, Any]] = []
        if note is not None and not note.unchanged:
            province = self.province(listing.get("ship_from"))
            for lead in note.leads:
                lead = dict(lead)
                lead["listing"] = listing
                if province:
                    lead["ship_from_province"] = province
                leads.append(lead)
        evidence = note.evidence if note is not None else None
        simulated = getattr(self.settings.base_config, "simulated_now", "")  # markwatch demo --days
        return {"listing": listing, "seen_at": simulated or utc_now(), "leads": leads, "evidence": evidence}

    def _scheduler(self) -> Any:
        engine = getattr(self.crawler, "engine", None)
        scheduler = getattr(engine, "scheduler", None) if engine is not None else None
        return scheduler if hasattr(scheduler, "hold") and hasattr(scheduler, "settle") else None

    def _hold(self, url: Any) -> str:
        """Keep the lease of the request ``url`` came from until its batch is durable (module docstring)."""
        scheduler = self._scheduler()
        return scheduler.hold(url) if scheduler is not None and isinstance(url, str) else ""

    def _settle(self, entries: list[str]) -> None:
        scheduler = self._scheduler()
        if scheduler is not None and any(entries):
            scheduler.settle(entries)

    def _flush_if_due(self) -> None:
        if self.batch and time.monotonic() - self.batch_started >= self.settings.batch_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the gathered batch; spool it when the store fails."""
        if not self.batch:
            return
        records, self.batch, leads, self.batch_leads = self.batch, [], self.batch_leads, 0
        entries, self.batch_entries = self.batch_entries, []
        stats = self.crawler.stats
        started = time.monotonic()
        try:
            if self.store is None:
                raise RuntimeError("the store is not open")
            counts = write_batch(self.store, records)
        except Exception as exc:  # noqa: BLE001 - a failing store never loses the crawl: spool and count
            if self.spool(records, leads, exc):
                self._settle(entries)
        else:
            self._settle(entries)
            stats.inc_value("markwatch/stored_listings", len(records))
            if counts is not None:
                for name in ("new", "updated", "unchanged", "skipped"):
                    stats.inc_value(f"markwatch/stored/{name}", getattr(counts, name))
                for position, reason in getattr(counts, "problems", ()):
                    logger.warning("store: lead skipped (%s)", reason)
        finally:
            self.seconds += time.monotonic() - started

    def spool(self, records: list[dict[str, Any]], leads: int, exc: BaseException) -> bool:
        """Spool a batch the store refused; True when it is safely on disk."""
        stats = self.crawler.stats
        stats.inc_value("markwatch/store_failed", leads)
        stats.inc_value("markwatch/store_failed_batches")
        spool = store_spool(self.settings)
        try:
            spool.append(records)
        except Exception as err:  # noqa: BLE001 - last resort: say exactly what is lost and where to find it
            stats.inc_value("markwatch/store_spool_failed", leads)
            logger.error("store: a batch of %d listings (%d leads) could neither be stored (%s) nor spooled to %s "
                         "(%s); its listings are still in the crawl's feed, and their requests stay queued",
                         len(records), leads, exc, spool.path, err)
            return False
        logger.warning("store: a batch of %d listings (%d leads) could not be stored (%s); spooled to %s",
                       len(records), leads, exc, spool.path)
        return True
