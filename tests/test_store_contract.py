"""The one contract every lead store keeps (CONTRACTS §3, §9, §10; index/store.py).

Every test runs once per backend through the ``store`` fixture (tests/store_backends.py), so the
embedded SQLite store and the search-node store cannot drift apart. Expected answers are computed
here from the data each test inserted, never read back from the store under test.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from typing import Any

import orjson
import pytest

from index.store import (FACET_FIELDS, CursorError, IndexCounts, LeadStore, SearchQuery, StoredLead, TransitionError,
                         lead_id, listing_hash)

RIGHTS = [
    {"id": "tm-nike", "kind": "trademark", "name": "NIKE", "variants": ["耐克"], "holder": "Nike"},
    {"id": "gi-maotai", "kind": "gi", "name": "茅台酒", "regions": ["贵州省遵义市"]},
    {"id": "sm-bingdwendwen", "kind": "special_mark", "name": "冰墩墩"},
]
KIND = {r["id"]: r["kind"] for r in RIGHTS}


def make_lead(n: int | str, right_id: str = "tm-nike", score: float = 0.9, title: str = "正品耐克运动鞋",
              **listing: Any) -> dict[str, Any]:
    url = f"https://shop.example/item/{n}"
    province = listing.pop("province", None)
    body = {"url": url, "platform": "bazaar", "listing_id": str(n), "title": title, "description": "",
            "price": 89.0, "seller_name": "潮鞋小铺", "seller_id": "s-1", "ship_from": "福建 莆田",
            "crawled_at": "2026-11-26T02:00:00Z", **listing}
    lead = {"url": url, "right_id": right_id, "score": score, "reasons": [f"reason for {n}"],
            "reason_codes": [{"code": "mark_in_title", "mark": "耐克"}], "listing": body}
    if province is not None:
        lead["ship_from_province"] = province
    return lead


def corpus(size: int = 60, seed: int = 3) -> list[dict[str, Any]]:
    """A mixed set: three rights, three platforms, four sellers, provinces (some unknown), tied scores."""
    rnd = random.Random(seed)
    titles = ["正品耐克运动鞋", "贵州茅台酒飞天53度", "nike air max 90", "耐克Nike空军一号", "冰墩墩手办摆件"]
    leads = []
    for i in range(size):
        seller = rnd.choice([("s-1", "潮鞋小铺"), ("s-2", "酒香老店"), ("s-3", "Outlet Store"), ("s-4", "冬奥纪念")])
        leads.append(make_lead(i, right_id=rnd.choice(list(KIND)), score=rnd.choice([0.95, 0.9, 0.9, 0.75, 0.6]),
                               title=f"{rnd.choice(titles)} {i}号", platform=rnd.choice(["bazaar", "openmall", "storefront"]),
                               seller_id=seller[0], seller_name=seller[1],
                               province=rnd.choice(["福建省", "广东省", "贵州省", ""])))
    return leads


def ids(leads: list[StoredLead]) -> list[str]:
    return [lead.id for lead in leads]


def everything(store: LeadStore, query: SearchQuery) -> list[StoredLead]:
    return store.search(SearchQuery(**{**query.__dict__, "limit": 0})).leads


@pytest.fixture
def filled(store: LeadStore) -> tuple[LeadStore, list[dict[str, Any]]]:
    store.put_rights(RIGHTS)
    leads = corpus()
    store.add_leads(leads)
    store.flush()
    return store, leads


# -- adding ------------------------------------------------------------------------------------------------
def test_adding_the_same_leads_twice_keeps_one_copy_of_each(store: LeadStore) -> None:
    leads = corpus(30)
    first = store.add_leads(leads)
    second = store.add_leads(leads)
    store.flush()
    assert (first.read, first.new, first.updated, first.unchanged, first.skipped) == (30, 30, 0, 0, 0)
    assert (second.read, second.new, second.updated, second.unchanged, second.skipped) == (30, 0, 0, 30, 0)
    found = everything(store, SearchQuery())
    assert sorted(ids(found)) == sorted(lead_id(x["url"], x["right_id"]) for x in leads)
    assert store.count(SearchQuery()) == 30


def test_a_lead_twice_in_one_batch_is_new_then_unchanged(store: LeadStore) -> None:
    lead = make_lead(1)
    counts = store.add_leads([lead, lead])
    store.flush()
    assert (counts.new, counts.unchanged) == (1, 1)
    assert store.count(SearchQuery()) == 1


def test_changed_score_or_listing_is_updated_and_keeps_status(store: LeadStore) -> None:
    lead = make_lead(1)
    store.add_leads([lead, make_lead(2)])
    store.transition([lead_id(lead["url"], "tm-nike")], "confirmed", actor="ana")
    rescored = {**lead, "score": 0.5}
    assert store.add_leads([rescored]).updated == 1
    retitled = {**rescored, "listing": {**lead["listing"], "title": "正品耐克运动鞋 新款"}}
    assert store.add_leads([retitled]).updated == 1
    recrawled = {**retitled, "listing": {**retitled["listing"], "crawled_at": "2026-11-30T00:00:00Z"}}
    assert store.add_leads([recrawled]).unchanged == 1, "the fetch time alone is no change"
    store.flush()
    got = store.get(lead_id(lead["url"], "tm-nike"))
    assert got is not None
    assert (got.score, got.status, got.listing["title"]) == (0.5, "confirmed", "正品耐克运动鞋 新款")


def test_listing_history_keeps_every_version_oldest_first(store: LeadStore) -> None:
    titles = ["耐克运动鞋 v1", "耐克运动鞋 v2", "耐克运动鞋 v3"]
    for i, title in enumerate(titles):
        store.add_leads([make_lead(7, title=title)], seen_at=f"2026-11-2{i}T00:00:00.000000Z")
    store.add_leads([make_lead(7, title=titles[-1])], seen_at="2026-11-29T00:00:00.000000Z")
    store.flush()
    history = store.listing_history("https://shop.example/item/7")
    assert [v.listing["title"] for v in history] == titles
    assert [v.content_hash for v in history] == [listing_hash(make_lead(7, title=t)["listing"]) for t in titles]
    assert history[0].first_seen.startswith("2026-11-20") and history[-1].last_seen.startswith("2026-11-29")
    assert store.listing_history("https://shop.example/item/nothing") == []


def test_see_listing_tells_new_unchanged_and_changed(store: LeadStore) -> None:
    listing = make_lead(5)["listing"]
    first = store.see_listing(listing)
    again = store.see_listing({**listing, "crawled_at": "2026-12-01T00:00:00Z"})
    changed = store.see_listing({**listing, "price": 59.0})
    store.flush()
    assert (first.known, first.changed) == (False, True)
    assert (again.known, again.changed) == (True, False)
    assert (changed.known, changed.changed) == (True, True)
    assert changed.content_hash == listing_hash({**listing, "price": 59.0})
    assert [v.listing["price"] for v in store.listing_history(listing["url"])] == [89.0, 59.0]


def test_stored_id_is_lead_id_of_url_and_right(store: LeadStore) -> None:
    lead = make_lead("a/b?c=1", right_id="gi-maotai")
    store.add_leads([lead])
    store.flush()
    expected = lead_id(lead["url"], "gi-maotai")
    assert isinstance(expected, str) and ids(everything(store, SearchQuery())) == [expected]
    assert store.get(expected) is not None and store.get("no-such-id") is None


def test_bad_leads_are_skipped_with_their_reason_and_the_rest_kept(store: LeadStore) -> None:
    good = make_lead(1)
    bad = [
        "not an object",
        {**make_lead(2), "score": 1.5},
        {**make_lead(3), "score": "high"},
        {k: v for k, v in make_lead(4).items() if k != "url"},
        {**make_lead(5), "reasons": "one reason"},
        {**make_lead(6), "listing": None},
        make_lead(7, title="耐克" * 6000),                         # a 12,000-character title
        make_lead(8, title="耐克\ud800运动鞋"),                     # a lone surrogate
        {**make_lead(9), "url": "https://shop.example/item/\udfff"},
        make_lead(10, title=""),
        make_lead(11, price="cheap"),
    ]
    counts = store.add_leads([bad[0], good, *bad[1:]])
    store.flush()
    assert (counts.read, counts.new, counts.skipped) == (len(bad) + 1, 1, len(bad))
    assert [position for position, _ in counts.problems] == [0, *range(2, len(bad) + 1)]
    assert all(isinstance(reason, str) and reason for _, reason in counts.problems)
    assert "title" in dict(counts.problems)[7] and "surrogate" in dict(counts.problems)[8]
    assert ids(everything(store, SearchQuery())) == [lead_id(good["url"], "tm-nike")]


def test_index_counts_add_up(store: LeadStore) -> None:
    total = store.add_leads([make_lead(1), "x"]) + store.add_leads([make_lead(1), make_lead(2)])
    assert (total.read, total.new, total.unchanged, total.skipped) == (4, 2, 1, 1)
    assert isinstance(total, IndexCounts) and len(total.problems) == 1


# -- search ------------------------------------------------------------------------------------------------
TEXTS = {
    "L1": {"title": "正品耐克运动鞋"},
    "L2": {"title": "贵州茅台酒飞天53度"},
    "L3": {"title": "nike air max"},
    "L4": {"title": "耐克Nike空军一号"},
    "L5": {"title": "ＮＩＫＥ 气垫跑鞋"},
    "L6": {"title": "耐 克 分开写"},
    "L7": {"title": "运动水杯", "description": "适合耐克爱好者的礼物"},
    "L8": {"title": "保温杯", "seller_name": "茅台镇酒坊"},
    "L9": {"title": "冰墩墩毛绒摆件"},
}


@pytest.mark.parametrize("query, expected", [
    ("耐克", {"L1", "L4", "L7"}),          # two characters inside longer runs; not across the space of L6
    ("茅台", {"L2", "L8"}),                # in a title and in a seller name
    ("nike", {"L3", "L4", "L5"}),          # English, a mixed title, full-width letters
    ("NIKE", {"L3", "L4", "L5"}),
    ("ＮＩＫＥ", {"L3", "L4", "L5"}),
    ("耐克nike", {"L4"}),
    ("耐克 空军", {"L4"}),                 # every word must be found
    ("飞天53度", {"L2"}),
    ("冰墩", {"L9"}),
    ("墩墩", {"L9"}),
    ("air max", {"L3"}),
    ("耐克爱好者", {"L7"}),                # a longer word in a description
    ("阿迪达斯", set()),
    ("max nike 茅台", set()),
])
def test_full_text_finds_chinese_english_and_mixed_words(store: LeadStore, query: str, expected: set[str]) -> None:
    store.add_leads([make_lead(name, **fields) for name, fields in TEXTS.items()])
    store.flush()
    found = everything(store, SearchQuery(text=query))
    assert {lead.url.rsplit("/", 1)[1] for lead in found} == expected


FILTERS: list[tuple[str, Any, Any]] = [
    ("right", ("gi-maotai",), lambda x: x["right_id"] == "gi-maotai"),
    ("right", ("gi-maotai", "sm-bingdwendwen"), lambda x: x["right_id"] != "tm-nike"),
    ("kind", ("trademark",), lambda x: KIND[x["right_id"]] == "trademark"),
    ("platform", ("openmall",), lambda x: x["listing"]["platform"] == "openmall"),
    ("seller", ("酒香老店",), lambda x: x["listing"]["seller_name"] == "酒香老店"),
    ("province", ("贵州省",), lambda x: x.get("ship_from_province") == "贵州省"),
    ("status", ("new",), lambda x: True),
    ("status", ("confirmed",), lambda x: False),
    ("min_score", 0.9, lambda x: x["score"] >= 0.9),
    ("max_score", 0.75, lambda x: x["score"] <= 0.75),
]


@pytest.mark.parametrize("name, value, keep", FILTERS, ids=[f"{n}={v}" for n, v, _ in FILTERS])
def test_every_filter_keeps_exactly_the_matching_leads(filled, name: str, value: Any, keep: Any) -> None:
    store, leads = filled
    expected = {lead_id(x["url"], x["right_id"]) for x in leads if keep(x)}
    query = SearchQuery(**{name: value})
    assert set(ids(everything(store, query))) == expected
    assert store.count(query) == len(expected) == store.search(query).total


def test_filters_combine_with_text(filled) -> None:
    store, leads = filled
    query = SearchQuery(text="耐克", platform=("bazaar", "openmall"), min_score=0.9)
    expected = {lead_id(x["url"], x["right_id"]) for x in leads if "耐克" in x["listing"]["title"]
                and x["listing"]["platform"] in ("bazaar", "openmall") and x["score"] >= 0.9}
    assert expected and set(ids(everything(store, query))) == expected


def test_since_and_until_filter_by_first_seen(store: LeadStore) -> None:
    store.add_leads([make_lead(1)], seen_at="2026-11-01T00:00:00.000000Z")
    store.add_leads([make_lead(2)], seen_at="2026-11-15T00:00:00.000000Z")
    store.add_leads([make_lead(1)], seen_at="2026-11-20T00:00:00.000000Z")  # seen again: first_seen stays
    store.flush()
    late = everything(store, SearchQuery(since="2026-11-10T00:00:00Z"))
    early = everything(store, SearchQuery(until="2026-11-10T00:00:00Z"))
    assert [x.url for x in late] == ["https://shop.example/item/2"]
    assert [x.url for x in early] == ["https://shop.example/item/1"]
    assert early[0].first_seen.startswith("2026-11-01") and early[0].last_seen.startswith("2026-11-20")


@pytest.mark.parametrize("query", [SearchQuery(), SearchQuery(text="耐克"), SearchQuery(kind=("gi",), min_score=0.8)],
                         ids=["all", "text", "kind+score"])
def test_facet_counts_match_counts_of_the_matched_leads(filled, query: SearchQuery) -> None:
    store, leads = filled
    matched = {lead.id for lead in everything(store, query)}
    mine = [x for x in leads if lead_id(x["url"], x["right_id"]) in matched]
    values = {"right": lambda x: x["right_id"], "kind": lambda x: KIND[x["right_id"]],
              "platform": lambda x: x["listing"]["platform"], "seller": lambda x: x["listing"]["seller_name"],
              "province": lambda x: x.get("ship_from_province", ""), "status": lambda x: "new"}
    facets = store.facets(query, size=3)
    assert set(facets) == set(FACET_FIELDS)
    for name, value_of in values.items():
        counted = Counter(value_of(x) for x in mine if value_of(x))
        expected = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        assert [(f.value, f.count) for f in facets[name]] == expected, name


def test_facets_follow_status_changes(filled) -> None:
    store, leads = filled
    chosen = [lead_id(x["url"], x["right_id"]) for x in leads[:4]]
    store.transition(chosen, "confirmed", actor="ana")
    store.flush()
    status = {f.value: f.count for f in store.facets(SearchQuery(), fields=["status"])["status"]}
    assert status == {"new": len(leads) - 4, "confirmed": 4}


FACETED = {"right": lambda x: x.right_id, "kind": lambda x: x.kind, "platform": lambda x: x.listing["platform"],
           "seller": lambda x: x.listing["seller_name"], "province": lambda x: x.province, "status": lambda x: x.status}


@pytest.mark.parametrize("query", [SearchQuery(), SearchQuery(platform=("openmall",)),
                                   SearchQuery(kind=("trademark", "gi"), status=("confirmed", "new"))],
                         ids=["all", "platform", "kind+status"])
def test_facet_counts_and_totals_follow_adds_updates_steps_and_kind_changes(store: LeadStore,
                                                                           query: SearchQuery) -> None:
    leads = corpus(80, seed=5)
    store.add_leads(leads[:50])
    store.put_rights(RIGHTS[:2])  # sm-bingdwendwen's leads have no kind yet
    store.add_leads(leads[50:])
    moved = [{**x, "ship_from_province": "贵州省", "listing": {**x["listing"], "platform": "openmall",
              "seller_name": "新店名", "title": x["listing"]["title"] + " 新款"}} for x in leads[:12]]
    store.add_leads(moved)  # platform, province and seller change
    chosen = [lead_id(x["url"], x["right_id"]) for x in leads[5:25]]
    store.transition(chosen, "confirmed", actor="ana")
    store.transition(chosen[:6], "dismissed", actor="ana")
    store.put_rights(RIGHTS)  # the special mark's kind arrives
    store.flush()
    for step in ("steps", "more"):
        matched = everything(store, query)
        assert store.count(query) == len(matched) == store.search(query).total
        facets = store.facets(query, size=50)
        for name, value_of in FACETED.items():
            counted = Counter(value_of(x) for x in matched if value_of(x))
            expected = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
            assert [(f.value, f.count) for f in facets[name]] == expected, (step, name)
        if step == "more":
            break
        store.transition(chosen[6:9], "notified", actor="office")
        store.add_leads([make_lead(900 + i, platform="openmall", seller_name="新店名") for i in range(3)])
        store.flush()


def test_kind_comes_from_the_rights_even_when_they_arrive_later(store: LeadStore) -> None:
    store.add_leads([make_lead(1, right_id="gi-maotai"), make_lead(2)])
    store.put_rights(RIGHTS)
    store.flush()
    assert store.get_right("gi-maotai")["kind"] == "gi" and store.get_right("nope") is None
    assert [x.url for x in everything(store, SearchQuery(kind=("gi",)))] == ["https://shop.example/item/1"]
    assert store.get(lead_id("https://shop.example/item/2", "tm-nike")).kind == "trademark"


def test_sort_by_score_then_id_and_by_date(store: LeadStore) -> None:
    leads = [make_lead(i, score=s) for i, s in enumerate([0.6, 0.9, 0.9, 0.75, 0.9, 0.6])]
    for i, lead in enumerate(leads):
        store.add_leads([lead], seen_at=f"2026-11-{10 + (i % 3):02d}T00:00:00.000000Z")
    store.flush()
    by_score = everything(store, SearchQuery(sort="score"))
    expected = sorted(leads, key=lambda x: (-x["score"], lead_id(x["url"], x["right_id"])))
    assert ids(by_score) == [lead_id(x["url"], x["right_id"]) for x in expected]
    by_date = everything(store, SearchQuery(sort="date"))
    keys = [(x.first_seen, x.id) for x in by_date]
    assert keys == sorted(keys, key=lambda k: (-datetime.fromisoformat(k[0].replace("Z", "+00:00")).timestamp(), k[1]))


@pytest.mark.parametrize("sort", ["score", "date"])
def test_keyset_pages_return_every_lead_exactly_once(store: LeadStore, sort: str) -> None:
    rnd = random.Random(11)
    leads = [make_lead(i, score=rnd.choice([0.9, 0.8, 0.8, 0.7])) for i in range(57)]
    for start in range(0, 57, 10):  # a few first_seen values, many ties
        store.add_leads(leads[start:start + 10], seen_at=f"2026-11-{10 + start // 20:02d}T00:00:00.000000Z")
    store.flush()
    walked: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = store.search(SearchQuery(sort=sort, limit=5, after=cursor))
        assert page.total == 57 and len(page.leads) <= 5
        walked += ids(page.leads)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == 12 and len(walked) == len(set(walked)) == 57
    assert walked == ids(everything(store, SearchQuery(sort=sort)))


def test_keyset_pages_with_a_text_filter(filled) -> None:
    store, _ = filled
    query = SearchQuery(text="耐克", limit=4)
    expected = ids(everything(store, query))
    walked, cursor = [], None
    while True:
        page = store.search(SearchQuery(text="耐克", limit=4, after=cursor))
        walked += ids(page.leads)
        if not (cursor := page.next_cursor):
            break
    assert walked == expected and len(expected) > 8


def test_a_cursor_the_store_did_not_hand_out_is_refused_as_such(filled) -> None:
    store, _ = filled
    good = store.search(SearchQuery(limit=3)).next_cursor
    for forged in ("confirmed", ",", good[:-3], "x" + good):
        with pytest.raises(CursorError):
            store.search(SearchQuery(limit=3, after=forged))
    by_date = store.search(SearchQuery(limit=3, sort="date")).next_cursor
    with pytest.raises(CursorError):  # a cursor of another sort order (a hand-edited link)
        store.search(SearchQuery(limit=3, sort="score", after=by_date))


def test_limit_and_total(filled) -> None:
    store, leads = filled
    page = store.search(SearchQuery(limit=7))
    assert len(page.leads) == 7 and page.total == len(leads) and page.next_cursor
    assert len(store.search(SearchQuery(limit=0)).leads) == len(leads)
    last = store.search(SearchQuery(limit=len(leads)))
    assert len(last.leads) == len(leads) and last.next_cursor is None


# -- lifecycle ---------------------------------------------------------------------------------------------
def test_lifecycle_steps_allowed_by_section_10(store: LeadStore) -> None:
    store.add_leads([make_lead(1)])
    one = lead_id(make_lead(1)["url"], "tm-nike")
    for status in ["confirmed", "notified", "removed", "still_online", "notified", "counter_notice", "dismissed"]:
        step, = store.transition([one], status, actor="ana")
        assert step.to_status == status
    store.flush()
    assert store.get(one).status == "dismissed"


@pytest.mark.parametrize("path, bad", [([], "notified"), ([], "removed"), (["dismissed"], "notified"),
                                       (["confirmed"], "new"), (["confirmed", "notified"], "confirmed"),
                                       ([], "no-such-status")])
def test_disallowed_steps_raise_and_change_nothing(store: LeadStore, path: list[str], bad: str) -> None:
    store.add_leads([make_lead(1)])
    one = lead_id(make_lead(1)["url"], "tm-nike")
    for status in path:
        store.transition([one], status, actor="ana")
    with pytest.raises(TransitionError):
        store.transition([one], bad, actor="ana")
    store.flush()
    assert store.get(one).status == (path[-1] if path else "new")
    assert len(store.history(one)) == len(path)


def test_a_batch_of_steps_is_all_or_nothing(store: LeadStore) -> None:
    store.add_leads([make_lead(1), make_lead(2), make_lead(3)])
    a, b, c = (lead_id(make_lead(i)["url"], "tm-nike") for i in (1, 2, 3))
    store.transition([b], "dismissed", actor="ana")
    with pytest.raises(TransitionError):
        store.transition([a, b, c], "notified", actor="ana")  # a and c may not either: new → notified
    with pytest.raises((TransitionError, LookupError)):
        store.transition([a, "no-such-lead", c], "confirmed", actor="ana")
    store.flush()
    assert [store.get(x).status for x in (a, b, c)] == ["new", "dismissed", "new"]
    assert store.history(a) == [] and store.history(c) == []
    made = store.transition([a, c], "confirmed", actor="ana", note="both fakes")
    assert [(t.lead_id, t.from_status, t.to_status) for t in made] == [(a, "new", "confirmed"), (c, "new", "confirmed")]


def test_history_keeps_time_actor_and_note_oldest_first(store: LeadStore) -> None:
    store.add_leads([make_lead(1)])
    one = lead_id(make_lead(1)["url"], "tm-nike")
    store.transition([one], "confirmed", actor="ana", note="高仿 wording", at="2026-11-27T10:00:00.000000Z")
    store.transition([one], "notified", actor="routine", at="2026-11-27T11:00:00.000000Z")
    store.flush()
    history = store.history(one)
    assert [(t.from_status, t.to_status, t.actor, t.note) for t in history] == [
        ("new", "confirmed", "ana", "高仿 wording"), ("confirmed", "notified", "routine", "")]
    assert [t.at[:19] for t in history] == ["2026-11-27T10:00:00", "2026-11-27T11:00:00"]
    assert all(t.lead_id == one for t in history)


# -- evidence and sellers ----------------------------------------------------------------------------------
def test_evidence_references_reach_every_lead_on_the_url(store: LeadStore) -> None:
    url = make_lead(1)["url"]
    store.add_leads([make_lead(1), make_lead(1, right_id="gi-maotai"), make_lead(2)])
    ref = {"entry": 3, "captured_at": "2026-11-26T02:01:00Z", "sha256": {"screenshot": "ab" * 32}, "warc": "x.warc.gz"}
    store.add_evidence(url, ref)
    store.flush()
    assert store.get(lead_id(url, "tm-nike")).evidence == [ref]
    assert store.get(lead_id(url, "gi-maotai")).evidence == [ref]
    assert store.get(lead_id(make_lead(2)["url"], "tm-nike")).evidence == []


def test_sellers_put_repeat_infringers_first(store: LeadStore) -> None:
    def seller_leads(sid: str, name: str, n: int, start: int) -> list[dict[str, Any]]:
        return [make_lead(f"{sid}-{start + i}", seller_id=sid, seller_name=name) for i in range(n)]

    store.add_leads(seller_leads("s-a", "仿牌小店", 3, 0) + seller_leads("s-b", "大卖场", 5, 0)
                    + seller_leads("s-c", "一次店", 1, 0), seen_at="2026-11-01T00:00:00.000000Z")
    store.add_leads(seller_leads("s-a", "仿牌小店2号", 1, 3), seen_at="2026-11-20T00:00:00.000000Z")
    a = [lead_id(f"https://shop.example/item/s-a-{i}", "tm-nike") for i in range(4)]
    store.transition(a[:3], "confirmed", actor="ana", at="2026-11-21T00:00:00.000000Z")
    store.transition(a[:2], "notified", actor="routine")
    store.transition(a[:1], "removed", actor="platform")
    store.transition([lead_id("https://shop.example/item/s-c-0", "tm-nike")], "confirmed", actor="ana")
    store.flush()
    top = store.sellers()
    assert [(s.seller_id, s.leads, s.confirmed, s.takedowns) for s in top] == [
        ("s-a", 4, 3, 1), ("s-c", 1, 1, 0), ("s-b", 5, 0, 0)]
    a_summary = store.seller("bazaar", "s-a")
    assert a_summary == top[0] and a_summary.name == "仿牌小店2号"   # the latest name
    assert a_summary.first_seen.startswith("2026-11-01") and a_summary.last_seen.startswith("2026-11-20")
    assert a_summary.last_confirmed.startswith("2026-11-21") and top[2].last_confirmed is None
    assert [s.seller_id for s in store.sellers(min_leads=2)] == ["s-a", "s-b"]
    assert len(store.sellers(limit=1)) == 1 and store.seller("bazaar", "nobody") is None


# -- what search --format json prints ----------------------------------------------------------------------
def test_to_json_is_the_section_3_lead_plus_store_fields(store: LeadStore) -> None:
    lead = make_lead(1, province="福建省")
    store.add_leads([lead])
    store.flush()
    row = store.get(lead_id(lead["url"], "tm-nike")).to_json()
    assert list(row)[:9] == ["id", "url", "right_id", "score", "reasons", "listing", "status", "first_seen",
                             "last_seen"]
    assert {k: row[k] for k in ("url", "right_id", "score", "reasons", "listing", "reason_codes")} == \
        {k: lead[k] for k in ("url", "right_id", "score", "reasons", "listing", "reason_codes")}
    assert row["id"] == lead_id(lead["url"], "tm-nike") and row["status"] == "new" and row["province"] == "福建省"
    for key in ("first_seen", "last_seen"):
        assert row[key].endswith("Z") and datetime.fromisoformat(row[key].replace("Z", "+00:00")).utcoffset().total_seconds() == 0
    assert orjson.loads(orjson.dumps(row)) == row


# -- statistics (dashboard, period reports) ----------------------------------------------------------------
def _dated_corpus(store: LeadStore) -> list[tuple[str, dict[str, Any]]]:
    """The corpus spread over four days (each lead indexed at its own day), kept as (day, lead)."""
    store.put_rights(RIGHTS)
    days = ["2026-11-01", "2026-11-02", "2026-11-02", "2026-11-05"]
    placed = []
    for i, lead in enumerate(corpus(40, seed=8)):
        day = days[i % len(days)]
        store.add_leads([lead], seen_at=f"{day}T0{i % 10}:00:00.000000Z")
        placed.append((day, lead))
    store.flush()
    return placed


def test_histogram_counts_leads_per_day_and_split(store: LeadStore) -> None:
    placed = _dated_corpus(store)
    plain = store.histogram(SearchQuery())
    assert [(b.day, b.value, b.count) for b in plain] == [(d, "", n) for d, n in sorted(Counter(d for d, _ in placed).items())]
    by_kind = store.histogram(SearchQuery(), split_by="kind")
    expected = Counter((d, KIND[lead["right_id"]]) for d, lead in placed)
    assert [(b.day, b.value, b.count) for b in by_kind] == [(d, v, n) for (d, v), n in sorted(expected.items())]
    by_platform = store.histogram(SearchQuery(kind=("gi",)), split_by="platform")
    expected = Counter((d, lead["listing"]["platform"]) for d, lead in placed if KIND[lead["right_id"]] == "gi")
    assert [(b.day, b.value, b.count) for b in by_platform] == [(d, v, n) for (d, v), n in sorted(expected.items())]
    windowed = store.histogram(SearchQuery(since="2026-11-02", until="2026-11-03"))
    assert [(b.day, b.count) for b in windowed] == [("2026-11-02", sum(d == "2026-11-02" for d, _ in placed))]
    with pytest.raises(ValueError):
        store.histogram(SearchQuery(), split_by="title")


def test_transition_histogram_and_notice_to_removal_hours(store: LeadStore) -> None:
    store.put_rights(RIGHTS)
    store.add_leads([make_lead(i) for i in range(6)])
    store.flush()
    lid = [lead_id(f"https://shop.example/item/{i}", "tm-nike") for i in range(6)]
    store.transition(lid[:5], "confirmed", "ana", at="2026-11-01T08:00:00.000000Z")
    store.transition([lid[5]], "dismissed", "ana", at="2026-11-01T09:00:00.000000Z")
    store.transition(lid[:4], "notified", "ana", at="2026-11-02T10:00:00.000000Z")
    store.transition([lid[0]], "removed", "bot", at="2026-11-02T16:00:00.000000Z")   # 6 h
    store.transition([lid[1]], "removed", "bot", at="2026-11-04T10:00:00.000000Z")   # 48 h
    store.transition([lid[2]], "rejected", "bot", at="2026-11-04T11:00:00.000000Z")
    # removed, found online again, notified again, removed again: timed from the second notice
    store.transition([lid[0]], "still_online", "bot", at="2026-11-05T00:00:00.000000Z")
    store.transition([lid[0]], "notified", "ana", at="2026-11-06T00:00:00.000000Z")
    store.transition([lid[0]], "removed", "bot", at="2026-11-06T12:30:00.000000Z")   # 12.5 h
    store.flush()
    steps = [(b.day, b.value, b.count) for b in store.transition_histogram()]
    assert steps == [("2026-11-01", "confirmed", 5), ("2026-11-01", "dismissed", 1), ("2026-11-02", "notified", 4),
                     ("2026-11-02", "removed", 1), ("2026-11-04", "rejected", 1), ("2026-11-04", "removed", 1),
                     ("2026-11-05", "still_online", 1), ("2026-11-06", "notified", 1), ("2026-11-06", "removed", 1)]
    assert [(b.day, b.value) for b in store.transition_histogram("2026-11-02T12:00:00Z", "2026-11-05")] == \
        [("2026-11-02", "removed"), ("2026-11-04", "rejected"), ("2026-11-04", "removed")]
    assert store.notice_to_removal_hours() == [6.0, 12.5, 48.0]
    assert store.notice_to_removal_hours(since="2026-11-03") == [12.5, 48.0]
    assert store.notice_to_removal_hours(until="2026-11-01") == []
