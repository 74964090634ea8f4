"""Retries: 429 answers are retried after their Retry-After delay without stalling other requests,
and failed pages are retried with back-off (crawler.middlewares.BackoffRetryMiddleware).

A real HTTP server on 127.0.0.1 scripts the answers; a real Scrapy crawl (``scrapy runspider`` in a
subprocess, with the project's settings) runs against it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Iterator

import pytest

from crawler.middlewares import retry_after_seconds

from loopback_site import QuietHandler, serving

REPO = Path(__file__).resolve().parents[1]

SPIDER = '''
import scrapy

class Probe(scrapy.Spider):
    name = "probe"

    async def start(self):
        for path in ["/throttled"] + [f"/fast/{i}" for i in range(6)] + ["/flaky"]:
            yield scrapy.Request(self.base + path, callback=self.parse)

    def parse(self, response):
        yield {"url": response.url, "title": response.text}
'''


class _Scripted(QuietHandler):
    """/throttled: 429 with Retry-After 3, then 1, then 200; /flaky: 500 once, then 200; /fast/*: 200."""

    log: dict[str, list[float]]

    def do_GET(self) -> None:  # noqa: N802
        self.log[self.path].append(time.monotonic())
        self.log["user-agents"].append(self.headers.get("User-Agent", ""))  # type: ignore[arg-type]
        count = len(self.log[self.path])
        if self.path == "/robots.txt":
            self._send(404, "")
        elif self.path == "/throttled" and count <= 2:
            self._send(429, "slow down", {"Retry-After": "3" if count == 1 else "1"})
        elif self.path == "/flaky" and count == 1:
            self._send(500, "oops")
        else:
            self._send(200, f"page {self.path}")

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        self.answer(status, "text/plain; charset=utf-8", body, headers)


@pytest.fixture()
def scripted_server() -> Iterator[tuple[str, dict[str, list[float]]]]:
    log: dict[str, list[float]] = defaultdict(list)
    with serving(type("H", (_Scripted,), {"log": log})) as base:
        yield base, log


def test_429_waits_retry_after_and_does_not_block_others(scripted_server, tmp_path: Path) -> None:
    base, log = scripted_server
    spider = tmp_path / "probe.py"
    spider.write_text(SPIDER.replace('name = "probe"', f'name = "probe"\n    base = "{base}"'), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "runspider", str(spider), "-o", f"{out}:jsonlines",
         "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_BACKOFF_BASE=0.3"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    throttled = log["/throttled"]
    assert len(throttled) == 3  # two 429s, then the page
    assert throttled[1] - throttled[0] >= 2.95 and throttled[2] - throttled[1] >= 0.95
    # While /throttled waited, the other pages were fetched: the wait does not block the reactor.
    fast = [log[f"/fast/{i}"][0] - throttled[0] for i in range(6)]
    assert all(t < throttled[1] - throttled[0] for t in fast), (fast, throttled)
    flaky = log["/flaky"]
    assert len(flaky) == 2 and flaky[1] - flaky[0] >= 0.25  # back-off before the retry
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(i["url"].removeprefix(base) for i in items) == sorted(
        ["/throttled", "/flaky"] + [f"/fast/{i}" for i in range(6)])
    assert "'markwatch/throttled/429': 2" in proc.stderr
    # Polite: robots.txt asked first, and every request says who we are.
    assert log["/robots.txt"][0] <= min(times[0] for path, times in log.items() if path.startswith("/fast/"))
    assert all(ua.startswith("markwatch/") for ua in log["user-agents"])


@pytest.mark.parametrize("header, seconds", [
    ("1", 1.0), (" 120 ", 120.0), (b"0", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None), (None, None),
])
def test_retry_after_header_values(header: object, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds  # type: ignore[arg-type]


def test_retry_after_http_date_in_the_future() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == pytest.approx(30.0)
