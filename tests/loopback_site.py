"""A scripted site on 127.0.0.1 for the crawl, rendering and evidence tests: a real HTTP server in a
thread of the test process, answering from a handler the test writes.

Why one module: many tests need a site that does one odd thing (a 429 with Retry-After, a page
whose script never says ready, a robots.txt that forbids everything, a redirect) and each wrote the
same server start, stop and answer code around its few lines of script.

Use::

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            self.answer(200, "text/html; charset=utf-8", b"<html>…</html>")

    with serving(Handler) as base:  # "http://127.0.0.1:PORT", no trailing slash
        ...
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing (pytest would show every request on a failure) and
    answers a whole body in one call."""

    def answer(self, status: int, kind: str, body: bytes | str, headers: dict[str, str] | None = None) -> None:
        """Send ``status`` with ``body`` (text is sent as UTF-8) of type ``kind``, and ``headers``."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 while the block runs; yields the base URL.
    The server is shut down and its socket closed when the block ends, however it ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
