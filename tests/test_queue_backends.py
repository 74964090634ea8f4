"""The leased request queue's two backends (crawler/queue/): a real redis-server and a real SQLite
file, driven with explicit clock values (no sleeps): pushes, the seen-set and the page budget,
leases that run out and come back, late acknowledgements, delayed entries, listing claims, resume."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from crawler.queue.backend import Pushed
from crawler.queue.redis_backend import RedisBackend
from crawler.queue.sqlite_backend import QueueLockedError, SqliteBackend

LEASE = 10.0


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    if request.param == "sqlite":
        queue = SqliteBackend(tmp_path / "job", worker="A")
    else:
        queue = RedisBackend(request.getfixturevalue("redis_url"), "test:job", worker="A")
    assert queue.begin(0.0)
    yield queue
    queue.close()


def test_seen_set_and_shared_page_budget(backend) -> None:
    assert backend.push("fp-a", b"a", 0, now=1.0, budgeted=True, budget=2) is Pushed.QUEUED
    assert backend.push("fp-a", b"a again", 0, now=1.0, budgeted=True, budget=2) is Pushed.SEEN
    assert backend.push(None, b"retry of a", 0, now=1.0) is Pushed.QUEUED  # dont_filter: never filtered
    assert backend.push("fp-b", b"b", 0, now=1.0, budgeted=True, budget=2) is Pushed.QUEUED
    assert backend.push("fp-c", b"c", 0, now=1.0, budgeted=True, budget=2) is Pushed.OVER_BUDGET
    assert backend.budget_used() == 2
    # a request refused for the budget is not marked seen: outside the budget it is queued
    assert backend.push("fp-c", b"c", 0, now=1.0) is Pushed.QUEUED
    assert backend.counts().ready == 4


def test_priority_first_then_newest(backend) -> None:
    for payload, priority in ((b"old", 0), (b"new", 0), (b"urgent", 5), (b"recheck", -2)):
        backend.push(payload.decode(), payload, priority, now=0.0)
    order = [backend.take(now=1.0, lease_seconds=LEASE).payload for _ in range(4)]
    assert order == [b"urgent", b"new", b"old", b"recheck"]
    assert backend.take(now=1.0, lease_seconds=LEASE) is None


def test_a_lease_is_kept_until_acknowledged_and_extended_by_the_heartbeat(backend) -> None:
    backend.push("fp", b"page", 0, now=0.0)
    taken = backend.take(now=1.0, lease_seconds=LEASE)
    assert taken is not None and taken.payload == b"page"
    assert backend.counts().leased == 1 and backend.take(now=2.0, lease_seconds=LEASE) is None
    assert backend.extend([taken.entry], now=9.0, lease_seconds=LEASE) == []  # deadline now 19
    assert backend.take(now=15.0, lease_seconds=LEASE) is None  # still ours: not put back
    assert backend.ack([taken.entry]) == 0
    assert backend.counts().pending == 0
    assert backend.finish(now=20.0)


def test_delayed_entry_waits_for_its_due_time(backend) -> None:
    backend.push(None, b"throttled", 0, now=100.0, delay=30.0)
    assert backend.counts().delayed == 1 and backend.next_due() == pytest.approx(130.0)
    assert backend.take(now=129.0, lease_seconds=LEASE) is None
    assert not backend.finish(now=129.0)  # a delayed entry is pending work
    taken = backend.take(now=130.5, lease_seconds=LEASE)
    assert taken is not None and taken.payload == b"throttled"


def test_listing_claims(backend) -> None:
    assert backend.claim_listing("http://shop/item/1", "7")
    assert not backend.claim_listing("http://shop/item/1", "8")  # another request: a duplicate
    assert backend.claim_listing("http://shop/item/1", "7")  # the same request done again after a kill
    assert backend.claim_listing("http://shop/item/2", "")
    assert not backend.claim_listing("http://shop/item/2", "")  # origin unknown: first come only


def test_release_puts_leases_back_first(backend) -> None:
    backend.push("a", b"a", 0, now=0.0)
    backend.push("b", b"b", 0, now=0.0)
    first = backend.take(now=1.0, lease_seconds=LEASE)
    backend.release([first.entry])
    assert backend.counts().leased == 0 and backend.counts().ready == 2
    assert backend.take(now=1.0, lease_seconds=LEASE).entry == first.entry  # same entry, same place


def test_redis_a_dead_workers_lease_runs_out_and_another_takes_it(redis_url: str) -> None:
    a = RedisBackend(redis_url, "test:two", worker="A")
    b = RedisBackend(redis_url, "test:two", worker="B")
    assert a.begin(0.0) and b.begin(0.0)
    a.push("fp", b"page", 0, now=0.0)
    held = a.take(now=1.0, lease_seconds=LEASE)
    assert a.leases_of("A") == [held.entry]
    assert b.take(now=5.0, lease_seconds=LEASE) is None  # A's lease holds (deadline 11)
    again = b.take(now=11.5, lease_seconds=LEASE)  # A stopped extending it: it came back, B has it
    assert again is not None and again.entry == held.entry and again.payload == b"page"
    assert b.stats()["requeued"] == 1
    assert a.extend([held.entry], now=12.0, lease_seconds=LEASE) == [held.entry]  # A learns it lost it
    assert a.ack([held.entry]) == 1  # A was only slow: its late ack leaves B's lease alone
    assert b.counts().leased == 1
    assert b.ack([again.entry]) == 0 and b.counts().pending == 0
    assert b.finish(now=13.0)
    late = RedisBackend(redis_url, "test:two", worker="C", finished_ttl=600)
    assert not late.begin(14.0)  # a worker started just after the end has nothing to do
    assert 0 < late.server.ttl(late.keys["seen"]) <= 600  # and the finished crawl is forgotten later
    for queue in (a, b, late):
        queue.close()


def test_sqlite_resume_takes_back_the_dead_process_leases(tmp_path: Path) -> None:
    first = SqliteBackend(tmp_path / "job", worker="run-1")
    first.begin(0.0)
    first.push("a", b"a", 0, now=0.0)
    first.push("b", b"b", 0, now=0.0)
    in_flight = first.take(now=1.0, lease_seconds=LEASE)
    with pytest.raises(QueueLockedError, match="is using"):
        SqliteBackend(tmp_path / "job", worker="run-2")  # one crawl per directory at a time
    first.close()  # the process is gone (a SIGKILL closes its files and drops the lock too)
    second = SqliteBackend(tmp_path / "job", worker="run-2")
    assert second.begin(2.0)
    assert second.counts().ready == 2 and second.counts().leased == 0
    assert second.stats()["requeued"] == 1
    assert second.push("a", b"a", 0, now=2.0) is Pushed.SEEN  # the seen-set survived
    assert in_flight.entry in {second.take(now=3.0, lease_seconds=LEASE).entry for _ in range(2)}
    second.close()


def test_sqlite_a_finished_crawl_run_again_starts_anew(tmp_path: Path) -> None:
    first = SqliteBackend(tmp_path / "job")
    first.begin(0.0)
    first.push("a", b"a", 0, now=0.0)
    first.ack([first.take(now=1.0, lease_seconds=LEASE).entry])
    assert first.finish(now=2.0)
    first.close()
    again = SqliteBackend(tmp_path / "job")
    assert again.begin(3.0)
    assert again.push("a", b"a", 0, now=3.0) is Pushed.QUEUED  # the next crawl fetches it again
    again.close()


def test_a_take_whose_answer_was_lost_in_an_outage_is_put_back_when_redis_answers(redis_url: str) -> None:
    """Redis carried out a take as the connection broke and its answer never came: the entry is leased
    to this worker, which does not know of it. When the server answers again the scheduler puts it
    back, so it is crawled now instead of after its whole lease (the crawl looked finished meanwhile)."""
    from scrapy import Request, Spider
    from scrapy.utils.test import get_crawler

    from crawler.queue.backend import QueueUnavailable
    from crawler.queue.scheduler import LeasedScheduler

    crawler = get_crawler(Spider, {"QUEUE_LEASE_SECONDS": 600})
    scheduler = LeasedScheduler.from_crawler(crawler)
    # joined as open() joins, without an engine (there is no crawl running here to ask what is in flight)
    scheduler.spider = Spider(name="lost-take")
    scheduler.backend = RedisBackend(redis_url, "test:lost-take")
    scheduler.joined = scheduler.backend.begin(scheduler.backend.clock())
    try:
        assert scheduler.enqueue_request(Request("http://127.0.0.1:9/a"))
        backend = scheduler.backend
        # the take that reached the server, under this worker's name, whose answer was lost …
        lost = RedisBackend(redis_url, "test:lost-take", worker=backend.worker)
        taken = lost.take(lost.clock(), 600)
        lost.close()
        assert taken is not None and backend.counts().ready == 0
        scheduler._went_away(QueueUnavailable("Redis cannot be reached (connection reset)"))  # … as it saw it
        scheduler.outage.next_try = 0.0  # due: ask again now
        request = scheduler.next_request()
        assert request is not None and request.url == "http://127.0.0.1:9/a"  # put back and taken again
        assert scheduler.outage is None
        assert crawler.stats.get_value("markwatch/queue/unanswered_takes") == 1
        assert backend.stats().get("requeued", 0) == 0  # not by the lease running out
    finally:
        scheduler.close("shutdown")
