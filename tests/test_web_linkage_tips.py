"""Tips: ``POST /api/v1/tips`` (analysts' and partner parties' keys), the public form ``/tip`` (no
login, Chinese and English, CSRF, a CAPTCHA-free limit per client address) and the analysts'
queue ``/tips``. A tip is queued with its source in the real store (crawling it is the routine's)."""

from __future__ import annotations

import re

import pytest
from web_linkage_helpers import OFFICE, linkage_workbench

from web.security import LoginLimiter

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def lw(tmp_path_factory):
    with linkage_workbench(tmp_path_factory.mktemp("linkage-tips")) as bench:
        yield bench


def _tips(lw) -> dict[str, dict]:
    return {t["id"]: t for t in lw.store.linkage.tips(limit=0)}


def test_api_tips_are_queued_with_their_source(lw):
    c = lw.client
    by_analyst = c.post("/api/v1/tips", json={"url": "https://shop.example/item/77", "right": "tm-nike", "note": "高仿"},
                        headers=lw.auth("analyst"))
    assert by_analyst.status_code == 201, by_analyst.text
    tip = by_analyst.json()
    assert tip["source"] == "analyst:ana" and tip["right"] == "tm-nike" and tip["status"] == "queued"
    stored = _tips(lw)[tip["id"]]
    assert (stored["url"], stored["right_id"], stored["source"], stored["note"], stored["status"]) == \
        ("https://shop.example/item/77", "tm-nike", "analyst:ana", "高仿", "new")
    by_office = c.post("/api/v1/tips", json={"url": "https://shop.example/item/78"}, headers=lw.auth(OFFICE)).json()
    assert by_office["source"] == f"office:{OFFICE}" and _tips(lw)[by_office["id"]]["right_id"] is None
    assert c.post("/api/v1/tips", json={"url": "https://shop.example/item/79"},
                  headers=lw.auth("bazaar")).json()["source"] == "platform:bazaar"


def test_api_tips_refuse_bad_keys_bad_urls_and_unknown_rights(lw):
    c = lw.client
    before = len(_tips(lw))
    assert c.post("/api/v1/tips", json={"url": "https://shop.example/x"},
                  headers={"Authorization": "Bearer mwk_wrong"}).status_code == 401
    assert c.post("/api/v1/tips", json={"url": "https://shop.example/x"}).status_code in (401, 403)  # no key, no session
    for body in ({"url": "javascript:alert(1)"}, {"url": "ftp://shop.example/x"}, {"url": ""}, {"note": "x"},
                 {"url": "https://shop.example/" + "a" * 3000}, {"url": "https://shop.example/x", "right": "tm-unknown"}):
        assert c.post("/api/v1/tips", json=body, headers=lw.auth("analyst")).status_code == 422, body
    assert len(_tips(lw)) == before


def test_api_tips_are_rate_limited_per_caller(lw):
    c = lw.client
    saved = lw.wb.app.state.api_tip_limiter
    lw.wb.app.state.api_tip_limiter = LoginLimiter(max_failures=2, window_seconds=600)  # the same limiter, tighter
    try:
        for n in range(2):
            assert c.post("/api/v1/tips", json={"url": f"https://shop.example/rl/{n}"},
                          headers=lw.auth("openmall")).status_code == 201
        limited = c.post("/api/v1/tips", json={"url": "https://shop.example/rl/3"}, headers=lw.auth("openmall"))
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        assert c.post("/api/v1/tips", json={"url": "https://shop.example/rl/4"},
                      headers=lw.auth("storefront")).status_code == 201  # another caller is not held up
    finally:
        lw.wb.app.state.api_tip_limiter = saved
    assert "https://shop.example/rl/3" not in {t["url"] for t in _tips(lw).values()}


def test_public_form_in_chinese_and_english_queues_a_right_holders_tip(lw):
    browser = lw.wb.new_client(client=("198.51.100.1", 5000))
    form = browser.get("/tip")
    assert form.status_code == 200 and "举报涉嫌侵权商品" in form.text and "权利人或其代理人" in form.text
    assert "Report a suspect listing" in browser.get("/tip", headers={"Accept-Language": "en"}).text
    token = _CSRF.search(form.text).group(1)
    data = {"url": "https://bazaar.example/item/555", "right": "tm-nike", "source": "right_holder",
            "contact": "ip@nike.example", "note": "<b>假货</b>"}
    assert browser.post("/tip", data=data, follow_redirects=False).status_code == 403  # no CSRF token
    sent = browser.post("/tip", data={**data, "csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/tip?sent=tip-")
    tip_id = sent.headers["location"].split("=", 1)[1]
    tip = _tips(lw)[tip_id]
    assert (tip["url"], tip["right_id"], tip["source"]) == ("https://bazaar.example/item/555", "tm-nike", "right_holder")
    assert "ip@nike.example" in tip["note"] and "<b>假货</b>" in tip["note"]
    thanks = browser.get(sent.headers["location"]).text
    assert tip_id in thanks and "谢谢" in thanks
    # a right the register does not know is kept as reported text, not as a right id
    other = browser.post("/tip", data={"url": "https://bazaar.example/item/556", "right": "某某牌",
                                       "csrf_token": token}, follow_redirects=False)
    tip = _tips(lw)[other.headers["location"].split("=", 1)[1]]
    assert tip["right_id"] is None and "某某牌" in tip["note"] and tip["source"] == "public"


def test_public_form_refuses_bad_urls_and_limits_each_address(lw):
    browser = lw.wb.new_client(client=("203.0.113.9", 5000))
    token = _CSRF.search(browser.get("/tip").text).group(1)
    before = len(_tips(lw))
    bad = browser.post("/tip", data={"url": "javascript:alert(document.cookie)", "csrf_token": token})
    assert bad.status_code == 422 and "http://" in bad.text and "javascript:alert(document.cookie)" in bad.text
    assert "<script" not in bad.text.split("<main", 1)[1]
    assert len(_tips(lw)) == before
    for n in range(5):
        ok = browser.post("/tip", data={"url": f"https://bazaar.example/item/6{n}", "csrf_token": token},
                          follow_redirects=False)
        assert ok.status_code == 303, n
    limited = browser.post("/tip", data={"url": "https://bazaar.example/item/69", "csrf_token": token})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0 and "秒后再试" in limited.text
    assert len(_tips(lw)) == before + 5
    neighbour = lw.wb.new_client(client=("203.0.113.10", 5000))
    token2 = _CSRF.search(neighbour.get("/tip").text).group(1)
    assert neighbour.post("/tip", data={"url": "https://bazaar.example/item/70", "csrf_token": token2},
                          follow_redirects=False).status_code == 303


def test_analysts_see_the_tips_waiting_with_scraped_text_escaped(lw):
    lw.client.post("/api/v1/tips", json={"url": "https://shop.example/x<script>", "note": "<script>alert(1)</script>"},
                   headers=lw.auth("analyst"))
    assert lw.wb.new_client().get("/tips", follow_redirects=False).status_code == 303  # login first
    analyst = lw.wb.new_client()
    lw.wb.login(client=analyst)
    page = analyst.get("/tips")
    assert page.status_code == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text
    data = analyst.get("/tips.json", params={"status": "new"}).json()
    assert data["tips"] and all(t["status"] == "new" for t in data["tips"])
    assert analyst.get("/tips", params={"status": "nonsense"}).status_code == 400
