"""Rendering pages and their JSON twins.

Why one Jinja2 environment per language: ``jinja2.ext.i18n`` installs ``_``/``gettext`` on an
environment, and an environment is shared by every thread of the server; one per language (built
once, at app start) makes a request's language a choice of environment, never a global switched
per request. Autoescape is on for every template: scraped text is hostile.

Every page handler builds one context dict and calls :func:`page` — which answers HTML, or JSON
when the client asks for it (``Accept: application/json`` or a ``.json`` URL): Datasette's "every
page has a data twin", so tests and scripts read JSON instead of scraping HTML.
"""

from __future__ import annotations

import gettext as gettext_module
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlencode

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from web.i18n import HTML_LANG, LANGUAGE_NAMES, request_language

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


class JSONResponse(Response):
    """JSON rendered by orjson (non-str keys and dataclasses allowed; UTF-8 as is)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def build_environments(catalogues: Mapping[str, gettext_module.GNUTranslations],
                       template_dirs: list[Path] | None = None) -> dict[str, Environment]:
    envs: dict[str, Environment] = {}
    for lang, translations in catalogues.items():
        env = Environment(loader=FileSystemLoader([str(p) for p in (template_dirs or [TEMPLATE_DIR])]),
                          autoescape=select_autoescape(default=True, default_for_string=True),
                          extensions=["jinja2.ext.i18n"],
                          trim_blocks=True, lstrip_blocks=True)
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        env.globals.update(query_string=query_string, LANGUAGE_NAMES=LANGUAGE_NAMES)
        envs[lang] = env
    return envs


def query_string(params: Mapping[str, Any] | list[tuple[str, Any]]) -> str:
    """``?a=1&b=2`` from a mapping or pairs (lists become repeated keys); "" when empty."""
    pairs: list[tuple[str, Any]] = []
    items = params.items() if isinstance(params, Mapping) else params
    for key, value in items:
        if value is None or value == "":
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, v) for v in value)
        else:
            pairs.append((key, value))
    return ("?" + urlencode(pairs)) if pairs else ""


def wants_json(request: Request) -> bool:
    """True for a ``.json`` URL or a client that prefers JSON over HTML (``Accept``)."""
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def base_context(request: Request) -> dict[str, Any]:
    """What every template may use: the request, the user (or None), the CSRF token, the language."""
    from web.security import csrf_token

    lang = request_language(request)
    return {"request": request, "user": getattr(request.state, "user", None), "csrf_token": csrf_token(request),
            "lang": lang, "html_lang": HTML_LANG[lang], "flashes": pop_flashes(request),
            "current_url": request.url.path + (f"?{request.url.query}" if request.url.query else "")}


def render(request: Request, template: str, context: Mapping[str, Any] | None = None,
           status_code: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The template rendered in the request's language."""
    env: Environment = request.app.state.jinja[request_language(request)]
    html = env.get_template(template).render({**base_context(request), **(context or {})})
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


def page(request: Request, template: str, context: Mapping[str, Any], data: Any,
         status_code: int = 200) -> Response:
    """HTML (``template`` with ``context``) or, for a JSON client, ``data``: one handler, two twins."""
    if wants_json(request):
        return JSONResponse(data, status_code=status_code, headers={"Vary": "Accept"})
    response = render(request, template, context, status_code=status_code)
    response.headers["Vary"] = "Accept"
    return response


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page rendered for this session (kind: ok | error)."""
    # assigned, not appended in place: the session middleware writes the cookie only when a key is set,
    # so a second message while one is still pending was lost
    request.session["flash"] = [*request.session.get("flash", []), [kind, message]]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    session = request.scope.get("session")
    if not session or "flash" not in session:
        return []
    return [(kind, message) for kind, message in session.pop("flash")]
