"""The month demo's marketplace (demo_marketplace/timeline.py): listings come online on their day,
sellers come back under new names, and a takedown makes a listing's page answer 404."""

from __future__ import annotations

from collections import Counter

from starlette.testclient import TestClient

from demo_marketplace.catalogue import generate_catalogue
from demo_marketplace.server import build_apps
from demo_marketplace.timeline import Timeline

URLS = {p: f"http://{p}.test" for p in ("bazaar", "storefront", "openmall")}


def test_listings_follow_their_days_comebacks_and_takedowns() -> None:
    catalogue = generate_catalogue(120, 7)
    counts = Counter(r for e in catalogue.entries for r in e.infringes)
    peak = {r for r, _ in counts.most_common(3)}
    timeline = Timeline(catalogue, 20, 7, surge="5-8:" + ",".join(sorted(peak)))
    apps = timeline.apps(lambda view: build_apps(view, URLS, 0, 50))
    bazaar = TestClient(apps["bazaar"])
    entries = [e for e in catalogue.entries if e.platform == "bazaar" and e.served_as == "ok"]
    later = next(e for e in entries if timeline.day_in[e.listing_id] > 0)
    now = next(e for e in entries if timeline.day_in[e.listing_id] == 0 and e.listing_id not in timeline.day_out)
    assert bazaar.get(now.path).status_code == 200
    assert bazaar.get(later.path).status_code == 404, "not online before its day"
    comebacks = [e for e in catalogue.entries if e.case.endswith("+comeback")]
    assert comebacks, "some infringing sellers come back"
    twin = comebacks[0]
    original = catalogue.by_id[twin.listing_id[:-1]]
    assert (twin.seller_id != original.seller_id and twin.seller_name != original.seller_name
            and twin.shop_address == original.shop_address and twin.image_paths == original.image_paths)
    assert timeline.day_in[twin.listing_id] > timeline.day_in[original.listing_id]
    surged = [timeline.day_in[e.listing_id] for e in catalogue.entries
              if peak & set(e.infringes) and timeline.day_in[e.listing_id] > 0
              and not e.case.endswith("+comeback")]
    assert surged and sum(5 <= d <= 8 for d in surged) >= len(surged) / 2, surged
    assert bazaar.post(f"/__day?n={timeline.day_in[later.listing_id]}").json()["day"] == timeline.day_in[later.listing_id]
    assert bazaar.get(later.path).status_code == 200, "online from its day"
    assert bazaar.post(f"/__takedown?id={now.listing_id}").status_code == 200
    assert bazaar.get(now.path).status_code == 404, "taken down by the platform"
    assert bazaar.get("/__day").status_code == 405 and bazaar.post("/__takedown?id=nope").status_code == 404
