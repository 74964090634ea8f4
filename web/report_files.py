"""The period report as files: HTML for printing, PDF (printed by real Chromium) and XLSX.

Why Chromium's print and not a PDF library: the browser is already a dependency (evidence
capture), it lays out Chinese text with the system's CJK fonts (``fonts-noto-cjk``), and the PDF is
then the very page ``/reports`` shows, from the same templates. The browser is launched for the one
print and closed in a ``finally``. XLSX is written with openpyxl, one sheet per breakdown, numbers
as numbers (the office re-totals them in its own spreadsheets); text cells that begin with ``=``
are written as text, never as formulas (listing titles are hostile).

Both the web routes and ``markwatch report`` call these functions, so a download and a command line
give the same file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from markupsafe import Markup

STYLESHEET = Path(__file__).resolve().parent / "static" / "dashboard.css"
KIND_ZH = {"trademark": "商标", "gi": "地理标志", "special_mark": "特殊标志"}
STATUS_ZH = {"confirmed": "确认侵权", "dismissed": "排除", "notified": "已发通知", "removed": "已下架",
             "rejected": "平台驳回", "counter_notice": "反通知", "still_online": "下架后仍在线", "new": "待研判"}


def report_html(report: dict[str, Any], lang: str = "zh", environments: dict[str, Any] | None = None) -> str:
    """The printable page of ``report`` in ``lang`` (the app's environments, or fresh ones)."""
    from web.i18n import HTML_LANG, load_catalogues
    from web.templating import build_environments

    envs = environments or build_environments(load_catalogues())
    template = envs[lang].get_template("report_print.html")
    return template.render(r=report, lang=lang, html_lang=HTML_LANG[lang],
                           stylesheet=Markup(STYLESHEET.read_text(encoding="utf-8")))


def report_pdf(html: str, browser: str = "") -> bytes:
    """``html`` printed to A4 PDF by headless Chromium (``browser`` = Config.browser)."""
    from playwright.sync_api import sync_playwright

    from markwatch.config import chromium_args, find_browser

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=find_browser(browser), args=chromium_args(), headless=True)
        try:
            page = chromium.new_page()
            # offline: the page has everything inline; a request out would be a bug, so refuse it
            page.route("**/*", lambda route: route.abort())
            page.set_content(html, wait_until="load")
            return page.pdf(format="A4", print_background=True,
                            margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
        finally:
            chromium.close()


def report_xlsx(report: dict[str, Any]) -> bytes:
    """``report`` as a workbook: summary, by kind, by key goods, by platform, by campaign/season,
    campaigns against normal weeks, outcomes, typical cases (with evidence hashes)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)

    def sheet(title: str, header: list[str], rows: list[list[Any]]) -> None:
        ws = book.create_sheet(title)
        ws.append(header)
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                else:
                    cells.append(value)
            ws.append(cells)

    outcomes = report["outcomes"]
    sheet("汇总 Summary", ["项目 Item", "数值 Value"], [
        ["报告 Report", report["title_zh"]], ["起 From", report["since"]], ["止 To", report["until"]],
        ["发现线索 Leads found", report["leads"]],
        *[[f"{STATUS_ZH[s]} {s}", n] for s, n in outcomes.items()],
        ["确认率 Confirmation rate", report["confirmation_rate"]],
        ["通知至下架时间中位数（小时）Median hours notice→removal", report["median_hours_to_removal"]],
        ["计时下架数 Removals timed", report["removals_timed"]],
    ])
    sheet("权利类型 By kind", ["权利类型 Kind", "kind", "线索 Leads"],
          [[KIND_ZH.get(r["kind"], r["kind"]), r["kind"], r["leads"]] for r in report["by_kind"]])
    sheet("重点商品 By key goods", ["类别 Category", "category", "线索 Leads"],
          [[r["label_zh"], r["category"], r["leads"]] for r in report["by_key_goods"]])
    sheet("平台 By platform", ["平台 Platform", "线索 Leads", "已通知 Notified", "已下架 Removed", "下架率 Takedown rate"],
          [[r["platform"], r["leads"],
            *next(([t["notified"], t["removed"], t["rate"]] for t in report["takedown_rates"]
                   if t["platform"] == r["platform"]), [0, 0, None])] for r in report["by_platform"]])
    sheet("专项与时段 By campaign", ["时段 Season", "key", "年 Year", "起 Start", "止 End", "权利 Right", "线索 Leads"],
          [[s["label_zh"], s["key"], s["year"], s["start"], s["end"], s["right_id"], s["leads"]]
           for s in report["by_season"]])
    sheet("专项对比 Campaigns vs normal",
          ["专项行动 Campaign", "name", "起 Start", "止 End", "天数 Days", "权利 Rights", "线索 Leads", "确认 Confirmed",
           "已下架 Removed", "日均线索 Leads/day", "平常日数 Normal days", "平常日均 Normal leads/day", "倍数 Ratio"],
          [[c["label_zh"], c["campaign"], c["start"], c["end"], c["days"], ", ".join(c["rights"]), c["leads"],
            c["confirmed"], c["removed"], c["leads_per_day"], c["normal_days"], c["normal_leads_per_day"], c["ratio"]]
           for c in report.get("campaigns", [])])
    sheet("处置结果 Outcomes", ["结果 Outcome", "status", "次数 Steps"],
          [[STATUS_ZH[s], s, n] for s, n in outcomes.items()])
    sheet("典型案例 Typical cases", ["线索 Lead id", "商品 Listing", "链接 URL", "权利 Right", "平台 Platform",
                                 "卖家 Seller", "评分 Score", "状态 Status", "首次发现 First seen", "证据哈希 Evidence SHA-256"],
          [[c["id"], c["title"], c["url"], c["right_name"], c["platform"], c["seller"], c["score"], c["status"],
            c["first_seen"], "; ".join(f"{name}:{h}" for e in c["evidence"] for name, h in e["sha256"].items())]
           for c in report["typical_cases"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
