"""Run the three platforms on three loopback ports in one process (one asyncio loop, uvicorn).

Why one process: a single start (and a single READY line) for tests, benchmarks and the demo.
Sockets are bound first (free ports, or ``port_base``, ``port_base + 1``… for URLs that stay the same
from run to run) so the real ports (and base URLs) are known before the apps are built, the labels
are written, and the PLATFORM/READY lines are printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import uvicorn

from demo_marketplace.bazaar import build_bazaar
from demo_marketplace.catalogue import Catalogue
from demo_marketplace.conditional import ConditionalGet
from demo_marketplace.hit_counter import HitCounter
from demo_marketplace.model import PLATFORMS
from demo_marketplace.openmall import build_openmall
from demo_marketplace.platform_desk import PlatformDesks, catalogue_without
from demo_marketplace.storefront import build_storefront
from demo_marketplace.walls import Walls

log = logging.getLogger("demo_marketplace")


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to :func:`serve` (three servers, one loop)."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


def bind(host: str, port: int = 0) -> socket.socket:
    """A listening socket on ``port``; when that one is taken, on a free port (with a warning)."""
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it keep-alive answers (headers, then body) stall 40 ms on Nagle + delayed ACK.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        if not port:
            raise
        log.warning("port %d is taken (%s); using a free port instead", port, exc.strerror or exc)
        sock.bind((host, 0))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def base_url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def build_apps(catalogue: Catalogue, urls: dict[str, str], api_rate: float, api_burst: int,
               walls: dict[str, tuple[str, int]] | None = None) -> dict[str, HitCounter]:
    """Each platform's app, wrapped (outside in): hit counter, walls on demand (walls.py), then
    conditional GET (conditional.py), so a wall page never carries validators."""
    apps = {
        "bazaar": build_bazaar(catalogue, urls["bazaar"]),
        "storefront": build_storefront(catalogue, urls["storefront"]),
        "openmall": build_openmall(catalogue, urls["openmall"], api_rate, api_burst),
    }
    walls = walls or {}
    return {p: HitCounter(Walls(ConditionalGet(app), *walls.get(p, ("", 0)))) for p, app in apps.items()}


async def serve(catalogue: Catalogue, host: str = "127.0.0.1", api_rate: float = 200.0, api_burst: int = 50,
                labels_out: str | Path | None = None, port_base: int = 0,
                walls: dict[str, tuple[str, int]] | None = None, timeline: Any = None) -> None:
    """Serve until SIGINT/SIGTERM; prints ``PLATFORM name url`` lines then ``READY`` to stdout.
    ``timeline``: a :class:`demo_marketplace.timeline.Timeline` (``--days``): listings online day by day.

    ``port_base``: the platforms' ports are ``port_base + i`` in :data:`PLATFORMS` order, so their
    URLs stay the same from run to run (a taken one falls back to a free port); 0 = free ports.
    ``walls``: platform → (kind, after) of a wall raised from the start (walls.py)."""
    socks = {p: bind(host, port_base + i if port_base else 0) for i, p in enumerate(PLATFORMS)}
    urls = {p: base_url(host, s) for p, s in socks.items()}
    apps = build_apps(catalogue, urls, api_rate, api_burst, walls)
    if timeline is not None:  # the month demo: what is online changes day by day (timeline.py)
        apps = timeline.apps(lambda view: build_apps(view, urls, api_rate, api_burst, walls))
    # each platform's notice desk in front (platform_desk.py): webhooks in, takedowns, dispositions back
    desks = PlatformDesks(catalogue, PLATFORMS)
    apps = desks.wrap(apps, None if timeline is not None else
                      lambda gone: build_apps(catalogue_without(catalogue, gone), urls, api_rate, api_burst, walls))
    if labels_out:
        started = time.perf_counter()
        count = catalogue.write_labels(labels_out, urls)
        log.info("wrote %d labelled listings to %s in %.1fs", count, labels_out, time.perf_counter() - started)
    servers = {
        p: _Server(uvicorn.Config(apps[p], lifespan="off", access_log=False, log_level="warning", http="h11",
                                  timeout_keep_alive=30, server_header=False))
        for p in PLATFORMS
    }
    loop = asyncio.get_running_loop()

    def stop(signum: int) -> None:
        log.info("signal %d: shutting down", signum)
        for server in servers.values():
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    tasks = [asyncio.create_task(servers[p].serve(sockets=[socks[p]])) for p in PLATFORMS]
    while not all(s.started for s in servers.values()):
        done = [t for t in tasks if t.done()]
        if done:
            for server in servers.values():
                server.should_exit = True
            await asyncio.gather(*tasks, return_exceptions=True)
            raise RuntimeError("a platform server failed to start; see the log above")
        await asyncio.sleep(0.01)
    for p in PLATFORMS:
        print(f"PLATFORM {p} {urls[p]}", flush=True)
    print("READY", flush=True)
    sys.stdout.flush()
    await asyncio.gather(*tasks)
    log.info("stopped")
