"""Hostile listings for the demo marketplace (``markwatch demo --extra-listings``): XSS payloads in
titles, descriptions, seller names, shop addresses and image URLs on all three platforms, an RTL
override and spreadsheet formulas. Scraped text is hostile; tests/test_web_browser_xss.py proves the
workbench shows these as text. They live here, not in that test, because the session's shared demo
data dir (tests/demo_fixtures.py) is crawled with them: the browser tests that read the demo's leads
see them beside the catalogue's, as a workbench over a real platform would."""

from __future__ import annotations

RLO = "\u202e"

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=\"window.__xss=2;alert(2)\">",
    "<a href=\"javascript:window.__xss=3;alert(3)\">点我 click</a>",
    "</textarea><script>window.__xss=4;alert(4)</script>",
    "\" onmouseover=\"window.__xss=5;alert(5)\" autofocus onfocus=\"window.__xss=5\" x=\"",
    "' onmouseover='window.__xss=6;alert(6)' x='",
    "<svg onload=\"window.__xss=7;alert(7)\"></svg>",
    "</title></style><iframe srcdoc=\"<script>parent.__xss=8;alert(8)</script>\"></iframe>",
    "{{7*7}}{% raw %}${7*7}#{7*7}",
    "javascript:window.__xss=9;alert(9)",
]
# an image URL that tries to break out of src="…" (served as base + path, so it stays on the platform)
IMAGE_BREAKER = "/static/img/x.png\" onerror=\"window.__xss=10;alert(10)"


def hostile_listings() -> list[dict]:
    """The extra listings' rows (demo_marketplace/extra_listings.py format); each infringes tm-nike
    (耐克 in every title makes them leads)."""
    rows = []
    for platform in ("bazaar", "storefront", "openmall"):
        for n, payload in enumerate(PAYLOADS):
            rows.append({
                "platform": platform, "listing_id": f"xss{platform[0]}{n}",
                "title": f"正品耐克 Nike 运动鞋 {payload} 清仓",
                "description": f"耐克 原单 {payload} 微信 evil_{n % 2} 电话 13800138000",
                "price": 88.0 + n, "seller_name": f"坏店{n % 3}{payload}", "seller_id": f"xss-seller-{n % 3}",
                "ship_from": "福建 莆田", "shop_address": f"福建省莆田市 {payload}",
                "image_paths": [IMAGE_BREAKER], "infringes": ["tm-nike"],
            })
        rows.append({
            "platform": platform, "listing_id": f"rtl{platform[0]}",
            "title": f"耐克 运动鞋 {RLO}gpj.exe 原单", "description": f"耐克 {RLO}abc", "price": 99.0,
            "seller_name": f"右到左{RLO}店", "seller_id": "xss-seller-rtl", "ship_from": "福建 莆田",
            "image_paths": [], "infringes": ["tm-nike"],
        })
        rows.append({  # spreadsheet formulas: the exports must defuse them
            "platform": platform, "listing_id": f"fx{platform[0]}",
            "title": '=HYPERLINK("http://127.0.0.1:9/x","耐克 运动鞋")', "description": "+cmd|' /C calc'!A0 耐克",
            "price": 77.0, "seller_name": "@SUM(1+1)*cmd", "seller_id": "xss-seller-fx", "ship_from": "福建 莆田",
            "image_paths": [], "infringes": ["tm-nike"],
        })
    return rows


def is_hostile(url: str) -> bool:
    """Whether a listing URL is one of :func:`hostile_listings` (their ids start xss, rtl or fx)."""
    return any(f"/{prefix}" in url for prefix in ("xss", "rtl", "fx"))
