"""Bulk triage over a real SQLite store: a whole search result across many keyset pages, the
confirmation's counts (what will change, what the lifecycle forbids), selected ids, CSRF, the
actor and note of every step, and the post/redirect/get back to the search."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from web_helpers import make_lead, start_workbench

from index.store import SearchQuery


def _statuses(wb, **query):
    leads = wb.store.search(SearchQuery(limit=0, **query)).leads
    return {lead.id: lead.status for lead in leads}


def _crab(n: int) -> dict:
    return make_lead(n, right_id="gi-yangchenghu-crab", title=f"阳澄湖大闸蟹礼盒 {n}", seller="蟹老板")


@pytest.fixture
def workbench(tmp_path):
    # 230 Nike leads (more than four pages of 50 rows) + 40 crab (GI) leads.
    leads = [make_lead(i) for i in range(230)] + [_crab(1000 + i) for i in range(40)]
    with start_workbench(tmp_path, leads=leads) as wb:
        yield wb


def test_dismiss_a_whole_result_across_pages(workbench, monkeypatch):
    wb = workbench
    import web.result_walk
    monkeypatch.setattr(web.result_walk, "WALK_PAGE", 37)  # many keyset pages, uneven last one
    monkeypatch.setattr("web.routes.triage.CHUNK", 50)      # several transition calls
    nike = [lead_id for lead_id in _statuses(wb, right=("tm-nike",))]
    # 12 of them already dismissed and 5 notified: the lifecycle forbids dismissing those again.
    wb.store.transition(nike[:12], "dismissed", actor="earlier")
    wb.store.transition(nike[12:17], "confirmed", actor="earlier")
    wb.store.transition(nike[12:17], "notified", actor="earlier")
    c = wb.login()
    assert c.get("/leads.json?right=tm-nike").json()["total"] == 230

    page = c.get("/leads?right=tm-nike")
    link = unescape(re.search(r'href="(/leads/bulk/confirm\?action=dismiss[^"]+)"', page.text).group(1))
    assert "scope=query" in link and "right=tm-nike" in link
    confirm = c.get(link)
    assert confirm.status_code == 200
    assert 'data-matched="230"' in confirm.text and 'data-will-change="213"' in confirm.text
    assert "213" in confirm.text and 'data-cannot-change="17"' in confirm.text
    assert _statuses(wb, right=("tm-nike",), status=("new",)).__len__() == 213  # nothing written yet

    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', confirm.text))
    assert form["confirmed"] == "1" and form["scope"] == "query" and form["right"] == "tm-nike"
    form["note"] = "genuine outlet, checked with the holder"
    done = c.post("/leads/bulk", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert unescape(done.headers["location"]) == "/leads?right=tm-nike"

    after = _statuses(wb, right=("tm-nike",))
    assert sum(s == "dismissed" for s in after.values()) == 12 + 213
    assert sum(s == "notified" for s in after.values()) == 5
    assert set(_statuses(wb, right=("gi-yangchenghu-crab",)).values()) == {"new"}  # outside the query
    history = wb.store.history(nike[100])
    assert [(t.from_status, t.to_status, t.actor, t.note) for t in history] == [
        ("new", "dismissed", "ana", "genuine outlet, checked with the holder")]
    assert [t.actor for t in wb.store.history(nike[0])] == ["earlier"]  # not stepped twice

    shown = c.get("/leads?right=tm-nike").text
    assert "已排除 213 条线索。" in shown and "17 条未能更改" in shown  # the flash, in Chinese


def test_confirmation_json_twin_and_nothing_written(workbench):
    wb = workbench
    c = wb.login()
    data = c.get("/leads/bulk/confirm.json?action=confirm&scope=query&q=大闸蟹").json()
    assert data == {"action": "confirm", "to_status": "confirmed", "scope": "query", "matched": 40,
                    "will_change": 40, "cannot_change": 0, "cannot_change_by_status": {}, "not_found": 0}
    # a first POST without confirmed=1 only counts
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "confirm", "scope": "query", "q": "大闸蟹"})
    assert r.status_code == 200 and 'data-will-change="40"' in r.text
    assert set(_statuses(wb, right=("gi-yangchenghu-crab",)).values()) == {"new"}

    # a query whose every lead is already dismissed: nothing to do, all counted as forbidden
    crabs = list(_statuses(wb, right=("gi-yangchenghu-crab",)))
    wb.store.transition(crabs[:3], "dismissed", actor="earlier")
    data = c.get("/leads/bulk/confirm.json?action=dismiss&scope=query&q=大闸蟹&status=dismissed").json()
    assert (data["matched"], data["will_change"], data["cannot_change_by_status"]) == (3, 0, {"dismissed": 3})
    page = c.get("/leads/bulk/confirm?action=dismiss&scope=query&q=大闸蟹&status=dismissed&lang=en").text
    assert "Nothing to do." in page and 'name="confirmed"' not in page
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "dismiss", "scope": "query", "q": "大闸蟹",
                                    "status": ["dismissed", "new"], "confirmed": "1"},
               headers={"Accept": "application/json"})
    assert (r.json()["changed"], r.json()["skipped"]) == (37, {"dismissed": 3})


def test_selected_ids_confirmed_with_note(workbench):
    wb = workbench
    c = wb.login()
    rows = c.get("/leads.json?q=大闸蟹&limit=5").json()["leads"]
    ids = [row["id"] for row in rows]
    wb.store.transition(ids[:1], "dismissed", actor="earlier")  # dismissed → confirmed is allowed
    wb.store.transition(ids[1:2], "confirmed", actor="earlier")  # confirmed → confirmed is not
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "confirm", "note": "fake GI",
                                    "id": ids, "confirmed": "1", "next": "/leads?q=大闸蟹"},
               follow_redirects=False)
    assert r.status_code == 303 and unquote(r.headers["location"]) == "/leads?q=大闸蟹"
    for lead_id in ids:
        assert wb.store.get(lead_id).status == "confirmed"
    assert wb.store.history(ids[1])[-1].actor == "earlier"
    assert wb.store.history(ids[3])[-1].note == "fake GI"
    page = c.get("/leads?q=大闸蟹").text  # the flash is in the language of the POST (Chinese here)
    assert "已确认 4 条线索。" in page and "1 条未能更改" in page


def test_json_client_gets_the_counts(workbench):
    wb = workbench
    c = wb.login()
    ids = [row["id"] for row in c.get("/leads.json?q=大闸蟹&limit=3").json()["leads"]]
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "dismiss", "id": ids + ["nope"],
                                    "confirmed": "1"}, headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.json()["changed"] == 3 and r.json()["skipped"] == {"missing": 1}


def test_csrf_missing_or_wrong_is_refused(workbench):
    wb = workbench
    c = wb.login()
    ids = [row["id"] for row in c.get("/leads.json?limit=3").json()["leads"]]
    for token in (None, "forged"):
        data = {"action": "dismiss", "id": ids, "confirmed": "1", **({"csrf_token": token} if token else {})}
        assert c.post("/leads/bulk", data=data).status_code == 403
    assert all(wb.store.get(i).status == "new" for i in ids)


def test_anonymous_and_bad_requests(workbench):
    wb = workbench
    anonymous = wb.new_client()
    r = anonymous.get("/leads/bulk/confirm?action=dismiss&scope=query", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    c = wb.login()
    assert c.get("/leads/bulk/confirm.json?action=delete&scope=query").status_code == 400
    assert c.get("/leads/bulk/confirm.json?action=dismiss&scope=query&min_score=7").status_code == 400
    # the toolbar's buttons with nothing selected: back to the search with a message, nothing written
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "dismiss", "scope": "ids",
                                    "confirmed": "1", "next": "/leads?q=x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/leads?q=x"
    assert "请先选择线索" in c.get("/leads?q=x").text
    # next must stay on this site
    ids = [row["id"] for row in c.get("/leads.json?limit=1").json()["leads"]]
    r = c.post("/leads/bulk", data={"csrf_token": wb.csrf(c), "action": "dismiss", "id": ids, "confirmed": "1",
                                    "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"].startswith("/leads")


def test_search_page_has_the_tools(workbench):
    wb = workbench
    c = wb.login()
    page = c.get("/leads?q=大闸蟹&lang=en").text
    assert 'id="bulk-form"' in page and 'name="csrf_token"' in page
    assert 'src="/static/shortcuts.js"' in page and "<script>" not in page
    assert "All 40 results:" in page
    assert 'href="/leads/export.csv?q=%E5%A4%A7%E9%97%B8%E8%9F%B9"' in page
    # the help overlay's text comes from the catalogues
    assert "next lead" in page and "下一条线索" in c.get("/leads?q=大闸蟹&lang=zh").text
    assert c.get("/static/shortcuts.js").status_code == 200


def test_a_lead_moved_between_confirmation_and_apply_is_reported_not_fatal(workbench):
    from web.routes.triage import apply_bulk, plan_bulk
    from web.search_params import SearchParams

    wb = workbench
    params = SearchParams.from_query({"q": "大闸蟹"})
    plan = plan_bulk(wb.store, "dismiss", "query", [], params)
    assert len(plan.ids) == 40
    wb.store.transition(plan.ids[7:9], "dismissed", actor="someone else")  # in the meantime
    result = apply_bulk(wb.store, plan, actor="ana", note="")
    assert result.changed == 38 and dict(result.skipped) == {"dismissed": 2}
    assert set(_statuses(wb, right=("gi-yangchenghu-crab",)).values()) == {"dismissed"}
