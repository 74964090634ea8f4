"""``markwatch search-node``: run a real OpenSearch node on this machine and print its URL.

Why a command: the search-node store (OpenSearch / Elasticsearch) is for when one SQLite file is no
longer enough, but trying it should not need a cluster or Docker. This builds the node with Maven
the first time (``index/node/pom.xml``, ≈30 s and 53 MB from Maven Central, then cached), starts
it in one JVM with a small heap, and keeps it running until Ctrl-C, when it stops it cleanly.
Point the store at it with ``MARKWATCH_STORE_URL``.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "search-node",
        help="run a local OpenSearch node for the lead store (built by Maven the first time)",
        description=(
            "Build (first time only, with Maven) and start a real OpenSearch 2.19 node in one JVM on "
            "127.0.0.1, print its URL and how to point markwatch at it, and run until Ctrl-C, which stops "
            "it cleanly. Its data stays in --data, so the next start finds the same leads. Needs Java 17+ "
            "and Maven. 运行本地 OpenSearch 节点作为线索库（首次用 Maven 构建），Ctrl-C 停止。"),
        epilog="Example: markwatch search-node --port 9200   then, in another shell:\n"
               "  MARKWATCH_STORE_URL=http://127.0.0.1:9200 markwatch index --leads leads.jsonl",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=None, metavar="P",
                        help="HTTP port, 9200–9299 (default: the first free one from 9200)")
    parser.add_argument("--data", default=None, metavar="DIR",
                        help="the node's data directory (default: DATA_DIR/search-node, DATA_DIR being "
                             "config data_dir, ./markwatch-data)")
    parser.add_argument("--heap", default="256m", metavar="SIZE",
                        help="JVM heap, e.g. 256m, 1g (default 256m; give it more for millions of leads)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="S",
                        help="seconds to wait for the node to be ready (default 120)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from index.node_runner import MAX_HTTP_PORT, MIN_HTTP_PORT, NodeError, SearchNode
    from markwatch.cli import UsageError
    from markwatch.config import load_config

    if not re.fullmatch(r"\d+[mMgG]", args.heap):
        raise UsageError(f"--heap {args.heap!r}: give a size such as 256m or 1g")
    if args.port is not None and not MIN_HTTP_PORT <= args.port <= MAX_HTTP_PORT:
        raise UsageError(f"--port {args.port}: the node serves HTTP on {MIN_HTTP_PORT}–{MAX_HTTP_PORT} only")
    config = load_config()
    data = Path(args.data) if args.data else Path(config.data_dir) / "search-node"
    node = SearchNode(data, port=args.port, heap=args.heap, start_timeout=args.timeout)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print(f"markwatch search-node: starting OpenSearch (heap {args.heap}, data {data.resolve()})…",
          file=sys.stderr, flush=True)
    try:
        node.start()
    except NodeError as exc:
        print(f"markwatch search-node: error: {exc}", file=sys.stderr)
        return 1
    try:
        # the hint first, then the URL: whoever waits for the URL (a script, a test) may stop the node at
        # once, and a Ctrl-C between the two lines would otherwise cut the hint off
        print(f"markwatch search-node: ready at {node.url} (节点已就绪). Use it with:\n"
              f"  MARKWATCH_STORE_URL={node.url} markwatch index --leads LEADS.jsonl\n"
              f"  MARKWATCH_STORE_URL={node.url} markwatch search 耐克\n"
              "Ctrl-C stops the node (Ctrl-C 停止).", file=sys.stderr, flush=True)
        print(node.url, flush=True)
        while not stop.is_set():
            if not node.running:
                print(f"markwatch search-node: error: the node exited; its log: {node.log_path}", file=sys.stderr)
                return 1
            stop.wait(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        print("markwatch search-node: stopping the node…", file=sys.stderr, flush=True)
        node.stop()
        signal.signal(signal.SIGTERM, previous)
    print("markwatch search-node: stopped", file=sys.stderr)
    return 0
