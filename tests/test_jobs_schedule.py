"""The routine's schedule on a fake clock: cron slots, catch-up once after downtime, no second pass
while one runs (a lock held by a real other process), the lock of a SIGKILLed pass taken over, and
``markwatch schedule status``."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from index.runs import PlatformStats, RunLog
from jobs.clock import FakeClock, iso
from jobs.cron import due_run, next_run
from jobs.lock import LockHeld, RunLock, read_holder
from jobs.routine import run_pass
from jobs.scheduler import Scheduler
from markwatch.config import ConfigError, load_config

UTC = timezone.utc
ROOT = Path(__file__).resolve().parent.parent


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_cron_next_run_is_the_next_slot_in_utc() -> None:
    assert next_run("0 2 * * *", at(1, 1)) == at(1, 2)
    assert next_run("0 2 * * *", at(1, 2)) == at(2, 2)  # strictly after
    assert next_run("30 */6 * * *", at(1, 7)) == at(1, 12, 30)
    with pytest.raises(ConfigError, match="schedule_cron.*five fields"):
        next_run("every night", at(1, 1))


class Recorder:
    """A pass that only records itself in the runs table (what the schedule decides is under test)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, config: Any, clock: Any, trigger: str, slot: str, missed: int) -> int:
        self.calls.append({"trigger": trigger, "slot": slot, "missed": missed})
        runs = RunLog(config.data_dir)
        run_id = runs.start(slot, trigger, iso(clock.now()), os.getpid(), missed)
        runs.finish(run_id, iso(clock.now()), "ok", {}, 0.0)
        return run_id


def test_missed_runs_are_caught_up_once_then_the_schedule_goes_on(tmp_path: Path) -> None:
    config = load_config(environ={}, data_dir=tmp_path)
    clock = FakeClock(at(20, 3, month=11))
    recorder = Recorder()
    scheduler = Scheduler(config, clock, recorder, say=lambda _: None)
    assert scheduler.tick() is None, "a new installation waits for its first slot instead of catching up"
    clock.set(at(21, 2, month=11))
    scheduler.tick()
    assert recorder.calls == [{"trigger": "cron", "slot": iso(at(21, 2, month=11)), "missed": 0}]
    clock.set(at(1, 3, 30))  # down from 21 November to 1 December
    scheduler.tick()
    scheduler.tick()  # the same moment again: nothing more
    assert recorder.calls[1:] == [{"trigger": "catch_up", "slot": iso(at(1, 2)), "missed": 9}]
    clock.set(at(2, 2, 0))
    scheduler.tick()
    assert recorder.calls[2:] == [{"trigger": "cron", "slot": iso(at(2, 2)), "missed": 0}]


def test_a_running_campaign_adds_its_run_times(tmp_path: Path) -> None:
    config = load_config(environ={}, data_dir=tmp_path)
    config = dataclasses.replace(config, campaigns={"flash": {"start": "2026-12-01", "end": "2026-12-03",
                                                              "keywords": ["闪购"], "cron": "0 14 * * *"}})
    runs = RunLog(tmp_path)
    runs.finish(runs.start(iso(at(2, 2)), "cron", iso(at(2, 2)), 1), iso(at(2, 2)), "ok", {}, 0.0)
    assert due_run(["0 2 * * *"], at(2, 2), at(2, 15)) is None
    recorder = Recorder()
    scheduler = Scheduler(config, FakeClock(at(2, 15)), recorder, say=lambda _: None)
    scheduler.tick()
    assert recorder.calls == [{"trigger": "cron", "slot": iso(at(2, 14)), "missed": 0}]
    after = Scheduler(config, FakeClock(at(4, 15)), Recorder(), say=lambda _: None)  # the campaign is over
    assert due_run(["0 2 * * *"], at(2, 14), at(4, 15)).slot == at(4, 2)
    after.tick()
    assert [c["slot"] for c in after.run_pass.calls] == [iso(at(4, 2))]


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from jobs.lock import RunLock
    lock = RunLock(Path(sys.argv[1]), "2026-12-01T02:00:00Z", run_id=int(sys.argv[2])).acquire()
    from index.runs import RunLog
    print("HELD", flush=True)
    time.sleep(600)
""")


@pytest.fixture
def lock_holder(tmp_path: Path):
    """A real other process holding the routine's lock (as a pass in progress does)."""
    procs: list[subprocess.Popen] = []

    def start(run_id: int = 0) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), str(run_id)], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "HELD"
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def quiet_config(tmp_path: Path) -> Any:
    """A platform whose window excludes the fake clock's time: a pass records itself and crawls nothing."""
    config = load_config(environ={}, data_dir=tmp_path)
    return dataclasses.replace(config, schedule_platforms={
        "bazaar": {"spider": "html", "base_url": "http://127.0.0.1:9", "window": "20:00-21:00"}})


def test_a_pass_is_never_started_while_another_runs(tmp_path: Path, lock_holder: Any) -> None:
    holder = lock_holder()
    with pytest.raises(LockHeld, match=f"process {holder.pid}.*not started twice"):
        RunLock(tmp_path, iso(at(1, 2))).acquire()
    with pytest.raises(LockHeld):
        run_pass(quiet_config(tmp_path), FakeClock(at(1, 2)), say=lambda _: None)
    assert RunLog(tmp_path).last() == [], "the refused pass recorded no run"
    RunLog(tmp_path).start(iso(at(30, 2, month=11)), "cron", iso(at(30, 2, month=11)), holder.pid)
    said: list[str] = []
    Scheduler(quiet_config(tmp_path), FakeClock(at(1, 2, 30)), run_pass, say=said.append).tick()  # 02:00 is due
    assert any("already running" in line for line in said), said


def test_the_lock_of_a_sigkilled_pass_is_taken_over(tmp_path: Path, lock_holder: Any) -> None:
    runs = RunLog(tmp_path)
    holder = lock_holder()
    crashed = runs.start(iso(at(1, 2)), "cron", iso(at(1, 2)), holder.pid)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    assert read_holder(tmp_path / "schedule.lock").pid == holder.pid, "the dead holder's record stays behind"
    said: list[str] = []
    result = run_pass(quiet_config(tmp_path), FakeClock(at(2, 2)), trigger="cron", say=said.append)
    assert result.status == "ok" and str(holder.pid) in result.took_over
    assert runs.get(crashed).status == "crashed" and str(holder.pid) in runs.get(crashed).note
    assert runs.get(result.run_id).platforms["bazaar"]["status"] == "skipped"  # outside its window
    assert read_holder(tmp_path / "schedule.lock") is None, "released: nobody holds it now"
    RunLock(tmp_path, iso(at(3, 2))).acquire().release()


def test_status_prints_the_last_runs_with_their_platforms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from markwatch.cli import main

    runs = RunLog(tmp_path)
    first = runs.start(iso(at(1, 2)), "cron", iso(at(1, 2)), 1)
    runs.finish(first, iso(at(1, 3)), "ok", {"bazaar": PlatformStats(pages=120, listings=97, new_leads=11, errors=2,
                                                                    rechecked=30, still_online=1, duration=40.0)}, 41.5)
    second = runs.start(iso(at(2, 2)), "catch_up", iso(at(2, 2)), 1, missed=3)
    runs.finish(second, iso(at(2, 3)), "failed", {"openmall": PlatformStats(status="failed", problem="exit 1: no page")}, 2.0)
    assert main(["schedule", "status", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(out) if line.split()[:2] == ["run", "slot"])
    assert out[header + 1].split()[:5] == [str(second), "2026-12-02", "02:00", "catch_up", "failed"]
    assert "exit 1: no page" in out[header + 2]
    row = out[header + 3].split()
    assert row[:9] == [str(first), "2026-12-01", "02:00", "cron", "ok", "120", "97", "11", "2"]
    assert "re-checked 30, still online 1" in out[header + 4]
    assert out[-1].startswith("campaigns now:")


def test_a_failing_pass_does_not_end_the_routine_but_a_bad_configuration_does(tmp_path: Path) -> None:
    config = load_config(environ={}, data_dir=tmp_path)
    RunLog(tmp_path).start(iso(at(1, 2)), "cron", iso(at(1, 2)), 1)

    def store_down(*_: Any, **__: Any) -> None:
        raise OSError("disk full")

    said: list[str] = []
    assert Scheduler(config, FakeClock(at(2, 2, 5)), store_down, say=said.append).tick() is None
    assert said and "failed (OSError: disk full)" in said[-1] and "tried again" in said[-1]
    with pytest.raises(ConfigError, match="schedule_platforms"):
        Scheduler(config, FakeClock(at(2, 2, 5)), run_pass, say=said.append).tick()  # no platform configured


def _children(pid: int) -> list[int]:
    """The ``markwatch crawl`` processes ``pid`` started (not any child: an import may run a short-lived
    helper such as ``ldconfig -p`` before the pass has written its run record)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(text[text.rindex(")") + 2:].split()[1]) == pid and b"markwatch.cli" in command and b"crawl" in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.timeout(180)
def test_a_sigkilled_pass_takes_its_crawls_along_and_the_next_pass_takes_over(tmp_path: Path) -> None:
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # connections are accepted by the kernel and never answered: the crawl hangs
    try:
        port = silent.getsockname()[1]
        (tmp_path / "markwatch.toml").write_text(
            f'data_dir = "{tmp_path / "data"}"\n[schedule_platforms.bazaar]\nspider = "html"\n'
            f'base_url = "http://127.0.0.1:{port}"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_")}
        routine = subprocess.Popen([sys.executable, "-m", "markwatch.cli", "schedule", "--once"], cwd=tmp_path,
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        crawls: list[int] = []
        while not crawls and time.monotonic() < deadline and routine.poll() is None:
            crawls = _children(routine.pid)
            time.sleep(0.1)
        assert crawls, "the pass started no crawl"
        os.kill(routine.pid, signal.SIGKILL)
        routine.wait(timeout=10)
        while any(Path(f"/proc/{pid}").exists() for pid in crawls) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(Path(f"/proc/{pid}").exists() for pid in crawls), "a crawl outlived the killed pass"
    finally:
        silent.close()
    data = tmp_path / "data"
    (killed,) = RunLog(data).last()
    assert killed.status == "running" and killed.pid == routine.pid
    config = dataclasses.replace(quiet_config(data), data_dir=data)
    result = run_pass(config, FakeClock(at(2, 2)), say=lambda _: None)
    assert str(routine.pid) in result.took_over and RunLog(data).get(killed.id).status == "crashed"
