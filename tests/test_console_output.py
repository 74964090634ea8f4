"""What a user sees: progress and the summary on screen, every per-page detail in the log file.

The demo marketplace breaks pages on purpose (500s, truncated documents, undecodable bytes, render
errors); each is logged with its URL. These tests run the real commands in subprocesses and check
that those lines stay off the screen by default, that the summary counts them and names the log
file, that the log file holds every one of them, and that ``--verbose`` puts them on screen too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from demo_fixtures import DEMO_TIMEOUT

MARKWATCH = [sys.executable, "-m", "markwatch.cli"]
PER_PAGE = re.compile(r"bad page \(|Gave up retrying|WARNING")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def log_path(screen: str) -> Path:
    found = re.findall(r"log: (\S+\.log)", screen)
    assert found, f"the output names no log file:\n{screen[-3000:]}"
    return Path(found[-1])


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.timeout(DEMO_TIMEOUT)
def test_demo_keeps_the_screen_to_progress_and_summary(served_demo) -> None:
    # the session's `markwatch demo` (tests/demo_fixtures.py): its screen until it served the workbench
    data_dir = served_demo.data_dir
    screen = served_demo.summary + served_demo.screen

    # the screen: progress lines and the summary, no per-page line
    assert "[rendered/storefront] done:" in screen and "[html/bazaar] done:" in screen
    assert "markwatch demo summary" in served_demo.summary
    noisy = [line for line in screen.splitlines() if PER_PAGE.search(line)]
    assert not noisy, noisy[:5]
    # the summary counts the bad pages by reason and names the log file, which is in the data dir
    counted: dict[str, int] = {}
    for line in served_demo.summary.splitlines():
        if "bad pages by reason:" in line:
            for reason, n in re.findall(r"(\w+) (\d+)", line.split("bad pages by reason:", 1)[1]):
                counted[reason] = counted.get(reason, 0) + int(n)
    assert counted, served_demo.summary
    log = log_path(served_demo.summary)
    assert log.is_file() and log.parent == data_dir.resolve() / "logs"

    # the log: one line per bad page with its URL and reason, matching the summary's counts
    text = log.read_text(encoding="utf-8")
    reported = re.findall(r"bad page \((\w+)\): (\S+)", text)
    by_reason: dict[str, int] = {}
    for reason, _url in reported:
        by_reason[reason] = by_reason.get(reason, 0) + 1
    assert by_reason == counted
    # every catalogue listing the demo did not deliver is accounted for in the log by its id
    crawled = {row["url"] for row in read_jsonl(data_dir / "listings.jsonl")}
    missing = [row for row in read_jsonl(data_dir / "demo-labels.jsonl") if row["url"] not in crawled]
    assert missing, "the demo catalogue should have broken pages"
    unexplained = [row["url"] for row in missing if row["url"].rsplit("/", 1)[-1] not in text]
    assert not unexplained, unexplained
    # Scrapy's own lines went to the file too
    assert "scrapy" in text and "Gave up retrying" in text


@pytest.mark.slow
def test_crawl_shows_details_on_screen_only_with_verbose(marketplace, tmp_path: Path) -> None:
    base = marketplace.urls["bazaar"]

    def crawl(name: str, *extra: str) -> tuple[subprocess.CompletedProcess, Path]:
        out = tmp_path / f"{name}.jsonl"
        proc = subprocess.run(MARKWATCH + ["crawl", "html", "--platform", "bazaar", "--base-url", base,
                                           "--max-pages", "300", "--output", str(out), *extra],
                              capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return proc, out

    quiet, out = crawl("quiet")
    assert "bad pages:" in quiet.stderr and "[html/bazaar] done:" in quiet.stderr
    assert not [line for line in quiet.stderr.splitlines() if PER_PAGE.search(line)]
    log = log_path(quiet.stderr)
    assert log == out.with_suffix(".log")
    quiet_bad = set(re.findall(r"bad page \(\w+\): (\S+)", log.read_text(encoding="utf-8")))
    assert quiet_bad, "300 pages of the demo bazaar include broken ones"

    loud, out = crawl("loud", "--verbose")
    on_screen = set(re.findall(r"bad page \(\w+\): (\S+)", loud.stderr))
    assert on_screen == set(re.findall(r"bad page \(\w+\): (\S+)", log_path(loud.stderr).read_text(encoding="utf-8")))
    assert on_screen and "DEBUG" in loud.stderr  # everything, Scrapy's request lines included
