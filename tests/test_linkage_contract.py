"""The linkage store's contract (index/linkage.py) on both lead-store backends.

Every test runs on the SQLite store and on the search-node store (the ``store`` fixture of
tests/store_backends.py), so ``store.linkage`` behaves the same whichever holds the leads. Times are
explicit (a fake clock): settle times, retries and the counter-notice deadline never wait.
Expected answers are computed here from what each test put in.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

import feeds.notices  # noqa: F401  (registers the NOTICE composer)
from index.linkage import DispositionError, LinkageError, UnknownParty
from index.linkage_sqlite import canon
from index.store import LeadStore, lead_id

RIGHTS = [
    {"id": "tm-nike", "kind": "trademark", "name": "NIKE", "variants": ["耐克"], "holder": "Nike Innovate C.V.",
     "registration_no": "146658", "nice_classes": [25]},
    {"id": "gi-crab", "kind": "gi", "name": "阳澄湖大闸蟹", "holder": "苏州市阳澄湖大闸蟹行业协会",
     "nice_classes": [31], "regions": ["江苏省苏州市"]},
    {"id": "sm-bingdwendwen", "kind": "special_mark", "name": "冰墩墩", "holder": "北京冬奥组委"},
]
T0 = "2026-11-26T02:00:00Z"


def at(seconds: float) -> str:
    """T0 + seconds, as a caller would pass it."""
    from datetime import datetime, timedelta, timezone

    base = datetime(2026, 11, 26, 2, 0, 0, tzinfo=timezone.utc)
    return (base + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def lead(n: int, right_id: str = "tm-nike", platform: str = "bazaar", province: str = "福建省",
         **listing: Any) -> dict[str, Any]:
    url = f"https://{platform}.example/item/{n}"
    body = {"url": url, "platform": platform, "listing_id": str(n), "title": f"耐克运动鞋 {n}", "price": 89.0 + n,
            "seller_name": f"小铺{n % 3}", "seller_id": f"s-{n % 3}", "ship_from": "福建 莆田",
            "crawled_at": T0, **listing}
    return {"url": url, "right_id": right_id, "score": 0.9, "reasons": [f"mark in title ({n})"], "listing": body,
            "ship_from_province": province}


def add_and_confirm(store: LeadStore, leads: list[dict[str, Any]], when: str) -> list[str]:
    store.add_leads(leads, seen_at=T0)
    ids = [lead_id(x["url"], x["right_id"]) for x in leads]
    store.transition(ids, "confirmed", "analyst", at=when)
    store.flush()
    return ids


@pytest.fixture
def linked(store: LeadStore) -> LeadStore:
    store.put_rights(RIGHTS)
    return store


# -- notices: grouping, settle time, chunks ------------------------------------------------------------

def test_notices_group_by_platform_and_right_after_the_settle_time(linked: LeadStore) -> None:
    store = linked
    nike_bazaar = add_and_confirm(store, [lead(i) for i in range(3)], at(0))
    crab_bazaar = add_and_confirm(store, [lead(10, "gi-crab")], at(10))
    nike_openmall = add_and_confirm(store, [lead(20, platform="openmall"), lead(21, platform="openmall")], at(20))
    linkage = store.linkage

    assert linkage.create_due_notices(at(59), settle_seconds=60) == []  # the newest confirmation is 59 s old
    first = linkage.create_due_notices(at(60), settle_seconds=60)
    assert len(first) == 1
    assert set(x["lead_id"] for x in linkage.notice(first[0])["listings"]) == set(nike_bazaar)
    # A late confirmation of the same group waits for its own settle time.
    late = add_and_confirm(store, [lead(3)], at(65))
    rest = linkage.create_due_notices(at(80), settle_seconds=60)
    groups = {(n["platform"], n["right"]["id"]): {x["lead_id"] for x in n["listings"]}
              for n in map(linkage.notice, rest)}
    assert groups == {("bazaar", "gi-crab"): set(crab_bazaar), ("openmall", "tm-nike"): set(nike_openmall)}
    assert linkage.create_due_notices(at(124), settle_seconds=60) == []
    again = linkage.create_due_notices(at(125), settle_seconds=60)
    assert [[x["lead_id"] for x in linkage.notice(i)["listings"]] for i in again] == [late]
    store.flush()
    for i in nike_bazaar + crab_bazaar + nike_openmall + late:
        assert store.get(i).status == "notified"
        assert [t.to_status for t in store.history(i)] == ["confirmed", "notified"]
    assert linkage.notices_of_lead(late[0]) == again
    # Ids sort by creation, and so do their feed positions.
    made = first + rest + again
    assert [linkage.notice_seq(i) for i in made] == sorted(linkage.notice_seq(i) for i in made)
    assert made == sorted(made)


def test_a_big_group_is_cut_into_chunks_of_max_listings(linked: LeadStore) -> None:
    ids = add_and_confirm(linked, [lead(i) for i in range(12)], at(0))
    made = linked.linkage.create_due_notices(at(60), settle_seconds=60, max_listings=5)
    sizes = [len(linked.linkage.notice(i)["listings"]) for i in made]
    assert sizes == [5, 5, 2]
    seen = [x["lead_id"] for i in made for x in linked.linkage.notice(i)["listings"]]
    assert sorted(seen) == sorted(ids)  # each lead in exactly one notice


def test_notice_json_carries_the_section_7_fields_and_what_art_42_needs(linked: LeadStore) -> None:
    store = linked
    store.add_leads([lead(1, "gi-crab", shop_address="江苏省苏州市相城区阳澄湖镇1号")], seen_at=T0)
    lid = lead_id("https://bazaar.example/item/1", "gi-crab")
    store.add_evidence("https://bazaar.example/item/1",
                       {"entry": 4, "captured_at": at(1), "sha256": {"screenshot": "a" * 64, "html": "b" * 64},
                        "warc": "c.warc.gz"})
    store.transition([lid], "confirmed", "analyst", at=at(0))
    store.flush()
    (notice_id,) = store.linkage.create_due_notices(at(60), 60)
    notice = store.linkage.notice(notice_id)
    assert {"id", "created_at", "platform", "right", "listings", "evidence", "reasons", "requested_measure",
            "status"} <= set(notice)
    assert (notice["id"], notice["platform"], notice["status"], notice["requested_measure"]) == (
        notice_id, "bazaar", "sent", "remove")
    right = notice["right"]
    assert {k: right[k] for k in ("id", "kind", "name", "holder", "nice_classes", "regions")} == {
        "id": "gi-crab", "kind": "gi", "name": "阳澄湖大闸蟹", "holder": "苏州市阳澄湖大闸蟹行业协会",
        "nice_classes": [31], "regions": ["江苏省苏州市"]}
    assert right["production_area"] == ["江苏省苏州市"] and "registration_no" in right
    (item,) = notice["listings"]
    assert {k: item[k] for k in ("url", "listing_id", "seller_name", "seller_id", "title", "price")} == {
        "url": "https://bazaar.example/item/1", "listing_id": "1", "seller_name": "小铺1", "seller_id": "s-1",
        "title": "耐克运动鞋 1", "price": 90.0}
    (evidence,) = notice["evidence"]
    assert evidence["listing_url"] == item["url"] and evidence["sha256"] == {"screenshot": "a" * 64, "html": "b" * 64}
    assert evidence["captured_at"] == at(1)
    assert evidence["download_url"] == f"/api/v1/notices/{notice_id}/evidence/0.wacz"
    assert notice["reasons"] == ["mark in title (1)"]
    assert notice["holder"]["name"] == "苏州市阳澄湖大闸蟹行业协会"
    assert "真实" in notice["good_faith_statement"] and notice["sender"]["name"]


def test_special_marks_name_their_regulation(linked: LeadStore) -> None:
    add_and_confirm(linked, [lead(1, "sm-bingdwendwen")], at(0))
    (notice_id,) = linked.linkage.create_due_notices(at(60), 60)
    assert "奥林匹克标志保护条例" in linked.linkage.notice(notice_id)["right"]["basis"]


# -- feed ----------------------------------------------------------------------------------------------

def test_feed_pages_oldest_first_by_sequence_and_only_the_partys_own(linked: LeadStore) -> None:
    store = linked
    add_and_confirm(store, [lead(0), lead(1, "gi-crab"), lead(2, "sm-bingdwendwen"), lead(3, "gi-crab"),
                            lead(4, platform="openmall")], at(0))
    assert len(store.linkage.create_due_notices(at(0), 0)) == 4
    pages, after = [], 0
    while True:
        page = store.linkage.feed("platform", "bazaar", after, 2)
        if not page:
            break
        pages.append([doc["id"] for _, doc in page])
        after = page[-1][0]
    assert [len(p) for p in pages] == [2, 1]
    flat = [i for p in pages for i in p]
    assert flat == sorted(flat) and all(store.linkage.notice(i)["platform"] == "bazaar" for i in flat)
    assert [doc["platform"] for _, doc in store.linkage.feed("platform", "openmall", 0, 10)] == ["openmall"]
    assert store.linkage.notice("ntc-9999999") is None


# -- dispositions and the counter-notice clock ---------------------------------------------------------

def test_dispositions_step_the_leads_and_a_counter_notice_starts_the_15_day_clock(linked: LeadStore) -> None:
    store = linked
    removed_ids = add_and_confirm(store, [lead(1), lead(2)], at(0))
    countered = add_and_confirm(store, [lead(3, "gi-crab")], at(0))
    rejected = add_and_confirm(store, [lead(4, "sm-bingdwendwen")], at(0))
    made = store.linkage.create_due_notices(at(60), 60)
    by_right = {store.linkage.notice(i)["right"]["id"]: i for i in made}
    linkage = store.linkage

    done = linkage.record_disposition(by_right["tm-nike"], "bazaar", "removed", at="2026-11-26T14:01:00Z")
    assert done["status"] == "removed"
    # Same answer twice is harmless; a different one is refused; another platform sees no such notice.
    assert linkage.record_disposition(by_right["tm-nike"], "bazaar", "removed", at=at(9999))["status"] == "removed"
    with pytest.raises(DispositionError):
        linkage.record_disposition(by_right["tm-nike"], "bazaar", "rejected", reason="x", at=at(9999))
    with pytest.raises(KeyError):
        linkage.record_disposition(by_right["tm-nike"], "openmall", "removed", at=at(9999))
    with pytest.raises(LinkageError):
        linkage.record_disposition(by_right["gi-crab"], "bazaar", "deleted", at=at(9999))
    linkage.record_disposition(by_right["sm-bingdwendwen"], "bazaar", "rejected", reason="授权商品", at=at(100))
    counter = linkage.record_disposition(by_right["gi-crab"], "bazaar", "counter_notice",
                                         declaration="本店商品产自苏州阳澄湖", at="2026-11-27T00:00:00Z")
    assert counter["counter_notice_deadline"].startswith("2026-12-12T00:00:00")  # + 15 days (Art. 43)
    assert counter["disposition"]["declaration"] == "本店商品产自苏州阳澄湖"
    store.flush()
    assert {store.get(i).status for i in removed_ids} == {"removed"}
    assert store.get(countered[0]).status == "counter_notice"
    assert store.get(rejected[0]).status == "rejected"

    assert linkage.counter_notices_due("2026-12-08T23:59:00Z", warn_days=3) == []  # 3 days + 1 min ahead
    (due,) = linkage.counter_notices_due("2026-12-09T00:00:00Z", warn_days=3)
    assert (due["notice_id"], due["overdue"], due["days_left"]) == (by_right["gi-crab"], False, 3.0)
    (late,) = linkage.counter_notices_due("2026-12-13T00:00:00Z", warn_days=3)
    assert late["overdue"] is True and late["days_left"] == -1.0
    store.transition(countered, "confirmed", "analyst", at="2026-12-01T00:00:00Z")  # holder complained
    store.flush()
    assert linkage.counter_notices_due("2026-12-13T00:00:00Z", warn_days=3) == []

    (bazaar,) = linkage.linkage_stats()
    assert {k: bazaar[k] for k in ("platform", "notices", "listings", "removed", "rejected", "counter")} == {
        "platform": "bazaar", "notices": 3, "listings": 4, "removed": 2, "rejected": 1, "counter": 1}
    assert bazaar["takedown_rate"] == 0.5 and bazaar["counter_notice_rate"] == 0.25
    assert bazaar["median_hours_to_removal"] == 12.0  # created 02:01, removed 14:01


def test_a_removed_listing_found_online_is_still_online_and_can_be_sent_again(linked: LeadStore) -> None:
    store = linked
    ids = add_and_confirm(store, [lead(1), lead(2)], at(0))
    (notice_id,) = store.linkage.create_due_notices(at(60), 60)
    store.linkage.record_disposition(notice_id, "bazaar", "removed", at=at(120))
    assert store.linkage.mark_still_online("https://bazaar.example/item/1", at(3600)) == [ids[0]]
    assert store.linkage.mark_still_online("https://bazaar.example/item/1", at(3700)) == []  # already
    store.flush()
    assert [store.get(i).status for i in ids] == ["still_online", "removed"]
    again = store.linkage.resend(notice_id, at(4000))
    assert [x["lead_id"] for x in store.linkage.notice(again)["listings"]] == [ids[0]]
    store.flush()
    assert store.get(ids[0]).status == "notified"
    assert store.linkage.resend(notice_id, at(4100)) is None


# -- parties, keys and secrets ------------------------------------------------------------------------

def test_keys_are_stored_hashed_and_rotate_and_revoke(store: LeadStore) -> None:
    linkage = store.linkage
    creds = linkage.add_platform("bazaar", "http://127.0.0.1:9/hook")
    secret = base64.b64decode(creds.webhook_secret.removeprefix("whsec_"))
    assert creds.webhook_secret.startswith("whsec_") and len(secret) >= 24
    assert linkage.party_for_key(creds.api_key).name == "bazaar"
    assert linkage.party_for_key(creds.api_key + "x") is None and linkage.party_for_key("") is None
    with pytest.raises(LinkageError):
        linkage.add_platform("bazaar")
    new_key = linkage.rotate_key("platform", "bazaar")
    assert linkage.party_for_key(creds.api_key) is None and linkage.party_for_key(new_key).kind == "platform"
    linkage.revoke_key("platform", "bazaar")
    assert linkage.party_for_key(new_key) is None
    with pytest.raises(UnknownParty):
        linkage.rotate_key("platform", "nobody")
    # Secrets: after a rotation the old one signs beside the new one until the overlap ends.
    assert linkage.signing_secrets("platform", "bazaar", at(0)) == [creds.webhook_secret]
    rotated = linkage.rotate_secret("platform", "bazaar", now=at(0), overlap_seconds=600)
    assert linkage.signing_secrets("platform", "bazaar", at(599)) == [rotated, creds.webhook_secret]
    assert linkage.signing_secrets("platform", "bazaar", at(600)) == [rotated]
    office = linkage.add_office("苏浙协作", ["江苏省", "浙江省"])
    assert linkage.party_for_key(office.api_key).regions == ("江苏省", "浙江省")
    assert [(e.kind, e.name) for e in linkage.endpoints()] == [("platform", "bazaar"), ("office", "苏浙协作")]
    linkage.disable_endpoint("platform", "bazaar", "410 Gone")
    assert linkage.endpoint("platform", "bazaar").enabled is False
    linkage.set_webhook("platform", "bazaar", "http://127.0.0.1:9/new")
    assert linkage.endpoint("platform", "bazaar").enabled is True


def test_the_database_holds_no_key_in_clear(tmp_path) -> None:
    from index.sqlite_store import SQLiteStore

    with SQLiteStore(tmp_path / "store.sqlite") as store:
        creds = store.linkage.add_platform("bazaar")
        store.flush()
    raw = (tmp_path / "store.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("store.sqlite-*"))
    assert creds.api_key.encode() not in raw
    assert hashlib.sha256(creds.api_key.encode()).hexdigest().encode() in raw


# -- outbox --------------------------------------------------------------------------------------------

def test_outbox_rows_are_written_with_the_notice_leased_retried_and_replayed(linked: LeadStore) -> None:
    store = linked
    linkage = store.linkage
    linkage.add_platform("bazaar", "http://127.0.0.1:9/hook")
    linkage.add_platform("openmall")  # pull only: no outbox rows
    add_and_confirm(store, [lead(1), lead(2, platform="openmall")], at(0))
    made = linkage.create_due_notices(at(60), 60)
    (delivery,) = linkage.due_deliveries(at(60))
    bazaar_notice = next(i for i in made if linkage.notice(i)["platform"] == "bazaar")
    assert delivery.notice_id == bazaar_notice and delivery.id.startswith("msg_")
    assert delivery.url == "http://127.0.0.1:9/hook" and b'"id":"' + bazaar_notice.encode() in delivery.payload
    (taken,) = linkage.lease_deliveries(at(60), lease_seconds=30)
    assert linkage.lease_deliveries(at(61), lease_seconds=30) == []  # leased: nobody else takes it
    assert [d.id for d in linkage.lease_deliveries(at(90), 30)] == [taken.id]  # lease over: due again
    linkage.record_attempt(taken.id, at(91), 500, "server error", next_at=at(96), dead=False)
    assert linkage.due_deliveries(at(95)) == []
    retry = linkage.due_deliveries(at(96))[0]
    assert (retry.id, retry.attempt, retry.last_status) == (taken.id, 1, 500)
    linkage.record_attempt(taken.id, at(97), 503, "busy", next_at=None, dead=True)
    assert [d.id for d in linkage.dead_letters()] == [taken.id] and linkage.due_deliveries(at(10**6)) == []
    assert linkage.replay(now=at(200)) == 1
    replayed = linkage.due_deliveries(at(200))[0]
    assert (replayed.id, replayed.attempt, replayed.payload) == (taken.id, 0, delivery.payload)
    linkage.record_attempt(taken.id, at(201), 200, "", next_at=None, dead=False)
    assert linkage.delivery(taken.id).status == "delivered"
    assert linkage.notice(bazaar_notice)["status"] == "acknowledged"
    assert [a["status"] for a in linkage.attempts(taken.id)] == [500, 503, 200]
    # A disabled endpoint's rows wait; they are due again once it is enabled.
    add_and_confirm(store, [lead(3)], at(300))
    linkage.create_due_notices(at(360), 60)
    linkage.disable_endpoint("platform", "bazaar", "410")
    assert linkage.due_deliveries(at(400)) == []
    linkage.set_webhook("platform", "bazaar", "http://127.0.0.1:9/hook")
    assert len(linkage.due_deliveries(at(400))) == 1


# -- clues ---------------------------------------------------------------------------------------------

def test_clues_go_to_the_office_of_the_sellers_or_ship_from_province(linked: LeadStore) -> None:
    store = linked
    linkage = store.linkage
    linkage.add_office("苏浙协作", ["江苏省", "浙江省"], "http://127.0.0.1:9/suzhe")
    linkage.add_office("广东局", ["广东省"])
    ids = add_and_confirm(store, [
        lead(1, province="江苏省"),                                   # ship-from in Jiangsu
        lead(2, province="福建省", shop_address="浙江省义乌市福田街道"),  # seller in Zhejiang
        lead(3, province="福建省", shop_address="广东深圳南山区"),        # seller in Guangdong (short form)
        lead(4, province="福建省", shop_address="广州市越秀区北京路1号"),  # 北京路 is no province
    ], at(0))
    (notice_id,) = linkage.create_due_notices(at(60), 60)
    suzhe = linkage.feed("office", "苏浙协作", 0, 10)
    guangdong = linkage.feed("office", "广东局", 0, 10)
    assert [[x["lead_id"] for x in doc["listings"]] for _, doc in suzhe] == [[ids[0], ids[1]]]
    assert [[x["lead_id"] for x in doc["listings"]] for _, doc in guangdong] == [[ids[2]]]
    clue = suzhe[0][1]
    assert (clue["kind"], clue["office"], clue["notice_id"], clue["platform"]) == (
        "clue", "苏浙协作", notice_id, "bazaar")
    assert clue["id"].startswith("clu-") and linkage.notice(clue["id"])["office"] == "苏浙协作"
    # The office's push is queued with the notice; the office sees what became of the listings.
    assert [d.notice_id for d in linkage.due_deliveries(at(60))] == [clue["id"]]
    linkage.record_disposition(notice_id, "bazaar", "removed", at=at(100))
    (item,) = linkage.office_items("苏浙协作")
    assert item["notice_status"] == "removed" and {x["status"] for x in item["listings"]} == {"removed"}
    assert linkage.feed("platform", "苏浙协作", 0, 10) == []


# -- tips ----------------------------------------------------------------------------------------------

def test_tips_are_kept_with_their_source_and_progress(store: LeadStore) -> None:
    linkage = store.linkage
    first = linkage.add_tip("https://bazaar.example/item/9", "tm-nike", "holder:Nike", "仿冒", at(0))
    second = linkage.add_tip("https://bazaar.example/item/10", None, "public", "", at(1))
    with pytest.raises(LinkageError):
        linkage.add_tip("javascript:alert(1)", None, "public", "", at(2))
    assert [t["id"] for t in linkage.tips()] == [second, first]
    linkage.set_tip_status(first, "matched", at(5), ["abc"])
    (matched,) = linkage.tips(status="matched")
    assert (matched["id"], matched["source"], matched["lead_ids"]) == (first, "holder:Nike", ["abc"])


def test_a_notice_committed_before_its_leads_stepped_is_finished_by_the_next_call(linked: LeadStore) -> None:
    """What a process killed between the linkage commit and the node's lead steps leaves behind (on the
    SQLite backend the steps are in the same transaction, so there is nothing left to finish): the
    notice is written through the linkage's own transaction and nothing else; the next call puts those
    leads into no second notice and finishes their step confirmed → notified."""
    store = linked
    ids = add_and_confirm(store, [lead(1), lead(2)], at(0))
    linkage = store.linkage
    found = linkage.side.leads(ids)
    with linkage.side.write() as db:  # the notice's transaction, and then the process "dies"
        notice_id = linkage._write_notice(db, feeds.notices.NoticeComposer(), "bazaar", "tm-nike",
                                          [found[i] for i in ids], canon(at(60)), "confirmed")
    assert linkage.create_due_notices(at(120), 60) == []
    store.flush()
    assert [store.get(i).status for i in ids] == ["notified", "notified"]
    assert all(linkage.notices_of_lead(i) == [notice_id] for i in ids)
