"""The app factory of ``markwatch serve``: :func:`create_app` builds one FastAPI app over one store.

Why a factory: the service, the tests and the benchmarks each build their own app over their own
store and data dir (``create_app(config, store=store)``), in process; nothing is global.

Areas are routers in :mod:`web.routes` (``auth``, ``leads``, ``api``, ``triage``, ``sellers``,
``dashboard``, …): every module there with a module-level ``router`` (a FastAPI ``APIRouter``) is
included, found on disk like the CLI's commands, so an area is one new file. The general routes
of ``leads`` (``/leads/{lead_id}``) are included after every other area's, so another area's
``/leads/export.csv`` is not taken for a lead id.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import pkgutil
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import RedirectResponse, Response

from index.store import LeadStore
from markwatch import __version__
from markwatch.config import Config
from web.accounts import Accounts
from web.deps import LoginRequired, login_url
from web.i18n import load_catalogues, translate
from web.security import LoginLimiter, SecurityHeaders, csrf_protect, session_secret
from web.templating import JSONResponse, build_environments, render, wants_json
from web.webdb import WEB_DB_FILE, WebDatabase

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "markwatch_session"
SESSION_MAX_AGE = 14 * 24 * 3600
LAST_ROUTERS = ("leads", "auth")
"""Included after every other area (their paths are the most general)."""


def route_modules() -> list[str]:
    """Modules of :mod:`web.routes` on disk, in the order their routers are included."""
    import web.routes as package

    found = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    return [n for n in found if n not in LAST_ROUTERS] + [n for n in LAST_ROUTERS if n in found]


def create_app(config: Config, store: LeadStore | None = None) -> FastAPI:
    """The workbench over ``store`` (opened from ``config`` when not given, and then closed when the
    app shuts down; a store passed in stays the caller's to close)."""
    data_dir = Path(config.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    owns_store = store is None
    if store is None:
        from index import open_store

        store = open_store(config)
    webdb = WebDatabase(data_dir / WEB_DB_FILE)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs = list(app.state.background)  # e.g. markwatch serve's webhook loop (feeds/service.py)
        for job in jobs:
            job.start()
        try:
            yield
        finally:
            for job in reversed(jobs):  # stopped while the store is still open
                await asyncio.to_thread(job.stop)
            webdb.close()
            if owns_store:
                store.close()

    app = FastAPI(title="markwatch workbench", version=__version__, lifespan=lifespan,
                  description="The analysts' JSON API and the platforms' feed (CONTRACTS §7, §11). "
                              "HTML pages are left out of this document; each has a JSON twin.",
                  dependencies=[Depends(csrf_protect)], docs_url=None, redoc_url=None)
    app.state.config = config
    app.state.store = store
    app.state.background = []  # objects with start()/stop() run for the app's lifetime (none unless added)
    app.state.webdb = webdb
    app.state.accounts = Accounts(webdb)
    app.state.login_limiter = LoginLimiter(webdb=webdb)  # shared by worker processes
    app.state.catalogues = load_catalogues()
    app.state.jinja = build_environments(app.state.catalogues)

    app.add_middleware(SessionMiddleware, secret_key=session_secret(data_dir), session_cookie=SESSION_COOKIE,
                       max_age=SESSION_MAX_AGE, same_site="lax", https_only=False)
    app.add_middleware(SecurityHeaders)  # outermost: every response, errors included
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    for name in route_modules():
        module = importlib.import_module(f"web.routes.{name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)
        setup = getattr(module, "setup", None)
        if setup is not None:  # an area's own tables and state: setup(app)
            setup(app)

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/leads", status_code=303)

    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if wants_json(request) or request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "log in first (POST /login) or send an API key"}, status_code=401)
        return RedirectResponse(login_url(exc.next_url), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None) or {}
        if wants_json(request) or request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)
        detail = translate(request, exc.detail) if isinstance(exc.detail, str) else exc.detail  # known texts
        return render(request, "error.html", {"status": exc.status_code, "detail": detail},
                      status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        if wants_json(request) or request.url.path.startswith("/api/"):
            return JSONResponse({"detail": errors}, status_code=422)
        detail = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        return render(request, "error.html", {"status": 422, "detail": detail}, status_code=422)
