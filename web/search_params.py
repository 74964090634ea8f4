"""A search as a URL and back: the query string of ``/leads`` ⇄ :class:`index.store.SearchQuery`.

Why its own module: every state of a search lives in its URL (Datasette's permalinks): filters,
sort, page cursor. The search page, its JSON twin, the JSON API, bulk triage, exports and saved
searches all read the same parameters, so they are parsed in one place and every link the page
makes (a facet value that adds or removes a filter, "next page", "first page") is built here.

Parameters: ``q``; ``right``, ``kind``, ``platform``, ``seller``, ``province``, ``status`` (each
may repeat: values of one facet are OR-ed, facets AND-ed); ``min_score``, ``max_score`` (0–1);
``since``, ``until`` (dates ``YYYY-MM-DD`` or ISO times, on first seen); ``sort`` (``score`` |
``date``); ``after`` (the keyset cursor); ``limit`` (1–500, default 50).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

from starlette.datastructures import QueryParams

from index.store import FACET_FIELDS, SearchQuery
from web.templating import query_string

MULTI_FIELDS: tuple[str, ...] = FACET_FIELDS
"""right, kind, platform, seller, province, status."""
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
SORTS = ("score", "date")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?$")


@dataclass(frozen=True)
class SearchParams:
    """A search as its URL says it (only what was given), plus the problems found reading it."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    min_score: float | None = None
    max_score: float | None = None
    since: str = ""
    until: str = ""
    sort: str = "score"
    after: str = ""
    limit: int = DEFAULT_LIMIT
    errors: tuple[str, ...] = ()

    # -- reading ---------------------------------------------------------------------------------
    @classmethod
    def from_query(cls, params: QueryParams | Mapping[str, Any]) -> "SearchParams":
        getlist = params.getlist if isinstance(params, QueryParams) else (
            lambda k: [v for v in ([params[k]] if not isinstance(params.get(k), (list, tuple))
                                   else params[k]) if v is not None] if k in params else [])
        first = lambda k: (getlist(k) or [""])[0].strip()  # noqa: E731
        errors: list[str] = []
        filters = {}
        for name in MULTI_FIELDS:
            values = tuple(dict.fromkeys(v.strip() for v in getlist(name) if v.strip()))
            if values:
                filters[name] = values

        def score(name: str) -> float | None:
            raw = first(name)
            if not raw:
                return None
            try:
                value = float(raw)
            except ValueError:
                errors.append(f"{name}: {raw!r} is not a number between 0 and 1")
                return None
            if not 0.0 <= value <= 1.0:
                errors.append(f"{name}: {raw!r} is not between 0 and 1")
                return None
            return value

        def date(name: str) -> str:
            raw = first(name)
            if not raw:
                return ""
            try:
                if not _DATE_RE.match(raw):
                    raise ValueError
                from datetime import date as _date

                _date.fromisoformat(raw[:10])
            except ValueError:
                errors.append(f"{name}: {raw!r} is not a date (YYYY-MM-DD)")
                return ""
            return raw

        sort = first("sort") or "score"
        if sort not in SORTS:
            errors.append(f"sort: {sort!r} is not one of {', '.join(SORTS)}")
            sort = "score"
        limit = DEFAULT_LIMIT
        if first("limit"):
            try:
                limit = int(first("limit"))
                if not 1 <= limit <= MAX_LIMIT:
                    raise ValueError
            except ValueError:
                errors.append(f"limit: {first('limit')!r} is not a whole number from 1 to {MAX_LIMIT}")
                limit = DEFAULT_LIMIT
        return cls(q=first("q"), filters=filters, min_score=score("min_score"), max_score=score("max_score"),
                   since=date("since"), until=date("until"), sort=sort, after=first("after"), limit=limit,
                   errors=tuple(errors))

    def to_query(self, limit: int | None = None, after: str | None = None) -> SearchQuery:
        """The store's query (``limit``/``after`` override this page's, e.g. 0 = every row for an export)."""
        return SearchQuery(text=self.q, **{k: tuple(v) for k, v in self.filters.items()},
                           min_score=self.min_score, max_score=self.max_score,
                           since=_as_time(self.since, end=False), until=_as_time(self.until, end=True),
                           sort=self.sort,  # type: ignore[arg-type]
                           limit=self.limit if limit is None else limit,
                           after=(self.after or None) if after is None else (after or None))

    # -- writing ---------------------------------------------------------------------------------
    def pairs(self, page: bool = True) -> list[tuple[str, Any]]:
        """The URL's parameters in a stable order (``page=False``: without cursor, the search alone)."""
        out: list[tuple[str, Any]] = []
        if self.q:
            out.append(("q", self.q))
        for name in MULTI_FIELDS:
            out.extend((name, v) for v in self.filters.get(name, ()))
        for name in ("min_score", "max_score"):
            value = getattr(self, name)
            if value is not None:
                out.append((name, f"{value:g}"))
        if self.since:
            out.append(("since", self.since))
        if self.until:
            out.append(("until", self.until))
        if self.sort != "score":
            out.append(("sort", self.sort))
        if self.limit != DEFAULT_LIMIT:
            out.append(("limit", self.limit))
        if page and self.after:
            out.append(("after", self.after))
        return out

    def url(self, path: str = "/leads", page: bool = True) -> str:
        return path + query_string(self.pairs(page=page))

    def has(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, ())

    def toggled(self, name: str, value: str) -> "SearchParams":
        """This search with ``name=value`` added (or removed when present), back on the first page."""
        values = self.filters.get(name, ())
        new = tuple(v for v in values if v != value) if value in values else (*values, value)
        filters = {k: v for k, v in self.filters.items() if k != name}
        if new:
            filters[name] = new
        return replace(self, filters=filters, after="")

    def toggle_url(self, name: str, value: str, path: str = "/leads") -> str:
        return self.toggled(name, value).url(path)

    def with_sort(self, sort: str) -> "SearchParams":
        return replace(self, sort=sort, after="")

    def next_page(self, cursor: str) -> "SearchParams":
        return replace(self, after=cursor)

    def first_page(self) -> "SearchParams":
        return replace(self, after="")

    def is_filtered(self) -> bool:
        return bool(self.q or self.filters or self.min_score is not None or self.max_score is not None
                    or self.since or self.until)

    def to_json(self) -> dict[str, Any]:
        return {"q": self.q, **{k: list(v) for k, v in self.filters.items()}, "min_score": self.min_score,
                "max_score": self.max_score, "since": self.since or None, "until": self.until or None,
                "sort": self.sort, "after": self.after or None, "limit": self.limit}


def _as_time(value: str, end: bool) -> str | None:
    """A date of the URL as the store's time bound: ``since`` from the start of that day,
    ``until`` through its end (``until=2026-11-30`` includes the 30th)."""
    if not value:
        return None
    if len(value) == 10:
        if end:
            from datetime import date, timedelta

            return (date.fromisoformat(value) + timedelta(days=1)).isoformat() + "T00:00:00Z"
        return value + "T00:00:00Z"
    return value.replace(" ", "T")


def facet_values(params: SearchParams, facets: Mapping[str, Sequence[Any]]) -> dict[str, list[dict[str, Any]]]:
    """Facets as the page and the JSON twin show them: value, count, whether selected, and the URL
    that toggles it. A selected value the store did not return (count 0 now) is kept, so it can
    still be removed."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in MULTI_FIELDS:
        rows = [{"value": f.value, "count": f.count, "selected": params.has(name, f.value),
                 "toggle_url": params.toggle_url(name, f.value)} for f in facets.get(name, ())]
        seen = {r["value"] for r in rows}
        rows.extend({"value": v, "count": 0, "selected": True, "toggle_url": params.toggle_url(name, v)}
                    for v in params.filters.get(name, ()) if v not in seen)
        out[name] = rows
    return out
