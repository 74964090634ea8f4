"""``/leads`` (search with facets) and ``/leads/{id}`` (one lead), with their JSON twins, the lead's
evidence (screenshot, the captured page in a sandbox) and the single-lead triage form.

One search and one facets call per page, whatever the result holds (no query per row): that is
what keeps the page fast at a million leads. Facets are counted by the store over the whole
search (the cursor left out), each value a link that adds or removes its filter.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from index.store import ALLOWED_TRANSITIONS, CursorError, LeadStore, StoredLead, TransitionError
from web.accounts import User
from web.deps import get_store, require_user, safe_next
from web.evidence import find_ref, open_evidence
from web.i18n import request_language, translate
from web.notice_views import lead_notices, lead_tips
from web.reasons import reason_lines
from web.search_params import SearchParams, facet_values
from web.templating import JSONResponse, flash, page

router = APIRouter()

TRIAGE_ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed"}
FACET_SIZE = 10


def run_search(store: LeadStore, params: SearchParams) -> dict[str, Any]:
    """The search page's data (also what ``/api/v1/leads`` answers): rows, facets, cursor links."""
    try:
        result = store.search(params.to_query())
    except CursorError as exc:  # a page link edited by hand or cut short: a bad request, not a crash
        raise HTTPException(status_code=400, detail=f"{exc}; start again from the first page") from exc
    facets = store.facets(params.to_query(after=""), size=FACET_SIZE)
    return {
        "search": params.to_json(),
        "total": result.total,
        "leads": [lead.to_json() for lead in result.leads],
        "facets": facet_values(params, facets),
        "next_cursor": result.next_cursor,
        "next_url": params.next_page(result.next_cursor).url() if result.next_cursor else None,
        "first_url": params.first_page().url(),
        "_rows": result.leads,
    }


@router.get("/leads", include_in_schema=False)
@router.get("/leads.json", summary="Search leads (the search page's JSON twin)",
            description="Same parameters as /api/v1/leads.")
def search_page(request: Request, user: User = Depends(require_user),
                store: LeadStore = Depends(get_store)) -> Response:
    params = SearchParams.from_query(request.query_params)
    if params.errors:
        raise HTTPException(status_code=400, detail="; ".join(params.errors))
    data = run_search(store, params)
    rows = data.pop("_rows")
    context = {"params": params, "rows": rows, "data": data,
               "sort_urls": {s: params.with_sort(s).url() for s in ("score", "date")}}
    return page(request, "leads.html", context, data)


def _lead_or_404(store: LeadStore, lead_id: str) -> StoredLead:
    lead = store.get(lead_id)
    if lead is None:
        raise HTTPException(status_code=404, detail=f"no lead {lead_id}")
    return lead


def lead_data(request: Request, store: LeadStore, lead: StoredLead) -> dict[str, Any]:
    lang = request_language(request)
    data_dir = request.app.state.config.data_dir
    evidence = []
    for ref in lead.evidence:
        view = open_evidence(data_dir, ref)
        row = view.to_json()
        base = f"/leads/{lead.id}/evidence/{view.entry}"
        row["screenshot_url"] = f"{base}/screenshot.png" if view.screenshot is not None else None
        row["page_url"] = f"{base}/page" if view.html is not None else None
        evidence.append(row)
    return {
        "lead": lead.to_json(),
        "right": store.get_right(lead.right_id),
        "reasons": reason_lines(lead, lang),
        "evidence": evidence,
        "listing_history": [{"content_hash": v.content_hash, "first_seen": v.first_seen, "last_seen": v.last_seen,
                             "title": v.listing.get("title", ""), "price": v.listing.get("price"),
                             "listing": v.listing} for v in store.listing_history(lead.url)],
        "history": [{"at": t.at, "actor": t.actor, "from": t.from_status, "to": t.to_status, "note": t.note}
                    for t in store.history(lead.id)],
        "actions": [a for a, status in TRIAGE_ACTIONS.items()
                    if status in ALLOWED_TRANSITIONS.get(lead.status, frozenset())],
        "notices": lead_notices(store, lead.id),  # platform linkage (web/notice_views.py)
        "tips": lead_tips(store, lead.id),  # who reported the listing (jobs/tips.py)
    }


@router.get("/leads/{lead_id}.json", summary="One lead: listing, right, reasons, evidence, history")
def lead_json(request: Request, lead_id: str, user: User = Depends(require_user),
              store: LeadStore = Depends(get_store)) -> Response:
    lead = _lead_or_404(store, lead_id)
    data = lead_data(request, store, lead)
    return JSONResponse(data)


@router.get("/leads/{lead_id}", include_in_schema=False)
def lead_page(request: Request, lead_id: str, user: User = Depends(require_user),
              store: LeadStore = Depends(get_store)) -> Response:
    lead = _lead_or_404(store, lead_id)
    data = lead_data(request, store, lead)
    return page(request, "lead.html", {"lead": lead, "data": data}, data)


def _evidence(request: Request, store: LeadStore, lead_id: str, entry: int):
    lead = _lead_or_404(store, lead_id)
    ref = find_ref(lead.evidence, entry)
    if ref is None:
        raise HTTPException(status_code=404, detail=f"lead {lead_id} has no evidence entry {entry}")
    return open_evidence(request.app.state.config.data_dir, ref)


@router.get("/leads/{lead_id}/evidence/{entry}/screenshot.png", include_in_schema=False)
def evidence_screenshot(request: Request, lead_id: str, entry: int, user: User = Depends(require_user),
                        store: LeadStore = Depends(get_store)) -> Response:
    view = _evidence(request, store, lead_id, entry)
    if view.screenshot is None:
        raise HTTPException(status_code=404, detail=f"evidence entry {entry} has no screenshot")
    return Response(view.screenshot, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/leads/{lead_id}/evidence/{entry}/page", include_in_schema=False)
def evidence_page(request: Request, lead_id: str, entry: int, user: User = Depends(require_user),
                  store: LeadStore = Depends(get_store)) -> Response:
    """The page as captured, for the lead page's sandboxed frame: no script, no network."""
    from web.security import SANDBOX_POLICY

    view = _evidence(request, store, lead_id, entry)
    if view.html is None:
        raise HTTPException(status_code=404, detail=f"evidence entry {entry} holds no page")
    return Response(view.html, headers={"Content-Type": "text/html", "Content-Security-Policy": SANDBOX_POLICY,
                                        "Cache-Control": "private, max-age=3600"})


@router.post("/leads/{lead_id}/triage", include_in_schema=False)
def triage_one(request: Request, lead_id: str, action: str = Form(...), note: str = Form(""),
               next: str = Form(""), user: User = Depends(require_user),
               store: LeadStore = Depends(get_store)) -> Response:
    """Confirm or dismiss one lead with a note (CSRF-checked like every POST), then back to the page."""
    if action not in TRIAGE_ACTIONS:
        raise HTTPException(status_code=400, detail=f"action must be one of {', '.join(TRIAGE_ACTIONS)}")
    _lead_or_404(store, lead_id)
    try:
        store.transition([lead_id], TRIAGE_ACTIONS[action], actor=user.username, note=note.strip())
        store.flush()
        flash(request, translate(request, "Lead confirmed.") if action == "confirm"
              else translate(request, "Lead dismissed."), "ok")
    except TransitionError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(safe_next(next, default=f"/leads/{lead_id}"), status_code=303)
