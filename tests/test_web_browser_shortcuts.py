"""The lead list's keyboard shortcuts in real headless Chromium against the workbench served by
uvicorn on loopback (a real SQLite store): j/k move the current row, x selects, keys typed into a
field are ignored, ? opens the help overlay and Esc closes it, d dismisses the selection through
the CSRF-carrying bulk form (the store changes), o opens the current lead — with no CSP violation
or script error on the way."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from web_helpers import PASSWORD, RIGHTS, make_lead

pytestmark = pytest.mark.browser


@contextmanager
def serve(tmp_path, leads):
    import uvicorn

    from index.sqlite_store import SQLiteStore
    from markwatch.config import load_config
    from web.app import create_app

    config = load_config(data_dir=str(tmp_path / "data"), environ={})
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(config.data_dir / "store.sqlite")
    store.put_rights(RIGHTS)
    store.add_leads(leads)
    app = create_app(config, store=store)
    app.state.accounts.add("ana", PASSWORD, role="analyst")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", store
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        store.close()


def test_shortcuts_move_select_dismiss_and_open(tmp_path):
    from playwright.sync_api import sync_playwright

    from markwatch.config import chromium_args, find_browser

    leads = [make_lead(i, score=0.99 - i / 100) for i in range(6)]
    with serve(tmp_path, leads) as (base, store), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
        try:
            page = browser.new_page(locale="en-US")
            problems: list[str] = []
            # script errors and CSP violations; failed loads by URL (the browser's own favicon probe aside)
            page.on("console", lambda m: problems.append(m.text)
                    if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/login?lang=en")
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{base}/leads?q=耐克&lang=en")
            rows = page.locator("tr.lead-row")
            assert rows.count() == 6
            ids = [rows.nth(i).get_attribute("data-lead-id") for i in range(6)]
            expect_current = lambda i: page.wait_for_function(  # noqa: E731
                "i => document.querySelectorAll('tr.lead-row')[i].classList.contains('current')", arg=i)

            page.keyboard.press("j")
            expect_current(0)
            page.keyboard.press("j")
            page.keyboard.press("j")
            expect_current(2)
            page.keyboard.press("k")
            expect_current(1)
            assert page.locator("tr.lead-row.current").count() == 1

            page.keyboard.press("x")
            page.keyboard.press("j")
            page.keyboard.press("x")
            assert [r.get_attribute("data-lead-id") for r in page.locator("tr.lead-row.selected").all()] == ids[1:3]
            assert page.locator("tr.lead-row.selected input.lead-select:checked").count() == 2
            assert page.locator("[data-selected-count]").inner_text() == "2"

            page.fill("input.bulk-note", "")
            page.click("input.bulk-note")
            page.keyboard.type("jjk dx")  # typed into the note: no shortcut fires
            expect_current(2)
            assert page.locator("tr.lead-row.selected").count() == 2
            page.keyboard.press("Enter")  # Enter in the note does not submit (it would confirm)
            page.wait_for_timeout(500)
            assert all(store.get(i).status == "new" for i in ids)
            assert page.locator("tr.lead-row.selected").count() == 2
            page.fill("input.bulk-note", "parallel imports, fine")
            page.evaluate("document.activeElement.blur()")

            help_overlay = page.locator("#shortcuts-help")
            assert help_overlay.is_hidden()
            page.keyboard.press("?")
            assert help_overlay.is_visible() and "open the current lead" in help_overlay.inner_text()
            page.keyboard.press("Escape")
            assert help_overlay.is_hidden()

            with page.expect_navigation():
                page.keyboard.press("d")
            assert "2" in page.locator("p.flash").inner_text()
            assert [store.get(i).status for i in ids] == ["new", "dismissed", "dismissed", "new", "new", "new"]
            assert store.history(ids[1])[-1].note == "parallel imports, fine"
            assert store.history(ids[1])[-1].actor == "ana"

            page.goto(f"{base}/leads?q=耐克&status=new&lang=en")
            page.keyboard.press("j")
            with page.expect_navigation():
                page.keyboard.press("o")
            assert page.url.endswith(f"/leads/{ids[0]}")
            assert problems == [], problems
        finally:
            browser.close()
