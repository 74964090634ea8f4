"""The single-column lead indexes ``leads_by_right`` and ``leads_by_status`` are still what some
reads seek by, beside ``leads_by_combo`` (issue 7, measured at 100k bench leads with 1 % confirmed,
with and without them: the register's kind update of ``put_rights``, run for every right by every
``markwatch index``, 0.4 -> 15.7 ms a right; a histogram filtered on status or right 1 -> 39 ms; a
page of a rare right 1.7 -> 7.8 ms, all full scans or index walks without them; their builds cost
≈0.1 CPU-s per 100k leads of a bulk load). These tests fail if a change leaves those reads
scanning every lead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from index.sqlite_store import SQLiteStore
from index.store import SearchQuery

RIGHTS = [{"id": f"tm-{n}", "kind": "trademark", "holder": "H", "name": f"M{n}", "marks": [f"标{n}"]} for n in range(3)]


def _store(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.put_rights(RIGHTS)
    store.add_leads([{"url": f"https://shop.example/item/{i}", "right_id": f"tm-{i % 3}", "score": (i % 10) / 10,
                      "reasons": ["mark in title"],
                      "listing": {"url": f"https://shop.example/item/{i}", "platform": "bazaar",
                                  "title": f"标{i % 3} 款{i}", "seller_id": f"s-{i % 5}", "seller_name": f"店{i % 5}"}}
                     for i in range(300)], seen_at="2026-12-01T00:00:00Z")
    store.transition([f for f in _ids(store)[::7]], "confirmed", actor="test", note="")
    return store


def _ids(store: SQLiteStore) -> list[str]:
    return [i for (i,) in store._read("SELECT id FROM leads ORDER BY rowid")]


def _plans(store: SQLiteStore, db: Any, call: Callable[[], Any]) -> list[str]:
    """The query plan lines of every statement ``call`` runs on ``db`` that reads ``leads``."""
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        call()
    finally:
        db.set_trace_callback(None)
    lines = []
    for sql in statements:
        if "leads" not in sql or sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "INSERT")):
            continue
        lines += [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL"))]
    return lines


def _full_scans(lines: list[str]) -> list[str]:
    return [line for line in lines if line in ("SCAN l", "SCAN leads") or line.startswith(("SCAN l USING", "SCAN leads USING"))]


def test_the_kind_update_of_put_rights_seeks_the_right(tmp_path: Path) -> None:
    with _store(tmp_path / "store.sqlite") as store:
        lines = _plans(store, store._db, lambda: store.put_rights(RIGHTS))
        assert any("leads_by_right" in line for line in lines), lines
        assert not _full_scans(lines), lines


def test_histograms_filtered_on_status_or_right_seek_their_index(tmp_path: Path) -> None:
    with _store(tmp_path / "store.sqlite") as store:
        store._read("SELECT 1")  # a reader open
        reader = store._readers[0].db._db
        for query, index in ((SearchQuery(status=["confirmed"]), "leads_by_status"),
                             (SearchQuery(right=["tm-1"]), "leads_by_right")):
            lines = _plans(store, reader, lambda: store.histogram(query, split_by="platform"))
            assert any(index in line for line in lines), (query, lines)
            assert not _full_scans(lines), (query, lines)
        counted = {day.value: day.count for day in store.histogram(SearchQuery(status=["confirmed"]), split_by="status")}
        assert counted == {"confirmed": len(_ids(store)[::7])}
