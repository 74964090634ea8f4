"""The demo marketplace's catalogue: deterministic listings with their ground truth.

Why: the marketplace must serve realistic, hard listings (genuine, counterfeit with every evasion,
referential use, word-sense traps, GI origin cases, special-mark merchandise, ordinary goods) and
know for each one what a correct spider extracts and what a correct matcher flags. The same data
is the matcher's training set, so variety beats volume. Same ``n`` + ``seed`` + register → the
same catalogue, byte for byte (``random.Random(seed)`` only; no global random, no ``hash()``).

CLI: ``python -m demo_marketplace.catalogue --listings N --seed S --out FILE.jsonl`` writes
CONTRACTS §4b labelled listings with placeholder base URLs (http://bazaar.invalid, …).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from demo_marketplace.register import read_register
from markwatch.contracts import Register

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
            "image_urls": [base_url + p for p in self.image_paths],
        }

    def labelled(self, base_url: str) -> dict:
        """The §4b labelled listing (plus ``served_as``). Mojibake entries keep their real title."""
        row = self.listing(base_url)
        row.update(infringes=list(self.infringes), case=self.case, served_as=self.served_as)
        return row


@dataclass
class Catalogue:
    """Every listing of the three platforms, in a fixed order, with lookup helpers."""

    n: int
    seed: int
    entries: list[Entry]
    sellers: dict[str, Seller]
    by_id: dict[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.listing_id: e for e in self.entries}

    def for_platform(self, platform: str) -> list[Entry]:
        return [e for e in self.entries if e.platform == platform]

    def expected_listing_ids(self, platform: str) -> set[str]:
        """The listing ids a correct spider of ``platform`` emits (docs/marketplace.md, broken pages)."""
        skip = NOT_EMITTED[platform]
        return {e.listing_id for e in self.entries if e.platform == platform and e.served_as not in skip}

    def labelled_rows(self, base_urls: dict[str, str]) -> Iterator[dict]:
        for entry in self.entries:
            yield entry.labelled(base_urls[entry.platform])

    def write_labels(self, path: str | Path, base_urls: dict[str, str] | None = None) -> int:
        """Write §4b labelled listings (JSON Lines); returns the number of rows."""
        urls = base_urls or PLACEHOLDER_URLS
        count = 0
        with open(path, "w", encoding="utf-8") as out:
            for row in self.labelled_rows(urls):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        return count


def generate_catalogue(n: int = 2000, seed: int = 7, register: Register | None = None) -> Catalogue:
    """Generate ``n`` listings deterministically from ``seed`` and ``register`` (demo register if None)."""
    from demo_marketplace.generator import Generator

    if n < 1:
        raise ValueError(f"a catalogue needs at least 1 listing, got n={n}")
    gen = Generator(register or read_register(), random.Random(seed))
    entries = gen.generate(n)
    return Catalogue(n=n, seed=seed, entries=entries, sellers=gen.sellers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_marketplace.catalogue",
        description="Write the demo marketplace's catalogue as CONTRACTS §4b labelled listings "
        "(placeholder base URLs http://bazaar.invalid etc.), e.g. as matcher training data.",
    )
    parser.add_argument("--listings", type=int, default=2000, help="number of listings (default 2000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--register", default=None, help="register file (default: the bundled demo register)")
    parser.add_argument("--out", required=True, help="output .jsonl file")
    args = parser.parse_args(argv)
    if args.listings < 1:
        parser.error("--listings must be at least 1")
    catalogue = generate_catalogue(args.listings, args.seed, read_register(args.register))
    count = catalogue.write_labels(args.out)
    print(f"wrote {count} labelled listings to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
