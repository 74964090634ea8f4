"""Period reports: ``/reports`` (HTML, JSON twin, XLSX and PDF downloads) and ``markwatch report``
over a real SQLite store whose leads and lifecycle steps the test wrote at chosen times; numbers are
checked against counts made here, the PDF is a real PDF printed by Chromium (its text read back with
pdftotext when installed), the XLSX is read back with openpyxl."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections import Counter

import pytest
from openpyxl import load_workbook

from index.store import lead_id
from web.report_data import parse_period, preset
from web_helpers import make_lead, start_workbench

KIND = {"tm-nike": "trademark", "gi-yangchenghu-crab": "gi", "sm-bingdwendwen": "special_mark"}
RIGHTS = list(KIND)
PLATFORMS = ["bazaar", "openmall", "storefront"]
H1_TITLE = "2026年上半年知识产权行政保护工作情况统计"
MARKWATCH = [sys.executable, "-c", "import sys; from markwatch.cli import main; sys.exit(main())"]


def _fill(store):
    """24 leads in H1 2026 (some in the Spring Festival and May Day windows), 4 in July (outside)."""
    placed = []
    days = ["2026-02-10", "2026-03-15", "2026-05-03", "2026-06-30"]
    for n in range(28):
        day = days[n % 4] if n < 24 else "2026-07-02"
        right, platform = RIGHTS[n % 3], PLATFORMS[n % 3 if n % 5 else 0]
        lead = make_lead(n, right_id=right, platform=platform, score=round(0.5 + n / 100, 2))
        store.add_leads([lead], seen_at=f"{day}T08:00:00.000000Z")
        placed.append({"day": day, "right": right, "platform": platform, "id": lead_id(lead["url"], right),
                       "url": lead["url"], "score": lead["score"]})
    ids = [p["id"] for p in placed]
    store.transition(ids[:10], "confirmed", "ana", at="2026-03-20T08:00:00.000000Z")
    store.transition(ids[10:14], "dismissed", "ana", at="2026-03-20T09:00:00.000000Z")
    store.transition(ids[:6], "notified", "ana", at="2026-04-01T00:00:00.000000Z")
    store.transition(ids[:3], "removed", "bot", at="2026-04-02T00:00:00.000000Z")        # 24 h
    store.transition([ids[3]], "removed", "bot", at="2026-04-05T00:00:00.000000Z")       # 96 h
    store.transition([ids[4]], "rejected", "bot", at="2026-04-03T00:00:00.000000Z")
    store.transition([ids[5]], "counter_notice", "bot", at="2026-04-04T00:00:00.000000Z")
    store.transition([ids[24]], "confirmed", "ana", at="2026-07-03T00:00:00.000000Z")     # outside H1
    store.add_evidence(placed[9]["url"], {"entry": 1, "captured_at": "2026-03-15T08:00:01Z",
                                          "sha256": {"screenshot": "ab" * 32, "warc": "cd" * 32}, "warc": "x.warc.gz"})
    return placed


def _expected(placed):
    h1 = [p for p in placed if p["day"] < "2026-07-01"]
    return h1, Counter(KIND[p["right"]] for p in h1), Counter(p["platform"] for p in h1)


def test_period_presets_and_titles():
    assert preset(2026, "h1").title_zh() == H1_TITLE
    assert preset(2026, "h2").title_zh() == "2026年下半年知识产权行政保护工作情况统计"
    assert preset(2026, "year").title_zh() == "2026年知识产权行政保护工作情况统计"
    assert parse_period("2026-03-01", "2026-03-31").title_zh() == "2026年3月1日至2026年3月31日知识产权行政保护工作情况统计"
    with pytest.raises(ValueError):
        parse_period("2026-03-31", "2026-03-01")


def test_report_numbers_html_and_xlsx(tmp_path):
    with start_workbench(tmp_path) as wb:
        placed = _fill(wb.store)
        h1, kinds, platforms = _expected(placed)
        c = wb.login()
        r = c.get("/reports.json?preset=h1&year=2026").json()
        assert r["title_zh"] == H1_TITLE and r["since"] == "2026-01-01" and r["until"] == "2026-06-30"
        assert r["leads"] == len(h1)
        assert {row["kind"]: row["leads"] for row in r["by_kind"]} == {k: kinds[k] for k in KIND.values()}
        assert {row["platform"]: row["leads"] for row in r["by_platform"]} == dict(platforms)
        goods = {row["category"]: row["leads"] for row in r["by_key_goods"]}
        # nike's first class is 25 (clothing: other goods), the crab GI's 31, the special mark has none
        assert goods["seeds_agri"] == kinds["gi"] and goods["other"] == kinds["trademark"] + kinds["special_mark"]
        assert r["outcomes"] == {"confirmed": 10, "dismissed": 4, "notified": 6, "removed": 4, "rejected": 1,
                                 "counter_notice": 1, "still_online": 0}
        assert r["confirmation_rate"] == round(10 / 14, 4)
        assert r["median_hours_to_removal"] == 24.0 and r["removals_timed"] == 4
        seasons = {s["key"]: s["leads"] for s in r["by_season"] if s["key"] != "gi_harvest"}
        assert seasons["spring_festival"] == sum(p["day"] == "2026-02-10" for p in h1)   # 3–24 Feb
        assert seasons["may_day"] == sum(p["day"] == "2026-05-03" for p in h1)
        assert "national_day" not in seasons
        confirmed = sorted((p for p in placed[:10]), key=lambda p: -p["score"])
        assert [case["id"] for case in r["typical_cases"]] == [p["id"] for p in confirmed]
        with_evidence = next(case for case in r["typical_cases"] if case["id"] == placed[9]["id"])
        assert with_evidence["evidence"][0]["sha256"]["screenshot"] == "ab" * 32

        html = c.get("/reports?preset=h1&year=2026").text
        assert H1_TITLE in html and 'href="/reports/report.pdf?since=2026-01-01&amp;until=2026-06-30' in html
        assert html.count('data-lead-id="') == 10 and "ab" * 32 in html
        assert "<script" not in html and 'style="' not in html
        english = c.get("/reports?preset=h1&year=2026&lang=en").text
        assert "Typical cases" in english and "典型案例" in c.get("/reports?preset=h1&year=2026&lang=zh").text

        got = c.get("/reports/report.xlsx?since=2026-01-01&until=2026-06-30")
        assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxml")
        book = load_workbook(io.BytesIO(got.content))
        assert book.sheetnames == ["汇总 Summary", "权利类型 By kind", "重点商品 By key goods", "平台 By platform",
                                   "专项与时段 By campaign", "专项对比 Campaigns vs normal", "处置结果 Outcomes",
                                   "典型案例 Typical cases"]
        summary = {row[0]: row[1] for row in book["汇总 Summary"].iter_rows(min_row=2, values_only=True)}
        assert summary["报告 Report"] == H1_TITLE and summary["发现线索 Leads found"] == len(h1)
        assert summary["已下架 removed"] == 4
        by_kind = {row[1]: row[2] for row in book["权利类型 By kind"].iter_rows(min_row=2, values_only=True)}
        assert by_kind == {k: kinds[k] for k in KIND.values()}
        by_platform = {row[0]: (row[1], row[3]) for row in book["平台 By platform"].iter_rows(min_row=2, values_only=True)}
        removed = Counter(p["platform"] for p in placed[:4])
        assert by_platform == {p: (n, removed.get(p, 0)) for p, n in platforms.items()}
        cases = list(book["典型案例 Typical cases"].iter_rows(min_row=2, values_only=True))
        assert len(cases) == 10 and any(("screenshot:" + "ab" * 32) in (row[9] or "") for row in cases)
        assert c.get("/reports.json?since=2026-02-30").status_code == 400


def _pdf_text(pdf: bytes, tmp_path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_download_is_a_real_pdf_with_the_chinese_title(tmp_path):
    with start_workbench(tmp_path) as wb:
        _fill(wb.store)
        c = wb.login()
        got = c.get("/reports/report.pdf?preset=h1&year=2026")
        assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
        assert got.content.startswith(b"%PDF-") and b"%%EOF" in got.content[-1024:]
        text = _pdf_text(got.content, tmp_path)
        if text is not None:
            assert H1_TITLE in text.replace(" ", "")
            assert "典型案例" in text


def test_markwatch_report_writes_xlsx_and_pdf(tmp_path):
    with start_workbench(tmp_path) as wb:
        placed = _fill(wb.store)
        data_dir = wb.config.data_dir
    h1, kinds, _ = _expected(placed)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    xlsx = tmp_path / "out" / "2026上半年.xlsx"
    run = subprocess.run([*MARKWATCH, "report", "--from", "2026-01-01", "--to", "2026-06-30", "--output", str(xlsx),
                          "--data-dir", str(data_dir)], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert H1_TITLE in run.stdout and f"{len(h1)} leads" in run.stdout
    book = load_workbook(xlsx)
    by_kind = {row[1]: row[2] for row in book["权利类型 By kind"].iter_rows(min_row=2, values_only=True)}
    assert by_kind == {k: kinds[k] for k in KIND.values()}
    pdf = tmp_path / "r.pdf"
    run = subprocess.run([*MARKWATCH, "report", "--from", "2026-01-01", "--to", "2026-06-30", "--output", str(pdf),
                          "--data-dir", str(data_dir)], capture_output=True, text=True, env=env, timeout=180)
    assert run.returncode == 0, run.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = _pdf_text(pdf.read_bytes(), tmp_path)
    if text is not None:
        assert H1_TITLE in text.replace(" ", "")
    bad = subprocess.run([*MARKWATCH, "report", "--from", "2026-01-01", "--to", "2026-06-30", "--output", "x.csv",
                          "--data-dir", str(data_dir)], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and ".pdf or .xlsx" in bad.stderr


def test_season_windows_and_key_goods_tables():
    from datetime import date

    from index.seasons import gi_windows, key_goods, windows_between

    crab = {"id": "gi-crab", "kind": "gi", "name": "阳澄湖大闸蟹"}
    orange = {"id": "gi-orange", "kind": "gi", "name": "赣南脐橙"}                # November to January
    windows = {(w.key, w.right_id): w for w in windows_between(date(2026, 1, 1), date(2027, 1, 1), [crab, orange])}
    assert windows[("spring_festival", "")].start == date(2026, 2, 3)           # 17 Feb 2026 - 14 days
    assert windows[("mid_autumn", "")].end == date(2026, 9, 26)
    assert windows[("gi_harvest", "gi-crab")].start == date(2026, 9, 1)
    assert windows[("gi_harvest", "gi-crab")].end == date(2026, 12, 31)
    (season,) = [w for w in gi_windows(2026, [orange])]
    assert (season.start, season.end) == (date(2026, 11, 1), date(2027, 1, 31))
    assert key_goods({"nice_classes": [33]}) == "food" and key_goods({"nice_classes": [5, 33]}) == "drugs"
    assert key_goods({"nice_classes": [25, 28]}) == "other" and key_goods({"nice_classes": []}) == "other"
    assert key_goods({"nice_classes": [25], "key_goods": "children"}) == "children" and key_goods(None) == "other"
