"""How fast the demo marketplace starts and serves (it must never be a crawl benchmark's bottleneck).

Prints: time to READY for N listings, then requests/s per kind of page with C keep-alive clients,
each with its ratio to the cheapest answer (/robots.txt) measured in the same run, and to the
~80 pages/s that `scrapy bench` reaches (the crawl speed the server must comfortably exceed).

    .venv/bin/python bench/marketplace_server.py --listings 100000 --seconds 3 --clients 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo_marketplace.process import start_marketplace  # noqa: E402

SCRAPY_BENCH_PAGES_PER_S = 80.0


def hammer(base: str, paths: list[str], seconds: float, clients: int) -> tuple[float, int]:
    """Requests/s over ``seconds`` with ``clients`` threads on keep-alive connections; also non-2xx count."""
    host = urlsplit(base)
    done = [0] * clients
    bad = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        rng = random.Random(k)
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
        while time.perf_counter() < stop:
            conn.request("GET", rng.choice(paths))
            answer = conn.getresponse()
            answer.read()
            done[k] += 1
            if not 200 <= answer.status < 300:
                bad[k] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started), sum(bad)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    t0 = time.perf_counter()
    with start_marketplace(listings=args.listings, seed=7, api_rate=0, timeout=300) as market:
        ready = time.perf_counter() - t0
        print(f"listings: {args.listings}  time to READY (generate + labels + bind): {ready:.2f}s")
        rows = [json.loads(line) for line in Path(market.labels_path).read_text(encoding="utf-8").splitlines()]
        ok = {p: [r for r in rows if r["platform"] == p and r["served_as"] == "ok"] for p in market.urls}
        b, s, o = market.urls["bazaar"], market.urls["storefront"], market.urls["openmall"]
        sample = lambda platform, fmt: [fmt.format(id=r["listing_id"]) for r in ok[platform][:5000]]  # noqa: E731
        total_store = sum(1 for r in rows if r["platform"] == "storefront")
        cases = [
            ("baseline /robots.txt", b, ["/robots.txt"]),
            ("bazaar item page (HTML+JSON-LD)", b, sample("bazaar", "/item/{id}")),
            ("bazaar category page (40 results)", b, [f"/category/{slug}?page=1" for slug in
                                                      sorted({"fresh", "snacks", "home", "apparel", "beauty"})]),
            ("storefront /api/products (24)", s, [f"/api/products?offset={k * 24}&limit=24"
                                                  for k in range(max(1, total_store // 24))]),
            ("storefront product shell /p/{id}", s, sample("storefront", "/p/{id}")),
            ("openmall /api/v1/items/{id}", o, sample("openmall", "/api/v1/items/{id}")),
            ("openmall /api/v1/search (100)", o, ["/api/v1/search?limit=100"]),
        ]
        baseline = None
        print(f"{'endpoint':<36} {'req/s':>8} {'vs robots':>10} {'vs scrapy bench':>16}  non-2xx")
        for name, base, paths in cases:
            rate, bad = hammer(base, paths, args.seconds, args.clients)
            baseline = baseline or rate
            print(f"{name:<36} {rate:8.0f} {rate / baseline:10.2f} {rate / SCRAPY_BENCH_PAGES_PER_S:15.1f}x  {bad}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
