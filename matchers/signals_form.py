"""Signals of the hits themselves: which form of the right matched and how (exact, bent, obfuscated),
in which fields, whether the word is used as a mark (brand field, 牌 after it, heading the title, two
scripts), and co-branding with another right of the listing (冰墩墩 x 耐克 联名).

Why together: they read only the hits and the text right around them, and the mark-use verdict
is what the goods signals tell beside goods of other classes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markwatch.contracts import Right
from matchers import goods, ordinary, wording
from matchers.candidates import BENT_CHARACTERS, Hit
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, light_field


# Which reason code names a hit: exact forms by their kind, bent forms by how they were bent.
_EXACT_CODE = {"name": "hit_mark", "compact": "hit_mark", "variant": "hit_variant", "pinyin": "hit_pinyin",
               "nickname": "hit_nickname", "gi_place": "hit_gi_place"}


_BENT_CODE = {"homophone": "hit_homophone", "shape": "hit_shape", "lookalike": "hit_lookalike",
              "fuzzy": "hit_near_miss", "joined": "hit_split_spelling", "split": "hit_gi_split",
              "reordered": "hit_reordered"}
_BENT_FEATURE = {"reordered": "shape"}  # a spelling bent by its characters' order weighs as one bent by their shape


_NAMED_AS_RIGHT = frozenset(("name", "compact", "nickname", "gi_place"))  # forms reported as the right's name


_EXACT_FEATURE = {"name": "exact_name", "compact": "exact_name", "variant": "exact_variant", "pinyin": "pinyin",
                  "nickname": "nickname"}


def _cut_short(hit: Hit) -> bool:
    """Is the hit a mark's part after a live room's code word (candidates._live_code_hits: a nickname form that
    is the whole mark, the text only part of it)?"""
    return hit.form.kind == "nickname" and len(hit.seen) < len(hit.form.text)


def is_house_nickname(hit: Hit) -> bool:
    """Is the hit an "X家" house nickname (N家, 鸟家)?"""
    return hit.form.kind == "nickname" and hit.how == "exact" and len(hit.seen) == 2 and hit.seen.endswith("家")


def _hit_reason(hit: Hit, right: Right) -> Reason:
    """Which form of the right was seen, how, and in which field."""
    kind = hit.form.kind
    if hit.how == "exact":
        code = _EXACT_CODE[kind]
        if kind in ("pinyin", "nickname"):
            return {"code": code, "seen": hit.seen, "target": right.name, "field": hit.field}
        return {"code": code, "seen": hit.seen, "field": hit.field}
    target = right.name if kind in _NAMED_AS_RIGHT else hit.form.text
    return {"code": _BENT_CODE[hit.how], "seen": hit.seen, "target": target, "field": hit.field}


def form_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                 ctx: ListingContext) -> None:
    """Which form matched and how (exact, bent, obfuscated), in which fields; the best hit first."""
    best = hits[0]
    reasons.append(_hit_reason(best, right))
    evasive = False
    for hit in hits:
        if hit.how == "exact":
            name = _EXACT_FEATURE.get(hit.form.kind)
            if name:
                vec[INDEX[name]] = 1.0
            evasive |= hit.form.kind in ("pinyin", "nickname")
            raw = ctx.raw_lower.get(hit.field, "")
            if hit.form.text not in raw and hit.form.text.replace(" ", "") not in raw:
                vec[INDEX["obfuscated"]] = 1.0
                evasive = True
        else:
            vec[INDEX[_BENT_FEATURE.get(hit.how, hit.how)]] = 1.0
            evasive = True
    if vec[INDEX["obfuscated"]] and best.how == "exact":
        reasons.append({"code": "live_code" if _cut_short(best) else "obfuscated"})
    for other in hits[1:]:
        if other.field != best.field and len(reasons) < 3:
            reasons.append(_hit_reason(other, right))
    vec[INDEX["evasive"]] = float(evasive)
    fields = {h.field for h in hits}
    vec[INDEX["in_title"]] = float("title" in fields)
    vec[INDEX["in_brand"]] = float("brand" in fields)
    vec[INDEX["in_description_only"]] = float(fields <= _NOT_ON_THE_GOODS)
    vec[INDEX["latin_form"]] = float(best.form.latin)
    vec[INDEX["form_length"]] = float(min(len(best.form.text), 12))


_NOT_ON_THE_GOODS = frozenset(("description", "seller_name", "category"))  # fields that do not name the goods
# themselves: a mark found only there weighs as one in the description does


def mark_use_signals(vec: list[float], hits: list[Hit], ctx: ListingContext) -> dict[str, Any] | None:
    """Whether the word is used as a mark. How it is (``mark_use`` and its parameters, see
    matchers/reasons.py) is only told beside goods of other classes, where it is what makes a
    well-known mark count."""
    use = _used_as_mark(ctx, hits)
    if use is not None:
        vec[INDEX["used_as_mark"]] = 1.0
    title_hits = [h for h in hits if h.field == "title"]
    if any(h.start == 0 or _after_leads(ctx.texts["title"], h.start, not ctx.resale) for h in title_hits):
        vec[INDEX["title_start"]] = 1.0
    elif _given_away(ctx, title_hits):  # 送 以纯 帆布包: the mark heads the giveaway's goods, as a title's brand does
        vec[INDEX["used_as_mark"]] = vec[INDEX["title_start"]] = 1.0
    elif _hashtagged(ctx, title_hits):  # 商务皮鞋 #奥康 #奥康皮鞋: the mark tags the goods for the searches
        vec[INDEX["used_as_mark"]] = vec[INDEX["title_start"]] = 1.0
    if len({h.form.latin for h in title_hits}) == 2:
        vec[INDEX["two_scripts"]] = 1.0
    return use


def _used_as_mark(ctx: ListingContext, hits: list[Hit]) -> dict[str, Any] | None:
    """Why the word reads as a mark, not its ordinary meaning (None when it does not)."""
    for hit in hits:
        if hit.field == "brand":
            return {"mark_use": "brand_field", "seen": hit.seen}
        text = ctx.texts[hit.field]
        for start, _, cue in wording.find("mark_use", text[hit.end:hit.end + 4]):
            if start <= 1:
                return {"mark_use": "brand_cue", "seen": hit.seen, "cue": cue}
        if hit.form.latin and hit.how == "exact" and hit.field == "title":
            return {"mark_use": "latin_brand_name", "seen": hit.seen}
    title_hits = [h for h in hits if h.field == "title"]
    if len({h.form.latin for h in title_hits}) == 2:
        return {"mark_use": "two_scripts"}
    for h in title_hits:
        if h.start == 0 or _after_leads(ctx.texts["title"], h.start, not ctx.resale):
            return {"mark_use": "title_start", "seen": h.seen}
    return None


@lru_cache(maxsize=4096)
def _after_leads(title: str, start: int, resale_words: bool = False) -> bool:
    """Is everything before ``start`` in the (norm) title a post's lead words (lexicon ``title_leads``: 接龙, 现货,
    直播间专拍 …)? Then the mark heads the goods as a title's first word does: #接龙 坂田 西兰花 种子 names its
    goods' brand first, after saying what kind of post it is. ``resale_words``: a resale word (闲置, 自用) leads
    too, as where the listing is stock dressed as a private item (闲置 正泰 断路器 … 200个 一起出); a real
    private resale keeps its mark mid-title."""
    if not start:
        return True
    head = title[:start]
    leads = _title_leads(resale_words)
    at = 0
    while at < start:
        if head[at] in " -|/·:：,，":
            at += 1
            continue
        word = next((w for w in leads if head.startswith(w, at)), "")
        if not word:
            return False
        at += len(word)
    return True


@lru_cache(maxsize=2)
def _title_leads(resale_words: bool) -> tuple[str, ...]:
    """Lexicon ``title_leads`` (and ``resale`` when asked), normalised, the longest first (接龙拼单 before 接龙)."""
    from matchers.lexicon import lexicon
    from matchers.normalise import norm

    entries = ("title_leads", "resale") if resale_words else ("title_leads",)
    words = {norm(str(w)).strip() for entry in entries for w in lexicon().get(entry, ())}
    return tuple(sorted(words - {""}, key=len, reverse=True))


def _hashtagged(ctx: ListingContext, hits: list[Hit]) -> bool:
    """Is a title hit written as a hashtag (#奥康, #奥康皮鞋)? A tag puts the goods under the mark for the
    platform's search, as a title's brand does, wherever in the title it stands. Told by the features only."""
    if not hits:
        return False
    raw = light_field(ctx, "title")
    if "#" not in raw:
        return False
    tagged = raw.lower().replace(" ", "")
    return any("#" + hit.seen in tagged for hit in hits)


def _given_away(ctx: ListingContext, hits: list[Hit]) -> bool:
    """Is a title hit right after a giveaway word (lexicon ``giveaway``: 送, 赠, 赠品, 附赠 …, each holding 送 or 赠,
    the cheap test first)? 三件套 送 以纯
    帆布包 gives away goods under the mark: a use of it as much as the goods sold, though it stands mid-title
    where an ordinary word would: the giveaway's goods are headed by their brand, as a title is. Told by the
    features only (used as a mark, at the head), no reason of its own."""
    title = ctx.texts.get("title", "")
    for hit in hits:
        if hit.field == "title" and hit.start:
            before = title[max(0, hit.start - 4):hit.start]
            if ("送" in before or "赠" in before) and any(end == len(before) and not ordinary.is_dictionary_word(cue[-1] + hit.seen[0])
                   for _, end, cue in wording.find("giveaway", before)):
                return True  # not 送礼 安溪 for a mark 礼安: the cue and the mark's character are a word
    return False


def co_brand_signals(vec: list[float], reasons: list[Reason], right_idx: int, hits: list[Hit],
                     ctx: ListingContext) -> None:
    """Two rights' marks in the title joined by a co-branding word (冰墩墩 x 耐克 联名): both are used as
    marks of these goods, whatever else each pair shows. ``ctx.extra["pairs"]``: (right, hits) of every
    candidate of the listing (set by the matcher); cost: a look at the text between two title hits."""
    others = ctx.extra.get("pairs")
    if not others or ctx.n_rights < 2:
        return
    title = ctx.texts.get("title", "")
    own = [h for h in hits if h.field == "title"]
    for other_idx, other_hits in others:
        if other_idx == right_idx:
            continue
        for mine in own:
            for theirs in other_hits:
                if theirs.field != "title" or theirs.start < mine.end and mine.start < theirs.end:
                    continue
                first, second = (mine, theirs) if mine.start < theirs.start else (theirs, mine)
                between = title[first.end:second.start]
                if len(between) > 6:
                    continue
                cues = wording.find("co_brand", between) or wording.find("co_brand", title[second.end:second.end + 4])
                if cues:
                    vec[INDEX["co_brand"]] = 1.0
                    reasons.append({"code": "co_brand", "cue": cues[0][2], "seen": theirs.seen})
                    return


_TOLD_AS_MARK = frozenset(("brand_field", "brand_cue"))  # the seller says the word is a brand (牌, 品牌, brand field)


def bent_beyond_classes(right: Right, hits: list[Hit], votes: Any, ctx: ListingContext) -> bool:
    """Is this a bent Chinese spelling (homophone, shape-alike) of a well-known trademark on goods known
    to lie outside the right's classes, with nothing else that says it is the mark (no counterfeit
    wording, no 牌 or brand field)? Then the pair goes (matchers/matcher.py).

    Why: a well-known mark reaches beyond its classes only when it is used as a mark (docs/labelling.md,
    condition 2); the bent word on far goods (长鸿 on a guzheng for a TV maker's 长虹) is mostly a
    name or a word of its own, and a title that starts with it says no more than that. An exact mark
    keeps its pair (苹果牌 电饭煲 is the model's to judge), as do a Latin look-alike (VEL0RA), a mark split
    and goods of unknown class.

    A GI's name bent in the same ways goes on goods known to lie outside the GI's classes (苏洎尔 不粘锅
    for 苏绣: a pan is no embroidery, whatever the name) and where the bent name is another region's
    product (matchers/origin.py bent_into_another_region: 恩施|红茶 for 宜红茶, 藏绣 for 羌绣). Why here:
    this is the matcher's one look at bent spellings that name something else, asked only of bent hits."""
    if any(h.how not in BENT_CHARACTERS for h in hits):
        return False
    if right.kind == "gi":
        from matchers.origin import bent_into_another_region

        return bent_into_another_region(right, hits, ctx.texts) or \
            bool(right.nice_classes) and _far_goods_unclaimed(right, hits, votes, ctx)
    if right.kind != "trademark" or not right.well_known or not right.nice_classes:
        return False
    return _far_goods_unclaimed(right, hits, votes, ctx)


def place_beyond_classes(right: Right, hits: list[Hit], votes: Any, ctx: ListingContext) -> bool:
    """Is this a trademark that is the name of a province or city (the gazetteer's: 牡丹江, 鄂尔多斯),
    written as it is, on goods known to lie outside the right's classes (门票, 一日游), with nothing that
    says it is the mark (no counterfeit wording, no 牌 or brand field)? Then the place is meant and the
    pair goes (matchers/matcher.py).

    Why: a ticket to a city's sights or a tour of it names the city, well-known clothing mark of that name
    or not; the mark reaches beyond its classes only when used as a mark (docs/labelling.md, condition 2).
    Cities and provinces only: a county's short form (红旗 of 红旗区) is as often a word as a place."""
    if right.kind != "trademark" or not right.nice_classes:
        return False
    if any(h.how != "exact" for h in hits) or not names_a_city(hits[0].form.text):
        return False
    return _far_goods_unclaimed(right, hits, votes, ctx)


def gi_on_likeness(right: Right, hits: list[Hit], votes: Any, ctx: ListingContext) -> bool:
    """Is this a GI named on a likeness of goods (a model, a toy, a prop, an imitation fruit: 瓯柑 水果模型
    假水果 拍摄道具), the listing's goods known and all outside the GI's classes, with no counterfeit
    wording? Then the listing claims no GI goods and the pair goes.

    Why so narrow: GIs' classes in registers are narrow and goods words often miss their products (锥栗
    of class 31 read as 29, a jade 挂件 as a toy), so "goods outside the classes" alone loses true leads
    on every register; a likeness the goods words themselves say (matchers/goods.py names_a_likeness)
    is what tells the GI's product is only depicted."""
    if right.kind != "gi" or not right.nice_classes:
        return False
    title = ctx.texts.get("title", "")
    spans = [(h.start, h.end) for h in hits if h.field == "title"]
    if not (goods.names_a_likeness(title) or any(goods.names_a_likeness(title, end, start) for start, end in spans)):
        return False
    if spans and goods.masks_goods_word(title, spans):  # 丹霞蜜橘: the name's own 蜜橘 names no goods sold
        votes = goods.classify(title, ctx.category, spans)[0]
    return _far_goods_unclaimed(right, hits, votes, ctx)


@lru_cache(maxsize=4096)
def names_a_city(mark: str) -> bool:
    """Is ``mark`` (norm form, Chinese) a province's or a prefecture-level city's name or short form?"""
    if len(mark) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in mark):
        return False
    from matchers.origin import _gazetteer

    try:
        gazetteer = _gazetteer()
    except Exception:  # noqa: BLE001 - no gazetteer: no place is known
        return False
    place = gazetteer.resolve(mark)
    return place is not None and place.level in ("province", "city") and (
        place.name == mark or mark in gazetteer.names_of(place))


def _far_goods_unclaimed(right: Right, hits: list[Hit], votes: Any, ctx: ListingContext) -> bool:
    """Are the listing's goods known and all outside the right's classes, with no counterfeit wording and
    no 牌, 品牌 or brand field saying the word is the mark?"""
    if votes is None:  # a register of no ordinary trademark: the matcher did not classify the goods
        votes = ctx.extra.get("goods:votes")
        if votes is None:
            votes = ctx.extra["goods:votes"] = goods.classify(ctx.texts.get("title", ""), ctx.category)[0]
    if not votes or not votes.keys().isdisjoint(right.nice_classes):
        return False
    if ctx.counterfeit:
        return False
    use = _used_as_mark(ctx, hits)
    return use is None or use.get("mark_use") not in _TOLD_AS_MARK
