"""Assemble the held-out evaluation set (eval.jsonl) from the hand-written rows in rows/*.psv.

Why a script: the rows are written by hand in a compact pipe-separated form (one listing a line,
easy to read and review against docs/labelling.md); this script only adds the mechanical fields
(url, platform, listing_id, seller_id, currency, crawled_at), checks every right id against the
demo register and writes CONTRACTS §4b JSON Lines. It never invents titles or labels.

Row format (fields separated by "|", the description last so it may be empty):
    case | infringes | price | seller | ship_from | brand | category | title | description
infringes: "-" for none, else comma-separated right ids without their kind prefix (nike ->
tm-nike, yangchenghu-crab -> gi-yangchenghu-crab). price: empty for none. Placeholders: {ZW}
zero-width space, {ZWJ} zero-width joiner, {NBSP} no-break space. Lines starting with # are notes.

    python matchers/data/eval/build_eval_set.py        # rewrites eval.jsonl next to this file
    python matchers/data/eval/build_eval_set.py --check # exit 1 when eval.jsonl is out of date

The evaluation set is held out: never train, calibrate or tune thresholds on it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROWS = HERE / "rows"
OUTPUT = HERE / "eval.jsonl"
REGISTER = HERE.parent / "demo_register.yaml"
PLATFORMS = ("taobao", "tmall", "jd", "pinduoduo", "douyin", "xianyu")
OFFICIAL_PLATFORMS = ("tmall", "jd")
PLACEHOLDERS = {"{ZW}": "\u200b", "{ZWJ}": "\u200d", "{NBSP}": "\u00a0"}
PREFIX = {"trademark": "tm-", "gi": "gi-", "special_mark": "sm-"}


def _right_ids() -> set[str]:
    register = yaml.safe_load(REGISTER.read_text(encoding="utf-8"))
    return {right["id"] for right in register["rights"]}


def _expand(text: str) -> str:
    for key, value in PLACEHOLDERS.items():
        text = text.replace(key, value)
    return text.strip()


def _right_id(token: str, ids: set[str]) -> str:
    matches = [prefix + token for prefix in PREFIX.values() if prefix + token in ids]
    if len(matches) != 1:
        raise ValueError(f"right {token!r} is not exactly one id of the demo register (found {matches})")
    return matches[0]


def parse_rows() -> list[dict]:
    """Every hand-written row as a labelled listing, in file order, with its source position."""
    ids = _right_ids()
    listings: list[dict] = []
    for path in sorted(ROWS.glob("*.psv")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            fields = line.split("|", 8)
            if len(fields) != 9:
                raise ValueError(f"{path.name}:{lineno}: expected 9 fields separated by |, got {len(fields)}")
            case, infringes, price, seller, ship_from, brand, category, title, description = map(_expand, fields)
            try:
                rights = [] if infringes == "-" else [_right_id(t.strip(), ids) for t in infringes.split(",")]
                value = float(price) if price else None
            except ValueError as exc:
                raise ValueError(f"{path.name}:{lineno}: {exc}") from exc
            listings.append({"case": case, "infringes": rights, "price": value, "seller_name": seller,
                             "ship_from": ship_from, "brand": brand, "category": category,
                             "title": title, "description": description, "_source": f"{path.name}:{lineno}"})
    return listings


def build() -> list[dict]:
    """The final records: mechanical fields added, numbered per platform."""
    counters = dict.fromkeys(PLATFORMS, 0)
    out = []
    for row in parse_rows():
        digest = hashlib.sha256(row["title"].encode("utf-8")).digest()
        official = row["seller_name"].endswith("官方旗舰店") or row["seller_name"].endswith("官方特许商品旗舰店")
        choices = OFFICIAL_PLATFORMS if official else PLATFORMS
        platform = choices[digest[0] % len(choices)]
        counters[platform] += 1
        number = 100000 + counters[platform] * 7 + digest[1] % 7
        seller_id = "s-" + hashlib.sha256(row["seller_name"].encode("utf-8")).hexdigest()[:8]
        out.append({
            "url": f"https://eval.invalid/{platform}/{number}", "platform": platform,
            "listing_id": str(number), "title": row["title"], "description": row["description"],
            "price": row["price"], "currency": "CNY" if row["price"] is not None else "",
            "seller_name": row["seller_name"], "seller_id": seller_id, "ship_from": row["ship_from"],
            "category": row["category"], "brand": row["brand"], "image_urls": [],
            "crawled_at": "2026-11-20T02:00:00Z", "infringes": row["infringes"], "case": row["case"],
        })
    return out


def render(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n" for r in records)


def main(argv: list[str]) -> int:
    text = render(build())
    if "--check" in argv:
        if not OUTPUT.exists() or OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} is out of date: run python {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} listings to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
