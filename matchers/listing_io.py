"""Reading listings (CONTRACTS §2/§4b) from JSON Lines, every bad row reported with a reason and none
fatal; writing leads (§3) as JSON Lines.

Why strict per-row checks: the input comes from crawlers and platform exports, i.e. from hostile or
broken pages. A row with the wrong types is skipped and counted under its reason (the summary
shows them), so one broken line never stops a run and never disappears silently.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable, Iterator

import orjson

MAX_TITLE = 10_000  # characters; longer "titles" are junk (or an attack on the matcher)
_TEXT_FIELDS = ("platform", "listing_id", "description", "currency", "seller_name", "seller_id",
                "ship_from", "category", "brand", "crawled_at")


def check_listing(obj: Any, labelled: bool = False) -> str | None:
    """Why ``obj`` is not a usable listing, or ``None`` when it is."""
    if not isinstance(obj, dict):
        return f"not a JSON object ({type(obj).__name__})"
    url = obj.get("url")
    if not isinstance(url, str) or not url.strip():
        return "url missing or not text" if url is None or isinstance(url, str) else f"url is {type(url).__name__}, not text"
    title = obj.get("title")
    if not isinstance(title, str):
        return "title missing" if title is None else f"title is {type(title).__name__}, not text"
    if not title.strip():
        return "empty title"
    if len(title) > MAX_TITLE:
        return f"title longer than {MAX_TITLE} characters"
    for name in _TEXT_FIELDS:
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} is {type(value).__name__}, not text"
    price = obj.get("price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float))):
        return f"price is {type(price).__name__}, not a number"
    images = obj.get("image_urls")
    if images is not None and not (isinstance(images, list) and all(isinstance(u, str) for u in images)):
        return "image_urls is not a list of text"
    if labelled:
        infringes = obj.get("infringes", [])
        if not isinstance(infringes, list) or not all(isinstance(x, str) for x in infringes):
            return "infringes is not a list of right ids"
        if obj.get("case") is not None and not isinstance(obj.get("case"), str):
            return "case is not text"
    return None


def parse_line(raw: bytes | str, labelled: bool = False) -> tuple[dict[str, Any] | None, str | None]:
    """(listing, None) or (None, reason) for one line of a JSON Lines file."""
    try:
        obj = orjson.loads(raw)  # ≈5× faster than json; the slow path below only explains refusals
    except orjson.JSONDecodeError:
        obj, reason = _parse_slowly(raw)
        if reason is not None:
            return None, reason
    reason = check_listing(obj, labelled)
    return (obj, None) if reason is None else (None, reason)


def _parse_slowly(raw: bytes | str) -> tuple[Any, str | None]:
    """The standard library's reading of a line orjson refused: it names the fault (not UTF-8,
    blank) and accepts what orjson does not (NaN, integers beyond 64 bits), so a row is judged by
    the same rules whichever parser read it."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None, "not UTF-8 text"
    if not raw.strip():
        return None, "blank line"
    try:
        return json.loads(raw), None
    except (json.JSONDecodeError, RecursionError):
        return None, "not valid JSON"


class ListingReader:
    """Iterate the good listings of a JSON Lines file; ``skipped`` counts the rest by reason."""

    def __init__(self, lines: Iterable[bytes | str], labelled: bool = False):
        self._lines = lines
        self.labelled = labelled
        self.read = 0
        self.skipped: Counter[str] = Counter()
        self.examples: dict[str, int] = {}  # reason → first line number

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for lineno, raw in enumerate(self._lines, 1):
            if not (raw.strip() if isinstance(raw, (bytes, str)) else True):
                continue  # blank lines are not rows
            self.read += 1
            obj, reason = parse_line(raw, self.labelled)
            if reason is not None:
                self.skipped[reason] += 1
                self.examples.setdefault(reason, lineno)
                continue
            yield obj  # type: ignore[misc]

    def summary(self) -> str:
        if not self.skipped:
            return "skipped 0"
        parts = [f"{n} {reason} (first at line {self.examples.get(reason, '?')})"
                 for reason, n in self.skipped.most_common()]
        return f"skipped {sum(self.skipped.values())}: " + "; ".join(parts)


def dump_lead(lead: dict[str, Any]) -> bytes:
    """One lead as a JSON line (no newline), its ``reason_codes`` beside its ``reasons`` as the
    matcher made them (plain JSON values: both serialisers below write them alike). orjson is ≈3×
    faster than json; what it refuses (lone surrogates from an escaped "\\ud800", integers beyond
    64 bits) is written by json with ASCII escapes, so a strange listing still yields its lead
    instead of stopping the run."""
    try:
        return orjson.dumps(lead)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(lead, ensure_ascii=True).encode("ascii")
