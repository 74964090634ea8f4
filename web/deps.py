"""FastAPI dependencies every area uses: the store, the configuration, the web database and the
current user.

Why dependencies and not globals: a route declares what it needs (``store: LeadStore =
Depends(get_store)``, ``user: User = Depends(require_user)``), tests build as many apps as they
like (each with its own store), and nothing above the store knows which backend it is.

``require_user`` is the gate of every analyst page: an anonymous visitor is sent to
``/login?next=<the page>`` (303) — or, for a JSON client or ``/api/…``, answered 401. Under
``/api/`` an analyst's API key (``Authorization: Bearer mwk_…``, ``markwatch user key NAME``)
stands for the session; such requests carry no cookie, so CSRF does not apply to them.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from index.store import LeadStore
from markwatch.config import Config
from web.accounts import Accounts, User
from web.webdb import WebDatabase

SESSION_USER = "uid"


class LoginRequired(Exception):
    """Raised by :func:`require_user` for an anonymous visitor; the app turns it into a redirect
    to the login page (HTML) or a 401 (JSON)."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def get_store(request: Request) -> LeadStore:
    return request.app.state.store


def get_config(request: Request) -> Config:
    return request.app.state.config


def get_webdb(request: Request) -> WebDatabase:
    return request.app.state.webdb


def get_accounts(request: Request) -> Accounts:
    return request.app.state.accounts


def optional_user(request: Request) -> User | None:
    """The logged-in user, or None. Also kept on ``request.state.user`` for the templates."""
    if hasattr(request.state, "user"):
        return request.state.user
    user = None
    uid = request.scope.get("session", {}).get(SESSION_USER)
    if isinstance(uid, int):
        user = request.app.state.accounts.get(uid)  # a deleted or disabled user is logged out
    elif request.url.path.startswith("/api/"):  # scripts: Authorization: Bearer <analyst API key>
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and key.strip():
            user = request.app.state.accounts.by_api_key(key.strip())
    request.state.user = user
    return user


def require_user(request: Request, user: User | None = Depends(optional_user)) -> User:
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return user


def require_admin(user: User = Depends(require_user)) -> User:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="this page is for admins")
    return user


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


def safe_next(next_url: str | None, default: str = "/leads") -> str:
    """``next_url`` when it is a path on this site (``/…``, not ``//host`` or a scheme), else ``default``:
    a login or language switch never sends the browser to another site."""
    if not next_url or not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return default
    return next_url
