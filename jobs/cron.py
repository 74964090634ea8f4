"""When runs are due: the cron expression of the config, missed runs, and catching up once.

Why "once": after a machine was down for a week, seven nightly runs in a row would crawl the same
platforms seven times for nothing (each run re-checks everything that is due anyway). The routine
makes up the latest missed slot with one run, recorded as ``catch_up`` with the number of slots it
stands for, and then follows the schedule again.

Times are UTC; croniter does the calendar arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from croniter import croniter

from jobs.clock import to_utc
from markwatch.config import ConfigError


def check_cron(expression: str, key: str = "schedule_cron") -> str:
    """``expression`` when croniter reads it; else :class:`ConfigError` saying what to write."""
    if not croniter.is_valid(expression):
        raise ConfigError(f"{key}: {expression!r} is not a cron expression; write five fields "
                          "'minute hour day month weekday', e.g. '0 2 * * *' (nightly at 02:00 UTC)")
    return expression


def next_run(expression: str, after: datetime) -> datetime:
    """The first slot of ``expression`` strictly after ``after`` (UTC)."""
    return to_utc(croniter(check_cron(expression), to_utc(after)).get_next(datetime)).replace(fold=0)


def previous_run(expression: str, before: datetime) -> datetime:
    """The last slot of ``expression`` at or before ``before`` (UTC)."""
    when = to_utc(before)
    if croniter.match(check_cron(expression), when.replace(second=0, microsecond=0)) and when.second == 0 \
            and when.microsecond == 0:
        return when
    return to_utc(croniter(expression, when).get_prev(datetime)).replace(fold=0)


@dataclass(frozen=True)
class Due:
    """A run to make now: the slot it stands for and how many slots were missed to get here."""

    slot: datetime
    missed: int
    """Slots between the last run and ``slot`` left out (0 = on time)."""

    @property
    def trigger(self) -> str:
        return "catch_up" if self.missed else "cron"


def due_run(expressions: list[str], last_slot: datetime | None, now: datetime,
            first_start: datetime | None = None, max_missed_counted: int = 10_000) -> Due | None:
    """The run due at ``now``, or None.

    ``expressions``: the base schedule and those of running campaigns (their slots are merged).
    ``last_slot``: the slot of the last recorded run (None: never ran; then only a slot at or after
    ``first_start`` counts, so a new installation does not "catch up" on the past).
    Several missed slots give ONE run for the latest of them (``missed`` = how many were skipped)."""
    now = to_utc(now)
    latest: datetime | None = None
    for expression in expressions:
        slot = previous_run(expression, now)
        if latest is None or slot > latest:
            latest = slot
    if latest is None:
        return None
    floor = to_utc(last_slot) if last_slot is not None else (to_utc(first_start) if first_start else None)
    if floor is not None and (latest <= floor if last_slot is not None else latest < floor):
        return None
    if floor is None:
        return Due(latest, 0)
    skipped: set[datetime] = set()  # slots of several expressions may coincide: count each time once
    for expression in expressions:
        it = croniter(expression, floor)
        while len(skipped) < max_missed_counted:
            slot = to_utc(it.get_next(datetime)).replace(fold=0)
            if slot >= latest:
                break
            skipped.add(slot)
    return Due(latest.replace(fold=0), len(skipped))
