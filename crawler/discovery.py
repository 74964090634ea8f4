"""Keyword discovery: search a platform for every right of the register, not only walk its categories.

Why: many listings are linked from no page a crawler can walk to (pagination cut off deep down,
feeds of "recommended" items, fresh listings in no category yet), and an infringer's listing is
exactly the kind a platform's own search finds by the mark's name. So in discovery mode
(``markwatch crawl html|rendered|api --discover`` or ``--keyword WORD``) a spider starts from the
platform's search (the ``search`` section of its platform file: a URL template with ``{keyword}``)
for each keyword, and reads what comes back as it reads its browsable pages — list pages, grids,
search answers — so every listing found goes through the same detail parsing and pipelines.

The keywords of a right are its name and its variants (CONTRACTS §1): trademarks with their
translations and transliterations, GI names, special marks. Campaigns add their own words
(``--keyword``). Words are searched once each, whatever their case.
"""

from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import quote, urljoin

from crawler.platforms import PlatformConfigError, SearchRule

KEYWORD_META = "markwatch_keyword"
"""Request meta: the keyword whose search led to this request (discovery mode)."""


def right_keywords(rights: Iterable[Any]) -> list[str]:
    """Name and variants of every right, in register order, each word once (case-insensitive)."""
    words: list[str] = []
    seen: set[str] = set()
    for right in rights:
        for word in [right.name, *right.variants]:
            word = " ".join(str(word).split())
            if word and word.casefold() not in seen:
                seen.add(word.casefold())
                words.append(word)
    return words


def register_keywords(register_path: str | None) -> list[str]:
    """The keywords of the register at ``register_path`` (empty = the bundled demo register).

    Raises :class:`PlatformConfigError`-like ValueError with the register's own message when it
    cannot be read (RegisterError names the right and the field)."""
    from matchers.register import load_register

    return right_keywords(load_register(register_path or None).rights)


def split_keywords(value: Any) -> list[str]:
    """Keywords given as a list, or as one string separated by commas or new lines (``-a keywords=…``)."""
    if value is None:
        return []
    items = value.replace("\n", ",").split(",") if isinstance(value, str) else [str(v) for v in value]
    return [" ".join(item.split()) for item in items if item.strip()]


def search_url(base_url: str, rule: SearchRule, keyword: str) -> str:
    """The platform's search URL for ``keyword`` (URL-encoded, spaces included)."""
    return urljoin(base_url, rule.url.format(keyword=quote(keyword, safe="")))


def require_search(platform: Any, source: str) -> SearchRule:
    """The platform's search rule; a clear error when its file has none."""
    rule = getattr(platform, "search", None)
    if rule is None:
        raise PlatformConfigError(
            f"platform {platform.name!r} has no search section in {source}, so it cannot be searched by keyword; "
            'add e.g. search: {url: "/search?q={keyword}"} to the file, or crawl it without --discover/--keyword'
        )
    return rule
