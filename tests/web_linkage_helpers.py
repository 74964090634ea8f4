"""Helpers of the platform-linkage web tests: a workbench (tests/web_helpers.py) whose store has
platforms, a partner office, captured evidence and notices — all made through the real write
paths (``store.linkage`` and the evidence log), no rows written by hand.

Use::

    with linkage_workbench(tmp_path) as lw:
        lw.keys["bazaar"]                            # the platform's API key (Bearer)
        ids = lw.notify([1, 2])                      # confirm leads 1 and 2 → one notice
        lw.client.get("/api/v1/feed", headers=lw.auth("bazaar"))
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from web_helpers import Workbench, make_lead, start_workbench

from index.evidence.capture import Capture, utc_iso
from index.evidence.log import EvidenceLog
from index.store import lead_id, listing_hash, utc_now

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OFFICE = "苏州市协作办"
HOSTILE_TITLE = '<script>alert("x")</script>耐克 <img src=x onerror=alert(1)>'


def linkage_leads() -> list[dict[str, Any]]:
    """Leads 1–9 on bazaar (tm-nike; 8 and 9 ship from Jiangsu, 9 has a hostile title), 11–14 on
    openmall, 21–22 on bazaar for the GI; 31–39 (tm-nike) and 41–42 (the GI) on storefront."""
    leads = [make_lead(i) for i in range(1, 8)]
    leads += [make_lead(8, ship_from="江苏 苏州"), make_lead(9, ship_from="江苏 苏州", title=HOSTILE_TITLE)]
    leads += [make_lead(i, platform="openmall") for i in range(11, 15)]
    leads += [make_lead(i, right_id="gi-yangchenghu-crab", title=f"阳澄湖大闸蟹礼盒 {i}", ship_from="江苏 苏州")
              for i in (21, 22)]
    leads += [make_lead(i, platform="storefront") for i in range(31, 40)]
    leads += [make_lead(i, platform="storefront", right_id="gi-yangchenghu-crab", title=f"阳澄湖大闸蟹 {i}")
              for i in (41, 42)]
    return leads


def url_of(n: int, platform: str = "bazaar") -> str:
    return f"https://{platform}.example/item/{n}"


@dataclass
class LinkageBench:
    wb: Workbench
    keys: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Any:
        return self.wb.store

    @property
    def client(self) -> Any:
        return self.wb.client

    def auth(self, party: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[party]}"}

    def lead(self, n: int, platform: str = "bazaar", right_id: str = "tm-nike") -> str:
        return lead_id(url_of(n, platform), right_id)

    def notify(self, numbers: Sequence[int], platform: str = "bazaar", right_id: str = "tm-nike") -> list[str]:
        """Confirm the leads and make the notices that are due (settle time 0): their ids."""
        from feeds.notices import NoticeComposer

        ids = [self.lead(n, platform, right_id) for n in numbers]
        self.store.transition(ids, "confirmed", actor="ana")
        return self.store.linkage.create_due_notices(utc_now(), 0, composer=NoticeComposer("测试办公室", "电话 0512-1234"))

    def capture(self, n: int, platform: str = "bazaar", right_id: str = "tm-nike") -> dict[str, Any]:
        """Capture lead ``n``'s page into the evidence log and attach the reference to its leads."""
        url = url_of(n, platform)
        body = f"<html><head><title>耐克 {n}</title></head><body>item {n}</body></html>".encode()
        listing = self.store.get(lead_id(url, right_id)).listing  # the captured page shows the stored listing
        log = EvidenceLog(self.wb.config.data_dir, checkpoint_every=1)
        try:
            ref = log.append(Capture(url=url, final_url=url, captured_at=utc_iso(), status=200,
                                     response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
                                     screenshot_png=PNG + hashlib.sha256(url.encode()).digest(),
                                     lead_ids=(lead_id(url, right_id),), listing_hash=listing_hash(listing),
                                     title=f"耐克 {n}"))
        finally:
            log.close()
        self.store.add_evidence(url, ref.to_json())
        return ref.to_json()


@contextmanager
def linkage_workbench(tmp_path: Path, webhook: str | None = None) -> Iterator[LinkageBench]:
    """A workbench with platforms bazaar (webhook ``webhook``, if given), openmall and storefront, the
    partner office :data:`OFFICE` (江苏省), evidence for leads 1 and 2; no notice yet."""
    with start_workbench(tmp_path, leads=linkage_leads(), users={"ana": "analyst"}) as wb:  # one password hash less
        bench = LinkageBench(wb)
        for name, url in (("bazaar", webhook), ("openmall", None), ("storefront", None)):
            creds = wb.store.linkage.add_platform(name, url)
            bench.keys[name], bench.secrets[name] = creds.api_key, creds.webhook_secret
        office = wb.store.linkage.add_office(OFFICE, ["江苏省"])
        bench.keys[OFFICE] = office.api_key
        bench.keys["analyst"] = wb.app.state.accounts.new_api_key("ana")
        bench.capture(1)
        bench.capture(2)
        yield bench
