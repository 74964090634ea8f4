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

_SPAN = "bench_timeline_span"


class Timeline:
    """Records monotonic times per request; writes the per-second table when the spider closes."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.started = time.monotonic()
        self.spans: list[tuple[float, float | None]] = []
        """(reached, left) per request; left None while it is inside the downloader."""

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
        request.meta[_SPAN] = len(self.spans)  # (a retry reaches it again: a span of its own)
        self.spans.append((self._now(), None))

    def request_left(self, request: Request, spider: Any) -> None:
        index = request.meta.get(_SPAN)
        if isinstance(index, int) and index < len(self.spans):
            self.spans[index] = (self.spans[index][0], self._now())

    def rows(self) -> list[dict[str, int]]:
        """Per second: requests that reached the downloader, left it, and were inside it."""
        end = int(max([t for span in self.spans for t in span if t is not None], default=0.0)) + 1
        reached = Counter(int(start) for start, _ in self.spans)
        left = Counter(int(stop) for _, stop in self.spans if stop is not None)
        inside: Counter[int] = Counter()
        for start, stop in self.spans:
            for second in range(int(start), int(end if stop is None else stop) + 1):
                inside[second] += 1
        return [{"second": s, "reached": reached[s], "left": left[s], "inside": inside[s]} for s in range(end)]

    def spider_closed(self, spider: Any) -> None:
        self.path.write_text(json.dumps(self.rows()), encoding="utf-8")


def print_table(path: Path, label: str) -> None:
    """The table as bench/crawl.py prints it: one line per second."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    step = max(1, -(-len(rows) // 40))  # at most 40 lines: a line per `step` seconds
    print(f"  timeline of {label} (since the engine started; requests that reached the downloader, left it, "
          f"and the most inside it, per {step} s):")
    print("    second  reached  left  inside")
    for i in range(0, len(rows), step):
        part = rows[i:i + step]
        print(f"    {part[0]['second']:6d}  {sum(r['reached'] for r in part):7d}  {sum(r['left'] for r in part):4d}  "
              f"{max(r['inside'] for r in part):6d}")
