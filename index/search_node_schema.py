"""What the search-node store keeps on an OpenSearch / Elasticsearch node: index names, analysers,
mappings, and the index template of the leads.

Why these shapes:

* **Leads** live in versioned indices (``P-leads-000001``, ``-000002``…) created from one index
  template, and every read and write goes through the alias ``P-leads``. A reindex (new mappings,
  new analyser) fills the next version and moves the alias in one ``_aliases`` call, so searches
  never see a half-built index (:meth:`index.search_node.SearchNodeStore.reindex`).
* **Full text** is title, description and seller name with ``markwatch_cjk``: the ``cjk``
  analyser's chain (standard tokenizer → ``cjk_width`` → ``lowercase`` → ``cjk_bigram``) without
  its English stop words, so it indexes exactly what the SQLite store's tokenizer does
  (:mod:`index.fulltext`: 正品耐克 → 正品 品耐 耐克, Latin words whole, "the" kept). A ``.chars``
  sub-field holds each character alone, for a one-character query (克 is found in 耐克, as in
  SQLite). Only the first 20,000 characters of a field are indexed, as in SQLite.
* **Facets and filters** are ``keyword`` fields on the lead (right id, kind, platform, seller
  name, province, status), so a terms aggregation counts them; times are ``keyword`` too, holding
  the store's ISO 8601 strings, so "since/until" and the date sort compare exactly as SQLite
  compares its text (a ``date`` would cut microseconds and reorder ties). ``score`` is a ``double``
  for the same reason.
* What is only handed back (the listing, reasons, reason codes) sits under ``stored``, an object
  the node keeps in ``_source`` but does not index.
* Listings, earlier listing versions, lifecycle steps, evidence references and rights are indices
  of their own, keyed by stable ids so a replayed write lands on the same document.

Every index has one shard and no replica: one node, exact counts and exact facet counts.
"""

from __future__ import annotations

import hashlib
from typing import Any

LEADS_VERSION_FORMAT = "{alias}-{version:06d}"
MAX_INDEXED_CHARS = 20_000
"""Characters of a text field that are indexed (index.fulltext.MAX_FIELD_CHARS)."""
KEYWORD_LIMIT = 8_000
"""Characters beyond which a keyword value is not indexed (Lucene refuses terms over 32,766 bytes)."""

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "refresh_interval": "1s",
    "analysis": {
        "analyzer": {
            "markwatch_cjk": {"type": "custom", "tokenizer": "standard",
                              "filter": ["cjk_width", "lowercase", "cjk_bigram"]},
            "markwatch_chars": {"type": "custom", "tokenizer": "standard",
                                "filter": ["cjk_width", "lowercase"]},
        },
    },
}

_KEYWORD = {"type": "keyword", "ignore_above": KEYWORD_LIMIT}
_TEXT = {"type": "text", "analyzer": "markwatch_cjk",
         "fields": {"chars": {"type": "text", "analyzer": "markwatch_chars"}}}
_STORED = {"type": "object", "enabled": False}

LEAD_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "lead_id": _KEYWORD, "url": _KEYWORD, "right_id": _KEYWORD, "score": {"type": "double"},
        "status": _KEYWORD, "first_seen": _KEYWORD, "last_seen": _KEYWORD, "kind": _KEYWORD,
        "province": _KEYWORD, "platform": _KEYWORD, "seller_id": _KEYWORD,
        "seller_key": _KEYWORD, "listing_hash": _KEYWORD, "last_confirmed": _KEYWORD,
        "title": _TEXT, "description": _TEXT,
        "seller_name": {**_KEYWORD, "fields": {"text": {"type": "text", "analyzer": "markwatch_cjk"},
                                               "chars": {"type": "text", "analyzer": "markwatch_chars"}}},
        "stored": _STORED,
    },
}
TEXT_FIELDS = ("title", "description", "seller_name.text")
CHAR_FIELDS = ("title.chars", "description.chars", "seller_name.chars")

LISTING_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {"url": _KEYWORD, "content_hash": _KEYWORD, "first_seen": _KEYWORD,
                   "last_seen": _KEYWORD, "version_seen": _KEYWORD, "listing": _STORED},
}
VERSION_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {"url": _KEYWORD, "content_hash": _KEYWORD, "first_seen": _KEYWORD,
                   "last_seen": _KEYWORD, "order": {"type": "long"}, "listing": _STORED},
}
TRANSITION_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {"lead_id": _KEYWORD, "from_status": _KEYWORD, "to_status": _KEYWORD, "at": _KEYWORD,
                   "actor": _KEYWORD, "note": {"type": "text", "index": False}, "order": {"type": "long"}},
}
EVIDENCE_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {"url": _KEYWORD, "order": {"type": "long"}, "ref": _STORED},
}
RIGHT_MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "properties": {"kind": _KEYWORD, "right": _STORED},
}


class IndexNames:
    """The names of one store's indices on the node, all starting with ``prefix``."""

    def __init__(self, prefix: str) -> None:
        if not prefix or prefix != prefix.lower() or any(c in prefix for c in ' "*\\<|,>/?#:'):
            raise ValueError(f"index prefix {prefix!r}: use lower-case letters, digits, '-' and '_'")
        self.prefix = prefix
        self.leads = f"{prefix}-leads"
        """The alias every lead read and write goes through."""
        self.listings = f"{prefix}-listings"
        self.versions = f"{prefix}-listing-versions"
        self.transitions = f"{prefix}-transitions"
        self.evidence = f"{prefix}-evidence"
        self.rights = f"{prefix}-rights"
        self.template = f"{prefix}-leads-template"

    def leads_version(self, version: int) -> str:
        return LEADS_VERSION_FORMAT.format(alias=self.leads, version=version)

    def plain_indices(self) -> dict[str, dict[str, Any]]:
        """The indices other than the leads, with their mappings."""
        return {self.listings: LISTING_MAPPINGS, self.versions: VERSION_MAPPINGS,
                self.transitions: TRANSITION_MAPPINGS, self.evidence: EVIDENCE_MAPPINGS,
                self.rights: RIGHT_MAPPINGS}

    def all_patterns(self) -> list[str]:
        return [f"{self.leads}-*", *self.plain_indices()]

    def template_body(self) -> dict[str, Any]:
        """The composable index template every lead index version is created from."""
        return {"index_patterns": [f"{self.leads}-*"], "priority": 200,
                "template": {"settings": SETTINGS, "mappings": LEAD_MAPPINGS},
                "_meta": {"created_by": "markwatch"}}


def url_key(url: str) -> str:
    """The document id of a listing (and of its evidence references' group): URLs can be longer than
    the 512 bytes a document id may have."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def version_key(url: str, content_hash: str, first_seen: str) -> str:
    return hashlib.sha256(f"{url}\n{content_hash}\n{first_seen}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def clip(text: str) -> str:
    return text[:MAX_INDEXED_CHARS] if len(text) > MAX_INDEXED_CHARS else text
