"""The workbench as a whole: security headers on every response, the OpenAPI document of the JSON
endpoints, the app factory over a store it opens itself, and ``markwatch serve`` as a real process
on loopback."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from web_helpers import PASSWORD, make_lead, start_workbench

from index.store import SearchQuery, lead_id

REPO = Path(__file__).resolve().parent.parent


def _assert_hardened(response, path: str) -> None:
    csp = response.headers.get("content-security-policy", "")
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == "default-src 'self'", (path, csp)
    assert directives.get("script-src") == "script-src 'self'", (path, csp)
    assert directives.get("object-src") == "object-src 'none'", (path, csp)
    assert "frame-ancestors" in directives and "'unsafe-inline'" not in directives.get("script-src", ""), path
    assert response.headers.get("x-content-type-options") == "nosniff", path
    assert response.headers.get("referrer-policy"), path


def test_every_page_and_answer_carries_the_security_headers(tmp_path: Path) -> None:
    lead = make_lead(1)
    the_id = lead_id(lead["url"], "tm-nike")
    with start_workbench(tmp_path, leads=[lead]) as wb:
        anonymous = wb.new_client()
        for path in ("/login", "/leads", "/", "/static/markwatch.css", "/openapi.json", "/no/such/page",
                     "/api/v1/leads"):
            _assert_hardened(anonymous.get(path, follow_redirects=False), path)
        _assert_hardened(anonymous.post("/login", data={"username": "x"}), "POST /login without token")
        client = wb.login()
        for path in ("/leads", "/leads?q=耐克&platform=bazaar", "/leads.json", f"/leads/{the_id}",
                     f"/leads/{the_id}.json", "/api/v1/leads", f"/api/v1/leads/{the_id}", "/leads?min_score=x",
                     "/leads/ffffffffffffffffffffffff", "/lang/en"):
            _assert_hardened(client.get(path, follow_redirects=False), path)


def test_pages_carry_no_inline_script_or_style(tmp_path: Path) -> None:
    """The CSP forbids inline script and style: a page that used them would break silently."""
    lead = make_lead(1)
    with start_workbench(tmp_path, leads=[lead]) as wb:
        client = wb.login()
        for path in ("/login", "/leads", f"/leads/{lead_id(lead['url'], 'tm-nike')}"):
            text = client.get(path).text
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
            assert "<style" not in text and not re.search(r"\sstyle=", text), path
            assert not re.search(r"\son[a-z]+=", text), path


def test_openapi_documents_the_json_endpoints_and_not_the_pages(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        document = wb.client.get("/openapi.json").json()
        paths = document["paths"]
        assert {"/api/v1/leads", "/api/v1/leads/{lead_id}", "/leads.json", "/leads/{lead_id}.json"} <= set(paths)
        assert not {"/login", "/logout", "/leads", "/leads/{lead_id}", "/lang/{lang}"} & set(paths)
        names = {p["name"] for p in paths["/api/v1/leads"]["get"]["parameters"]}
        assert {"q", "right", "kind", "platform", "seller", "province", "status", "min_score", "max_score",
                "since", "until", "sort", "after", "limit"} <= names


def test_the_app_opens_the_configured_store_and_closes_it_on_shutdown(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from index import open_store
    from markwatch.config import load_config
    from web.app import create_app

    config = load_config(data_dir=str(tmp_path / "data"), environ={})
    config.data_dir.mkdir(parents=True)
    store = open_store(config)
    store.add_leads([make_lead(i) for i in range(3)])
    store.close()
    app = create_app(config)
    app.state.accounts.add("ana", PASSWORD)
    with TestClient(app) as client:
        token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
        assert client.get("/leads.json").json()["total"] == 3
    try:
        app.state.store.count(SearchQuery())
    except Exception:  # a closed store cannot be searched (whatever the backend raises)
        pass
    else:
        raise AssertionError("the app did not close the store it opened")


def test_sessions_survive_a_restart_of_the_service(tmp_path: Path) -> None:
    """The signing key is kept in the data dir: a restart does not log every analyst out."""
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        cookies = wb.login().cookies
    from fastapi.testclient import TestClient

    from markwatch.config import load_config
    from web.app import create_app

    app = create_app(load_config(data_dir=str(tmp_path / "data"), environ={}))
    with TestClient(app, cookies=dict(cookies)) as again:
        assert again.get("/leads", follow_redirects=False).status_code == 200
    assert (tmp_path / "data" / "web-secret.key").stat().st_mode & 0o077 == 0


def test_markwatch_serve_prints_its_url_and_serves_the_workbench(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    markwatch = str(Path(sys.executable).parent / "markwatch")
    added = subprocess.run([markwatch, "user", "add", "ana", "--data-dir", str(data_dir)], input=PASSWORD + "\n",
                           capture_output=True, text=True, timeout=120)
    assert added.returncode == 0, added.stderr
    process = subprocess.Popen([markwatch, "serve", "--data-dir", str(data_dir), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/leads", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        base = found.group(1)
        with urllib.request.urlopen(base + "/login", timeout=30) as response:
            body = response.read().decode()
            assert response.status == 200 and 'name="username"' in body
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        with urllib.request.urlopen(base + "/openapi.json", timeout=30) as response:
            assert "/api/v1/leads" in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()
