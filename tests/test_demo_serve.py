"""``markwatch demo`` without ``--no-serve`` (CONTRACTS §6): after the run it serves the workbench
over the demo's leads and prints its URL and a demo login; a person (here httpx) logs in with what
was printed and finds the leads; Ctrl-C stops the workbench and the marketplace, exit 0. The process
is the session's ``served_demo`` (tests/demo_fixtures.py), whose summary tests/test_demo_command.py
checks; this test ends it."""

from __future__ import annotations

import re
import socket
import time

import httpx
import pytest

from demo_fixtures import DEMO_TIMEOUT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(DEMO_TIMEOUT)]
PLATFORM_LINE = re.compile(r"^\s+(bazaar|storefront|openmall)\s+http://127\.0\.0\.1:(\d+)", re.M)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_demo_serves_the_workbench_with_a_printed_login_until_ctrl_c(served_demo) -> None:
    base, port, username, password = served_demo.url, served_demo.port, served_demo.username, served_demo.password
    log = served_demo.log()
    market_ports = [int(p) for _, p in PLATFORM_LINE.findall(log)]
    assert len(set(market_ports)) == 3, log[-2000:]
    assert all(port_open(p) for p in market_ports), "the marketplace keeps running beside the workbench"

    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/leads").status_code == 303  # anonymous: to the login page
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        r = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert r.status_code == 303, r.text[:500]
        every = client.get("/leads.json").json()
        assert every["total"] > 0 and every["leads"], "the demo's leads are in the workbench"
        word = every["leads"][0]["listing"]["title"].split()[0]  # search as an analyst would
        leads = client.get("/leads", params={"q": word})
        assert leads.status_code == 200
        ids = re.findall(r'data-lead-id="([^"]+)"', leads.text)
        assert str(every["leads"][0]["id"]) in ids, f"searching {word!r} lists its lead"
        assert client.get(f"/leads/{ids[0]}").status_code == 200
        # serving keeps the linkage going: a lead confirmed now is noticed, pushed and answered by its platform
        fresh = client.get("/leads.json", params={"status": "new"}).json()["leads"]
        assert fresh, "the demo analyst reviewed a sample only"
        target = str(fresh[0]["id"])
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/leads/{target}").text).group(1)
        r = client.post(f"/leads/{target}/triage", data={"action": "confirm", "csrf_token": token})
        assert r.status_code == 303, r.text[:500]
        answered, waited = "confirmed", time.monotonic() + 90
        while answered in ("confirmed", "notified") and time.monotonic() < waited:
            time.sleep(0.3)
            answered = client.get(f"/leads/{target}.json").json()["lead"]["status"]
        assert answered in ("removed", "rejected", "counter_notice"), answered
    assert (served_demo.data_dir / "demo-login.txt").read_text().strip() == password

    assert served_demo.stop(timeout=60) == 0  # Ctrl-C
    assert not port_open(port), "the workbench stopped"
    deadline = time.monotonic() + 30  # the marketplace's processes end after the demo's own exit
    while any(port_open(p) for p in market_ports) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(port_open(p) for p in market_ports), "the marketplace stopped"
