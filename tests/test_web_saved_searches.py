"""Saved searches per analyst: saved from the search page's form, listed with the count of leads new
since last opened (counted by the store after real add_leads), opened (count back to 0), replaced,
deleted, kept apart between analysts, with their JSON twins."""

from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import unquote

from web_helpers import make_lead, start_workbench


def _save_form(page: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/searches" class="save-search">(.*?)</form>', page, re.S).group(1)
    return {k: unescape(v) for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)}


def test_new_leads_since_last_opened(tmp_path):
    with start_workbench(tmp_path, leads=[make_lead(i) for i in range(20)]) as wb:
        c = wb.login()
        page = c.get("/leads?q=耐克&platform=bazaar&min_score=0.6").text
        form = _save_form(page)
        assert unquote(form["query"]) == "q=耐克&platform=bazaar&min_score=0.6"
        r = c.post("/searches", data={**form, "name": "莆田耐克"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/searches"

        saved = c.get("/searches.json").json()["searches"]
        assert [(s["name"], s["new_since_opened"]) for s in saved] == [("莆田耐克", 0)]
        time.sleep(0.01)
        # a later crawl: 7 new matching leads, 3 below the score floor, 2 on another platform, 1 old one again
        wb.store.add_leads([make_lead(100 + i, score=0.9) for i in range(7)]
                           + [make_lead(200 + i, score=0.55) for i in range(3)]
                           + [make_lead(300 + i, score=0.9, platform="openmall") for i in range(2)]
                           + [make_lead(5)])
        saved = c.get("/searches.json").json()["searches"]
        assert saved[0]["new_since_opened"] == 7
        listing = c.get("/searches").text
        assert 'data-new="7"' in listing and "莆田耐克" in listing and "上次打开后新增" in listing

        opened = c.get(saved[0]["open_url"], follow_redirects=False)
        assert opened.status_code == 303
        assert unquote(opened.headers["location"]) == "/leads?q=耐克&platform=bazaar&min_score=0.6"
        assert c.get("/searches.json").json()["searches"][0]["new_since_opened"] == 0


def test_own_searches_only_replace_and_delete(tmp_path):
    with start_workbench(tmp_path, leads=[make_lead(i) for i in range(5)]) as wb:
        ana = wb.login()
        token = wb.csrf(ana)
        r = ana.post("/searches", data={"csrf_token": token, "name": "all", "query": "status=new"},
                     headers={"Accept": "application/json"})
        assert r.status_code == 201 and r.json()["search"]["status"] == ["new"]
        search_id = r.json()["id"]
        ana.post("/searches", data={"csrf_token": token, "name": "all", "query": "status=confirmed"})
        saved = ana.get("/searches.json").json()["searches"]
        assert len(saved) == 1 and saved[0]["query"] == "status=confirmed"

        root = wb.login("root", client=wb.new_client())
        assert root.get("/searches.json").json()["searches"] == []
        assert root.get(f"/searches/{search_id}/open", follow_redirects=False).status_code == 404
        assert root.post(f"/searches/{search_id}/delete", data={"csrf_token": wb.csrf(root)}).status_code == 404

        assert ana.post(f"/searches/{search_id}/delete", data={}).status_code == 403  # no CSRF token
        r = ana.post(f"/searches/{search_id}/delete", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303
        assert ana.get("/searches.json").json()["searches"] == []
        assert "还没有保存的搜索" in ana.get("/searches").text


def test_bad_saved_search_refused(tmp_path):
    with start_workbench(tmp_path) as wb:
        c = wb.login()
        token = wb.csrf(c)
        assert c.post("/searches", data={"csrf_token": token, "name": "x", "query": "min_score=9"}).status_code == 400
        assert c.post("/searches", data={"csrf_token": token, "name": " ", "query": ""}).status_code == 400
        assert wb.new_client().get("/searches", follow_redirects=False).status_code == 303
