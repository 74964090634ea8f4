"""Crawls on the leased request queue (crawler/queue/, CONTRACTS §12), as users run them: real
``markwatch crawl`` processes against the real demo marketplace, a real redis-server, real SIGKILLs.

- three workers on Redis crawl the bazaar together: the union of their outputs is exactly
  the listings a correct crawl finds, none twice, and no page fetched twice;
- one of two workers SIGKILLed mid-crawl (when its output shows progress, not after a fixed time): its
  leases run out, the other does those requests, nothing is lost, only its requests in flight repeated;
- a single-process crawl (``--resume DIR``, no Redis) into a lead store, SIGKILLed at three moments
  and resumed: nothing lost from the output nor from the store (a request is acknowledged only once
  the store batch holding its listings is committed), at most the requests in flight (leased) at
  each kill fetched again;
- a worker whose Redis is stopped mid-crawl (a private redis-server with an append-only file) says
  so in one console line, waits, and carries on once Redis is started again on the same port and
  directory: nothing lost, no lease ran out, its requests in flight meanwhile not repeated;
- a ``Retry-After`` answer is a delayed entry with its due time in the queue (no sleep in the
  downloader), and it survives a kill: the resumed crawl asks again when it is due.

The marketplace is this module's own (400 listings: the bazaar part crawls in a few seconds, and its
``/__hits`` counts only these tests).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from loopback_site import QuietHandler, serving

LISTINGS, SEED = 400, 7
QUIET = ["-s", "PLATFORM_HEALTH_ENABLED=False", "-s", "PROGRESS_INTERVAL=0"]
"""The demo's broken pages are broken on purpose: no platform back-off in these crawls."""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from demo_marketplace.process import start_marketplace

    market = start_marketplace(listings=LISTINGS, seed=SEED, api_rate=0,
                               labels_out=tmp_path_factory.mktemp("shop") / "labels.jsonl")
    try:
        yield market
    finally:
        market.stop()


@pytest.fixture(scope="module")
def expected() -> set[str]:
    from demo_marketplace.catalogue import generate_catalogue

    return generate_catalogue(LISTINGS, SEED).expected_listing_ids("bazaar")


@pytest.fixture(scope="module")
def fetched_once(shop: Any) -> set[str]:
    """Detail paths a crawl fetches exactly once when nothing goes wrong (pages served whole, not 500s)."""
    rows = [json.loads(line) for line in Path(shop.labels_path).read_text(encoding="utf-8").splitlines() if line]
    base = shop.urls["bazaar"]
    return {row["url"].removeprefix(base) for row in rows if row["platform"] == "bazaar"
            and row["served_as"] in ("ok", "missing_price", "mojibake", "truncated")}


def hits(shop: Any) -> Counter[str]:
    with urllib.request.urlopen(shop.urls["bazaar"] + "/__hits", timeout=10) as answer:
        return Counter(json.load(answer))


def worker(shop: Any, output: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``markwatch crawl html --platform bazaar`` writing ``output``, with ``extra`` options."""
    return subprocess.Popen(
        [sys.executable, "-m", "markwatch.cli", "crawl", "html", "--platform", "bazaar",
         "--start-url", shop.urls["bazaar"] + "/", "--output", str(output),
         "--stats-json", str(output.with_suffix(".stats.json")), *QUIET, *extra],
        cwd=output.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env} if env else None)


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        pytest.fail(f"crawl did not end in {timeout} s: {err[-3000:]}")
    assert proc.returncode == 0, err[-4000:]
    return err


def read_ids(path: Path) -> list[str]:
    """Listing ids in a JSON Lines output; a killed writer's last line may be cut short (skipped)."""
    if not path.exists():
        return []
    ids = []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.endswith("\n"):
            ids.append(json.loads(line)["listing_id"])
    return ids


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the crawl ended before {what}: {proc.stderr.read()[-3000:] if proc.stderr else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.02)


def repeats(before: Counter[str], after: Counter[str], paths: set[str]) -> int:
    """Fetches of ``paths`` beyond the first, between two /__hits snapshots."""
    return sum(max(0, after[p] - before[p] - 1) for p in paths)


def test_workers_on_redis_crawl_together_without_duplicates(shop, expected, fetched_once, redis_url,
                                                            tmp_path: Path) -> None:
    # three workers (each pair of them racing for the same entries); two run side by side in
    # test_a_worker_killed_mid_crawl_loses_nothing, and one alone in the resume tests
    workers = 3
    before = hits(shop)
    outputs = [tmp_path / f"worker-{i}.jsonl" for i in range(workers)]
    # a short delay between requests makes the crawl outlast the workers' staggered starts: without it, on a busy
    # machine the first worker had crawled all 173 listings before the other two interpreters were up
    pace = ["-s", "DOWNLOAD_DELAY=0.03", "-s", "RANDOMIZE_DOWNLOAD_DELAY=False"]
    procs = [worker(shop, out, "--redis", redis_url, *pace) for out in outputs]
    for proc in procs:
        finish(proc)
    per_worker = [read_ids(out) for out in outputs]
    union = [i for ids in per_worker for i in ids]
    assert set(union) == expected, (sorted(expected - set(union))[:10], sorted(set(union) - expected)[:10])
    assert len(union) == len(set(union)), "a listing was written twice with no worker killed"
    assert sum(1 for ids in per_worker if ids) >= 2, [len(ids) for ids in per_worker]  # the work was shared
    after = hits(shop)
    assert repeats(before, after, fetched_once) == 0  # no page done twice
    assert all(after[p] > before[p] for p in fetched_once)


def test_a_worker_killed_mid_crawl_loses_nothing(shop, expected, fetched_once, redis_url, tmp_path: Path) -> None:
    from crawler.queue.backend import job_key
    from crawler.queue.redis_backend import RedisBackend

    before = hits(shop)

    outputs = [tmp_path / f"worker-{i}.jsonl" for i in range(2)]
    lease = ["--redis", redis_url, "-s", "QUEUE_LEASE_SECONDS=3"]
    victim, victim_out = worker(shop, outputs[0], *lease), outputs[0]
    # the second worker starts once the victim is crawling: started together, a slow start of the
    # victim's interpreter could leave the whole queue to the other before it wrote 15 listings
    wait_for(lambda: lines(victim_out) >= 1, victim, "a first listing from the first worker")
    procs = [victim, worker(shop, outputs[1], *lease)]
    wait_for(lambda: lines(victim_out) >= 15, victim, "15 listings from the first worker")  # mid-crawl
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    for proc in procs[1:]:
        finish(proc)
    queue = RedisBackend(redis_url, job_key("html", "bazaar", [shop.urls["bazaar"] + "/"], shop.urls["bazaar"] + "/", None))
    in_flight = queue.stats().get("requeued", 0)  # the killed worker's leases that ran out and came back
    assert in_flight >= 1, "the worker held no lease when it was killed: the kill came too late to test anything"
    assert queue.counts().pending == 0
    queue.close()
    union = [i for out in outputs for i in read_ids(out)]
    assert set(union) == expected, sorted(expected - set(union))[:10]  # nothing lost
    duplicates = len(union) - len(set(union))
    assert duplicates <= in_flight  # only what the killed worker had in flight may be written twice
    assert repeats(before, hits(shop), fetched_once) <= in_flight  # …or fetched twice


def stored_ids(data: Path) -> list[str]:
    """Listing ids in the lead store of ``data`` (the embedded SQLite store, read-only)."""
    from index import STORE_FILE

    with sqlite3.connect(f"file:{data / STORE_FILE}?mode=ro", uri=True) as db:
        return [json.loads(body)["listing_id"] for (body,) in db.execute("SELECT body FROM listings")]


def test_single_process_crawl_killed_three_times_and_resumed_loses_nothing(shop, expected, fetched_once,
                                                                          tmp_path: Path) -> None:
    from crawler.queue.sqlite_backend import DB_FILE

    state, output, data = tmp_path / "state", tmp_path / "bazaar.jsonl", tmp_path / "data"
    # into a store, in batches of 100 listings that wait up to a minute: every kill lands with a batch
    # gathered and not yet written, whose requests must not have been acknowledged
    store = {"MARKWATCH_STORE_ENABLED": "1", "MARKWATCH_DATA_DIR": str(data), "MARKWATCH_IMAGE_HASH_ENABLED": "0",
             "MARKWATCH_CONDITIONAL_REQUESTS": "0", "MARKWATCH_STORE_BATCH_SIZE": "20",
             "MARKWATCH_STORE_BATCH_SECONDS": "60"}
    before = hits(shop)
    in_flight = 0
    for share in (0.02, 0.35, 0.7):  # early, a third in, two thirds in
        proc = worker(shop, output, "--resume", str(state), env=store)
        target = max(1, int(len(expected) * share))
        wait_for(lambda: lines(output) >= target, proc, f"{target} listings in the output")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with sqlite3.connect(state / DB_FILE) as db:  # what the dead process had leased (in flight)
            in_flight += db.execute("SELECT COUNT(*) FROM entry WHERE state = 'leased'").fetchone()[0]
    err = finish(worker(shop, output, "--resume", str(state), env=store))
    assert "finish reason: finished" in err
    ids = read_ids(output)
    assert set(ids) == expected, sorted(expected - set(ids))[:10]  # 0 listings lost
    assert len(ids) - len(set(ids)) <= in_flight
    assert repeats(before, hits(shop), fetched_once) <= in_flight  # only requests in flight fetched again
    in_store = stored_ids(data)  # what an unkilled crawl stores: every listing it finds, once
    assert set(in_store) == expected, (len(expected - set(in_store)), sorted(expected - set(in_store))[:10])
    assert len(in_store) == len(set(in_store))


def test_a_worker_waits_out_a_redis_outage_and_loses_nothing(shop, expected, tmp_path: Path) -> None:
    from crawler.queue.backend import job_key
    from crawler.queue.redis_backend import RedisBackend
    from redis_fixture import start_redis

    folder = tmp_path / "redis"
    folder.mkdir()
    server = start_redis(folder, persist=True)
    output = tmp_path / "worker.jsonl"
    # leases of 10 minutes: the outage plus a restart of redis-server on a loaded host must not outlast them
    # (one ran out once in a clean-clone CI), so a requeue below can only mean a lease the worker dropped
    proc = worker(shop, output, "--redis", server.url(), "-s", "QUEUE_OUTAGE_BACKOFF_MAX=1",
                  env={"MARKWATCH_CRAWL_LEASE_SECONDS": "600"})
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(proc.stderr), daemon=True)  # type: ignore[arg-type]
    reader.start()
    try:
        wait_for(lambda: lines(output) >= 20, proc, "20 listings before Redis stops")  # mid-crawl
        server.proc.terminate()  # redis-server stopped (its append-only file keeps every key)
        server.proc.wait(timeout=30)
        wait_for(lambda: any("cannot be reached" in line for line in said), proc, "the worker noticing")
        server = start_redis(folder, port=server.port, persist=True)  # started again: same port, same dir
        proc.wait(timeout=240)
        reader.join(timeout=30)
        assert proc.returncode == 0, "".join(said)[-4000:]
        console = [line for line in said if "queue:" in line]
        away = [line for line in console if "cannot be reached" in line]
        back = [line for line in console if "answers again" in line]
        assert len(away) == 1 and "waits and asks again" in away[0], console  # one line says so
        assert len(back) == 1 and "ran out" not in back[0], console  # …and one that it carries on
        ids = read_ids(output)
        assert set(ids) == expected, sorted(expected - set(ids))[:10]  # nothing lost
        stats = json.loads(output.with_suffix(".stats.json").read_text())
        assert stats["markwatch/queue/outages"] == 1 and stats["markwatch/queue/outage_seconds"] > 0
        assert len(ids) - len(set(ids)) <= stats.get("markwatch/queue/claims_unchecked", 0)
        queue = RedisBackend(server.url(), job_key("html", "bazaar", [shop.urls["bazaar"] + "/"],
                                                   shop.urls["bazaar"] + "/", None))
        job = queue.stats()
        queue.close()
        assert job.get("requeued", 0) == 0  # every lease survived the restart: none ran out, none redone
        assert job["acked"] == job["pushed"] and job.get("late_acks", 0) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        server.proc.terminate()
        server.proc.wait(timeout=30)


PRODUCT_PAGE = """<!doctype html><html><head><title>茅台</title><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Product", "name": "贵州茅台 飞天 53度", "sku": "mt-1",
 "offers": {"@type": "Offer", "price": "1499", "priceCurrency": "CNY"}}</script></head>
<body><h1>贵州茅台 飞天 53度</h1></body></html>"""


class _Throttling(QuietHandler):
    """``/``: 429 with ``Retry-After: 3`` the first time, then a product page."""

    asked: list[float]

    def do_GET(self) -> None:  # noqa: N802
        if self.path != "/":
            self.answer(404, "text/plain", b"")
            return
        self.asked.append(time.time())
        if len(self.asked) == 1:
            self.answer(429, "text/plain", b"slow down", {"Retry-After": "3"})
        else:
            self.answer(200, "text/html; charset=utf-8", PRODUCT_PAGE)


def test_retry_after_is_a_delayed_entry_that_survives_a_kill(tmp_path: Path) -> None:
    from crawler.queue.sqlite_backend import DB_FILE

    asked: list[float] = []
    with serving(type("H", (_Throttling,), {"asked": asked})) as site:
        state, output = tmp_path / "state", tmp_path / "shop.jsonl"
        command = [sys.executable, "-m", "markwatch.cli", "crawl", "schemaorg", "--start-url", site + "/",
                   "--resume", str(state), "--output", str(output), *QUIET, "-s", "AUTOTHROTTLE_ENABLED=False"]
        proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def entries(which: str) -> list[tuple[float]]:
            if not (state / DB_FILE).exists():
                return []
            try:
                with sqlite3.connect(f"file:{state / DB_FILE}?mode=ro", uri=True) as db:
                    return db.execute("SELECT due FROM entry WHERE state = ?", (which,)).fetchall()
            except sqlite3.OperationalError:  # the crawl is still creating its tables
                return []

        def delayed() -> list[tuple[float]]:
            return entries("delayed")

        # kill once the 429's request is acknowledged and only its delayed retry is left: a kill between
        # the two is a request in flight, fetched again at once by the resumed crawl (at least once)
        wait_for(lambda: bool(delayed()) and not entries("leased"), proc, "only a delayed entry in the queue")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        (due,), = delayed()  # kept, with its due time: 3 s after the 429
        assert asked[0] + 2.5 <= due <= asked[0] + 4.0, (due - asked[0])
        assert len(asked) == 1
        err = finish(subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                      text=True), timeout=120)
    assert len(asked) == 2 and asked[1] >= due - 0.05, (asked, due)  # asked again when due, not before
    assert [json.loads(line)["title"] for line in output.read_text(encoding="utf-8").splitlines()] == ["贵州茅台 飞天 53度"]
    assert "finish reason: finished" in err
