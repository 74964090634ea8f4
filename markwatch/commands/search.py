"""``markwatch search``: find stored leads by full text and filters (CONTRACTS §9).

``--format json`` prints one stored lead a line (the §3 lead plus ``id``, ``status``,
``first_seen``, ``last_seen``) for other tools; ``table`` is for people: one row per lead with
columns sized by display width (a Chinese character takes two), then the total and the counts per
right, platform and status. Scraped text is hostile: control characters (terminal escapes) in a
title or a seller name are shown as ``?`` in the table.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from typing import Any, Iterator

from markwatch.commands._store import opened_store

PAGE = 1000  # leads fetched per store page while printing


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="search the stored leads",
        description="Search the lead store. QUERY is full text over the listing's title, description and "
                    "seller name; every word must be found, and a Chinese word counts as found inside a "
                    "longer run of Chinese text (耐克 in 正品耐克运动鞋). Filters may be repeated (any of the "
                    "values). Leads come highest score first.",
        epilog="例: markwatch search 耐克 --kind trademark --min-score 0.8  (搜索线索)")
    parser.add_argument("query", nargs="?", default="", metavar="QUERY", help="words to find (optional)")
    parser.add_argument("--right", action="append", default=[], metavar="ID", help="right id, e.g. tm-nike")
    parser.add_argument("--kind", action="append", default=[], choices=["trademark", "gi", "special_mark"],
                        help="right kind")
    parser.add_argument("--platform", action="append", default=[], metavar="P", help="the listings' platform")
    parser.add_argument("--seller", action="append", default=[], metavar="NAME", help="seller name")
    parser.add_argument("--status", action="append", default=[], metavar="S",
                        help="lead status: new, confirmed, dismissed, notified, removed, rejected, "
                             "counter_notice, still_online")
    parser.add_argument("--min-score", type=float, default=None, metavar="X", help="score at least X")
    parser.add_argument("--sort", choices=["score", "date"], default="score",
                        help="score: highest first (default); date: newest first")
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="at most N leads (default 50; 0 = all)")
    parser.add_argument("--format", choices=["table", "json"], default="table",
                        help="table (default) or json: one stored lead per line")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where the embedded store lives (default: config data_dir, ./markwatch-data)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import orjson

    from index.store import STATUSES, SearchQuery
    from markwatch.cli import UsageError

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    unknown = [s for s in args.status if s not in STATUSES]
    if unknown:
        raise UsageError(f"--status {unknown[0]!r} is not a status; statuses: {', '.join(STATUSES)}")
    query = SearchQuery(text=args.query, right=tuple(args.right), kind=tuple(args.kind),
                        platform=tuple(args.platform), seller=tuple(args.seller), status=tuple(args.status),
                        min_score=args.min_score, sort=args.sort)
    with opened_store(args.data_dir) as (store, _config):
        out = sys.stdout
        if args.format == "json":
            for lead in _leads(store, query, args.limit):
                out.write(orjson.dumps(lead.to_json()).decode() + "\n")
            return 0
        leads = list(_leads(store, query, args.limit))
        total = store.count(query)
        facets = store.facets(query, fields=("right", "platform", "status"), size=5) if total else {}
    out.write(render_table(leads, total, facets))
    return 0


def _leads(store: Any, query: Any, limit: int) -> Iterator[Any]:
    """Up to ``limit`` leads (0 = all), fetched page by page with the keyset cursor."""
    import dataclasses

    left = limit or None
    cursor = None
    while True:
        size = PAGE if left is None else min(PAGE, left)
        page = store.search(dataclasses.replace(query, limit=size, after=cursor))
        yield from page.leads
        if left is not None:
            left -= len(page.leads)
            if left <= 0:
                return
        cursor = page.next_cursor
        if cursor is None:
            return


# -- the table ---------------------------------------------------------------------------------------
COLUMNS = (("id", 24), ("score", 5), ("status", 9), ("right", 18), ("platform", 10), ("seller", 16), ("title", 40))


def render_table(leads: list[Any], total: int, facets: dict[str, list[Any]]) -> str:
    rows = [[lead.id, f"{lead.score:.2f}", lead.status, lead.right_id, str(lead.listing.get("platform") or ""),
             str(lead.listing.get("seller_name") or ""), str(lead.listing.get("title") or "")] for lead in leads]
    lines = ["  ".join(_fit(name, width) for name, width in COLUMNS)]
    lines.append("  ".join("-" * width for _, width in COLUMNS))
    lines += ["  ".join(_fit(value, width) for value, (_, width) in zip(row, COLUMNS)) for row in rows]
    lines.append(f"{len(leads)} of {total} leads / 共 {total} 条线索")
    for name, values in facets.items():
        if values:
            lines.append(f"{name}: " + ", ".join(f"{_clean(v.value)} {v.count}" for v in values))
    return "\n".join(lines) + "\n"


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _clean(text: str) -> str:
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in text)


def _fit(text: str, width: int) -> str:
    """``text`` cut (ending in …) and padded to ``width`` terminal columns."""
    text = _clean(text.replace("\n", " "))
    if sum(map(_width, text)) > width:
        used, kept = 0, []
        for ch in text:
            if used + _width(ch) > width - 1:
                break
            kept.append(ch)
            used += _width(ch)
        text = "".join(kept) + "…"
    return text + " " * max(0, width - sum(map(_width, text)))
