"""Any search as a file: CSV, XLSX and JSON Lines — every lead the query matches, no cap.

Why streamed: an export of a big search must not be built in memory or cut at some page size, so
the CSV and JSON Lines bodies are generators that walk the result with keyset pages
(web/result_walk.py) while the response is being sent. XLSX is a zip and cannot be written as it
goes; openpyxl's write-only workbook keeps memory flat and the file is spooled to disk, then sent.

Why the cells are defused: the listings are scraped text, and a title such as ``=HYPERLINK(…)``
or ``+cmd|…`` becomes a formula when an analyst opens the CSV in a spreadsheet (CSV injection,
OWASP). In CSV a text cell starting with ``= + - @``, a tab or a carriage return gets a leading
``'``; in XLSX every text cell is written as a string cell, which a spreadsheet never evaluates.
The CSV starts with a UTF-8 byte-order mark: without it Excel reads UTF-8 as the local code page
and the Chinese titles come out garbled.

Formats: CSV and XLSX have the columns of :data:`COLUMNS` (one header row); JSON Lines has one
§3 lead per line plus ``id`` and ``status`` (``StoredLead.to_json()``: also first/last seen, kind,
province), the same rows as ``markwatch search --format json``.
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

from index.store import LeadStore, StoredLead
from web.accounts import User
from web.deps import get_store, require_user
from web.result_walk import walk
from web.search_params import SearchParams

router = APIRouter()

COLUMNS: tuple[tuple[str, Callable[[StoredLead], Any]], ...] = (
    ("id", lambda lead: lead.id),
    ("status", lambda lead: lead.status),
    ("score", lambda lead: lead.score),
    ("right_id", lambda lead: lead.right_id),
    ("kind", lambda lead: lead.kind),
    ("title", lambda lead: lead.listing.get("title", "")),
    ("price", lambda lead: lead.listing.get("price")),
    ("currency", lambda lead: lead.listing.get("currency", "")),
    ("seller_name", lambda lead: lead.listing.get("seller_name", "")),
    ("seller_id", lambda lead: lead.listing.get("seller_id", "")),
    ("platform", lambda lead: lead.listing.get("platform", "")),
    ("ship_from", lambda lead: lead.listing.get("ship_from", "")),
    ("province", lambda lead: lead.province),
    ("url", lambda lead: lead.url),
    ("first_seen", lambda lead: lead.first_seen),
    ("last_seen", lambda lead: lead.last_seen),
    ("reasons", lambda lead: " | ".join(lead.reasons)),
)
"""Columns of the CSV and XLSX exports, in order (the header row holds these names)."""
HEADER = [name for name, _ in COLUMNS]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def defuse(value: Any) -> Any:
    """A CSV cell that no spreadsheet will evaluate: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def cell_values(lead: StoredLead) -> list[Any]:
    values = []
    for _, get in COLUMNS:
        value = get(lead)
        values.append("" if value is None else value if isinstance(value, (int, float, str)) else str(value))
    return values


def _params(request: Request) -> SearchParams:
    params = SearchParams.from_query(request.query_params)
    if params.errors:
        raise HTTPException(status_code=400, detail="; ".join(params.errors))
    return params


def _filename(extension: str) -> str:
    return f"markwatch-leads-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.{extension}"


def _attachment(extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{_filename(extension)}"',
            "Cache-Control": "no-store"}


def csv_rows(store: LeadStore, params: SearchParams) -> Iterator[bytes]:
    """The CSV body, a few hundred rows per chunk: BOM + header first, then every lead."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(HEADER)
    rows = 0
    for lead in walk(store, params):
        writer.writerow([defuse(v) for v in cell_values(lead)])
        rows += 1
        if rows % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def jsonl_rows(store: LeadStore, params: SearchParams) -> Iterator[bytes]:
    chunk: list[bytes] = []
    for lead in walk(store, params):
        chunk.append(orjson.dumps(lead.to_json()) + b"\n")
        if len(chunk) == 200:
            yield b"".join(chunk)
            chunk = []
    yield b"".join(chunk)


@router.get("/leads/export.csv", summary="Export a search as CSV (every matching lead, streamed)",
            description="Same parameters as /leads (the page cursor is ignored). UTF-8 with BOM, a header "
                        "row, text cells that look like formulas prefixed with an apostrophe.",
            response_class=StreamingResponse)
def export_csv(request: Request, user: User = Depends(require_user),
               store: LeadStore = Depends(get_store)) -> Response:
    params = _params(request)
    return StreamingResponse(csv_rows(store, params), media_type="text/csv; charset=utf-8",
                             headers=_attachment("csv"))


@router.get("/leads/export.jsonl", summary="Export a search as JSON Lines (§3 lead plus id and status)",
            description="Same parameters as /leads (the page cursor is ignored); one lead per line.",
            response_class=StreamingResponse)
def export_jsonl(request: Request, user: User = Depends(require_user),
                 store: LeadStore = Depends(get_store)) -> Response:
    params = _params(request)
    return StreamingResponse(jsonl_rows(store, params), media_type="application/x-ndjson",
                             headers=_attachment("jsonl"))


def write_xlsx(store: LeadStore, params: SearchParams, target: Any) -> int:
    """Write the search to ``target`` (a path or binary file) as an XLSX workbook; returns the rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("leads")

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # Scraped text may hold control characters XML cannot carry.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if not value.startswith("="):
            return value  # openpyxl stores any other text as a string cell
        text = WriteOnlyCell(sheet, value=value)  # "=…" would become a formula: force a string cell
        text.data_type = "s"
        return text

    sheet.append([cell(name) for name in HEADER])
    rows = 0
    for lead in walk(store, params):
        sheet.append([cell(v) for v in cell_values(lead)])
        rows += 1
    workbook.save(target)
    return rows


@router.get("/leads/export.xlsx", summary="Export a search as an XLSX workbook (every matching lead)",
            description="Same parameters as /leads (the page cursor is ignored); one sheet 'leads' with a header row.",
            response_class=StreamingResponse)
def export_xlsx(request: Request, user: User = Depends(require_user),
                store: LeadStore = Depends(get_store)) -> Response:
    params = _params(request)
    spool = tempfile.TemporaryFile()
    try:
        write_xlsx(store, params, spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def body() -> Iterator[bytes]:
        while chunk := spool.read(1 << 16):
            yield chunk

    headers = {**_attachment("xlsx"), "Content-Length": str(size)}
    return StreamingResponse(body(), headers=headers, background=BackgroundTask(spool.close),
                             media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
