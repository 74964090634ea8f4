"""Saved searches per analyst, each with the count of leads new since it was last opened.

Why it keeps the query string and not the results: a saved search is a permalink of ``/leads``
(``SearchParams.pairs(page=False)``, the cursor left out), so opening it later runs the search
again over whatever the store holds then. "New since last opened" is the same search with its
``since`` moved up to the time the analyst last opened it (``first_seen >= last_opened``; the
store compares full timestamps), counted by the store — one count per saved search.

Saved searches live in the web database (``data_dir/web.sqlite``, table ``saved_searches``), not
the lead store: they belong to the analysts, whichever backend holds the leads. Names are unique
per analyst; saving a name again replaces its query.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from index.store import LeadStore, utc_now
from web.accounts import User
from web.deps import get_store, get_webdb, require_user
from web.i18n import translate
from web.search_params import SearchParams
from web.templating import JSONResponse, flash, page, query_string, wants_json
from web.webdb import WebDatabase

router = APIRouter()

SCHEMA = """
CREATE TABLE IF NOT EXISTS saved_searches (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created TEXT NOT NULL,
    last_opened TEXT NOT NULL,
    UNIQUE (user_id, name)
);
CREATE INDEX IF NOT EXISTS saved_searches_user ON saved_searches (user_id, name);
"""
MAX_NAME = 200


def setup(app: FastAPI) -> None:
    app.state.webdb.ensure_schema(SCHEMA)


def search_of(query: str) -> SearchParams:
    """The saved query string as a search (no cursor); 400 when it does not read."""
    params = replace(SearchParams.from_query(QueryParams(query)), after="")
    if params.errors:
        raise HTTPException(status_code=400, detail="; ".join(params.errors))
    return params


def new_since(store: LeadStore, params: SearchParams, last_opened: str) -> int:
    """How many leads the search matches that were first seen at or after ``last_opened``."""
    query = params.to_query(limit=0, after="")
    since = max(filter(None, (query.since, last_opened)))
    return store.count(replace(query, since=since))


def _row(store: LeadStore, row: Any) -> dict[str, Any]:
    params = search_of(row["query"])
    return {"id": row["id"], "name": row["name"], "query": row["query"], "search": params.to_json(),
            "url": params.url("/leads", page=False), "open_url": f"/searches/{row['id']}/open",
            "created": row["created"], "last_opened": row["last_opened"],
            "new_since_opened": new_since(store, params, row["last_opened"])}


@router.get("/searches", include_in_schema=False)
@router.get("/searches.json", summary="The analyst's saved searches, with leads new since last opened")
def searches_page(request: Request, user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                  db: WebDatabase = Depends(get_webdb)) -> Response:
    rows = [_row(store, r) for r in db.query(
        "SELECT * FROM saved_searches WHERE user_id = ? ORDER BY name", (user.id,))]
    return page(request, "searches.html", {"searches": rows}, {"searches": rows})


@router.post("/searches", summary="Save a search (name + the /leads query string)",
             description="Form fields: csrf_token, name, query (the /leads query string, e.g. q=耐克&status=new). "
                         "Saving a name again replaces its query. Redirects to /searches (303), or answers the "
                         "saved search to a JSON client.")
def save_search(request: Request, name: str = Form(...), query: str = Form(""),
                user: User = Depends(require_user), store: LeadStore = Depends(get_store),
                db: WebDatabase = Depends(get_webdb)) -> Response:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise HTTPException(status_code=400, detail=f"a saved search needs a name of 1 to {MAX_NAME} characters")
    params = search_of(query.lstrip("?"))
    canonical = query_string(params.pairs(page=False))[1:]
    now = utc_now()
    with db.transaction() as conn:
        conn.execute("INSERT INTO saved_searches (user_id, name, query, created, last_opened) VALUES (?, ?, ?, ?, ?) "
                     "ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query, last_opened = excluded.last_opened",
                     (user.id, name, canonical, now, now))
    row = db.query_one("SELECT * FROM saved_searches WHERE user_id = ? AND name = ?", (user.id, name))
    if wants_json(request):
        return JSONResponse(_row(store, row), status_code=201)
    flash(request, translate(request, "Search saved."), "ok")
    return RedirectResponse("/searches", status_code=303)


def _own(db: WebDatabase, user: User, search_id: int) -> Any:
    if not 0 < search_id < 2**63:  # beyond SQLite's integers: no such search (not a crash)
        raise HTTPException(status_code=404, detail=f"no saved search {search_id} of yours")
    row = db.query_one("SELECT * FROM saved_searches WHERE id = ? AND user_id = ?", (search_id, user.id))
    if row is None:
        raise HTTPException(status_code=404, detail=f"no saved search {search_id} of yours")
    return row


@router.get("/searches/{search_id}/open", include_in_schema=False)
def open_search(request: Request, search_id: int, user: User = Depends(require_user),
                db: WebDatabase = Depends(get_webdb)) -> Response:
    """Mark the search opened now (its new-lead count starts again from 0) and run it."""
    row = _own(db, user, search_id)
    with db.transaction() as conn:
        conn.execute("UPDATE saved_searches SET last_opened = ? WHERE id = ?", (utc_now(), search_id))
    return RedirectResponse(search_of(row["query"]).url("/leads", page=False), status_code=303)


@router.post("/searches/{search_id}/delete", summary="Delete one of the analyst's saved searches")
def delete_search(request: Request, search_id: int, user: User = Depends(require_user),
                  db: WebDatabase = Depends(get_webdb)) -> Response:
    _own(db, user, search_id)
    with db.transaction() as conn:
        conn.execute("DELETE FROM saved_searches WHERE id = ? AND user_id = ?", (search_id, user.id))
    if wants_json(request):
        return JSONResponse({"deleted": search_id})
    flash(request, translate(request, "Saved search deleted."), "ok")
    return RedirectResponse("/searches", status_code=303)
