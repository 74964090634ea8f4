"""One routine pass at a time, across processes and crashes: a lock file with the holder's pid.

Why ``flock`` plus a record: the kernel releases an ``flock`` when its process dies, however it
dies (SIGKILL included), so a crashed run can never block the next one. The file's content (pid,
the process's start time as the kernel counts it, when the run started, its run id) says who holds
it for ``markwatch schedule status``, and lets the next holder say it *took over* a lock of a dead
process (and mark that run as crashed) instead of silently starting. The pid is checked with its
start time because pids are reused: a live process with the same pid but another start time is not
the holder.

The lock file's descriptor is not inherited (Python's default), so a crawl the run starts cannot
keep the lock alive after the run itself died.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCK_FILE = "schedule.lock"


class LockHeld(RuntimeError):
    """Another routine pass is running; the message says which process and since when."""


@dataclass(frozen=True)
class Holder:
    pid: int
    proc_start: str
    started_at: str
    run_id: int | None = None

    def alive(self) -> bool:
        """True when process ``pid`` exists and is the same process (same kernel start time)."""
        return bool(self.pid) and process_start(self.pid) == self.proc_start


def process_start(pid: int) -> str:
    """The kernel's start time of ``pid`` (field 22 of /proc/PID/stat, clock ticks since boot), or
    "" when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2:].split()[19]


class RunLock:
    """``with RunLock(data_dir, started_at) as lock:`` — raises :class:`LockHeld` if a live pass has it.

    ``lock.stale`` is the :class:`Holder` of a dead process the lock was taken over from (or None)."""

    def __init__(self, data_dir: Path, started_at: str, run_id: int | None = None) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self.started_at = started_at
        self.run_id = run_id
        self.stale: Holder | None = None
        self._fd: int | None = None

    def acquire(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = read_holder(self.path)
            os.close(fd)
            who = f"process {holder.pid}, started {holder.started_at}" if holder else "another process"
            raise LockHeld(f"a routine pass is already running ({who}); it is not started twice. "
                           f"Wait for it, or see 'markwatch schedule status'") from None
        previous = read_holder(self.path)
        if previous is not None and previous.pid and not previous.alive():
            self.stale = previous  # its process died holding it (SIGKILL, power cut): take it over
        self._fd = fd
        self.write(self.run_id)
        return self

    def write(self, run_id: int | None) -> None:
        """Record the holder (this process) with its run id."""
        assert self._fd is not None
        self.run_id = run_id
        me = os.getpid()
        record = {"pid": me, "proc_start": process_start(me), "started_at": self.started_at, "run_id": run_id}
        data = json.dumps(record).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)
        os.fsync(self._fd)

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)  # an empty file: nobody holds it (a crash leaves the record behind)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def read_holder(path: Path) -> Holder | None:
    """The record in the lock file (None when empty or unreadable)."""
    try:
        data = json.loads(Path(path).read_text() or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    return Holder(int(data.get("pid") or 0), str(data.get("proc_start") or ""), str(data.get("started_at") or ""),
                  data.get("run_id"))


def current_holder(data_dir: Path) -> Holder | None:
    """Who holds the lock now (a live process), for status output; None when no pass runs."""
    holder = read_holder(Path(data_dir) / LOCK_FILE)
    return holder if holder is not None and holder.alive() else None
