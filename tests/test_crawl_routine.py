"""The crawler's parts of the routine, against a real demo marketplace: keyword discovery, conditional
requests and platform health.

- discovery finds the listings the marketplace links from no category, grid or seller page (it hides
  some with ``--search-only``; which ones is ground truth in the labels), on all three platforms;
- a second crawl of an unchanged platform is answered 304 and matches nothing again, while the
  store sees every listing again (its ``last_seen`` moves);
- a captcha wall (a 200 page, raised through the marketplace's ``/__wall`` hook) is recognised and
  backed off: the platform is paused, walled requests come back after the wall is down (nothing
  lost), and a wall that stays up stops the crawl after a handful of requests, not hundreds.

One small marketplace (120 listings) for the module; every crawl is a real ``markwatch crawl``
process or one ``crawl_all`` process (Scrapy's reactor cannot restart in this one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

MARKWATCH = [sys.executable, "-m", "markwatch.cli"]
LISTINGS, SEED, SEARCH_ONLY = 120, 3, 2
# quick back-off steps, so a paused platform costs the test tenths of a second
FAST_HEALTH = ["-s", "PLATFORM_HEALTH_PAUSE=0.1", "-s", "PLATFORM_HEALTH_SLOW_DELAY=0.05",
               "-s", "PLATFORM_HEALTH_WINDOW=5", "-s", "PLATFORM_HEALTH_MAX_PAUSES=2"]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory) -> Iterator["MarketplaceProcess"]:  # noqa: F821
    from demo_marketplace.process import start_marketplace

    labels = tmp_path_factory.mktemp("routine-market") / "labels.jsonl"
    process = start_marketplace(listings=LISTINGS, seed=SEED, labels_out=labels, api_rate=0,
                                search_only=SEARCH_ONLY)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def labels(market) -> list[dict]:
    return read_jsonl(market.labels_path)


def wall(market, platform: str, **params: object) -> dict:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    with urllib.request.urlopen(f"{market.urls[platform]}/__wall?{query}", timeout=10) as answer:
        return json.load(answer)


def crawl(tmp_path: Path, name: str, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, list[dict], dict]:
    out, stats = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.stats.json"
    proc = subprocess.run(MARKWATCH + ["crawl", *args, "--output", str(out), "--stats-json", str(stats)],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path, env={**os.environ, **(env or {})})
    return proc, (read_jsonl(out) if out.exists() else []), (json.loads(stats.read_text()) if stats.exists() else {})


# ---------------------------------------------------------------- keyword discovery
DISCOVER_SCRIPT = """
import json, sys
from crawler.runner import CrawlJob, crawl_all
from markwatch.config import load_config
urls, out, words = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
jobs = [CrawlJob("html", output=out + "/browse-bazaar.jsonl", platform="bazaar", base_url=urls["bazaar"]),
        CrawlJob("api", output=out + "/discover-openmall.jsonl", platform="openmall", base_url=urls["openmall"],
                 discover=True),
        CrawlJob("rendered", output=out + "/discover-storefront.jsonl", platform="storefront",
                 base_url=urls["storefront"], keywords=words)]
print(json.dumps([{"ok": r.ok, "problem": r.problem, "keywords": r.stats.get("markwatch/discovery/keywords")}
                  for r in crawl_all(jobs, load_config())]))
"""


@pytest.mark.browser
def test_discovery_finds_the_listings_no_category_page_links(market, labels, tmp_path: Path) -> None:
    import yaml

    from crawler.discovery import right_keywords
    from matchers.register import load_register

    hidden = {p: {r["listing_id"]: r for r in labels if r.get("search_only") and r["platform"] == p}
              for p in ("bazaar", "storefront", "openmall")}
    assert all(len(rows) == SEARCH_ONLY for rows in hidden.values()), {p: len(r) for p, r in hidden.items()}
    # a register of the rights the hidden listings infringe and a few others (searching a platform for all
    # 67 rights of the demo register works the same, only longer)
    demo = load_register()
    wanted = {i for rows in hidden.values() for row in rows.values() for i in row["infringes"]}
    rights = [r for r in demo.rights if r.id in wanted] + [r for r in demo.rights if r.id not in wanted][:4]
    register = tmp_path / "register.yaml"
    register.write_text(yaml.safe_dump({"version": 1, "rights": [r.model_dump(mode="json", exclude_none=True) for r in rights]},
                                       allow_unicode=True), encoding="utf-8")
    env = {"MARKWATCH_REGISTER": str(register)}
    words = right_keywords(rights)
    # the storefront is searched in a real browser, a grid per word: only for the words its hidden titles carry
    store_words = [w for w in words if any(w.casefold() in row["title"].casefold() for row in hidden["storefront"].values())]
    assert store_words

    # bazaar through the command line
    proc, found, stats = crawl(tmp_path, "discover-bazaar", "html", "--platform", "bazaar",
                               "--base-url", market.urls["bazaar"], "--discover", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert stats["markwatch/discovery/keywords"] == len(words)  # every name and variant of every right
    by_id = {row["listing_id"]: row for row in found}
    assert set(hidden["bazaar"]) <= set(by_id), "discovery missed a listing only search finds"
    assert all(by_id[i]["title"] == hidden["bazaar"][i]["title"] for i in hidden["bazaar"])  # read in full

    # the other two platforms, and a normal (browsing) crawl of bazaar beside them, in one process
    done = subprocess.run([sys.executable, "-c", DISCOVER_SCRIPT, json.dumps(market.urls), str(tmp_path),
                           json.dumps(store_words)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert all(r["ok"] for r in results), results
    browsed = {row["listing_id"] for row in read_jsonl(tmp_path / "browse-bazaar.jsonl")}
    assert browsed and not browsed & set(hidden["bazaar"]), "the hidden listings must be linked from no browsable page"
    for platform in ("openmall", "storefront"):
        got = {row["listing_id"]: row for row in read_jsonl(tmp_path / f"discover-{platform}.jsonl")}
        assert set(hidden[platform]) <= set(got), (platform, set(hidden[platform]) - set(got))
        assert all(got[i]["title"] == hidden[platform][i]["title"] for i in hidden[platform])
    assert results[1]["keywords"] == len(words) and results[2]["keywords"] == len(store_words)


def test_discovery_needs_a_search_section(market, tmp_path: Path) -> None:
    platform = tmp_path / "nosearch.yaml"
    source = (Path(__file__).parent.parent / "crawler" / "platforms" / "bazaar.yaml").read_text(encoding="utf-8")
    platform.write_text(source.split("\nsearch:")[0] + "\n", encoding="utf-8")  # bazaar without its search
    proc, found, _ = crawl(tmp_path, "nosearch", "html", "--platform", str(platform),
                           "--base-url", market.urls["bazaar"], "--keyword", "耐克")
    assert proc.returncode == 2 and not found
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no search section" in lines[0] and "{keyword}" in lines[0], proc.stderr


# ---------------------------------------------------------------- conditional requests
def test_an_unchanged_platform_answers_304_and_nothing_is_matched_again(market, tmp_path: Path) -> None:
    from index import open_store
    from markwatch.config import load_config

    data = tmp_path / "data"
    env = {"MARKWATCH_DATA_DIR": str(data), "MARKWATCH_STORE_ENABLED": "1", "MARKWATCH_MATCH_ENABLED": "1",
           "MARKWATCH_IMAGE_HASH_ENABLED": "0"}
    args = ("html", "--platform", "bazaar", "--base-url", market.urls["bazaar"])
    first, listings, before = crawl(tmp_path, "first", *args, env=env)
    assert first.returncode == 0, first.stderr[-2000:]
    assert listings and before["markwatch/matched_items"] == len(listings) == before["markwatch/new_listings"]
    assert not before.get("markwatch/conditional/not_modified")
    store = open_store(load_config(data_dir=data))
    seen_first = {row["url"]: store.listing_history(row["url"])[-1].last_seen for row in listings}
    getattr(store, "close", lambda: None)()

    kept = [entry for entry in (data / "httpcache" / "html").glob("*/*") if (entry / "pickled_meta").is_file()]
    assert len(kept) >= len(listings)  # every listing page (it carries validators) is kept
    weeks_ago = time.time() - 20 * 86400  # last seen 20 days ago: kept (httpcache_max_age_days is 30)
    for entry in kept:
        os.utime(entry / "pickled_meta", (weeks_ago, weeks_ago))

    started = time.time()
    second, again, after = crawl(tmp_path, "second", *args, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    assert {r["url"] for r in again} == set(seen_first)  # the same listings, read from the kept pages
    assert after["markwatch/conditional/not_modified"] >= len(again)  # every listing page answered 304
    assert after["markwatch/conditional/sent"] >= after["markwatch/conditional/not_modified"]
    assert not after.get("markwatch/matched_items") and not after.get("markwatch/new_listings")
    assert after["markwatch/match_skipped_unchanged"] == after["markwatch/unchanged_listings"] == len(again)
    assert "unchanged (304 Not Modified)" in second.stderr
    assert not after.get("markwatch/conditional/pruned")
    # a 304 is the page seen: its kept entry is as fresh as one fetched whole (so pruning spares it)
    stale = [e.name for e in kept if (e / "pickled_meta").stat().st_mtime < started - 1]
    assert len(stale) <= len(kept) - after["markwatch/conditional/not_modified"], stale[:5]
    store = open_store(load_config(data_dir=data))
    moved = [url for url, seen in seen_first.items() if store.listing_history(url)[-1].last_seen > seen]
    getattr(store, "close", lambda: None)()
    assert len(moved) == len(seen_first), "an unchanged listing's last_seen must move"


def test_the_http_cache_forgets_pages_not_seen_for_days(tmp_path: Path) -> None:
    """When a crawl starts, kept pages last seen more than ``HTTPCACHE_PRUNE_DAYS`` ago are deleted;
    the others, and everything with pruning off (0), stay."""
    from scrapy import Request, Spider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.conditional import ConditionalRequestMiddleware

    def middleware(days: float) -> tuple[ConditionalRequestMiddleware, Spider]:
        crawler = get_crawler(Spider, {"HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": str(tmp_path / "cache"),
                                       "HTTPCACHE_POLICY": "crawler.conditional.RevalidatePolicy",
                                       "HTTPCACHE_GZIP": True, "HTTPCACHE_PRUNE_DAYS": days})
        return ConditionalRequestMiddleware.from_crawler(crawler), crawler._create_spider("shop")

    keeper, spider = middleware(30)
    keeper.storage.open_spider(spider)
    now = time.time()
    entries = {}
    for n, age_days in enumerate([0, 3, 29, 31, 45, 400]):
        request = Request(f"http://shop.test/item/{n}")
        keeper.storage.store_response(spider, request, HtmlResponse(
            request.url, body=b"<html>x</html>", headers={"ETag": f'"{n}"'}, request=request))
        folder = Path(keeper.storage._get_request_path(spider, request))
        for name in ("pickled_meta", "meta"):
            os.utime(folder / name, (now - age_days * 86400, now - age_days * 86400))
        entries[age_days] = folder

    off, spider_off = middleware(0)
    off.spider_opened(spider_off)  # pruning off: nothing deleted
    assert all(folder.is_dir() for folder in entries.values())

    keeper.spider_opened(spider)
    assert sorted(age for age, folder in entries.items() if folder.is_dir()) == [0, 3, 29]
    assert keeper.stats.get_value("markwatch/conditional/pruned") == 3
    assert keeper.stats.get_value("markwatch/conditional/pruned_bytes") > 0
    request = Request("http://shop.test/item/0")  # a kept page is still found
    assert keeper.storage.retrieve_response(spider, request) is not None


# ---------------------------------------------------------------- platform health
def test_a_captcha_wall_pauses_the_platform_and_nothing_is_lost(market, catalogue_small, tmp_path: Path) -> None:
    walled_before = wall(market, "bazaar")["walled"]
    wall(market, "bazaar", kind="captcha", after=15, **{"for": 3})
    try:  # one request at a time: the three walls come in a row, the probe after the pause gets the page
        proc, found, stats = crawl(tmp_path, "walled", "html", "--platform", "bazaar", "--base-url",
                                   market.urls["bazaar"], *FAST_HEALTH, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                                   "-s", "AUTOTHROTTLE_ENABLED=False")
    finally:
        state = wall(market, "bazaar", kind="off")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert state["walled"] - walled_before == 3 == stats["markwatch/health/wall_captcha"]
    assert stats["markwatch/health/pauses"] == 1
    assert "captcha wall" in proc.stderr and "paused for" in proc.stderr  # one console line says so
    # every walled request was asked again once the wall was down: the whole platform was read
    assert {row["listing_id"] for row in found} == catalogue_small.expected_listing_ids("bazaar")
    from markwatch.health import health_summary

    record = health_summary(stats)
    assert record["state"] == "walled" and record["walls"]["captcha"] == 3 and record["platform"] == "bazaar"


def test_a_wall_that_stays_up_stops_the_crawl_after_a_few_requests(market, tmp_path: Path) -> None:
    walled_before = wall(market, "bazaar")["walled"]
    wall(market, "bazaar", kind="login", after=10)
    try:
        proc, found, stats = crawl(tmp_path, "blocked", "html", "--platform", "bazaar",
                                   "--base-url", market.urls["bazaar"], *FAST_HEALTH)
    finally:
        state = wall(market, "bazaar", kind="off")
    served = state["walled"] - walled_before
    assert proc.returncode == 1
    assert stats["finish_reason"] == "platform_blocked" and stats["markwatch/health/pauses"] == 2
    # the wall went up after 10 requests of a crawl of ~60 pages; the crawler stopped asking soon after:
    # the streak of 3, what was in flight then (at most CONCURRENT_REQUESTS_PER_DOMAIN = 8), one probe per pause
    assert served <= 3 + 8 + 2 * 2, served
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("markwatch crawl: error:") and "walls" in last and "try again later" in last
    assert "health: blocked:" in proc.stderr and "login walls" in proc.stderr


@pytest.mark.browser
def test_a_wall_on_a_rendered_platform_is_seen_in_the_browser(market, tmp_path: Path) -> None:
    """A wall served in place of a JavaScript storefront's page never shows the listing: the browser
    answers it as the wall it is (not a render timeout), so the platform is paused, then stopped."""
    walled_before = wall(market, "storefront")["walled"]
    wall(market, "storefront", kind="captcha", after=2)  # the grid page and its first batch, then walls
    try:
        proc, found, stats = crawl(tmp_path, "rendered-walled", "rendered", "--platform", "storefront",
                                   "--base-url", market.urls["storefront"], *FAST_HEALTH,
                                   "-s", "RENDERED_DATA_FROM=dom", "-s", "RENDERED_PAGE_TIMEOUT=20")
    finally:
        state = wall(market, "storefront", kind="off")
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert stats["finish_reason"] == "platform_blocked" and stats["markwatch/health/pauses"] == 2
    assert stats["markwatch/health/wall_captcha"] >= 3 and state["walled"] > walled_before
    assert not any("TimeoutError" in key for key in stats), sorted(k for k in stats if "Timeout" in k)
    assert found == [] and "captcha wall" in proc.stderr


@pytest.fixture(scope="module")
def catalogue_small():
    from demo_marketplace.catalogue import generate_catalogue

    return generate_catalogue(LISTINGS, SEED, search_only=SEARCH_ONLY)


def test_the_tracker_slows_pauses_recovers_and_stops() -> None:
    """The back-off steps on their own, answer by answer (no network, no clock); every step rests on a
    whole window of answers (10 here), each page counted once."""
    from crawler.health import ERROR, FORBIDDEN, OK, THROTTLED, HealthTracker

    t = HealthTracker("p", window=10, wall_streak=3, slow_delay=1.0, max_delay=8.0, pause=5.0, max_pauses=3)
    assert [t.observe("captcha").action for _ in range(3)] == ["", "", "pause"]
    assert t.paused and t.pauses == 1 and t.delay == 1.0
    assert t.observe("captcha").action == ""  # answers of requests sent before the pause
    t.resumed()
    second = t.observe("captcha")  # the probe meets the wall again: a longer pause
    assert second.action == "pause" and second.seconds == 10.0 and t.delay == 2.0
    t.resumed()
    assert t.observe(OK).message and not t.probing  # the wall is down
    for _ in range(8):
        assert t.observe(OK).action == ""
    assert t.observe(OK).action == "recover" and t.delay == 1.0  # a window of good answers: faster again
    for outcome in [OK, OK, THROTTLED, OK, THROTTLED, OK, OK, THROTTLED, OK]:
        assert t.observe(outcome).action == ""  # not a whole window yet
    decision = t.observe(OK)
    assert decision.action == "slow" and t.delay == 2.0  # 403/429 to over a quarter of the window
    for n, outcome in enumerate([ERROR] * 5 + [OK] * 5):
        decision = t.observe(outcome, f"/broken/{n}")
    assert decision.action == "slow" and t.delay == 4.0  # errors to half the window
    for n in range(10):  # 429s (their Retry-After is waited out elsewhere) slow, never pause
        decision = t.observe(THROTTLED, f"/busy/{n}")
    assert decision.action == "slow" and not t.paused and t.delay == 8.0
    for outcome in [FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK] * 2:  # 403 to most requests: a wall by status
        decision = t.observe(outcome)
    assert decision.action == "pause" and t.pauses == 3 and decision.seconds == 20.0
    t.resumed()
    assert t.observe("login").action == "block" and t.blocked  # still walled after the last pause: stop
    assert t.observe("login").action == ""


def _health_middleware(window: int = 20):  # noqa: ANN202 - (middleware, its tracker, what it decided)
    from scrapy.utils.test import get_crawler

    import crawler.health as health

    crawler = get_crawler(settings_dict={"PLATFORM_HEALTH_WINDOW": window, "PLATFORM_HEALTH_SLOW_DELAY": 1.0,
                                         "AUTOTHROTTLE_MAX_DELAY": 30.0})
    middleware = health.PlatformHealthMiddleware.from_crawler(crawler)
    steps: list[str] = []
    act = middleware._act

    def noted(decision, request):  # noqa: ANN001, ANN202 - record every step the tracker asks for
        if decision.action:
            steps.append(f"{decision.action} {decision.seconds:g}")
        return act(decision, request)

    middleware._act = noted
    return middleware, middleware.tracker, steps


def _answer(middleware, url: str, status: int, tries: int = 0, waits: int = 0) -> None:  # noqa: ANN001
    """One answer through the middleware, as the retry middleware's ``tries``-th retry (or ``waits``-th
    Retry-After wait) of ``url`` would bring it."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    meta = {**({"retry_times": tries} if tries else {}), **({"retry_after_times": waits} if waits else {})}
    request = Request(url, meta=meta)
    body = b"<html><body><h1>ok</h1></body></html>" if status == 200 else b"error"
    middleware.process_response(request, HtmlResponse(url, status=status, body=body, request=request))


def test_a_few_deliberately_broken_pages_never_slow_the_platform() -> None:
    """The demo's deliberate 500s (3 % of its pages, each failing again on its three retries) and a
    few pages kept waiting with 429 + Retry-After: every page's repeats are its own retries' business,
    counted once, and no step is taken on the few answers after a step (a crawl near its end)."""
    middleware, tracker, steps = _health_middleware()
    base = "http://shop.test/item/"
    retries: list[tuple[int, str, int, int, int]] = []  # (due at answer n, url, status, tries, waits)
    n = 0
    for page in range(600):
        url = f"{base}{page}"
        if page in (1, 4, 97, 194, 291, 388, 485, 582):  # kept waiting: 429 four times, then the page
            _answer(middleware, url, 429)
            retries += [(n + k, url, 429, 0, k) for k in (1, 2, 3)] + [(n + 4, url, 200, 0, 4)]
        elif page % 33 == 0:  # broken for good: 500 now and on each of its retries, a few answers later
            _answer(middleware, url, 500)
            retries += [(n + 3 * k, url, 500, k, 0) for k in (1, 2, 3)]
        else:
            _answer(middleware, url, 200)
        n += 1
        for due in sorted(r for r in retries if r[0] <= n):
            retries.remove(due)
            _answer(middleware, *due[1:])
    # the end of the crawl: the last first attempts, three of them broken, then only their retries
    for page, status in enumerate([200, 500, 200, 500, 500, 200]):
        _answer(middleware, f"{base}tail-{page}", status)
    for page in (1, 3, 4):
        for tries in (1, 2, 3):
            _answer(middleware, f"{base}tail-{page}", 500, tries=tries)
    for _, *rest in sorted(retries):
        _answer(middleware, *rest)
    assert steps == [] and tracker.delay == 0.0, steps


def test_a_slowed_platform_recovers_though_a_broken_page_stays_broken() -> None:
    """A platform failing half its pages is slowed; once it answers again, each mostly good window
    halves the floor, back to the usual pace, though one page in each window is broken for good."""
    middleware, tracker, steps = _health_middleware(window=10)
    base = "http://shop.test/p/"
    for page in range(20):  # two windows with most pages failing: two steps down
        _answer(middleware, f"{base}{page}", 500 if page % 3 else 200)
    assert steps == ["slow 1", "slow 2"] and tracker.delay == 2.0
    for page in range(20, 60):  # healthy again, but for one broken page (and its retries) per window
        broken = page % 10 == 0
        _answer(middleware, f"{base}{page}", 500 if broken else 200)
        if broken:
            _answer(middleware, f"{base}{page}", 500, tries=1)  # not counted: that page failing again
    assert steps == ["slow 1", "slow 2", "recover 1", "recover 0.5", "recover 0.25", "recover 0"], steps
    assert tracker.delay == 0.0


def test_walls_are_told_from_real_shop_pages() -> None:
    """Real product pages carry login boxes and captcha scripts too; only the demo's walls are walls."""
    from scrapy.http import HtmlResponse

    from crawler.health import wall_kind
    from demo_marketplace.walls import CAPTCHA_PAGE, LOGIN_PAGE

    pages = sorted((Path(__file__).resolve().parents[1] / ".." / "shared" / "realpages" / "pages").glob("*.html"))
    assert len(pages) >= 20
    taken = [p.name for p in pages if wall_kind(HtmlResponse(url="http://shop.test/", body=p.read_bytes(), encoding="utf-8"))]
    assert taken == []
    assert wall_kind(HtmlResponse(url="http://shop.test/", body=CAPTCHA_PAGE.encode(), encoding="utf-8")) == "captcha"
    assert wall_kind(HtmlResponse(url="http://shop.test/", body=LOGIN_PAGE.encode(), encoding="utf-8")) == "login"
