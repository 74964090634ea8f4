"""Running the workbench under uvicorn: one function for ``markwatch serve`` and ``markwatch demo``.

Why bind first: the socket is bound and listening before the URL is printed, so whoever reads the
URL (a user, a test, the demo) can connect at once; connections wait in the backlog until uvicorn
accepts them. Port 0 picks a free port, and the URL says which.

Why worker processes are an option and not the default (:func:`serve_workers`, ``markwatch serve
--workers N``): a request's Python work (parsing, rendering) holds one process's GIL, but most of a
search's time is SQLite's, which runs without it on the store's several read connections, so one
process already uses both cores of a 2-core machine; measured there, two workers served fewer pages
a second than one (docs in :mod:`markwatch.commands.serve`). Where they pay, N processes, started by uvicorn's supervisor (which restarts one
that dies), accept on the same socket, each with its own app and store connections. What must be
the same for all of them is not in a process: sessions and CSRF tokens are in signed cookies (one
secret file, made before the workers start), users, saved searches and the login rate limit in the
web database, leads in the store (SQLite's lock orders the writers; each reader's counted matches
follow ``PRAGMA data_version``). The background jobs (notices, webhook pushes) run once, in the
supervising process, not once per worker.
"""

from __future__ import annotations

import functools
import os
import socket
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

if TYPE_CHECKING:
    from fastapi import FastAPI

    from markwatch.config import Config

MAX_WORKERS = 8
HEALTHCHECK_SECONDS = 60
"""How long the supervisor waits for a worker's answer before it takes it for hung and replaces
it (uvicorn's default 5 s is too short on a machine loaded 20 deep)."""


class Job(Protocol):
    """What :func:`serve_workers` runs beside the workers (e.g. :class:`feeds.service.LinkageService`)."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def bind(host: str = "127.0.0.1", port: int = 8000) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def serve(app: "FastAPI", host: str = "127.0.0.1", port: int = 8000,
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


def worker_app(config: "Config") -> "FastAPI":
    """A worker process's app (the supervisor pickles ``config`` to it): its own store and web
    database connections, no background jobs."""
    from web.app import create_app

    _die_with_supervisor()
    return create_app(config)


def _die_with_supervisor() -> None:
    """Ask Linux to send this worker SIGTERM when its supervisor dies, however it dies (a SIGKILL
    gives the supervisor no chance to stop it): no orphan keeps serving an old app on the port."""
    import ctypes
    import multiprocessing
    import signal

    parent = multiprocessing.parent_process()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the supervisor's own shutdown stops the workers
        return
    if parent is not None and os.getppid() != parent.pid:  # it died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def serve_workers(config: "Config", workers: int, host: str = "127.0.0.1", port: int = 8000,
                  on_ready: Callable[[str], None] | None = None, jobs: Sequence[Job] = ()) -> None:
    """Serve the workbench over ``config``'s store in ``workers`` processes until Ctrl-C / SIGTERM,
    with ``jobs`` started in this process meanwhile (see the module's doc). The store, the web
    database and the session secret are made here first, so no two workers race to create them."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from index import open_store
    from web.security import session_secret
    from web.webdb import WEB_DB_FILE, WebDatabase

    session_secret(config.data_dir)
    WebDatabase(os.path.join(config.data_dir, WEB_DB_FILE)).close()
    open_store(config).close()  # created or migrated once
    sock = bind(host, port)
    try:
        supervisor = Multiprocess(uvicorn.Config(functools.partial(worker_app, config), factory=True,
                                                 workers=workers, log_level="warning", proxy_headers=False,
                                                 access_log=False, timeout_worker_healthcheck=HEALTHCHECK_SECONDS),
                                  sockets=[sock])
        if on_ready is not None:
            on_ready(url_of(sock))
        started: list[Job] = []
        try:
            for job in jobs:
                job.start()
                started.append(job)
            supervisor.run()
        finally:
            for job in reversed(started):
                job.stop()
        if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
            raise RuntimeError("a worker could not start the workbench (its error is above)")
    finally:
        sock.close()
