"""The search page and the lead page over a real SQLite store: Chinese full text, facets counted by
the store, facet links that add and remove filters (permalinks), keyset pages that walk every
result once, hostile text escaped, evidence from a real evidence log (screenshot, sandboxed page,
verification), and the single-lead triage form."""

from __future__ import annotations

import html
import re
import struct
import zlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from markupsafe import escape
from web_helpers import make_lead, start_workbench

from index.evidence import Capture, EvidenceLog
from index.evidence.capture import utc_iso
from index.store import SearchQuery, lead_id, listing_hash

ROW_RE = re.compile(r'<tr class="lead-row" data-lead-id="([0-9a-f]+)"')
NEXT_RE = re.compile(r'<a href="([^"]+)" rel="next">')


def _id(lead: dict) -> str:
    return lead_id(lead["url"], lead["right_id"])


def _mixed_leads() -> list[dict]:
    leads = [make_lead(i, title=f"正品耐克运动鞋{i}号 男款", platform=("bazaar", "mall")[i % 2],
                       ship_from=("福建 莆田", "广东 广州")[i % 3 == 0]) for i in range(40)]
    leads += [make_lead(100 + i, right_id="gi-yangchenghu-crab", title=f"阳澄湖大闸蟹 礼盒 {i}", platform="mall",
                        ship_from="江苏 苏州", seller="蟹庄") for i in range(25)]
    leads += [make_lead(200 + i, right_id="sm-bingdwendwen", title=f"冰墩墩 钥匙扣 {i}", platform="bazaar",
                        seller="冬奥小店") for i in range(15)]
    return leads


def test_a_chinese_query_finds_the_leads_with_that_word_inside_longer_text(tmp_path: Path) -> None:
    leads = _mixed_leads()
    with start_workbench(tmp_path, leads=leads) as wb:
        client = wb.login()
        nike = {_id(lead) for lead in leads if "耐克" in lead["listing"]["title"]}
        data = client.get("/leads.json", params={"q": "耐克", "limit": 500}).json()
        assert {row["id"] for row in data["leads"]} == nike and data["total"] == len(nike)
        page = client.get("/leads", params={"q": "耐克", "limit": 500})
        assert set(ROW_RE.findall(page.text)) == nike
        crab = client.get("/leads.json", params={"q": "大闸蟹"}).json()
        assert crab["total"] == 25 and all("大闸蟹" in r["listing"]["title"] for r in crab["leads"])
        assert client.get("/leads.json", params={"q": "蟹庄"}).json()["total"] == 25  # seller name is searched
        assert client.get("/api/v1/leads", params={"q": "耐克"}).json()["total"] == len(nike)
        for url in ("/api/v1/leads", "/leads.json", "/leads"):  # a hand-edited page link: 400, not a crash
            assert client.get(url, params={"q": "耐克", "after": "confirmed"}).status_code == 400


def test_facet_counts_are_the_stores(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=_mixed_leads()) as wb:
        client = wb.login()
        for params, query in (({}, SearchQuery()),
                              ({"q": "耐克"}, SearchQuery(text="耐克")),
                              ({"platform": "mall"}, SearchQuery(platform=("mall",))),
                              ({"kind": "gi", "min_score": "0.6"}, SearchQuery(kind=("gi",), min_score=0.6))):
            data = client.get("/leads.json", params=params).json()
            expected = wb.store.facets(query, size=10)
            assert set(data["facets"]) == {"right", "kind", "platform", "seller", "province", "status"}
            for name, values in expected.items():
                assert [(f["value"], f["count"]) for f in data["facets"][name]] == [(v.value, v.count) for v in values]
            assert data["total"] == wb.store.count(query)


def test_a_facet_link_adds_its_filter_and_the_url_round_trips(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=_mixed_leads()) as wb:
        client = wb.login()
        start = "/leads?q=%E6%AD%A3%E5%93%81"  # q=正品
        data = client.get(start + "&format=x", headers={"Accept": "application/json"}).json()
        mall = next(f for f in data["facets"]["platform"] if f["value"] == "mall")
        assert not mall["selected"]
        page = client.get(start)
        assert f'href="{html.escape(mall["toggle_url"])}"' in page.text  # the page shows the same link
        filtered_url = mall["toggle_url"]
        assert ("platform", "mall") in parse_qsl(urlsplit(filtered_url).query)
        filtered = client.get(filtered_url, headers={"Accept": "application/json"}).json()
        assert filtered["total"] == mall["count"]
        assert filtered["leads"] and all(r["listing"]["platform"] == "mall" for r in filtered["leads"])
        selected = next(f for f in filtered["facets"]["platform"] if f["value"] == "mall")
        assert selected["selected"]
        # a second facet ANDs; its link keeps the first
        province = filtered["facets"]["province"][0]
        both = client.get(province["toggle_url"], headers={"Accept": "application/json"}).json()
        assert both["search"]["platform"] == ["mall"] and both["search"]["province"] == [province["value"]]
        assert both["total"] == province["count"]
        # removing the platform again returns to the search without it
        again = next(f for f in both["facets"]["platform"] if f["value"] == "mall")
        removed = client.get(again["toggle_url"], headers={"Accept": "application/json"}).json()
        assert "platform" not in removed["search"] and removed["search"]["province"] == [province["value"]]
        # permalink: the same URL in a new session gives the same page
        other = wb.login(client=wb.new_client())
        assert other.get(filtered_url + "&limit=500").text.count("data-lead-id") == filtered["total"]
        assert [r["id"] for r in other.get(filtered_url, headers={"Accept": "application/json"}).json()["leads"]] == \
            [r["id"] for r in filtered["leads"]]


def test_next_page_links_walk_every_result_exactly_once(tmp_path: Path) -> None:
    leads = [make_lead(i, score=round(0.5 + (i % 7) / 20, 2)) for i in range(133)]  # many equal scores
    with start_workbench(tmp_path, leads=leads) as wb:
        client = wb.login()
        for sort in ("score", "date"):
            url, seen, pages = f"/leads?q=耐克&limit=20&sort={sort}", [], 0
            while url:
                page = client.get(html.unescape(url))
                assert page.status_code == 200
                seen.extend(ROW_RE.findall(page.text))
                pages += 1
                found = NEXT_RE.search(page.text)
                url = found.group(1) if found else None
                if pages > 1:
                    assert 'rel="first"' in page.text
            assert pages == 7
            assert len(seen) == len(set(seen)) == 133 and set(seen) == {_id(lead) for lead in leads}
        # JSON twin: the same walk with next_url
        url, ids = "/leads.json?limit=50", []
        while url:
            data = client.get(url).json()
            ids += [r["id"] for r in data["leads"]]
            url = data["next_url"] and data["next_url"].replace("/leads?", "/leads.json?", 1)
        assert len(ids) == len(set(ids)) == 133


def test_score_and_date_filters_and_bad_parameters(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=_mixed_leads()) as wb:
        client = wb.login()
        high = client.get("/leads.json", params={"min_score": "0.8", "max_score": "0.9", "limit": 500}).json()
        assert high["leads"] and all(0.8 <= r["score"] <= 0.9 for r in high["leads"])
        assert high["total"] == wb.store.count(SearchQuery(min_score=0.8, max_score=0.9))
        today = high["leads"][0]["first_seen"][:10]
        assert client.get("/leads.json", params={"since": today, "until": today}).json()["total"] == 80
        assert client.get("/leads.json", params={"until": "2000-01-01"}).json()["total"] == 0
        for bad in ({"min_score": "abc"}, {"max_score": "2"}, {"since": "2026-13-40"}, {"sort": "price"},
                    {"limit": "100000"}):
            response = client.get("/leads", params=bad)
            assert response.status_code == 400, bad
            assert client.get("/leads.json", params=bad).json()["detail"]


HOSTILE = {
    "title": '<script>alert("t")</script>耐克 "><img src=x onerror=alert(1)>',
    "seller": '</textarea><svg onload=alert(2)>',
    "description": '<a href="javascript:alert(3)">click</a> \u202eRTL',
}


def test_hostile_text_is_shown_escaped_on_the_list_and_the_lead(tmp_path: Path) -> None:
    lead = make_lead(1, title=HOSTILE["title"], seller=HOSTILE["seller"], description=HOSTILE["description"])
    with start_workbench(tmp_path, leads=[lead]) as wb:
        client = wb.login()
        for path in ("/leads?q=耐克", f"/leads/{_id(lead)}"):
            text = client.get(path).text
            assert str(escape(HOSTILE["title"])) in text and str(escape(HOSTILE["seller"])) in text
            for raw in ("<script>alert", "<img src=x", "<svg onload", '<a href="javascript:', "</textarea>"):
                assert raw not in text, (path, raw)
        lead_page = client.get(f"/leads/{_id(lead)}").text
        assert str(escape(HOSTILE["description"])) in lead_page


def _png(width: int = 3, height: int = 2) -> bytes:
    """A real (tiny) PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _capture(lead: dict, body: bytes, png: bytes) -> Capture:
    return Capture(url=lead["url"], final_url=lead["url"], captured_at=utc_iso(),
                   request_headers=[("User-Agent", "markwatch-test")], status=200,
                   response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body, screenshot_png=png,
                   lead_ids=(_id(lead),), listing_hash=listing_hash(lead["listing"]), title=lead["listing"]["title"])


def test_evidence_screenshot_and_the_captured_page_in_a_sandbox(tmp_path: Path) -> None:
    lead = make_lead(3)
    body = "<html><body><h1>耐克 店铺</h1><script>parent.alert('x')</script></body></html>".encode()
    png = _png()
    with start_workbench(tmp_path, leads=[lead]) as wb:
        with EvidenceLog(wb.config.data_dir) as log:
            ref = log.append(_capture(lead, body, png))
        wb.store.add_evidence(lead["url"], ref.to_json())
        client = wb.login()
        page = client.get(f"/leads/{_id(lead)}").text
        frame = re.search(r"<iframe ([^>]*)>", page)
        assert frame and re.search(r"\bsandbox\b", frame.group(1)) and 'sandbox="' not in frame.group(1)
        page_url = re.search(r'src="([^"]+)"', frame.group(1)).group(1)
        assert page_url == f"/leads/{_id(lead)}/evidence/{ref.entry}/page"
        assert ref.sha256["html"] in page and ref.sha256["screenshot"] in page and "校验通过" in page
        captured = client.get(page_url)
        assert captured.content == body
        csp = captured.headers["content-security-policy"]
        assert csp.startswith("sandbox") and "default-src 'none'" in csp and "script-src" not in csp
        shot_url = re.search(r'<img src="([^"]+)"', page).group(1)
        shot = client.get(shot_url)
        assert shot.status_code == 200 and shot.headers["content-type"] == "image/png" and shot.content == png
        data = client.get(f"/leads/{_id(lead)}.json").json()
        assert data["evidence"][0]["verified"] and data["evidence"][0]["captured_at"] == ref.captured_at
        # anonymous visitors get neither
        assert wb.new_client().get(shot_url, follow_redirects=False).status_code == 303
        assert client.get(f"/leads/{_id(lead)}/evidence/999/screenshot.png").status_code == 404
        # a WARC file changed after capture no longer verifies, and the page says so
        warc = wb.config.data_dir / "evidence" / "warc" / ref.warc
        damaged = bytearray(warc.read_bytes())
        damaged[-30] ^= 0x01
        warc.write_bytes(bytes(damaged))
        after = client.get(f"/leads/{_id(lead)}.json").json()["evidence"][0]
        assert not after["verified"] and after["problems"]
        assert "校验失败" in client.get(f"/leads/{_id(lead)}").text


def test_the_lead_page_shows_right_reasons_and_both_histories(tmp_path: Path) -> None:
    first = make_lead(5, right_id="gi-yangchenghu-crab", title="阳澄湖大闸蟹 礼盒", price=288.0)
    with start_workbench(tmp_path, leads=[first]) as wb:
        changed = make_lead(5, right_id="gi-yangchenghu-crab", title="阳澄湖大闸蟹 礼盒 特价", price=99.0)
        wb.store.add_leads([changed])
        client = wb.login()
        data = client.get(f"/leads/{_id(first)}.json").json()
        assert data["right"]["holder"] == "苏州市阳澄湖大闸蟹行业协会" and data["right"]["regions"] == ["江苏省苏州市"]
        assert [(v["title"], v["price"]) for v in data["listing_history"]] == [("阳澄湖大闸蟹 礼盒", 288.0),
                                                                              ("阳澄湖大闸蟹 礼盒 特价", 99.0)]
        assert data["reasons"] == first["reasons"]
        page = client.get(f"/leads/{_id(first)}").text
        assert "苏州市阳澄湖大闸蟹行业协会" in page and "江苏省苏州市" in page and "地理标志" in page
        assert "288.0" in page and "99.0" in page and first["reasons"][0] in page


def test_confirm_then_dismiss_one_lead_with_a_note(tmp_path: Path) -> None:
    lead = make_lead(9)
    the_id = _id(lead)
    with start_workbench(tmp_path, leads=[lead]) as wb:
        client = wb.login()
        token = wb.csrf(client, f"/leads/{the_id}")
        done = client.post(f"/leads/{the_id}/triage", data={"action": "confirm", "note": "高仿 <b>", "csrf_token": token},
                           follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/leads/{the_id}"
        page = client.get(f"/leads/{the_id}").text
        assert "线索已确认" in page and "高仿 &lt;b&gt;" in page and "已确认" in page
        assert 'value="confirm"' not in page and 'value="dismiss"' in page  # only the steps §10 allows
        history = client.get(f"/leads/{the_id}.json").json()["history"]
        assert [(h["from"], h["to"], h["actor"], h["note"]) for h in history] == [("new", "confirmed", "ana", "高仿 <b>")]
        # a step the lifecycle does not allow is refused with the store's reason; nothing changes
        again = client.post(f"/leads/{the_id}/triage", data={"action": "confirm", "csrf_token": token})
        assert "cannot become confirmed" in again.text and wb.store.get(the_id).status == "confirmed"
        client.post(f"/leads/{the_id}/triage", data={"action": "dismiss", "note": "授权经销", "csrf_token": token,
                                                     "next": "/leads?q=耐克"})
        assert wb.store.get(the_id).status == "dismissed"
        assert [t.to_status for t in wb.store.history(the_id)] == ["confirmed", "dismissed"]
        assert client.get("/leads/ffffffffffffffffffffffff").status_code == 404
