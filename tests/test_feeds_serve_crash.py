"""SIGKILL of a real ``markwatch serve`` in the middle of a delivery run (CONTRACTS §7: "pending ones
survive a restart"): after a restart every notice is delivered, and none under two webhook-ids.

The receiver answers the first pushes at once and holds the later ones open, so the server is killed
while it has pushes in flight (their leases still running) — no timing guesses. Those pushes are sent
again by the restarted server once their lease runs out, with the same webhook-id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest

from feeds_helpers import Answer, Receiver, confirmed_leads
from index.sqlite_store import SQLiteStore

pytestmark = pytest.mark.slow

NOTICES = 8
MARKWATCH = [sys.executable, "-c", "import sys; from markwatch.cli import main; sys.exit(main())"]


def serve(data: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MARKWATCH_NOTICE_SETTLE_SECONDS": "0", "MARKWATCH_LINKAGE_INTERVAL_SECONDS": "0.2",
           "MARKWATCH_WEBHOOK_RETRY_SCHEDULE": "0,0.2,0.2,0.2,0.2,0.2", "MARKWATCH_WEBHOOK_TIMEOUT": "2",
           "MARKWATCH_WEBHOOK_LEASE_SECONDS": "2.5"}
    env.pop("MARKWATCH_STORE_URL", None)
    return subprocess.Popen([*MARKWATCH, "serve", "--port", "0", "--data-dir", str(data)], env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def deliveries(data: Path) -> dict[str, list]:
    with SQLiteStore(data / "store.sqlite") as store:
        return {n["id"]: store.linkage.deliveries_of(n["id"]) for n in store.linkage.notices(platform="bazaar")}


def test_sigkill_mid_delivery_then_restart_delivers_everything_once_per_id(tmp_path):
    gate = threading.Event()
    log = tmp_path / "serve.log"
    with Receiver(script=lambda n: Answer(200) if n < 3 else Answer(200, hold=gate)) as rx:
        with SQLiteStore(tmp_path / "store.sqlite") as store:
            creds = store.linkage.add_platform("bazaar", webhook_url=rx.url)
            confirmed_leads(store, NOTICES)
        rx.secrets = [creds.webhook_secret]

        first = serve(tmp_path, log)
        try:
            rx.wait_for(lambda got: len(got) >= 5, timeout=90)  # 3 answered, 2+ held open in flight
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        assert first.returncode == -signal.SIGKILL
        seen_before = {r.webhook_id for r in rx.received}
        gate.set()  # the restarted server's pushes are answered at once

        second = serve(tmp_path, log)
        try:
            deadline = time.monotonic() + 90
            while True:
                state = deliveries(tmp_path)
                if len(state) == NOTICES and all(d.status == "delivered" for ds in state.values() for d in ds):
                    break
                assert second.poll() is None, log.read_text()
                assert time.monotonic() < deadline, f"not all delivered: {state}\n{log.read_text()}"
                time.sleep(0.2)
        finally:
            second.send_signal(signal.SIGINT)
            code = second.wait(30)
        assert code == 0, log.read_text()
        received = list(rx.received)

    ids_by_notice: dict[str, set[str]] = defaultdict(set)
    for r in received:
        ids_by_notice[json.loads(r.body)["id"]].add(r.webhook_id)
        assert r.verified_by == [0], "standardwebhooks rejected a push"
    assert set(ids_by_notice) == set(state)
    for notice_id, rows in state.items():
        assert len(rows) == 1
        assert ids_by_notice[notice_id] == {rows[0].id}, "a notice went out under two webhook-ids"
    resent = [i for i in seen_before if sum(r.webhook_id == i for r in received) > 1]
    assert resent, "no push was in flight at the kill (nothing was sent again)"
