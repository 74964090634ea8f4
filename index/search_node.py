"""The search-node lead store: :class:`SearchNodeStore`, the :class:`~index.store.LeadStore` on an
OpenSearch or Elasticsearch node.

Why one module for both: OpenSearch forked from Elasticsearch 7.10 and the two still share the
APIs this store uses (index templates, aliases, ``_bulk``, ``_mget``, ``search_after``, terms
aggregations, ``_reindex``). They differ in the client — the ``elasticsearch`` client refuses to
talk to OpenSearch (product check, then 406 on its ``compatible-with`` media type), and
``opensearch-py`` is OpenSearch's own — and in a few request details. So the node's ``GET /``
answer picks the client (OpenSearch says ``version.distribution: "opensearch"``) and everything
else is shared (:class:`_Api` holds the differences).

Writes: every batch is planned in Python like the SQLite store plans it (one ``_mget`` each for
the leads, listings and rights it touches), then written with ``helpers.bulk`` under idempotent ids
(a lead's id is :func:`~index.store.lead_id`, a listing's the hash of its URL), so writing the
same batch twice changes nothing; a node that answers 429 (too many requests) is retried with an
exponential back-off, by ``helpers.bulk``'s ``max_retries`` / ``initial_backoff`` for bulks and by
:meth:`_Api.call` for the other requests. After each write call the touched indices are refreshed,
so a search sees what the call wrote, as in SQLite. A node is not transactional: a batch cut off
by a crash is partly written, and the spool (below) writes it again, whole.

Unreachable node: ``add_leads`` and ``see_listing`` batches go to a local :class:`~index.spool.Spool`
(``spool_dir``, default ``<data_dir>/spool/<prefix>``) and are replayed, in order, when the node is
back — on the next write, on :meth:`flush`, or by :meth:`replay_spool`. Reads and lifecycle steps
need the node and raise :class:`~index.store.StoreError` saying so.

Layout on the node (names, mappings, analyser): :mod:`index.search_node_schema`; query DSL:
:mod:`index.search_node_query`.

Tested on: a real OpenSearch 2.19 node (:mod:`index.node_runner`) with ``opensearch-py``, and with
the ``elasticsearch`` client through a loopback proxy that presents that node as Elasticsearch
(tests/test_store_search_node.py). A real Elasticsearch node could not be run from Maven Central:
the server jar (``org.elasticsearch:elasticsearch`` 8.15.0) resolves, but the module that holds
the ``cjk_width`` / ``cjk_bigram`` filters (``analysis-common``) is not published there, and 8.x
starts only through its own launcher and distribution layout.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import orjson

from index import search_node_query as q
from index.search_node_schema import IndexNames, SETTINGS, clip, url_key, version_key
from index.sellers import COUNTED_STATUSES, link_rows
from index.spool import Spool
from index.sqlite_write import PreparedLead, prepare
from index.store import (FACET_FIELDS, FacetValue, IndexCounts, ListingSeen, ListingVersion, SearchPage,
                         SearchQuery, SellerSummary, StoredLead, StoreError, Transition, TransitionError,
                         check_transition, decode_cursor, encode_cursor, listing_hash, utc_now)

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "markwatch"
_CONFIRMED = ("confirmed", "notified", "removed", "rejected", "counter_notice", "still_online")
"""Statuses a lead reaches only through an analyst's confirmation (a seller's confirmed count),
as in the SQLite store."""
_PAGE = 1000
_UNAVAILABLE_STATUS = (502, 503, 504)
_last_order = [0]
_order_lock = threading.Lock()


def _order_key() -> int:
    """Insertion order for documents that must come back in the order written: nanoseconds since
    the epoch, strictly increasing within the process (fits a ``long``)."""
    with _order_lock:
        _last_order[0] = max(time.time_ns(), _last_order[0] + 1)
        return _last_order[0]


class NodeUnavailable(StoreError):
    """The node did not answer (refused, timed out, or 502/503/504)."""


# -- the two clients --------------------------------------------------------------------------------

def node_info(url: str, timeout: float = 10.0) -> dict[str, Any]:
    """The node's ``GET /`` answer (name, cluster, version); raises :class:`NodeUnavailable`."""
    parts = urllib.parse.urlsplit(url)
    plain = urllib.parse.urlunsplit((parts.scheme, parts.hostname + (f":{parts.port}" if parts.port else ""),
                                     parts.path or "/", "", "")) if parts.hostname else url
    request = urllib.request.Request(plain, headers={"Accept": "application/json"})
    if parts.username:
        token = base64.b64encode(f"{urllib.parse.unquote(parts.username)}:"
                                 f"{urllib.parse.unquote(parts.password or '')}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        if exc.code in _UNAVAILABLE_STATUS:
            raise NodeUnavailable(f"the search node at {plain} answered {exc.code}") from exc
        raise StoreError(f"the search node at {plain} answered GET / with {exc.code}: check the URL "
                         "and its user:password") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise NodeUnavailable(f"the search node at {plain} does not answer ({exc}); start one with "
                              "'markwatch search-node' or fix MARKWATCH_STORE_URL") from exc
    except ValueError as exc:
        raise StoreError(f"{plain} answered GET / with something that is not JSON: not an "
                         "OpenSearch or Elasticsearch node") from exc


def flavor_of(info: Mapping[str, Any]) -> str:
    """"opensearch" or "elasticsearch", from a node's ``GET /`` answer."""
    version = info.get("version") if isinstance(info.get("version"), dict) else {}
    if version.get("distribution") == "opensearch":
        return "opensearch"
    if "number" in version and ("build_flavor" in version or "for Search" in str(info.get("tagline", ""))):
        return "elasticsearch"
    raise StoreError(f"the node's GET / answer {str(info)[:200]!r} is neither OpenSearch nor Elasticsearch")


class _Api:
    """The client of one flavour and what differs between them: errors, 404 handling, responses."""

    def __init__(self, url: str, flavor: str, timeout: float, busy_retries: int = 6) -> None:
        self.flavor = flavor
        self.busy_retries = busy_retries
        if flavor == "opensearch":
            import opensearchpy
            from opensearchpy import helpers

            self.client: Any = opensearchpy.OpenSearch(hosts=[url], timeout=timeout, max_retries=0,
                                                        retry_on_timeout=False)
            self.helpers = helpers
            self._connection_errors: tuple[type[BaseException], ...] = (
                opensearchpy.exceptions.ConnectionError, opensearchpy.exceptions.ConnectionTimeout)
            self._transport_error: type[BaseException] = opensearchpy.exceptions.TransportError
            self._not_found: type[BaseException] = opensearchpy.exceptions.NotFoundError
        else:
            import elastic_transport
            import elasticsearch
            from elasticsearch import helpers

            self.client = elasticsearch.Elasticsearch(url, request_timeout=timeout, max_retries=0,
                                                      retry_on_timeout=False)
            self.helpers = helpers
            self._connection_errors = (elastic_transport.ConnectionError, elastic_transport.ConnectionTimeout)
            self._transport_error = elasticsearch.ApiError
            self._not_found = elasticsearch.NotFoundError
        self.url = url

    def status(self, exc: BaseException) -> int | None:
        if self.flavor == "opensearch":
            code = getattr(exc, "status_code", None)
        else:
            code = getattr(getattr(exc, "meta", None), "status", None)
        return code if isinstance(code, int) else None

    def unavailable(self, exc: BaseException) -> bool:
        return isinstance(exc, self._connection_errors) or self.status(exc) in _UNAVAILABLE_STATUS

    def is_not_found(self, exc: BaseException) -> bool:
        return isinstance(exc, self._not_found)

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` with back-off on 429 (0.25 s, doubling, at most ``busy_retries`` times);
        an unreachable node becomes :class:`NodeUnavailable`, another refusal :class:`StoreError`."""
        delay = 0.25
        for attempt in itertools.count():
            try:
                result = fn(*args, **kwargs)
                return getattr(result, "body", result)
            except self._connection_errors as exc:
                raise NodeUnavailable(f"the search node at {self.url} does not answer ({type(exc).__name__}); "
                                      "writes are spooled until it is back") from exc
            except self._transport_error as exc:
                code = self.status(exc)
                if code == 429 and attempt < self.busy_retries:
                    log.info("search node busy (429): retrying in %.2f s", delay)
                    time.sleep(delay)
                    delay = min(delay * 2, 10.0)
                    continue
                if code in _UNAVAILABLE_STATUS:
                    raise NodeUnavailable(f"the search node at {self.url} answered {code}") from exc
                if self.is_not_found(exc):
                    raise
                raise StoreError(f"the search node at {self.url} refused a request ({code}): "
                                 f"{_error_text(exc)}") from exc
        raise AssertionError("unreachable")

    def bulk(self, actions: list[dict[str, Any]]) -> None:
        """``helpers.bulk`` with back-off on 429; a document the node refuses is an error."""
        if not actions:
            return
        try:
            _, errors = self.helpers.bulk(self.client, actions, chunk_size=2000, max_chunk_bytes=50 << 20,
                                          max_retries=self.busy_retries + 2, initial_backoff=0.25, max_backoff=10,
                                          raise_on_error=False, raise_on_exception=True)
        except self._connection_errors as exc:
            raise NodeUnavailable(f"the search node at {self.url} went away during a bulk write") from exc
        except self._transport_error as exc:
            if self.unavailable(exc):
                raise NodeUnavailable(f"the search node at {self.url} answered {self.status(exc)} to a bulk "
                                      "write") from exc
            raise StoreError(f"the search node at {self.url} refused a bulk write ({self.status(exc)}): "
                             f"{_error_text(exc)}") from exc
        if errors:
            first = errors[0]
            raise StoreError(f"the search node refused {len(errors)} of {len(actions)} documents; the first: "
                             f"{str(first)[:300]}")


def _error_text(exc: BaseException) -> str:
    info = getattr(exc, "info", None) or getattr(exc, "body", None)
    return str(info or exc)[:300]


# -- the store ------------------------------------------------------------------------------------

class SearchNodeStore:
    """:class:`~index.store.LeadStore` on the node at ``url`` (``http://HOST:PORT``, optionally with
    ``user:password@``), in indices whose names start with ``prefix``.

    ``spool_dir``: where batches wait while the node is unreachable (``None``: no spool, an
    unreachable node is an error). ``flavor``: "opensearch" / "elasticsearch" to skip ``GET /``
    (tests); ``None`` = ask the node, when it first answers. ``timeout``: seconds one request may
    take. ``busy_retries``: how often a request the node refuses with 429 is tried again (0.25 s
    back-off, doubling; bulks get two more)."""

    def __init__(self, url: str, *, prefix: str = DEFAULT_PREFIX, spool_dir: str | Path | None = None,
                 flavor: str | None = None, timeout: float = 60.0, busy_retries: int = 6,
                 linkage_path: str | Path | None = None) -> None:
        self.url = url.rstrip("/")
        # The platform linkage's SQLite file (index/linkage_sqlite.py): data_dir/linkage.sqlite, else
        # beside the spool directory.
        self.linkage_path = Path(linkage_path) if linkage_path is not None else (
            Path(spool_dir).parent / f"linkage-{prefix}.sqlite" if spool_dir is not None else None)
        self._linkage: Any = None
        self.names = IndexNames(prefix)
        self.spool = Spool(spool_dir) if spool_dir is not None else None
        self.timeout = timeout
        self.busy_retries = busy_retries
        self._flavor = flavor
        self._api: _Api | None = None
        self._ready = False
        self._lock = threading.RLock()

    @classmethod
    def connect(cls, url: str, *, data_dir: str | Path | None = None, prefix: str = DEFAULT_PREFIX,
                **kwargs: Any) -> "SearchNodeStore":
        """The store on ``url``, spooling under ``data_dir/spool/<prefix>`` when ``data_dir`` is given."""
        spool = Path(data_dir) / "spool" / prefix if data_dir is not None else kwargs.pop("spool_dir", None)
        if data_dir is not None and "linkage_path" not in kwargs:
            name = "linkage.sqlite" if prefix == DEFAULT_PREFIX else f"linkage-{prefix}.sqlite"
            kwargs["linkage_path"] = Path(data_dir) / name
        return cls(url, prefix=prefix, spool_dir=spool, **kwargs)

    def __repr__(self) -> str:
        return f"SearchNodeStore({self.url!r}, prefix={self.names.prefix!r})"

    def __enter__(self) -> "SearchNodeStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connection and layout ---------------------------------------------------------------------
    @property
    def flavor(self) -> str:
        return self.api.flavor

    @property
    def api(self) -> _Api:
        """The client, chosen from the node's ``GET /`` the first time the node answers; the
        store's indices are created then too."""
        with self._lock:
            api = self._connect()
            if not self._ready:
                self._setup(api)
                self._ready = True
            return api

    def _connect(self) -> _Api:
        if self._api is None:
            flavor = self._flavor or flavor_of(node_info(self.url, timeout=min(self.timeout, 10.0)))
            self._api = _Api(self.url, flavor, self.timeout, self.busy_retries)
            log.info("search node %s: %s client", self.url, flavor)
        return self._api

    @property
    def client(self) -> Any:
        return self.api.client

    def _setup(self, api: _Api) -> None:
        """Create the template, the first lead index behind its alias, and the other indices."""
        names = self.names
        api.call(api.client.indices.put_index_template, name=names.template, body=names.template_body())
        if not api.call(api.client.indices.exists_alias, name=names.leads):
            first = names.leads_version(1)
            if not api.call(api.client.indices.exists, index=first):
                self._create(api, first, body={"aliases": {names.leads: {"is_write_index": True}}})
            else:
                api.call(api.client.indices.put_alias, index=first, name=names.leads)
        for index, mappings in names.plain_indices().items():
            if not api.call(api.client.indices.exists, index=index):
                self._create(api, index, body={"settings": SETTINGS, "mappings": mappings})

    def _create(self, api: _Api, index: str, body: dict[str, Any]) -> None:
        try:
            api.call(api.client.indices.create, index=index, body=body)
        except StoreError as exc:
            if "resource_already_exists" not in str(exc):  # another process created it first
                raise

    def _refresh(self, *indices: str) -> None:
        api = self.api
        api.call(api.client.indices.refresh, index=",".join(indices or self._all_indices()))

    def _all_indices(self) -> list[str]:
        return [self.names.leads, *self.names.plain_indices()]

    def drop(self) -> None:
        """Delete every index of this store (its prefix) and the template: for tests and resets."""
        api = self._connect()
        for pattern in self.names.all_patterns():
            api.call(api.client.indices.delete, index=pattern, ignore_unavailable=True,
                     allow_no_indices=True, expand_wildcards="open,closed")
        try:
            api.call(api.client.indices.delete_index_template, name=self.names.template)
        except Exception as exc:  # noqa: BLE001 - absent template is fine
            if not api.is_not_found(exc):
                raise
        self._ready = False

    def clear(self) -> None:
        """Delete every document of this store, keeping its indices (much cheaper than dropping and
        creating them again: for tests and resets)."""
        api = self.api
        api.call(api.client.delete_by_query, index=",".join(self._all_indices()),
                 body={"query": {"match_all": {}}}, refresh=True, conflicts="proceed")

    def reindex(self) -> str:
        """Copy the leads into the next index version (current template) and swap the alias to it
        in one atomic ``_aliases`` call; the old version is deleted. Returns the new index's name."""
        with self._lock:
            api = self.api
            self._replay_if_pending()
            names = self.names
            api.call(api.client.indices.put_index_template, name=names.template, body=names.template_body())
            current = sorted(api.call(api.client.indices.get_alias, name=names.leads))
            version = max(int(index.rsplit("-", 1)[1]) for index in current) + 1
            target = names.leads_version(version)
            self._create(api, target, body={})
            api.call(api.client.reindex, body={"source": {"index": names.leads}, "dest": {"index": target}},
                     refresh=True, wait_for_completion=True, request_timeout=max(self.timeout, 600))
            actions: list[dict[str, Any]] = [{"remove": {"index": index, "alias": names.leads}} for index in current]
            actions.append({"add": {"index": target, "alias": names.leads, "is_write_index": True}})
            api.call(api.client.indices.update_aliases, body={"actions": actions})
            for index in current:
                api.call(api.client.indices.delete, index=index)
            log.info("reindexed %s: %s → %s", names.leads, ",".join(current), target)
            return target

    def lead_indices(self) -> list[str]:
        """The index versions the alias points to (one, but for the instant of a swap)."""
        return sorted(self.api.call(self.api.client.indices.get_alias, name=self.names.leads))

    # -- small helpers ---------------------------------------------------------------------------
    def _mget(self, index: str, ids: Sequence[str], source: Any = True) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        api = self.api
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 5000):
            part = unique[start:start + 5000]
            body = api.call(api.client.mget, index=index, body={"ids": part}, _source=source, realtime=True)
            for doc in body.get("docs", []):
                if doc.get("found"):
                    found[doc["_id"]] = doc.get("_source", {})
        return found

    def _search_all(self, index: str, query: dict[str, Any], sort: list[Any],
                    source: Any = True) -> list[dict[str, Any]]:
        """Every hit of ``query``, paged with ``search_after`` (``sort`` must end on a unique field)."""
        api = self.api
        hits: list[dict[str, Any]] = []
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {"query": query, "sort": sort, "size": _PAGE, "_source": source,
                                    "track_total_hits": False}
            if after is not None:
                body["search_after"] = after
            page = api.call(api.client.search, index=index, body=body)["hits"]["hits"]
            hits.extend(page)
            if len(page) < _PAGE:
                return hits
            after = page[-1]["sort"]

    # -- rights ----------------------------------------------------------------------------------
    def put_rights(self, rights: Iterable[Mapping[str, Any]]) -> int:
        from pydantic import ValidationError

        from markwatch.contracts import Right

        rows: list[tuple[str, str, dict[str, Any]]] = []
        for raw in rights:
            try:
                right = Right.model_validate(dict(raw))
            except ValidationError as exc:
                raise ValueError(f"right {raw.get('id', '?')!r}: {exc.errors()[0]['msg']}") from exc
            rows.append((right.id, right.kind, right.model_dump(mode="json")))
        with self._lock:
            try:
                self._replay_if_pending()
                self._put_rights_online(rows)
            except NodeUnavailable as exc:
                if self.spool is None:
                    raise
                self.spool.append([{"op": "rights", "rights": [[rid, kind, body] for rid, kind, body in rows]}])
                log.warning("%s; %d rights spooled to %s", exc, len(rows), self.spool.path)
        return len(rows)

    def _put_rights_online(self, rows: Sequence[Sequence[Any]]) -> None:
        actions: list[dict[str, Any]] = [{"_op_type": "index", "_index": self.names.rights, "_id": rid,
                                          "_source": {"kind": kind, "right": body}} for rid, kind, body in rows]
        kinds = {rid: kind for rid, kind, _ in rows}
        if kinds:
            # only the leads whose kind is not the right's (a rerun of `index` touches none)
            pairs = list(kinds.items())
            for start in range(0, len(pairs), 400):  # under the node's 1024 clauses a query
                stale_query = {"bool": {"minimum_should_match": 1, "should": [
                    {"bool": {"filter": [{"term": {"right_id": rid}}], "must_not": [{"term": {"kind": kind}}]}}
                    for rid, kind in pairs[start:start + 400]]}}
                stale = self._search_all(self.names.leads, stale_query, sort=[{"lead_id": "asc"}],
                                         source=["right_id"])
                actions.extend({"_op_type": "update", "_index": self.names.leads, "_id": hit["_id"],
                                "doc": {"kind": kinds[hit["_source"]["right_id"]]}} for hit in stale)
        self.api.bulk(actions)
        self._refresh(self.names.rights, self.names.leads)

    def get_right(self, right_id: str) -> dict[str, Any] | None:
        doc = self._mget(self.names.rights, [right_id]).get(right_id)
        return doc["right"] if doc else None

    # -- listings and leads ----------------------------------------------------------------------
    def see_listing(self, listing: Mapping[str, Any], seen_at: str | None = None) -> ListingSeen:
        url = listing.get("url")
        if not isinstance(url, str) or not url:
            raise ValueError("a listing needs its url (CONTRACTS §2)")
        now = seen_at or utc_now()
        content = dict(listing)
        content_hash = listing_hash(content)
        with self._lock:
            try:
                self._replay_if_pending()
                return self._see_listing_online(content, content_hash, now)
            except NodeUnavailable as exc:
                if self.spool is None:
                    raise
                self.spool.append([{"op": "listing", "seen_at": now, "listing": content}])
                log.warning("%s; listing %s spooled to %s", exc, url, self.spool.path)
                # Unknown to us now: treat it as new and changed, so it is matched, not dropped.
                return ListingSeen(known=False, changed=True, content_hash=content_hash)

    def _see_listing_online(self, content: dict[str, Any], content_hash: str, now: str) -> ListingSeen:
        url = content["url"]
        plan = _ListingPlanner(self, [url])
        listing_plan = plan.plans[url]
        known, before = listing_plan.known, listing_plan.stored_hash
        listing_plan.see(content_hash, content)
        actions = plan.actions(now)
        lead_hits = self._search_all(self.names.leads, {"term": {"url": url}}, sort=[{"lead_id": "asc"}])
        for hit in lead_hits:
            doc = hit["_source"]
            doc["last_seen"] = now
            if listing_plan.contents:
                _put_listing(doc, listing_plan.contents[-1][1])
            actions.append({"_op_type": "index", "_index": self.names.leads, "_id": hit["_id"], "_source": doc})
        self.api.bulk(actions)
        self._refresh(self.names.leads, self.names.listings, self.names.versions)
        return ListingSeen(known=known, changed=before != content_hash, content_hash=content_hash)

    def add_leads(self, leads: Iterable[Mapping[str, Any]], seen_at: str | None = None) -> IndexCounts:
        now = seen_at or utc_now()
        prepared: list[PreparedLead] = []
        raw: list[dict[str, Any]] = []
        problems: list[tuple[int, str]] = []
        read = 0
        for position, obj in enumerate(leads):
            read += 1
            result = prepare(obj)
            if isinstance(result, str):
                problems.append((position, result))
            else:
                prepared.append(result)
                raw.append(obj)  # type: ignore[arg-type]
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        if prepared:
            with self._lock:
                try:
                    self._replay_if_pending()
                    counts = self._add_online(prepared, now)
                except NodeUnavailable as exc:
                    if self.spool is None:
                        raise
                    self.spool.append([{"op": "lead", "seen_at": now, "lead": dict(obj)} for obj in raw])
                    log.warning("%s; %d leads spooled to %s, to be written when it is back", exc, len(raw),
                                self.spool.path)
                    # Not known yet whether new or updated: counted as read (not skipped) only.
        return IndexCounts(read=read, skipped=len(problems), problems=tuple(problems), **counts)

    def _add_online(self, leads: list[PreparedLead], now: str) -> dict[str, int]:
        names = self.names
        listings = _ListingPlanner(self, [lead.url for lead in leads])
        known = self._mget(names.leads, [lead.id for lead in leads])
        rights = {lead.right_id for lead in leads}
        kinds = {rid: doc.get("kind", "") for rid, doc in self._mget(names.rights, list(rights), ["kind"]).items()}
        counts = {"new": 0, "updated": 0, "unchanged": 0}
        docs: dict[str, dict[str, Any]] = {}   # lead id → full document to index
        touched: set[str] = set()              # seen again, unchanged: only last_seen moves
        states: dict[str, tuple[Any, ...]] = {i: _state(doc) for i, doc in known.items()}
        for lead in leads:
            listings.plans[lead.url].see(lead.content_hash, lead.listing)
            state = (lead.content_hash, lead.score, _json_bytes(lead.reasons), _json_bytes(lead.reason_codes))
            before = states.get(lead.id)
            states[lead.id] = state
            if before is not None and before == state:
                counts["unchanged"] += 1
                if lead.id not in docs:
                    touched.add(lead.id)
                continue
            counts["new" if before is None else "updated"] += 1
            previous = docs.get(lead.id) or known.get(lead.id)
            docs[lead.id] = _lead_doc(lead, previous, kinds.get(lead.right_id, ""), now)
            touched.discard(lead.id)
        actions = listings.actions(now)
        for i, doc in docs.items():
            actions.append({"_op_type": "index", "_index": names.leads, "_id": i, "_source": doc})
        actions.extend({"_op_type": "update", "_index": names.leads, "_id": i, "doc": {"last_seen": now}}
                       for i in touched)
        # Other leads on a listing whose content changed show the new content too (as in SQLite,
        # where a lead refers to its listing's current row).
        changed = {url: plan.contents[-1][1] for url, plan in listings.plans.items() if plan.contents and plan.known}
        if changed:
            batch_ids = {lead.id for lead in leads}
            for hit in self._search_all(names.leads, {"terms": {"url": list(changed)}}, sort=[{"lead_id": "asc"}]):
                if hit["_id"] in batch_ids:
                    continue
                doc = hit["_source"]
                _put_listing(doc, changed[doc["url"]])
                actions.append({"_op_type": "index", "_index": names.leads, "_id": hit["_id"], "_source": doc})
        self.api.bulk(actions)
        self._refresh(names.leads, names.listings, names.versions)
        return counts

    def _stored(self, hits: list[tuple[str, dict[str, Any]]]) -> list[StoredLead]:
        leads = [_stored_lead(i, doc) for i, doc in hits]
        if leads:
            refs = self._evidence_for({lead.url for lead in leads})
            for lead in leads:
                lead.evidence = list(refs.get(lead.url, ()))
        return leads

    def get(self, lead_id: str) -> StoredLead | None:
        doc = self._mget(self.names.leads, [lead_id]).get(lead_id)
        return self._stored([(lead_id, doc)])[0] if doc else None

    def search(self, query: SearchQuery) -> SearchPage:
        if query.limit < 0:
            raise ValueError("limit must be 0 (all) or more")
        api = self.api
        sort = q.sort_spec(query)
        dsl = q.query_dsl(query)
        after = list(decode_cursor(query.after, query.sort)) if query.after else None
        wanted = query.limit or None
        hits: list[dict[str, Any]] = []
        total = 0
        first = True
        more = False
        while True:
            size = min(_PAGE, wanted - len(hits) + 1) if wanted else _PAGE
            body: dict[str, Any] = {"query": dsl, "sort": sort, "size": size, "track_total_hits": first}
            if after is not None:
                body["search_after"] = after
            answer = api.call(api.client.search, index=self.names.leads, body=body)["hits"]
            if first:
                total = answer["total"]["value"]
                first = False
            page = answer["hits"]
            hits.extend(page)
            if wanted and len(hits) > wanted:
                more = True
                hits = hits[:wanted]
                break
            if len(page) < size:
                break
            after = page[-1]["sort"]
        if query.after:  # the total counts every match, not only those after the cursor
            total = self.count(query)
        leads = self._stored([(h["_id"], h["_source"]) for h in hits])
        cursor = encode_cursor(query.sort, *hits[-1]["sort"]) if more and hits else None
        return SearchPage(leads=leads, next_cursor=cursor, total=total)

    def facets(self, query: SearchQuery, fields: Sequence[str] = FACET_FIELDS,
               size: int = 10) -> dict[str, list[FacetValue]]:
        result: dict[str, list[FacetValue]] = {name: [] for name in fields}
        if not fields:
            return result
        aggs = q.facet_aggs(fields, size)
        if size <= 0:
            return result
        api = self.api
        body = {"query": q.query_dsl(query), "size": 0, "track_total_hits": False, "aggs": aggs}
        answer = api.call(api.client.search, index=self.names.leads, body=body)
        for name in fields:
            result[name] = [FacetValue(str(b["key"]), int(b["doc_count"]))
                            for b in answer["aggregations"][name]["buckets"]]
        return result

    def count(self, query: SearchQuery) -> int:
        api = self.api
        return int(api.call(api.client.count, index=self.names.leads, body={"query": q.query_dsl(query)})["count"])

    def listing_history(self, url: str) -> list[ListingVersion]:
        earlier = self._search_all(self.names.versions, {"term": {"url": url}},
                                   sort=[{"order": "asc"}, {"first_seen": "asc"}])
        versions = [ListingVersion(url, h["_source"]["content_hash"], h["_source"]["listing"],
                                   h["_source"]["first_seen"], h["_source"]["last_seen"]) for h in earlier]
        current = self._mget(self.names.listings, [url_key(url)]).get(url_key(url))
        if current:
            versions.append(ListingVersion(url, current["content_hash"], current["listing"],
                                           current["version_seen"], current["last_seen"]))
        return versions

    def _evidence_for(self, urls: set[str]) -> dict[str, list[dict[str, Any]]]:
        refs: dict[str, list[dict[str, Any]]] = {}
        if not urls:
            return refs
        for hit in self._search_all(self.names.evidence, {"terms": {"url": sorted(urls)}},
                                    sort=[{"order": "asc"}]):
            refs.setdefault(hit["_source"]["url"], []).append(hit["_source"]["ref"])
        return refs

    # -- lifecycle -------------------------------------------------------------------------------
    def transition(self, lead_ids: Sequence[str], to_status: str, actor: str, note: str = "",
                   at: str | None = None) -> list[Transition]:
        ids = list(dict.fromkeys(lead_ids))
        when = at or utc_now()
        if not ids:
            return []
        with self._lock:
            self._replay_if_pending()
            found = self._mget(self.names.leads, ids)
            missing = [i for i in ids if i not in found]
            if missing:
                raise TransitionError(f"no lead with id {missing[0]!r}" +
                                      (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
            for i in ids:
                try:
                    check_transition(found[i]["status"], to_status)
                except TransitionError as exc:
                    raise TransitionError(f"lead {i}: {exc}") from None
            actions: list[dict[str, Any]] = []
            steps: list[Transition] = []
            for i in ids:
                doc = {"status": to_status}
                if to_status == "confirmed":
                    doc["last_confirmed"] = max(when, found[i].get("last_confirmed") or "")
                actions.append({"_op_type": "update", "_index": self.names.leads, "_id": i, "doc": doc})
                step = Transition(i, found[i]["status"], to_status, when, actor, note)
                order = _order_key()
                actions.append({"_op_type": "index", "_index": self.names.transitions,
                                "_id": f"{i}-{order}",
                                "_source": {"lead_id": i, "from_status": step.from_status, "to_status": to_status,
                                            "at": when, "actor": actor, "note": note, "order": order}})
                steps.append(step)
            self.api.bulk(actions)
            self._refresh(self.names.leads, self.names.transitions)
        return steps

    def history(self, lead_id: str) -> list[Transition]:
        hits = self._search_all(self.names.transitions, {"term": {"lead_id": lead_id}}, sort=[{"order": "asc"}])
        return [Transition(lead_id, h["_source"]["from_status"], h["_source"]["to_status"], h["_source"]["at"],
                           h["_source"]["actor"], h["_source"].get("note", "")) for h in hits]

    # -- statistics (index/search_node_stats.py) ---------------------------------------------------
    def histogram(self, query: SearchQuery, split_by: str = "") -> list[Any]:
        from index import search_node_stats

        return search_node_stats.histogram(self, query, split_by)

    def transition_histogram(self, since: str | None = None, until: str | None = None) -> list[Any]:
        from index import search_node_stats

        return search_node_stats.transition_histogram(self, since, until)

    def notice_to_removal_hours(self, since: str | None = None, until: str | None = None) -> list[float]:
        from index import search_node_stats

        return search_node_stats.notice_to_removal_hours(self, since, until)

    # -- evidence --------------------------------------------------------------------------------
    def add_evidence(self, url: str, ref: Mapping[str, Any]) -> None:
        """Kept by URL: leads on ``url`` indexed later get the reference too."""
        body = orjson.loads(orjson.dumps(dict(ref)))
        with self._lock:
            self._replay_if_pending()
            order = _order_key()
            self.api.bulk([{"_op_type": "index", "_index": self.names.evidence, "_id": f"{url_key(url)}-{order}",
                            "_source": {"url": url, "order": order, "ref": body}}])
            self._refresh(self.names.evidence)

    # -- sellers ---------------------------------------------------------------------------------
    def _seller_aggs(self, size: int, min_leads: int) -> dict[str, Any]:
        return {"sellers": {
            "terms": {"field": "seller_key", "size": size, "min_doc_count": max(min_leads, 1),
                      "order": [{"confirmed": "desc"}, {"_count": "desc"}, {"_key": "asc"}]},
            "aggs": {
                "confirmed": {"filter": {"terms": {"status": list(_CONFIRMED)}}},
                "takedowns": {"filter": {"term": {"status": "removed"}}},
                "first": {"top_hits": {"size": 1, "sort": [{"first_seen": "asc"}],
                                       "_source": ["first_seen"]}},
                "last": {"top_hits": {"size": 1, "sort": [{"last_seen": "desc"}],
                                      "_source": ["last_seen", "seller_name", "platform", "seller_id"]}},
                "last_confirmed": {"top_hits": {"size": 1, "sort": [{"last_confirmed": {"order": "desc",
                                                                                        "missing": "_last"}}],
                                                "_source": ["last_confirmed"]}},
            }}}

    def _sellers(self, filter_: dict[str, Any], size: int, min_leads: int) -> list[SellerSummary]:
        api = self.api
        body = {"query": {"bool": {"filter": [{"exists": {"field": "seller_key"}}, filter_]}}, "size": 0,
                "track_total_hits": False, "aggs": self._seller_aggs(size, min_leads)}
        buckets = api.call(api.client.search, index=self.names.leads, body=body)["aggregations"]["sellers"]["buckets"]
        out = []
        for b in buckets:
            last = b["last"]["hits"]["hits"][0]["_source"]
            confirmed_hits = b["last_confirmed"]["hits"]["hits"]
            last_confirmed = confirmed_hits[0]["_source"].get("last_confirmed") if confirmed_hits else None
            out.append(SellerSummary(platform=last["platform"], seller_id=last["seller_id"],
                                     name=last.get("seller_name", ""), leads=int(b["doc_count"]),
                                     confirmed=int(b["confirmed"]["doc_count"]),
                                     takedowns=int(b["takedowns"]["doc_count"]),
                                     first_seen=b["first"]["hits"]["hits"][0]["_source"]["first_seen"],
                                     last_seen=last["last_seen"], last_confirmed=last_confirmed or None))
        return out

    def seller(self, platform: str, seller_id: str) -> SellerSummary | None:
        found = self._sellers({"term": {"seller_key": _seller_key(platform, seller_id)}}, 1, 1)
        return found[0] if found else None

    def sellers(self, limit: int = 50, min_leads: int = 1) -> list[SellerSummary]:
        return self._sellers({"match_all": {}}, int(limit) if limit else 10_000, min_leads)

    def seller_leads(self, platform: str, seller_id: str, limit: int = 0) -> list[StoredLead]:
        hits = self._search_all(self.names.leads, {"term": {"seller_key": _seller_key(platform, seller_id)}},
                                sort=[{"first_seen": "desc"}, {"lead_id": "asc"}])
        if limit:
            hits = hits[:limit]
        return self._stored([(hit["_id"], hit["_source"]) for hit in hits])

    def seller_links(self) -> list[tuple[str, str, str, str]]:
        """Computed from the current listing kept in each lead document (index.sellers.link_rows)."""
        hits = self._search_all(self.names.leads, {"exists": {"field": "seller_key"}}, sort=[{"lead_id": "asc"}],
                                source=["platform", "seller_id", "url", "stored.listing"])
        listings: dict[tuple[str, str, str], dict[str, Any]] = {}
        for hit in hits:
            src = hit["_source"]
            listings.setdefault((src.get("platform", ""), src.get("seller_id", ""), src.get("url", "")),
                                src.get("stored", {}).get("listing", {}))
        return link_rows((platform, seller_id, listing) for (platform, seller_id, _), listing in listings.items())

    def seller_confirmations(self, sellers: Sequence[tuple[str, str]] | None = None
                             ) -> dict[tuple[str, str], list[str]]:
        filters: list[dict[str, Any]] = [{"terms": {"status": sorted(COUNTED_STATUSES)}},
                                         {"exists": {"field": "seller_key"}}]
        if sellers is not None:
            if not sellers:
                return {}
            filters.append({"terms": {"seller_key": sorted({_seller_key(p, s) for p, s in sellers})}})
        hits = self._search_all(self.names.leads, {"bool": {"filter": filters}}, sort=[{"lead_id": "asc"}],
                                source=["platform", "seller_id"])
        owner = {hit["_id"]: (hit["_source"]["platform"], hit["_source"]["seller_id"]) for hit in hits}
        latest: dict[str, str] = {}
        ids = sorted(owner)
        for start in range(0, len(ids), 1000):
            steps = self._search_all(self.names.transitions,
                                     {"bool": {"filter": [{"terms": {"lead_id": ids[start:start + 1000]}},
                                                          {"term": {"to_status": "confirmed"}}]}},
                                     sort=[{"order": "asc"}], source=["lead_id", "at"])
            for step in steps:
                src = step["_source"]
                latest[src["lead_id"]] = max(latest.get(src["lead_id"], ""), src["at"])
        found: dict[tuple[str, str], list[str]] = {}
        for i, at in sorted(latest.items()):
            found.setdefault(owner[i], []).append(at)
        return found

    # -- housekeeping ----------------------------------------------------------------------------
    def replay_spool(self) -> int:
        """Write every spooled batch to the node, oldest first; returns how many segments."""
        if self.spool is None:
            return 0
        with self._lock:
            return self.spool.replay(self._replay_records)

    def _replay_if_pending(self) -> None:
        if self.spool is not None and self.spool:
            self.replay_spool()

    def _replay_records(self, records: list[dict[str, Any]]) -> None:
        """Write one spooled segment: runs of leads with the same time as one batch, in order."""
        for (op, seen_at), group in itertools.groupby(records, key=lambda r: (r.get("op"), r.get("seen_at"))):
            items = list(group)
            if op == "lead":
                prepared = [p for p in (prepare(r["lead"]) for r in items) if not isinstance(p, str)]
                if prepared:
                    self._add_online(prepared, seen_at)
            elif op == "rights":
                for r in items:
                    self._put_rights_online(r["rights"])
            elif op == "listing":
                for r in items:
                    content = r["listing"]
                    self._see_listing_online(content, listing_hash(content), seen_at)
            else:
                log.error("spool record with unknown op %r skipped", op)

    # -- platform linkage (index/linkage_sqlite.py) -------------------------------------------------
    @property
    def linkage(self) -> Any:
        """The :class:`index.linkage.LinkageStore` in ``linkage_path`` (SQLite: notices need
        transactions); lead steps go through this node after each linkage commit."""
        with self._lock:
            if self._linkage is None:
                if self.linkage_path is None:
                    raise StoreError("this search-node store has no data dir for its linkage.sqlite: open it "
                                     "with SearchNodeStore.connect(url, data_dir=…) or pass linkage_path")
                from index.linkage_sqlite import linkage_of_node_store

                self._linkage = linkage_of_node_store(self, self.linkage_path)
            return self._linkage

    def flush(self) -> None:
        """Replay the spool (if the node is back) and refresh every index of the store. While the
        node is still unreachable the spooled writes are durable on disk, not yet visible: that is
        logged, not raised, so a run that spooled ends normally."""
        with self._lock:
            try:
                self._replay_if_pending()
                self._refresh()
            except NodeUnavailable as exc:
                if self.spool is None:
                    raise
                log.warning("%s; %d records wait in the spool %s for the node", exc, self.spool.pending(),
                            self.spool.path)

    def close(self) -> None:
        with self._lock:
            if self._linkage is not None:
                self._linkage.close()
                self._linkage = None
            if self._api is not None:
                try:
                    self._api.client.close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass
            self._api = None
            self._ready = False


# -- documents ------------------------------------------------------------------------------------

def _seller_key(platform: str, seller_id: str) -> str:
    return f"{platform}\x1f{seller_id}"


def _put_listing(doc: dict[str, Any], listing: dict[str, Any]) -> None:
    """Copy ``listing``'s searchable fields into the lead document ``doc`` (and keep it whole)."""
    doc.setdefault("stored", {})["listing"] = listing
    doc["title"] = clip(listing.get("title") or "")
    doc["description"] = clip(listing.get("description") or "")


def _lead_doc(lead: PreparedLead, previous: dict[str, Any] | None, kind: str, now: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "lead_id": lead.id, "url": lead.url, "right_id": lead.right_id, "score": lead.score,
        "status": previous.get("status", "new") if previous else "new",
        "first_seen": previous.get("first_seen", now) if previous else now, "last_seen": now,
        "kind": kind, "province": lead.province, "platform": lead.platform, "seller_id": lead.seller_id,
        "seller_name": lead.seller_name, "listing_hash": lead.content_hash,
        "stored": {"reasons": orjson.loads(lead.reasons), "reason_codes": orjson.loads(lead.reason_codes)},
    }
    if lead.seller_id:
        doc["seller_key"] = _seller_key(lead.platform, lead.seller_id)
    if previous and previous.get("last_confirmed"):
        doc["last_confirmed"] = previous["last_confirmed"]
    _put_listing(doc, lead.listing)
    return doc


def _state(doc: dict[str, Any]) -> tuple[Any, ...]:
    stored = doc.get("stored", {})
    return (doc.get("listing_hash"), doc.get("score"), orjson.dumps(stored.get("reasons", [])),
            orjson.dumps(stored.get("reason_codes", [])))


def _json_bytes(value: str | bytes) -> bytes:
    """A prepared lead's serialised field as bytes (index.sqlite_write gives str or bytes)."""
    return value.encode() if isinstance(value, str) else value


def _stored_lead(lead_id: str, doc: dict[str, Any]) -> StoredLead:
    stored = doc.get("stored", {})
    return StoredLead(id=lead_id, url=doc["url"], right_id=doc["right_id"], score=doc["score"],
                      reasons=list(stored.get("reasons", [])), listing=dict(stored.get("listing", {})),
                      status=doc.get("status", "new"), first_seen=doc.get("first_seen", ""),
                      last_seen=doc.get("last_seen", ""), reason_codes=list(stored.get("reason_codes", [])),
                      kind=doc.get("kind", ""), province=doc.get("province", ""))


class _ListingPlan:
    def __init__(self, url: str, stored: dict[str, Any] | None) -> None:
        self.url = url
        self.stored = stored
        self.known = stored is not None
        self.stored_hash = stored["content_hash"] if stored else ""
        self.contents: list[tuple[str, dict[str, Any]]] = []
        """Contents different from the stored one, in the order seen (the last becomes current)."""

    @property
    def current_hash(self) -> str:
        return self.contents[-1][0] if self.contents else self.stored_hash

    def see(self, content_hash: str, listing: dict[str, Any]) -> None:
        if content_hash != self.current_hash:
            self.contents.append((content_hash, listing))


class _ListingPlanner:
    """The listings of a batch: which are new, changed or only seen again, and the writes for it
    (the SQLite store's :class:`index.sqlite_write.ListingPlanner`, as bulk actions)."""

    def __init__(self, store: SearchNodeStore, urls: Iterable[str]) -> None:
        self.names = store.names
        unique = list(dict.fromkeys(urls))
        stored = store._mget(self.names.listings, [url_key(u) for u in unique])
        self.plans = {u: _ListingPlan(u, stored.get(url_key(u))) for u in unique}

    def actions(self, now: str) -> list[dict[str, Any]]:
        names = self.names
        versions: list[dict[str, Any]] = []
        listings: list[dict[str, Any]] = []
        for plan in self.plans.values():
            key = url_key(plan.url)
            if not plan.contents:
                listings.append({"_op_type": "update", "_index": names.listings, "_id": key,
                                 "doc": {"last_seen": now}})
                continue
            earlier_versions: list[tuple[str, dict[str, Any], str, str]] = []
            if plan.stored is not None:  # the stored current version joins the history
                s = plan.stored
                earlier_versions.append((s["content_hash"], s["listing"], s["version_seen"], s["last_seen"]))
            *earlier, (content_hash, listing) = plan.contents
            earlier_versions.extend((h, body, now, now) for h, body in earlier)
            for h, body, first, last in earlier_versions:
                versions.append({"_op_type": "index", "_index": names.versions, "_id": version_key(plan.url, h, first),
                                 "_source": {"url": plan.url, "content_hash": h, "listing": body,
                                             "first_seen": first, "last_seen": last, "order": _order_key()}})
            first_seen = plan.stored["first_seen"] if plan.stored else now
            listings.append({"_op_type": "index", "_index": names.listings, "_id": key,
                             "_source": {"url": plan.url, "content_hash": content_hash, "listing": listing,
                                         "first_seen": first_seen, "last_seen": now, "version_seen": now}})
        return versions + listings  # versions first: a crash in between never loses an old version
