"""What only the SQLite store has to prove: its settings, its tokeniser, its query plans (pages by
index seek, the walk of the sort index for broad full-text matches), and hostile query text."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import sqlean

from index import sqlite_query as q
from index import sqlite_search
from index.fulltext import match_expression, tokens
from index.sqlite_schema import SCHEMA_VERSION
from index.sqlite_store import SQLiteStore
from index.store import SearchQuery, StoreError


def lead(n: int, title: str, score: float = 0.5) -> dict:
    url = f"https://shop.example/item/{n}"
    return {"url": url, "right_id": "tm-nike", "score": score, "reasons": [],
            "listing": {"url": url, "title": title, "platform": "bazaar"}}


@pytest.fixture
def store(tmp_path: Path):
    with SQLiteStore(tmp_path / "store.sqlite") as opened:
        yield opened


def test_sqlite_is_sqleans_with_wal_and_normal_sync(store: SQLiteStore) -> None:
    assert tuple(int(x) for x in sqlean.sqlite_version.split(".")[:2]) >= (3, 43)
    assert store._read("PRAGMA journal_mode")[0][0] == "wal"
    assert store._read("PRAGMA synchronous")[0][0] == 1  # NORMAL


@pytest.mark.parametrize("text, expected", [
    ("正品耐克运动鞋", ["正品", "品耐", "耐克", "克运", "运动", "动鞋", "鞋"]),
    ("耐克Nike空军一号", ["耐克", "克", "nike", "空军", "军一", "一号", "号"]),
    ("ＮＩＫＥ　Air-Max", ["nike", "air", "max"]),
    ("耐 克", ["耐", "克"]),
    ("53度 under_score", ["53", "度", "under", "score"]),
])
def test_tokens_are_cjk_bigrams_and_folded_words(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_queries_are_quoted_so_no_text_is_fts5_syntax(store: SQLiteStore) -> None:
    store.add_leads([lead(1, 'nike "OR" NEAR(耐克) * -x'), lead(2, "其他")])
    for hostile in ['"', 'nike OR', 'NEAR(耐克', '耐克*', '-x', 'title:nike', "'; DROP TABLE leads; --"]:
        store.search(SearchQuery(text=hostile))  # never an FTS5 syntax error
    assert match_expression("!!!") is None and store.search(SearchQuery(text="!!!")).total == 0
    assert [x.url[-1] for x in store.search(SearchQuery(text="NEAR(耐克")).leads] == ["1"]


def test_a_page_after_a_cursor_seeks_in_the_score_index(store: SQLiteStore) -> None:
    store.add_leads([lead(i, f"标题{i}", score=i / 100) for i in range(100)])
    page = store.search(SearchQuery(limit=10))
    query = SearchQuery(limit=10, after=page.next_cursor)
    clause, params = q.where(query)
    keyset, more = q.after(query)
    plan = " ".join(row[3] for row in store._read(
        f"EXPLAIN QUERY PLAN SELECT l.rowid FROM leads l WHERE {clause} AND {keyset} "
        f"ORDER BY {q.order_by(query)} LIMIT 11", params + more))
    assert "leads_by_score" in plan and "score<?" in plan.replace(" ", "") and "TEMP B-TREE" not in plan


@pytest.mark.parametrize(("lookup_factor", "range_factor", "check"),
                         [(400, 100, "MATCH ?)"), (0, 0, "t.rowid = l.listing"), (0, 10**9, "rowid >= ?")],
                         ids=["matches-found-once", "each-listing-looked-up", "matches-from-the-lowest-listing-walked"])
@pytest.mark.parametrize("sort", ["score", "date"])
def test_broad_full_text_matches_walk_the_sort_index_and_page_the_same(store: SQLiteStore, lookup_factor: int,
                                                                       range_factor: int, check: str, sort: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_search, "LOOKUP_FACTOR", lookup_factor)  # every way a walk checks the text
    monkeypatch.setattr(sqlite_search, "RANGE_FACTOR", range_factor)
    for batch in range(4):  # four batches: four first_seen times, newer leads on newer listings
        store.add_leads([lead(i, "正品耐克运动鞋" if i % 10 else "茅台酒", score=round((i * 37 % 11) / 11, 3))
                         for i in range(batch * 100, batch * 100 + 100)])
    # the newest leads also on old listings (a second right): the walk's two checks, recent and older listings
    store.add_leads([{**lead(i, "正品耐克运动鞋", score=0.2), "right_id": "tm-adidas"} for i in range(1, 400, 40)])
    broad = SearchQuery(text="耐克", limit=7, sort=sort)
    total = store.count(broad)
    assert total == 370 and f"INDEXED BY leads_by_{sort}" in store.searcher._walk(broad, total)
    assert store.searcher._walk(SearchQuery(text="茅台", limit=7), 40) == ""
    ranged = check == "rowid >= ?" and sort == "score"  # a walk by score never bounds its listings
    assert (check if not ranged else "t.rowid = l.listing") in store.searcher._top(broad, total)[0]
    walked, cursor = [], None
    while True:
        page = store.search(SearchQuery(text="耐克", limit=7, sort=sort, after=cursor))
        walked += [x.id for x in page.leads]
        if not (cursor := page.next_cursor):
            break
    assert walked == [x.id for x in store.search(SearchQuery(text="耐克", limit=0, sort=sort)).leads]
    assert len(set(walked)) == 370


def test_a_walk_by_date_that_passes_its_recent_listings_still_finds_the_older_ones(
        store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_search, "LOOKUP_FACTOR", 0)  # no set of all matches: the walk checks each lead
    store.add_leads([lead(i, "正品耐克运动鞋", score=0.5) for i in range(300)])
    store.add_leads([lead(i, "茅台酒") for i in range(300, 400)])  # the newest leads, on the newest listings, unmatched
    query = SearchQuery(text="耐克", limit=7, sort="date")
    assert "rowid >= ?" in store.searcher._top(query, store.count(query))[0]  # matches from the newest listing walked
    page = store.search(query)
    assert [x.id for x in page.leads] == [x.id for x in store.search(SearchQuery(text="耐克", limit=0, sort="date")).leads][:7]
    assert len(page.leads) == 7 and page.total == 300


def test_a_cursor_of_another_sort_or_garbage_is_refused(store: SQLiteStore) -> None:
    store.add_leads([lead(i, "耐克") for i in range(5)])
    cursor = store.search(SearchQuery(limit=2)).next_cursor
    with pytest.raises(ValueError, match="sort"):
        store.search(SearchQuery(limit=2, sort="date", after=cursor))
    with pytest.raises(ValueError, match="cursor"):
        store.search(SearchQuery(limit=2, after="garbage!"))


def test_a_damaged_file_is_a_store_error_that_says_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "store.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        SQLiteStore(bad)


def test_a_changed_listing_replaces_its_full_text(store: SQLiteStore) -> None:
    store.add_leads([lead(1, "正品耐克运动鞋")])
    store.add_leads([lead(1, "贵州茅台酒")])
    assert store.count(SearchQuery(text="耐克")) == 0 and store.count(SearchQuery(text="茅台")) == 1


def placed(n: int, title: str, province: str, platform: str, status_seller: str = "") -> dict:
    url = f"https://{platform}.example/item/{n}"
    return {"url": url, "right_id": "tm-nike", "score": round((n * 37 % 101) / 101, 3), "reasons": [],
            "ship_from_province": province,
            "listing": {"url": url, "title": title, "platform": platform, "seller_name": f"店{n % 7}"}}


def test_full_text_with_a_province_filter_starts_from_the_place_index_and_answers_the_same(
        store: SQLiteStore) -> None:
    provinces, platforms = ["广东省", "浙江省", "北京市"], ["bazaar", "openmall"]
    store.add_leads([placed(i, "正品耐克运动鞋" if i % 5 else "茅台酒", provinces[i % 3], platforms[i % 2])
                     for i in range(600)])
    query = SearchQuery(text="耐克", province=("广东省", "北京市"), platform=("bazaar",), limit=20)
    assert store.searcher._place_first(query)
    clause, params = q.where(query, place_first=True)
    plan = " ".join(row[3] for row in store._read(f"EXPLAIN QUERY PLAN SELECT l.rowid FROM leads l WHERE {clause}",
                                                  params))
    assert "leads_by_place" in plan and "leads_by_listing" not in plan
    # The same leads, order and counts as the full-text-first plan, on every page.
    plain, _ = q.where(query)
    expected = [r[0] for r in store._read(f"SELECT l.id FROM leads l WHERE {plain} ORDER BY {q.order_by(query)}",
                                          params)]
    seen, cursor = [], None
    while True:
        page = store.search(SearchQuery(text="耐克", province=("广东省", "北京市"), platform=("bazaar",), limit=20,
                                        after=cursor))
        seen += [lead.id for lead in page.leads]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected and len(expected) > 40 and page.total == len(expected)
    facets = store.facets(query)
    assert {f.value: f.count for f in facets["province"]} == {
        p: sum(1 for i in range(600) if i % 5 and i % 2 == 0 and provinces[i % 3] == p) for p in ("广东省", "北京市")}
    assert sum(f.count for f in facets["seller"]) == len(expected)


def test_a_version_1_store_gains_the_place_index_and_keeps_its_leads(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with SQLiteStore(path) as store:
        store.add_leads([placed(i, "正品耐克运动鞋", "广东省", "bazaar") for i in range(5)])
    db = sqlean.connect(str(path))  # what the version-1 code left: no leads_by_place, user_version 1
    db.execute("DROP INDEX leads_by_place")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store._read("SELECT name FROM sqlite_master WHERE name = 'leads_by_place'")
        assert store.search(SearchQuery(text="耐克", province=("广东省",))).total == 5
    db = sqlean.connect(str(path))
    db.execute("PRAGMA user_version=99")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


COUNTED = ("SELECT 'combos', right_id, kind, platform, province, status, n FROM lead_combos WHERE n > 0 "
           "UNION ALL SELECT 'sellers', seller_name, '', '', '', '', n FROM seller_counts WHERE n > 0 ORDER BY 1, 2, 3, 4, 5, 6")
GROUPED = ("SELECT 'combos', right_id, kind, platform, province, status, count(*) FROM leads "
           "GROUP BY right_id, kind, platform, province, status UNION ALL "
           "SELECT 'sellers', seller_name, '', '', '', '', count(*) FROM leads GROUP BY seller_name ORDER BY 1, 2, 3, 4, 5, 6")


MISKEYED = ("SELECT count(*) FROM leads l LEFT JOIN lead_combos c ON c.id = l.combo "
            "LEFT JOIN seller_counts s ON s.id = l.seller_key WHERE c.id IS NULL OR s.id IS NULL "
            "OR c.right_id != l.right_id OR c.kind != l.kind OR c.platform != l.platform "
            "OR c.province != l.province OR c.status != l.status OR s.seller_name != l.seller_name")
"""Leads whose ``combo`` / ``seller_key`` (the keys a search counts its facets by) disagree with their columns."""


def placed_by(n: int, seller: str, province: str = "广东省", platform: str = "bazaar") -> dict:
    item = placed(n, f"正品耐克运动鞋 {n}", province, "bazaar")
    item["listing"].update(seller_name=seller, platform=platform)
    return item


def test_count_tables_agree_with_a_group_by_after_every_kind_of_write(store: SQLiteStore) -> None:
    store.add_leads([placed_by(i, f"店{i % 3}", ("广东省", "北京市")[i % 2]) for i in range(30)])
    store.add_leads([placed_by(i, "新店", "福建省", "openmall") for i in range(5)])  # updated leads move
    ids = [x.id for x in store.search(SearchQuery(limit=8)).leads]
    store.transition(ids, "confirmed", actor="ana")
    store.transition(ids[:3], "dismissed", actor="ana")
    store.put_rights([{"id": "tm-nike", "kind": "trademark", "name": "NIKE"}])  # every lead's kind changes
    with pytest.raises(RuntimeError):  # a batch that fails half-way leaves the counts as they were
        with store._write() as db:
            db.execute("UPDATE leads SET status = 'removed', platform = 'gone'")
            raise RuntimeError("killed")
    assert store._read(COUNTED) == store._read(GROUPED)
    assert store._read(MISKEYED) == [(0,)], "every lead's keys name its combination and seller"
    assert store.count(SearchQuery(platform=("openmall",), status=("confirmed", "dismissed"))) == len(
        [x for x in store.search(SearchQuery(limit=0)).leads
         if x.listing["platform"] == "openmall" and x.status in ("confirmed", "dismissed")])



def test_new_leads_of_many_combinations_get_the_keys_of_their_own_rows(store: SQLiteStore) -> None:
    """More combinations in one chunk than one key lookup asks for (index.sqlite_counts.keys_for,
    200 a query), some already there under another status or known from the chunk before: each new
    lead's keys name its own combination's 'new' row and its seller's row."""
    from index.sqlite_counts import _COMBOS_PER_LOOKUP

    provinces = ("广东省", "北京市", "福建省", "浙江省", "江苏省", "上海市", "四川省")
    store.add_leads([placed_by(i, f"店{i}", provinces[i % 7], f"p{i % 40}") for i in range(40)])
    first = [x.id for x in store.search(SearchQuery(limit=0)).leads]
    store.transition(first, "confirmed", actor="ana")
    store.transition(first, "notified", actor="ana")  # a status after 'new' in the key's index
    # updated while notified: their new combinations have a 'notified' row and no 'new' one
    store.add_leads([placed_by(i, f"店{i}", provinces[i % 7], f"p{40 + i}") for i in range(40)])
    many = [placed_by(100 + i, f"店{i % 300}", provinces[i % 7], f"p{i % 80}") for i in range(2 * _COMBOS_PER_LOOKUP + 150)]
    with store.bulk_writer(10_000) as writer:
        from index.sqlite_write import prepare_ahead

        writer.add([prepare_ahead(x) for x in many[:300]])
        writer.add([prepare_ahead(x) for x in many[300:]])
    assert store._read("SELECT count(DISTINCT combo) FROM leads WHERE status = 'new'")[0][0] > _COMBOS_PER_LOOKUP
    assert store._read(MISKEYED) == [(0,)]
    assert store._read(COUNTED) == store._read(GROUPED)

def test_a_version_2_store_gains_counts_and_link_values(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with SQLiteStore(path) as store:
        leads = [placed_by(i, f"店{i % 2}") for i in range(6)]
        leads[0]["listing"]["description"] = "加微信 nike-shoes88 电话 139 1234 5678"
        store.add_leads(leads)
        links = store.seller_links()
    assert ("bazaar", "店0", "phone", "13912345678") in links
    db = sqlean.connect(str(path))  # what the version-2 code left: no count tables, no link values
    for name in ("lead_combos", "seller_counts", "listing_links"):
        db.execute(f"DROP TABLE {name}")
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store._read(COUNTED) == store._read(GROUPED) and len(store._read(COUNTED)) == 3
        assert store.seller_links() == links
        store.add_leads([placed_by(9, "店0")])  # the triggers are back too
        assert store._read(COUNTED) == store._read(GROUPED)


def test_a_full_text_search_finds_its_matches_once_and_never_answers_from_stale_ones(store: SQLiteStore) -> None:
    store.add_leads([placed_by(i, f"店{i % 3}") for i in range(12)])
    query = SearchQuery(text="耐克", limit=5)
    first = store.search(query)
    counted = store.searcher.matched(query)
    assert first.total == 12 and sum(f.count for f in store.facets(query)["platform"]) == 12
    assert store.searcher.matched(query) is counted, "the facets reuse the page's counted matches"
    store.add_leads([placed_by(20, "店0")])  # this connection writes
    assert store.search(query).total == 13 and store.count(query) == 13
    with SQLiteStore(store.path) as other:  # another connection writes
        other.add_leads([placed_by(21, "店9")])
    assert store.search(query).total == 14
    assert {f.value: f.count for f in store.facets(query)["seller"]}["店9"] == 1
    assert [x.id for x in store.search(SearchQuery(text="耐克", limit=0)).leads] == [
        x.id for x in store.search(SearchQuery(limit=0)).leads]


V3_SHAPE = """
DROP TRIGGER leads_counted_out; DROP TRIGGER leads_recounted; DROP TRIGGER leads_seller_recounted;
DROP TRIGGER IF EXISTS leads_keyed; DROP INDEX seller_counts_by_n; DROP TABLE lead_combos; DROP TABLE seller_counts;
DROP INDEX leads_by_listing; DROP INDEX IF EXISTS leads_by_combo; ALTER TABLE leads DROP COLUMN combo; ALTER TABLE leads DROP COLUMN seller_key;
CREATE INDEX leads_by_listing ON leads (
    listing, score, id, first_seen, right_id, kind, platform, province, status, seller_name);
CREATE TABLE lead_combos (right_id TEXT NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL,
    province TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (right_id, kind, platform, province, status)) WITHOUT ROWID;
CREATE TABLE seller_counts (seller_name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX seller_counts_by_n ON seller_counts (n DESC, seller_name);
INSERT INTO lead_combos SELECT right_id, kind, platform, province, status, count(*) FROM leads GROUP BY 1, 2, 3, 4, 5;
INSERT INTO seller_counts SELECT seller_name, count(*) FROM leads GROUP BY 1;
PRAGMA user_version=3;
"""
"""What the schema 3 code left: keyless count tables, no keys on the leads, the wide listing index."""


def test_a_version_3_store_gains_keys_and_searches_the_same(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    query = SearchQuery(text="耐克", min_score=0.2, limit=4)
    with SQLiteStore(path) as store:
        store.add_leads([placed_by(i, f"店{i % 4}", ("广东省", "北京市")[i % 2]) for i in range(20)])
        store.transition([x.id for x in store.search(SearchQuery(limit=5)).leads], "confirmed", actor="ana")
        before = ([x.id for x in store.search(query).leads], store.count(query), store.facets(query, size=3))
    db = sqlean.connect(str(path), isolation_level=None)
    db.executescript(V3_SHAPE)
    db.close()
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert store._read(COUNTED) == store._read(GROUPED) and store._read(MISKEYED) == [(0,)]
        assert ([x.id for x in store.search(query).leads], store.count(query), store.facets(query, size=3)) == before
        store.add_leads([placed_by(30, "新店")])
        store.transition([store.search(SearchQuery(seller=("新店",))).leads[0].id], "dismissed", actor="ana")
        assert store._read(COUNTED) == store._read(GROUPED) and store._read(MISKEYED) == [(0,)]


def _truth(store: SQLiteStore, query: SearchQuery, size: int) -> tuple[int, dict, list[str]]:
    """Total, facets and every id in order for ``query`` by plain SQL over the leads' own columns
    (a GROUP BY per facet, no count table, no key)."""
    clause, params = q.where(query)
    total = store._read(f"SELECT count(*) FROM leads l WHERE {clause}", params)[0][0]
    facets = {}
    for name, column in q.FACET_COLUMNS.items():
        facets[name] = [(v, c) for v, c in store._read(
            f"SELECT {column}, count(*) AS c FROM leads l WHERE {clause} AND {column} != '' GROUP BY {column} "
            f"ORDER BY c DESC, {column} LIMIT {size}", params)]
    ids = [r[0] for r in store._read(f"SELECT l.id FROM leads l WHERE {clause} ORDER BY {q.order_by(query)}", params)]
    return total, facets, ids


def test_searches_count_and_page_as_a_group_by_over_the_leads_does(store: SQLiteStore) -> None:
    provinces, platforms = ["广东省", "浙江省", "", "北京市"], ["bazaar", "openmall", "mall"]
    titles = ["正品耐克运动鞋", "耐克 nike 跑步鞋", "茅台酒 礼盒", "礼盒 耐克袜子", "阿迪达斯"]
    leads = []
    for i in range(240):
        item = placed(i, titles[i % 5] + f" {i % 7}号", provinces[i % 4], platforms[i % 3])
        item["listing"]["seller_name"] = "" if i % 11 == 0 else f"店{(i * 7) % 13}"
        item["right_id"] = ("tm-nike", "tm-adidas")[i % 2]
        leads.append(item)
        if i % 6 == 0:  # a second right on the same listing: two leads share its full text
            leads.append({**item, "right_id": "tm-moutai", "score": 0.9})
    store.add_leads(leads)
    store.transition([x.id for x in store.search(SearchQuery(text="礼盒", limit=30)).leads], "confirmed", actor="ana")
    queries = [SearchQuery(text="耐克"), SearchQuery(text="礼盒", platform=("mall", "bazaar")),
               SearchQuery(text="耐克", province=("广东省",), status=("new",), sort="date"),
               SearchQuery(text="nike 耐克", min_score=0.3, max_score=0.8), SearchQuery(text="号", seller=("店3", "店5")),
               SearchQuery(min_score=0.5), SearchQuery(kind=("trademark",), right=("tm-moutai",), min_score=0.1),
               SearchQuery(seller=("店1",)), SearchQuery(status=("confirmed",), since="2000-01-01"),
               SearchQuery(text="没有这个词"), SearchQuery(text="!!!")]
    for query in queries:
        for size in (3, 50):
            total, facets, ids = _truth(store, query, size)
            got = store.facets(query, size=size)
            assert {n: [(f.value, f.count) for f in got[n]] for n in got} == facets, (query, size)
            assert store.count(query) == total, query
        for limit in (7, 0):
            walked, cursor = [], None
            while True:
                page = store.search(SearchQuery(**{**query.__dict__, "limit": limit, "after": cursor}))
                assert page.total == total
                walked += [x.id for x in page.leads]
                if not (cursor := page.next_cursor):
                    break
            assert walked == ids, (query, limit)


def test_a_broad_search_counts_its_halves_on_two_connections_and_answers_the_same(
        store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    platforms, provinces = ["bazaar", "openmall", "mall"], ["广东省", "浙江省", "", "北京市"]
    leads = []
    for i in range(400):
        item = placed(i, ("正品耐克运动鞋", "礼盒 耐克袜子", "阿迪达斯")[i % 3] + f" {i % 7}号", provinces[i % 4],
                      platforms[i % 3])
        item["listing"]["seller_name"] = f"店{(i * 7) % 13}"
        item["right_id"] = ("tm-nike", "tm-adidas")[i % 2]
        leads.append(item)
        if i % 5 == 0:  # a second right on the same listing
            leads.append({**item, "right_id": "tm-moutai", "score": 0.9})
    store.add_leads(leads)
    with store._reader() as reader, store._spare(reader.db) as other:  # two readers open: the first, a spare
        assert other is not None and other is not reader.db
    ran: list[str] = []
    store._readers[1].db.set_trace_callback(ran.append)
    queries = [SearchQuery(text="耐克"), SearchQuery(text="礼盒 耐克", platform=("mall", "bazaar")),
               SearchQuery(text="耐克", right=("tm-nike", "tm-moutai"), min_score=0.3, sort="date"),
               SearchQuery(text="阿迪达斯")]  # a phrase: its halves would each read the whole lists, never split
    for query in queries:
        splits = query.text != "阿迪达斯"
        total, facets, _ = _truth(store, query, 5)
        answers = {}
        for split_min in (10 ** 9, 1):  # the pass whole, then split
            monkeypatch.setattr(sqlite_search, "SPLIT_MIN", split_min)
            store.searcher.forget()
            ran.clear()
            got = store.facets(query, size=5)
            split = splits and split_min == 1
            assert store.searcher.matched(query).parts == (2 if split else 1), query
            halves = [sql for sql in ran if "t.rowid BETWEEN" in sql]
            assert len(halves) == split, ran  # the upper half ran on the other reader
            answers[split_min] = ({n: [(f.value, f.count) for f in got[n]] for n in got}, store.count(query),
                                  store.searcher.matched(query).candidates)
        assert answers[1] == answers[10 ** 9] and answers[1][:2] == (facets, total), query


def test_a_split_pass_that_a_commit_came_between_counts_again_whole(
        store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_leads([placed(i, "礼盒 耐克", "广东省", "bazaar") for i in range(300)])
    monkeypatch.setattr(sqlite_search, "SPLIT_MIN", 1)
    with store._reader() as reader, store._spare(reader.db) as other:
        searcher, spare = reader.searcher, other

    class Committing:
        """The other reader, but a lead is committed before its half is counted."""

        def execute(self, sql: str, params: list) -> object:
            store.add_leads([placed(1000, "礼盒 耐克", "浙江省", "mall")])
            return spare.execute(sql, params)

    monkeypatch.setattr(searcher, "_spare", lambda busy: contextlib.nullcontext(Committing()))
    found = searcher.matched(SearchQuery(text="耐克"))
    assert (found.parts, found.total) == (1, 301)  # two snapshots: not added up, counted again after the commit


def test_a_version_4_store_loses_its_insert_trigger(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    SQLiteStore(path).close()
    db = sqlean.connect(str(path), isolation_level=None)  # what schema 4 had: a per-row insert trigger
    db.execute("CREATE TRIGGER leads_keyed AFTER INSERT ON leads WHEN new.combo = 0 BEGIN SELECT 1; END")
    db.execute("PRAGMA user_version=4")
    db.close()
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        assert not store._read("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'leads_keyed'")
        store.add_leads([placed_by(1, "店1")])
        assert store._read(MISKEYED) == [(0,)]


def test_a_version_5_store_gains_the_combo_index_and_filters_alone_seek_it(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    provinces = ("广东省", "北京市", "浙江省")
    with SQLiteStore(path) as store:
        store.add_leads([{**placed_by(i, f"店{i % 5}", provinces[i % 3]), "score": 0.3 + (i % 7) / 10}
                         for i in range(60)])
    db = sqlean.connect(str(path), isolation_level=None)  # what schema 5 had: no leads_by_combo
    db.execute("DROP INDEX leads_by_combo")
    db.execute("PRAGMA user_version=5")
    db.close()
    queries = [SearchQuery(province=("广东省",), min_score=0.6), SearchQuery(province=("北京市", "浙江省"), status=("new",)),
               SearchQuery(province=("浙江省",), seller=("店2",), since="2000-01-01")]
    with SQLiteStore(path) as store:
        assert store._read("PRAGMA user_version")[0][0] == SCHEMA_VERSION
        for query in queries:
            source, params = store.searcher._source(query)
            plan = " ".join(row[-1] for row in store._read(f"EXPLAIN QUERY PLAN SELECT count(*) {source}", params))
            # every entry read is one of the query's combinations (and scores in range): no lead row, no full scan
            assert "COVERING INDEX leads_by_combo (combo=?" in plan, plan
            assert ("score>?" in plan) == (query.min_score is not None), plan
            total, facets, _ids = _truth(store, query, 10)
            assert store.count(query) == total and total
            assert {n: [(f.value, f.count) for f in v] for n, v in store.facets(query, size=10).items()} == facets


def test_the_bulk_writer_writes_with_its_big_cache_and_map_and_stores_every_lead(store: SQLiteStore) -> None:
    """The bulk writer's connection gets :data:`~index.sqlite_write.BULK_PRAGMAS` (why: at 1M leads
    a transaction of 100,000 dirties more index pages than the default cache holds), and what it
    writes over several transactions is all there."""
    from index.sqlite_write import BULK_PRAGMAS, prepare_ahead

    with store.bulk_writer(3) as writer:
        for start in range(0, 10, 2):
            writer.add([prepare_ahead(lead(n, f"正品耐克 {n}")) for n in range(start, start + 2)])
    assert writer.commits == 3
    for pragma in BULK_PRAGMAS:
        name, value = pragma.removeprefix("PRAGMA ").split("=")
        assert store._db.execute(f"PRAGMA {name}").fetchone()[0] == int(value)
    assert store.count(SearchQuery(text="耐克")) == 10
