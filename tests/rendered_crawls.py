"""The demo storefront crawled by the rendered spider in real Chromium, once per way of reading
detail pages, for the whole session (a pytest plugin, see conftest.py).

Why: tests/test_rendered_fast_path.py (detail pages rendered on the fast path, in reused tabs whose
HTTP cache serves the storefront's script) and tests/test_rendered_json_path.py (the JSON path gives
the listings the DOM gives) each made a DOM crawl of the storefront of a marketplace of their own, a
browser crawl of every product page. One marketplace and one crawl per way serve both; what a crawl
requested is the difference of the marketplace's ``/__hits`` before and after it, so the crawls
need not each have a fresh marketplace.

``storefront_crawls``: :class:`StorefrontCrawls`; ``.crawl("dom")`` (every page rendered) and
``.crawl("auto")`` (the platform file's JSON path) are made on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

LISTINGS, SEED, TABS = 60, 5, 2
"""The storefront of 60 listings (17 on it), seed 5, crawled with 2 tabs for detail pages."""


@dataclass
class RenderedCrawl:
    listings: list[dict[str, Any]]
    stats: dict[str, Any]
    requested: dict[str, int]
    """Path → how many times this crawl requested it of the marketplace."""

    def count(self, prefix: str) -> int:
        """Requests of this crawl for paths starting with ``prefix``."""
        return sum(n for path, n in self.requested.items() if path.startswith(prefix))


class StorefrontCrawls:
    """Rendered crawls of one running marketplace's storefront, made once each and kept."""

    def __init__(self, base: str, workdir: Path, expected: set[str]) -> None:
        self.base = base
        self.workdir = workdir
        self.expected = expected
        """The storefront's listing ids by the catalogue's ground truth."""
        self._done: dict[str, RenderedCrawl] = {}

    def hits(self) -> dict[str, int]:
        with urllib.request.urlopen(self.base + "/__hits", timeout=10) as answer:
            return json.load(answer)

    def crawl(self, mode: str) -> RenderedCrawl:
        """The crawl with ``RENDERED_DATA_FROM=mode`` (made now if it was not yet)."""
        if mode not in self._done:
            before = self.hits()
            out, stats_file = self.workdir / f"{mode}.jsonl", self.workdir / f"{mode}-stats.json"
            proc = subprocess.run(
                [sys.executable, "-m", "markwatch.cli", "crawl", "rendered", "--platform", "storefront",
                 "--base-url", self.base, "--output", str(out), "--stats-json", str(stats_file),
                 "-s", f"RENDERED_DATA_FROM={mode}", "-s", f"RENDERED_CONCURRENCY={TABS}"],
                capture_output=True, text=True, timeout=300, cwd=self.workdir,
            )
            assert proc.returncode == 0, proc.stderr[-3000:]
            after = self.hits()
            requested = {path: n - before.get(path, 0) for path, n in after.items() if n - before.get(path, 0)}
            listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            self._done[mode] = RenderedCrawl(listings, json.loads(stats_file.read_text(encoding="utf-8")), requested)
        return self._done[mode]


@pytest.fixture(scope="session")
def storefront_crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorefrontCrawls]:
    from demo_marketplace.catalogue import generate_catalogue
    from demo_marketplace.process import start_marketplace

    workdir = tmp_path_factory.mktemp("storefront-crawls")
    with start_marketplace(listings=LISTINGS, seed=SEED, api_rate=0, labels_out=workdir / "labels.jsonl") as market:
        yield StorefrontCrawls(market.urls["storefront"], workdir,
                               generate_catalogue(LISTINGS, SEED).expected_listing_ids("storefront"))
