"""The rendered spider's detail pages take the fast path of crawler/rendering.py, in real Chromium.

What would silently undo the speed-up: detail pages going back through scrapy-playwright's routed
path (every request of a page through Python, and no HTTP cache, so the storefront's script would
be fetched once per product page), or a tab per page instead of reused ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from demo_marketplace.catalogue import generate_catalogue
from demo_marketplace.process import start_marketplace

LISTINGS, SEED = 120, 3


@pytest.mark.browser
@pytest.mark.slow
def test_detail_pages_render_in_reused_cached_tabs(tmp_path: Path) -> None:
    with start_marketplace(listings=LISTINGS, seed=SEED, api_rate=0, labels_out=tmp_path / "labels.jsonl") as market:
        base = market.urls["storefront"]
        out, stats_file = tmp_path / "storefront.jsonl", tmp_path / "stats.json"
        proc = subprocess.run(
            [sys.executable, "-m", "markwatch.cli", "crawl", "rendered", "--platform", "storefront",
             "--base-url", base, "--output", str(out), "--stats-json", str(stats_file),
             "-s", "RENDERED_CONCURRENCY=3"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        with urllib.request.urlopen(base + "/__hits", timeout=10) as answer:
            hits = json.load(answer)
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {x["listing_id"] for x in listings} == generate_catalogue(LISTINGS, SEED).expected_listing_ids("storefront")

    product_pages = sum(n for path, n in hits.items() if path.startswith("/p/"))
    assert product_pages >= len(listings) > 10
    # every product page was rendered on the fast path, in at most 3 tabs (plus the grid's own)
    assert stats["markwatch/rendered/pooled_renders"] == product_pages
    assert stats["playwright/page_count"] <= 3 + 1
    # no route per page: the browser's HTTP cache served the storefront's script after its first fetch
    assert hits["/static/app.js"] <= 3 + 1, hits["/static/app.js"]
