"""Exports of a search read back (csv, openpyxl, json) and compared with the store's own results for
the same query: every row (more than a walk page — no cap), the columns, Chinese text through
Excel's BOM, formula-looking titles defused, the login required."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from web_helpers import make_lead, start_workbench

from index.store import SearchQuery
from web.routes.exports import HEADER

HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "正品\x07耐克\x1b控制符"]


@pytest.fixture
def workbench(tmp_path, monkeypatch):
    import web.result_walk

    monkeypatch.setattr(web.result_walk, "WALK_PAGE", 64)  # the 260 rows take several keyset pages
    leads = [make_lead(i) for i in range(250)]
    leads += [make_lead(500 + i, title=f"{t} 耐克", seller=t) for i, t in enumerate(HOSTILE)]
    leads += [make_lead(900 + i, right_id="sm-bingdwendwen", title=f"冰墩墩摆件 {i}") for i in range(5)]
    with start_workbench(tmp_path, leads=leads) as wb:
        yield wb


def _expected(wb, **query):
    return wb.store.search(SearchQuery(limit=0, **query)).leads


def test_csv_has_every_row_of_the_query(workbench):
    wb = workbench
    c = wb.login()
    r = c.get("/leads/export.csv?q=耐克&sort=date")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert r.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    expected = _expected(wb, text="耐克", sort="date")
    assert len(expected) == 255 and len(rows) - 1 == 255
    assert [row[0] for row in rows[1:]] == [lead.id for lead in expected]  # same rows, same order
    by_id = {row[0]: dict(zip(HEADER, row)) for row in rows[1:]}
    lead = expected[17]
    assert by_id[lead.id]["title"] == lead.listing["title"]
    assert float(by_id[lead.id]["score"]) == lead.score and by_id[lead.id]["status"] == "new"
    assert by_id[lead.id]["province"] == lead.province == "福建省"


def test_csv_defuses_formulas(workbench):
    wb = workbench
    c = wb.login()
    rows = list(csv.DictReader(io.StringIO(c.get("/leads/export.csv?q=耐克").content.decode("utf-8-sig"))))
    titles = {row["title"] for row in rows}
    sellers = {row["seller_name"] for row in rows}
    for text in HOSTILE[:4]:
        assert f"'{text} 耐克" in titles and f"{text} 耐克" not in titles
        assert f"'{text}" in sellers
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_xlsx_same_rows_and_string_cells(workbench):
    wb = workbench
    c = wb.login()
    r = c.get("/leads/export.xlsx?right=tm-nike")
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    book = load_workbook(io.BytesIO(r.content), read_only=False)
    sheet = book["leads"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    expected = _expected(wb, right=("tm-nike",))
    assert [row[0] for row in rows[1:]] == [lead.id for lead in expected] and len(expected) == 255
    formula_cells = [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formula_cells == []  # =HYPERLINK(…) is text, never a formula
    titles = {row[HEADER.index("title")] for row in rows[1:]}
    assert f"{HOSTILE[0]} 耐克" in titles
    assert "正品\ufffd耐克\ufffd控制符 耐克" in titles  # control characters XML cannot hold, replaced
    scores = {row[0]: row[HEADER.index("score")] for row in rows[1:]}
    assert scores[expected[0].id] == expected[0].score  # numbers stay numbers


def test_jsonl_is_the_stored_lead(workbench):
    wb = workbench
    c = wb.login()
    wb.store.transition([_expected(wb, right=("sm-bingdwendwen",))[0].id], "confirmed", actor="ana")
    r = c.get("/leads/export.jsonl?right=sm-bingdwendwen&limit=2&after=bogus")  # page params ignored
    lines = [json.loads(line) for line in r.text.splitlines()]
    expected = [lead.to_json() for lead in _expected(wb, right=("sm-bingdwendwen",))]
    assert lines == expected and len(lines) == 5
    assert {"url", "right_id", "score", "reasons", "listing", "id", "status"} <= lines[0].keys()
    assert sorted(row["status"] for row in lines) == ["confirmed", "new", "new", "new", "new"]


def test_exports_need_a_login_and_good_parameters(workbench):
    wb = workbench
    anonymous = wb.new_client()
    for fmt in ("csv", "xlsx", "jsonl"):
        r = anonymous.get(f"/leads/export.{fmt}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    c = wb.login()
    assert c.get("/leads/export.csv?max_score=2").status_code == 400
    empty = c.get("/leads/export.csv?q=没有这种东西").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(empty))) == [HEADER]
