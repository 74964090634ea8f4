"""A second ``markwatch demo`` on the same data dir sees the listings as unchanged (stable ports).

Why: the store dedupes by URL + content hash, so the demo marketplace must serve the same URLs on
every start (config ``demo_port``: bazaar, storefront, openmall on three fixed ports). The first run
is the session's ``demo_data`` (tests/demo_fixtures.py: the real command as a subprocess, on three
ports it found free, MARKWATCH_DEMO_PORT, so parallel test runs do not clash); this test runs the
same command again on a copy of its data dir and the same ports. The marketplace alone is started
with a port taken, to see the fallback reported.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demo_fixtures import DEMO_SEED as SEED, DEMO_TIMEOUT, DemoData, demo_environ


def free_port_base() -> int:
    """A port P with P, P+1 and P+2 free on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base > 65530:
            continue
        socks = []
        try:
            for port in range(base, base + 3):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no three consecutive free ports found on 127.0.0.1")


def demo(first: DemoData, data_dir: Path) -> subprocess.CompletedProcess:
    """``first``'s command again on ``data_dir``, on the same ports (linkage loop off like ``first``)."""
    env = demo_environ(MARKWATCH_DEMO_PORT=str(first.port_base), MARKWATCH_DEMO_LINKAGE="0")  # loop: test_demo_command
    done = subprocess.run(first.command(data_dir), capture_output=True, text=True, timeout=400, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def stored_leads(data_dir: Path) -> list[dict]:
    found = subprocess.run([sys.executable, "-m", "markwatch.cli", "search", "--data-dir", str(data_dir),
                            "--limit", "0", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    return [json.loads(line) for line in found.stdout.splitlines() if line.strip()]


def stored_counts(summary: str) -> tuple[int, int, int, int]:
    """(new, updated, unchanged leads, unchanged listings) from the summary's ``stored:`` line."""
    match = re.search(r"stored: (\d+) new, (\d+) updated, (\d+) unchanged leads; (\d+) listings unchanged", summary)
    assert match, summary
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(DEMO_TIMEOUT)
def test_second_demo_run_sees_the_listings_unchanged_and_stores_no_second_copy(demo_data, tmp_path: Path) -> None:
    first, base = demo_data, demo_data.port_base
    for i, platform in enumerate(("bazaar", "storefront", "openmall")):
        assert f"{platform:<11} http://127.0.0.1:{base + i}" in first.stderr, first.stderr[-2000:]
    data_dir = first.copy(tmp_path)
    new, _, _, _ = stored_counts(first.stdout)
    leads = stored_leads(data_dir)
    assert new == len(leads) > 0
    lead_urls = {lead["url"] for lead in leads}

    second = demo(first, data_dir)
    new2, updated2, _, unchanged_listings = stored_counts(second.stdout)
    assert (new2, updated2) == (0, 0), second.stdout
    assert unchanged_listings >= len(lead_urls), second.stdout  # at least every flagged listing seen as unchanged
    again = stored_leads(data_dir)
    assert sorted((l["url"], l["right_id"]) for l in again) == sorted((l["url"], l["right_id"]) for l in leads)
    assert "cannot recognise" not in second.stdout


def test_the_marketplace_takes_the_ports_asked_for_and_falls_back_when_one_is_taken() -> None:
    from demo_marketplace.process import start_marketplace

    base = free_port_base()
    with start_marketplace(listings=20, seed=SEED, port_base=base) as market:
        assert market.urls == {p: f"http://127.0.0.1:{base + i}" for i, p in enumerate(("bazaar", "storefront", "openmall"))}
        assert market.moved_platforms() == {}
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", base + 1))  # storefront's port
        squatter.listen(1)
        with start_marketplace(listings=20, seed=SEED, port_base=base) as market:
            assert market.urls["bazaar"] == f"http://127.0.0.1:{base}"
            assert set(market.moved_platforms()) == {"storefront"}
            assert market.urls["storefront"] != f"http://127.0.0.1:{base + 1}"
            assert "port %d is taken" % (base + 1) in market.stderr_tail()
