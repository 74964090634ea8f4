"""Accounts and the gates of the workbench: login/logout, the redirect of anonymous visitors, CSRF,
the login rate limit, session cookies, and ``markwatch user add`` (CONTRACTS §11)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from web_helpers import PASSWORD, make_lead, start_workbench

from index.store import lead_id

REPO = Path(__file__).resolve().parent.parent


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_come_back_to(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        for path in ("/leads?q=耐克&platform=bazaar", f"/leads/{lead_id(make_lead(1)['url'], 'tm-nike')}", "/"):
            response = wb.client.get(path, follow_redirects=False)
            if path == "/":  # the home page sends to /leads, which sends to login
                response = wb.client.get(response.headers["location"], follow_redirects=False)
                path = "/leads"
            assert response.status_code == 303
            target = urlsplit(response.headers["location"])
            assert target.path == "/login"
            assert [unquote(n) for n in parse_qs(target.query)["next"]] == [path]
        api = wb.client.get("/api/v1/leads", follow_redirects=False)
        assert api.status_code == 401 and "detail" in api.json()
        twin = wb.client.get("/leads.json", follow_redirects=False)
        assert twin.status_code == 401


def test_login_then_logout(tmp_path: Path) -> None:
    with start_workbench(tmp_path, leads=[make_lead(1)]) as wb:
        client = wb.client
        token = wb.csrf(client)
        page = client.get("/login?next=/leads?q=耐克")
        assert 'name="username"' in page.text and 'name="password"' in page.text
        response = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token,
                                               "next": "/leads?q=耐克"}, follow_redirects=False)
        assert response.status_code == 303 and unquote(response.headers["location"]) == "/leads?q=耐克"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        leads = client.get("/leads", follow_redirects=False)
        assert leads.status_code == 200 and 'data-user="ana"' in leads.text
        # logging out needs the token too; afterwards the pages are closed again
        assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
        token = wb.csrf(client, "/leads")
        out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert client.get("/leads", follow_redirects=False).status_code == 303


def test_wrong_password_and_unknown_user_are_refused_alike(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        for username, password in (("ana", "wrong password"), ("nobody", PASSWORD), ("ana", "")):
            response = wb.client.post("/login", data={"username": username, "password": password,
                                                      "csrf_token": wb.csrf()}, follow_redirects=False)
            assert response.status_code == 401
            assert "用户名或密码错误" in response.text
        assert wb.client.get("/leads", follow_redirects=False).status_code == 303


def test_login_goes_only_to_pages_of_this_site(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        for bad in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
            client = wb.new_client()
            response = client.post("/login", data={"username": "ana", "password": PASSWORD, "next": bad,
                                                   "csrf_token": wb.csrf(client)}, follow_redirects=False)
            assert response.status_code == 303 and response.headers["location"] == "/leads", bad


def test_a_post_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    lead = make_lead(7)
    the_id = lead_id(lead["url"], "tm-nike")
    with start_workbench(tmp_path, leads=[lead]) as wb:
        # login itself needs the token of the session that shows the form
        assert wb.client.post("/login", data={"username": "ana", "password": PASSWORD},
                              follow_redirects=False).status_code == 403
        client = wb.login()
        for data in ({"action": "confirm"}, {"action": "confirm", "csrf_token": "forged"}):
            refused = client.post(f"/leads/{the_id}/triage", data=data, follow_redirects=False)
            assert refused.status_code == 403
        # the token of another session does not work either
        other = wb.login(client=wb.new_client())
        foreign = wb.csrf(other, "/leads")
        assert client.post(f"/leads/{the_id}/triage", data={"action": "confirm", "csrf_token": foreign},
                           follow_redirects=False).status_code == 403
        assert wb.store.get(the_id).status == "new" and wb.store.history(the_id) == []
        # the header form of the token (for scripts) is accepted
        ok = client.post(f"/leads/{the_id}/triage", data={"action": "confirm"},
                         headers={"X-CSRF-Token": wb.csrf(client, "/leads")}, follow_redirects=False)
        assert ok.status_code == 303 and wb.store.get(the_id).status == "confirmed"


def test_login_is_rate_limited_per_username_and_address(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        client = wb.client
        for _ in range(5):
            assert client.post("/login", data={"username": "ana", "password": "guess", "csrf_token": wb.csrf()},
                               follow_redirects=False).status_code == 401
        blocked = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": wb.csrf()},
                              follow_redirects=False)
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["retry-after"]) <= 60
        assert "登录失败次数过多" in blocked.text
        assert client.get("/leads", follow_redirects=False).status_code == 303  # the right password did not log in
        # another user from the same address is not locked out
        wb.login("root")
        # the window passes (the failures moved a minute back): ana may try again
        with wb.app.state.webdb.transaction() as db:
            assert db.execute("UPDATE rate_events SET at = at - 61 WHERE limiter = 'login'").rowcount == 5
        wb.login("ana", client=wb.new_client())


def _run_user_add(data_dir: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "markwatch"), "user", "add", *args, "--data-dir", str(data_dir)],
                          input=stdin, capture_output=True, text=True, cwd=REPO, timeout=120)


def test_user_add_reads_the_password_from_standard_input(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    done = _run_user_add(data_dir, "张三", "--role", "admin", stdin="s3cret-passw0rd\n")
    assert done.returncode == 0, done.stderr
    assert "张三" in done.stderr and "admin" in done.stderr and "s3cret" not in done.stderr + done.stdout
    again = _run_user_add(data_dir, "张三", stdin="another-password\n")
    assert again.returncode == 2 and "exists already" in again.stderr
    short = _run_user_add(data_dir, "li", stdin="short\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    bad_role = _run_user_add(data_dir, "wang", "--role", "root", stdin="long-enough-pw\n")
    assert bad_role.returncode == 2

    from fastapi.testclient import TestClient

    from markwatch.config import load_config
    from web.app import create_app

    with TestClient(create_app(load_config(data_dir=str(data_dir), environ={}))) as client:
        token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post("/login", data={"username": "张三", "password": "s3cret-passw0rd", "csrf_token": token},
                               follow_redirects=False)
        assert response.status_code == 303
        page = client.get("/leads")
        assert 'data-user="张三"' in page.text and "管理员" in page.text
    stored = (data_dir / "web.sqlite").read_bytes()
    assert b"s3cret-passw0rd" not in stored and b"$argon2id$" in stored


def test_admins_add_users_in_the_page_and_analysts_may_not(tmp_path: Path) -> None:
    with start_workbench(tmp_path) as wb:
        analyst = wb.login("ana")
        assert analyst.get("/admin/users").status_code == 403
        assert 'href="/admin/users"' not in analyst.get("/leads").text
        assert analyst.post("/admin/users", data={"username": "x1", "password": "p" * 10, "password_again": "p" * 10,
                                                  "csrf_token": wb.csrf(analyst, "/leads")}).status_code == 403
        admin = wb.login("root", client=wb.new_client())
        assert 'href="/admin/users"' in admin.get("/leads").text
        token = wb.csrf(admin, "/admin/users")
        differ = admin.post("/admin/users", data={"username": "li", "password": "p" * 10, "password_again": "q" * 10,
                                                  "csrf_token": token})
        assert "两次输入的密码不一致" in differ.text and wb.app.state.accounts.by_name("li") is None
        added = admin.post("/admin/users", data={"username": "li", "password": "li-password", "role": "analyst",
                                                 "password_again": "li-password", "csrf_token": token})
        assert "已添加用户 li" in added.text and 'data-username="li"' in added.text
        assert {"username": "li", "role": "analyst"} in admin.get("/admin/users.json").json()["users"]
        wb.login("li", "li-password", client=wb.new_client())
        assert admin.post("/admin/users", data={"username": "li2", "password": "p" * 10, "password_again": "p" * 10},
                          follow_redirects=False).status_code == 403  # no token, no user
        assert wb.app.state.accounts.by_name("li2") is None


def test_an_analysts_api_key_opens_the_json_api_and_nothing_else(tmp_path: Path) -> None:
    lead = make_lead(2)
    with start_workbench(tmp_path, leads=[lead]) as wb:
        made = subprocess.run([str(Path(sys.executable).parent / "markwatch"), "user", "key", "ana",
                               "--data-dir", str(wb.config.data_dir)], capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        key = made.stdout.strip()
        assert key.startswith("mwk_") and key.encode() not in (wb.config.data_dir / "web.sqlite").read_bytes()
        script = wb.new_client()
        answer = script.get("/api/v1/leads?q=耐克", headers={"Authorization": f"Bearer {key}"})
        assert answer.status_code == 200 and answer.json()["total"] == 1
        assert script.get("/api/v1/leads", headers={"Authorization": "Bearer mwk_wrong"}).status_code == 401
        assert script.get("/api/v1/leads").status_code == 401
        # the key is for the API, not a login to the pages
        assert script.get("/leads", headers={"Authorization": f"Bearer {key}"},
                          follow_redirects=False).status_code == 303
        unknown = subprocess.run([str(Path(sys.executable).parent / "markwatch"), "user", "key", "nobody",
                                  "--data-dir", str(wb.config.data_dir)], capture_output=True, text=True, timeout=120)
        assert unknown.returncode == 2 and "no user" in unknown.stderr
