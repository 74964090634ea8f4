"""``markwatch serve``: the analysts' workbench and the platforms' API (CONTRACTS §11), over the
configured lead store, with uvicorn. Prints the URL it serves on; Ctrl-C stops it.
"""

from __future__ import annotations

import argparse


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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import socket
    import sys

    import uvicorn

    from markwatch.config import load_config
    from web.app import create_app

    config = load_config(data_dir=args.data_dir)
    app = create_app(config)
    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(2048)  # connections made as soon as the URL is printed wait in the backlog
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"markwatch serve: http://{shown}:{port}/leads  (data dir {config.data_dir}; Ctrl-C stops)", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", proxy_headers=False, access_log=False))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises the signal it caught
        pass
    finally:
        sock.close()
    print("markwatch serve: stopped", file=sys.stderr)
    return 0
