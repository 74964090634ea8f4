"""Referential and service use of a trademark: a fitting cue (适用于 iPhone, OPPO Find X7 适用), a part
named after the device it fits (戴森 吸尘器 滤网), an accessory's title, and a repair or after-sales
service naming the brand (格力空调 上门维修). Told as lowering the score.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from markwatch.contracts import Right
from matchers import goods, ordinary, wording
from matchers.candidates import Hit
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, title_cues


def referential_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                        ctx: ListingContext) -> None:
    """Referential use of a trademark (适用于 iPhone, an accessory's title): told as lowering the score."""
    accessory = ctx.accessory
    if accessory and right.holder:
        accessory = _not_holders_own(accessory, right.holder)
    vec[INDEX["accessory"]] = float(bool(accessory))
    if wording.sells_labels(ctx.counterfeit):
        return  # 鞋标 织唛 凉鞋配件: the mark's own labels are the goods, no part that fits the holder's
    if title_cues(ctx, "whole_product"):
        return  # 适用美德乐 吸奶器 整机 平替款: the whole device in the mark's stead, no part that fits it
    if _in_disguise(hits, ctx):
        return  # DЕNSО 空调滤芯: nobody hides the name of the device a part fits; the disguise sells the part as the mark's
    for hit in hits if right.kind == "trademark" else ():  # special marks and GIs have no "fits" use
        text = ctx.texts[hit.field]
        # A cue right before the mark (适用于 iPhone), or anywhere in an accessory's title (钢化膜 适用).
        cues = _cue_before(text, hit, ctx, hits) or _cue_after_model(text, hit)
        if not cues and accessory and hit.field == "title":
            cues = title_cues(ctx, "referential") or _part_of_device(text, hit, accessory, _other_title_hits(ctx, hits),
                                                                     right.nice_classes)
        if cues:
            vec[INDEX["referential"]] = 1.0
            cue = max((c[2] for c in cues), key=len)
            reasons.append({"code": "referential_use", "cue": cue, "seen": hit.seen})
            return


_FOREIGN_LETTERS = re.compile("[\u0370-\u04ff]")  # Greek and Cyrillic


def _in_disguise(hits: list[Hit], ctx: ListingContext) -> bool:
    """Is a Latin mark written with Greek or Cyrillic letters drawn like its own (DЕNSО: Е and О Cyrillic) in the field
    it was found in? A seller naming the device a part fits writes the device's name to be found; one who
    disguises the name sells the goods as the mark's and hides them from its holder's searches."""
    return any(h.form.latin and _FOREIGN_LETTERS.search(str(ctx.listing.get(h.field) or "")) for h in hits)


MAX_BEFORE = 8  # characters before a mark where a "fits" cue is looked for (适用于 iPhone)


_JOINERS = frozenset("和与及或、/,，&")  # between two devices a cue names (适用于 小米 和 华为)


def _cue_before(text: str, hit: Hit, ctx: ListingContext, hits: list[Hit]) -> list[tuple[int, int, str]]:
    """A referential cue in the few characters before the mark whose object is the mark: between them
    only Latin letters, digits, marks of other candidate rights and joiners (适用于 iPhone, 兼容 小米 和
    华为). Not a cue that names other goods first (适用于 平开窗 固美达: the handle fits casement windows,
    固美达 makes it), nor a part noun (lexicon ``part_nouns``: 门窗配件 固美达 is the goods' kind, then
    their maker; 固美达 配件 after the mark still reads "parts for it")."""
    lo = max(0, hit.start - MAX_BEFORE)
    found = wording.find("referential", text[lo:hit.start])
    if not found:
        return found
    nouns = _lexicon_words("part_nouns")
    others = [(h.start - lo, h.end - lo) for _, other in ctx.extra.get("pairs") or () if other is not hits
              for h in other if h.field == hit.field and lo <= h.start and h.end <= hit.start]
    window = text[lo:hit.start]
    kept = []
    for start, end, cue in found:
        if cue in nouns:
            continue
        between = [c for i, c in enumerate(window[end:], end) if not any(a <= i < b for a, b in others)]
        if not any(ordinary.is_cjk(c) and c not in _JOINERS for c in between):
            kept.append((start, end, cue))
    return kept




_COUNTS = frozenset("一二两三四五六七八九十双单多0123456789")  # a count right before a part word


MAX_MODEL = 12  # characters of a model name (find x7, es lv9) between a mark and the part word after it


DEDICATED = "专用"  # "made for": after the mark's goods word it says the product is for that device (通用 may
# say "fits it as well", as a rival's bottle says of the mark's teats: not enough)


def _cue_after_model(text: str, hit: Hit) -> list[tuple[int, int, str]]:
    """A referential cue right after the mark or after its model name in Latin letters and digits (OPPO
    Find X7 适用 镜头膜: the film fits that phone, "X7-compatible"), or 专用 after the mark's goods word
    (海尔冰箱 专用 除味剂); [] when another Chinese word comes between."""
    after = text[hit.end:hit.end + wording.SHORT]  # a short window: answered from wording's cache
    for start, end, cue in wording.find("referential", after):
        if cue.isascii():
            continue
        if not any(ordinary.is_cjk(c) for c in after[:start]):
            return [(start, end, cue)]
        if cue == DEDICATED and start <= MAX_DEVICE_GAP and _ends_with_goods(after[:start]):
            return [(start, end, cue)]  # 海尔冰箱 专用 除味剂: the mark's device, then "made for it"
    return []


MAX_DEVICE_GAP = 8  # characters between a mark and the part that names the mark's device between them


def _ends_with_goods(text: str) -> bool:
    """Does ``text`` end with a goods word (海尔冰箱 专用: made for the fridge)? Not one that names who the goods are
    for after them (听诊器 双头 护士 专用: the stethoscope is for nurses, a device of the mark's own)."""
    words = goods.classify(text, "")[1]
    stripped = text.rstrip()
    return any(stripped.endswith(w) for w in words)


def _other_title_hits(ctx: ListingContext, hits: list[Hit]) -> list[int]:
    """Where the listing's other candidate rights are named in the title (their hits' starts)."""
    return [h.start for _, other in ctx.extra.get("pairs") or () if other is not hits for h in other
            if h.field == "title"]


def _part_of_device(text: str, hit: Hit, accessory: list[tuple[int, int, str]],
                    others: Collection[int] = (),
                    classes: Collection[int] = ()) -> list[tuple[int, int, str]]:
    """A part named after the device it fits, the mark naming whose device (戴森 吸尘器 滤网, 海尔 冰箱
    门封条): the mark, then a goods word or a model name of Latin letters with a digit (OPPO Reno11
    手机膜), then an accessory word; the accessory word as the cue, or []. A model name of Latin letters
    alone (Bose Soundlink 保护套) counts when the accessory's goods lie outside the right's ``classes``:
    a case for a speaker, not a speaker maker's case.
    Another right named between them (公牛插座 + 安克充电头, a bundle) owns the part instead."""
    for start, end, word in accessory:
        if any(hit.end <= at < start for at in others):
            continue
        if start and text[start - 1] in _COUNTS or text.endswith(_build_materials(), 0, start):
            continue  # 三刀头, 陶瓷内胆: how many or of what the device's own part is, not a part sold for it
        if hit.end < start <= hit.end + MAX_MODEL:
            between = text[hit.end:start]
            if any(c.isdigit() for c in between) and not any(ordinary.is_cjk(c) for c in between) \
                    and not _only_quantities(between):
                return [(start, end, word)]  # OPPO Reno11 手机膜: the model it fits, then the part
            if classes and between.strip().isascii() and between.strip().isalpha() and len(between.strip()) >= 3:
                parts = goods.classify(word, "")[0]
                if parts and parts.keys().isdisjoint(classes):
                    return [(start, end, word)]  # Bose Soundlink 收纳包: a bag for the speaker
        if hit.end < start <= hit.end + MAX_DEVICE_GAP:
            between = text[hit.end:start]
            if goods.classify(between, "")[1]:
                return [(start, end, word)]
    return []


def _only_quantities(between: str) -> bool:
    """Are the words of ``between`` that hold a digit all quantities (UGREEN 65W GaN Charger: the charger's
    power, no model it fits)? A model name (Reno11, X7) is letters and digits that measure nothing."""
    from matchers.variants import QUANTITY

    return all(QUANTITY.fullmatch(w) for w in between.split() if any(c.isdigit() for c in w))


def _not_holders_own(accessory: list[tuple[int, int, str]], holder: str) -> list[tuple[int, int, str]]:
    """The accessory words of the title less those the holder's name holds (迅能 手机电池 for a holder
    迅能电池科技有限公司): a battery maker's battery is its own product, not a part for someone's phone.
    Why the holder: the register gives a battery maker and a phone maker the same class (9); the
    holder's name is the one thing in it that says what the house makes."""
    own = _holder_text(holder)
    return [a for a in accessory if not (ordinary.is_cjk(a[2][0]) and a[2] in own)] if own else accessory


@lru_cache(maxsize=4096)
def _holder_text(holder: str) -> str:
    """A Chinese holder's name, normalised (Latin names: "", their words are too often part words)."""
    from matchers.normalise import norm

    text = norm(holder)
    return text if any(ordinary.is_cjk(c) for c in text) else ""


@lru_cache(maxsize=8)
def _lexicon_words(entry: str) -> tuple[str, ...]:
    """Lexicon ``entry``'s words, normalised as the texts they are looked for in (``norm``)."""
    from matchers.lexicon import lexicon
    from matchers.normalise import norm

    return tuple(w for w in (norm(str(w)).strip() for w in lexicon().get(entry, ())) if w)


def _build_materials() -> tuple[str, ...]:
    return _lexicon_words("build_materials")


def service_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                    ctx: ListingContext) -> None:
    """A repair, parts or after-sales service naming the brand it services (格力空调 上门维修). Without
    counterfeit wording it is also referential use: the seller names the goods it works on, as an
    accessory names the device it fits (a cleaning of 始祖鸟 jackets sells no jacket)."""
    if right.kind != "trademark" or "title" not in ctx.texts:
        return
    title = ctx.texts["title"]
    cues = [c for c in title_cues(ctx, "service")
            if not _offered_with_goods(title, c[0]) and not _names_goods(title, c[1], c[2])
            and not _inside_goods_word(title, c[0], c[2])]
    if cues:
        vec[INDEX["service_use"]] = 1.0
        if not ctx.counterfeit:
            vec[INDEX["referential"]] = 1.0
        reasons.append({"code": "service_use", "cue": max((c[2] for c in cues), key=len), "seen": hits[0].seen})


def _inside_goods_word(title: str, start: int, cue: str) -> bool:
    """Does a Chinese service word begin a goods word of the title (清洗 of 高压清洗机, 维修 of 维修工具)? Then it names
    the machine or tool sold, not a service."""
    if cue.isascii():
        return False
    around = title[max(0, start - GOODS_REACH):start + len(cue) + GOODS_REACH]
    return any(cue in word and len(word) > len(cue) for word in goods.classify(around, "")[1])


GOODS_REACH = 4  # characters either side of a service word where a goods word holding it is looked for


_NEXT_WORD = re.compile(r" ?([a-z]+)")


def _names_goods(title: str, end: int, cue: str) -> bool:
    """Is an English service word the first word of a goods name (Soothing Repair Cream, Repair Kit)? Then it
    tells what the product does, and no repair service is offered: a goods word (or lexicon
    ``service_product_heads``) must follow right after it."""
    if not cue.isascii():
        return False
    after = _NEXT_WORD.match(title, end)
    if after is None:
        return False
    word = after.group(1)
    return word in _lexicon_words("service_product_heads") or bool(goods.classify(word, "")[0])


def _offered_with_goods(title: str, start: int) -> bool:
    """Is the service word at ``start`` an offer that comes with the goods sold (西裤 免费改短, 空调 包安装,
    可修改): one of lexicon ``service_offer`` right before it? Then the listing sells the goods, and
    the service names no brand it works on."""
    return any(title.endswith(word, max(0, start - len(word)), start) for word in _lexicon_words("service_offer"))
