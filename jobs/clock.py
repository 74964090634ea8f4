"""The routine's clock: the real one, or a fake one the tests and ``markwatch demo --days`` move by hand.

Why a clock object: every decision of the schedule (is a run due, which runs were missed, how old
is a listing) depends on "now". Passing a clock in, instead of calling ``datetime.now()``, lets the
tests jump a week ahead and lets the month demo run thirty nights in minutes, with no sleeps.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Now, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Wait ``seconds`` (or until ``stop`` is set); True when stopped."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        if stop is None:
            time.sleep(max(0.0, seconds))
            return False
        return stop.wait(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when told (``advance``/``set``); ``sleep`` moves it at once."""

    def __init__(self, start: datetime) -> None:
        self._now = to_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = to_utc(when)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def sleep(self, seconds: float, stop: threading.Event | None = None) -> bool:
        self._now += timedelta(seconds=max(0.0, seconds))
        return bool(stop is not None and stop.is_set())


def to_utc(when: datetime) -> datetime:
    """``when`` as aware UTC (a naive time is taken as UTC)."""
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def iso(when: datetime) -> str:
    """The store's time format: ``2026-12-01T02:00:00.000000Z``."""
    return to_utc(when).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    """A time the store or the runs table wrote (``…Z`` or with an offset) as aware UTC."""
    return to_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
