"""The demo marketplace's catalogue: deterministic listings with their ground truth.

Why: the marketplace must serve realistic, hard listings (genuine, counterfeit with every evasion,
referential use, word-sense traps, GI origin cases, special-mark merchandise, ordinary goods) and
know for each one what a correct spider extracts and what a correct matcher flags. The same data
is the matcher's training set, so variety beats volume. Same ``n`` + ``seed`` + register → the
same catalogue, byte for byte (``random.Random(seed)`` only; no global random, no ``hash()``).

CLI (in :mod:`demo_marketplace.catalogue.__main__`):
``python -m demo_marketplace.catalogue --listings N --seed S --out FILE.jsonl`` writes CONTRACTS
§4b labelled listings with placeholder base URLs (http://bazaar.invalid, …).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from demo_marketplace.generator import Generator
from demo_marketplace.images import ImageBook
from demo_marketplace.model import NOT_EMITTED, PLACEHOLDER_URLS, Entry, Seller
from demo_marketplace.networks import PlantedNetwork, plant_networks
from demo_marketplace.register import read_register
from demo_marketplace.search_only import mark_search_only
from markwatch.contracts import Register


@dataclass
class Catalogue:
    """Every listing of the three platforms, in a fixed order, with lookup helpers."""

    n: int
    seed: int
    entries: list[Entry]
    sellers: dict[str, Seller]
    images: ImageBook = field(default_factory=ImageBook)
    """Which image URLs exist (every listing's photos, the planted copies): see images.py."""
    networks: list[PlantedNetwork] = field(default_factory=list)
    """The planted seller networks (ground truth): see networks.py."""
    by_id: dict[str, Entry] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {e.listing_id: e for e in self.entries}

    def for_platform(self, platform: str) -> list[Entry]:
        return [e for e in self.entries if e.platform == platform]

    def expected_listing_ids(self, platform: str, search_only: bool = False) -> set[str]:
        """The listing ids a correct spider of ``platform`` emits (docs/marketplace.md, broken pages);
        listings found only by search (search_only.py) count only with ``search_only=True``."""
        skip = NOT_EMITTED[platform]
        return {e.listing_id for e in self.entries if e.platform == platform and e.served_as not in skip
                and (search_only or not e.search_only)}

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


def generate_catalogue(n: int = 2000, seed: int = 7, register: Register | None = None,
                       search_only: int = 0) -> Catalogue:
    """Generate ``n`` listings deterministically from ``seed`` and ``register`` (demo register if None);
    ``search_only`` listings per platform are linked from no browsable page (search_only.py)."""
    if n < 1:
        raise ValueError(f"a catalogue needs at least 1 listing, got n={n}")
    register = register or read_register()
    gen = Generator(register, random.Random(seed))
    entries = gen.generate(n)
    mark_search_only(entries, register, search_only, seed)
    images = ImageBook()
    networks = plant_networks(entries, gen.sellers, images, seed)
    return Catalogue(n=n, seed=seed, entries=entries, sellers=gen.sellers.by_id, images=images, networks=networks)
