"""The rendered spider's JSON path (platform file ``data_from``) gives the listings the DOM gives.

What would break unseen: a field mapped to the wrong JSON path (a listing with no seller, a price
in the wrong unit), detail pages still rendered one by one (the speed-up gone), or the browser
fetching what a listing does not need (images: the listing's ``image_urls`` are read, the pictures
never fetched). Both crawls run against the same demo marketplace in real Chromium, and the
marketplace's own hit counter says what was requested.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from demo_marketplace.catalogue import generate_catalogue
from demo_marketplace.process import start_marketplace

LISTINGS, SEED, TABS = 60, 5, 2


def hits(base: str) -> dict[str, int]:
    with urllib.request.urlopen(base + "/__hits", timeout=10) as answer:
        return json.load(answer)


def crawl(base: str, tmp: Path, mode: str) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, int]]:
    """One rendered crawl of the storefront; its listings, stats and the paths it requested."""
    before = hits(base)
    out, stats_file = tmp / f"{mode}.jsonl", tmp / f"{mode}-stats.json"
    proc = subprocess.run(
        [sys.executable, "-m", "markwatch.cli", "crawl", "rendered", "--platform", "storefront",
         "--base-url", base, "--output", str(out), "--stats-json", str(stats_file),
         "-s", f"RENDERED_DATA_FROM={mode}", "-s", f"RENDERED_CONCURRENCY={TABS}"],
        capture_output=True, text=True, timeout=300, cwd=tmp,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = hits(base)
    requested = {path: n - before.get(path, 0) for path, n in after.items() if n - before.get(path, 0)}
    listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return listings, json.loads(stats_file.read_text(encoding="utf-8")), requested


def count(requested: dict[str, int], prefix: str) -> int:
    return sum(n for path, n in requested.items() if path.startswith(prefix))


@pytest.mark.browser
@pytest.mark.slow
def test_json_path_gives_the_dom_listings_without_rendering_each_page(tmp_path: Path) -> None:
    with start_marketplace(listings=LISTINGS, seed=SEED, api_rate=0) as market:
        base = market.urls["storefront"]
        dom, dom_stats, dom_hits = crawl(base, tmp_path, "dom")
        fast, fast_stats, fast_hits = crawl(base, tmp_path, "auto")

    expected = generate_catalogue(LISTINGS, SEED).expected_listing_ids("storefront")
    assert {x["listing_id"] for x in dom} == expected and len(expected) > 8

    def comparable(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {row["listing_id"]: {k: v for k, v in row.items() if k != "crawled_at"} for row in rows}

    assert comparable(fast) == comparable(dom)  # every field of every listing, images and prices included
    assert any(row.get("seller_id") and row.get("price") for row in fast)
    for stats in (dom_stats, fast_stats):  # the same bad pages, named the same way
        assert {k: v for k, v in stats.items() if k.startswith("markwatch/bad_pages/")} == \
            {k: v for k, v in dom_stats.items() if k.startswith("markwatch/bad_pages/")}

    # the DOM crawl rendered every product page; the JSON crawl one (the other requests of the first
    # batch waited for what it saw, not each rendered in a tab of its own), and then fetched the JSON
    # of the others, once each, from that tab, several per round trip when they were asked together
    assert count(dom_hits, "/p/") == dom_stats["markwatch/rendered/pooled_renders"] >= len(dom)
    assert count(fast_hits, "/p/") == fast_stats["markwatch/rendered/pooled_renders"] == 1
    assert fast_stats["markwatch/rendered/json_verified"] == 1
    assert fast_stats["markwatch/rendered/json_fetches"] + count(fast_hits, "/p/") == count(fast_hits, "/api/product/")
    assert 1 <= fast_stats["markwatch/rendered/json_round_trips"] <= fast_stats["markwatch/rendered/json_fetches"]
    assert count(fast_hits, "/api/product/") == count(dom_hits, "/api/product/")  # nothing fetched twice

    # what a listing does not need is never fetched: its pictures are read as URLs, not downloaded,
    # and the storefront's script comes from the browser's cache after each tab's first load
    assert any(row["image_urls"] for row in fast)
    assert count(dom_hits, "/static/img/") == count(fast_hits, "/static/img/") == 0
    assert fast_hits.get("/static/app.js", 0) <= TABS + 1
