"""Listings reachable only by search: no category page, grid or seller page links them.

Why: on real platforms many listings are never linked from a browsable page a crawler can walk to
(deep pagination cut off at page 100, "recommended" feeds, fresh listings not yet in any category);
only the platform's search finds them. markwatch's keyword discovery (crawler/discovery.py) must
prove it finds such listings, so the marketplace can hide a few of them from every browsable page
(``markwatch demo-site --search-only N``: N per platform) and still answer them in search.

Which ones: listings that infringe a right and whose title carries one of the register's words
(name or variant) as it is written, so a search for that word finds them, as a seller's own title
would be found. Chosen with the catalogue's seed; which ones is ground truth (``search_only`` in the
labels) and never served.
"""

from __future__ import annotations

import random

from demo_marketplace.model import PLATFORMS, Entry
from markwatch.contracts import Register


def register_words(register: Register) -> list[str]:
    """Every name and variant of the register, casefolded, longest first, no duplicates."""
    words = {w.casefold() for right in register.rights for w in [right.name, *right.variants] if w.strip()}
    return sorted(words, key=lambda w: (-len(w), w))


def mark_search_only(entries: list[Entry], register: Register, per_platform: int, seed: int) -> int:
    """Hide ``per_platform`` listings of each platform from its browsable pages; returns how many."""
    if per_platform <= 0:
        return 0
    words = register_words(register)
    rng = random.Random(f"search-only-{seed}")
    marked = 0
    for platform in PLATFORMS:
        pool = [e for e in entries if e.platform == platform and e.served_as == "ok" and e.infringes
                and any(w in e.title.casefold() for w in words)]
        for entry in rng.sample(pool, min(per_platform, len(pool))):
            entry.search_only = True
            marked += 1
    return marked


def browsable(entries: list[Entry]) -> list[Entry]:
    """The entries a browsable page (category, grid, seller page, unfiltered API list) may show."""
    return [e for e in entries if not e.search_only]
