"""The analysts' JSON API under ``/api/v1`` (CONTRACTS §11): the same searches and leads the pages
show, for scripts. Authentication: an analyst's session, or an analyst's API key
(``Authorization: Bearer mwk_…``, made by ``markwatch user key NAME``). The platforms' feed (§7)
lives beside it, in the feeds area.

The parameters are declared here so that ``/openapi.json`` documents them; they are read by the
same :class:`web.search_params.SearchParams` as the search page, so the two cannot drift.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPBearer

from index.store import LeadStore
from web.accounts import User
from web.deps import get_store, require_user
from web.routes.leads import lead_data, run_search
from web.search_params import MAX_LIMIT, SearchParams

# Documents the API key in /openapi.json (the check itself is web.deps.require_user's: a session or a key).
_api_key = HTTPBearer(auto_error=False, scheme_name="analyst API key",
                      description="markwatch user key NAME; or log in (session cookie) instead")
router = APIRouter(prefix="/api/v1", tags=["analysts"], dependencies=[Depends(_api_key)])


@router.get("/leads", summary="Search leads: rows, facets with counts, next cursor")
def api_search(request: Request,
               q: str = Query("", description="full text over title, description and seller name"),
               right: list[str] = Query([], description="right id (repeat for several)"),
               kind: list[str] = Query([], description="trademark | gi | special_mark"),
               platform: list[str] = Query([]), seller: list[str] = Query([]),
               province: list[str] = Query([], description="ship-from province"),
               status: list[str] = Query([], description="lead status (CONTRACTS §10)"),
               min_score: float | None = Query(None, ge=0, le=1), max_score: float | None = Query(None, ge=0, le=1),
               since: str | None = Query(None, description="first seen on or after (YYYY-MM-DD)"),
               until: str | None = Query(None, description="first seen on or before (YYYY-MM-DD)"),
               sort: str = Query("score", pattern="^(score|date)$"),
               after: str | None = Query(None, description="the next_cursor of the previous page"),
               limit: int = Query(50, ge=1, le=MAX_LIMIT),
               user: User = Depends(require_user), store: LeadStore = Depends(get_store)) -> dict[str, Any]:
    params = SearchParams.from_query(request.query_params)
    if params.errors:
        raise HTTPException(status_code=400, detail="; ".join(params.errors))
    data = run_search(store, params)
    data.pop("_rows")
    return data


@router.get("/leads/{lead_id}", summary="One lead: listing, right, reasons, evidence, history")
def api_lead(request: Request, lead_id: str, user: User = Depends(require_user),
             store: LeadStore = Depends(get_store)) -> dict[str, Any]:
    lead = store.get(lead_id)
    if lead is None:
        raise HTTPException(status_code=404, detail=f"no lead {lead_id}")
    return lead_data(request, store, lead)
