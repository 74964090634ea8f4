"""Many analysts at once (issue 8): the workbench answers concurrent clients at the same time, and
their triage writes all land.

- In one process (uvicorn on loopback, the store's pool of read connections): two searches run
  their SQL at the same moment. Proof by SQLite itself, not by wall speed: a progress handler on
  every read connection (called every few hundred VM steps while a statement runs) sleeps a little
  and counts how many statements are inside it at once; with one shared connection that count
  never passes 1, however many clients wait.
- ``markwatch serve --workers 2`` (a real supervisor and two worker processes): eight analysts
  confirm leads one at a time while others search; every decision lands once, none gets an error
  page; the login rate limit counts failures across the workers.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from web_helpers import PASSWORD, USERS, make_lead, start_workbench

from index.sqlite_store import SQLiteStore
from index.store import SearchQuery, lead_id

_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _id(n: int) -> str:
    lead = make_lead(n)
    return lead_id(lead["url"], lead["right_id"])


def _logged_in(base: str, username: str = "ana") -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    token = _CSRF_RE.search(client.get("/login").text).group(1)
    done = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                       "next": "/leads"})
    assert done.status_code == 303 and done.headers["location"] == "/leads", done.text[:300]
    return client


class _InFlight:
    """A progress handler for read connections: each call sleeps ``pause`` s and records how many
    statements were inside a call at the same time (the most seen is ``most``)."""

    def __init__(self, pause: float = 0.002) -> None:
        self.pause = pause
        self.now = 0
        self.most = 0
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)
        time.sleep(self.pause)
        with self._lock:
            self.now -= 1
        return 0  # go on


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, SQLiteStore]]:
    """The workbench over 300 leads under uvicorn on loopback, in this process (its own thread,
    stopped here)."""
    import uvicorn

    from web.server import bind, url_of

    leads = [make_lead(n, title=f"正品耐克运动鞋 {n} 号", platform=("bazaar", "mall")[n % 2]) for n in range(300)]
    with start_workbench(tmp_path, leads=leads) as wb:
        sock = bind("127.0.0.1", 0)
        server = uvicorn.Server(uvicorn.Config(wb.app, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            deadline = time.monotonic() + 60
            while not server.started:
                assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
                time.sleep(0.02)
            yield url_of(sock), wb.store
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()


def _open_readers(store: SQLiteStore, count: int) -> list:
    """``count`` of the store's read connections, opened now (each held by its own thread while
    the next is asked for, as concurrent requests would)."""
    held, release = threading.Barrier(count, timeout=60), threading.Event()

    def hold() -> None:
        with store._reader():
            held.wait()
            release.wait()

    threads = [threading.Thread(target=hold) for _ in range(count - 1)]
    for t in threads:
        t.start()
    with store._reader():
        held.wait()
        readers = list(store._readers)
        release.set()
    for t in threads:
        t.join()
    return readers


def test_two_analysts_searches_run_their_sql_at_the_same_time(served: tuple[str, SQLiteStore]) -> None:
    from urllib.parse import parse_qsl, urlsplit

    from web.search_params import SearchParams

    base, store = served
    readers = _open_readers(store, 4)
    in_flight = _InFlight()
    for reader in readers:
        reader.db.set_progress_handler(in_flight, 200)
    try:
        clients = [_logged_in(base) for _ in range(2)]
        candidates = [f"/leads?q={word}&platform={platform}" for word in ("耐克", "运动鞋", "正品")
                      for platform in ("bazaar", "mall")]  # full text: counted, not read from the count tables
        slots = {url: store._slot(SearchParams.from_query(dict(parse_qsl(urlsplit(url).query))).to_query())
                 for url in candidates}
        urls = [candidates[0], next(url for url in candidates if slots[url] != slots[candidates[0]])]
        with ThreadPoolExecutor(2) as pool:
            pages = list(pool.map(lambda k: clients[k].get(urls[k]), range(2)))
    finally:
        for reader in readers:
            reader.db.set_progress_handler(None, 0)
    for page in pages:
        assert page.status_code == 200 and page.text.count("data-lead-id") == 50, page.text[:300]
    assert in_flight.calls > 20, "the searches ran their statements on the read connections"
    assert in_flight.most == 2, "two searches' statements were running at the same moment"


def test_a_search_does_not_wait_for_an_open_write_transaction(served: tuple[str, SQLiteStore]) -> None:
    base, store = served
    client = _logged_in(base)
    writing, done = threading.Event(), threading.Event()

    def long_write() -> None:  # a triage in bulk holding the writer (and SQLite's write lock)
        with store._write() as db:
            db.execute("UPDATE leads SET status = 'dismissed' WHERE rowid = 1")
            writing.set()
            done.wait(60)

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert writing.wait(30)
        page = client.get("/leads.json?q=耐克&status=new")
        assert page.status_code == 200 and page.json()["total"] == 300  # the committed state: all still new
        assert store.count(SearchQuery(status=["new"])) == 300
    finally:
        done.set()
        writer.join()
    assert store.count(SearchQuery(status=["new"])) == 299, "the write committed after the reads"


@pytest.fixture(scope="module")
def served_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``markwatch serve --workers 2`` over 120 leads, as a real process (stopped here); shared by
    this module's tests (each uses its own users and leads)."""
    tmp_path = tmp_path_factory.mktemp("workers")
    data_dir = tmp_path / "data"
    with start_workbench(tmp_path, leads=[make_lead(n) for n in range(120)], users={**USERS, "eve": "analyst"}):
        pass  # the store and the users, written and closed
    process = subprocess.Popen([str(Path(sys.executable).parent / "markwatch"), "serve", "--data-dir", str(data_dir),
                                "--port", "0", "--workers", "2", "--no-deliver"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/leads .*2 worker processes", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        yield found.group(1), data_dir
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read()


def test_concurrent_triage_across_worker_processes_loses_no_decision(served_workers: tuple[str, Path]) -> None:
    base, data_dir = served_workers
    analysts, each = 8, 6
    clients = [_logged_in(base, "ana" if k % 2 else "root") for k in range(analysts)]
    searcher = _logged_in(base)
    problems: list[str] = []
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            page = searcher.get("/leads?q=耐克")
            if page.status_code != 200:
                problems.append(f"search {page.status_code}")

    def triage(k: int) -> None:
        client = clients[k]
        for j in range(each):
            n = k * each + j
            page = client.get(f"/leads/{_id(n)}")
            token = _CSRF_RE.search(page.text).group(1)  # the form as one worker served it …
            done = client.post(f"/leads/{_id(n)}/triage",  # … posted to whichever accepts
                               data={"csrf_token": token, "action": "confirm" if n % 3 else "dismiss",
                                     "note": f"analyst {k} #{j}"})
            if done.status_code != 303:
                problems.append(f"lead {n}: {done.status_code} {done.text[:200]}")

    reader = threading.Thread(target=search)
    reader.start()
    try:
        with ThreadPoolExecutor(analysts) as pool:
            list(pool.map(triage, range(analysts)))
    finally:
        stop.set()
        reader.join()
    assert not problems, problems
    with SQLiteStore(data_dir / "store.sqlite") as store:
        for n in range(analysts * each):
            history = store.history(_id(n))
            assert [(t.from_status, t.to_status) for t in history] == \
                [("new", "confirmed" if n % 3 else "dismissed")], (n, history)
            assert history[0].note.startswith(f"analyst {n // each} ")
        assert store.count(SearchQuery(status=["new"])) == 120 - analysts * each
        assert store.count(SearchQuery(status=["confirmed"])) == sum(1 for n in range(analysts * each) if n % 3)


def test_the_login_limit_counts_failures_across_worker_processes(served_workers: tuple[str, Path]) -> None:
    base, _ = served_workers

    def attempt(password: str) -> int:
        with httpx.Client(base_url=base, timeout=60) as client:  # a new connection: either worker
            token = _CSRF_RE.search(client.get("/login").text).group(1)
            return client.post("/login", data={"username": "eve", "password": password,
                                               "csrf_token": token}).status_code

    assert [attempt("wrong") for _ in range(5)] == [401] * 5
    assert [attempt(PASSWORD) for _ in range(5)] == [429] * 5, "every worker knows of the five failures"


def test_beside_other_reads_each_search_keeps_to_its_reader_and_searches_spread(tmp_path: Path) -> None:
    """While another reader is in use, a search's page, facets, count and next page all run on the
    reader its words and filters hash to, where its counted matches are kept; different searches
    go to different readers. Alone, a search runs on the first reader."""
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        store.add_leads([make_lead(n, platform=("bazaar", "mall")[n % 2]) for n in range(120)])
        queries = [SearchQuery(text=word, platform=platform, limit=20)
                   for word in ("耐克", "运动鞋", "正品", "号") for platform in ([], ["mall"], ["bazaar"])]
        store.search(queries[0])
        readers = list(store._readers)
        assert len(readers) == 4
        holding, release = threading.Event(), threading.Event()

        def hold() -> None:  # another analyst's read in progress (it holds the first free reader)
            with store._reader():
                holding.set()
                release.wait(60)

        def run(query: SearchQuery) -> list[int]:
            ran = [0] * len(readers)
            for k, reader in enumerate(readers):
                reader.db.set_progress_handler(lambda k=k: ran.__setitem__(k, ran[k] + 1) or 0, 50)
            try:
                page = store.search(query)
                store.facets(query)
                assert store.count(query) == page.total
                store.search(replace(query, after=page.next_cursor))
            finally:
                for reader in readers:
                    reader.db.set_progress_handler(None, 0)
            return ran

        assert [bool(n) for n in run(queries[1])] == [True, False, False, False], "alone: the first reader"
        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert holding.wait(30)
            used = set()
            for query in [q for q in queries if store._slot(q) != 0]:  # (slot 0 is the one held)
                ran = run(query)
                assert [k for k, n in enumerate(ran) if n] == [store._slot(query)], (query, ran)
                used.add(store._slot(query))
        finally:
            release.set()
            holder.join()
        assert len(used) >= 2, "the searches all hashed to one reader"
