"""``/reports``: the office's period report (half-year, annual, or any from–to), viewed as HTML and
downloaded as PDF (``/reports/report.pdf``) or XLSX (``/reports/report.xlsx``); ``/reports.json``
is its data.

Why: each district files a half-year summary by 20 June and an annual one by 20 November
(DOMAIN.md), so the report is a deliverable. The numbers come from
:func:`web.report_data.build_report` (store aggregations), the files from :mod:`web.report_files`,
the same code ``markwatch report`` runs, so a download equals the command's file.
"""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from index.store import LeadStore
from markwatch.config import Config
from web.accounts import User
from web.deps import get_config, get_store, require_user
from web.i18n import request_language
from web.report_data import Period, build_report, parse_period, preset
from web.templating import page

router = APIRouter()
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def chosen_period(preset_name: str = "", year: str = "", since: str = "", until: str = "") -> Period:
    """``preset`` (h1 | h2 | year) with ``year``, or ``since``/``until`` (inclusive days); by default
    the current half-year."""
    today = datetime.now(timezone.utc).date()
    try:
        if since or until:
            return parse_period(since or until, until or since)
        which = preset_name or ("h1" if today.month <= 6 else "h2")
        return preset(int(year) if year else today.year, which)
    except ValueError as exc:
        raise HTTPException(400, detail=f"period: {exc}") from None


def _filename(period: Period, ext: str) -> str:
    return f"markwatch-report-{period.since.isoformat()}-{period.last_day.isoformat()}.{ext}"


@router.get("/reports", include_in_schema=False)
@router.get("/reports.json", summary="Period report: counts by right kind, key goods, platform, season; outcomes; typical cases")
def reports_page(request: Request, preset: str = "", year: str = "", since: str = "", until: str = "",
                 user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                 config: Config = Depends(get_config)) -> Response:
    period = chosen_period(preset, year, since, until)
    report = build_report(store, period, config)
    this_year = datetime.now(timezone.utc).year
    return page(request, "reports.html", {"r": report, "years": [this_year, this_year - 1]}, report)


@router.get("/reports/report.xlsx", summary="Period report as an XLSX workbook",
            response_class=Response, responses={200: {"content": {XLSX_TYPE: {}}}})
def report_xlsx_download(preset: str = "", year: str = "", since: str = "", until: str = "",
                         user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                         config: Config = Depends(get_config)) -> Response:
    from web.report_files import report_xlsx

    period = chosen_period(preset, year, since, until)
    body = report_xlsx(build_report(store, period, config))
    return Response(body, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(period, "xlsx")}"'})


@router.get("/reports/report.pdf", summary="Period report as PDF (printed by headless Chromium)",
            response_class=Response, responses={200: {"content": {PDF_TYPE: {}}}})
async def report_pdf_download(request: Request, preset: str = "", year: str = "", since: str = "", until: str = "",
                              user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                              config: Config = Depends(get_config)) -> Response:
    from web.report_files import report_html, report_pdf

    period = chosen_period(preset, year, since, until)
    report = await run_in_threadpool(build_report, store, period, config)
    html = report_html(report, request_language(request), request.app.state.jinja)
    # Playwright's sync API may not run on the event loop's thread: print in a worker thread.
    body = await run_in_threadpool(report_pdf, html, getattr(config, "browser", ""))
    return Response(body, media_type=PDF_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(period, "pdf")}"'})
