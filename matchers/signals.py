"""Signals for one listing–right candidate: numeric features for the model and the reasons behind them.

Why features about evidence only (which form matched and where, wording, price ratio, goods-class
agreement, origin) and never about catalogue words: the model must judge listings written by people
it has never seen (docs/matching.md §Generalisation). Each feature comes with the reason an analyst
reads to check it, kept as a code with its parameters (a :data:`matchers.reasons.Reason`): sentences
are rendered, in English or Chinese, only for the pairs that become leads.
One function per group of features fills its part of the vector and appends its reasons.
"""

from __future__ import annotations

import math
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from markwatch.contracts import Right
from matchers import goods, wording
from matchers.candidates import MAX_SCAN, Hit
from matchers.compiled import CompiledRegister, house_line_in
from matchers import ordinary
from matchers.currency import HOME, currency_code, to_home
from matchers.ordinary import inside_ordinary_word
from matchers.reasons import Reason

FEATURES = (
    "kind_trademark", "kind_gi", "kind_special",
    "exact_name", "exact_variant", "pinyin", "nickname", "homophone", "shape", "lookalike", "fuzzy",
    "joined", "split", "obfuscated", "evasive",
    "in_title", "in_brand", "in_description_only", "used_as_mark", "latin_form", "form_length",
    "counterfeit", "counterfeit_count", "resale_wording",
    "has_price", "has_reference", "price_below_40", "price_40_60", "price_at_least_60", "log_price_ratio",
    "class_share", "class_top", "class_unknown", "well_known", "all_classes",
    "referential", "accessory", "ordinary_word", "name_use", "title_start", "two_scripts",
    "origin_inside", "origin_outside", "origin_unknown", "gi_dodge", "other_rights",
    "bent_word", "english_word_sense", "service_use",
    "split_by_words", "publication", "co_brand",
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}


@dataclass
class ListingContext:
    """What every candidate of one listing shares (computed once per listing with candidates)."""

    listing: dict[str, Any]
    texts: dict[str, str]  # norm() texts of title / brand / description
    raw_lower: dict[str, str]
    counterfeit: list[str]
    resale: list[str]
    category: str
    n_rights: int
    accessory: list[tuple[int, int, str]] = field(default_factory=list)  # accessory words of the title
    goods: tuple[Counter[int], list[str]] | None = None  # goods.classify of title and category, unmasked
    origin_places: list[Any] | None = None
    light: dict[str, str] | None = None  # the listing's own fields light-normalised, when the caller has them
    extra: dict[str, Any] = field(default_factory=dict)


# Which reason code names a hit: exact forms by their kind, bent forms by how they were bent.
_EXACT_CODE = {"name": "hit_mark", "compact": "hit_mark", "variant": "hit_variant", "pinyin": "hit_pinyin",
               "nickname": "hit_nickname", "gi_place": "hit_gi_place"}
_BENT_CODE = {"homophone": "hit_homophone", "shape": "hit_shape", "lookalike": "hit_lookalike",
              "fuzzy": "hit_near_miss", "joined": "hit_split_spelling", "split": "hit_gi_split"}
_NAMED_AS_RIGHT = frozenset(("name", "compact", "nickname", "gi_place"))  # forms reported as the right's name
_RIGHT_KIND_FEATURE = {"trademark": "kind_trademark", "gi": "kind_gi", "special_mark": "kind_special"}
_EXACT_FEATURE = {"name": "exact_name", "compact": "exact_name", "variant": "exact_variant", "pinyin": "pinyin",
                  "nickname": "nickname"}


def signals(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext,
            origin: Any | None) -> tuple[list[float], list[Reason]]:
    """The feature vector (order = FEATURES) and reasons for one candidate pair.

    Each group of features is one function below that fills its part of the vector and appends its
    reasons; the order of the calls is the order in which an analyst reads the reasons."""
    right = compiled.rights[right_idx]
    vec = [0.0] * len(FEATURES)
    reasons: list[Reason] = []
    vec[_INDEX[_RIGHT_KIND_FEATURE[right.kind]]] = 1.0
    _form_signals(vec, reasons, right, hits, ctx)
    if right_idx in compiled.house_lines and _is_house_nickname(hits[0]):
        line = house_line_in(compiled, right_idx, ctx.texts.get("title", "").replace(hits[0].seen, ""))
        if line:
            reasons[0]["line"] = line  # the product line that told which house "X家" names
    mark_use = _mark_use_signals(vec, hits, ctx)
    _wording_signals(vec, reasons, ctx)
    _price_signals(vec, reasons, ctx.listing.get("price"), right.reference_price, ctx.listing, ctx.extra)
    _goods_signals(vec, reasons, right, hits, ctx, mark_use)
    _referential_signals(vec, reasons, right, hits, ctx)
    _service_signals(vec, reasons, right, hits, ctx)
    _name_use_signals(vec, reasons, hits, ctx)
    _ordinary_word_signals(vec, reasons, right, hits, ctx, mark_use, compiled.english_forms)
    _bent_word_signals(vec, reasons, hits, ctx, compiled, right_idx)
    _english_word_signals(vec, reasons, compiled, hits, ctx)
    _split_by_words_signals(vec, reasons, hits, ctx)
    if right.kind == "special_mark" and not vec[_INDEX["ordinary_word"]]:
        _mascot_word_signals(vec, reasons, compiled, right_idx, hits, ctx)
    _publication_signals(vec, reasons, right, ctx)
    _co_brand_signals(vec, reasons, right_idx, hits, ctx)
    if right.kind == "gi":
        _origin_signals(vec, reasons, right, origin)
        _gi_dodge_signals(vec, reasons, hits, ctx)
    vec[_INDEX["other_rights"]] = float(min(ctx.n_rights - 1, 3))
    return vec, reasons


def _is_house_nickname(hit: Hit) -> bool:
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


def _form_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                  ctx: ListingContext) -> None:
    """Which form matched and how (exact, bent, obfuscated), in which fields; the best hit first."""
    best = hits[0]
    reasons.append(_hit_reason(best, right))
    evasive = False
    for hit in hits:
        if hit.how == "exact":
            name = _EXACT_FEATURE.get(hit.form.kind)
            if name:
                vec[_INDEX[name]] = 1.0
            evasive |= hit.form.kind in ("pinyin", "nickname")
            raw = ctx.raw_lower.get(hit.field, "")
            if hit.form.text not in raw and hit.form.text.replace(" ", "") not in raw:
                vec[_INDEX["obfuscated"]] = 1.0
                evasive = True
        else:
            vec[_INDEX[hit.how]] = 1.0
            evasive = True
    if vec[_INDEX["obfuscated"]] and best.how == "exact":
        reasons.append({"code": "obfuscated"})
    for other in hits[1:]:
        if other.field != best.field and len(reasons) < 3:
            reasons.append(_hit_reason(other, right))
    vec[_INDEX["evasive"]] = float(evasive)
    fields = {h.field for h in hits}
    vec[_INDEX["in_title"]] = float("title" in fields)
    vec[_INDEX["in_brand"]] = float("brand" in fields)
    vec[_INDEX["in_description_only"]] = float(fields == {"description"})
    vec[_INDEX["latin_form"]] = float(best.form.latin)
    vec[_INDEX["form_length"]] = float(min(len(best.form.text), 12))


def _mark_use_signals(vec: list[float], hits: list[Hit], ctx: ListingContext) -> dict[str, Any] | None:
    """Whether the word is used as a mark. How it is (``mark_use`` and its parameters, see
    matchers/reasons.py) is only told beside goods of other classes, where it is what makes a
    well-known mark count."""
    use = _used_as_mark(ctx, hits)
    if use is not None:
        vec[_INDEX["used_as_mark"]] = 1.0
    title_hits = [h for h in hits if h.field == "title"]
    if any(h.start == 0 for h in title_hits):
        vec[_INDEX["title_start"]] = 1.0
    if len({h.form.latin for h in title_hits}) == 2:
        vec[_INDEX["two_scripts"]] = 1.0
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
    if any(h.start == 0 for h in title_hits):
        return {"mark_use": "title_start", "seen": title_hits[0].seen}
    return None


def _wording_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """Counterfeit wording (高仿, 1:1 …) and private resale wording (闲置, 二手 …) anywhere in the listing."""
    words = _counterfeit_of(ctx)
    if words:
        vec[_INDEX["counterfeit"]] = 1.0
        vec[_INDEX["counterfeit_count"]] = float(min(len(words), 3))
        reasons.append({"code": "counterfeit_wording", "words": words[:3]})
    if ctx.resale:
        vec[_INDEX["resale_wording"]] = 1.0
        reasons.append({"code": "resale_wording", "words": ctx.resale[:2]})


def _counterfeit_of(ctx: ListingContext) -> list[str]:
    """The listing's counterfeit words, less an edition word (lexicon ``edition_words``: 原版) in a
    listing that sells a work (a book's or a film's cue: 变形金刚 原版 蓝光 电影): there it is the
    work's original release, as 英文原版 is a book's original edition. Once per listing."""
    words = ctx.counterfeit
    if not words:
        return words
    kept = ctx.extra.get("counterfeit:kept")
    if kept is None:
        edition = _edition_words()
        kept = words
        if any(w in edition for w in words) and (_publication_cues(ctx) or _title_cues(ctx, "film_work")):
            kept = [w for w in words if w not in edition]
        ctx.extra["counterfeit:kept"] = kept
    return kept


@lru_cache(maxsize=1)
def _edition_words() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("edition_words", ()))


def _price_signals(vec: list[float], reasons: list[Reason], price: Any, reference: float | None,
                   listing: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> None:
    """The price against the right's reference price (CNY; another currency converted at the ECB's
    rate of the crawl's day, matchers/currency.py); told when below 60 % of it. ``extra``: the
    listing context's, where the conversion is kept for the listing's other pairs."""
    if isinstance(price, (int, float)) and not isinstance(price, bool) and price > 0:
        converted = _conversion(price, listing, extra)
        if converted is _UNQUOTED:
            return  # a currency the ECB does not quote: the price says nothing we can read
        vec[_INDEX["has_price"]] = 1.0
        if reference:
            ratio = (converted.amount if converted else price) / reference
            vec[_INDEX["has_reference"]] = 1.0
            vec[_INDEX["log_price_ratio"]] = max(-5.0, min(2.0, math.log(ratio)))
            if ratio < 0.4:
                vec[_INDEX["price_below_40"]] = 1.0
            elif ratio < 0.6:
                vec[_INDEX["price_40_60"]] = 1.0
            else:
                vec[_INDEX["price_at_least_60"]] = 1.0
                return
            if converted is not None:
                reasons.append({"code": "price_converted", "price": price, "currency": converted.currency,
                                "converted": round(converted.amount, 2), "rate": round(converted.rate, 4),
                                "rate_date": converted.day, "reference": reference})
                return
            reasons.append({"code": "price_ratio", "price": price, "reference": reference})


_UNQUOTED = object()  # a price in a currency the ECB does not quote


def _conversion(price: float, listing: dict[str, Any] | None, extra: dict[str, Any] | None) -> Any:
    """The listing's price converted to CNY (a :class:`matchers.currency.Conversion`), None when it is
    in CNY, :data:`_UNQUOTED` when it cannot be read; once per listing when ``extra`` keeps it."""
    if extra is not None and "price:converted" in extra:
        return extra["price:converted"]
    converted: Any = None
    currency = currency_code((listing or {}).get("currency"))
    if currency != HOME:
        converted = to_home(float(price), str(currency), (listing or {}).get("crawled_at"))
        if converted is None:
            converted = _UNQUOTED
    if extra is not None:
        extra["price:converted"] = converted
    return converted


def _goods_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                   ctx: ListingContext, mark_use: dict[str, Any] | None) -> None:
    """The goods classes of the listing against the right's Nice classes."""
    title_spans = [(h.start, h.end) for h in hits if h.field == "title"]
    title = ctx.texts.get("title", "")
    own = ctx.goods is not None and not (title_spans and goods.masks_goods_word(title, title_spans))
    if own:
        votes, words = ctx.goods  # the mark covers no goods word: the listing's own classification
    else:
        votes, words = goods.classify(title, ctx.category, title_spans)
    share, top, unknown = goods.agreement(votes, right.nice_classes)
    vec[_INDEX["class_share"]], vec[_INDEX["class_top"]], vec[_INDEX["class_unknown"]] = share, top, unknown
    vec[_INDEX["well_known"]] = float(right.well_known)
    vec[_INDEX["all_classes"]] = float(not right.nice_classes)
    if right.nice_classes and votes:
        top = ctx.extra.get("goods:top") if own else None
        if top is None:
            top = _top_two(votes)
            if own:
                ctx.extra["goods:top"] = top  # the listing's own votes: the same for all its pairs
        listed = list(top)  # each reason its own list
        if share > 0:
            reasons.append({"code": "goods_in_classes", "words": words[:2], "classes": listed,
                            "right_classes": list(right.nice_classes)})
        else:
            reason = {"code": "goods_outside_classes", "words": words[:2], "classes": listed,
                      "right_classes": list(right.nice_classes), "well_known": right.well_known}
            if right.well_known and mark_use is not None:
                reason.update(mark_use)  # a well-known mark counts on any goods when used as a mark
            reasons.append(reason)


def _top_two(votes: Counter[int]) -> tuple[int, ...]:
    """The two most voted classes, ties in voting order: Counter.most_common(2), without its heap."""
    return tuple(c for c, _ in sorted(votes.items(), key=itemgetter(1), reverse=True)[:2])


def _title_cues(ctx: ListingContext, entry: str) -> list[tuple[int, int, str]]:
    """``wording.find(entry)`` over the normalised title, once per listing: the cues of the whole title
    are the same for every candidate right (read-only: the list is shared by the listing's pairs)."""
    key = f"title:{entry}"
    found = ctx.extra.get(key)
    if found is None:
        found = ctx.extra[key] = wording.find(entry, ctx.texts.get("title", ""))
    return found


def _referential_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                         ctx: ListingContext) -> None:
    """Referential use of a trademark (适用于 iPhone, an accessory's title): told as lowering the score."""
    accessory = ctx.accessory
    vec[_INDEX["accessory"]] = float(bool(accessory))
    for hit in hits if right.kind == "trademark" else ():  # special marks and GIs have no "fits" use
        text = ctx.texts[hit.field]
        # A cue right before the mark (适用于 iPhone), or anywhere in an accessory's title (钢化膜 适用).
        cues = wording.find("referential", text[max(0, hit.start - 8):hit.start]) or _cue_after_model(text, hit)
        if not cues and accessory and hit.field == "title":
            cues = _title_cues(ctx, "referential") or _part_of_device(text, hit, accessory, _other_title_hits(ctx, hits))
        if cues:
            vec[_INDEX["referential"]] = 1.0
            cue = max((c[2] for c in cues), key=len)
            reasons.append({"code": "referential_use", "cue": cue, "seen": hit.seen})
            return


_COUNTS = frozenset("一二两三四五六七八九十双单多0123456789")  # a count right before a part word
MAX_MODEL = 12  # characters of a model name (find x7, es lv9) between a mark and the part word after it


def _cue_after_model(text: str, hit: Hit) -> list[tuple[int, int, str]]:
    """A referential cue right after the mark or after its model name in Latin letters and digits (OPPO
    Find X7 适用 镜头膜: the film fits that phone, "X7-compatible"); [] when a Chinese word comes between."""
    after = text[hit.end:hit.end + wording.SHORT]  # a short window: answered from wording's cache
    for start, end, cue in wording.find("referential", after):
        if not any(ordinary.is_cjk(c) for c in after[:start]) and not cue.isascii():
            return [(start, end, cue)]
    return []


MAX_DEVICE_GAP = 8  # characters between a mark and the part that names the mark's device between them


def _other_title_hits(ctx: ListingContext, hits: list[Hit]) -> list[int]:
    """Where the listing's other candidate rights are named in the title (their hits' starts)."""
    return [h.start for _, other in ctx.extra.get("pairs") or () if other is not hits for h in other
            if h.field == "title"]


def _part_of_device(text: str, hit: Hit, accessory: list[tuple[int, int, str]],
                    others: list[int] = ()) -> list[tuple[int, int, str]]:  # type: ignore[assignment]
    """A part named after the device it fits, the mark naming whose device (戴森 吸尘器 滤网, 海尔 冰箱
    门封条): the mark, then a goods word or a model name of Latin letters with a digit (OPPO Reno11
    手机膜), then an accessory word; the accessory word as the cue, or [].
    Another right named between them (公牛插座 + 安克充电头, a bundle) owns the part instead."""
    for start, end, word in accessory:
        if any(hit.end <= at < start for at in others):
            continue
        if start and text[start - 1] in _COUNTS or text.endswith(_build_materials(), 0, start):
            continue  # 三刀头, 陶瓷内胆: how many or of what the device's own part is, not a part sold for it
        if hit.end < start <= hit.end + MAX_MODEL:
            between = text[hit.end:start]
            if any(c.isdigit() for c in between) and not any(ordinary.is_cjk(c) for c in between):
                return [(start, end, word)]  # OPPO Reno11 手机膜: the model it fits, then the part
        if hit.end < start <= hit.end + MAX_DEVICE_GAP:
            between = text[hit.end:start]
            if goods.classify(between, "")[1]:
                return [(start, end, word)]
    return []


@lru_cache(maxsize=1)
def _build_materials() -> tuple[str, ...]:
    from matchers.lexicon import lexicon
    from matchers.normalise import norm

    return tuple(norm(str(w)) for w in lexicon().get("build_materials", ()))


def _service_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                     ctx: ListingContext) -> None:
    """A repair, parts or after-sales service naming the brand it services (格力空调 上门维修). Without
    counterfeit wording it is also referential use: the seller names the goods it works on, as an
    accessory names the device it fits (a cleaning of 始祖鸟 jackets sells no jacket)."""
    if right.kind != "trademark" or "title" not in ctx.texts:
        return
    cues = _title_cues(ctx, "service")
    if cues:
        vec[_INDEX["service_use"]] = 1.0
        if not ctx.counterfeit:
            vec[_INDEX["referential"]] = 1.0
        reasons.append({"code": "service_use", "cue": max((c[2] for c in cues), key=len), "seen": hits[0].seen})


def _bent_word_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext,
                       compiled: CompiledRegister | None = None, right_idx: int = -1) -> None:
    """A bent spelling that is itself a word or a place (隔离 for 格力, 蜀绣 for 苏绣, 书包 for 蜀宝) — unless
    the title names a product line of the right's famous brand (brand_names.yaml: 大江 Mini 4 Pro 无人机
    is 大疆's drone, whatever else 大江 means): the line tells which maker the seller means."""
    for hit in hits:
        if hit.how in ("homophone", "shape") and not hit.form.latin:
            word = ordinary.word_or_place_around(ctx.texts[hit.field], hit.start, hit.end)
            if word and compiled is not None and right_idx in compiled.house_lines and \
                    house_line_in(compiled, right_idx, ctx.texts.get("title", "").replace(hit.seen, " ")):
                return
            if word:
                vec[_INDEX["bent_word"]] = 1.0
                reasons.append({"code": "bent_is_word", "seen": word})
                return


def _mascot_word_signals(vec: list[float], reasons: list[Reason], compiled: CompiledRegister, right_idx: int,
                         hits: list[Hit], ctx: ListingContext) -> None:
    """A special mark's name read as the everyday word it bends or is (海豹 or 海报 for the mascot 海宝,
    福猩猩 for 福星星, 青青 小草 for 青青) in a listing that says nothing of the event or a mascot: no
    event word (lexicon ``mascot_event``: 吉祥物, 亚运, 纪念 …), no mascot goods (``mascot_goods``: 公仔,
    T恤 …) and no other right of the same holder. Why: a special mark is judged whatever the goods, so its
    bent spellings and its everyday-word names meet ordinary text everywhere; an unlicensed mascot
    product says whose mascot it is (all the special-mark infringements of the labelled sets do),
    a cartoon or a seal does not. A bent spelling, or a name the text's words cut across (海宝宝),
    needs an event word (a cartoon's plush is a 公仔 too); an exact name that is a dictionary word
    needs an event word or mascot goods. Told as an ordinary word (lowers the score)."""
    if all(h.form.latin for h in hits):
        word = _latin_mascot_word(compiled, right_idx, hits, ctx)
        if word:
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": word, "word": word})
        return
    bent = [h for h in hits if h.how in ("homophone", "shape") and not h.form.latin]
    exact = [h for h in hits if h.how == "exact" and not h.form.latin]
    if not bent and not exact or len(bent) + len(exact) < len(hits):
        return
    if _mascot_context(compiled, right_idx, ctx, "mascot_event"):
        return
    if vec[_INDEX["split_by_words"]]:  # 海宝宝 for 海宝: glued into another name, as good as bent
        word = next(r["word"] for r in reasons if r["code"] == "split_by_words")
        vec[_INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": word})
        return
    if exact and _title_cues(ctx, "written_work"):
        for hit in exact:  # 一日看尽长安花 书法: the verse's words, written out on a scroll
            raw = _light_field(ctx, hit.field)
            if hit.field == "title" and not _stands_alone(raw, hit.seen):
                vec[_INDEX["ordinary_word"]] = 1.0
                reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": _glued_run(raw, hit.seen)})
                return
    for hit in bent:
        word = _word_over_bend(ctx.texts[hit.field], hit)
        if word:
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return
    if bent:
        if not exact and not _mascot_context(compiled, right_idx, ctx, "mascot_goods"):
            # 荣宝 毛笔: a bent spelling with neither the event nor a mascot's goods names nothing of it
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": bent[0].seen, "word": bent[0].seen})
        return
    for hit in exact:
        word = _reduplicated_word(ctx.texts[hit.field], hit)
        if word:  # 圆圆脸, 圆圆框: a doubled adjective before its noun, not the mascot 圆圆
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return
    if _cartoon_context(ctx, exact):  # 萌鸡小队 乐乐 公仔: the cartoon's 乐乐, not the mascot
        vec[_INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "ordinary_word", "seen": exact[0].seen, "word": exact[0].seen})
        return
    if _mascot_context(compiled, right_idx, ctx, "mascot_goods"):
        return
    for hit in exact:
        if hit.seen in ordinary.dictionary_word_set() and _stands_alone(_light_field(ctx, hit.field), hit.seen):
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": hit.seen})
            return


_LATIN_NEAR = frozenset(("fuzzy", "lookalike"))  # Latin hits one letter off a form


def _latin_mascot_word(compiled: CompiledRegister, right_idx: int, hits: list[Hit], ctx: ListingContext) -> str:
    """A special mark's Latin name read as something else, or "": one letter off its pinyin with no event
    word (Hong Bao, a red envelope, for the mascot Rong Bao: pinyin one letter off is mostly another
    word, so a near miss needs the event's words as a bent Chinese spelling does), or written exactly in a
    cartoon's listing (Ledi of Super Wings). Why: cross-border listings write mascots in pinyin."""
    if _mascot_context(compiled, right_idx, ctx, "mascot_event"):
        return ""
    if all(h.how in _LATIN_NEAR for h in hits):
        return hits[0].seen
    exact = [h for h in hits if h.how == "exact"]
    if exact and len(exact) == len(hits) and _cartoon_context(ctx, exact):
        return exact[0].seen
    return ""


@lru_cache(maxsize=1)
def _reduplicated_nouns() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("reduplicated_nouns", ()))


def _reduplicated_word(text: str, hit: Hit) -> str:
    """A doubled character (圆圆, 甜甜) glued to the next character where the single one and that
    character make a word (圆脸, 圆框: 圆圆脸 is a round face), or after a character that makes a word
    of the whole (亮晶晶); the phrase, or "". Chinese doubles an adjective before its noun, so a
    mascot named by a doubled everyday word meets it inside such phrases; lexicon ``reduplicated_nouns``
    names the nouns such phrases end in that are no word with the single character (圆框)."""
    seen = hit.seen
    if len(seen) != 2 or seen[0] != seen[1] or not ordinary.is_cjk(seen[0]):
        return ""
    words = ordinary.dictionary_word_set()
    after = text[hit.end] if hit.end < len(text) else ""
    if after and ordinary.is_cjk(after) and (seen[0] + after in words or after in _reduplicated_nouns()):
        return text[hit.start:hit.end + 1]
    if hit.start and ordinary.is_cjk(text[hit.start - 1]) and text[hit.start - 1] + seen in words:
        return text[hit.start - 1:hit.end]
    return ""


def _cartoon_context(ctx: ListingContext, hits: list[Hit]) -> bool:
    """Does the title name a cartoon (lexicon ``cartoon_names`` other than the mark's own spelling, or
    ``cartoon_context``: 动画, 动漫 …)? Its characters' names are then the cartoon's."""
    if _title_cues(ctx, "cartoon_context"):
        return True
    own = [(h.start, h.end) for h in hits if h.field == "title"]
    return any(not any(s < e2 and s2 < e for s2, e2 in own) for s, e, _ in _title_cues(ctx, "cartoon_names"))


def _word_over_bend(text: str, hit: Hit) -> str:
    """The dictionary word or place that holds a bent spelling (海豹, 荣宝斋), or the word of two or
    more characters inside it that holds every bent character (猩猩 in 福猩猩 for 福星星), or ""."""
    word = ordinary.word_or_place_around(text, hit.start, hit.end)
    if word:
        return word
    seen, form = text[hit.start:hit.end], hit.form.text
    if len(seen) != len(form):
        return ""
    bent = [i for i, (a, b) in enumerate(zip(seen, form)) if a != b]
    if not bent:
        return ""
    words = ordinary.dictionary_word_set()
    for lo in range(0, bent[0] + 1):
        for hi in range(len(seen), bent[-1], -1):
            if 2 <= hi - lo < len(seen) and seen[lo:hi] in words:
                return seen[lo:hi]
    return ""


def _mascot_context(compiled: CompiledRegister, right_idx: int, ctx: ListingContext, entry: str) -> bool:
    """Does the listing name the event or a mascot (lexicon ``entry``: ``mascot_event`` words, or
    ``mascot_goods`` words beside them), or another right of the same holder? Once per listing."""
    key = f"context:{entry}"
    found = ctx.extra.get(key)
    if found is None:
        text = " ".join(ctx.texts.get(f, "") for f in ("title", "description", "brand"))
        found = ctx.extra[key] = bool(wording.find(entry, text))
    if found:
        return True
    holder = compiled.rights[right_idx].holder
    return bool(holder) and any(idx != right_idx and compiled.rights[idx].holder == holder
                                for idx, _ in ctx.extra.get("pairs") or ())


def _english_word_signals(vec: list[float], reasons: list[Reason], compiled: CompiledRegister, hits: list[Hit],
                          ctx: ListingContext) -> None:
    """A Latin mark that is an English word, written as a word rather than a brand: not all capitals,
    and lower-case or inside the title rather than heading it (soccer coach whistle, white dove pendant);
    or, on goods outside the right's classes, an English word or phrase of words (canada goose) not
    written in capitals (Canada goose decoy: the bird, on hunting goods)."""
    other_goods = not vec[_INDEX["class_unknown"]] and not vec[_INDEX["class_share"]] and not vec[_INDEX["all_classes"]]
    for hit in hits:
        if hit.how != "exact" or not hit.form.latin or hit.form.text not in compiled.english_forms:
            continue
        raw = str(ctx.listing.get(hit.field) or "")
        if (" " not in hit.form.text and _reads_as_word(raw, hit.form.text)) or (other_goods and _not_capitals(raw, hit.form.text)):
            vec[_INDEX["english_word_sense"]] = 1.0
            reasons.append({"code": "english_word_sense", "seen": hit.seen})
            return


def _not_capitals(raw: str, phrase: str) -> bool:
    """Is ``phrase`` written in ``raw`` other than in capitals (Canada goose, not CANADA GOOSE)? On
    goods outside the right's classes an English word or phrase so written is read in its sense."""
    import re

    found = re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", raw, re.IGNORECASE)
    return found is not None and not found.group().isupper()


def _reads_as_word(raw: str, word: str) -> bool:
    import re

    found = re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", raw, re.IGNORECASE)
    if found is None:
        return False
    written = found.group()
    if written.isupper():
        return False
    return written.islower() or bool(raw[:found.start()].strip(" -|/,.:;【】[]()"))


_SEGMENTED = frozenset(("exact", "homophone", "shape"))  # hits whose run of text is segmented


def _split_by_words_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """A short Chinese mark glued inside other characters that the likeliest segmentation cuts across
    (深海|宝藏 for 海宝, 新郎|酒杯 for 郎酒, 黄金|金条 for 金金): no word of its own there. A bent
    spelling too (手|工纸 in 夹江手工纸 for 宣纸, 折纸|星星 for 纸星星): a homophone or shape-alike
    that the text's own words cut across was never written as one. Cost: nothing
    for a mark standing alone (spaces or Latin around it); else one segmentation of ≤ 15 characters
    (≈20 µs, jieba's dictionary loaded once per process when first needed, ≈0.5 s)."""
    exact = any(h.how == "exact" for h in hits)  # then the bent spellings beside it are not judged
    for hit in hits:
        if hit.how not in _SEGMENTED or (exact and hit.how != "exact") or hit.form.latin or len(hit.form.text) > ordinary.MAX_FORM \
                or hit.form.kind not in ("name", "variant"):
            continue  # nicknames are slang, glued as a rule (小香风)
        text = ctx.texts[hit.field]
        if not (hit.start and ordinary.is_cjk(text[hit.start - 1])) and \
                not (hit.end < len(text) and ordinary.is_cjk(text[hit.end])):
            continue  # nothing Chinese glued to it even after normalising: nothing to segment
        if _stands_alone(_light_field(ctx, hit.field), hit.seen):
            continue  # 金金 金丝猴: the seller's own space cuts the mark out (norm joins the characters)
        word = ordinary.straddling_word(ctx.texts[hit.field], hit.start, hit.end)
        if word:
            vec[_INDEX["split_by_words"]] = 1.0
            reasons.append({"code": "split_by_words", "seen": hit.seen, "word": word})
            return


def _light_field(ctx: ListingContext, name: str) -> str:
    """The field as written, only ``light``-normalised (高仿 古馳 → 高仿 古驰: its spaces kept), once per field."""
    key = f"light:{name}"
    if key not in ctx.extra:
        known = ctx.light.get(name) if ctx.light is not None else None  # listing_texts made it with the batch
        if known is None:
            from matchers.normalise import light

            known = light(str(ctx.listing.get(name) or "")[:MAX_SCAN])
        ctx.extra[key] = known
    return ctx.extra[key]


def _glued_run(raw: str, seen: str) -> str:
    """The run of Chinese characters of ``raw`` that holds ``seen`` (一日看尽长安花 for 长安花), or ``seen``."""
    at = raw.find(seen)
    if at < 0:
        return seen
    start, end = at, at + len(seen)
    while start and "\u4e00" <= raw[start - 1] <= "\u9fff":
        start -= 1
    while end < len(raw) and "\u4e00" <= raw[end] <= "\u9fff":
        end += 1
    return raw[start:end]


def _stands_alone(raw: str, seen: str) -> bool:
    """Does ``seen`` occur in the raw text with no Chinese character glued to either side?"""
    at = raw.find(seen)
    while at >= 0:
        end = at + len(seen)
        if (at == 0 or not "\u4e00" <= raw[at - 1] <= "\u9fff") and (end == len(raw) or not "\u4e00" <= raw[end] <= "\u9fff"):
            return True
        at = raw.find(seen, at + 1)
    return False


def _publication_signals(vec: list[float], reasons: list[Reason], right: Right, ctx: ListingContext) -> None:
    """A book or other printed work (绘本, 英文原版, paperback …, lexicon ``publication``) naming a trademark
    that is not registered for printed matter (class 16): the word belongs to the work's title or
    subject (骆驼祥子, Pandora's Box). Computed once per listing; cost one automaton pass of the title."""
    if right.kind == "special_mark":
        _history_work_signals(vec, reasons, ctx)
        return
    if right.kind != "trademark" or 16 in right.nice_classes:
        return
    found = _publication_cues(ctx)
    if not found and 9 not in right.nice_classes:
        found = _title_cues(ctx, "film_work")  # a film on a disc: recorded media are class 9
    if found:
        vec[_INDEX["publication"]] = 1.0
        reasons.append({"code": "publication", "cue": max((c[2] for c in found), key=len)})


def _publication_cues(ctx: ListingContext) -> list[tuple[int, int, str]]:
    return _title_cues(ctx, "publication")


def _history_work_signals(vec: list[float], reasons: list[Reason], ctx: ListingContext) -> None:
    """A history or record of the event (lexicon ``history_work``: 简史, 年鉴, 地方志, 纪实 …, or a book
    about its 历史 or 回顾): the games' or expo's name tells what the work is about, the event in its
    ordinary sense, not a mark put on goods (世博会 简史, 青运会 年鉴). A special mark is judged whatever
    the goods, so its mascot's picture book stays a use of the mark: only works of history count.
    Told as a publication; the feature ``ordinary_word`` is set with it, because the model learned
    ``publication`` on trademarks alone (no labelled special mark in a book to learn it from)."""
    cues = _title_cues(ctx, "history_work")
    if not cues and _publication_cues(ctx):
        cues = _title_cues(ctx, "history_topic")
    if cues:
        vec[_INDEX["publication"]] = vec[_INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "publication", "cue": max((c[2] for c in cues), key=len)})


def _co_brand_signals(vec: list[float], reasons: list[Reason], right_idx: int, hits: list[Hit],
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
                    vec[_INDEX["co_brand"]] = 1.0
                    reasons.append({"code": "co_brand", "cue": cues[0][2], "seen": theirs.seen})
                    return


def _name_use_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """The mark used as a personal name or a year (宸宸 名字贴, 北京2022年)."""
    for hit in hits:
        after = ctx.texts[hit.field][hit.end:hit.end + 6]
        before = ctx.texts[hit.field][max(0, hit.start - 4):hit.start]
        cues = wording.find("name_use", after) + wording.find("name_use", before)
        if any(c[2] != "年" or (c[0] == 0 and hit.form.text[-1].isdigit()) for c in cues):
            vec[_INDEX["name_use"]] = 1.0
            reasons.append({"code": "name_use", "seen": hit.seen})
            return


def _ordinary_word_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                           ctx: ListingContext, mark_use: dict[str, Any] | None = None,
                           english: frozenset[str] = frozenset()) -> None:
    """The mark swallowed by an everyday word (招财进宝, 小米粥), or a short mark glued into a pun on an
    idiom that differs from it only in the mark's characters (金金计较 for 斤斤计较); on goods outside
    the right's classes also a style named after the maker (包豪斯风格 台灯) and a mark that is an
    everyday word not used as a mark (啄木鸟 标本: the bird)."""
    if right.kind == "trademark" and _on_other_goods(vec):
        word = _other_goods_sense(right, hits, ctx, mark_use, english)
        if word:
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": word})
            return
    for hit in hits:
        text = ctx.texts[hit.field]
        word = inside_ordinary_word(text, hit.start, hit.end, hit.form.text, right)
        if not word and hit.how == "exact" and not hit.form.latin and len(hit.form.text) <= ordinary.MAX_FORM \
                and ((hit.start and ordinary.is_cjk(text[hit.start - 1]))
                     or (hit.end < len(text) and ordinary.is_cjk(text[hit.end]))):
            word = ordinary.pun_around(text, hit.start, hit.end)  # 金金计较: a pun on 斤斤计较
        if not word and right.kind == "trademark" and not ctx.counterfeit:
            word = _motif_after(text, hit)  # 凤凰图案, 红豆色: the picture or colour the word names
        if word:
            vec[_INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return


def _on_other_goods(vec: list[float]) -> bool:
    """Are the listing's goods known and none of them in the right's classes (the goods signals' verdict)?"""
    return not vec[_INDEX["class_unknown"]] and not vec[_INDEX["class_share"]] and not vec[_INDEX["all_classes"]]


def _other_goods_sense(right: Right, hits: list[Hit], ctx: ListingContext, mark_use: dict[str, Any] | None,
                       english: frozenset[str]) -> str:
    """On goods outside the right's classes, the phrase that reads the mark in its ordinary sense, or "":
    a style word right after it (lexicon ``style``: 包豪斯风格, bauhaus style — how the goods look, the
    way a Tiffany lamp is no Tiffany jewel), or a Chinese mark that is itself a dictionary word (啄木鸟,
    大自然, 红蜻蜓) and means what it says (:func:`_word_mark`) with nothing that makes it a mark: no
    brand field, no 牌/品牌 cue, no Latin name beside it, no counterfeit wording (heading the title is
    how a word is written too). Why: a well-known mark reaches beyond its classes only when it is used
    as a mark; an animal's, a thing's or a style's name on a specimen, a carving or a lamp is the word.
    Costs nothing unless the goods are of other classes."""
    if ctx.counterfeit:
        return ""
    for hit in hits:
        if hit.how != "exact" or hit.form.kind not in ("name", "variant", "compact"):
            continue
        text = ctx.texts[hit.field]
        style = _style_after(text, hit)
        if style:
            return style
        if not hit.form.latin and hit.field == "title" and (mark_use is None or mark_use["mark_use"] == "title_start") \
                and _word_mark(right, hit.seen, english):
            return hit.seen
    return ""


def _word_mark(right: Right, seen: str, english: frozenset[str]) -> bool:
    """Is the Chinese mark ``seen`` a word that means something (啄木鸟, 大自然) rather than a name
    (劳力士, 华为, 阿迪达斯, all of them in jieba's dictionary too)? A dictionary word whose right's Latin
    names are all English words (WOODPECKER, NATURE: the mark translates a word), or, for a right with
    no Latin name, a word jieba tags a common noun (``n``)."""
    if not ordinary.is_dictionary_word(seen):
        return False
    latin = _latin_names(right.name, tuple(right.variants))
    if latin:
        return all(name in english for name in latin)
    return ordinary.dictionary_tag(seen) == "n"


@lru_cache(maxsize=65536)
def _latin_names(name: str, variants: tuple[str, ...]) -> tuple[str, ...]:
    """A right's name and variants written in Latin letters, normalised as the register's forms are."""
    from matchers.normalise import norm

    names = (norm(n) for n in (name, *variants))
    return tuple(n for n in names if n and n.isascii() and any(c.isalpha() for c in n))


def _style_after(text: str, hit: Hit) -> str:
    """A style, colour or print word (lexicon ``style``) right after the mark and not the start of a
    goods word (风 of 风衣) or of another word (蓝 of 蓝牙): the phrase, or ""."""
    rest = text[hit.end:hit.end + 8]
    skip = 1 if rest[:1] == " " else 0
    cues = [c for c in wording.find("style", rest) if c[0] == skip]
    if not cues:
        return ""
    end = max(c[1] for c in cues)
    at = hit.end + skip
    if any(start <= at < stop for start, stop, _ in goods._found(text)):
        return ""  # 飞鹤风衣: a trench coat, no style
    if end - skip == 1 and ordinary.is_cjk(text[at]) and at + 2 <= len(text) and text[at + 1] != "色" \
            and ordinary.is_dictionary_word(text[at:at + 2]):
        return ""  # 蓝牙 (Bluetooth), 风景: a word that starts with the cue's character
    return text[hit.start:hit.end + end]


def _motif_after(text: str, hit: Hit) -> str:
    """A Chinese mark that is an everyday word followed by a word of a motif, pattern or colour (lexicon
    ``motif``: 凤凰图案, 熊猫造型, 红豆色): the word names the picture on the goods or their colour, not
    who made them; the phrase, or "". Only marks that are dictionary words (凤凰, 熊猫, 红豆), written
    exactly: 耐克印花 has no ordinary sense to name."""
    if hit.how != "exact" or hit.form.latin:
        return ""
    cues = [c for c in wording.find("motif", text[hit.end:hit.end + 3]) if c[0] == 0]
    if not cues or hit.seen not in ordinary.dictionary_word_set():  # the dictionary only behind a cue
        return ""
    return text[hit.start:hit.end + max(c[1] for c in cues)]


def _origin_signals(vec: list[float], reasons: list[Reason], right: Right, origin: Any) -> None:
    """Where a GI product comes from, against the GI's protected area."""
    if origin is None or origin.state == "unknown":
        vec[_INDEX["origin_unknown"]] = 1.0
        reasons.append({"code": "origin_unknown", "gi": right.name})
        return
    code = "origin_outside" if origin.state == "outside" else "origin_inside"
    vec[_INDEX[code]] = 1.0
    reasons.append({"code": code, "where": origin.where, "source": origin.source, "regions": list(right.regions)})


def _gi_dodge_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """A GI name bent to dodge filters: split up (阳澄湖镇大闸蟹) or followed by 同款/风味 …"""
    for hit in hits:
        text = ctx.texts[hit.field]
        window = text[hit.start:hit.end + 3] if hit.how == "split" else text[hit.end:hit.end + 3]
        cues = wording.find("gi_dodge", window)
        if hit.how == "split" or cues:
            vec[_INDEX["gi_dodge"]] = 1.0
            cue = cues[0][2] if cues else ""
            reasons.append({"code": "gi_dodge", "text": text[hit.start:hit.end + (len(cue) if hit.how != "split" else 0)]})
            return
