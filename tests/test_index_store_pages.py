"""A new store gets 16 KiB pages (issue 7, :data:`index.sqlite_schema.PAGE_SIZE`); a store made
before, with SQLite's 4 KiB, keeps its pages, opens, and takes a bulk load as before."""

from __future__ import annotations

from pathlib import Path

import sqlean as sqlite3

from index.sqlite_schema import PAGE_SIZE, SCHEMA, SCHEMA_VERSION, _statements, connect
from index.sqlite_store import SQLiteStore
from index.sqlite_write import prepare_ahead
from index.store import SearchQuery


def _lead(n: int) -> dict:
    url = f"https://shop.example/item/{n}"
    return {"url": url, "right_id": "tm-nike", "score": 0.9, "reasons": ["mark in title"],
            "ship_from_province": "浙江省",
            "listing": {"url": url, "platform": "bazaar", "title": f"正品耐克运动鞋 {n}", "seller_name": "耐克小铺"}}


def test_a_new_store_has_the_bigger_pages(tmp_path: Path) -> None:
    db = connect(tmp_path / "store.sqlite")
    try:
        assert db.execute("PRAGMA page_size").fetchone()[0] == int(PAGE_SIZE.split("=")[1]) == 16384
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_a_store_with_4k_pages_keeps_them_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    old = sqlite3.connect(str(path), isolation_level=None)
    old.execute("PRAGMA page_size=4096")
    old.execute("PRAGMA journal_mode=WAL")
    for statement in _statements(SCHEMA):
        old.execute(statement)
    old.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    old.close()
    with SQLiteStore(path) as store:
        with store.bulk_writer(1_000, expected_leads=600) as writer:
            for start in range(0, 600, 200):
                writer.add([prepare_ahead(_lead(n)) for n in range(start, start + 200)])
        assert store.count(SearchQuery()) == 600
        assert store.search(SearchQuery(text="耐克", limit=5)).total == 600
    db = connect(path)
    try:
        assert db.execute("PRAGMA page_size").fetchone()[0] == 4096
    finally:
        db.close()
