"""Seller networks planted in the catalogue: shops run by one operator, linked the way real ones are.

Why: markwatch groups sellers that share a phone, a WeChat or QQ id, an e-mail, a shop address or
a product photo (index/networks.py), and the demo must let that be tested against ground truth.
After the catalogue is generated, this module

- gives every seller a shop address (the licence address platforms publish, served with each
  listing as ``shop_address``);
- plants networks of 2–4 shady sellers, each joined in a chain (A–B, B–C, …) by one kind of link per
  pair: the same phone (written with dashes, spaces, full-width or Chinese digits), the same
  WeChat or QQ id under evasive labels (V信, 薇信, 威信, vx, 扣扣, 企鹅…), the same e-mail ("(at)"),
  the same address written differently (province dropped, spaces, full-width digits), or the same
  photo (a listing of B shows a resized JPEG copy of a photo of A);
- adds decoys that must not link anyone: unique contacts of single sellers, and numbers that look
  like phones but are not (product codes, barcodes, waybill numbers inside longer digit runs).

Ground truth: each member's listings carry ``network`` (the planted network's id) in the labels,
never in a page. It uses its own random stream (seeded from the catalogue seed), so the listings
the generator wrote are otherwise unchanged.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from demo_marketplace.images import ImageBook, ImageCopy
from demo_marketplace.model import Entry, Seller
from demo_marketplace.sellers import SellerBook

LINK_ORDER: tuple[str, ...] = ("phone", "wechat", "image", "address", "qq", "email")
STREETS = ["人民路", "建设路", "解放路", "中山路", "和平路", "新华路", "工业大道", "商贸大道", "滨江路", "文化路",
           "光明街", "创业路", "科技园路", "朝阳街", "幸福路", "育才路", "兴业路", "环城东路", "五一路", "青年路"]
BUILDINGS = ["", "", "商贸城", "电商产业园", "物流园", "创业大厦", "服装城"]
_EMITTED = frozenset({"ok", "flaky500", "missing_price"})
"""served_as values whose page carries the whole listing (description included) on every platform."""
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_CHINESE = str.maketrans("0123456789", "零幺二三四五六七八九")


@dataclass
class PlantedNetwork:
    """One planted network: its members (seller ids) and the links joining them, as (kind, a, b)."""

    id: str
    members: list[str]
    links: list[tuple[str, str, str]] = field(default_factory=list)


class Planter:
    """Draws addresses, contacts and copies from one random stream, never the same value twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value

    # -- values ------------------------------------------------------------------------------------
    def phone(self) -> str:
        rng = self.rng
        return self._unique(lambda: "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9)))

    def wechat(self) -> str:
        rng = self.rng
        return self._unique(lambda: "".join(rng.choice("bcdfghjkmpqrstwxyz") for _ in range(rng.randint(2, 4)))
                            + rng.choice(["_", "", "-"]) + str(rng.randint(1000, 999999)))

    def qq(self) -> str:
        return self._unique(lambda: str(self.rng.randint(10_000_000, 2_999_999_999)))

    def email(self) -> str:
        rng = self.rng
        return self._unique(lambda: "".join(rng.choice("bcdfghjkmpqrstwxyz") for _ in range(rng.randint(3, 5)))
                            + str(rng.randint(10, 9999)) + "@" + rng.choice(["163.com", "126.com", "qq.com", "sina.com"]))

    def address(self, seller: Seller, book: SellerBook) -> str:
        rng = self.rng
        home = book.home(seller.id)
        head = f"{home.province}{home.city}{home.district}" if home else rng.choice(["浙江省金华市义乌市", "广东省广州市白云区"])

        def make() -> str:
            building = rng.choice(BUILDINGS)
            tail = f"{building}{rng.randint(1, 30)}栋{rng.randint(101, 2999)}室" if building else ""
            return f"{head}{rng.choice(STREETS)}{rng.randint(1, 999)}号{tail}"

        return self._unique(make)

    # -- spellings -----------------------------------------------------------------------------------
    def spell_phone(self, phone: str) -> str:
        rng = self.rng
        number = rng.choice([phone, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                             phone.translate(_FULL_WIDTH), " ".join(phone), phone.translate(_CHINESE)])
        return rng.choice(["电话", "手机", "☎", "联系电话：", "批发热线 ", "tel:", "手机号码："]) + number

    def spell_wechat(self, wechat: str) -> str:
        label = self.rng.choice(["微信：", "V信 ", "薇信：", "威信号 ", "vx：", "加V：", "卫星 ", "wx:", "徽信 "])
        return self.rng.choice(["咨询", "详情", "拿货", ""]) + label + wechat

    def spell_qq(self, qq: str) -> str:
        return self.rng.choice(["QQ：", "扣扣 ", "企鹅号：", "qq "]) + qq

    def spell_email(self, email: str) -> str:
        user, domain = email.split("@")
        return "邮箱 " + self.rng.choice([email, f"{user}(at){domain}", f"{user}[at]{domain}", f"{user}＠{domain}"])

    def spell_address(self, address: str, home_province: str) -> str:
        """The same address as another shop writes it (province dropped, spaces, full-width digits)."""
        rng = self.rng
        text = address
        if home_province and home_province.endswith(("省", "自治区")) and rng.random() < 0.6:
            text = text[len(home_province):] if text.startswith(home_province) else text
        if rng.random() < 0.5:
            text = text.translate(_FULL_WIDTH)
        if rng.random() < 0.5:
            for marker in ("市", "区", "路", "号"):
                text = text.replace(marker, marker + " ", 1)
        return text.strip()

    def decoy_number(self) -> str:
        rng = self.rng
        digits = lambda k: "".join(rng.choice("0123456789") for _ in range(k))  # noqa: E731
        return rng.choice([f"货号：A1{rng.choice('3456789')}{digits(11)}", f"条码 69{digits(11)}",
                           f"运单号 SF{digits(3)}1{rng.choice('3589')}{digits(9)}",
                           f"订单号{digits(4)}1{rng.choice('3789')}{digits(12)}"])


def _add_text(entry: Entry, phrase: str) -> None:
    entry.description = f"{entry.description} {phrase}".strip()


def plant_networks(entries: list[Entry], book: SellerBook, images: ImageBook, seed: int) -> list[PlantedNetwork]:
    """Give every seller a shop address, plant the networks and the decoys (module docstring)."""
    planter = Planter(random.Random(f"markwatch-demo-networks-{seed}"))
    rng = planter.rng
    by_seller: dict[str, list[Entry]] = {}
    for entry in entries:
        by_seller.setdefault(entry.seller_id, []).append(entry)
        images.photos[entry.listing_id] = len(entry.image_paths)
    for seller in book.by_id.values():
        seller.shop_address = planter.address(seller, book)

    def infringing(sid: str) -> list[Entry]:
        return [e for e in by_seller.get(sid, []) if e.infringes and e.served_as in _EMITTED]

    candidates = [s.id for s in book.by_id.values() if s.kind == "shady" and infringing(s.id)]
    count = max(1, min(len(candidates) // 3, len(entries) // 400))
    networks: list[PlantedNetwork] = []
    pool = list(candidates)
    rng.shuffle(pool)
    link_no = 0  # kinds cycle over every link, so each kind is planted
    for k in range(count):
        size = min(rng.choice([2, 3, 3, 4]), len(pool))
        if size < 2:
            break
        members, pool = pool[:size], pool[size:]
        network = PlantedNetwork(f"net-{k + 1}", members)
        for a, b in zip(members, members[1:]):
            kind = LINK_ORDER[link_no % len(LINK_ORDER)]
            link_no += 1
            _link(kind, a, b, planter, book, by_seller, infringing, images)
            network.links.append((kind, a, b))
        for sid in members:
            for entry in by_seller.get(sid, []):
                entry.network = network.id
        networks.append(network)

    in_network = {sid for n in networks for sid in n.members}
    for seller in book.by_id.values():  # decoys: contacts of one seller only
        share = 0.25 if seller.kind == "shady" else 0.05
        if seller.id in in_network or seller.kind == "official" or rng.random() >= share:
            continue
        kind = rng.choice(["phone", "wechat", "qq"])
        value = getattr(planter, kind)()
        for entry in by_seller.get(seller.id, []):
            _add_text(entry, getattr(planter, f"spell_{kind}")(value))
    for entry in rng.sample(entries, max(1, len(entries) // 100)):  # numbers that only look like phones
        if entry.case == "unrelated":
            _add_text(entry, planter.decoy_number())
    for entry in entries:
        entry.shop_address = book.by_id[entry.seller_id].shop_address
    return networks


def _link(kind: str, a: str, b: str, planter: Planter, book: SellerBook, by_seller: dict[str, list[Entry]],
          infringing, images: ImageBook) -> None:
    """Make sellers ``a`` and ``b`` share one value of ``kind``."""
    if kind == "address":
        home = book.home(a)
        book.by_id[b].shop_address = planter.spell_address(book.by_id[a].shop_address, home.province if home else "")
        return
    if kind == "image":
        source, copy = planter.rng.choice(infringing(a)), planter.rng.choice(infringing(b))
        name = f"{copy.listing_id}-1.jpg"
        images.copies[name] = ImageCopy(source=f"{source.listing_id}-1", size=planter.rng.choice([180, 200, 224, 320]),
                                        quality=planter.rng.choice([60, 72, 85]))
        copy.image_paths[0] = f"/static/img/{name}"
        return
    value = getattr(planter, kind)()
    for sid in (a, b):
        for entry in by_seller.get(sid, []):
            _add_text(entry, getattr(planter, f"spell_{kind}")(value))
