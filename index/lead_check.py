"""Is this a lead the store can keep? One fast check shared by every backend.

Why here and not pydantic: ``markwatch index`` checks every lead of a million-line file, and a
pydantic model costs more than the rest of the store's work per lead; this check applies the
same rules (CONTRACTS §2/§3: the :class:`markwatch.contracts.Lead` and ``Listing`` models) in a
few microseconds. Why shared: both backends must skip the same leads for the same reasons (the
contract suite checks it), so a lead never exists in one store and not in the other.

Limits (documented in the store and the ``index`` command): a title longer than
:data:`MAX_TITLE` characters, or a listing whose JSON exceeds :data:`MAX_LISTING_BYTES`, is junk
or an attack and is skipped; so is text that is not valid Unicode (a lone surrogate such as an
escaped ``"\\ud800"``), which no UTF-8 store can keep faithfully.
"""

from __future__ import annotations

import math
from typing import Any

MAX_TITLE = 10_000
"""Characters; the matcher's limit for listings too (matchers.listing_io)."""
MAX_LISTING_BYTES = 1 << 20
"""A listing's JSON beyond 1 MiB is skipped."""

_LISTING_TEXT = ("platform", "listing_id", "description", "currency", "seller_name", "seller_id",
                 "ship_from", "category", "brand", "crawled_at")


def check_lead(obj: Any) -> str | None:
    """Why ``obj`` is not a storable lead, or ``None`` when it is (types and ranges only; the
    Unicode check happens when the store serialises it, see :func:`unicode_problem`)."""
    if not isinstance(obj, dict):
        return f"lead is not a JSON object ({type(obj).__name__})"
    for name in ("url", "right_id"):
        value = obj.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"{name} missing or empty" if value is None or isinstance(value, str) else \
                f"{name} is {type(value).__name__}, not text"
    score = obj.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return "score missing" if score is None else f"score is {type(score).__name__}, not a number"
    if not (0.0 <= score <= 1.0) or math.isnan(score):
        return f"score {score} is outside [0, 1]"
    reasons = obj.get("reasons")
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        return "reasons is not a list of text"
    codes = obj.get("reason_codes")
    if codes is not None and not (isinstance(codes, list) and all(isinstance(c, dict) for c in codes)):
        return "reason_codes is not a list of objects"
    province = obj.get("ship_from_province")
    if province is not None and not isinstance(province, str):
        return "ship_from_province is not text"
    listing = obj.get("listing")
    if not isinstance(listing, dict):
        return "listing missing" if listing is None else "listing is not a JSON object"
    return _check_listing(listing, obj["url"])


def _check_listing(listing: dict[str, Any], url: str) -> str | None:
    listing_url = listing.get("url")
    if listing_url is not None and listing_url != url:
        return "listing url differs from the lead's url"
    title = listing.get("title")
    if not isinstance(title, str):
        return "listing title missing" if title is None else f"listing title is {type(title).__name__}, not text"
    if not title.strip():
        return "listing title is empty"
    if len(title) > MAX_TITLE:
        return f"listing title longer than {MAX_TITLE:,} characters ({len(title):,})"
    for name in _LISTING_TEXT:
        value = listing.get(name)
        if value is not None and not isinstance(value, str):
            return f"listing {name} is {type(value).__name__}, not text"
    price = listing.get("price")
    if price is not None and (isinstance(price, bool) or not isinstance(price, (int, float))):
        return f"listing price is {type(price).__name__}, not a number"
    images = listing.get("image_urls")
    if images is not None and not (isinstance(images, list) and all(isinstance(u, str) for u in images)):
        return "listing image_urls is not a list of text"
    return None


def unicode_problem(*texts: str) -> str | None:
    """A reason when one of ``texts`` cannot be written as UTF-8 (a lone surrogate), else None."""
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            return f"text is not valid Unicode (lone surrogate {text[exc.start]!r:.12})"
    return None
