"""Helpers for the web service's tests: an app over a real SQLite store in a tmp data dir, driven
in process by Starlette's TestClient (no server, no mocks), with users and a logged-in client.

Use::

    from web_helpers import Workbench, make_lead, start_workbench

    def test_something(tmp_path):
        with start_workbench(tmp_path, leads=[make_lead(1), make_lead(2, title="…")]) as wb:
            client = wb.login()                       # the analyst "ana", logged in
            page = client.get("/leads.json").json()
            client.post("/x", data={"csrf_token": wb.csrf(client), ...})

``start_workbench`` fills the store through ``SQLiteStore.add_leads`` (the real write path).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from fastapi.testclient import TestClient

from index.sqlite_store import SQLiteStore
from markwatch.config import Config, load_config

PASSWORD = "correct horse battery"
USERS = {"ana": "analyst", "root": "admin"}
RIGHTS: list[dict[str, Any]] = [
    {"id": "tm-nike", "kind": "trademark", "name": "NIKE", "variants": ["耐克"], "holder": "Nike Innovate C.V.",
     "registration_no": "146658", "nice_classes": [25, 28], "well_known": True},
    {"id": "gi-yangchenghu-crab", "kind": "gi", "name": "阳澄湖大闸蟹", "variants": ["阳澄湖螃蟹"],
     "holder": "苏州市阳澄湖大闸蟹行业协会", "nice_classes": [31], "regions": ["江苏省苏州市"]},
    {"id": "sm-bingdwendwen", "kind": "special_mark", "name": "冰墩墩", "variants": ["Bing Dwen Dwen"],
     "holder": "北京冬奥组委"},
]
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_lead(n: int, right_id: str = "tm-nike", score: float | None = None, title: str | None = None,
              platform: str = "bazaar", seller: str | None = None, ship_from: str = "福建 莆田",
              description: str = "", price: float = 89.0, **listing: Any) -> dict[str, Any]:
    """A §3 lead with its listing; ``n`` makes the URL (and, by default, the score) distinct. The
    ship-from province is given as the indexer would resolve it (``ship_from_province``)."""
    url = f"https://{platform}.example/item/{n}"
    province = {"福建": "福建省", "广东": "广东省", "江苏": "江苏省", "浙江": "浙江省"}.get(ship_from.split(" ")[0], "")
    return {"url": url, "right_id": right_id, "score": score if score is not None else round(0.5 + (n % 50) / 100, 2),
            "reasons": [f"mark variant 耐克 in title (#{n})"], "ship_from_province": province,
            "listing": {"url": url, "platform": platform, "listing_id": str(n),
                        "title": title if title is not None else f"正品耐克运动鞋 {n} 号",
                        "description": description, "price": price, "currency": "CNY",
                        "seller_name": seller or f"潮鞋小铺{n % 3}", "seller_id": f"s-{n % 3}",
                        "ship_from": ship_from, **listing}}


@dataclass
class Workbench:
    config: Config
    store: SQLiteStore
    app: Any
    client: TestClient

    def csrf(self, client: TestClient | None = None, path: str = "/login") -> str:
        """The session's CSRF token, read from a page's form (as a browser would)."""
        page = (client or self.client).get(path)
        found = _CSRF_RE.search(page.text)
        assert found, f"no CSRF field on {path}"
        return found.group(1)

    def login(self, username: str = "ana", password: str = PASSWORD, client: TestClient | None = None) -> TestClient:
        client = client or self.client
        response = client.post("/login", data={"username": username, "password": password,
                                               "csrf_token": self.csrf(client), "next": "/leads"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        return client

    def new_client(self, **kwargs: Any) -> TestClient:
        """Another browser (its own cookies) on the same app."""
        return TestClient(self.app, **kwargs)


@contextmanager
def start_workbench(tmp_path: Path, leads: Iterable[Mapping[str, Any]] = (), rights: Iterable[Mapping[str, Any]] = RIGHTS,
                    users: Mapping[str, str] = USERS, **client_kwargs: Any) -> Iterator[Workbench]:
    from web.app import create_app

    config = load_config(data_dir=str(tmp_path / "data"), environ={})
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(config.data_dir / "store.sqlite")
    store.put_rights(rights)
    leads = list(leads)
    if leads:
        counts = store.add_leads(leads)
        assert counts.skipped == 0, counts.problems
    app = create_app(config, store=store)
    for name, role in users.items():
        app.state.accounts.add(name, PASSWORD, role=role)
    try:
        with TestClient(app, **client_kwargs) as client:
            yield Workbench(config, store, app, client)
    finally:
        store.close()
