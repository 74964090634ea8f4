"""``markwatch demo`` runs shared by the tests (a pytest plugin, see conftest.py).

Why: one demo run is the suite's most expensive step (≈45 CPU-seconds for 150 listings: three
spiders, a Chromium for the rendered platform, one for the evidence, the marketplace, and with the
linkage loop three re-crawl processes). Seven tests used to run their own; they now share two runs:

``demo_data``
    One ``markwatch demo --no-serve`` (150 listings, seed 9, plus the hostile listings of
    tests/hostile_listings.py, linkage loop off so every lead stays ``new`` for the analyst tests)
    on three fixed ports below the ephemeral range (``MARKWATCH_DEMO_PORT``), so that a second run
    on a copy of its data dir sees the same URLs (tests/test_demo_rerun.py). Its data dir is never
    written after the run: a test that opens a store or serves a workbench over it works on
    ``demo_data.copy(tmp_path)`` (SQLite's backup API for the databases, a file copy for the rest:
    ≈11 MB, well under a second).
``served_demo``
    One ``markwatch demo`` without ``--no-serve`` (150 listings, seed 9, linkage loop on): a real
    process that crawls, matches, stores with evidence, runs the platform linkage loop, prints its
    summary, then serves the workbench until Ctrl-C. The fixture returns once the workbench line is
    printed, with ``snapshot``: a copy of the data dir taken at that moment, so that what the
    summary said can be checked against the store even after a test used the live workbench
    (tests/test_demo_command.py checks the snapshot, tests/test_console_output.py what it put on
    the screen, tests/test_demo_serve.py the live process and its Ctrl-C). The process is stopped at the end of the session if no test stopped it.

Both run as subprocesses with this run's environment (the test cache dir of conftest.py), and
their setup counts against the first test that asks for them: those tests carry
``pytest.mark.timeout(DEMO_TIMEOUT)``.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterator

import pytest

from hostile_listings import hostile_listings

DEMO_LISTINGS = 150
DEMO_SEED = 9  # a catalogue of 150 whose counterfeits include 耐克 listings the spiders can read
DEMO_TIMEOUT = 900
"""Seconds for a test that may have to wait for a demo run (≈3 min at load 35) besides its own work."""
WORKBENCH_LINE = re.compile(r"workbench: (http://127\.0\.0\.1:(\d+))/leads\s+login: (\S+) / (\S+)")


def markwatch_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "markwatch.cli", *args]


def demo_environ(**extra: str) -> dict[str, str]:
    """This run's environment without the demo's knobs, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_DEMO_")}
    return {**env, **extra}


def ports_free(base: int, count: int = 3) -> bool:
    socks = []
    try:
        for port in range(base, base + count):
            sock = socket.socket()
            socks.append(sock)
            sock.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        for sock in socks:
            sock.close()


def stable_port_base() -> int:
    """A port P with P, P+1 and P+2 free on 127.0.0.1, below the ephemeral range (32768+ on Linux),
    where the kernel does not hand ports to other sockets: still free for a second run later."""
    picker = random.Random(os.getpid())
    for _ in range(200):
        base = picker.randrange(20000, 32700)
        if ports_free(base):
            return base
    raise RuntimeError("no three consecutive free ports found on 127.0.0.1 between 20000 and 32700")


def copy_data_dir(source: Path, target: Path) -> Path:
    """A consistent copy of a demo data dir: each SQLite database through the backup API (safe while
    another process has it open), everything else as files."""
    databases = {path.relative_to(source) for path in source.rglob("*.sqlite")}
    shutil.copytree(source, target, ignore=lambda folder, names: [
        n for n in names if n.endswith(("-wal", "-shm", "-journal"))
        or (Path(folder) / n).relative_to(source) in databases])
    for relative in databases:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source / relative)) as src, closing(sqlite3.connect(target / relative)) as dst:
            src.backup(dst)
    return target


@dataclass
class DemoData:
    """A finished ``markwatch demo --no-serve`` run."""

    data_dir: Path
    """The run's data dir: read it, never write it (see :meth:`copy`)."""
    stdout: str
    stderr: str
    port_base: int
    extra_listings: Path
    listings: int = DEMO_LISTINGS
    seed: int = DEMO_SEED

    def copy(self, parent: Path) -> Path:
        """A copy of the data dir at ``parent / "data"`` for a test that changes it."""
        return copy_data_dir(self.data_dir, parent / "data")

    def command(self, data_dir: Path) -> list[str]:
        """The same demo command on another data dir (a second run on a copy)."""
        return markwatch_command("demo", "--no-serve", "--listings", str(self.listings), "--seed", str(self.seed),
                                 "--data-dir", str(data_dir), "--extra-listings", str(self.extra_listings))


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> DemoData:
    root = tmp_path_factory.mktemp("demo-data")
    extra = root / "hostile.jsonl"
    extra.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in hostile_listings()), encoding="utf-8")
    base = stable_port_base()
    data = DemoData(root / "data", "", "", base, extra)
    done = subprocess.run(data.command(data.data_dir), capture_output=True, text=True, timeout=DEMO_TIMEOUT - 60,
                          env=demo_environ(MARKWATCH_DEMO_PORT=str(base), MARKWATCH_DEMO_LINKAGE="0"))
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    data.stdout, data.stderr = done.stdout, done.stderr
    return data


@dataclass
class ServedDemo:
    """A ``markwatch demo`` process serving its workbench."""

    proc: subprocess.Popen[str]
    data_dir: Path
    """The live data dir (the workbench and the marketplace keep running over it)."""
    snapshot: Path
    """A copy of the data dir taken when the workbench line was printed."""
    summary: str
    """Everything the run printed on stdout before the workbench line: its summary."""
    screen: str
    """What the process wrote on stderr until the workbench line (progress, the platforms' URLs)."""
    url: str
    port: int
    username: str
    password: str
    stderr_file: IO[str] = field(repr=False)
    listings: int = DEMO_LISTINGS
    seed: int = DEMO_SEED

    def log(self) -> str:
        """What the process wrote on stderr so far (progress, the platforms' URLs)."""
        self.stderr_file.flush()
        return Path(self.stderr_file.name).read_text("utf-8", errors="replace")

    def stop(self, timeout: float = 30) -> int:
        """Ctrl-C, as a person stops the demo; kill only when that does not work."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()


@pytest.fixture(scope="session")
def served_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedDemo]:
    root = tmp_path_factory.mktemp("served-demo")
    data_dir = root / "data"
    stderr_file = (root / "demo.stderr").open("w+", encoding="utf-8")
    proc = subprocess.Popen(markwatch_command("demo", "--listings", str(DEMO_LISTINGS), "--seed", str(DEMO_SEED),
                                              "--data-dir", str(data_dir)),
                            stdout=subprocess.PIPE, stderr=stderr_file, text=True, encoding="utf-8", bufsize=1,
                            env=demo_environ())
    try:
        summary, found = [], None
        deadline = time.monotonic() + DEMO_TIMEOUT - 60
        assert proc.stdout is not None
        for line in proc.stdout:  # the summary, then the workbench line
            found = WORKBENCH_LINE.search(line)
            if found or time.monotonic() > deadline:
                break
            summary.append(line)
        stderr_file.seek(0)
        screen = stderr_file.read()
        assert found, f"no workbench line; exit {proc.poll()}; stderr ends:\n{screen[-3000:]}"
        snapshot = copy_data_dir(data_dir, root / "snapshot")
        yield ServedDemo(proc, data_dir, snapshot, "".join(summary), screen, found.group(1), int(found.group(2)),
                         found.group(3), found.group(4), stderr_file)
    finally:
        if proc.poll() is None:  # Ctrl-C first, so the demo stops its marketplace too
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stderr_file.close()
