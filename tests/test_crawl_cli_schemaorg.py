"""``markwatch crawl schemaorg`` end to end, as a user runs it: a subprocess crawling the saved real
shop pages (../shared/realpages) served read-only from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
REALPAGES = (REPO / ".." / "shared" / "realpages").resolve()
MARKWATCH = [sys.executable, "-m", "markwatch.cli"]


class _ReadOnlyHandler(SimpleHTTPRequestHandler):
    """Serves files (GET/HEAD only, no charset in Content-Type) and counts the paths asked for."""

    hits: Counter[str]

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.hits[urlsplit(self.path).path] += 1
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def realpages_site() -> Iterator[tuple[str, Counter[str]]]:
    assert (REALPAGES / "index.html").is_file(), f"the real-pages corpus is missing at {REALPAGES}"
    hits: Counter[str] = Counter()
    handler = type("Handler", (_ReadOnlyHandler,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(REALPAGES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _crawl(args: list[str], cwd: Path, timeout: float = 150) -> subprocess.CompletedProcess[str]:
    return subprocess.run(MARKWATCH + ["crawl", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.timeout(600)
def test_crawl_realpages_extracts_every_product_and_nothing_else(realpages_site, tmp_path: Path) -> None:
    base, hits = realpages_site
    out = tmp_path / "listings.jsonl"
    # ≈1,700 requests (the saved pages' links mostly 404 here): ≈10 CPU-s, AutoThrottle off (as the
    # demo does on loopback). With the default 8 requests at a time the crawl waits ≈0.4 s a request
    # on this loopback server (84 s wall for 10 CPU-s on a quiet machine); 32 at a time take ≈21 s.
    # The same pages are fetched either way: the assertions below are unchanged.
    proc = _crawl(["schemaorg", "--start-url", f"{base}/index.html", "--output", str(out),
                   "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=32"],
                  cwd=tmp_path, timeout=540)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "listings" in proc.stderr and "bad pages:" in proc.stderr  # the summary
    expected = [json.loads(line) for line in (REALPAGES / "expected.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for entry in expected:  # each page was really fetched from the server
        assert hits[f"/pages/{entry['file']}"] >= 1, entry["file"]
    listings = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_path: dict[str, list[dict]] = {}
    for listing in listings:
        by_path.setdefault(urlsplit(listing["url"]).path, []).append(listing)
    for entry in expected:
        found = by_path.get(f"/pages/{entry['file']}", [])
        if entry["name"] is None:
            assert found == [], f"{entry['file']} is not a product page"
            continue
        assert found, f"no listing for {entry['file']}"
        listing = found[0]
        assert listing["title"] == entry["name"], entry["file"]
        assert listing["price"] == pytest.approx(entry["price"]), entry["file"]
        assert listing["currency"] == entry["currency"], entry["file"]
        assert listing["url"].startswith(base) and listing["crawled_at"].endswith("Z")
    assert len({urlsplit(x["url"]).path for x in listings}) == 22
    assert len({x["url"] for x in listings}) == len(listings)  # no repeats
    # Dead relative links in the saved pages are reported, not fatal.
    assert "http_404" in proc.stderr


def test_max_pages_caps_the_crawl(realpages_site, tmp_path: Path) -> None:
    base, hits = realpages_site
    before = sum(n for path, n in hits.items() if path != "/robots.txt")
    out = tmp_path / "few.jsonl"
    proc = _crawl(["schemaorg", "--start-url", f"{base}/index.html", "--max-pages", "4", "--output", str(out)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    fetched = sum(n for path, n in hits.items() if path != "/robots.txt") - before
    assert fetched == 4
    assert 1 <= len(out.read_text(encoding="utf-8").splitlines()) <= 3


def test_unknown_spider_lists_the_known_ones(tmp_path: Path) -> None:
    proc = _crawl(["nosuch", "--start-url", "http://127.0.0.1:9/", "--output", str(tmp_path / "x.jsonl")], cwd=tmp_path)
    assert proc.returncode != 0
    for name in ("schemaorg", "html", "api", "rendered"):
        assert name in proc.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_unreachable_site_fails_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = _crawl(["schemaorg", "--start-url", f"http://127.0.0.1:{port}/", "--output", str(tmp_path / "x.jsonl"),
                   "-s", "RETRY_TIMES=0"], cwd=tmp_path, timeout=60)
    assert proc.returncode == 1
    assert "no page could be fetched" in proc.stderr
    assert "download_error: 1" in proc.stderr
