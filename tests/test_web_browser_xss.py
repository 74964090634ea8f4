"""Scraped text is hostile (issue 8): XSS payloads planted in the demo marketplace — in titles,
descriptions, seller names, shop addresses and image URLs, on all three platforms — are crawled by
the real spiders (``markwatch demo --no-serve --extra-listings``: the session's ``demo_data``, tests/
demo_fixtures.py, whose extra listings are tests/hostile_listings.py), matched (耐克 in every title makes
them leads), stored with evidence, and then every workbench page that shows them is opened in real
headless Chromium. Every payload sets ``window.__xss`` and calls ``alert``: the proof is that the
marker stays undefined in every frame, no dialog opens, no element of the page carries an ``on…``
attribute or a ``javascript:`` URL, the payload text is visible as text, template syntax is not
evaluated, and an RTL override in a title cannot reorder the text around it.

The DOM audit is the part that does not lean on the Content-Security-Policy: with the CSP blocking
inline scripts, a template that forgot to escape would still run nothing, but the audit sees the
``onerror`` attribute or the inline ``<script>`` element the payload made and fails."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time

import pytest

from demo_fixtures import DEMO_TIMEOUT
from hostile_listings import PAYLOADS, RLO, is_hostile

pytestmark = [pytest.mark.browser, pytest.mark.timeout(DEMO_TIMEOUT)]  # the first test may wait for the demo run
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def hostile_workbench(tmp_path_factory, demo_data):
    """The demo pipeline over the marketplace with the hostile listings (the session's ``demo_data``,
    tests/demo_fixtures.py, copied), then the workbench served by uvicorn on loopback and one
    Chromium; all stopped by their own handles at the end."""
    import uvicorn
    from playwright.sync_api import sync_playwright

    from markwatch.config import chromium_args, find_browser, load_config
    from web.app import create_app

    data_dir = demo_data.copy(tmp_path_factory.mktemp("xss"))  # the workbench writes its sessions there
    config = load_config(data_dir=str(data_dir), environ={})
    app = create_app(config)
    app.state.accounts.add("ana", PASSWORD, role="analyst")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    pw = sync_playwright().start()
    browser = None
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
            time.sleep(0.05)
        browser = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = context.new_page()
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        page.goto(f"{base}/login")
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        leads = [json.loads(line) for line in (data_dir / "leads.jsonl").read_text("utf-8").splitlines()]
        yield {"base": base, "page": page, "context": context, "leads": leads, "data_dir": data_dir}
    finally:
        if browser is not None:
            browser.close()
        pw.stop()
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def hostile_leads(wb) -> list[dict]:
    return [lead for lead in wb["leads"] if is_hostile(lead["url"])]


# Every attribute of every element in every frame: no event handler, no javascript: URL, and the
# only scripts are the workbench's own files.
DOM_AUDIT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const v = a.value.trim().toLowerCase();
      if (a.name.startsWith('on')) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
      if (['href', 'src', 'action', 'formaction', 'srcdoc', 'data'].includes(a.name) &&
          (v.startsWith('javascript:') || a.name === 'srcdoc')) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (el.tagName === 'SCRIPT' && !(el.src && new URL(el.src).origin === location.origin)) bad.push('inline script');
    if (el.tagName === 'svg' && el.closest('[data-chart]') === null && el.querySelector('script')) bad.push('svg script');
  }
  return bad;
}"""


def rtl_leaks(page) -> list[str]:
    """Text nodes holding an RTL override outside an element whose direction is isolated (<bdi>,
    or unicode-bidi: isolate/plaintext): there the override could reorder the labels and numbers
    around it."""
    return page.evaluate("""(rlo) => {
      const out = []; const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.data.includes(rlo)) continue;
        let el = n.parentElement, ok = false;
        for (; el && el !== document.body; el = el.parentElement) {
          const ub = getComputedStyle(el).unicodeBidi;
          if (el.tagName === 'BDI' || ub === 'isolate' || ub === 'plaintext' || ub === 'isolate-override') { ok = true; break; }
        }
        if (!ok) out.push(n.parentElement.tagName + ': ' + n.data.slice(0, 40));
      }
      return out; }""", RLO)


def visit(wb, path: str) -> tuple[object, list[str]]:
    """Open ``path``, move the mouse over and focus every element (attribute breakers fire on
    hover/focus), and return the page with what went wrong."""
    page = wb["page"]
    dialogs: list[str] = []
    errors: list[str] = []
    on_dialog = lambda d: (dialogs.append(d.message), d.dismiss())  # noqa: E731
    on_error = lambda e: errors.append(str(e))  # noqa: E731
    page.on("dialog", on_dialog)
    page.on("pageerror", on_error)
    try:
        response = page.goto(wb["base"] + path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        page.wait_for_load_state("load")
        page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
            for (const t of ['mouseover', 'mouseenter', 'focus', 'click']) {
              if (t === 'click' && (el.closest('a') || el.closest('button') || el.tagName === 'INPUT')) continue;
              el.dispatchEvent(new Event(t, {bubbles: true}));
            } } }""")
        page.wait_for_timeout(300)
        problems = []
        for frame in page.frames:
            # (a sandboxed frame has an opaque origin: reading its parent throws, which is the point)
            marker = frame.evaluate("() => { let p = null; try { p = window.parent.__xss ?? null } catch (e) {} "
                                    "return [window.__xss ?? null, p]; }")
            if any(m is not None for m in marker):
                problems.append(f"{frame.url}: window.__xss = {marker}")
        problems += [f"DOM: {b}" for b in page.evaluate(DOM_AUDIT)]
        problems += [f"dialog: {d}" for d in dialogs]
        problems += [f"RTL override not isolated: {leak}" for leak in rtl_leaks(page)]
        return page, problems + [f"page error: {e}" for e in errors]
    finally:
        page.remove_listener("dialog", on_dialog)
        page.remove_listener("pageerror", on_error)


def test_the_hostile_listings_were_crawled_from_all_three_platforms_and_became_leads(hostile_workbench):
    leads = hostile_leads(hostile_workbench)
    platforms = {lead["listing"]["platform"] for lead in leads}
    assert platforms == {"bazaar", "storefront", "openmall"}, platforms
    titles = " ".join(lead["listing"]["title"] for lead in leads)
    # the text arrived as text: the spiders did not drop or run the markup
    assert "<script>window.__xss=1" in titles and "onerror=" in titles and RLO in titles


def test_search_results_run_no_script_and_show_the_payloads_as_text(hostile_workbench):
    page, problems = visit(hostile_workbench, "/leads?q=耐克&limit=200")
    assert problems == [], problems
    ids = {r.get_attribute("data-lead-id") for r in page.locator("[data-lead-id]").all()}
    assert {str(lead_id(hostile_workbench, lead)) for lead in hostile_leads(hostile_workbench)} <= ids
    text = page.inner_text("main")
    assert "<script>window.__xss=1;alert(1)</script>" in text
    assert "{{7*7}}" in text and "49" not in text.split("{{7*7}}")[0][-5:]


def lead_id(wb, lead: dict) -> int:
    """The store id of a lead from leads.jsonl (its url + right), as the JSON API lists it."""
    ids = wb.setdefault("_ids", {})
    if not ids:
        page = wb["page"]
        data = page.request.get(wb["base"] + "/leads.json?q=耐克&limit=500").json()
        ids.update({(row["url"], row["right_id"]): row["id"] for row in data["leads"]})
    return ids[(lead["url"], lead["right_id"])]


def test_every_lead_page_with_its_captured_frame_runs_no_script(hostile_workbench):
    seen_frames = 0
    for lead in hostile_leads(hostile_workbench):
        page, problems = visit(hostile_workbench, f"/leads/{lead_id(hostile_workbench, lead)}")
        assert problems == [], (lead["url"], problems)
        assert lead["listing"]["title"].strip().split()[0] in page.inner_text("main")
        for frame in page.locator("iframe").all():
            sandbox = frame.get_attribute("sandbox")
            assert sandbox is not None and "allow-scripts" not in sandbox
            seen_frames += 1
    assert seen_frames, "the captured pages are shown in sandboxed frames"


def test_the_rtl_override_is_isolated_on_the_lead_page(hostile_workbench):
    page = hostile_workbench["page"]
    rtl = [lead for lead in hostile_leads(hostile_workbench) if "/rtl" in lead["url"]]
    assert rtl
    for lead in rtl:
        visit(hostile_workbench, f"/leads/{lead_id(hostile_workbench, lead)}")
        assert rtl_leaks(page) == []
        assert "gpj.exe" in page.inner_text("main")  # the title is shown (with its override isolated, or without it)


def test_seller_network_and_dashboard_pages_run_no_script(hostile_workbench):
    leads = hostile_leads(hostile_workbench)
    paths = sorted({f"/sellers/{lead['listing']['platform']}/{lead['listing']['seller_id']}" for lead in leads})
    paths += ["/sellers", "/networks", "/dashboard"]
    page = hostile_workbench["page"]
    network_paths = set()
    seller_texts = []
    for path in paths:
        if path == "/dashboard":
            status = page.request.get(hostile_workbench["base"] + path).status
            if status == 404:  # the dashboard is another part of issue 8; checked once it is committed
                continue
        page, problems = visit(hostile_workbench, path)
        assert problems == [], (path, problems)
        network_paths |= {a.get_attribute("href") for a in page.locator("a[href^='/networks/']").all()}
        if path.startswith("/sellers/"):
            seller_texts.append(page.inner_text("main"))
    # the hostile seller names are shown, as text, on their seller pages
    assert any("坏店" in text and any(p in text for p in PAYLOADS) for text in seller_texts), seller_texts[:1]
    for path in sorted(network_paths)[:5]:
        page, problems = visit(hostile_workbench, path)
        assert problems == [], (path, problems)


def test_exports_defuse_formulas_and_keep_the_text(hostile_workbench):
    page = hostile_workbench["page"]
    response = page.request.get(hostile_workbench["base"] + "/leads/export.csv?q=耐克")
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"))))
    titles = [v for row in rows for k, v in row.items() if k and "title" in k]
    assert any("<script>window.__xss=1" in t for t in titles)
    cells = [v for row in rows for v in row.values() if isinstance(v, str)]
    assert not any(c[:1] in ("=", "+", "-", "@") and not c[1:2].isdigit() for c in cells if c), \
        [c for c in cells if c[:1] in "=+-@"][:5]
