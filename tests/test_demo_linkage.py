"""The demo platforms answer (issue 9): the marketplace's notice desks (demo_marketplace/platform_desk.py)
and the loop ``markwatch demo`` runs (markwatch/commands/_demo_loop.py), all real parts on loopback.

One module fixture runs the loop once, as the demo does but on a few hand-picked leads: a real
marketplace process, a real workbench (web service and its linkage loop on a thread) over a real
SQLite store, the platforms registered through ``store.linkage`` and their desks given key and
secret, leads confirmed through the store's lifecycle step, notices pushed and answered through
``POST /api/v1/notices/{id}/disposition``, and the removed listings re-crawled by real ``markwatch
crawl --recheck`` processes. bazaar and openmall only: the rendered storefront's Chromium is the
demo test's (tests/test_demo_command.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from feeds.signing import new_message_id, new_secret, sign
from index.linkage import COUNTER_NOTICE_DAYS
from index.sqlite_store import SQLiteStore
from markwatch.commands._demo_loop import (
    ANALYST, demo_linkage_config, desk_states, recheck_removed, register_platforms, start_workbench,
    wait_for_answers,
)
from markwatch.config import load_config
from demo_marketplace.platform_desk import COMEBACK_EVERY, COMEBACK_FIRST

LISTINGS, SEED = 120, 9
RIGHTS_PER_PLATFORM = {"bazaar": 6, "openmall": 5}


@dataclass
class Loop:
    urls: dict[str, str]
    labels: dict[str, dict[str, Any]]
    """listing id → its labelled row (ground truth)."""
    store: Any
    confirmed: list[str]
    wrong: str
    """The lead confirmed although its listing does not infringe that right (an analyst's slip)."""
    desks: dict[str, dict[str, Any]]
    problems: list[str]
    recheck: Any
    before_recheck: dict[str, str]
    """lead id → status once the platforms had answered."""
    back_online: list[str]
    """Listing ids a desk removed and that came back online."""


def _lead(row: dict[str, Any], right_id: str) -> dict[str, Any]:
    listing = {k: v for k, v in row.items() if k not in ("infringes", "case", "served_as", "network", "search_only")}
    return {"url": row["url"], "right_id": right_id, "score": 0.9, "reasons": ["demo: planted"], "listing": listing}


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    from demo_marketplace.process import start_marketplace
    from matchers.register import load_register

    tmp = tmp_path_factory.mktemp("demo-linkage")
    with start_marketplace(listings=LISTINGS, seed=SEED, labels_out=tmp / "labels.jsonl") as market:
        rows = [json.loads(line) for line in (tmp / "labels.jsonl").read_text("utf-8").splitlines()]
        labels = {row["listing_id"]: row for row in rows}
        leads, picked = [], []
        for platform, count in RIGHTS_PER_PLATFORM.items():
            rights: set[str] = set()
            for row in rows:
                if row["platform"] == platform and row["served_as"] == "ok" and row["infringes"]:
                    if row["infringes"][0] not in rights and len(rights) < count:
                        rights.add(row["infringes"][0])
                    if row["infringes"][0] in rights:
                        leads.append(_lead(row, row["infringes"][0]))
                        picked.append(row["listing_id"])
        innocent = next(r for r in rows if r["platform"] == "bazaar" and not r["infringes"] and r["served_as"] == "ok")
        slip = _lead(innocent, "tm-nike")
        config = demo_linkage_config(load_config(data_dir=str(tmp / "data"), image_hash_enabled=False,
                                                 autothrottle=False))
        config.data_dir.mkdir(parents=True)
        with SQLiteStore(config.data_dir / "store.sqlite") as seed_store:
            seed_store.put_rights(right.model_dump(mode="json") for right in load_register().rights)
            assert seed_store.add_leads([*leads, slip]).skipped == 0
        workbench = start_workbench(config)
        try:
            store = workbench.store
            register_platforms(store, {p: market.urls[p] for p in RIGHTS_PER_PLATFORM}, workbench.url,
                               answer_delay=0.1, comeback_delay=0.3)
            from index.store import lead_id

            confirmed = [lead_id(lead["url"], lead["right_id"]) for lead in leads]
            wrong = lead_id(slip["url"], slip["right_id"])
            store.transition([*confirmed, wrong], "confirmed", actor=ANALYST, note="test")
            problems = wait_for_answers(store, [*confirmed, wrong], market.urls, timeout=90)
            desks = desk_states(market.urls)
            before = {i: store.get(i).status for i in [*confirmed, wrong]}
            back = [i for s in desks.values() for a in s["answers"] for i in a["back_online"]]
            recheck = recheck_removed(config, store, confirmed, market.urls, tmp / "recheck")
            yield Loop(market.urls, labels, store, confirmed, wrong, desks, problems, recheck, before, back)
        finally:
            workbench.stop()


def test_every_notice_is_answered_through_the_api_and_moves_its_leads(loop: Loop) -> None:
    assert loop.problems == []
    store = loop.store
    for platform in RIGHTS_PER_PLATFORM:
        desk = loop.desks[platform]
        assert desk["registered"] and desk["bad_signatures"] == 0 and desk["pending"] == 0
        assert desk["received"] == len(desk["answers"]) == len(store.linkage.notices(platform=platform))
        for answer in desk["answers"]:
            assert answer["posted"] == 200 and answer["error"] == "", answer
            notice = store.linkage.notice(answer["notice_id"])
            assert notice["status"] == answer["disposition"]  # the API recorded what the desk decided
            assert answer["listing_ids"] == [item["listing_id"] for item in notice["listings"]]
    # each lead went confirmed → notified → the platform's answer
    dispositions = {answer["notice_id"]: answer["disposition"] for d in loop.desks.values() for answer in d["answers"]}
    for lead_id in loop.confirmed:
        (notice_id,) = store.linkage.notices_of_lead(lead_id)
        assert loop.before_recheck[lead_id] == dispositions[notice_id]
        steps = [(t.from_status, t.to_status) for t in store.history(lead_id)]
        assert ("confirmed", "notified") in steps and ("notified", dispositions[notice_id]) in steps
    # the rhythm of answers to notices naming only infringing listings, per platform
    for platform, count in RIGHTS_PER_PLATFORM.items():
        answers = [a["disposition"] for a in loop.desks[platform]["answers"] if "不构成侵犯" not in a["reason"]]
        assert sorted(answers) == sorted(["removed", "removed", "counter_notice", "removed", "rejected", "removed"][:count])


def test_a_notice_naming_a_listing_that_does_not_infringe_is_rejected_by_the_ground_truth(loop: Loop) -> None:
    (notice_id,) = loop.store.linkage.notices_of_lead(loop.wrong)
    notice = loop.store.linkage.notice(notice_id)
    assert notice["status"] == "rejected" and loop.store.get(loop.wrong).status == "rejected"
    (answer,) = [a for a in loop.desks["bazaar"]["answers"] if a["notice_id"] == notice_id]
    listing_id = loop.store.get(loop.wrong).listing["listing_id"]
    assert listing_id in answer["reason"] and "不构成侵犯" in answer["reason"]


def test_a_counter_notice_carries_the_sellers_declaration_and_the_art_43_deadline(loop: Loop) -> None:
    from datetime import datetime, timedelta

    counters = [a for d in loop.desks.values() for a in d["answers"] if a["disposition"] == "counter_notice"]
    assert len(counters) == 2  # one per platform (the third notice of each)
    due = {row["notice_id"]: row for row in
           loop.store.linkage.counter_notices_due("2000-01-01T00:00:00Z", COUNTER_NOTICE_DAYS * 1000)}
    for answer in counters:
        row = due[answer["notice_id"]]
        assert row["declaration"] == answer["declaration"] and "声明" in row["declaration"]
        at, deadline = (datetime.fromisoformat(row[k].replace("Z", "+00:00")) for k in ("at", "deadline"))
        assert deadline - at == timedelta(days=COUNTER_NOTICE_DAYS)


def test_a_removed_listing_answers_404_with_the_removed_page_and_leaves_the_lists(loop: Loop) -> None:
    removed = [i for d in loop.desks.values() for a in d["answers"] if a["disposition"] == "removed"
               for i in a["listing_ids"] if i not in loop.back_online]
    assert removed
    for listing_id in removed:
        row = loop.labels[listing_id]
        page = httpx.get(row["url"], timeout=30)
        assert page.status_code == 404 and "商品已下架" in page.text
        if row["platform"] == "openmall":
            api = httpx.get(f"{loop.urls['openmall']}/api/v1/items/{listing_id}", timeout=30)
            assert api.status_code == 404 and api.json()["removed"] is True
        else:
            seller = httpx.get(f"{loop.urls['bazaar']}/seller/{row['seller_id']}", timeout=30)
            assert f"/item/{listing_id}\"" not in seller.text  # gone from its seller's page too
    kept = [a for d in loop.desks.values() for a in d["answers"] if a["disposition"] != "removed"]
    for answer in kept:  # rejected and counter-notified listings stay online
        for listing_id in answer["listing_ids"]:
            assert httpx.get(loop.labels[listing_id]["url"], timeout=30).status_code == 200


def test_the_recrawl_verifies_removals_and_finds_the_listing_that_came_back(loop: Loop) -> None:
    removed = [i for d in loop.desks.values() for a in d["answers"] if a["disposition"] == "removed"
               for i in a["listing_ids"]]
    # removed listings number 2, 10, 18, … come back (COMEBACK_FIRST, COMEBACK_EVERY)
    assert len(loop.back_online) == sum(1 for n in range(1, len(removed) + 1)
                                        if n >= COMEBACK_FIRST and (n - COMEBACK_FIRST) % COMEBACK_EVERY == 0) >= 1
    back_urls = sorted(loop.labels[i]["url"] for i in loop.back_online)
    assert all(httpx.get(url, timeout=30).status_code == 200 for url in back_urls)
    recheck = loop.recheck
    assert recheck.failed == []
    removed_urls = {loop.store.get(i).url for i in loop.confirmed if loop.before_recheck[i] == "removed"}
    assert recheck.listed == len(removed_urls) and recheck.still_online == back_urls
    assert recheck.gone == len(removed_urls) - len(back_urls)  # every other removal verified: 404 on the re-crawl
    for lead_id in loop.confirmed:
        lead = loop.store.get(lead_id)
        if loop.before_recheck[lead_id] == "removed":
            assert lead.status == ("still_online" if lead.url in back_urls else "removed")
        else:
            assert lead.status == loop.before_recheck[lead_id]


def test_the_receiver_refuses_a_bad_signature_and_acts_once_per_webhook_id(loop: Loop) -> None:
    """storefront's desk (not used by the loop): a push signed with another secret is 401 and does
    nothing; a good one sent twice under one webhook-id is one decision."""
    desk = f"{loop.urls['storefront']}/__platform/storefront"
    secret = new_secret()
    registered = httpx.post(f"{desk}/register", json={"api_key": "mw_unused", "webhook_secret": secret,
                                                        "api_url": "http://127.0.0.1:9", "answer_delay": 0}, timeout=30)
    assert registered.status_code == 200 and registered.json()["webhook_url"] == f"{desk}/webhook"
    innocent = next(r for r in loop.labels.values() if r["platform"] == "storefront" and not r["infringes"])
    body = json.dumps({"id": "ntc-test", "platform": "storefront", "right": {"id": "tm-nike", "name": "NIKE"},
                       "listings": [{"url": innocent["url"], "listing_id": innocent["listing_id"]}]}).encode()
    msg_id = new_message_id()
    forged = httpx.post(f"{desk}/webhook", content=body, headers=sign(new_secret(), msg_id, body), timeout=30)
    assert forged.status_code == 401
    tampered = httpx.post(f"{desk}/webhook", content=body.replace(b"NIKE", b"NlKE"), headers=sign(secret, msg_id, body),
                          timeout=30)
    assert tampered.status_code == 401
    state = httpx.get(f"{desk}/state", timeout=30).json()
    assert (state["bad_signatures"], state["received"], state["answers"]) == (2, 0, [])
    for _ in range(2):  # a retry reuses the webhook-id (a fresh timestamp and signature)
        assert httpx.post(f"{desk}/webhook", content=body, headers=sign(secret, msg_id, body), timeout=30).status_code == 204
    assert httpx.post(f"{desk}/webhook", content=b"{}", headers={"webhook-id": msg_id}, timeout=30).status_code == 401
    state = httpx.get(f"{desk}/state", timeout=30).json()
    assert (state["received"], state["duplicates"], len(state["answers"])) == (1, 1, 1)
    assert state["answers"][0]["disposition"] == "rejected"  # the listing infringes nothing
    assert httpx.get(innocent["url"], timeout=30).status_code == 200
