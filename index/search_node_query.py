"""A :class:`~index.store.SearchQuery` as the node's query DSL: filters, full text, sort, keyset
page, facets.

Full text follows :mod:`index.fulltext` (the SQLite store's rules, so both backends find the same
leads): the query is folded and split the same way; each run of two or more CJK characters is a
phrase of its bigrams in one field (``multi_match`` of type ``phrase`` over title, description and
seller name), a single CJK character is looked up in the ``.chars`` sub-fields, a Latin word is
that word; every part must be found (``bool.must``).

Keyset pagination: ``search_after`` with the sort (score or first_seen descending, then lead id
ascending — the SQLite order); the cursor is the last hit's sort values, base64 of JSON, opaque to
callers. Facets: one terms aggregation per facet over the matched leads, biggest first, ties by
value, empty values left out.
"""

from __future__ import annotations

from typing import Any, Sequence

from index.fulltext import _CJK_SPLIT, _WORD, _fold
from index.search_node_schema import CHAR_FIELDS, TEXT_FIELDS
from index.store import FACET_FIELDS, SearchQuery

FACET_KEYWORDS: dict[str, str] = {"right": "right_id", "kind": "kind", "platform": "platform",
                                  "seller": "seller_name", "province": "province", "status": "status"}
assert set(FACET_KEYWORDS) == set(FACET_FIELDS)
SORT_FIELDS = {"score": "score", "date": "first_seen"}


def text_clauses(text: str) -> list[dict[str, Any]] | None:
    """One clause per searchable part of ``text``; None when it has none (punctuation only)."""
    folded = _fold(text)
    clauses: list[dict[str, Any]] = []
    for i, part in enumerate(_CJK_SPLIT.split(folded)):
        if not part:
            continue
        if i % 2:  # a CJK run
            if len(part) == 1:
                clauses.append({"multi_match": {"query": part, "fields": list(CHAR_FIELDS)}})
            else:
                clauses.append({"multi_match": {"query": part, "type": "phrase", "fields": list(TEXT_FIELDS)}})
        else:
            clauses.extend({"multi_match": {"query": word, "type": "phrase", "fields": list(TEXT_FIELDS)}}
                           for word in _WORD.findall(part))
    return clauses or None


def _as_list(values: Sequence[str] | str) -> list[str]:
    if isinstance(values, str):
        return [values] if values else []
    return [v for v in values if v]


def query_dsl(query: SearchQuery) -> dict[str, Any]:
    """The ``query`` part of a search body for ``query``'s text and filters."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if query.text.strip():
        clauses = text_clauses(query.text)
        if clauses is None:
            return {"match_none": {}}
        must.extend(clauses)
    for attribute, field in FACET_KEYWORDS.items():
        values = _as_list(getattr(query, attribute))
        if values:
            filters.append({"terms": {field: values}})
    score_range = {k: v for k, v in (("gte", query.min_score), ("lte", query.max_score)) if v is not None}
    if score_range:
        filters.append({"range": {"score": score_range}})
    date_range = {k: v for k, v in (("gte", query.since), ("lt", query.until)) if v is not None}
    if date_range:
        filters.append({"range": {"first_seen": date_range}})
    if not must and not filters:
        return {"match_all": {}}
    return {"bool": {"must": must, "filter": filters}}


def sort_field(query: SearchQuery) -> str:
    if query.sort not in SORT_FIELDS:
        raise ValueError(f"sort must be one of {', '.join(SORT_FIELDS)}, not {query.sort!r}")
    return SORT_FIELDS[query.sort]


def sort_spec(query: SearchQuery) -> list[dict[str, Any]]:
    return [{sort_field(query): {"order": "desc"}}, {"lead_id": {"order": "asc"}}]


def facet_aggs(fields: Sequence[str], size: int) -> dict[str, Any]:
    unknown = [f for f in fields if f not in FACET_KEYWORDS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r}; facets: {', '.join(FACET_FIELDS)}")
    return {name: {"terms": {"field": FACET_KEYWORDS[name], "size": max(int(size), 1), "exclude": [""],
                             "order": [{"_count": "desc"}, {"_key": "asc"}]}}
            for name in fields}
