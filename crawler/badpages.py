"""One way to report a page that could not be read properly: a stat plus a log line.

Why: a crawl over hostile or broken sites must never die on one page, and must never lose a page
silently either. Every spider calls :func:`report_bad_page`; ``markwatch crawl`` prints the
counts by reason from the stats (``markwatch/bad_pages/<reason>``).
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler

STAT_PREFIX = "markwatch/bad_pages/"
logger = logging.getLogger("markwatch.badpages")


def report_bad_page(crawler: Crawler, url: str, reason: str, detail: str = "") -> None:
    """Count the page under its reason and log its URL, so an operator can look at it."""
    crawler.stats.inc_value(STAT_PREFIX + reason)
    logger.warning("bad page (%s): %s%s", reason, url, f" — {detail}" if detail else "")


def bad_pages_by_reason(stats: dict[str, object]) -> dict[str, int]:
    """The bad-page counts of a finished crawl's stats, by reason."""
    return {
        key[len(STAT_PREFIX):]: int(value)  # type: ignore[arg-type]
        for key, value in sorted(stats.items())
        if key.startswith(STAT_PREFIX)
    }


def looks_truncated(body: bytes) -> bool:
    """An HTML document whose end never arrived (no closing ``</html>``): its text may be partial."""
    tail = body[-2048:].lower()
    return b"</html" not in tail


def looks_undecodable(text: str) -> bool:
    """Text with replacement characters: the bytes did not match the declared encoding."""
    return "\ufffd" in text
