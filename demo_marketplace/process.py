"""Start the demo marketplace as a child process and wait for READY (tests, benchmarks, ``markwatch demo``).

Why a subprocess: the crawler's Twisted reactor and the marketplace's asyncio loop must not share
a process, and a child can be killed cleanly whatever state it is in.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from threading import Thread
from urllib.parse import urlsplit

from demo_marketplace.model import PLATFORMS


class MarketplaceError(RuntimeError):
    """The marketplace did not start; the message carries the tail of its stderr."""


class MarketplaceProcess:
    """A running marketplace: ``.urls`` (platform → base URL), ``.labels_path``, ``.stop()``."""

    def __init__(self, proc: subprocess.Popen, urls: dict[str, str], labels_path: Path | None,
                 stderr_tail: deque[str], port_base: int = 0) -> None:
        self.proc = proc
        self.urls = urls
        self.port_base = port_base
        self.labels_path = labels_path
        self._stderr_tail = stderr_tail

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stderr_tail(self) -> str:
        return "".join(self._stderr_tail)

    def moved_platforms(self) -> dict[str, str]:
        """Platforms not on the port asked for (``port_base + i``: it was taken) → their URL; empty
        when no ``port_base`` was asked for or every platform got its port."""
        if not self.port_base:
            return {}
        return {p: self.urls[p] for i, p in enumerate(PLATFORMS)
                if p in self.urls and urlsplit(self.urls[p]).port != self.port_base + i}

    def stop(self, timeout: float = 10) -> int | None:
        """SIGTERM, wait, then SIGKILL if it does not go; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        return self.proc.returncode

    def __enter__(self) -> "MarketplaceProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _pump(stream, lines: "queue.Queue[str | None]") -> None:
    """Forward the child's stdout lines (PLATFORM…, READY) and then None when it closes."""
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def _drain(stream, tail: deque[str]) -> None:
    for line in iter(stream.readline, ""):
        tail.append(line)
    stream.close()


def start_marketplace(listings: int = 2000, seed: int = 7, labels_out: str | Path | None = None,
                      api_rate: float = 200.0, api_burst: int = 50, timeout: float = 60,
                      host: str = "127.0.0.1", extra_listings: str | Path | None = None,
                      port_base: int = 0, search_only: int = 0, walls: list[str] | None = None,
                      days: int = 0, surge: str = "") -> MarketplaceProcess:
    """Start ``python -m demo_marketplace`` and return once it printed READY.

    ``labels_out=None`` writes the labels to a temporary file (``.labels_path`` says where).
    ``extra_listings``: a JSON Lines file of listings served beside the catalogue (extra_listings.py).
    ``port_base``: serve the platforms on ``port_base``, ``+1``, ``+2`` (stable URLs, ``markwatch demo``);
    a taken port falls back to a free one (see :meth:`MarketplaceProcess.moved_platforms`). The
    default 0 takes free ports, so tests and benchmarks running side by side never clash.
    ``search_only``: listings per platform only search finds; ``walls``: ``PLATFORM=KIND[:AFTER]``
    walls raised from the start (``markwatch demo-site --search-only/--wall``).
    Raises :class:`MarketplaceError` with the child's stderr tail if it dies or times out.
    """
    if labels_out is None:
        fd, name = tempfile.mkstemp(prefix="marketplace-labels-", suffix=".jsonl")
        os.close(fd)
        labels_out = name
    labels_path = Path(labels_out)
    cmd = [sys.executable, "-m", "demo_marketplace", "--listings", str(listings), "--seed", str(seed),
           "--api-rate", str(api_rate), "--api-burst", str(api_burst), "--host", host,
           "--labels-out", str(labels_path)]
    if extra_listings is not None:  # served beside the catalogue (demo_marketplace/extra_listings.py)
        cmd += ["--extra-listings", str(extra_listings)]
    if port_base:
        cmd += ["--port-base", str(port_base)]
    if search_only:  # listings only the platforms' search finds (search_only.py)
        cmd += ["--search-only", str(search_only)]
    for wall in walls or []:  # PLATFORM=KIND[:AFTER] (walls.py)
        cmd += ["--wall", wall]
    if days:  # listings online day by day (timeline.py, markwatch demo --days)
        cmd += ["--days", str(days)] + (["--surge", surge] if surge else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            bufsize=1, start_new_session=True)
    tail: deque[str] = deque(maxlen=40)
    Thread(target=_drain, args=(proc.stderr, tail), daemon=True).start()
    lines: queue.Queue[str | None] = queue.Queue()
    Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    urls: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise MarketplaceError(f"the marketplace did not print READY within {timeout:.0f}s "
                                       f"(listings={listings}); its stderr ends with:\n{''.join(tail)}")
            try:
                line = lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if line is None:  # stdout closed: the child died
                proc.wait(timeout=5)
                time.sleep(0.1)  # let the stderr thread catch the last lines
                raise MarketplaceError(f"the marketplace exited with code {proc.returncode} before READY; "
                                       f"its stderr ends with:\n{''.join(tail)}")
            words = line.split()
            if len(words) == 3 and words[0] == "PLATFORM":
                urls[words[1]] = words[2]
            elif words == ["READY"]:
                break
    except BaseException:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        raise
    missing = [p for p in PLATFORMS if p not in urls]
    if missing:
        proc.kill()
        raise MarketplaceError(f"the marketplace printed READY without URLs for {missing}")
    return MarketplaceProcess(proc, urls, labels_path, tail, port_base)
