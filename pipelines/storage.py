"""The lead store as the pipelines share it: one open store per process, settings read once.

Why shared: ``markwatch demo`` runs three crawlers in one process, and the dedupe and store
pipelines of each need the store. One :class:`~index.store.LeadStore` (one SQLite connection, or
one client of a search node) serves them all, opened by the first pipeline that asks and closed
when the last lets go; everything runs on the reactor's thread, so the store is never used by two
threads. Opening it is also when the spool of batches an earlier run could not write is replayed
(:mod:`pipelines.store`), before any new write.

Settings (Scrapy, derived from :class:`markwatch.config.Config`): ``STORE_ENABLED`` (bool; config
``store_enabled``) · ``STORE_DATA_DIR`` (config ``data_dir``) · ``STORE_URL`` (config
``store_url``: empty = the embedded SQLite store in the data dir) · ``STORE_BATCH_SIZE`` (leads per
write, config ``store_batch_size``) · ``STORE_BATCH_SECONDS`` (longest a lead waits before it is
written, config ``store_batch_seconds``).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from scrapy.exceptions import NotConfigured

logger = logging.getLogger(__name__)

SPOOL_DIR = "spool"
STORE_SPOOL = "store"
"""DATA_DIR/spool/store/: batches the store could not take (:class:`index.spool.Spool` segments)."""
EVIDENCE_SPOOL = "evidence"
"""DATA_DIR/spool/evidence/: capture requests that failed, one segment each."""


@dataclass(frozen=True)
class StoreSettings:
    """Where the crawl's leads go, parsed and checked once."""

    data_dir: Path
    store_url: str = ""
    batch_size: int = 200
    batch_seconds: float = 2.0
    base_config: Any = None
    """The run's :class:`~markwatch.config.Config` (Scrapy setting ``CONFIG``), for the backend's
    other knobs."""

    @classmethod
    def from_settings(cls, settings: Any) -> "StoreSettings":
        """The store settings; ``NotConfigured`` when storing is off."""
        if not settings.getbool("STORE_ENABLED", False):
            raise NotConfigured("the lead store is off (STORE_ENABLED; config store_enabled)")
        return cls.read(settings)

    @classmethod
    def read(cls, settings: Any) -> "StoreSettings":
        """The settings whether storing is on or not (the evidence pipeline needs the data dir)."""
        from markwatch.config import Config

        default = Config()
        data_dir = settings.get("STORE_DATA_DIR") or str(default.data_dir)
        batch_size = settings.getint("STORE_BATCH_SIZE", 200)
        batch_seconds = settings.getfloat("STORE_BATCH_SECONDS", 2.0)
        if batch_size < 1:
            raise NotConfigured(f"STORE_BATCH_SIZE={batch_size}: must be at least 1 (config store_batch_size)")
        if batch_seconds <= 0:
            raise NotConfigured(f"STORE_BATCH_SECONDS={batch_seconds}: must be more than 0 (config store_batch_seconds)")
        return cls(data_dir=Path(data_dir), store_url=str(settings.get("STORE_URL") or ""),
                   batch_size=batch_size, batch_seconds=batch_seconds, base_config=settings.get("CONFIG"))

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.data_dir.resolve()), self.store_url)

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / SPOOL_DIR

    def config(self, base: Any = None) -> Any:
        """The configuration ``base`` (default: the defaults) naming this store, for
        :func:`index.open_store`."""
        from markwatch.config import Config

        return dataclasses.replace(base if isinstance(base, Config) else Config(),
                                   data_dir=self.data_dir, store_url=self.store_url)


@dataclass
class _Shared:
    store: Any
    users: int


_OPEN: dict[tuple[str, str], _Shared] = {}
_ON_FIRST_OPEN: list[Callable[[Any, StoreSettings], None]] = []


def on_first_open(hook: Callable[[Any, StoreSettings], None]) -> None:
    """Run ``hook(store, settings)`` each time a store is opened afresh (spool replays)."""
    if hook not in _ON_FIRST_OPEN:
        _ON_FIRST_OPEN.append(hook)


def acquire_store(settings: StoreSettings) -> Any:
    """The process's open store for ``settings`` (opened on first use). Raises whatever opening
    raises (an unwritable data dir, a node nobody answers on): callers spool instead."""
    shared = _OPEN.get(settings.key)
    if shared is None:
        from index import open_store

        store = open_store(settings.config(settings.base_config))
        shared = _OPEN[settings.key] = _Shared(store, 0)
        for hook in list(_ON_FIRST_OPEN):
            try:
                hook(store, settings)
            except Exception:  # noqa: BLE001 - a replay problem must not stop the crawl
                logger.exception("replaying the spool into the store failed; it stays spooled")
    shared.users += 1
    return shared.store


def release_store(settings: StoreSettings) -> None:
    """One user less; the last one flushes and closes the store."""
    shared = _OPEN.get(settings.key)
    if shared is None:
        return
    shared.users -= 1
    if shared.users <= 0:
        del _OPEN[settings.key]
        try:
            shared.store.flush()
        finally:
            shared.store.close()
