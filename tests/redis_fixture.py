"""One real ``redis-server`` for the test session (Debian's, installed by scripts/setup.sh).

``redis_server`` (session): started on a free loopback port with no persistence (no RDB, no AOF) in
a tmp dir, by its own handle, stopped at the end. :func:`start_redis` starts a private one too (the
outage test stops and restarts its own, with an append-only file, on the same port). ``redis_url`` (per test): a URL to a database of
it, emptied first, so tests do not see each other's keys. No redis-server on the machine is a
failing error that says to run scripts/setup.sh, never a skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest


@dataclass
class RedisServer:
    proc: subprocess.Popen
    port: int
    directory: Path

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0):  # noqa: ANN201 - redis.Redis
        import redis

        return redis.Redis.from_url(self.url(db))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_redis(directory: Path, timeout: float = 30.0, port: int | None = None, persist: bool = False) -> RedisServer:
    """A redis-server in ``directory``, on ``port`` (None: a free one). ``persist``: every write goes to
    an append-only file there (fsync'd at once), so a server stopped and started again on the same
    directory has every key back (the queue's leases included)."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        pytest.fail("redis-server is not installed: run scripts/setup.sh (it installs Debian's redis-server)",
                    pytrace=False)
    import redis

    last = ""
    durability = ["--appendonly", "yes", "--appendfsync", "always"] if persist else ["--appendonly", "no"]
    wanted = port
    for _ in range(1 if wanted else 5):  # a port taken between choosing and binding: try another
        port = wanted or _free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", *durability,
             "--dir", str(directory), "--databases", "16", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1).ping():
                    return RedisServer(proc, port, directory)
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        last = proc.communicate()[0][-2000:]
    pytest.fail(f"redis-server did not start: {last}", pytrace=False)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server
    finally:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()


_next_db = iter(range(1, 16))


@pytest.fixture()
def redis_url(redis_server: RedisServer) -> str:
    """A URL to an emptied database of the session's Redis (databases 1–15 in turn, then reused)."""
    global _next_db
    try:
        db = next(_next_db)
    except StopIteration:
        _next_db = iter(range(1, 16))
        db = next(_next_db)
    redis_server.client(db).flushdb()
    return redis_server.url(db)
