"""A tiny shop on loopback whose products a test can change between crawls.

Why not the demo marketplace: its catalogue is fixed by its seed and it listens on a new port each
start, so a listing's URL and content never change between two crawls of one marketplace. Tests of
dedupe by content (an unchanged page is not matched again, a changed one is) need a shop that
serves the same URLs with content the test edits, and tests of evidence capture need to hold a
page's image back while the browser is killed. Each product page carries schema.org JSON-LD, so
the ``schemaorg`` spider crawls it.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# a 1×1 grey PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082")


@dataclass
class Product:
    title: str
    price: float
    seller: str = "潮鞋小铺"
    description: str = ""


@dataclass
class Shop:
    products: dict[str, Product] = field(default_factory=dict)
    hold_images: bool = False
    """While true, image requests wait (up to 60 s) until :attr:`release` is set."""
    image_requested: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    hits: dict[str, int] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def page(self, pid: str) -> bytes:
        p = self.products[pid]
        data = {"@context": "https://schema.org", "@type": "Product", "name": p.title, "sku": pid,
                "description": p.description, "image": [f"/img/{pid}.png"],
                "offers": {"@type": "Offer", "price": str(p.price), "priceCurrency": "CNY",
                           "seller": {"@type": "Organization", "name": p.seller}}}
        body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(p.title)}</title>"
                f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script></head>"
                f"<body><h1>{html.escape(p.title)}</h1><img src='/img/{pid}.png' width='200' height='200'>"
                f"<p class='price'>¥{p.price}</p><p>{html.escape(p.seller)}</p>"
                f"<a href='/'>首页</a></body></html>")
        return body.encode("utf-8")

    def index(self) -> bytes:
        links = "".join(f"<li><a href='/p/{pid}'>{html.escape(p.title)}</a></li>" for pid, p in self.products.items())
        return f"<!doctype html><html><head><meta charset='utf-8'></head><body><ul>{links}</ul></body></html>".encode()

    def start(self) -> "Shop":
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = self.path.split("?")[0]
                shop.hits[path] = shop.hits.get(path, 0) + 1
                if path == "/":
                    self.answer(200, "text/html; charset=utf-8", shop.index())
                elif path.startswith("/p/") and path[3:] in shop.products:
                    self.answer(200, "text/html; charset=utf-8", shop.page(path[3:]))
                elif path.startswith("/img/"):
                    if shop.hold_images:
                        shop.image_requested.set()
                        shop.release.wait(60)
                    self.answer(200, "image/png", PNG)
                else:
                    self.answer(404, "text/plain", b"not found")

            def answer(self, status: int, kind: str, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the browser was killed mid-answer
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def nike_shop() -> Shop:
    """Three counterfeit listings (tm-nike) and two clean ones."""
    return Shop(products={
        "1": Product("耐克 Air Force 1 空军一号 高仿 男鞋", 89.0, description="莆田纯原 1:1"),
        "2": Product("耐克 Dunk 低帮 复刻 A货 板鞋", 79.0),
        "3": Product("正品耐克运动鞋 高仿 工厂直销", 99.0),
        "4": Product("纯棉 短袖T恤 夏季", 29.0, seller="棉麻生活馆"),
        "5": Product("不锈钢 保温杯 500ml", 39.0, seller="家居好物"),
    }).start()
