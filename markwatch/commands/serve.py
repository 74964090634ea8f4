"""``markwatch serve``: the analysts' workbench and the platforms' API (CONTRACTS §11), over the
configured lead store, with uvicorn. Prints the URL it serves on; Ctrl-C stops it.

By default it serves from this process alone: a search's work is SQLite's (which runs without the
GIL), so one process with its pool of read connections already uses every core. Measured at 1M leads,
20 clients, first views: 1 worker 8.9 pages/s at 182 CPU-ms a page, 2 workers 5.0/s at 356 (each
worker keeps its own counted matches and page cache, so the two share less); at 100k 13.8 vs 5.0.
``--workers N`` serves from N processes (:func:`web.server.serve_workers`) for machines where that pays.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markwatch.config import Config


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the analysts' workbench (search, triage, sellers, dashboard) and the platform API",
        description="Serve the web workbench over the lead store: search with facets, one lead with its "
                    "evidence, triage, sellers, dashboard, reports, and the JSON API (/api/v1, "
                    "documented at /openapi.json). Add users first with 'markwatch user add'.",
        epilog="例: markwatch serve --data-dir markwatch-data --port 8000  (启动工作台)")
    parser.add_argument("--data-dir", default=None, metavar="DIR",
                        help="where the store, evidence and the web database live (default: config data_dir)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 = any free port)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes answering requests (default 1: this process alone, which "
                             "reads the store on several connections at once; at most 8)")
    parser.add_argument("--no-deliver", action="store_true",
                        help="do not make notices or push webhooks while serving (by default serve makes due "
                             "notices and delivers the outbox every linkage_interval_seconds)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from markwatch.config import load_config
    from web.app import create_app
    from web.server import MAX_WORKERS, serve

    config = load_config(data_dir=args.data_dir)
    workers = args.workers
    if not 1 <= workers <= MAX_WORKERS:
        print(f"markwatch serve: --workers must be between 1 and {MAX_WORKERS}, got {workers}", file=sys.stderr)
        return 2

    def announce(base_url: str) -> None:
        print(f"markwatch serve: {base_url}/leads  (data dir {config.data_dir}"
              + (f"; {workers} worker processes" if workers > 1 else "") + "; Ctrl-C stops)", flush=True)

    if workers > 1:
        from index import open_store
        from web.server import serve_workers

        store = open_store(config) if not args.no_deliver else None
        try:  # the notices and webhook pushes run once, here, beside the workers (CONTRACTS §7)
            serve_workers(config, workers, args.host, args.port, on_ready=announce,
                          jobs=[] if store is None else [_deliverer(store, config)])
        finally:
            if store is not None:
                store.close()
    else:
        app = create_app(config)
        if not args.no_deliver:
            app.state.background.append(_deliverer(app.state.store, config))
        serve(app, args.host, args.port, on_ready=announce)
    print("markwatch serve: stopped", file=sys.stderr)
    return 0


def _deliverer(store: Any, config: "Config") -> Any:
    """The job (a feeds.service.LinkageService over the index.store.LeadStore ``store``) that makes due
    notices and delivers the outbox every linkage_interval_seconds. The rooms' types are not named
    here: the ground imports no room at module level (tests/test_layout.py), not even for typing."""
    from feeds.service import LinkageService

    return LinkageService(store, config)
