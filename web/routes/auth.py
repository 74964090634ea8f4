"""Logging in and out, and the language switch.

The login form's fields are exactly ``username`` and ``password`` (CONTRACTS §11) plus the CSRF
token. A login clears the session first (a new session, a new CSRF token: no fixation). Failed
attempts are counted per username and client address: the sixth within a minute is answered 429.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from web.accounts import User
from web.deps import SESSION_USER, optional_user, safe_next
from web.i18n import LANG_COOKIE, LANGUAGES, translate
from web.security import csrf_token
from web.templating import render

router = APIRouter(include_in_schema=False)


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.get("/login")
def login_form(request: Request, next: str = "/leads", user: User | None = Depends(optional_user)) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": None, "username": ""})


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""),
          next: str = Form("/leads")) -> Response:
    limiter = request.app.state.login_limiter
    address = _client(request)
    target = safe_next(next)
    wait = limiter.retry_after(username, address)
    if wait:
        message = translate(request, "Too many failed logins. Try again in %(seconds)d seconds.") % {"seconds": wait}
        return render(request, "login.html", {"next": target, "error": message, "username": username},
                      status_code=429, headers={"Retry-After": str(wait)})
    user = request.app.state.accounts.authenticate(username, password) if username and password else None
    if user is None:
        limiter.failed(username, address)
        return render(request, "login.html", {"next": target, "username": username,
                                              "error": translate(request, "Wrong username or password.")},
                      status_code=401)
    limiter.succeeded(username, address)
    request.session.clear()
    request.session[SESSION_USER] = user.id
    request.state.user = user
    csrf_token(request)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/leads") -> Response:
    """Remember the language in the ``lang`` cookie (a year) and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response
