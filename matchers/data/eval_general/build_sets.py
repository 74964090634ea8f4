"""Build ``train.jsonl`` and ``heldout.jsonl`` (CONTRACTS §4b) from the hand-written rows in ``rows/``.

Why two parts: the train part is labelled data on rights that are not the demo's, added to the
model's training so that nothing learns the demo's rights by heart; the held-out part covers OTHER
rights of the same register (no right has rows in both parts) and is never trained or tuned on, so
its figures say how the matcher does on rights it has never seen (docs/evaluation-general.md).

Each row is ``case | infringes | price | currency | seller | ship_from | brand | category | title |
description``; this script adds only mechanical fields (url, platform, listing_id, seller_id,
crawled_at) and checks every right id against ``register.yaml``. Run: ``python build_sets.py`` for this set,
``python build_sets.py ../eval_own`` for another set laid out the same way (its own register and rows; its
URLs name it: ``https://own.invalid/…``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TRAIN_WEIGHT = 10  # like the hand-written seed cases of the shipped model (docs/matching.md)
PLATFORMS = ("taobao", "jd", "pinduoduo", "douyin", "xianyu", "aliexpress")
FIELDS = ("case", "infringes", "price", "currency", "seller_name", "ship_from", "brand", "category",
          "title", "description")


def rows_of(path: Path) -> list[dict]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("|")
        if len(parts) < len(FIELDS):
            raise SystemExit(f"{path.name}:{number}: {len(parts)} fields, want {len(FIELDS)}")
        row = dict(zip(FIELDS, (p.strip() for p in parts[:len(FIELDS)])))
        row["infringes"] = [r for r in row["infringes"].split(",") if r]
        row["price"] = float(row["price"]) if row["price"] else None
        row["number"] = number
        out.append(row)
    return out


def listing(part: str, row: dict, n: int, host: str) -> dict:
    platform = "aliexpress" if row["currency"] not in ("", "CNY") else PLATFORMS[n % (len(PLATFORMS) - 1)]
    digest = hashlib.sha1(f"{part}:{row['seller_name']}".encode()).hexdigest()[:8]
    out = {"url": f"https://{host}.invalid/{part}/{platform}/{n}", "platform": platform,
           "listing_id": f"{part}-{n}", "title": row["title"], "description": row["description"],
           "price": row["price"], "currency": row["currency"] or "CNY", "seller_name": row["seller_name"],
           "seller_id": f"s-{digest}", "ship_from": row["ship_from"], "category": row["category"],
           "brand": row["brand"], "image_urls": [], "crawled_at": "2026-11-20T02:00:00Z",
           "infringes": row["infringes"], "case": row["case"]}
    return {k: v for k, v in out.items() if v is not None}


def main(argv: list[str]) -> int:
    set_dir = Path(argv[1]).resolve() if len(argv) > 1 else HERE
    host = set_dir.name.removeprefix("eval_")
    register = yaml.safe_load((set_dir / "register.yaml").read_text(encoding="utf-8"))
    ids = {r["id"] for r in register["rights"]}
    seen_rights: dict[str, str] = {}
    for part in ("train", "heldout"):
        rows = rows_of(set_dir / "rows" / f"{part}.psv")
        with (set_dir / f"{part}.jsonl").open("w", encoding="utf-8") as fh:
            for n, row in enumerate(rows, 1):
                for right in row["infringes"]:
                    if right not in ids:
                        raise SystemExit(f"rows/{part}.psv:{row['number']}: unknown right {right}")
                    if seen_rights.setdefault(right, part) != part:
                        raise SystemExit(f"rows/{part}.psv:{row['number']}: {right} has rows in both parts")
                out = listing(part, row, n, host)
                if part == "train":
                    out["weight"] = TRAIN_WEIGHT
                fh.write(json.dumps(out, ensure_ascii=False) + "\n")
        print(f"{part}.jsonl: {len(rows)} listings")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
