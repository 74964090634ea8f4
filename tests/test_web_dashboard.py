"""/dashboard and /dashboard.json over a real SQLite store: the numbers equal counts made here from
the leads and steps the test itself wrote, and every chart renders as SVG with one bar or point per
non-empty value."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from index.store import lead_id
import pytest

from web.charts import Series, bar_chart, hbar_chart, line_chart
from web_helpers import make_lead, start_workbench

DAYS = ["2026-05-01", "2026-05-02", "2026-05-04"]
PLATFORMS = ["bazaar", "openmall"]
RIGHTS = ["tm-nike", "gi-yangchenghu-crab", "sm-bingdwendwen"]
KIND = {"tm-nike": "trademark", "gi-yangchenghu-crab": "gi", "sm-bingdwendwen": "special_mark"}
CHARTS = ("leads_by_kind", "leads_by_platform", "confirmation_rate", "notices", "takedown_rates",
          "top_sellers", "top_networks", "seasons", "key_goods")


def _fill(wb):
    """30 leads over three days, three rights, two platforms; steps at chosen times."""
    placed = []
    for n in range(30):
        day, platform, right = DAYS[n % 3], PLATFORMS[n % 2], RIGHTS[n % 3 if n < 27 else 0]
        lead = make_lead(n, right_id=right, platform=platform)
        wb.store.add_leads([lead], seen_at=f"{day}T0{n % 9}:00:00.000000Z")
        placed.append((day, platform, right, lid(lead)))
    ids = [p[3] for p in placed]
    wb.store.transition(ids[:12], "confirmed", "ana", at="2026-05-02T09:00:00.000000Z")
    wb.store.transition(ids[12:16], "dismissed", "ana", at="2026-05-02T10:00:00.000000Z")
    wb.store.transition(ids[16:18], "confirmed", "ana", at="2026-05-03T10:00:00.000000Z")
    wb.store.transition(ids[:8], "notified", "ana", at="2026-05-03T12:00:00.000000Z")
    wb.store.transition(ids[:3], "removed", "bot", at="2026-05-04T00:00:00.000000Z")    # 12 h each
    wb.store.transition(ids[3:5], "removed", "bot", at="2026-05-05T12:00:00.000000Z")   # 48 h each
    return placed


def lid(lead):
    return lead_id(lead["url"], lead["right_id"])


def test_dashboard_numbers_equal_counts_of_what_was_written(tmp_path):
    with start_workbench(tmp_path) as wb:
        placed = _fill(wb)
        c = wb.login()
        data = c.get("/dashboard.json?since=2026-05-01&until=2026-05-07").json()
        assert data["days"][0] == "2026-05-01" and len(data["days"]) == 7
        assert data["leads"] == len(placed)
        per_kind = Counter((d, KIND[r]) for d, _, r, _ in placed)
        for kind, values in data["leads_by_kind"].items():
            assert values == [per_kind[(d, kind)] for d in data["days"]], kind
        per_platform = Counter((d, p) for d, p, _, _ in placed)
        assert set(data["leads_by_platform"]) == set(PLATFORMS)
        for platform, values in data["leads_by_platform"].items():
            assert values == [per_platform[(d, platform)] for d in data["days"]]
        assert data["step_totals"]["confirmed"] == 14 and data["step_totals"]["dismissed"] == 4
        assert data["confirmation_rate"] == round(14 / 18, 4)
        assert data["confirmation_rate_by_day"][1] == round(12 / 16, 4)   # 2 May: 12 confirmed, 4 dismissed
        assert data["steps"]["notified"][2] == 8 and data["steps"]["removed"][3:5] == [3, 2]
        assert data["median_hours_to_removal"] == 12.0 and data["removals_timed"] == 5
        rates = {t["platform"]: t for t in data["takedown_rates"]}
        ever = Counter(p for _, p, _, i in placed[:8])
        gone = Counter(p for _, p, _, i in placed[:5])
        assert {p: (t["notified"], t["removed"]) for p, t in rates.items()} == {p: (ever[p], gone[p]) for p in ever}
        # May Day window (1–5 May) covers the 30 leads; key goods: the crab GI (class 31) is seeds_agri
        may_day = [s for s in data["seasons"] if s["key"] == "may_day"]
        assert may_day and may_day[0]["leads"] == len(placed)
        assert data["key_goods"]["seeds_agri"] == sum(r == "gi-yangchenghu-crab" for _, _, r, _ in placed)
        assert sum(data["key_goods"].values()) == len(placed)
        # a platform filter narrows the lead counts
        one = c.get("/dashboard.json?since=2026-05-01&until=2026-05-07&platform=openmall").json()
        assert one["leads"] == sum(p == "openmall" for _, p, _, _ in placed)
        # the period filter: only 1 May
        first = c.get("/dashboard.json?since=2026-05-01&until=2026-05-01").json()
        assert first["leads"] == sum(d == "2026-05-01" for d, _, _, _ in placed)


def test_every_chart_renders_as_svg_with_its_bars_and_points(tmp_path):
    with start_workbench(tmp_path) as wb:
        placed = _fill(wb)
        c = wb.login()
        html = c.get("/dashboard?since=2026-05-01&until=2026-05-07").text
        assert "<script" not in html and 'style="' not in html
        figures = dict(re.findall(r'<figure class="chart-box" id="chart-([a-z_]+)">(.*?)</figure>', html, re.S))
        assert set(figures) == set(CHARTS)
        for name in CHARTS:
            assert "<svg" in figures[name] and "<title>" in figures[name], name
        kind_bars = re.findall(r'<rect class="bar"[^>]*data-value="(\d+)"', figures["leads_by_kind"])
        assert sorted(map(int, kind_bars)) == sorted(Counter((d, KIND[r]) for d, _, r, _ in placed).values())
        platform_bars = re.findall(r'<rect class="bar"', figures["leads_by_platform"])
        assert len(platform_bars) == len({(d, p) for d, p, _, _ in placed})
        points = re.findall(r'<circle class="point"[^>]*data-value="([\d.]+)"', figures["confirmation_rate"])
        assert points == ["75", "100"]                      # 2 May 12/16, 3 May 2/2
        notice_bars = re.findall(r'data-series="([^"]+)" data-label="([^"]+)" data-value="(\d+)"', figures["notices"])
        assert len(notice_bars) == 3                         # notified on 3 May; removed on 4 and 5 May
        assert len(re.findall(r'<rect class="bar"', figures["takedown_rates"])) == 2
        assert len(re.findall(r'<rect class="bar"', figures["key_goods"])) == 7
        assert len(re.findall(r'<rect class="bar"', figures["top_sellers"])) >= 1
        english = c.get("/dashboard?since=2026-05-01&until=2026-05-07&lang=en").text
        assert "Leads per day by right kind" in english
        chinese = c.get("/dashboard?since=2026-05-01&until=2026-05-07&lang=zh").text
        assert "Leads per day by right kind" not in chinese and "五一劳动节" in chinese


def test_seller_networks_are_shown_with_their_confirmed_leads(tmp_path):
    phone = "加微信同号 13812345678 拿货"
    leads = [make_lead(1, description=phone), make_lead(2, description=phone), make_lead(3),
             make_lead(4, seller="潮鞋小铺1")]                                   # 4 is seller s-1 again
    with start_workbench(tmp_path, leads=leads) as wb:
        wb.store.transition([lid(leads[0]), lid(leads[1]), lid(leads[3])], "confirmed", "ana")
        c = wb.login()
        data = c.get("/dashboard.json").json()
        assert len(data["top_networks"]) == 1
        network = data["top_networks"][0]
        assert network["sellers"] == 2 and network["leads"] == 3 and network["confirmed"] == 3
        html = c.get("/dashboard").text
        figure = re.search(r'<figure class="chart-box" id="chart-top_networks">(.*?)</figure>', html, re.S).group(1)
        assert re.findall(r'<rect class="bar"[^>]*data-value="(\d+)"', figure) == ["3"]
        assert f'href="/networks/{network["id"]}"' in figure


def test_dashboard_defaults_to_the_last_90_days_and_refuses_bad_dates(tmp_path):
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        c = wb.login()
        data = c.get("/dashboard.json").json()
        assert len(data["days"]) == 90 and data["leads"] == 1
        assert c.get("/dashboard.json?since=yesterday").status_code == 400
        assert c.get("/dashboard.json?since=2026-05-02&until=2026-05-01").status_code == 400
        assert wb.new_client().get("/dashboard", follow_redirects=False).status_code == 303


def test_chart_functions_draw_one_mark_per_value_and_escape_labels():
    svg = bar_chart("t", ["a", "<b>"], [Series("x", [1, 0]), Series("y<", [2, 3])])
    assert svg.count('class="bar"') == 3 and "<b>" not in svg and "&lt;b&gt;" in svg
    side = bar_chart("t", ["a", "b"], [Series("x", [1, 2]), Series("y", [2, 3])], stacked=False)
    assert side.count('class="bar"') == 4
    line = line_chart("t", ["a", "b", "c"], [Series("r", [10, None, 30])])
    assert line.count('class="point"') == 2
    h = hbar_chart("t", ["卖家<script>", "b"], [3, 1])
    assert h.count('class="bar"') == 2 and "<script>" not in h


class _Filler:
    """What _fill needs of a workbench: its store."""

    def __init__(self, store):
        self.store = store


def test_dashboard_and_report_figures_are_the_same_on_every_backend(store):
    """build_dashboard / build_report through the LeadStore protocol only, on SQLite and the node."""
    from web.report_data import build_dashboard, build_report, parse_period
    from web_helpers import RIGHTS as WEB_RIGHTS

    store.put_rights(WEB_RIGHTS)
    placed = _fill(_Filler(store))
    store.flush()
    data = build_dashboard(store, parse_period("2026-05-01", "2026-05-07"))
    per_kind = Counter((d, KIND[r]) for d, _, r, _ in placed)
    assert data["leads"] == len(placed)
    for kind, values in data["leads_by_kind"].items():
        assert values == [per_kind[(d, kind)] for d in data["days"]], kind
    assert data["step_totals"]["confirmed"] == 14 and data["steps"]["removed"][3:5] == [3, 2]
    assert data["median_hours_to_removal"] == 12.0
    assert sum(t["removed"] for t in data["takedown_rates"]) == 5
    assert data["key_goods"]["seeds_agri"] == sum(r == "gi-yangchenghu-crab" for _, _, r, _ in placed)
    report = build_report(store, parse_period("2026-05-02", "2026-05-04"))
    assert report["leads"] == sum(d != "2026-05-01" for d, _, _, _ in placed)
    assert report["outcomes"]["confirmed"] == 14 and report["outcomes"]["removed"] == 3
    confirmed = placed[:12] + placed[16:18]
    assert {c["id"] for c in report["typical_cases"]} == {i for d, _, _, i in confirmed if d != "2026-05-01"}


@pytest.mark.browser
def test_charts_render_in_real_chromium_without_csp_violations(tmp_path):
    """Served by uvicorn on loopback, drawn by headless Chromium: each chart is laid out with a size,
    its bars are there, and the strict CSP reports nothing (no inline style or script needed)."""
    import socket
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from markwatch.config import chromium_args, find_browser
    from web_helpers import PASSWORD

    with start_workbench(tmp_path) as wb:
        placed = _fill(wb)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        server = uvicorn.Server(uvicorn.Config(wb.app, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 30
            while not server.started:
                assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
                time.sleep(0.05)
            base = f"http://127.0.0.1:{sock.getsockname()[1]}"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
                try:
                    page = browser.new_page()
                    problems: list[str] = []
                    page.on("console", lambda m: problems.append(m.text)
                            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
                    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
                    page.on("pageerror", lambda e: problems.append(str(e)))
                    page.goto(f"{base}/login")
                    page.fill("input[name=username]", "ana")
                    page.fill("input[name=password]", PASSWORD)
                    page.click("button[type=submit]")
                    page.goto(f"{base}/dashboard?since=2026-05-01&until=2026-05-07")
                    for name in CHARTS:
                        box = page.locator(f"#chart-{name} svg.chart").bounding_box()
                        assert box and box["width"] > 100 and box["height"] > 20, name
                    bars = page.locator("#chart-leads_by_kind rect.bar").count()
                    assert bars == len({(d, KIND[r]) for d, _, r, _ in placed})
                    assert page.locator("#kpi-leads").inner_text() == str(len(placed))
                    page.goto(f"{base}/reports?since=2026-05-01&until=2026-05-07")
                    assert page.locator("#report-typical-cases tr[data-lead-id]").count() == 10
                    assert not problems, problems
                finally:
                    browser.close()
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()
