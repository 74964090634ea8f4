"""The platforms' and partner offices' API under ``/api/v1`` (CONTRACTS §7): the pull feed of
notices, one notice, dispositions back, the evidence bundles a notice links to, and the offices'
clues.

Why a key per party and 404 for the rest: a platform integrates with one bearer key
(``markwatch platform add NAME`` prints it once; the store keeps only its hash). The key names the
party (:meth:`index.linkage.LinkageStore.party_for_key`); a notice or evidence bundle of another
platform is answered 404, exactly as an unknown id, so a key cannot even learn which ids exist.
No key, a key we do not know or a revoked one: 401. A key of the wrong kind (an office's key on the
platform feed, a platform's on the clues): 403, naming the right endpoint.

The feed cursor is the notice's sequence number in the store (monotonic, assigned in the notice's
own transaction), wrapped so that clients treat it as opaque. A page holds the notices *after* the
cursor, oldest first; ``next_cursor`` points after the page's last notice and is ``null`` only on an
empty page. So following ``next_cursor`` until ``null`` returns every notice exactly once, also
while new notices arrive (they get higher numbers than any already handed out); a client that
polls keeps the last non-null cursor and asks again later with it.

Requests carrying an ``Authorization`` header are exempt from the workbench's CSRF check
(web/security.py); each route here checks the key itself (``Depends(platform_party)``).
"""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.responses import Response

from index.linkage import LinkageError
from index.store import LeadStore, TransitionError, lead_id, utc_now
from markwatch.config import Config
from web.deps import get_config, get_store
from web.templating import JSONResponse

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000
WACZ_TYPE = "application/zip"
"""A WACZ bundle is a ZIP file (WACZ 1.2); ``application/wacz`` is not a registered type."""

_party_key = HTTPBearer(auto_error=False, scheme_name="platform or office key",
                        description="the api_key `markwatch platform add NAME` or `markwatch office add NAME` "
                                    "printed (shown once)")
router = APIRouter(prefix="/api/v1", tags=["platforms and offices"])


# -- documented shapes (documentation only: handlers answer the store's dicts as they are) ---------

class ErrorOut(BaseModel):
    detail: Any


class RightOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    kind: str
    name: str


class ListingOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str


class EvidenceOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    listing_url: str
    download_url: str | None = None


class NoticeOut(BaseModel):
    """NOTICE (CONTRACTS §7)."""

    model_config = ConfigDict(extra="allow")
    id: str
    created_at: str
    platform: str
    right: RightOut
    listings: list[ListingOut]
    evidence: list[EvidenceOut]
    reasons: list[Any]
    requested_measure: str
    status: str


class FeedOut(BaseModel):
    notices: list[NoticeOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on an empty page "
                                                "(you are up to date: ask again later with the cursor you sent)")


class CluesOut(BaseModel):
    clues: list[dict[str, Any]]
    next_cursor: str | None


class DispositionIn(BaseModel):
    """What the platform did with a notice (CONTRACTS §7)."""

    model_config = ConfigDict(extra="ignore")
    disposition: Literal["removed", "rejected", "counter_notice"]
    reason: str = Field("", max_length=4000, description="why the notice was rejected (required for rejected)")
    declaration: str = Field("", max_length=20000,
                             description="the seller's declaration of non-infringement (required for counter_notice)")

    @model_validator(mode="after")
    def _needs_its_text(self) -> "DispositionIn":
        if self.disposition == "rejected" and not self.reason.strip():
            raise ValueError("a rejection needs its reason (field 'reason')")
        if self.disposition == "counter_notice" and not self.declaration.strip():
            raise ValueError("a counter-notice needs the seller's declaration (field 'declaration')")
        return self


AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "no key, an unknown key or a revoked one"},
    403: {"model": ErrorOut, "description": "a key of the other kind (office key on a platform endpoint, or back)"},
}
NOT_FOUND = {404: {"model": ErrorOut, "description": "no such notice for this key (also: another platform's)"}}


# -- the key ------------------------------------------------------------------------------------------

def party(credentials: HTTPAuthorizationCredentials | None = Depends(_party_key),
          store: LeadStore = Depends(get_store)) -> Any:
    """The platform or office the bearer key belongs to (an :class:`index.linkage.Endpoint`); 401
    for no key, an unknown or a revoked one."""
    key = credentials.credentials.strip() if credentials is not None else ""
    if not key:
        raise HTTPException(401, detail="send your key: Authorization: Bearer <api_key>",
                            headers={"WWW-Authenticate": "Bearer"})
    found = store.linkage.party_for_key(key)
    if found is None:
        raise HTTPException(401, detail="unknown or revoked key; ask the office for a new one",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return found


def platform_party(found: Any = Depends(party)) -> Any:
    if found.kind != "platform":
        raise HTTPException(403, detail="this is an office's key: offices read GET /api/v1/clues")
    return found


def office_party(found: Any = Depends(party)) -> Any:
    if found.kind != "office":
        raise HTTPException(403, detail="this is a platform's key: platforms read GET /api/v1/feed")
    return found


# -- the cursor ---------------------------------------------------------------------------------------

CURSOR_PREFIX = "n1."
_CURSOR_RE = re.compile(r"^n1\.[A-Za-z0-9_-]{1,40}$")


def encode_feed_cursor(seq: int) -> str:
    return CURSOR_PREFIX + base64.urlsafe_b64encode(str(int(seq)).encode("ascii")).decode("ascii").rstrip("=")


def decode_feed_cursor(cursor: str) -> int:
    """The sequence number behind ``cursor`` ("" = the start); 400 for a cursor we did not hand out."""
    if not cursor:
        return 0
    if _CURSOR_RE.match(cursor):
        body = cursor[len(CURSOR_PREFIX):]
        try:
            text = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            text = ""
        if text.isdigit() and len(text) <= 18:
            return int(text)
    raise HTTPException(400, detail="cursor: not one this feed handed out; start without a cursor, "
                                    "or pass the next_cursor of the previous page")


def feed_page(store: LeadStore, kind: str, name: str, cursor: str, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    rows = store.linkage.feed(kind, name, decode_feed_cursor(cursor), limit)
    items = [item for _seq, item in rows]
    return items, (encode_feed_cursor(rows[-1][0]) if rows else None)


def page_limit(config: Config, limit: int | None) -> int:
    return limit if limit is not None else int(getattr(config, "feed_page_limit", DEFAULT_PAGE_LIMIT) or DEFAULT_PAGE_LIMIT)


# -- notices ------------------------------------------------------------------------------------------

def own_notice(store: LeadStore, notice_id: str, owner: Any) -> dict[str, Any]:
    """The notice (for a platform key) or clue (for an office key) if it is the key's own; 404
    otherwise, also for another party's: an id of someone else's looks like an unknown one."""
    doc = store.linkage.notice(notice_id) if len(notice_id) <= 200 else None
    if doc is None or not is_own(doc, notice_id, owner):
        raise HTTPException(404, detail=f"no {'notice' if owner.kind == 'platform' else 'clue'} {notice_id} for this key")
    return doc


def is_own(doc: dict[str, Any], doc_id: str, owner: Any) -> bool:
    """A platform owns its notices (``kind`` "notice", its ``platform``), an office the clues
    addressed to it (``kind`` "clue", its ``office``): feeds/notices.py composes both."""
    if owner.kind == "platform":
        return doc.get("kind", "notice") == "notice" and doc.get("platform") == owner.name
    return doc.get("kind") == "clue" and office_of(doc) == owner.name


def office_of(clue: dict[str, Any]) -> str | None:
    """The office a clue is addressed to (feeds/clues.py names it ``office``, a name or an object)."""
    office = clue.get("office")
    if isinstance(office, dict):
        office = office.get("name")
    return office if isinstance(office, str) else None


@router.get("/feed", summary="Notices for this platform, oldest first, with a cursor (CONTRACTS §7)",
            response_model=None, responses={200: {"model": FeedOut},
                                            400: {"model": ErrorOut, "description": "a cursor we did not hand out"},
                                            **AUTH_ERRORS})
def get_feed(cursor: str = Query("", max_length=64, description="next_cursor of the previous page; empty = from the start"),
             limit: int | None = Query(None, ge=1, le=MAX_PAGE_LIMIT, description="notices per page (default: config feed_page_limit)"),
             platform: Any = Depends(platform_party), store: LeadStore = Depends(get_store),
             config: Config = Depends(get_config)) -> Response:
    notices, next_cursor = feed_page(store, "platform", platform.name, cursor, page_limit(config, limit))
    return JSONResponse({"notices": notices, "next_cursor": next_cursor})


@router.get("/notices/{notice_id}", summary="One notice of this platform, with its current status",
            response_model=None, responses={200: {"model": NoticeOut}, **AUTH_ERRORS, **NOT_FOUND})
def get_notice(notice_id: str, platform: Any = Depends(platform_party),
               store: LeadStore = Depends(get_store)) -> Response:
    return JSONResponse(own_notice(store, notice_id, platform))


@router.post("/notices/{notice_id}/disposition",
             summary="Report what was done: removed, rejected (with reason) or counter_notice (with the seller's declaration)",
             response_model=None,
             responses={200: {"model": NoticeOut, "description": "the updated notice"}, **AUTH_ERRORS, **NOT_FOUND,
                        409: {"model": ErrorOut, "description": "the notice's listings cannot take this disposition now "
                                                                  "(e.g. it was already given)"},
                        422: {"model": ErrorOut, "description": "a malformed body"}})
def post_disposition(notice_id: str, body: DispositionIn, platform: Any = Depends(platform_party),
                     store: LeadStore = Depends(get_store)) -> Response:
    own_notice(store, notice_id, platform)
    try:
        updated = store.linkage.record_disposition(notice_id, platform.name, body.disposition, body.reason.strip(),
                                                   body.declaration.strip(), utc_now())
    except KeyError:  # no such notice for this platform (checked above; gone in between)
        raise HTTPException(404, detail=f"no notice {notice_id} for this key") from None
    except (LinkageError, TransitionError) as exc:  # DispositionError: a different one was recorded already
        raise HTTPException(409, detail=str(exc)) from None
    return JSONResponse(updated)


@router.get("/notices/{notice_id}/evidence/{n}.wacz",
            summary="The evidence bundle (WACZ) of the notice's n-th evidence item; verifies offline",
            response_class=Response,
            responses={200: {"content": {WACZ_TYPE: {}}, "description": "a WACZ 1.2 bundle"},
                       **AUTH_ERRORS, **NOT_FOUND,
                       409: {"model": ErrorOut, "description": "an artefact fails its own hash (run markwatch evidence verify)"},
                       503: {"model": ErrorOut, "description": "the evidence log is busy; try again"}})
def get_evidence(notice_id: str, n: int, platform: Any = Depends(platform_party),
                 store: LeadStore = Depends(get_store), config: Config = Depends(get_config)) -> Response:
    return evidence_bundle(store, config, own_notice(store, notice_id, platform), notice_id, n)


def evidence_bundle(store: LeadStore, config: Config, notice: dict[str, Any], notice_id: str, n: int) -> Response:
    """The WACZ of the lead behind evidence item ``n`` of a notice or clue."""
    items = notice.get("evidence") or []
    if not 0 <= n < len(items):
        raise HTTPException(404, detail=f"notice {notice_id} has no evidence item {n} "
                                        f"(items 0 to {len(items) - 1})" if items else f"notice {notice_id} has no evidence")
    item = items[n]
    lead = store.get(str(item.get("lead_id") or lead_id(str(item.get("listing_url", "")), notice["right"]["id"])))
    if lead is None:
        raise HTTPException(404, detail=f"notice {notice_id}: the lead of evidence item {n} is gone")
    row = lead.to_json()
    row["evidence"] = list(lead.evidence)
    body = export_wacz(config, row)
    return Response(body, media_type=WACZ_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{notice_id}-evidence-{n}.wacz"',
                             "Cache-Control": "private, no-store"})


def export_wacz(config: Config, lead: dict[str, Any]) -> bytes:
    """The lead's WACZ bundle, as ``markwatch evidence export`` writes it (index/evidence/wacz.py)."""
    from index.evidence.errors import EvidenceError, NoEvidence
    from index.evidence.log import EvidenceLog
    from index.evidence.wacz import export_bundle

    if not (Path(config.data_dir) / "evidence").is_dir():
        raise HTTPException(404, detail="this installation holds no evidence log")
    try:
        log = EvidenceLog(config.data_dir, checkpoint_every=config.evidence_checkpoint_every)
    except EvidenceError as exc:
        raise HTTPException(503, detail=f"the evidence log cannot be opened now: {exc}") from None
    try:
        with tempfile.TemporaryDirectory(prefix="markwatch-wacz-") as tmp:
            path = Path(tmp) / "bundle.wacz"
            export_bundle(log, [lead], path)
            return path.read_bytes()
    except NoEvidence as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except EvidenceError as exc:
        raise HTTPException(409, detail=f"{exc}") from None
    finally:
        log.close()


# -- partner offices ------------------------------------------------------------------------------------

@router.get("/clues", summary="Clues routed to this partner office (its jurisdiction), oldest first, with a cursor",
            response_model=None, responses={200: {"model": CluesOut},
                                            400: {"model": ErrorOut, "description": "a cursor we did not hand out"},
                                            **AUTH_ERRORS})
def get_clues(cursor: str = Query("", max_length=64, description="next_cursor of the previous page; empty = from the start"),
              limit: int | None = Query(None, ge=1, le=MAX_PAGE_LIMIT),
              office: Any = Depends(office_party), store: LeadStore = Depends(get_store),
              config: Config = Depends(get_config)) -> Response:
    clues, next_cursor = feed_page(store, "office", office.name, cursor, page_limit(config, limit))
    return JSONResponse({"clues": clues, "next_cursor": next_cursor})


@router.get("/clues/{clue_id}", summary="One clue routed to this partner office",
            response_model=None, responses={200: {"model": NoticeOut}, **AUTH_ERRORS, **NOT_FOUND})
def get_clue(clue_id: str, office: Any = Depends(office_party), store: LeadStore = Depends(get_store)) -> Response:
    return JSONResponse(own_notice(store, clue_id, office))


@router.get("/clues/{clue_id}/evidence/{n}.wacz",
            summary="The evidence bundle (WACZ) of the clue's n-th evidence item",
            response_class=Response,
            responses={200: {"content": {WACZ_TYPE: {}}, "description": "a WACZ 1.2 bundle"},
                       **AUTH_ERRORS, **NOT_FOUND,
                       409: {"model": ErrorOut, "description": "an artefact fails its own hash"},
                       503: {"model": ErrorOut, "description": "the evidence log is busy; try again"}})
def get_clue_evidence(clue_id: str, n: int, office: Any = Depends(office_party),
                      store: LeadStore = Depends(get_store), config: Config = Depends(get_config)) -> Response:
    return evidence_bundle(store, config, own_notice(store, clue_id, office), clue_id, n)
