"""Tips: suspect listings reported by right holders and the public — the public form ``/tip``
(no login, Chinese and English), ``POST /api/v1/tips`` for scripts, and ``/tips`` where analysts
see what is waiting.

Why a form without CAPTCHA: the complaint channel must be open to anyone (DOMAIN.md, 投诉举报渠道),
and a CAPTCHA needs a third-party service the office's network cannot reach. Instead each client
address (and each API caller) may send a few tips per window (:data:`TIP_LIMIT` per
:data:`TIP_WINDOW_SECONDS`, then 429 with ``Retry-After``); the form carries the session's CSRF
token like every workbench form. A tip is only queued here, with its source
(``store.linkage.add_tip``): crawling the URL, matching it and queueing the lead for triage is the
routine's job (jobs/), which moves the tip's status on (``set_tip_status``).

Who may post to the API: an analyst (session or ``mwk_`` key: source ``analyst:NAME``) or a
partner office or platform with its key (``office:NAME`` / ``platform:NAME``). Right holders
without a key use the form and say that they hold the right (source ``right_holder``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.responses import RedirectResponse, Response

from index.store import LeadStore, utc_now
from web.accounts import User
from web.deps import get_store, optional_user, require_user
from web.i18n import translate
from web.security import LoginLimiter
from web.templating import JSONResponse, flash, page, render

TIP_LIMIT = 5
TIP_WINDOW_SECONDS = 600.0
API_TIP_LIMIT = 120
"""A caller with a key (an analyst's script, an office) may send more: per key, per window."""
MAX_URL = 2048
MAX_NOTE = 2000
SOURCES = ("public", "right_holder")

_tip_key = HTTPBearer(auto_error=False, scheme_name="tip key",
                      description="an analyst's API key (mwk_…) or a partner office's / platform's key")
router = APIRouter()


def setup(app: FastAPI) -> None:
    # LoginLimiter is a sliding-window counter per (name, address): here every tip counts, not failures
    app.state.tip_limiter = LoginLimiter(max_failures=TIP_LIMIT, window_seconds=TIP_WINDOW_SECONDS,
                                         webdb=app.state.webdb, limiter="tip")
    app.state.api_tip_limiter = LoginLimiter(max_failures=API_TIP_LIMIT, window_seconds=TIP_WINDOW_SECONDS,
                                             webdb=app.state.webdb, limiter="api_tip")


def checked_url(value: str) -> str:
    """An http(s) URL of a listing, as reported (trimmed); ValueError saying what is wrong."""
    url = value.strip()
    if not url:
        raise ValueError("the listing's URL is missing")
    if len(url) > MAX_URL:
        raise ValueError("the URL is too long")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise ValueError("not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise ValueError("give the listing's web address, starting with http:// or https://")
    return url


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limited(limiter: LoginLimiter, name: str, address: str) -> int:
    """Seconds to wait (0: go ahead, and this tip is counted)."""
    wait = limiter.retry_after(name, address)
    if not wait:
        limiter.failed(name, address)
    return wait


def _known_right(store: LeadStore, right: str) -> str | None:
    right = right.strip()
    return right if right and len(right) <= 200 and store.get_right(right) is not None else None


# -- the API ---------------------------------------------------------------------------------------

class TipIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    url: str = Field(max_length=MAX_URL, description="the suspect listing's URL (http or https)")
    right: str | None = Field(None, max_length=200, description="id of the right it infringes, if known (register §1)")
    note: str = Field("", max_length=MAX_NOTE, description="what you saw; who you are")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return checked_url(value)


class TipOut(BaseModel):
    id: str
    url: str
    right: str | None
    source: str
    status: str


class ErrorOut(BaseModel):
    detail: Any


@router.post("/api/v1/tips", status_code=201, tags=["tips"], dependencies=[Depends(_tip_key)],
             summary="Report a suspect listing: queued with its source; the routine crawls and matches it",
             response_model=None,
             responses={201: {"model": TipOut}, 401: {"model": ErrorOut, "description": "no key or an unknown one"},
                        422: {"model": ErrorOut, "description": "no URL, not http(s), or a right the register does not hold"},
                        429: {"model": ErrorOut, "description": "too many tips from this caller; see Retry-After"}})
def api_tip(request: Request, body: TipIn, user: User | None = Depends(optional_user),
            store: LeadStore = Depends(get_store)) -> Response:
    source = f"analyst:{user.username}" if user is not None else _party_source(request, store)
    if source is None:
        raise HTTPException(401, detail="send an analyst's API key or a partner office's key "
                                        "(Authorization: Bearer …), or use the public form /tip",
                            headers={"WWW-Authenticate": "Bearer"})
    right = None
    if body.right:
        right = _known_right(store, body.right)
        if right is None:
            raise HTTPException(422, detail=f"right {body.right!r} is not in the register; leave it out if unsure")
    wait = _limited(request.app.state.api_tip_limiter, source, "")
    if wait:
        raise HTTPException(429, detail=f"too many tips; try again in {wait} s", headers={"Retry-After": str(wait)})
    tip_id = store.linkage.add_tip(body.url, right, source, body.note.strip(), utc_now())
    return JSONResponse({"id": tip_id, "url": body.url, "right": right, "source": source, "status": "queued"},
                        status_code=201)


def _party_source(request: Request, store: LeadStore) -> str | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return None
    party = store.linkage.party_for_key(key.strip())
    return f"{party.kind}:{party.name}" if party is not None else None


# -- the public form -------------------------------------------------------------------------------

@router.get("/tip", include_in_schema=False)
def tip_form(request: Request, sent: str = "") -> Response:
    return render(request, "tip.html", {"form": {}, "errors": [], "sent": sent[:40]})


@router.post("/tip", include_in_schema=False)
def tip_submit(request: Request, url: str = Form(""), right: str = Form(""), source: str = Form("public"),
               contact: str = Form(""), note: str = Form(""), store: LeadStore = Depends(get_store)) -> Response:
    form = {"url": url, "right": right, "source": source, "contact": contact, "note": note}
    errors: list[str] = []
    try:
        url = checked_url(url)
    except ValueError as exc:
        errors.append(translate(request, "Listing URL") + ": " + translate(request, str(exc)))
    if source not in SOURCES:
        source = "public"
    if len(note) > MAX_NOTE or len(contact) > 200 or len(right) > 200:
        errors.append(translate(request, "The text is too long."))
    if errors:
        return render(request, "tip.html", {"form": form, "errors": errors, "sent": ""}, status_code=422)
    wait = _limited(request.app.state.tip_limiter, "tip", client_address(request))
    if wait:
        message = translate(request, "Too many tips from your address: please try again in %(seconds)s seconds.")
        return render(request, "tip.html", {"form": form, "errors": [message % {"seconds": wait}], "sent": ""},
                      status_code=429, headers={"Retry-After": str(wait)})
    right_id = _known_right(store, right)
    lines = [note.strip()]
    if right.strip() and right_id is None:
        lines.append(f"right (as reported): {right.strip()}")
    if contact.strip():
        lines.append(f"contact: {contact.strip()}")
    tip_id = store.linkage.add_tip(url, right_id, source, "\n".join(x for x in lines if x), utc_now())
    flash(request, translate(request, "Thank you: your tip is queued for the analysts."), "ok")
    return RedirectResponse(f"/tip?sent={tip_id}", status_code=303)


# -- the analysts' queue -----------------------------------------------------------------------------

TIP_STATUSES = ("new", "crawled", "matched", "unmatched", "failed")


@router.get("/tips", include_in_schema=False)
@router.get("/tips.json", summary="Tips reported by right holders, the public, offices and analysts, newest first")
def tips_page(request: Request, status: str = Query("", max_length=20),
              user: User = Depends(require_user), store: LeadStore = Depends(get_store)) -> Response:
    if status and status not in TIP_STATUSES:
        raise HTTPException(400, detail=f"status: one of {', '.join(TIP_STATUSES)}")
    rows = store.linkage.tips(status or None, limit=200)
    return page(request, "tips.html", {"tips": rows, "status": status, "statuses": TIP_STATUSES}, {"tips": rows})
