"""The linkage loop ``markwatch serve`` runs beside the web service (CONTRACTS §7: "``markwatch
serve`` delivers pushes while it runs; pending ones survive a restart").

Every ``linkage_interval_seconds`` it makes the notices that are due (confirmations settled for
``notice_settle_seconds``: :meth:`~index.linkage.LinkageStore.create_due_notices`, which writes each
notice with its outbox rows in one transaction) and then pushes every outbox row that is due
(:class:`feeds.delivery.DeliveryWorker`). All state is in the store, so the loop itself holds none:
a restart simply carries on, and a push that was in flight when the process died is sent again
(same webhook-id) once its lease runs out.

Why a thread, not an asyncio task: the store is synchronous (SQLite behind a lock) and a push may
wait ``webhook_timeout`` seconds; on the event loop either would stall the pages. A failing round
is logged and the next one tries again — the loop never takes the web service down with it.

It starts only when asked: ``markwatch serve`` puts one in ``app.state.background`` (started and
stopped by the app's lifespan, before the store is closed); apps built by tests have none, so a
test that wants pushes runs :meth:`LinkageService.run_once` itself.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Callable

from feeds.delivery import DeliveryWorker, Tally, iso

if TYPE_CHECKING:
    from index.store import LeadStore
    from markwatch.config import Config

log = logging.getLogger(__name__)


class LinkageService:
    """Makes due notices and pushes due deliveries, once (:meth:`run_once`) or every
    ``config.linkage_interval_seconds`` on a thread of its own (:meth:`start` / :meth:`stop`)."""

    def __init__(self, store: "LeadStore", config: "Config", *, clock: Callable[[], float] = time.time,
                 worker: DeliveryWorker | None = None):
        self.store = store
        self.config = config
        self.clock = clock
        self.worker = worker or DeliveryWorker.from_config(store.linkage, config, clock=clock)
        self.interval = float(config.linkage_interval_seconds)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.failures = 0

    def make_due_notices(self) -> list[str]:
        from feeds.notices import create_due_notices

        # the one entry point that names config's office as the sender (office_name, office_contact)
        return create_due_notices(self.store, self.config, iso(self.clock()))

    def run_once(self) -> Tally:
        """One round: due notices, then every due delivery. Errors propagate (the loop logs them)."""
        made = self.make_due_notices()
        if made:
            log.info("linkage: %d new notice(s): %s", len(made), ", ".join(made[:5]) + (" …" if len(made) > 5 else ""))
        tally = self.worker.deliver_due(self._stop)
        if tally.attempts:
            log.info("linkage: %d push attempt(s): %d delivered, %d to retry, %d dead, %d endpoint(s) disabled",
                     tally.attempts, tally.delivered, tally.retry, tally.dead, tally.disabled)
        return tally

    # -- in the background -----------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="markwatch-linkage", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to stop and wait for it (a push in flight may take ``webhook_timeout``)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.config.webhook_timeout + 5.0 if timeout is None else timeout)
            if thread.is_alive():
                log.warning("linkage: the delivery loop did not stop in time; its leased pushes are sent "
                            "again after the next start (same webhook-id)")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # noqa: BLE001 - a bad round is logged; the web service goes on
                self.failures += 1
                log.exception("linkage: a round of notices/pushes failed; trying again in %g s", self.interval)
            self.rounds += 1
            self._stop.wait(self.interval)
