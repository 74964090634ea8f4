"""A Scrapy extension for benchmarks: when each request entered the downloader, left it, and what for.

Why: a crawl's pages/s says how fast, not where pages wait. Per-second counts of requests reaching
the downloader (what the spider and the scheduler let through), answered, and still inside it (queued
in a slot or transferring) show which side paces the crawl: a grid that hands out links in bursts,
a downloader slot full of waiting requests, a quiet gap before the first answer. bench/crawl.py
``--timeline`` turns it on (``-s EXTENSIONS={"bench.crawl_timeline.Timeline": 0}``) and prints the table.

    -s CRAWL_TIMELINE_FILE=PATH   where the table goes (JSON: one row per second since the engine started)
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured


class Timeline:
    """Records monotonic times per request; writes the per-second table when the spider closes."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.started = time.monotonic()
        self.reached: dict[int, float] = {}
        self.left: dict[int, float] = {}
        self.first_answer: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "Timeline":
        path = crawler.settings.get("CRAWL_TIMELINE_FILE")
        if not path:
            raise NotConfigured("CRAWL_TIMELINE_FILE is not set")
        timeline = cls(path)
        crawler.signals.connect(timeline.engine_started, signals.engine_started)
        crawler.signals.connect(timeline.request_reached, signals.request_reached_downloader)
        crawler.signals.connect(timeline.request_left, signals.request_left_downloader)
        crawler.signals.connect(timeline.spider_closed, signals.spider_closed)
        return timeline

    def _now(self) -> float:
        return time.monotonic() - self.started

    def engine_started(self) -> None:
        self.started = time.monotonic()

    def request_reached(self, request: Request, spider: Any) -> None:
        self.reached[id(request)] = self._now()

    def request_left(self, request: Request, spider: Any) -> None:
        self.left[id(request)] = now = self._now()
        if self.first_answer is None:
            self.first_answer = now

    def rows(self) -> list[dict[str, int]]:
        """Per second: requests that reached the downloader, left it, and were inside it."""
        end = int(max([*self.left.values(), *self.reached.values(), 0.0])) + 1
        reached = Counter(int(t) for t in self.reached.values())
        left = Counter(int(t) for t in self.left.values())
        inside: Counter[int] = Counter()
        for key, start in self.reached.items():
            for second in range(int(start), int(self.left.get(key, end)) + 1):
                inside[second] += 1
        return [{"second": s, "reached": reached[s], "left": left[s], "inside": inside[s]} for s in range(end)]

    def spider_closed(self, spider: Any) -> None:
        self.path.write_text(json.dumps(self.rows()), encoding="utf-8")


def print_table(path: Path, label: str) -> None:
    """The table as bench/crawl.py prints it: one line per second."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    print(f"  timeline of {label} (seconds since the engine started; requests per second):")
    print("    second  reached  left  inside")
    for row in rows:
        print(f"    {row['second']:6d}  {row['reached']:7d}  {row['left']:4d}  {row['inside']:6d}")
