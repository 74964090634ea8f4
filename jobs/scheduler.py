"""``markwatch schedule``'s loop: wait for the next slot, run a pass, and go on.

The base schedule is config ``schedule_cron``; a running campaign adds its own run times (its
``cron``). After downtime the latest missed slot is run once (``catch_up``, with the number of slots
it stands for). The first start of a new installation does not catch up on the past: it waits for
the next slot (``--once`` runs at once). A pass already running elsewhere (the lock) is never started
twice: the loop notes it and waits for the next slot.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Callable

from index.campaigns import active_campaigns
from jobs.clock import Clock, iso, parse_iso
from jobs.cron import Due, check_cron, due_run, next_run
from jobs.lock import LockHeld
from index.runs import RunLog
from markwatch.config import Config, ConfigError


def schedule_expressions(config: Config, when: datetime) -> list[str]:
    """The cron expressions in force at ``when``: the base one and those of running campaigns."""
    expressions = [check_cron(config.schedule_cron)]
    for campaign in active_campaigns(when.date(), config):
        if campaign.cron and campaign.cron not in expressions:
            expressions.append(check_cron(campaign.cron, f"campaign {campaign.name}: cron"))
    return expressions


def due_now(config: Config, clock: Clock, runs: RunLog, installed_at: datetime | None = None) -> Due | None:
    now = clock.now()
    last = runs.last_slot()
    return due_run(schedule_expressions(config, now), parse_iso(last) if last else None, now,
                   first_start=installed_at)


def next_slot(config: Config, clock: Clock) -> datetime:
    now = clock.now()
    return min(next_run(e, now) for e in schedule_expressions(config, now))


class Scheduler:
    """``tick()`` runs the pass due now (if any); ``serve(stop)`` ticks until ``stop`` is set."""

    def __init__(self, config: Config, clock: Clock, run_pass: Callable[..., Any],
                 say: Callable[[str], None] = print) -> None:
        self.config = config
        self.clock = clock
        self.run_pass = run_pass
        self.say = say
        self.runs = RunLog(config.data_dir)
        self.started_at = clock.now()

    def tick(self) -> Any:
        due = due_now(self.config, self.clock, self.runs, installed_at=self.started_at)
        if due is None:
            return None
        if due.missed:
            self.say(f"schedule: {due.missed} run(s) missed while markwatch was not running; catching up once "
                     f"for {iso(due.slot)}")
        try:
            return self.run_pass(self.config, self.clock, trigger=due.trigger, slot=iso(due.slot), missed=due.missed)
        except LockHeld as exc:
            self.say(f"schedule: {exc}")
            return None
        except ConfigError:
            raise  # the configuration is wrong: say so once and stop (markwatch/cli.py prints it)
        except Exception as exc:  # noqa: BLE001 - a store down, a disk full: the routine goes on
            self.say(f"schedule: the pass for {iso(due.slot)} failed ({type(exc).__name__}: {exc}); "
                     "it is tried again at the next check")
            return None

    def serve(self, stop: threading.Event, max_wait: float = 60.0) -> None:
        while not stop.is_set():
            self.tick()
            wait = (next_slot(self.config, self.clock) - self.clock.now()).total_seconds()
            if self.clock.sleep(min(max(wait, 0.5), max_wait), stop):
                return
