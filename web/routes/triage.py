"""Bulk triage: confirm or dismiss many leads at once — the ones selected in the list, or every
lead a search matches (Sentry's "select all N results"), with a note; each one a §10 step.

Why a confirmation page for a whole result: "dismiss everything this query matches" may touch
thousands of leads the analyst never saw, so the first request only counts — how many will change
and how many cannot, because the lifecycle forbids it (a dismissed lead cannot be dismissed again,
a notified one cannot be confirmed) — and only the confirmed request (``confirmed=1``) writes. A
selection of rows the analyst picked by hand (``id=…``, the list's x key or checkboxes) is applied
straight away when the form says ``confirmed=1``, as the list's toolbar does.

How it counts: for a whole result, from the store's status facet of the query (one call, however
many leads match). How it writes: the result, narrowed to the statuses that allow the step, is
walked with keyset pages (web/result_walk.py), and :meth:`LeadStore.transition` is called in chunks of
:data:`CHUNK` ids. That call is all or nothing, so a lead another analyst moved in between makes
its chunk fail as a whole; the chunk is then re-read, the leads that no longer allow the step are
reported, and the rest are written. The actor of every step is the logged-in user.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from index.store import ALLOWED_TRANSITIONS, STATUSES, LeadStore, TransitionError
from web.accounts import User
from web.deps import get_store, require_user, safe_next
from web.i18n import translate
from web.result_walk import walk
from web.search_params import SearchParams
from web.templating import JSONResponse, flash, page, wants_json

router = APIRouter()

ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed"}
"""Bulk action → the status it moves leads to (CONTRACTS §10)."""
CHUNK = 200
"""Leads per :meth:`LeadStore.transition` call (one transaction each)."""
MAX_NOTE = 2000
MAX_IDS = 5000
"""Selected ids per request (a whole result goes through ``scope=query`` instead)."""


@dataclass
class BulkPlan:
    """What a bulk action would do: the leads it can move and, per status, those it cannot."""

    action: str
    to_status: str
    scope: str  # "query" | "ids"
    ids: list[str] = field(default_factory=list)
    """The leads to move (collected only when the plan is to be applied)."""
    will_change: int = 0
    blocked: Counter = field(default_factory=Counter)
    """Leads the lifecycle does not let take the step, by status."""
    missing: list[str] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.will_change + sum(self.blocked.values()) + len(self.missing)

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "to_status": self.to_status, "scope": self.scope,
                "matched": self.matched, "will_change": self.will_change,
                "cannot_change": sum(self.blocked.values()), "cannot_change_by_status": dict(self.blocked),
                "not_found": len(self.missing)}


def allows(status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(status, frozenset())


def from_statuses(to_status: str) -> tuple[str, ...]:
    """The statuses a lead may take ``to_status`` from (CONTRACTS §10)."""
    return tuple(s for s in STATUSES if allows(s, to_status))


def plan_bulk(store: LeadStore, action: str, scope: str, ids: Sequence[str], params: SearchParams,
              collect: bool = True) -> BulkPlan:
    """Count the leads a bulk action would move and those it cannot; ``collect`` also lists the ids
    to move (a whole result: walked with keyset pages, only the leads whose status allows the step).

    For a whole result the counts come from the store's status facet of the query — one call, however
    many leads match — so the confirmation page stays fast on a million leads."""
    to_status = ACTIONS[action]
    plan = BulkPlan(action, to_status, scope)
    if scope == "query":
        query = params.to_query(limit=0, after="")
        for facet in store.facets(query, fields=("status",), size=len(STATUSES)).get("status", ()):
            if allows(facet.value, to_status):
                plan.will_change += facet.count
            elif facet.count:
                plan.blocked[facet.value] += facet.count
        if collect:
            allowed = from_statuses(to_status)
            statuses = tuple(s for s in params.filters.get("status", allowed) if s in allowed)
            movable = replace(params, filters={**params.filters, "status": statuses})
            plan.ids = [lead.id for lead in walk(store, movable)] if statuses else []
            plan.will_change = len(plan.ids)
        return plan
    for lead_id, status in _statuses(store, ids):
        if status is None:
            plan.missing.append(lead_id)
        elif allows(status, to_status):
            plan.ids.append(lead_id)
        else:
            plan.blocked[status] += 1
    plan.will_change = len(plan.ids)
    return plan


def _statuses(store: LeadStore, ids: Iterable[str]) -> Iterable[tuple[str, str | None]]:
    for lead_id in dict.fromkeys(ids):
        lead = store.get(lead_id)
        yield lead_id, (lead.status if lead is not None else None)


@dataclass
class BulkResult:
    changed: int = 0
    skipped: Counter = field(default_factory=Counter)
    """Leads that could not take the step, by their status at the time of writing."""


def apply_bulk(store: LeadStore, plan: BulkPlan, actor: str, note: str) -> BulkResult:
    """Move the planned leads in chunks; a chunk refused as a whole is re-read and retried."""
    result = BulkResult(skipped=Counter(plan.blocked))
    for offset in range(0, len(plan.ids), CHUNK):
        chunk = plan.ids[offset:offset + CHUNK]
        try:
            result.changed += len(store.transition(chunk, plan.to_status, actor=actor, note=note))
        except TransitionError:
            # Someone moved a lead of this chunk since it was planned: keep those that still may go.
            still = []
            for lead_id, status in _statuses(store, chunk):
                if status is not None and allows(status, plan.to_status):
                    still.append(lead_id)
                else:
                    result.skipped[status or "missing"] += 1
            if still:
                result.changed += len(store.transition(still, plan.to_status, actor=actor, note=note))
    result.skipped["missing"] += len(plan.missing)
    result.skipped = +result.skipped  # drop zero counts
    store.flush()
    return result


def _search_of(pairs: Iterable[tuple[str, str]]) -> SearchParams:
    params = SearchParams.from_query(QueryParams(list(pairs)))
    if params.errors:
        raise HTTPException(status_code=400, detail="; ".join(params.errors))
    return params


def _check(action: str, scope: str, ids: Sequence[str], note: str) -> None:
    if action not in ACTIONS:
        raise HTTPException(status_code=400, detail=f"action must be one of {', '.join(ACTIONS)}")
    if scope not in ("query", "ids", ""):
        raise HTTPException(status_code=400, detail="scope must be 'query' (every lead the search matches) "
                                                    "or 'ids' (the leads named by id=…)")
    if scope != "query" and not ids:
        raise HTTPException(status_code=400, detail="no lead selected: send id=… for each lead, "
                                                    "or scope=query with the search")
    if len(ids) > MAX_IDS:
        raise HTTPException(status_code=400, detail=f"at most {MAX_IDS} ids at once; use scope=query "
                                                    "to act on a whole search result")
    if len(note) > MAX_NOTE:
        raise HTTPException(status_code=400, detail=f"the note is longer than {MAX_NOTE} characters")


def _confirmation(request: Request, plan: BulkPlan, params: SearchParams, ids: Sequence[str], note: str,
                  next_url: str) -> Response:
    hidden = [("action", plan.action), ("scope", plan.scope)]
    hidden += [("id", i) for i in ids] if plan.scope == "ids" else params.pairs(page=False)
    context = {"plan": plan, "params": params, "hidden": hidden, "note": note,
               "next_url": next_url, "back_url": next_url}
    return page(request, "bulk_confirm.html", context, plan.to_json())


@router.get("/leads/bulk/confirm", include_in_schema=False)
@router.get("/leads/bulk/confirm.json", summary="How many leads a bulk confirm/dismiss would change",
            description="Parameters: action=confirm|dismiss, scope=query plus the search's parameters "
                        "(as /leads), or id=… (repeatable). Nothing is written.")
def bulk_confirm_page(request: Request, action: str = "", scope: str = "query", note: str = "",
                      user: User = Depends(require_user), store: LeadStore = Depends(get_store)) -> Response:
    ids = request.query_params.getlist("id")
    scope = scope or ("ids" if ids else "query")
    _check(action, scope, ids, note)
    params = _search_of(request.query_params.multi_items())
    plan = plan_bulk(store, action, scope, ids, params, collect=False)
    default_back = params.url("/leads", page=False)
    next_url = safe_next(request.query_params.get("next"), default=default_back)
    return _confirmation(request, plan, params, ids, note, next_url)


@router.post("/leads/bulk", summary="Confirm or dismiss leads in bulk (a selection, or a whole search result)",
             description="Form fields: csrf_token, action=confirm|dismiss, note, and either id=… (repeatable) "
                         "or scope=query plus the search's parameters (q, right, kind, platform, seller, "
                         "province, status, min_score, max_score, since, until). Without confirmed=1 it "
                         "answers the confirmation (counts, nothing written); with confirmed=1 it writes "
                         "and redirects back to the search (303), or answers the counts to a JSON client.")
async def bulk_triage(request: Request, action: str = Form(...), note: str = Form(""),
                      scope: str = Form(""), id: list[str] = Form([]), confirmed: str = Form(""),
                      next: str = Form(""), user: User = Depends(require_user),
                      store: LeadStore = Depends(get_store)) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    return await run_in_threadpool(_bulk, request, form.multi_items(), action, note.strip(),
                                   scope or ("ids" if id else "query"), id, confirmed == "1", next, user, store)


def _bulk(request: Request, pairs: list[tuple[str, Any]], action: str, note: str, scope: str, ids: list[str],
          confirmed: bool, next_url: str, user: User, store: LeadStore) -> Response:
    params = _search_of((k, v) for k, v in pairs if isinstance(v, str))
    target = safe_next(next_url, default=params.url("/leads", page=False))
    if scope == "ids" and not ids and not wants_json(request):
        flash(request, translate(request, "Select leads first (x or the checkboxes)."), "error")
        return RedirectResponse(target, status_code=303)
    _check(action, scope, ids, note)
    plan = plan_bulk(store, action, scope, ids, params, collect=confirmed)
    if not confirmed:
        return _confirmation(request, plan, params, ids, note, target)
    result = apply_bulk(store, plan, actor=user.username, note=note)
    if wants_json(request):
        return JSONResponse({**plan.to_json(), "changed": result.changed, "skipped": dict(result.skipped)})
    _flash_result(request, plan, result)
    return RedirectResponse(target, status_code=303)


def _flash_result(request: Request, plan: BulkPlan, result: BulkResult) -> None:
    if plan.action == "confirm":
        message = translate(request, "%(count)s leads confirmed.") % {"count": f"{result.changed:,}"}
    else:
        message = translate(request, "%(count)s leads dismissed.") % {"count": f"{result.changed:,}"}
    skipped = sum(result.skipped.values())
    if skipped:
        message += " " + translate(request, "%(count)s could not change: their status does not allow it.") % {
            "count": f"{skipped:,}"}
    flash(request, message, "ok" if result.changed or not skipped else "error")
