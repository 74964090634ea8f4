"""What the seller pages need from the lead store, on every backend (the ``store`` fixture of
tests/store_backends.py runs each test on SQLite and on the OpenSearch node): a seller's leads,
the link values of its listings, and when its counted leads were confirmed."""

from __future__ import annotations

from typing import Any

from index.sellers import COUNTED_STATUSES, normalise_address
from index.store import lead_id


def make_lead(n: int, seller_id: str, platform: str = "bazaar", right_id: str = "tm-nike",
              **listing: Any) -> dict[str, Any]:
    url = f"https://{platform}.example/item/{n}"
    body = {"url": url, "platform": platform, "listing_id": str(n), "title": f"耐克运动鞋 {n}",
            "description": "", "seller_name": f"店{seller_id}", "seller_id": seller_id, **listing}
    return {"url": url, "right_id": right_id, "score": 0.9, "reasons": ["r"], "listing": body}


RIGHTS = [{"id": "tm-nike", "kind": "trademark", "name": "NIKE"}, {"id": "tm-adidas", "kind": "trademark", "name": "ADIDAS"}]


def test_seller_leads_are_all_leads_of_that_seller_newest_first(store) -> None:
    store.put_rights(RIGHTS)
    store.add_leads([make_lead(1, "a"), make_lead(2, "a", right_id="tm-adidas"), make_lead(3, "b"),
                     make_lead(4, "a", platform="openmall")], seen_at="2026-11-01T00:00:00Z")
    store.add_leads([make_lead(5, "a")], seen_at="2026-11-02T00:00:00Z")
    store.flush()
    leads = store.seller_leads("bazaar", "a")
    assert [lead.url for lead in leads][0] == "https://bazaar.example/item/5"
    assert sorted(lead.url for lead in leads) == [f"https://bazaar.example/item/{n}" for n in (1, 2, 5)]
    assert {lead.right_id for lead in leads} == {"tm-nike", "tm-adidas"}
    assert len(store.seller_leads("bazaar", "a", limit=2)) == 2
    assert [lead.url for lead in store.seller_leads("openmall", "a")] == ["https://openmall.example/item/4"]
    assert store.seller_leads("bazaar", "nobody") == []


def test_seller_links_come_from_the_current_listing_of_each_lead(store) -> None:
    store.put_rights(RIGHTS)
    store.add_leads([
        make_lead(1, "a", description="加V信：tq58231x", image_phash="00ff00ff00ff00ff"),
        make_lead(2, "a", right_id="tm-adidas", description="加V信：tq58231x"),  # the same value twice: one row
        make_lead(3, "b", platform="openmall", description="电话 139-1234-5678",
                  shop_address="江苏省苏州市相城区湖滨路18号"),
        make_lead(4, "c", description="nothing to see"),
    ])
    store.flush()
    rows = store.seller_links()
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    assert set(rows) == {("bazaar", "a", "wechat", "tq58231x"), ("bazaar", "a", "image", "00ff00ff00ff00ff"),
                         ("openmall", "b", "phone", "13912345678"),
                         ("openmall", "b", "address", normalise_address("苏州市相城区湖滨路18号"))}
    # A changed listing: its links follow the new content.
    changed = make_lead(3, "b", platform="openmall", description="QQ：55667788")
    store.see_listing(changed["listing"])
    store.add_leads([changed])
    store.flush()
    assert {r for r in store.seller_links() if r[1] == "b"} == {("openmall", "b", "qq", "55667788")}


def test_seller_confirmations_are_the_latest_confirmation_of_each_counted_lead(store) -> None:
    store.put_rights(RIGHTS)
    leads = [make_lead(n, "a") for n in range(1, 6)] + [make_lead(9, "b")]
    store.add_leads(leads)
    store.flush()
    i = [lead_id(lead["url"], lead["right_id"]) for lead in leads]
    store.transition(i[:4], "confirmed", "ana", at="2026-10-01T00:00:00Z")
    store.transition([i[1]], "dismissed", "ana", at="2026-10-02T00:00:00Z")  # no longer counts
    store.transition([i[2]], "notified", "sys", at="2026-10-03T00:00:00Z")  # still counts, from its confirmation
    store.transition([i[3]], "dismissed", "ana", at="2026-10-04T00:00:00Z")
    store.transition([i[3]], "confirmed", "bo", at="2026-11-05T00:00:00Z")  # re-confirmed: the latest counts
    store.transition([i[5]], "confirmed", "ana", at="2026-11-20T00:00:00Z")
    store.flush()
    got = store.seller_confirmations([("bazaar", "a"), ("bazaar", "b"), ("bazaar", "zz")])
    assert sorted(got[("bazaar", "a")]) == ["2026-10-01T00:00:00Z", "2026-10-01T00:00:00Z", "2026-11-05T00:00:00Z"]
    assert got[("bazaar", "b")] == ["2026-11-20T00:00:00Z"]
    assert got.get(("bazaar", "zz"), []) == []
    everyone = store.seller_confirmations()
    assert {k: sorted(v) for k, v in everyone.items()} == {k: sorted(v) for k, v in got.items() if v}
    assert store.seller_confirmations([]) == {}
    assert "counter_notice" not in COUNTED_STATUSES and "dismissed" not in COUNTED_STATUSES
