"""Walls on demand: a demo platform answers with a captcha page, a login page, 403 or 429.

Why: real platforms push back on a crawler they do not like, and mostly not with an error status: a
"please verify you are human" slider or a "sign in to continue" form comes with **200 OK** in place
of the page asked for. markwatch must recognise these from the page itself, back off the platform
and report it (crawler/health.py). So the demo platforms can raise such a wall while they run:

- ``GET /__wall?kind=captcha|login|403|429|off[&after=N][&for=M]``: from the request after the next
  ``N`` (default 0) on, answer ``M`` requests (default: until ``kind=off``) with the wall; answers
  the wall's state as JSON (``walled``: how many answers were walls so far). A test hook of the demo
  only, like ``/__hits`` (hit_counter.py), and never part of the product;
- ``?__wall=KIND`` on any URL: that one request is answered with the wall;
- ``markwatch demo-site --wall PLATFORM=KIND[:AFTER]`` raises a wall from the start (after AFTER requests).

robots.txt, images, the static script and the test hooks are never walled (a real platform's CDN
keeps serving them).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

WALL_PATH = "/__wall"
KINDS = ("captcha", "login", "403", "429")
EXEMPT = ("/robots.txt", "/__", "/static/")

CAPTCHA_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>安全验证 Security check</title></head>
<body><div id="nc-captcha" class="captcha-wall">
<h1>请完成安全验证</h1><p>访问过于频繁，请拖动下方滑块完成验证后继续访问。</p>
<p>Unusual traffic from your network. Please slide to verify you are human.</p>
<div class="slider" data-captcha="slide"><span class="handle">&gt;&gt;</span></div>
</div></body></html>"""
LOGIN_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 Sign in</title></head>
<body><form id="login-form" action="/login" method="post">
<h1>请登录后继续访问</h1><p>Please sign in to continue.</p>
<input name="username" placeholder="手机号/会员名"><input name="password" type="password" placeholder="密码">
<button type="submit">登录</button></form></body></html>"""


def wall_response(kind: str) -> Response:
    if kind == "captcha":
        return HTMLResponse(CAPTCHA_PAGE)  # 200, as real platforms do
    if kind == "login":
        return HTMLResponse(LOGIN_PAGE)
    if kind == "403":
        return PlainTextResponse("访问被拒绝 Access denied", status_code=403)
    return PlainTextResponse("请求过于频繁 Too many requests", status_code=429, headers={"Retry-After": "1"})


@dataclass
class WallState:
    kind: str = ""
    after: int = 0
    left: int | None = None
    walled: int = 0

    def take(self) -> str:
        """The wall to answer this request with, or ""."""
        if not self.kind:
            return ""
        if self.after > 0:
            self.after -= 1
            return ""
        if self.left is not None:
            if self.left <= 0:
                return ""
            self.left -= 1
        self.walled += 1
        return self.kind


def parse_wall_option(value: str) -> tuple[str, str, int]:
    """``PLATFORM=KIND[:AFTER]`` → (platform, kind, after); ValueError saying what is allowed."""
    platform, sep, rest = value.partition("=")
    kind, _, after = rest.partition(":")
    if not sep or kind not in KINDS:
        raise ValueError(f"--wall {value!r}: write PLATFORM=KIND[:AFTER] with KIND one of {', '.join(KINDS)}")
    try:
        return platform, kind, int(after or 0)
    except ValueError:
        raise ValueError(f"--wall {value!r}: AFTER must be a number of requests") from None


class Walls:
    """ASGI wrapper raising the wall of :class:`WallState` (module docstring)."""

    def __init__(self, app: ASGIApp, kind: str = "", after: int = 0) -> None:
        self.app = app
        self.state = WallState(kind=kind, after=after)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == WALL_PATH:
            await self._control(Request(scope))(scope, receive, send)
            return
        if not path.startswith(EXEMPT):
            flag = Request(scope).query_params.get("__wall", "")
            kind = flag if flag in KINDS else self.state.take()
            if kind:
                await wall_response(kind)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _control(self, request: Request) -> Response:
        params = request.query_params
        kind = params.get("kind", "")
        if kind and kind != "off" and kind not in KINDS:
            return JSONResponse({"error": f"kind must be one of {', '.join(KINDS)} or off"}, status_code=400)
        if kind:
            try:
                after = int(params.get("after", 0))
                left = int(params["for"]) if params.get("for") else None
            except ValueError:
                return JSONResponse({"error": "after and for must be integers"}, status_code=400)
            self.state = WallState(kind="" if kind == "off" else kind, after=max(0, after), left=left,
                                   walled=self.state.walled)
        return JSONResponse({"kind": self.state.kind, "after": self.state.after, "left": self.state.left,
                             "walled": self.state.walled})
