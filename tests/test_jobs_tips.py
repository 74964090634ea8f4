"""Tips through the routine: tips posted to ``POST /api/v1/tips`` are crawled by one real pass
(real ``markwatch crawl`` processes, matcher and store), their leads land in the store, and the
analysts' ``/tips`` shows each tip's source, its outcome and links to its leads. A tip on a platform
the schedule knows rides in that platform's crawl; one on another shop gets the schemaorg spider on
the reported pages only."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from product_shop import nike_shop
from web_helpers import start_workbench

from demo_marketplace.process import start_marketplace
from jobs.clock import FakeClock
from jobs.routine import run_pass
from jobs.tips import queued_tips

NO_CAMPAIGNS = {name: {"enabled": False} for name in ("yangchenghu_crab", "ciie", "nanhui_peach")}


@pytest.mark.timeout(240)
def test_tips_are_crawled_matched_and_queued_for_triage_with_their_source(tmp_path: Path) -> None:
    shop = nike_shop()
    try:
        with start_marketplace(listings=20, seed=7, labels_out=tmp_path / "labels.jsonl") as market, \
                start_workbench(tmp_path, users={"ana": "analyst"}) as wb:
            rows = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text("utf-8").splitlines()]
            fake = next(r for r in rows if r["platform"] == "bazaar" and r["infringes"] and r["served_as"] == "ok")
            key = wb.app.state.accounts.new_api_key("ana")
            posted = {}
            for name, url in (("bazaar", fake["url"]), ("gone", market.urls["bazaar"] + "/item/no-such-listing"),
                              ("shop", shop.url + "p/1"), ("clean", shop.url + "p/4")):
                answer = wb.client.post("/api/v1/tips", json={"url": url, "note": f"tip {name}"},
                                        headers={"Authorization": f"Bearer {key}"})
                assert answer.status_code == 201, answer.text
                posted[name] = answer.json()["id"]
            config = dataclasses.replace(
                wb.config, image_hash_enabled=False, autothrottle=False, campaigns=NO_CAMPAIGNS,
                schedule_platforms={"bazaar": {"spider": "html", "base_url": market.urls["bazaar"], "max_pages": 1}})
            said: list[str] = []
            result = run_pass(config, FakeClock(datetime.now(timezone.utc)), say=said.append)
            assert result.status == "ok", said
            assert result.tips == {posted["bazaar"]: "matched", posted["gone"]: "failed",
                                   posted["shop"]: "matched", posted["clean"]: "unmatched"}, said
            browse = next(p for p in result.plans if p.label == "bazaar-browse")
            assert [r.status for r in browse.rechecks[:2]] == ["tip", "tip"], "tips first, before any re-check"
            assert set(shop.hits) <= {"/p/1", "/p/4", "/robots.txt", "/img/1.png", "/img/4.png"}, \
                "a shop the schedule does not know: only the reported pages are fetched"

            tips = {t["id"]: t for t in wb.store.linkage.tips(limit=0)}
            for name in ("bazaar", "shop"):
                tip = tips[posted[name]]
                assert tip["status"] == "matched" and tip["lead_ids"], tip
                for lead_id in tip["lead_ids"]:
                    lead = wb.store.get(lead_id)
                    assert lead is not None and lead.status == "new", "queued for triage"
                    assert lead.url == tip["url"]
            assert wb.store.get(tips[posted["bazaar"]]["lead_ids"][0]).right_id in fake["infringes"]
            assert tips[posted["gone"]]["lead_ids"] == [] and tips[posted["clean"]]["lead_ids"] == []

            analyst = wb.login()
            page = analyst.get("/tips?status=matched")
            assert page.status_code == 200
            row = page.text.split(f'data-tip-id="{posted["bazaar"]}"')[1].split("</tr>")[0]
            assert "analyst:ana" in row and "matched" in row
            assert f'href="/leads/{tips[posted["bazaar"]]["lead_ids"][0]}"' in row
            lead_page = analyst.get(f"/leads/{tips[posted['bazaar']]['lead_ids'][0]}")
            assert lead_page.status_code == 200 and posted["bazaar"] in lead_page.text and "analyst:ana" in lead_page.text

            assert queued_tips(wb.store) == [], "a tip is crawled once: none is left for the next pass"
    finally:
        shop.stop()
