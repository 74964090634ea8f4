"""The search-node store's own behaviour on a real OpenSearch node: the alias swap of a reindex,
the spool that keeps leads while the node is down (SIGKILL'd mid-run), the client chosen from the
node's ``GET /``, and the back-off on 429.

What stands between the store and the node here is a small loopback HTTP proxy (:class:`NodeProxy`)
that forwards every request to the real node and can, on purpose, answer 429 a few times first (as
a busy node does), or present the node as an Elasticsearch node (its ``GET /`` answer, the
``X-Elastic-Product`` header, and plain JSON for the ``elasticsearch`` client's versioned media
type), so the ``elasticsearch`` client path runs against a real engine too.
"""

from __future__ import annotations

import http.client
import http.server
import json
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from index.node_runner import SearchNode
from index.search_node import NodeUnavailable, SearchNodeStore, flavor_of, node_info
from index.spool import Spool
from index.store import SearchQuery, StoreError, lead_id
from search_node_fixture import TIMEOUT, open_node_store, unique_prefix

ES_ROOT = {"name": "es-1", "cluster_name": "elasticsearch", "cluster_uuid": "x",
           "version": {"number": "9.1.0", "build_flavor": "default", "build_type": "tar",
                       "lucene_version": "10.2.2", "minimum_wire_compatibility_version": "8.19.0",
                       "minimum_index_compatibility_version": "8.0.0"},
           "tagline": "You Know, for Search"}


def lead(n: int, title: str = "正品耐克运动鞋", **extra: Any) -> dict[str, Any]:
    url = f"https://shop.example/item/{n}"
    return {"url": url, "right_id": "tm-nike", "score": round(0.5 + (n % 50) / 100, 2),
            "reasons": [f"mark in title ({n})"],
            "listing": {"url": url, "title": f"{title} {n}号", "platform": "bazaar", "seller_name": f"店{n % 7}",
                        "seller_id": f"s-{n % 7}", **extra}}


# -- a loopback proxy in front of the node ------------------------------------------------------------

class NodeProxy:
    """Forwards HTTP to ``target`` (a node URL). ``busy[path_part] = n``: answer the next n requests
    whose path contains ``path_part`` with 429. ``as_elasticsearch``: look like an Elasticsearch node."""

    def __init__(self, target: str, *, as_elasticsearch: bool = False) -> None:
        self.target = target.removeprefix("http://")
        self.as_elasticsearch = as_elasticsearch
        self.busy: dict[str, int] = {}
        self.refused: list[str] = []
        self.forwarded: list[str] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy._lock:
                    part = next((p for p, n in proxy.busy.items() if n > 0 and p in self.path), None)
                    if part is not None:
                        proxy.busy[part] -= 1
                        proxy.refused.append(f"{self.command} {self.path}")
                if part is not None:
                    self._answer(429, json.dumps({"error": {"type": "es_rejected_execution_exception",
                                                            "reason": "busy"}, "status": 429}).encode())
                    return
                if proxy.as_elasticsearch and self.command == "GET" and self.path.split("?")[0] == "/":
                    self._answer(200, json.dumps(ES_ROOT).encode())
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "connection")}
                for name, value in list(headers.items()):  # the elasticsearch client's versioned type
                    if name.lower() in ("content-type", "accept") and "vnd.elasticsearch" in value:
                        headers[name] = "application/x-ndjson" if "ndjson" in value else "application/json"
                conn = http.client.HTTPConnection(proxy.target, timeout=TIMEOUT)
                try:
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    proxy.forwarded.append(f"{self.command} {self.path}")
                    self._answer(resp.status, data, resp.getheader("Content-Type") or "application/json")
                finally:
                    conn.close()

            def _answer(self, status: int, data: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                if proxy.as_elasticsearch:
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "NodeProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxied(search_node, request) -> Iterator[tuple[NodeProxy, Any]]:
    """A proxy in front of the session node, and a fresh store talking through it."""
    with NodeProxy(search_node.url) as proxy:
        store = open_node_store(search_node, None, request)
        through = SearchNodeStore(proxy.url, prefix=store.names.prefix, timeout=TIMEOUT, busy_retries=3)
        try:
            yield proxy, through
        finally:
            through.close()
            store.close()


# -- reindex: the alias swap ----------------------------------------------------------------------------

def test_reindex_fills_a_new_index_and_swaps_the_alias_atomically(node_store: SearchNodeStore) -> None:
    node_store.add_leads([lead(n) for n in range(300)])
    node_store.flush()
    before = node_store.lead_indices()
    assert before == [node_store.names.leads_version(1)]

    counts: list[int] = []
    stop = threading.Event()

    def watch() -> None:  # counts through the alias while it moves: never 0, never 600
        reader = SearchNodeStore(node_store.url, prefix=node_store.names.prefix, timeout=TIMEOUT)
        while not stop.is_set():
            counts.append(reader.count(SearchQuery()))
        reader.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        new_index = node_store.reindex()
    finally:
        time.sleep(0.2)
        stop.set()
        watcher.join()
    assert new_index == node_store.names.leads_version(2)
    assert node_store.lead_indices() == [new_index]
    assert not node_store.client.indices.exists(index=before[0])
    assert counts and set(counts) == {300}
    hits = node_store.search(SearchQuery(text="耐克", limit=0))
    assert sorted(x.id for x in hits.leads) == sorted(lead_id(x["url"], "tm-nike") for x in map(lead, range(300)))
    # writes after the swap land in the new index, through the same alias
    assert node_store.add_leads([lead(1000)]).new == 1
    assert node_store.client.count(index=new_index)["count"] == 301


# -- the spool: a node SIGKILL'd mid-run --------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(900)  # a restart of the node: 10 s on a quiet machine, minutes on a loaded one
def test_a_node_killed_mid_run_loses_and_doubles_nothing(search_node, tmp_path: Path) -> None:
    # The session's node, SIGKILL'd and restarted on its own data directory and port (the other tests'
    # indices come back with it; a start less, ≈11 CPU-s); a node of its own when the session uses
    # one someone else runs (MARKWATCH_TEST_NODE_URL), which this test must not kill.
    own = None if isinstance(search_node, SearchNode) else SearchNode(
        tmp_path / "node", heap="256m", cluster_name="markwatch-crash", start_timeout=240.0)
    node = own.start() if own is not None else search_node
    try:
        store = SearchNodeStore(node.url, prefix=unique_prefix("crash"), spool_dir=tmp_path / "spool",
                                timeout=TIMEOUT)
        batches = [[lead(n) for n in range(start, start + 250)] for start in range(0, 3000, 250)]
        counts = [store.add_leads(batches[0])]
        assert counts[0].new == 250 and not store.spool
        killer = threading.Timer(0.3, node.kill)
        killer.start()  # SIGKILL while the next batches are being written
        for batch in batches[1:8]:
            counts.append(store.add_leads(batch))
        killer.join()
        assert not node.running
        for batch in batches[8:]:  # the node is gone: these go to the spool, at once
            counts.append(store.add_leads(batch))
        seen = store.see_listing({**lead(5)["listing"], "title": "改过的标题"})
        assert (seen.known, seen.changed) == (False, True)  # unknown while the node is down
        assert store.spool and store.spool.pending() >= 4 * 250 + 1
        assert all(c.read == 250 and c.skipped == 0 for c in counts)
        with pytest.raises(NodeUnavailable, match="does not answer"):
            store.search(SearchQuery())

        node.start()  # same data directory and port: the node recovers its indices
        store.flush()  # replays the spool, oldest first
        assert not store.spool
        page = store.search(SearchQuery(limit=0))
        found = [x.id for x in page.leads]
        expected = {lead_id(f"https://shop.example/item/{n}", "tm-nike") for n in range(3000)}
        assert len(found) == len(set(found)) == page.total == 3000
        assert set(found) == expected
        # the listing seen while the node was down was replayed after the leads, in order
        current = store.get(lead_id(lead(5)["url"], "tm-nike"))
        assert current is not None and current.listing["title"] == "改过的标题"
        assert [v.listing["title"] for v in store.listing_history(lead(5)["url"])] == ["正品耐克运动鞋 5号", "改过的标题"]
        # replaying again (e.g. after a crash during the replay) doubles nothing
        again = store.add_leads([x for batch in batches for x in batch])
        assert (again.new, again.unchanged + again.updated) == (0, 3000)
        assert store.count(SearchQuery()) == 3000
        store.drop()
        store.close()
    finally:
        if own is not None:
            own.stop()
        elif not node.running:  # a failure between the kill and the restart: the next tests need the node
            node.start()


def test_spool_keeps_batches_in_order_and_deletes_them_only_after_a_write(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.append([{"op": "lead", "n": 1}, {"op": "lead", "n": 2}])
    spool.append([{"op": "lead", "n": 3}])
    assert len(spool) == 2 and spool.pending() == 3
    seen: list[int] = []

    def failing(records: list[dict[str, Any]]) -> None:
        seen.extend(r["n"] for r in records)
        if records[0]["n"] == 3:
            raise NodeUnavailable("down again")

    with pytest.raises(NodeUnavailable):
        spool.replay(failing)
    assert seen == [1, 2, 3] and len(spool) == 1 and spool.pending() == 1  # the failed one stays
    spool.append([{"op": "lead", "n": 4}])
    seen.clear()
    assert spool.replay(lambda records: seen.extend(r["n"] for r in records)) == 2
    assert seen == [3, 4] and not spool and not list((tmp_path / "spool").iterdir())


def test_an_unreachable_node_spools_writes_and_says_so_for_reads(tmp_path: Path) -> None:
    store = SearchNodeStore("http://127.0.0.1:9", prefix="mwtest-down", spool_dir=tmp_path / "spool", timeout=5)
    counts = store.add_leads([lead(1), lead(2), {"url": "x"}])
    assert (counts.read, counts.new, counts.skipped) == (3, 0, 1)  # the bad one is skipped, not spooled
    assert store.spool is not None and store.spool.pending() == 2
    with pytest.raises(NodeUnavailable, match="markwatch search-node"):
        store.count(SearchQuery())
    with pytest.raises(StoreError):
        store.transition(["abc"], "confirmed", "ana")
    no_spool = SearchNodeStore("http://127.0.0.1:9", prefix="mwtest-down", timeout=5)
    with pytest.raises(NodeUnavailable):
        no_spool.add_leads([lead(1)])


# -- the client, from GET / -------------------------------------------------------------------------

def test_the_client_is_chosen_from_the_nodes_answer(search_node, request) -> None:
    import elasticsearch
    import opensearchpy

    info = node_info(search_node.url)
    assert info["version"]["distribution"] == "opensearch" and flavor_of(info) == "opensearch"
    assert flavor_of(ES_ROOT) == "elasticsearch"
    with pytest.raises(StoreError, match="neither OpenSearch nor Elasticsearch"):
        flavor_of({"version": {"number": "1.0"}, "tagline": "a web server"})

    store = open_node_store(search_node, None, request)
    assert store.flavor == "opensearch" and isinstance(store.client, opensearchpy.OpenSearch)
    with NodeProxy(search_node.url, as_elasticsearch=True) as proxy:
        es_store = SearchNodeStore(proxy.url, prefix=store.names.prefix, timeout=TIMEOUT)
        assert es_store.flavor == "elasticsearch" and isinstance(es_store.client, elasticsearch.Elasticsearch)
        # the elasticsearch client's requests work end to end on the engine behind the proxy
        counts = es_store.add_leads([lead(n) for n in range(40)])
        assert counts.new == 40
        page = es_store.search(SearchQuery(text="耐克", limit=15))
        assert page.total == 40 and len(page.leads) == 15
        rest = es_store.search(SearchQuery(text="耐克", limit=0, after=page.next_cursor))
        assert len({x.id for x in page.leads} | {x.id for x in rest.leads}) == 40
        facets = es_store.facets(SearchQuery(text="耐克"), fields=["seller"], size=10)
        assert sum(v.count for v in facets["seller"]) == 40
        assert es_store.get("no-such-id") is None
        es_store.close()
    # and the opensearch client sees the same leads the elasticsearch client wrote
    assert store.count(SearchQuery(text="耐克")) == 40


# -- back-off on 429 --------------------------------------------------------------------------------

def test_bulk_writes_back_off_on_429_and_write_each_lead_once(proxied) -> None:
    proxy, store = proxied
    store.api  # indices ready before the node turns busy
    proxy.busy["_bulk"] = 3
    started = time.monotonic()
    counts = store.add_leads([lead(n) for n in range(200)])
    waited = time.monotonic() - started
    assert counts.new == 200
    assert len(proxy.refused) == 3 and all("_bulk" in r for r in proxy.refused)
    assert waited >= 0.25 + 0.5 + 1.0  # helpers.bulk's back-off: 0.25 s, doubling (3 of its 5 tries)
    assert store.count(SearchQuery()) == 200


def test_reads_back_off_on_429_too(proxied) -> None:
    proxy, store = proxied
    store.add_leads([lead(n) for n in range(10)])
    proxy.busy["_search"] = 2
    assert store.search(SearchQuery(text="耐克")).total == 10
    assert len(proxy.refused) == 2
    proxy.busy["_count"] = 100  # a node that stays busy: the error says what happened
    with pytest.raises(StoreError, match="429"):
        store.count(SearchQuery())


# -- the command ------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.timeout(600)
def test_search_node_command_prints_its_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "markwatch.cli", "search-node", "--data", str(tmp_path / "n"),
                             "--heap", "256m", "--timeout", "240"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()  # the first line is the URL, once the node is ready
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read() if proc.poll() is not None else url
        with urllib.request.urlopen(url + "/") as resp:
            assert json.load(resp)["version"]["distribution"] == "opensearch"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=90) == 0
        err = proc.stderr.read()
        assert f"MARKWATCH_STORE_URL={url}" in err and "stopped" in err
        with pytest.raises(OSError):  # the JVM went with it
            urllib.request.urlopen(url + "/", timeout=5)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def test_search_node_command_refuses_a_port_the_runner_cannot_serve(tmp_path: Path) -> None:
    from markwatch.cli import main

    assert main(["search-node", "--port", "8080", "--data", str(tmp_path)]) == 2
    assert main(["search-node", "--heap", "lots", "--data", str(tmp_path)]) == 2


def test_markwatch_index_spools_while_the_node_is_down_and_the_next_flush_replays(search_node, tmp_path: Path,
                                                                                 request) -> None:
    import os
    import subprocess
    import sys

    import orjson

    leads_file = tmp_path / "leads.jsonl"
    leads_file.write_bytes(b"".join(orjson.dumps(lead(n)) + b"\n" for n in range(50)) + b"not json\n")
    data = tmp_path / "data"
    env = {**os.environ, "MARKWATCH_STORE_URL": "http://127.0.0.1:9"}  # nothing listens there
    done = subprocess.run([sys.executable, "-m", "markwatch.cli", "index", "--leads", str(leads_file),
                           "--data-dir", str(data)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "read 51" in done.stdout and "line 51" in done.stderr
    spool = Spool(data / "spool" / "markwatch")
    assert spool.pending() == 50 + 1  # the leads, and the register's rights

    store = SearchNodeStore.connect(search_node.url, data_dir=data, timeout=TIMEOUT)
    request.addfinalizer(lambda: SearchNodeStore(search_node.url).drop())
    store.flush()  # the node is there now: the spool is written to it and emptied
    assert not spool
    assert store.count(SearchQuery(text="耐克")) == 50
    assert store.get_right("gi-yangchenghu-crab") is not None  # the bundled register came along
    store.close()
