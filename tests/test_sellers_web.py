"""The seller and network pages (web/routes/sellers.py) over a real SQLite store, in process:
tiers with their reasons, the network a seller belongs to with the linking values, JSON twins,
both languages, escaping, login required."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from web_helpers import make_lead, start_workbench

NOW = datetime.now(timezone.utc)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lead(n: int, seller_id: str, name: str, platform: str = "bazaar", **listing):
    row = make_lead(n, platform=platform, seller=name, **listing)
    row["listing"]["seller_id"] = seller_id
    return row


def leads():
    rows = [lead(k, "rep", "惯犯鞋业", description="加V信：tq58231x 拿货") for k in range(1, 7)]  # 6 leads
    rows += [lead(10, "mate", "同伙小铺", platform="openmall", description="薇信 TQ58231X 咨询")]
    rows += [lead(11, "mate", "同伙小铺", platform="openmall", description="电话 139-1234-5678")]
    rows += [lead(12, "third", "第三家", platform="storefront", description="☎ １３９１２３４５６７８",
                  shop_address="江苏省苏州市相城区湖滨路18号")]
    rows += [lead(13, "fourth", "<script>alert(1)</script>", shop_address="苏州市 相城区 湖滨路１８号")]
    rows += [lead(20, "alone", "独行店", description="QQ：55667788")]
    rows += [lead(21, "old", "旧账店")]
    return rows


def confirm(store, seller_leads, at: str) -> None:
    for row in seller_leads:
        from index.store import lead_id

        store.transition([lead_id(row["url"], row["right_id"])], "confirmed", "ana", at=at)


def test_sellers_pages_show_tiers_networks_and_links(tmp_path) -> None:
    rows = leads()
    with start_workbench(tmp_path, leads=rows) as wb:
        rep = [r for r in rows if r["listing"]["seller_id"] == "rep"]
        confirm(wb.store, rep[:3], ago(10))  # 3 recent: warning
        confirm(wb.store, rep[3:5], ago(400))  # 2 too old to count
        confirm(wb.store, [r for r in rows if r["listing"]["seller_id"] == "old"], ago(365))
        confirm(wb.store, [r for r in rows if r["listing"]["seller_id"] == "mate"][:1], ago(1))
        c = wb.login()

        listing = c.get("/sellers.json").json()
        first = listing["sellers"][0]
        assert (first["seller_id"], first["tier"]["tier"]) == ("rep", "warning")
        tiers = {s["seller_id"]: s["tier"]["tier"] for s in listing["sellers"]}
        assert tiers["mate"] == "watch" and tiers["old"] == "none" and tiers["alone"] == "none"
        assert listing["networks"] == 1

        data = c.get("/sellers/bazaar/rep.json").json()
        assert data["seller"]["leads"] == 6 and len(data["leads"]) == 6
        assert data["tier"] == {**data["tier"], "tier": "warning", "recent_confirmed": 3, "older_confirmed": 2,
                                "next_tier": "key_supervision", "needed_for_next": 2}
        network = data["network"]
        members = {(s["platform"], s["seller_id"]) for s in network["sellers"]}
        assert members == {("bazaar", "rep"), ("openmall", "mate"), ("storefront", "third"), ("bazaar", "fourth")}
        links = {(link["kind"], link["value"]) for link in network["links"]}
        assert links == {("wechat", "tq58231x"), ("phone", "13912345678"),
                         ("address", "苏州市相城区湖滨路18号")}

        html = c.get("/sellers/bazaar/rep").text
        assert 'data-tier="warning"' in html and "tq58231x" in html and f'/networks/{network["id"]}' in html
        assert "近 180 天内确认侵权 3 起" in html  # Chinese by default

        english = c.get("/sellers/bazaar/rep?lang=en", headers={"Accept-Language": "en"}).text
        assert "3 confirmed infringements in the last 180 days" in english

        page = c.get(f"/networks/{network['id']}.json").json()
        assert page["totals"]["sellers"] == 4 and page["totals"]["leads"] == 10
        assert page["group_tier"]["recent_confirmed"] == 4 and page["group_tier"]["tier"] == "warning"
        net_html = c.get(f"/networks/{network['id']}").text
        assert "<script>alert(1)</script>" not in net_html and "&lt;script&gt;alert(1)&lt;/script&gt;" in net_html
        assert c.get("/networks.json").json()["networks"][0]["id"] == network["id"]

        alone = c.get("/sellers/bazaar/alone.json").json()
        assert alone["network"] is None and alone["tier"]["tier"] == "none"
        assert c.get("/sellers/bazaar/nobody.json").status_code == 404
        assert c.get("/networks/n000000000000").status_code == 404


def test_seller_pages_need_a_login(tmp_path) -> None:
    with start_workbench(tmp_path, leads=leads()) as wb:
        anonymous = wb.new_client()
        response = anonymous.get("/sellers/bazaar/rep", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
        assert anonymous.get("/networks.json", headers={"Accept": "application/json"},
                             follow_redirects=False).status_code in (401, 303)


def test_seller_json_endpoints_are_in_the_openapi_document(tmp_path) -> None:
    with start_workbench(tmp_path) as wb:
        paths = wb.client.get("/openapi.json").json()["paths"]
        for path in ("/sellers.json", "/sellers/{platform}/{seller_id}.json", "/networks.json",
                     "/networks/{cluster_id}.json"):
            assert path in paths
        assert "/sellers/{platform}/{seller_id}" not in paths
