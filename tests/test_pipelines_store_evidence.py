"""The dedupe → match → evidence → store pipelines on real crawls of a loopback shop.

Each crawl runs in a subprocess (``tests/crawl_with_pipelines.py``: the ``schemaorg`` spider with
match, evidence and store on) against :mod:`tests.product_shop`, whose pages the tests change
between crawls; the store is the real SQLite store, the evidence the real log with real Chromium
screenshots, checked with ``verify_log``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from index.evidence.verify import verify_log
from index.sqlite_store import SQLiteStore
from index.store import SearchQuery, lead_id
from pipelines.notes import ListingNote, ResponseFacts

sys.path.insert(0, str(Path(__file__).parent))
from product_shop import Shop, nike_shop  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CRAWL = Path(__file__).parent / "crawl_with_pipelines.py"
CONTRACT_FIELDS = {"url", "platform", "listing_id", "title", "description", "price", "currency", "seller_name",
                   "seller_id", "ship_from", "category", "brand", "image_urls", "crawled_at"}
INFRINGING = {"1", "2", "3"}
SIDE_CHANNEL = {f.name for f in dataclasses.fields(ListingNote)} | {f.name for f in dataclasses.fields(ResponseFacts)}

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture()
def shop() -> Iterator[Shop]:
    shop = nike_shop()
    try:
        yield shop
    finally:
        shop.stop()


def start_crawl(data_dir: Path, shop: Shop, *overrides: str) -> subprocess.Popen:
    feed = data_dir / "feed.jsonl"
    return subprocess.Popen([sys.executable, str(CRAWL), str(data_dir), shop.url, str(feed), *overrides],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)


def finish(proc: subprocess.Popen, timeout: float = 240) -> dict[str, Any]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # a hung crawl fails the test and leaves nothing running
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, err[-3000:]
    result = json.loads(out.strip().splitlines()[-1])
    assert result["ok"], result["problem"]
    return result["stats"]


def crawl(data_dir: Path, shop: Shop, *overrides: str) -> dict[str, Any]:
    return finish(start_crawl(data_dir, shop, *overrides))


def stored_leads(data_dir: Path) -> dict[str, Any]:
    with SQLiteStore(data_dir / "store.sqlite") as store:
        return {lead.id: lead for lead in store.search(SearchQuery(limit=0)).leads}


def log_entries(data_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (data_dir / "evidence" / "log.jsonl").read_text("utf-8").splitlines() if line]


def test_unchanged_pages_are_not_redone_and_a_changed_one_is(tmp_path: Path, shop: Shop) -> None:
    first = crawl(tmp_path, shop)
    assert first["markwatch/new_listings"] == len(shop.products) and first["markwatch/matched_items"] == len(shop.products)
    leads = stored_leads(tmp_path)
    urls = {shop.url + f"p/{pid}" for pid in INFRINGING}
    assert {lead.url for lead in leads.values()} == urls and {lead.right_id for lead in leads.values()} == {"tm-nike"}
    assert first["markwatch/stored/new"] == len(leads) == first["markwatch/leads"]
    # every lead has its evidence, the log verifies, and the archived response is the page as served
    assert first["markwatch/evidence_captured"] == len(urls)
    assert first["markwatch/evidence_shot_of/response"] == len(urls)  # static pages: shot of what was archived
    assert all(len(lead.evidence) == 1 for lead in leads.values())
    report = verify_log(tmp_path)
    assert report.ok, report.lines()
    entries = log_entries(tmp_path)
    assert {e["url"] for e in entries} == urls
    for entry in entries:
        served = urllib.request.urlopen(entry["url"]).read()
        assert entry["status"] == 200 and entry["final_url"] == entry["url"]
        assert entry["sha256"]["html"] == hashlib.sha256(served).hexdigest()
        assert entry["sha256"]["screenshot"]  # a full-page screenshot was taken
        assert set(entry["lead_ids"]) == {lead_id(entry["url"], "tm-nike")}
    # the feed stays CONTRACTS §2 (other pipelines may add documented extra fields, e.g. image_phash):
    # nothing the pipelines tell each other leaks into it
    feed = [json.loads(line) for line in (tmp_path / "feed.jsonl").read_text("utf-8").splitlines()]
    assert len(feed) == len(shop.products) and all(CONTRACT_FIELDS <= set(row) for row in feed)
    assert not {key for row in feed for key in row} & SIDE_CHANNEL
    # full-text search finds them (a word inside a longer run: 正品耐克运动鞋)
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        assert {lead.url for lead in store.search(SearchQuery(text="耐克", limit=0)).leads} == urls

    shop.products["1"].price = 109.0  # one listing changes between the crawls
    page_hits = {path: n for path, n in shop.hits.items() if path.startswith("/p/")}
    second = crawl(tmp_path, shop)
    # every page was fetched again by the crawl, and only by it: the changed one's screenshot was
    # taken of the response the crawl archived (a static page, pipelines/archived_page.py)
    assert {path: shop.hits[path] - n for path, n in page_hits.items()} == {f"/p/{pid}": 1 for pid in shop.products}
    assert second["markwatch/evidence_shot_of/response"] == 1
    assert second["markwatch/unchanged_listings"] == len(shop.products) - 1
    assert second["markwatch/changed_listings"] == 1
    assert second["markwatch/matched_items"] == 1  # only the changed one was matched again
    assert second["markwatch/evidence_captured"] == 1  # and captured again
    assert second["markwatch/stored/updated"] == 1 and second.get("markwatch/stored/new", 0) == 0
    assert len(log_entries(tmp_path)) == len(urls) + 1
    after = stored_leads(tmp_path)
    assert after.keys() == leads.keys()
    changed = shop.url + "p/1"
    for lid, lead in after.items():
        assert lead.last_seen > leads[lid].last_seen  # seen again, unchanged or not
        assert lead.first_seen == leads[lid].first_seen
        assert len(lead.evidence) == (2 if lead.url == changed else 1)
    assert after[lead_id(changed, "tm-nike")].listing["price"] == 109.0
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        history = store.listing_history(changed)
        assert [v.listing["price"] for v in history] == [89.0, 109.0]  # the earlier version is kept
        assert len(store.listing_history(shop.url + "p/2")) == 1
    feed = [json.loads(line) for line in (tmp_path / "feed.jsonl").read_text("utf-8").splitlines()]
    assert len(feed) == len(shop.products)  # unchanged listings still go to the crawl's feed
    assert verify_log(tmp_path).ok


def test_a_failing_store_spools_and_nothing_is_lost_after_replay(tmp_path: Path, shop: Shop) -> None:
    (tmp_path / "store.sqlite").mkdir()  # the store's file cannot be created: every write fails
    first = crawl(tmp_path, shop)
    assert first["markwatch/store_unavailable"] == 1
    assert first["markwatch/store_failed"] == first["markwatch/leads"] == len(INFRINGING)
    assert first["markwatch/store_failed_batches"] >= 1
    assert first["item_scraped_count"] == len(shop.products)  # the crawl itself lost nothing
    spooled = list((tmp_path / "spool" / "store").glob("*.jsonl"))
    assert spooled

    (tmp_path / "store.sqlite").rmdir()  # the store works again
    second = crawl(tmp_path, shop)
    assert not list((tmp_path / "spool" / "store").glob("*.jsonl"))  # the spool was replayed and emptied
    leads = stored_leads(tmp_path)
    assert {lead.url for lead in leads.values()} == {shop.url + f"p/{pid}" for pid in INFRINGING}
    assert all(lead.evidence for lead in leads.values())  # the spooled batch carried the evidence refs
    # the replay ran before dedupe looked: the listings were known, so nothing was matched again
    assert second["markwatch/unchanged_listings"] == len(shop.products)
    assert second.get("markwatch/matched_items", 0) == 0 and second.get("markwatch/store_failed", 0) == 0
    assert verify_log(tmp_path).ok


def chromium_descendants(pid: int) -> list[int]:
    """Chromium processes started (directly or not) by process ``pid``."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        names[int(entry.name)] = name
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            if "chrom" in names.get(child, "") or "headless" in names.get(child, ""):
                found.append(child)
    return found


def test_browser_killed_mid_capture_spools_the_capture_and_the_crawl_finishes(tmp_path: Path, shop: Shop) -> None:
    shop.hold_images = True  # a screenshot waits for its page's image: the browser is mid-capture
    proc = start_crawl(tmp_path, shop, "evidence_timeout=10")
    assert shop.image_requested.wait(180), "no capture started"
    killed = chromium_descendants(proc.pid)
    assert killed, "the evidence browser was not found among the crawl's processes"
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    shop.hold_images = False
    shop.release.set()
    first = finish(proc)
    assert first["item_scraped_count"] == len(shop.products)  # the crawl finished with every listing
    assert first["markwatch/evidence_failed"] >= 1
    assert first["markwatch/evidence_failed"] + first.get("markwatch/evidence_captured", 0) == len(INFRINGING)
    assert len(list((tmp_path / "spool" / "evidence").glob("*.jsonl"))) == first["markwatch/evidence_failed"]
    leads = stored_leads(tmp_path)
    assert len(leads) == len(INFRINGING)  # the leads were stored, with or without their evidence
    assert sum(1 for lead in leads.values() if not lead.evidence) == first["markwatch/evidence_failed"]

    second = crawl(tmp_path, shop)  # the next crawl takes the spooled captures again
    assert second["markwatch/evidence_replayed"] == first["markwatch/evidence_failed"]
    assert not list((tmp_path / "spool" / "evidence").glob("*.jsonl"))
    assert all(lead.evidence for lead in stored_leads(tmp_path).values())
    report = verify_log(tmp_path)
    assert report.ok, report.lines()
    assert report.entries == len(INFRINGING)


def test_notes_follow_the_item_and_are_released_whatever_happens_to_it() -> None:
    from pipelines.notes import ListingNotes

    notes = ListingNotes()
    facts = ResponseFacts("GET", (), 200, (), b"<html>", "http://h/a", (), "2026-12-01T00:00:00Z")
    spider_item, duplicate = {"url": "http://h/a"}, {"url": "http://h/a"}
    notes.remember_response(spider_item, facts)
    notes.remember_response(duplicate, facts)
    validated = dict(spider_item)  # the validate pipeline hands on a new dict
    assert notes.of(validated).facts is facts
    notes.release(duplicate)  # dropped as a duplicate: Scrapy names the item as the spider yielded it
    assert notes.peek(validated) is not None and not notes.pending
    notes.release(spider_item)  # the first one failed later: named as yielded too
    assert notes.peek(validated) is None and len(notes) == 0
