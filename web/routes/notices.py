"""The workbench's side of the platform linkage (issue 9): notices per platform and status with
their counter-notice deadlines, one notice (listings and their leads now, pushes and attempts, the
printable notice in Chinese as HTML and PDF), the dead-letter list with its replay button, and the
partner offices with what was passed to them and what came back.

Why here and not in the platform API: these pages are the analysts' (login, CSRF on every form),
the API is the platforms' (a bearer key, no session). Both read the same ``store.linkage``.
A counter-notice starts the 15-day clock of E-Commerce Law Art. 43: the list and the notice page
show the deadline and warn when ``counter_notice_warn_days`` or less remain (config).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from index.linkage import NOTICE_STATUSES, LinkageError
from index.store import LeadStore, utc_now
from markwatch.config import Config
from web.accounts import User
from web.deps import get_config, get_store, require_user
from web.i18n import translate
from web.notice_views import deadline_state, listing_rows, notice_html, notice_pdf
from web.templating import flash, page

router = APIRouter()
PAGE_SIZE = 100
PDF_TYPE = "application/pdf"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _warn_days(config: Config) -> float:
    return float(getattr(config, "counter_notice_warn_days", 3.0))


def _delivery_row(delivery: Any) -> dict[str, Any]:
    return {"id": delivery.id, "kind": delivery.kind, "name": delivery.name, "url": delivery.url,
            "notice_id": delivery.notice_id, "status": delivery.status, "attempt": delivery.attempt,
            "next_at": delivery.next_at, "last_status": delivery.last_status, "last_error": delivery.last_error,
            "created_at": delivery.created_at}


@router.get("/notices", include_in_schema=False)
@router.get("/notices.json", summary="Notices sent to platforms, newest first, with counter-notice deadlines")
def notices_page(request: Request, platform: str = Query("", max_length=200), status: str = Query("", max_length=20),
                 before: int | None = Query(None, ge=1, le=2**62, description="show notices older than this feed position"),
                 user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                 config: Config = Depends(get_config)) -> Response:
    if status and status not in NOTICE_STATUSES:
        raise HTTPException(400, detail=f"status: one of {', '.join(NOTICE_STATUSES)}")
    linkage = store.linkage
    rows = linkage.notices(platform or None, status or None, limit=PAGE_SIZE + 1, before_seq=before)
    older = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        older = linkage.notice_seq(rows[-1]["id"])
    now, warn = _now(), _warn_days(config)
    notices = [{**n, "listing_count": len(n.get("listings") or []), "clock": deadline_state(n, now, warn)} for n in rows]
    due = linkage.counter_notices_due(utc_now(), warn)
    platforms = [e for e in linkage.endpoints() if e.kind == "platform"]
    data = {"notices": notices, "counter_notices_due": due, "older": older,
            "platforms": [{"name": e.name, "webhook_url": e.webhook_url, "enabled": e.enabled,
                           "disabled_reason": e.disabled_reason} for e in platforms]}
    context = {**data, "platform": platform, "status": status, "statuses": NOTICE_STATUSES, "warn_days": warn}
    return page(request, "notices.html", context, data)


def _notice_or_404(store: LeadStore, notice_id: str) -> dict[str, Any]:
    notice = store.linkage.notice(notice_id) if len(notice_id) <= 200 else None
    if notice is None:
        raise HTTPException(404, detail=f"no notice {notice_id}")
    return notice


def notice_data(store: LeadStore, config: Config, notice_id: str) -> dict[str, Any]:
    notice = _notice_or_404(store, notice_id)
    deliveries = []
    for delivery in store.linkage.deliveries_of(notice_id):
        deliveries.append({**_delivery_row(delivery), "attempts": store.linkage.attempts(delivery.id)})
    return {"notice": notice, "listings": listing_rows(store, notice), "deliveries": deliveries,
            "counter_notice_clock": deadline_state(notice, _now(), _warn_days(config))}


@router.get("/notices/{notice_id}.json", summary="One notice: its NOTICE JSON, its listings' leads now, its pushes")
def notice_json(notice_id: str, user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                config: Config = Depends(get_config)) -> dict[str, Any]:
    return notice_data(store, config, notice_id)


@router.get("/notices/{notice_id}", include_in_schema=False)
def notice_page(request: Request, notice_id: str, user: User = Depends(require_user),
                store: LeadStore = Depends(get_store), config: Config = Depends(get_config)) -> Response:
    data = notice_data(store, config, notice_id)
    still_online = any(row["status"] == "still_online" for row in data["listings"])
    return page(request, "notice.html", {**data, "still_online": still_online, "warn_days": _warn_days(config)}, data)


@router.get("/notices/{notice_id}/print", include_in_schema=False)
def notice_print(request: Request, notice_id: str, lang: str = Query("zh", pattern="^(zh|en)$"),
                 user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                 config: Config = Depends(get_config)) -> Response:
    """The printable notice, in Chinese unless ``?lang=en`` (the platforms' desks read Chinese)."""
    notice = _notice_or_404(store, notice_id)
    return HTMLResponse(notice_html(notice, config, request.app.state.jinja, lang, inline_css=False))


@router.get("/notices/{notice_id}/notice.pdf", include_in_schema=False)
async def notice_pdf_download(request: Request, notice_id: str, lang: str = Query("zh", pattern="^(zh|en)$"),
                              user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                              config: Config = Depends(get_config)) -> Response:
    notice = await run_in_threadpool(_notice_or_404, store, notice_id)
    # Playwright's sync API may not run on the event loop's thread: print in a worker thread.
    body = await run_in_threadpool(notice_pdf, notice, config, request.app.state.jinja, lang)
    return Response(body, media_type=PDF_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{notice_id}.pdf"'})


@router.post("/notices/{notice_id}/resend", include_in_schema=False)
def notice_resend(request: Request, notice_id: str, user: User = Depends(require_user),
                  store: LeadStore = Depends(get_store)) -> Response:
    """A new notice for this notice's listings found still online after their removal."""
    import feeds.notices  # noqa: F401 - registers the notice composer

    _notice_or_404(store, notice_id)
    try:
        new_id = store.linkage.resend(notice_id, utc_now())
    except LinkageError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/notices/{notice_id}", status_code=303)
    if new_id is None:
        flash(request, translate(request, "No listing of this notice is still online: nothing to re-send."), "error")
        return RedirectResponse(f"/notices/{notice_id}", status_code=303)
    flash(request, translate(request, "Notice re-sent for the listings still online."), "ok")
    return RedirectResponse(f"/notices/{new_id}", status_code=303)


# -- dead letters ------------------------------------------------------------------------------------

@router.get("/deliveries/dead", include_in_schema=False)
@router.get("/deliveries/dead.json", summary="Pushes that failed every attempt (dead letters)")
def dead_letters_page(request: Request, user: User = Depends(require_user),
                      store: LeadStore = Depends(get_store)) -> Response:
    rows = []
    for delivery in store.linkage.dead_letters(limit=200):
        attempts = store.linkage.attempts(delivery.id)
        rows.append({**_delivery_row(delivery), "last_attempt": attempts[-1] if attempts else None})
    return page(request, "dead_letters.html", {"rows": rows}, {"dead_letters": rows})


@router.post("/deliveries/replay", include_in_schema=False)
def replay_dead_letters(request: Request, delivery_id: list[str] = Form([]), user: User = Depends(require_user),
                        store: LeadStore = Depends(get_store)) -> Response:
    """Dead letters (the ticked ones, or all) back to pending with their own webhook-id."""
    ids = [d for d in delivery_id if d][:1000] or None
    count = store.linkage.replay(ids, now=utc_now())
    message = translate(request, "%(count)s pushes queued again (same webhook-id).") % {"count": count}
    flash(request, message, "ok" if count else "error")
    return RedirectResponse("/deliveries/dead", status_code=303)


# -- partner offices ---------------------------------------------------------------------------------

@router.get("/offices", include_in_schema=False)
@router.get("/offices.json", summary="Partner offices: their jurisdiction, the clues passed to them and what came back")
def offices_page(request: Request, user: User = Depends(require_user),
                 store: LeadStore = Depends(get_store)) -> Response:
    offices = []
    for office in (e for e in store.linkage.endpoints() if e.kind == "office"):
        offices.append({"name": office.name, "regions": list(office.regions), "webhook_url": office.webhook_url,
                        "enabled": office.enabled, "disabled_reason": office.disabled_reason,
                        "clues": store.linkage.office_items(office.name, limit=100)})
    return page(request, "offices.html", {"offices": offices}, {"offices": offices})
