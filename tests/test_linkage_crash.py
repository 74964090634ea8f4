"""A notice and everything that goes with it are one transaction, and the feed loses nothing.

- SIGKILL in the middle of ``create_due_notices`` (inside a notice's transaction, after its row,
  items and outbox row were written, before its clues and the leads' step): afterwards there is no
  notice without its outbox row, no notified lead without its notice, no lead of the cut notice
  moved; running again puts every lead into exactly one notice.
- A reader following ``after_seq`` while another process (and another thread) creates notices sees
  every notice exactly once, in order.

Real processes on a real SQLite file; the child announces where it is on stdout and the parent
waits for that line, never for a clock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import feeds.notices  # noqa: F401
from index.sqlite_store import SQLiteStore
from index.store import lead_id

ROOT = Path(__file__).resolve().parents[1]
RIGHTS = [{"id": "tm-nike", "kind": "trademark", "name": "NIKE", "holder": "Nike"}]
NOW = "2026-11-26T03:00:00Z"
GROUPS = 6

CHILD = """
import sys, time
from index.sqlite_store import SQLiteStore
from feeds.notices import NoticeComposer

class Stalling(NoticeComposer):
    seen = 0
    def route_clues(self, draft, offices):   # runs inside the notice's transaction
        Stalling.seen += 1
        print("inside", draft.notice_id, flush=True)
        if Stalling.seen == int(sys.argv[2]):
            time.sleep(600)
        return super().route_clues(draft, offices)

store = SQLiteStore(sys.argv[1])
store.linkage.create_due_notices(sys.argv[3], 0, composer=Stalling())
print("done", flush=True)
"""


def make_lead(n: int, platform: str) -> dict:
    url = f"https://{platform}.example/item/{n}"
    return {"url": url, "right_id": "tm-nike", "score": 0.9, "reasons": ["mark"], "ship_from_province": "江苏省",
            "listing": {"url": url, "platform": platform, "title": f"耐克 {n}", "seller_name": "店", "seller_id": "s"}}


def prepared_store(path: Path) -> list[str]:
    """GROUPS platforms with webhooks, two confirmed leads each, and an office for Jiangsu."""
    with SQLiteStore(path) as store:
        store.put_rights(RIGHTS)
        leads = [make_lead(n, f"p{n % GROUPS}") for n in range(2 * GROUPS)]
        store.add_leads(leads)
        ids = [lead_id(x["url"], "tm-nike") for x in leads]
        store.transition(ids, "confirmed", "analyst", at="2026-11-26T02:00:00Z")
        for g in range(GROUPS):
            store.linkage.add_platform(f"p{g}", f"http://127.0.0.1:9/p{g}")
        store.linkage.add_office("江苏局", ["江苏省"], "http://127.0.0.1:9/js")
    return ids


def check_consistent(store: SQLiteStore, ids: list[str]) -> dict[str, list[str]]:
    """Every notice has its outbox row and clue; notified ⇔ in a notice. Returns notice → leads."""
    linkage = store.linkage
    in_notice: dict[str, list[str]] = {}
    for notice in linkage.notices(limit=0):
        in_notice[notice["id"]] = [x["lead_id"] for x in notice["listings"]]
        deliveries = linkage.deliveries_of(notice["id"])
        assert [d.kind for d in deliveries] == ["platform"], notice["id"]
        clues = [doc for _, doc in linkage.feed("office", "江苏局", 0, 1000) if doc["notice_id"] == notice["id"]]
        assert len(clues) == 1 and len(linkage.deliveries_of(clues[0]["id"])) == 1
    noticed = [i for leads in in_notice.values() for i in leads]
    assert len(noticed) == len(set(noticed)), "a lead is in two notices"
    for i in ids:
        status = store.get(i).status
        assert (status == "notified") == (i in noticed), (i, status)
    return in_notice


def test_sigkill_inside_a_notice_transaction_leaves_all_or_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    ids = prepared_store(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), "3", NOW], stdout=subprocess.PIPE,
                             text=True, env=env, cwd=tmp_path)
    try:
        inside = [child.stdout.readline().split()[-1] for _ in range(3)]  # blocks until the child says so
        assert inside == ["ntc-0000001", "ntc-0000003", "ntc-0000005"]   # a clue takes every other seq
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()

    with SQLiteStore(path) as store:
        in_notice = check_consistent(store, ids)
        assert sorted(in_notice) == ["ntc-0000001", "ntc-0000003"]  # the third rolled back whole
        assert len([i for i in ids if store.get(i).status == "confirmed"]) == len(ids) - 4
        assert len(store.linkage.due_deliveries(NOW, limit=100)) == 4  # 2 notices + 2 clues
        store.linkage.create_due_notices(NOW, 0)
        in_notice = check_consistent(store, ids)
        assert len(in_notice) == GROUPS and {store.get(i).status for i in ids} == {"notified"}


WRITER = """
import sys
from index.sqlite_store import SQLiteStore
import feeds.notices
store = SQLiteStore(sys.argv[1])
for n in range(int(sys.argv[2])):
    url = f"https://bazaar.example/w/{n}"
    store.add_leads([{"url": url, "right_id": "tm-nike", "score": 0.9, "reasons": ["m"],
                      "listing": {"url": url, "platform": "bazaar", "title": "耐克"}}])
    from index.store import lead_id
    store.transition([lead_id(url, "tm-nike")], "confirmed", "a", at="2026-11-26T02:00:00Z")
    store.linkage.create_due_notices("2026-11-26T03:00:00Z", 0)
print("done", flush=True)
"""


def follow(linkage, expected: int, limit: int, alive) -> tuple[list[str], int]:
    """Follow the bazaar feed from the start until ``expected`` notices were seen (or the writer is
    gone and the feed is drained). Returns the ids in the order read and how many pages were read."""
    seen: list[str] = []
    after, pages = 0, 0
    deadline = time.monotonic() + 300  # generous: only a hung writer gets here
    while len(seen) < expected and time.monotonic() < deadline:
        page = linkage.feed("platform", "bazaar", after, limit)
        if page:
            pages += 1
            seen += [doc["id"] for _, doc in page]
            after = page[-1][0]
        elif not alive():
            if not linkage.feed("platform", "bazaar", after, limit):
                break
        else:
            time.sleep(0.005)
    return seen, pages


def test_a_reader_following_the_feed_while_another_process_writes_misses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with SQLiteStore(path) as store:
        store.put_rights(RIGHTS)
    count = 40
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(count)], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    try:
        with SQLiteStore(path) as reader:
            seen, pages = follow(reader.linkage, count, 3, lambda: writer.poll() is None)
            assert writer.wait(timeout=300) == 0
            everything = [n["id"] for n in reversed(reader.linkage.notices(platform="bazaar", limit=0))]
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.stdout.close()
    assert len(everything) == count
    assert seen == everything  # nothing skipped, nothing doubled, oldest first
    assert pages >= count // 3


def test_a_reader_thread_and_a_writer_thread_on_one_store(tmp_path: Path) -> None:
    count = 30
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        store.put_rights(RIGHTS)

        def write() -> None:
            for n in range(count):
                store.add_leads([make_lead(n, "bazaar")])
                store.transition([lead_id(f"https://bazaar.example/item/{n}", "tm-nike")], "confirmed", "a",
                                 at="2026-11-26T02:00:00Z")
                store.linkage.create_due_notices(NOW, 0)

        writer = threading.Thread(target=write)
        writer.start()
        seen, _ = follow(store.linkage, count, 4, writer.is_alive)
        writer.join(timeout=300)
        assert not writer.is_alive()
        assert seen == [n["id"] for n in reversed(store.linkage.notices(limit=0))] and len(seen) == count


@pytest.mark.parametrize("max_listings", [300])
def test_the_default_chunk_is_300_listings(tmp_path: Path, max_listings: int) -> None:
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        store.put_rights(RIGHTS)
        leads = [make_lead(n, "bazaar") for n in range(2 * max_listings + 1)]
        store.add_leads(leads)
        store.transition([lead_id(x["url"], "tm-nike") for x in leads], "confirmed", "a", at="2026-11-26T02:00:00Z")
        made = store.linkage.create_due_notices(NOW, 60)  # the default max_listings
        assert [len(store.linkage.notice(i)["listings"]) for i in made] == [300, 300, 1]


def test_two_writers_creating_notices_at_once_never_notice_a_lead_twice(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    ids = prepared_store(path)
    stores = [SQLiteStore(path), SQLiteStore(path)]  # two connections, as two serve processes would have
    made: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    errors: list[BaseException] = []

    def create(n: int) -> None:
        start.wait()
        try:
            made[n] = stores[n].linkage.create_due_notices(NOW, 0)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    try:
        assert errors == []
        assert sorted(made[0] + made[1]) == sorted(set(made[0] + made[1]))
        in_notice = check_consistent(stores[0], ids)
        assert len(in_notice) == GROUPS and len(made[0]) + len(made[1]) == GROUPS
    finally:
        for store in stores:
            store.close()
