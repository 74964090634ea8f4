"""The workbench's linkage pages: notices per platform and status with counter-notice deadlines
(and the warning before one ends), a notice's page, the printable notice in Chinese (HTML with
the parts Art. 42 asks for; PDF printed by real Chromium, its text read back with pdftotext), dead
letters and the replay button, partner offices, the lead page's notices, the dashboard's
per-platform figures. Scraped text stays escaped everywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from web_linkage_helpers import HOSTILE_TITLE, OFFICE, linkage_workbench

from index.store import utc_now


def _ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def lw(tmp_path_factory):
    with linkage_workbench(tmp_path_factory.mktemp("linkage-pages"), webhook="http://127.0.0.1:9/hook") as bench:
        linkage = bench.store.linkage
        bench.ids = {
            "nike": bench.notify([1, 2, 8, 9])[0],
            "soon": bench.notify([3])[0],      # counter-notice 13 days ago: 2 days left
            "fresh": bench.notify([4])[0],     # counter-notice now: 15 days left
            "removed": bench.notify([5])[0],
            "openmall": bench.notify([11], platform="openmall")[0],
        }
        linkage.record_disposition(bench.ids["soon"], "bazaar", "counter_notice", declaration="我们是授权店", at=_ago(13))
        linkage.record_disposition(bench.ids["fresh"], "bazaar", "counter_notice", declaration="正品 <b>bold</b>", at=utc_now())
        linkage.record_disposition(bench.ids["removed"], "bazaar", "removed", at=utc_now())
        bench.client_ana = bench.wb.login()
        yield bench


def test_notices_list_per_platform_and_status_with_deadline_warning(lw):
    c = lw.client_ana
    page = c.get("/notices")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="notice-row" data-notice-id="([^"]+)"', page.text)
    assert set(rows) == set(lw.ids.values()) and rows[0] == lw.ids["openmall"]  # newest first
    # the warning box names the counter-notice whose deadline is near, not the fresh one
    due = re.search(r'<section class="counter-due".*?</section>', page.text, re.S).group(0)
    assert lw.ids["soon"] in due and lw.ids["fresh"] not in due and "剩余" in due
    soon_row = re.search(rf'<tr class="notice-row" data-notice-id="{lw.ids["soon"]}">.*?</tr>', page.text, re.S).group(0)
    fresh_row = re.search(rf'<tr class="notice-row" data-notice-id="{lw.ids["fresh"]}">.*?</tr>', page.text, re.S).group(0)
    assert "clock-warn" in soon_row and "第四十三条" in soon_row
    assert "clock-warn" not in fresh_row and "反通知" in fresh_row
    only = c.get("/notices.json", params={"platform": "openmall"}).json()
    assert [n["id"] for n in only["notices"]] == [lw.ids["openmall"]]
    countered = c.get("/notices.json", params={"status": "counter_notice"}).json()
    assert {n["id"] for n in countered["notices"]} == {lw.ids["soon"], lw.ids["fresh"]}
    by_id = {n["id"]: n for n in countered["notices"]}
    assert by_id[lw.ids["soon"]]["clock"]["warn"] and not by_id[lw.ids["fresh"]]["clock"]["warn"]
    assert 1.5 < by_id[lw.ids["soon"]]["clock"]["days_left"] <= 2.0
    assert [d["notice_id"] for d in countered["counter_notices_due"]] == [lw.ids["soon"]]
    assert c.get("/notices", params={"status": "bogus"}).status_code == 400
    english = c.get("/notices", headers={"Accept-Language": "en"}).text
    assert "Notices to platforms" in english and "days left" in english
    assert lw.wb.new_client().get("/notices", follow_redirects=False).status_code == 303  # login first


def test_notice_page_shows_listings_leads_pushes_and_escapes_scraped_text(lw):
    c = lw.client_ana
    page = c.get(f"/notices/{lw.ids['nike']}")
    assert page.status_code == 200
    assert HOSTILE_TITLE not in page.text and "&lt;script&gt;alert(" in page.text
    assert f'data-lead-id="{lw.lead(9)}"' in page.text
    data = c.get(f"/notices/{lw.ids['nike']}.json").json()
    assert [row["status"] for row in data["listings"]] == ["notified"] * 4
    assert data["deliveries"] and data["deliveries"][0]["kind"] == "platform"  # bazaar has a webhook
    assert f'data-delivery-id="{data["deliveries"][0]["id"]}"' in page.text
    fresh = c.get(f"/notices/{lw.ids['fresh']}").text
    assert "正品 &lt;b&gt;bold&lt;/b&gt;" in fresh and "<b>bold</b>" not in fresh
    assert c.get("/notices/ntc-0099999").status_code == 404


def test_printable_notice_in_chinese_has_the_parts_article_42_asks_for(lw):
    c = lw.client_ana
    html = c.get(f"/notices/{lw.ids['nike']}/print").text
    parts = re.findall(r'data-part="([a-z]+)"', html)
    assert parts == ["holder", "right", "listings", "evidence", "reasons", "measure", "statement"]
    for text in ("知识产权侵权通知书", "一、权利人", "Nike Innovate C.V.", "二、权利及权利依据", "注册号", "146658",
                 "三、涉嫌侵权商品（准确定位）", "https://bazaar.example/item/8", "四、初步证据",
                 f"/api/v1/notices/{lw.ids['nike']}/evidence/0.wacz", "六、要求采取的措施", "删除", "七、声明",
                 "郑重声明", "电子商务法》第四十二条", "测试办公室"):
        assert text in html, text
    sha = c.get(f"/notices/{lw.ids['nike']}.json").json()["notice"]["evidence"][0]["sha256"]["screenshot"]
    assert sha in html
    assert HOSTILE_TITLE not in html and "&lt;script&gt;" in html
    assert '<link rel="stylesheet" href="/static/notices.css">' in html and "<style>" not in html  # CSP: no inline style
    english = c.get(f"/notices/{lw.ids['nike']}/print", params={"lang": "en"}).text
    assert "Notice of infringement" in english and "1. The right holder" in english


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_printable_notice_pdf_is_printed_by_chromium_with_chinese_text(lw, tmp_path):
    response = lw.client_ana.get(f"/notices/{lw.ids['nike']}/notice.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    squashed = re.sub(r"\s+", "", text)
    for needle in ("知识产权侵权通知书", "致:bazaar", "一、权利人", "七、声明", "146658", lw.ids["nike"]):
        assert needle in squashed, needle


def test_dead_letters_replay_button_queues_them_again_with_the_same_webhook_id(lw):
    c = lw.client_ana
    linkage = lw.store.linkage
    delivery = linkage.deliveries_of(lw.ids["removed"])[0]
    linkage.record_attempt(delivery.id, utc_now(), 503, "service unavailable", None, True)
    page = c.get("/deliveries/dead")
    assert f'data-delivery-id="{delivery.id}"' in page.text and "503" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = c.post("/deliveries/replay", data={"delivery_id": delivery.id}, follow_redirects=False)
    assert refused.status_code == 403 and linkage.delivery(delivery.id).status == "dead"
    done = c.post("/deliveries/replay", data={"delivery_id": delivery.id, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/deliveries/dead"
    again = linkage.delivery(delivery.id)
    assert again.status == "pending" and again.attempt == 0 and again.id == delivery.id
    after = c.get("/deliveries/dead").text
    assert f'data-delivery-id="{delivery.id}"' not in after and "1" in after  # the flash counts it


def test_offices_page_shows_what_was_passed_on_and_its_status_now(lw):
    data = lw.client_ana.get("/offices.json").json()
    office = next(o for o in data["offices"] if o["name"] == OFFICE)
    assert office["regions"] == ["江苏省"]
    [clue] = office["clues"]
    assert clue["notice_id"] == lw.ids["nike"]
    assert {(row["url"], row["status"]) for row in clue["listings"]} == {
        ("https://bazaar.example/item/8", "notified"), ("https://bazaar.example/item/9", "notified")}
    html = lw.client_ana.get("/offices").text
    assert f'data-clue-id="{clue["id"]}"' in html and OFFICE in html


def test_lead_page_and_dashboard_show_the_linkage(lw):
    c = lw.client_ana
    lead = c.get(f"/leads/{lw.lead(3)}").text
    assert f'data-notice-id="{lw.ids["soon"]}"' in lead and "反通知期限" in lead
    assert c.get(f"/leads/{lw.lead(3)}.json").json()["notices"][0]["id"] == lw.ids["soon"]
    dashboard = c.get("/dashboard.json").json()
    bazaar = next(s for s in dashboard["linkage"] if s["platform"] == "bazaar")
    # answered: lead 5 removed, leads 3 and 4 counter-noticed
    assert (bazaar["notices"], bazaar["removed"], bazaar["counter"]) == (4, 1, 2)
    assert bazaar["takedown_rate"] == pytest.approx(1 / 3, abs=1e-3)
    assert bazaar["counter_notice_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert bazaar["median_hours_to_removal"] is not None
    html = c.get("/dashboard").text
    row = re.search(r'<tr data-platform="bazaar">.*?</tr>', html, re.S).group(0)
    assert "33.3%" in row and "66.7%" in row


def test_a_listing_still_online_after_removal_can_be_noticed_again(lw):
    c = lw.client_ana
    linkage = lw.store.linkage
    first = lw.ids["openmall"]
    linkage.record_disposition(first, "openmall", "removed", at=utc_now())
    page = c.get(f"/notices/{first}").text
    assert f'action="/notices/{first}/resend"' not in page  # removed and gone: nothing to re-send
    assert linkage.mark_still_online("https://openmall.example/item/11", utc_now()) == [lw.lead(11, "openmall")]
    page = c.get(f"/notices/{first}").text
    assert f'action="/notices/{first}/resend"' in page and "仍在线" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post(f"/notices/{first}/resend", follow_redirects=False).status_code == 403
    sent = c.post(f"/notices/{first}/resend", data={"csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] != f"/notices/{first}"
    again = c.get(sent.headers["location"] + ".json").json()["notice"]
    assert again["platform"] == "openmall" and [item["url"] for item in again["listings"]] == ["https://openmall.example/item/11"]
    assert lw.store.get(lw.lead(11, "openmall")).status == "notified"
    nothing = c.post(f"/notices/{first}/resend", data={"csrf_token": token}, follow_redirects=False)  # none online now
    assert nothing.status_code == 303 and nothing.headers["location"] == f"/notices/{first}"
    shown = c.get(nothing.headers["location"]).text
    assert "无需重发" in shown and "已就仍在线的商品重新发送通知" in shown  # (also after an earlier message not yet shown: both flashes are kept)
