"""What a new user sees when a crawl cannot do its job: one line saying what is wrong and what to do.

Tried as a new user would: ``markwatch crawl schemaorg --start-url notaurl`` used to print Scrapy's
banner, its version table and a traceback, then "the crawl ended abnormally (finish reason:
start_error)" without the reason. Each case here runs the real command in a subprocess and reads
its screen (stderr): no traceback, no Scrapy banner, the problem on one line with the fix; the log
file keeps the details.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from loopback_site import QuietHandler, serving

MARKWATCH = [sys.executable, "-m", "markwatch.cli"]
SCRAPY_NOISE = re.compile(r"Traceback|Scrapy \d|Versions:|Overridden settings|Enabled (extensions|downloader)")


def run_crawl(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(MARKWATCH + ["crawl", *args, "--output", str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)


def screen_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.strip()]


def test_a_start_url_that_is_not_a_web_address_is_one_line_with_the_fix(tmp_path: Path) -> None:
    proc = run_crawl(tmp_path, "schemaorg", "--start-url", "notaurl")
    assert proc.returncode == 2
    assert screen_lines(proc) == [proc.stderr.strip()], proc.stderr  # exactly one line
    line = proc.stderr.strip()
    assert line.startswith("markwatch crawl: error: --start-url 'notaurl' is not a web address")
    assert "https://" in line  # what to write instead
    assert not (tmp_path / "out.jsonl").exists()

    from crawler.spiders.base import web_address_problem

    assert "https://shop.example.com/item/1" in web_address_problem("shop.example.com/item/1")  # what was meant
    assert web_address_problem("ftp://shop.example.com/") and not web_address_problem("http://127.0.0.1:8701/")


def test_a_platform_file_at_fault_is_one_line_naming_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "shop.yaml"
    bad.write_text("name: shop\nkind: html\nlinks:\n  start:\n    - {css: 'a.cat::attr(href)', to: elsewhere}\n"
                   "fields:\n  title: {css: 'h1::text'}\n", encoding="utf-8")
    proc = run_crawl(tmp_path, "html", "--platform", str(bad), "--base-url", "http://127.0.0.1:9/")
    assert proc.returncode == 2
    (line,) = screen_lines(proc)
    assert str(bad) in line and "links.start.0.to" in line and "'list' or 'detail'" in line, line


class _RobotsForbidAll(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/robots.txt":
            self.answer(200, "text/plain", b"User-agent: *\nDisallow: /\n")
        else:
            self.answer(200, "text/html", b"<html><title>shop</title></html>")


@pytest.fixture
def forbidding_site() -> Iterator[str]:
    with serving(_RobotsForbidAll) as base:
        yield base


def test_a_start_url_robots_txt_refuses_says_so_and_what_to_do(forbidding_site: str, tmp_path: Path) -> None:
    proc = run_crawl(tmp_path, "schemaorg", "--start-url", forbidding_site + "/shop/item/1")
    assert proc.returncode == 1
    assert not SCRAPY_NOISE.search(proc.stderr), proc.stderr
    last = screen_lines(proc)[-1]
    assert last.startswith("markwatch crawl: error:") and "robots.txt" in last and "permission" in last, last
    assert "robots.txt did not allow 1 requests" in proc.stderr  # the summary counts it too
    log = tmp_path / "out.log"
    assert "robots.txt" in log.read_text(encoding="utf-8")  # the details are in the log file


def test_a_site_that_is_down_shows_scrapy_errors_as_single_lines(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = run_crawl(tmp_path, "schemaorg", "--start-url", f"http://127.0.0.1:{port}/")
    assert proc.returncode == 1
    assert not SCRAPY_NOISE.search(proc.stderr), proc.stderr
    errors = [line for line in screen_lines(proc) if " ERROR " in line]
    assert errors and all(line.endswith("(details in the log file)") for line in errors), errors
    assert screen_lines(proc)[-1] == ("markwatch crawl: error: no page could be fetched; "
                                      "check the start URL and that the site is up")
    assert "Traceback" in (tmp_path / "out.log").read_text(encoding="utf-8")  # kept whole in the log
