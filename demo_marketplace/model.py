"""The demo marketplace's data model: platforms, sellers, listings and how pages are served broken.

Why a leaf module: the generator, the case writers, the catalogue and the three platform apps all
speak these types, so they live where importing them pulls in nothing else of the marketplace
(no module here imports a module that imports it back).
"""

from __future__ import annotations

from dataclasses import dataclass

PLATFORMS: tuple[str, ...] = ("bazaar", "storefront", "openmall")
PLACEHOLDER_URLS: dict[str, str] = {p: f"http://{p}.invalid" for p in PLATFORMS}
SERVED_AS: tuple[str, ...] = ("ok", "error500", "flaky500", "truncated", "missing_price", "mojibake")
# served_as values for which a correct spider emits no listing, per platform (docs/marketplace.md table).
NOT_EMITTED: dict[str, frozenset[str]] = {
    "bazaar": frozenset({"error500"}),
    "storefront": frozenset({"error500"}),
    "openmall": frozenset({"error500", "truncated"}),
}
# Share of each broken-page kind (the rest is "ok").
SERVED_AS_SHARE: dict[str, float] = {
    "error500": 0.02, "flaky500": 0.01, "truncated": 0.01, "missing_price": 0.02, "mojibake": 0.01,
}
_ITEM_PATH = {"bazaar": "/item/{id}", "storefront": "/p/{id}", "openmall": "/item/{id}"}


@dataclass(slots=True)
class Seller:
    """A shop. ``kind`` (ordinary/shady/official/farm) is ground truth and never served."""

    id: str
    name: str
    location: str
    kind: str
    shop_address: str = ""  # served (the licence address platforms publish); may be shared in a network


@dataclass(slots=True)
class Entry:
    """One catalogue listing: the §2 fields as served, plus ground truth and serving behaviour."""

    platform: str
    listing_id: str
    title: str
    description: str
    price: float | None
    seller_name: str
    seller_id: str
    ship_from: str
    category: str
    category_slug: str
    brand: str
    image_paths: list[str]
    infringes: list[str]
    case: str
    served_as: str = "ok"
    origin: str = ""  # full administrative path of the real origin ("" = unknown); ground truth
    currency: str = "CNY"
    shop_address: str = ""  # the seller's shop address as served with the listing
    network: str = ""  # ground truth: the planted seller network of its seller ("" = none); never served
    search_only: bool = False  # ground truth: no category, grid or seller page links it; found by search only

    @property
    def path(self) -> str:
        """The listing's URL path on its platform (its §2 ``url`` is base + path)."""
        return _ITEM_PATH[self.platform].format(id=self.listing_id)

    def listing(self, base_url: str) -> dict:
        """The §2 listing a correct spider extracts from ``base_url`` (price None when missing)."""
        return {
            "url": base_url + self.path, "platform": self.platform, "listing_id": self.listing_id,
            "title": self.title, "description": self.description,
            "price": None if self.served_as == "missing_price" else self.price, "currency": self.currency,
            "seller_name": self.seller_name, "seller_id": self.seller_id, "ship_from": self.ship_from,
            "category": self.category, "brand": self.brand,
            "image_urls": [base_url + p for p in self.image_paths], "shop_address": self.shop_address,
        }

    def labelled(self, base_url: str) -> dict:
        """The §4b labelled listing (plus ``served_as``). Mojibake entries keep their real title."""
        row = self.listing(base_url)
        row.update(infringes=list(self.infringes), case=self.case, served_as=self.served_as, network=self.network)
        if self.search_only:
            row["search_only"] = True
        return row
