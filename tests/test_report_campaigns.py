"""The period report shows the campaigns of its period against normal weeks (issue 10: campaigns
"reported afterwards against normal weeks"): /reports.json, the HTML page (zh/en) and the XLSX
sheet give the May Day campaign's figures over a real SQLite store whose leads the test placed on
chosen days, counted here by hand."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from web_helpers import make_lead, start_workbench

from index.store import lead_id

MAY_DAY = [date(2026, 5, d) for d in range(1, 6)]          # the shipped May Day window, 1–5 May (tm-nike among its rights)
NORMAL = [date(2026, 4, 10), date(2026, 4, 20), date(2026, 4, 28), date(2026, 5, 12), date(2026, 5, 20), date(2026, 5, 30)]


def test_period_report_shows_its_campaigns_against_normal_weeks(tmp_path):
    with start_workbench(tmp_path) as wb:
        placed = []
        for n, day in enumerate(MAY_DAY + NORMAL):
            lead = make_lead(n)
            wb.store.add_leads([lead], seen_at=f"{day.isoformat()}T08:00:00.000000Z")
            placed.append(lead_id(lead["url"], "tm-nike"))
        crab = make_lead(99, right_id="gi-yangchenghu-crab")  # not a May Day right: not counted
        wb.store.add_leads([crab], seen_at="2026-05-02T08:00:00.000000Z")
        wb.store.transition(placed[:2], "confirmed", "ana", at="2026-05-06T08:00:00.000000Z")

        c = wb.login()
        r = c.get("/reports.json?since=2026-05-01&until=2026-05-31").json()
        (may,) = [x for x in r["campaigns"] if x["campaign"] == "may_day-2026"]
        # normal days: the 4 weeks before (3–30 April) and after (6–31 May, the period's end): 28 + 26
        normal_days = 28 + 26
        assert (may["start"], may["end"], may["days"]) == ("2026-05-01", "2026-05-05", 5)
        assert (may["leads"], may["confirmed"], may["removed"]) == (5, 2, 0)
        assert may["leads_per_day"] == 1.0 and may["normal_days"] == normal_days
        assert may["normal_leads_per_day"] == round(6 / normal_days, 2)
        assert may["ratio"] == round(1.0 / (6 / normal_days), 2)
        assert [x["campaign"] for x in r["campaigns"]] == ["may_day-2026"], "only campaigns that started in May"

        zh = c.get("/reports?since=2026-05-01&until=2026-05-31&lang=zh").text
        row = zh.split('data-campaign="may_day-2026"')[1].split("</tr>")[0]
        assert "专项行动与平常周对比" in zh and "2026-05-01 – 2026-05-05" in row and f"×{may['ratio']}" in row
        assert f"({normal_days} 天)" in row
        en = c.get("/reports?since=2026-05-01&until=2026-05-31&lang=en").text
        assert "Campaigns against normal weeks" in en
        assert "No campaign started in this period." in c.get("/reports?since=2026-03-01&until=2026-03-31&lang=en").text

        book = load_workbook(io.BytesIO(c.get("/reports/report.xlsx?since=2026-05-01&until=2026-05-31").content))
        rows = list(book["专项对比 Campaigns vs normal"].iter_rows(min_row=2, values_only=True))
        assert [(x[1], x[6], x[7], x[10], x[12]) for x in rows] == [("may_day-2026", 5, 2, normal_days, may["ratio"])]
        assert date.fromisoformat(rows[0][3]) - date.fromisoformat(rows[0][2]) == timedelta(days=4)
