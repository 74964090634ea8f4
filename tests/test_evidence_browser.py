"""One capture end to end with a real Chromium: a loopback page fetched and screenshotted by the
browser, archived in the log, verified, exported and verified again as a bundle."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Iterator

import pytest
from warcio.archiveiterator import ArchiveIterator

from index.evidence.capture import Capture, utc_iso
from index.evidence.log import EvidenceLog
from index.evidence.verify import verify_log
from index.evidence.wacz import export_bundle, verify_bundle
from index.store import lead_id
from markwatch.config import chromium_args, find_browser

from loopback_site import QuietHandler, serving

PAGE = ("<!doctype html><html><head><meta charset='utf-8'><title>耐克 Air Force 1 高仿</title></head>"
        "<body style='background:#fee'><h1>耐克 Air Force 1 空军一号</h1><p>¥89 包邮</p>"
        + "<p>line</p>" * 80 + "</body></html>").encode("utf-8")


class _Shop(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path == "/old":
            self.answer(301, "text/plain", b"", {"Location": "/item/1"})
            return
        self.answer(200, "text/html; charset=utf-8", PAGE)


@pytest.fixture()
def shop() -> Iterator[str]:
    with serving(_Shop) as base:
        yield base


@pytest.fixture()
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=find_browser(), headless=True, args=chromium_args())
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.mark.browser
def test_a_real_chromium_capture_is_archived_verified_and_exported(shop: str, browser, tmp_path: Path) -> None:
    page = browser.new_page()
    response = page.goto(f"{shop}/old")
    captured_at = utc_iso()
    body = response.body()
    request_headers = list(response.request.all_headers().items())
    response_headers = [(h["name"], h["value"]) for h in response.headers_array()]
    png = page.screenshot(full_page=True)
    page.close()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    url = f"{shop}/old"
    capture = Capture(url=url, final_url=response.url, captured_at=captured_at,
                      request_headers=request_headers, status=response.status, response_headers=response_headers,
                      body=body, screenshot_png=png, lead_ids=(lead_id(url, "tm-nike"),),
                      redirects=(url,), title="耐克 Air Force 1 高仿")
    assert capture.final_url == f"{shop}/item/1"
    log = EvidenceLog(tmp_path / "data")
    ref = log.append(capture)
    assert ref.sha256 == {"html": hashlib.sha256(PAGE).hexdigest(), "screenshot": hashlib.sha256(png).hexdigest()}

    warc = (tmp_path / "data" / "evidence" / "warc" / ref.warc).read_bytes()
    payloads = {r.rec_type: r.content_stream().read() for r in ArchiveIterator(io.BytesIO(warc))}
    assert payloads["response"] == PAGE and payloads["resource"] == png

    lead = {"id": lead_id(url, "tm-nike"), "url": url, "right_id": "tm-nike", "score": 0.97,
            "reasons": ["mark variant 耐克 in title"], "listing": {"url": url, "title": "耐克"}, "status": "new"}
    bundle = export_bundle(log, [lead], tmp_path / "lead.wacz")
    log.close()
    report = verify_log(tmp_path / "data")
    assert report.ok and report.records == 5, report.problems
    bundle_report = verify_bundle(bundle.path)
    assert bundle_report.ok, bundle_report.problems
