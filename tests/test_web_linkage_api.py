"""The platforms' and offices' API (CONTRACTS §7): bearer keys (none, bad, revoked, rotated,
another platform's, the wrong kind), the feed's cursor under concurrent inserts, one notice,
dispositions (200 / 422 / 404 / 409), evidence bundles only for their platform (and they verify
offline), clues only for their office. Real app, real SQLite store, real evidence log."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest
from web_linkage_helpers import OFFICE, linkage_workbench

from index.evidence.wacz import verify_bundle


@pytest.fixture(scope="module")
def lw(tmp_path_factory):
    with linkage_workbench(tmp_path_factory.mktemp("linkage-api")) as bench:
        bench.notices = {"nike": bench.notify([1, 2, 8, 9])[0], "other": bench.notify([11, 12], platform="openmall")[0]}
        # each test below uses leads of its own: 3–5 dispositions, storefront's the feed under inserts
        yield bench


def test_no_key_bad_key_analyst_key_and_wrong_kind_are_refused(lw):
    c = lw.client
    nike = lw.notices["nike"]
    paths = ["/api/v1/feed", f"/api/v1/notices/{nike}", f"/api/v1/notices/{nike}/evidence/0.wacz", "/api/v1/clues"]
    for path in paths:
        assert c.get(path).status_code == 401, path
        assert c.get(path, headers={"Authorization": "Bearer mwp_not-a-key"}).status_code == 401, path
        assert c.get(path, headers={"Authorization": "Basic Zm9vOmJhcg=="}).status_code == 401, path
        assert c.get(path, headers=lw.auth("analyst")).status_code == 401, path  # an analyst is no platform
    body = c.get("/api/v1/feed").json()
    assert "Bearer" in body["detail"] and c.get("/api/v1/feed").headers["www-authenticate"].startswith("Bearer")
    assert c.post(f"/api/v1/notices/{nike}/disposition", json={"disposition": "removed"},
                  headers={"Authorization": "Bearer nope"}).status_code == 401
    assert c.get("/api/v1/feed", headers=lw.auth(OFFICE)).status_code == 403
    assert c.get("/api/v1/clues", headers=lw.auth("bazaar")).status_code == 403
    assert c.get(f"/api/v1/notices/{nike}", headers=lw.auth(OFFICE)).status_code == 403


def test_a_revoked_or_rotated_key_stops_working(lw):
    c = lw.client
    old = {"Authorization": f"Bearer {lw.store.linkage.add_platform('kiosk').api_key}"}
    assert c.get("/api/v1/feed", headers=old).status_code == 200
    new_key = lw.store.linkage.rotate_key("platform", "kiosk")
    assert c.get("/api/v1/feed", headers=old).status_code == 401
    assert c.get("/api/v1/feed", headers={"Authorization": f"Bearer {new_key}"}).status_code == 200
    lw.store.linkage.revoke_key("platform", "kiosk")
    assert c.get("/api/v1/feed", headers={"Authorization": f"Bearer {new_key}"}).status_code == 401


def test_a_platform_sees_only_its_own_notices_another_platforms_are_404(lw):
    c = lw.client
    nike, other = lw.notices["nike"], lw.notices["other"]
    mine = c.get(f"/api/v1/notices/{nike}", headers=lw.auth("bazaar"))
    assert mine.status_code == 200
    notice = mine.json()
    assert notice["id"] == nike and notice["platform"] == "bazaar" and notice["status"] in ("sent", "acknowledged")
    assert {item["url"] for item in notice["listings"]} == {f"https://bazaar.example/item/{n}" for n in (1, 2, 8, 9)}
    assert notice["right"]["registration_no"] == "146658" and notice["requested_measure"] == "remove"
    theirs = c.get(f"/api/v1/notices/{other}", headers=lw.auth("bazaar"))
    unknown = c.get("/api/v1/notices/ntc-9999999", headers=lw.auth("bazaar"))
    assert theirs.status_code == unknown.status_code == 404
    assert c.get(f"/api/v1/notices/{other}", headers=lw.auth("openmall")).status_code == 200
    feed = c.get("/api/v1/feed", headers=lw.auth("openmall")).json()
    assert [n["id"] for n in feed["notices"]] == [other]
    # the clue that went with the bazaar notice is not a notice of bazaar's
    clue_id = c.get("/api/v1/clues", headers=lw.auth(OFFICE)).json()["clues"][0]["id"]
    assert c.get(f"/api/v1/notices/{clue_id}", headers=lw.auth("bazaar")).status_code == 404


def test_feed_pages_return_every_notice_once_while_new_ones_arrive(lw):
    c = lw.client
    lw.notify([31, 32], platform="storefront")  # one notice before paging starts
    first_page_read = threading.Event()
    made: list[str] = []
    failures: list[BaseException] = []

    def insert() -> None:  # new notices while the platform pages: one per confirmed lead
        try:
            first_page_read.wait(30)
            for n in range(33, 40):
                made.extend(lw.notify([n], platform="storefront"))
            made.extend(lw.notify([41, 42], platform="storefront", right_id="gi-yangchenghu-crab"))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    inserter = threading.Thread(target=insert)
    inserter.start()
    seen: list[str] = []
    cursor, pages = "", 0
    while True:
        page = c.get("/api/v1/feed", params={"cursor": cursor, "limit": 2}, headers=lw.auth("storefront"))
        assert page.status_code == 200, page.text
        body = page.json()
        pages += 1
        first_page_read.set()
        assert len(body["notices"]) <= 2
        seen.extend(n["id"] for n in body["notices"])
        if body["next_cursor"] is None:
            assert body["notices"] == []
            if not inserter.is_alive():
                break  # caught up after the last insert: done
            inserter.join(30)
            continue  # up to date for now: ask again with the same cursor
        cursor = body["next_cursor"]
    assert not failures, failures
    everything = [n["id"] for n in lw.store.linkage.notices("storefront", limit=0)][::-1]
    assert len(everything) == 1 + len(made) == 9
    assert seen == everything  # each once, oldest first, none of the other platforms'
    assert pages >= 5
    # a cursor the feed did not hand out is a 400, not a 500 or an empty page
    for bad in ("garbage", "n1.!!", "n1.LTE", "n1.YWJj"):
        assert c.get("/api/v1/feed", params={"cursor": bad}, headers=lw.auth("storefront")).status_code == 400, bad
    assert c.get("/api/v1/feed", params={"limit": 0}, headers=lw.auth("storefront")).status_code == 422


def test_dispositions_malformed_422_foreign_404_contradicting_409(lw):
    c = lw.client  # leads 3–5 are this test's
    removed, countered, rejected = lw.notify([3]), lw.notify([4]), lw.notify([5])
    other = lw.notices["other"]
    url = f"/api/v1/notices/{removed[0]}/disposition"
    auth = lw.auth("bazaar")
    for body in ({}, {"disposition": "deleted"}, {"disposition": "rejected"}, {"disposition": "rejected", "reason": "  "},
                 {"disposition": "counter_notice"}, {"disposition": 5}, [], "removed"):
        assert c.post(url, json=body, headers=auth).status_code == 422, body
    assert c.post(url, content=b"{not json", headers={**auth, "Content-Type": "application/json"}).status_code == 422
    assert lw.store.get(lw.lead(3)).status == "notified"  # nothing changed
    assert c.post(f"/api/v1/notices/{other}/disposition", json={"disposition": "removed"}, headers=auth).status_code == 404

    done = c.post(url, json={"disposition": "removed"}, headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "removed" and done.json()["id"] == removed[0]
    assert lw.store.get(lw.lead(3)).status == "removed"
    assert c.post(url, json={"disposition": "removed"}, headers=auth).status_code == 200  # the same again: fine
    assert c.post(url, json={"disposition": "rejected", "reason": "authorised"}, headers=auth).status_code == 409

    counter = c.post(f"/api/v1/notices/{countered[0]}/disposition", headers=auth,
                     json={"disposition": "counter_notice", "declaration": "本店为品牌授权经销商 <b>x</b>"}).json()
    assert counter["status"] == "counter_notice" and counter["counter_notice_deadline"] > counter["created_at"]
    assert counter["disposition"]["declaration"] == "本店为品牌授权经销商 <b>x</b>"
    assert lw.store.get(lw.lead(4)).status == "counter_notice"
    refused = c.post(f"/api/v1/notices/{rejected[0]}/disposition", headers=auth,
                     json={"disposition": "rejected", "reason": "genuine goods, invoice shown"}).json()
    assert refused["status"] == "rejected" and refused["disposition"]["reason"] == "genuine goods, invoice shown"
    assert c.get(f"/api/v1/notices/{rejected[0]}", headers=auth).json()["status"] == "rejected"


def test_evidence_bundles_only_for_the_notices_platform_and_they_verify(lw, tmp_path):
    c = lw.client
    nike = lw.notices["nike"]
    notice = c.get(f"/api/v1/notices/{nike}", headers=lw.auth("bazaar")).json()
    assert len(notice["evidence"]) == 2  # leads 1 and 2 were captured, 8 and 9 not
    first = notice["evidence"][0]
    assert first["download_url"] == f"/api/v1/notices/{nike}/evidence/0.wacz"
    response = c.get(first["download_url"], headers=lw.auth("bazaar"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "datapackage.json" in names and any(n.startswith("archive/") for n in names)
    path = tmp_path / "bundle.wacz"
    path.write_bytes(response.content)
    report = verify_bundle(path)
    assert report.ok, report.problems
    assert c.get(first["download_url"], headers=lw.auth("openmall")).status_code == 404
    assert c.get(first["download_url"], headers=lw.auth(OFFICE)).status_code == 403
    assert c.get(first["download_url"]).status_code == 401
    assert c.get(f"/api/v1/notices/{nike}/evidence/2.wacz", headers=lw.auth("bazaar")).status_code == 404
    assert c.get(f"/api/v1/notices/{lw.notices['other']}/evidence/0.wacz", headers=lw.auth("bazaar")).status_code == 404


def test_clues_only_for_the_office_they_were_routed_to(lw):
    c = lw.client
    page = c.get("/api/v1/clues", headers=lw.auth(OFFICE))
    assert page.status_code == 200
    clues = page.json()["clues"]
    assert len(clues) == 1 and clues[0]["office"] == OFFICE and clues[0]["notice_id"] == lw.notices["nike"]
    assert {item["url"] for item in clues[0]["listings"]} == {"https://bazaar.example/item/8", "https://bazaar.example/item/9"}
    assert c.get("/api/v1/clues", params={"cursor": page.json()["next_cursor"]}, headers=lw.auth(OFFICE)).json() == \
        {"clues": [], "next_cursor": None}
    assert c.get(f"/api/v1/clues/{clues[0]['id']}", headers=lw.auth(OFFICE)).json()["id"] == clues[0]["id"]
    assert c.get(f"/api/v1/clues/{clues[0]['id']}", headers=lw.auth("bazaar")).status_code == 403
    other_office = lw.store.linkage.add_office("浙江协作办", ["浙江省"])
    assert c.get(f"/api/v1/clues/{clues[0]['id']}",
                 headers={"Authorization": f"Bearer {other_office.api_key}"}).status_code == 404
    assert c.get(f"/api/v1/clues/{lw.notices['nike']}", headers=lw.auth(OFFICE)).status_code == 404  # a notice is no clue


def test_the_openapi_document_describes_the_platform_endpoints(lw):
    doc = lw.client.get("/openapi.json").json()
    paths = doc["paths"]
    for path, method in (("/api/v1/feed", "get"), ("/api/v1/notices/{notice_id}", "get"),
                         ("/api/v1/notices/{notice_id}/disposition", "post"),
                         ("/api/v1/notices/{notice_id}/evidence/{n}.wacz", "get"), ("/api/v1/clues", "get"),
                         ("/api/v1/tips", "post")):
        operation = paths[path][method]
        assert operation["summary"], path
        assert "401" in operation["responses"], path
    assert "422" in paths["/api/v1/notices/{notice_id}/disposition"]["post"]["responses"]
