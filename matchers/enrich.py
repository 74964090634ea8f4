"""What the indexer adds to a lead before storing it: the ship-from province.

Why in matchers/: the store may not import the matcher (index/ depends on the ground only), but
its facets need the province of every lead; ``markwatch index`` (a command, free to import both)
resolves it here with the matcher's gazetteer and hands it over as the lead's extra field
``ship_from_province`` (CONTRACTS §3 allows extra fields).
"""

from __future__ import annotations

from typing import Any


def province_of(ship_from: Any) -> str:
    """The province-level division named by a ship-from text ("福建 莆田" → "福建省"), or "" when
    the text names none (or is not text). Answers are cached by the gazetteer per text."""
    if not isinstance(ship_from, str) or not ship_from.strip():
        return ""
    from matchers.gazetteer import load_gazetteer

    try:
        place = load_gazetteer().resolve(ship_from)
    except (UnicodeError, ValueError):  # hostile text (a lone surrogate): no province, the store judges it
        return ""
    return place.province if place is not None else ""


def enrich_lead(lead: Any) -> Any:
    """Set ``ship_from_province`` on a lead (a dict with a ``listing`` dict) that lacks it; anything
    else is returned untouched, for the store to report as broken."""
    if isinstance(lead, dict) and "ship_from_province" not in lead:
        listing = lead.get("listing")
        if isinstance(listing, dict):
            lead["ship_from_province"] = province_of(listing.get("ship_from"))
    return lead
