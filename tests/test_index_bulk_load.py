"""A bulk load that defers the lead indexes (index.sqlite_store.defers_indexes): killed while they
are dropped, the store opens whole with its indexes and loses or doubles nothing; readers during a
load get the answers the indexes give; the rule decides which loads defer.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import sqlean
from test_store_crash import N, finish, index, leads_file, left_behind, snapshot

from index import sqlite_schema, sqlite_store
from index.sqlite_schema import LEAD_INDEXES, LoadLock, missing_lead_indexes
from index.sqlite_store import SQLiteStore
from index.sqlite_write import prepare_ahead
from index.store import SearchQuery


def read_only(data: Path) -> sqlean.Connection:
    return sqlean.connect(f"file:{data / 'store.sqlite'}?mode=ro", uri=True, timeout=30)


def stored_leads(data: Path) -> int:
    """Leads committed so far, read without writing (and without the schema check of opening)."""
    if not (data / "store.sqlite").exists():
        return 0
    db = read_only(data)
    try:
        return db.execute("SELECT count(*) FROM leads").fetchone()[0]
    except sqlean.OperationalError:  # no schema yet
        return 0
    finally:
        db.close()


@pytest.mark.slow
def test_a_load_killed_while_its_indexes_are_dropped_reopens_whole(tmp_path: Path) -> None:
    leads = leads_file(tmp_path / "v1.jsonl", 1)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    finish(leads, clean)

    proc = index(leads, crashed)  # 6,000 leads into an empty store: a deferring load, 200 a transaction
    deadline = time.monotonic() + 120
    while proc.poll() is None and stored_leads(crashed) < N // 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert not left_behind(leads)
    killed_at = stored_leads(crashed)
    db = read_only(crashed)
    missing = missing_lead_indexes(db)
    db.close()
    assert 0 < killed_at < N and missing == list(LEAD_INDEXES), (
        f"the kill did not land inside the deferring load ({killed_at} stored, missing {missing})")

    with SQLiteStore(crashed / "store.sqlite") as store:  # opening builds the indexes again
        assert store._read("SELECT count(*), count(DISTINCT id) FROM leads")[0] == (killed_at, killed_at)
    db = read_only(crashed)
    assert missing_lead_indexes(db) == []
    db.close()

    finish(leads, crashed)
    want, got = snapshot(clean), snapshot(crashed)
    assert got == want and len(got["leads"]) == N


def leads(n: int, start: int = 0) -> list[dict]:
    provinces = ("广东省", "北京市", "福建省")
    return [{"url": f"https://shop.example/item/{i}", "right_id": ("tm-nike", "gi-maotai-liquor")[i % 2],
             "score": round((i * 37 % 100) / 100, 2), "reasons": ["mark in title"],
             "ship_from_province": provinces[i % 3],
             "listing": {"url": f"https://shop.example/item/{i}", "platform": ("bazaar", "openmall")[i % 2],
                         "title": f"耐克 运动鞋 {('正品', '高仿')[i % 2]} 款{i}", "seller_id": f"s-{i % 7}",
                         "seller_name": f"店{i % 7}"}}
            for i in range(start, start + n)]


QUERIES = [SearchQuery(text="耐克", limit=20), SearchQuery(text="高仿", province=("广东省",), limit=20),
           SearchQuery(province=("北京市",), platform=("openmall",), limit=20),
           SearchQuery(right=("tm-nike",), min_score=0.5, limit=20), SearchQuery(limit=20),
           SearchQuery(sort="date", limit=20), SearchQuery(seller=("店3",), limit=20)]


def answers(store: SQLiteStore) -> list:
    return [([x.id for x in store.search(q).leads], store.count(q), store.facets(q)) for q in QUERIES]


def test_readers_during_a_deferring_load_get_the_answers_of_the_indexes(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.sqlite"
    with SQLiteStore(path) as store:
        store.add_leads(leads(300))
        want = answers(store)
    lock = LoadLock(path)  # what a running load holds while its indexes are dropped
    assert lock.acquire()
    db = sqlite_schema.connect(path)
    db.execute("BEGIN IMMEDIATE")
    sqlite_schema.drop_lead_indexes(db)
    db.execute("COMMIT")
    db.close()
    unhinted = []
    real = sqlite_store._without_missing_index
    monkeypatch.setattr(sqlite_store, "_without_missing_index", lambda *a: unhinted.append(a) or real(*a))
    try:
        with SQLiteStore(path) as store:
            assert missing_lead_indexes(store._db) == list(LEAD_INDEXES), "opened beside a running load: left alone"
            assert answers(store) == want
        assert unhinted, "no search named a missing index: the test no longer covers the readers' fallback"
    finally:
        lock.release()
    with SQLiteStore(path) as store:  # the load is gone: opening builds them
        assert missing_lead_indexes(store._db) == []
        assert answers(store) == want


def seen_elsewhere(path: Path) -> list[str]:
    """The lead indexes missing as another connection opening the store sees them (it builds none
    while the load's lock is held)."""
    db = sqlite_schema.connect(path)
    try:
        return missing_lead_indexes(db)
    finally:
        db.close()


def test_a_load_bigger_than_the_store_defers_its_indexes_and_a_small_one_does_not(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with SQLiteStore(path) as store:
        for expected, deferred in ((None, False), (sqlite_store.DEFER_MIN_LEADS, True),
                                   (store._stored_leads() + 10, False)):
            seen = []
            start = store._stored_leads()
            with store.bulk_writer(100, expected_leads=expected) as writer:
                for part in range(3):
                    writer.add([prepare_ahead(x) for x in leads(60, start + 60 * part)])
                    seen.append(seen_elsewhere(path))
            assert writer.commits >= 2
            assert (seen[-1] == list(LEAD_INDEXES)) is deferred, (expected, seen)
            assert missing_lead_indexes(store._db) == []

        with pytest.raises(ZeroDivisionError):  # a load ended by an error builds them before it goes on
            with store.bulk_writer(100, expected_leads=10 ** 6) as writer:
                writer.add([prepare_ahead(x) for x in leads(150, 1000)])
                assert seen_elsewhere(path) == list(LEAD_INDEXES)
                1 / 0
        assert missing_lead_indexes(store._db) == []
        assert store._read("SELECT count(*) FROM leads")[0][0] == store._stored_leads()


def table_rows(store: SQLiteStore) -> dict[str, list]:
    """Every row the writer writes, full text included (as FTS5's vocabulary: term, listing, column, offset)."""
    tables = {"listings": "rowid", "listing_versions": "rowid", "leads": "rowid", "listing_links": "listing, kind, value",
              "lead_combos": "id", "seller_counts": "id"}
    with store._write() as db:
        rows = {table: db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall() for table, order in tables.items()}
        db.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, listing_text, 'instance')")
        rows["listing_text"] = db.execute("SELECT * FROM temp.words ORDER BY 1, 2, 3, 4").fetchall()
        db.execute("DROP TABLE temp.words")
    return rows


def test_a_chunk_of_new_listings_is_written_as_the_planned_path_writes_it(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Differential: the same chunks through write_fresh and through the planned path give the same rows."""
    import random

    from index import sqlite_write

    rnd = random.Random(3)
    fresh = leads(400)
    for x in rnd.sample(fresh, 60):  # seller link values (phones, WeChat ids) in some listings
        x["listing"]["description"] = f"加微信 shop{rnd.randrange(50)} 电话 139 {rnd.randrange(1000, 9999)} 5678"
    for x in rnd.sample(fresh, 20):
        x["right_id"] = "tm-not-in-the-store"
    changed = [dict(x, listing={**x["listing"], "title": "耐克 新款"}) for x in fresh[1::9]]
    again = [dict(x, score=0.99) for x in fresh[::9]] + changed + leads(50, 400) + leads(30, 400)  # known, twice
    chunks = [fresh[:150], fresh[150:], again]
    taken = []
    real = sqlite_write.write_fresh
    monkeypatch.setattr(sqlite_write, "write_fresh", lambda *a: taken.append(len(a[1])) or real(*a))
    dumps = []
    for fast in (True, False):
        monkeypatch.setattr(sqlite_write, "FRESH_PATH", fast)
        with SQLiteStore(tmp_path / f"{fast}.sqlite") as store:
            store.put_rights([{"id": "tm-nike", "kind": "trademark", "holder": "Nike", "name": "NIKE",
                               "marks": ["耐克"]}])
            for chunk in chunks:
                store.add_prepared([prepare_ahead(x) for x in chunk], seen_at="2026-12-03T00:00:00Z")
            dumps.append(table_rows(store))
    assert taken == [150, 250], "the first two chunks are fresh, the third is not"
    assert all(dumps[0][table] for table in ("listings", "listing_versions", "leads", "listing_links", "listing_text"))
    assert dumps[0] == dumps[1]
