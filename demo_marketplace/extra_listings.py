"""Extra listings served beside the generated catalogue (``--extra-listings FILE``).

Why: some tests need listings the generator would never write — above all hostile ones (script
tags, attribute breakers, ``javascript:`` links, RTL overrides in titles, descriptions, seller
names and image URLs) — crawled through the real platforms like any other listing, so that the
workbench's escaping is proved on text that took the whole way: HTML/JS/API page → spider →
matcher → store → page. The file is JSON Lines, one listing per line::

    {"platform": "bazaar", "listing_id": "x1", "title": "耐克 <script>…</script>",
     "description": "…", "price": 99, "seller_name": "…", "seller_id": "evil-1",
     "ship_from": "福建 莆田", "image_paths": ["/static/img/x.png"], "infringes": ["tm-nike"]}

``platform``, ``listing_id`` and ``title`` are required; ``listing_id`` must be unique in the
catalogue and URL-safe (letters, digits, ``-``/``_``). The rest default to empty. ``image_paths``
are served as the listing's photo paths (base URL + path, so a hostile one stays on the
platform's host) and answer 404 like any missing image. ``infringes`` is the ground truth
written to ``--labels-out``. A bad line is reported on stderr and skipped.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from demo_marketplace.model import PLATFORMS, Entry, Seller

log = logging.getLogger("demo_marketplace.extra_listings")
_LISTING_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def read_extra_listings(path: str | Path) -> list[Entry]:
    """The valid listings of ``path``; each bad line is logged with its number and skipped."""
    entries: list[Entry] = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entries.append(entry_from_row(json.loads(line)))
            except (ValueError, TypeError) as exc:
                log.warning("%s line %d skipped: %s", path, number, exc)
    return entries


def entry_from_row(row: Any) -> Entry:
    if not isinstance(row, dict):
        raise ValueError("a line must be a JSON object")
    platform = row.get("platform")
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be one of {', '.join(PLATFORMS)}, got {platform!r}")
    listing_id = str(row.get("listing_id", ""))
    if not _LISTING_ID.fullmatch(listing_id):
        raise ValueError(f"listing_id must be 1-64 letters, digits, '-' or '_', got {listing_id!r}")
    if not isinstance(row.get("title"), str) or not row["title"]:
        raise ValueError("title must be a non-empty string")
    text = lambda key: str(row.get(key) or "")  # noqa: E731
    price = row.get("price", 99.0)
    return Entry(
        platform=platform, listing_id=listing_id, title=row["title"], description=text("description"),
        price=None if price is None else float(price), seller_name=text("seller_name") or "extra seller",
        seller_id=text("seller_id") or f"extra-{listing_id}", ship_from=text("ship_from"),
        category=text("category"), category_slug=text("category_slug") or "extra", brand=text("brand"),
        image_paths=[str(p) for p in row.get("image_paths") or []],
        infringes=[str(r) for r in row.get("infringes") or []], case=text("case") or "extra",
        shop_address=text("shop_address"),
    )


def add_extra_listings(catalogue: Any, entries: list[Entry]) -> int:
    """Append ``entries`` (and their sellers) to ``catalogue``; a clashing listing id is skipped."""
    added = 0
    for entry in entries:
        if entry.listing_id in catalogue.by_id:
            log.warning("extra listing %s skipped: the catalogue already has that listing id", entry.listing_id)
            continue
        catalogue.entries.append(entry)
        catalogue.by_id[entry.listing_id] = entry
        catalogue.sellers.setdefault(entry.seller_id, Seller(
            id=entry.seller_id, name=entry.seller_name, location=entry.ship_from, kind="extra",
            shop_address=entry.shop_address))
        added += 1
    return added
