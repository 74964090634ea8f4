"""Running the workbench under uvicorn: one function for ``markwatch serve`` and ``markwatch demo``.

Why bind first: the socket is bound and listening before the URL is printed, so whoever reads the
URL (a user, a test, the demo) can connect at once; connections wait in the backlog until uvicorn
accepts them. Port 0 picks a free port, and the URL says which.
"""

from __future__ import annotations

import socket
from typing import Callable

from fastapi import FastAPI


def bind(host: str = "127.0.0.1", port: int = 8000) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def serve(app: FastAPI, host: str = "127.0.0.1", port: int = 8000,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``app`` until Ctrl-C / SIGTERM; ``on_ready(base_url)`` is called once it listens."""
    import uvicorn

    sock = bind(host, port)
    try:
        if on_ready is not None:
            on_ready(url_of(sock))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", proxy_headers=False, access_log=False))
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises the signal it caught
            pass
    finally:
        sock.close()
