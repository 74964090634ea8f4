"""Reason codes: why a lead was flagged, as a stable code with its parameters, and the sentences
rendered from them in English and Chinese.

Why codes and not sentences only: the analysts' workbench shows reasons in Chinese or English, and
feeds and dashboards count them ("how many leads had a price under 40 % of the reference?"). A
sentence can be neither translated nor counted reliably; a code with its parameters can be both.
A reason is one small dict, ``{"code": "price_ratio", "price": 89.0, "reference": 699.0}``: the
object a lead (CONTRACTS §3) carries in ``reason_codes``, beside its English sentences in ``reasons``
(same order). The signals (matchers/signals.py) build these and nothing else, and the sentences are
rendered here, in one place per language, once per lead. Why a dict and not a NamedTuple of code
and params: it is the contract's own shape, so a lead takes the list as it is and a stored lead
renders exactly like a fresh one; and it is cheaper, which counts on the matcher's hot path. Measured
against the sentence-building signals in the same run (20,000 demo listings, 9,237 pairs): a
NamedTuple with a params dict, copied flat for the lead, cost 4.3 µs more per pair; the dict 2.0 µs.

Codes are stable identifiers (lowercase snake_case; docs/matching.md lists them with their
parameters). Add a code with both renderers; never rename one: stored leads keep their codes.
Parameter values are plain JSON (text, numbers, booleans, lists of text or numbers), so a lead
read back from JSON Lines renders exactly the same sentence as the lead that was written.

It lives in the ground (markwatch/) and needs nothing but the standard library, because the rooms
that show leads but may not import matchers/ (web/, feeds/; ARCHITECTURE.md) render reasons too;
``matchers.reasons`` re-exports it for the matcher's modules.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping


Reason = dict[str, Any]
"""One reason: ``{"code": <stable code>, **<the parameters its sentence needs>}``."""


class UnknownReasonCode(ValueError):
    """A code no renderer knows (a lead written by a newer markwatch, or a typo)."""


Params = Mapping[str, Any]
Renderer = Callable[[Params], str]
LANGUAGES = ("en", "zh")

# ---------------------------------------------------------------------------------------- English
_FIELD_EN = {"title": "title", "brand": "brand field", "description": "description", "seller_name": "shop name",
             "category": "category"}
# How a bent form was found, as the English sentence names it (hit codes of a form that is not exact).
_BENT_EN = {"hit_homophone": "homophone", "hit_shape": "shape-alike", "hit_lookalike": "look-alike letters",
            "hit_near_miss": "near miss", "hit_split_spelling": "split-up spelling",
            "hit_gi_split": "GI name split up", "hit_reordered": "characters in another order"}


def _bent_en(code: str) -> Renderer:
    how = _BENT_EN[code]
    return lambda p: f"{how} {p['seen']} of {p['target']} in {_FIELD_EN[p['field']]}"


def _regions_en(p: Params) -> str:
    return "、".join(p["regions"]) or "(no area given)"


def _reference_en(p: Params) -> str:
    """The reference a price is read against: one right's, or a bundle's sum of its marks' references."""
    if p.get("bundle"):
        return f"the references of {' + '.join(p['bundle'])} together ({p['reference']:g})"
    return f"reference {p['reference']:g}"


def _reference_zh(p: Params) -> str:
    if p.get("bundle"):
        return f" {' + '.join(p['bundle'])} 参考价之和 {p['reference']:g}"
    return f"参考价 {p['reference']:g}"


def _goods_en(p: Params, where: str) -> str:
    words = "/".join(p["words"])
    classes = ", ".join(map(str, p["classes"]))
    right_classes = ", ".join(map(str, p["right_classes"]))
    return f"goods ({words}: class {classes}) {where} the right's classes {right_classes}"


def _goods_outside_en(p: Params) -> str:
    note = ""
    if p["well_known"]:
        use = p.get("mark_use")
        note = " (well-known mark" + (f"; {_MARK_USE_EN[use](p)})" if use else ")")
    return _goods_en(p, "outside") + note


# How the word reads as a mark: the ``mark_use`` parameter of goods_outside_classes (with its own
# parameters beside it), told for a well-known mark on goods of other classes.
_MARK_USE_EN: dict[str, Renderer] = {
    "brand_field": lambda p: f"{p['seen']} given as the brand",
    "brand_cue": lambda p: f"{p['seen']}{p['cue']}: named as a brand",
    "latin_brand_name": lambda p: f"{p['seen']} written as a brand name",
    "two_scripts": lambda p: "mark written in Chinese and Latin letters",
    "title_start": lambda p: f"{p['seen']} heads the title, where the brand goes",
}

_ENGLISH: dict[str, Renderer] = {
    # which form of the right matched, and where
    "hit_mark": lambda p: f"mark {p['seen']} in {_FIELD_EN[p['field']]}",
    "hit_variant": lambda p: f"mark variant {p['seen']} in {_FIELD_EN[p['field']]}",
    "hit_pinyin": lambda p: f"pinyin {p['seen']} of {p['target']} in {_FIELD_EN[p['field']]}",
    "hit_nickname": lambda p: f"nickname {p['seen']} of {p['target']} in {_FIELD_EN[p['field']]}",
    "hit_gi_place": lambda p: f"GI place {p['seen']} in {_FIELD_EN[p['field']]}",
    **{code: _bent_en(code) for code in _BENT_EN},
    "obfuscated": lambda p: "mark written with spacing, symbols or traditional characters to dodge filters",
    "live_code": lambda p: "only part of the mark, after a live room's code word, to dodge filters",
    "exhibitor": lambda p: f"the seller took part in {p['seen']} ('{p['cue']}'), the goods do not carry its name (lowers the score)",
    "admission": lambda p: f"a ticket or pass to {p['seen']} itself ('{p['cue']}'), no goods under its name (lowers the score)",
    # wording
    "counterfeit_wording": lambda p: "counterfeit wording: " + ", ".join(p["words"]),
    "resale_wording": lambda p: "private resale wording: " + ", ".join(p["words"]) + " (lowers the score)",
    # price
    "price_ratio": lambda p: (f"price {p['price']:g} is {p['price'] / p['reference']:.0%} "
                              f"of {_reference_en(p)}"),
    "price_converted": lambda p: (f"price {p['price']:g} {p['currency']} ≈ {p['converted']:.0f} CNY "
                                  f"(ECB rate {p['rate']:.4f} of {p['rate_date']}) is "
                                  f"{p['converted'] / p['reference']:.0%} of {_reference_en(p)}"),
    # goods class
    "goods_in_classes": lambda p: _goods_en(p, "within"),
    "goods_outside_classes": _goods_outside_en,
    # referential use, names, ordinary words
    "referential_use": lambda p: f"referential use: '{p['cue']}' with {p['seen']} (lowers the score)",
    "service_use": lambda p: f"repair, parts or rental service: '{p['cue']}' for {p['seen']} (lowers the score)",
    "bent_is_word": lambda p: f"{p['seen']} is itself a word or place name (lowers the score)",
    "english_word_sense": lambda p: (f"{p['seen']} is an English word, written here among English words "
                                     "(lowers the score)"),
    "name_use": lambda p: f"{p['seen']} used as a personal name or a date (lowers the score)",
    "ordinary_word": lambda p: f"{p['seen']} is part of the ordinary word {p['word']} (lowers the score)",
    "split_by_words": lambda p: (f"{p['seen']} is cut across by the word {p['word']}: no word of its own here "
                                 "(lowers the score)"),
    "publication": lambda p: f"a book or printed work ('{p['cue']}'): the mark may be a word of its title (lowers the score)",
    "co_brand": lambda p: f"co-branded with {p['seen']} ('{p['cue']}'): both used as marks",
    # origin of a GI product
    "origin_unknown": lambda p: f"no origin found for a product named as GI {p['gi']}",
    "origin_outside": lambda p: (("ships from" if p["source"] == "ship_from" else "origin given as")
                                 + f" {p['where']}, outside the protected area {_regions_en(p)}"),
    "origin_inside": lambda p: f"origin {p['where']} inside the protected area {_regions_en(p)} (lowers the score)",
    "gi_blend": lambda p: f"blended with produce from outside the protected area ('{p['cue']}')",
    "gi_dodge": lambda p: f"GI name bent to dodge filters: {p['text']}",
}

# ---------------------------------------------------------------------------------------- Chinese
_FIELD_ZH = {"title": "标题", "brand": "品牌栏", "description": "描述", "seller_name": "店铺名", "category": "类目"}
_BENT_ZH = {"hit_homophone": "谐音", "hit_shape": "形近字写法", "hit_lookalike": "形似字母写法",
            "hit_near_miss": "近似拼写", "hit_split_spelling": "拆分写法", "hit_reordered": "颠倒字序写法"}


def _bent_zh(code: str) -> Renderer:
    how = _BENT_ZH[code]
    return lambda p: f"{_FIELD_ZH[p['field']]}中的“{p['seen']}”是“{p['target']}”的{how}"


def _classes_zh(classes: Iterable[int]) -> str:
    return "第" + "、".join(map(str, classes)) + "类"


def _regions_zh(p: Params) -> str:
    return "、".join(p["regions"]) or "（未登记产区）"


def _goods_zh(p: Params, where: str) -> str:
    words = "/".join(p["words"])
    return f"商品（{words}：{_classes_zh(p['classes'])}）{where}该权利核定的{_classes_zh(p['right_classes'])}"


def _goods_outside_zh(p: Params) -> str:
    note = ""
    if p["well_known"]:
        use = p.get("mark_use")
        note = "（驰名商标" + (f"；{_MARK_USE_ZH[use](p)}）" if use else "）")
    return _goods_zh(p, "不属于") + note


_MARK_USE_ZH: dict[str, Renderer] = {
    "brand_field": lambda p: f"“{p['seen']}”填在品牌栏",
    "brand_cue": lambda p: f"“{p['seen']}{p['cue']}”：作为品牌标示",
    "latin_brand_name": lambda p: f"“{p['seen']}”以品牌名的形式书写",
    "two_scripts": lambda p: "商标以中文和拉丁字母两种形式书写",
    "title_start": lambda p: f"“{p['seen']}”位于标题开头，即品牌所在的位置",
}

_CHINESE: dict[str, Renderer] = {
    "hit_mark": lambda p: f"{_FIELD_ZH[p['field']]}中出现商标“{p['seen']}”",
    "hit_variant": lambda p: f"{_FIELD_ZH[p['field']]}中出现商标的变体“{p['seen']}”",
    "hit_pinyin": lambda p: f"{_FIELD_ZH[p['field']]}中出现“{p['target']}”的拼音“{p['seen']}”",
    "hit_nickname": lambda p: f"{_FIELD_ZH[p['field']]}中出现“{p['target']}”的俗称“{p['seen']}”",
    "hit_gi_place": lambda p: f"{_FIELD_ZH[p['field']]}中出现地理标志产地名“{p['seen']}”",
    **{code: _bent_zh(code) for code in _BENT_ZH},
    "hit_gi_split": lambda p: f"{_FIELD_ZH[p['field']]}中的“{p['seen']}”把地理标志“{p['target']}”拆开书写",
    "obfuscated": lambda p: "商标中夹带空格、符号或使用繁体字，意在规避过滤",
    "live_code": lambda p: "直播间暗号后只写商标的一部分，意在规避过滤",
    "exhibitor": lambda p: f"卖家称参加过“{p['seen']}”（“{p['cue']}”），商品并未使用其名称（降低评分）",
    "admission": lambda p: f"“{p['seen']}”本身的门票或证件（“{p['cue']}”），并非使用其名称的商品（降低评分）",
    "counterfeit_wording": lambda p: "出现假冒用语：" + "、".join(p["words"]),
    "resale_wording": lambda p: "出现个人转卖用语：" + "、".join(p["words"]) + "（降低评分）",
    "price_ratio": lambda p: (f"售价 {p['price']:g} 仅为{_reference_zh(p)} "
                              f"的 {p['price'] / p['reference']:.0%}"),
    "price_converted": lambda p: (f"售价 {p['price']:g} {p['currency']} 约合人民币 {p['converted']:.0f} 元"
                                  f"（欧洲央行 {p['rate_date']} 汇率 {p['rate']:.4f}），仅为{_reference_zh(p)} "
                                  f"的 {p['converted'] / p['reference']:.0%}"),
    "goods_in_classes": lambda p: _goods_zh(p, "属于"),
    "goods_outside_classes": _goods_outside_zh,
    "referential_use": lambda p: f"指示性使用：“{p['cue']}”后接“{p['seen']}”（降低评分）",
    "service_use": lambda p: f"维修、配件或租赁服务：“{p['cue']}”用于“{p['seen']}”（降低评分）",
    "bent_is_word": lambda p: f"“{p['seen']}”本身是一个词语或地名（降低评分）",
    "english_word_sense": lambda p: f"“{p['seen']}”是英文单词，此处夹在英文词句中（降低评分）",
    "name_use": lambda p: f"“{p['seen']}”用作人名或日期（降低评分）",
    "ordinary_word": lambda p: f"“{p['seen']}”是普通词语“{p['word']}”的一部分（降低评分）",
    "split_by_words": lambda p: f"“{p['seen']}”被词语“{p['word']}”拆开，此处并非独立的词（降低评分）",
    "publication": lambda p: f"图书或印刷品（“{p['cue']}”）：商标字样可能只是作品名称的一部分（降低评分）",
    "co_brand": lambda p: f"与“{p['seen']}”联名（“{p['cue']}”）：两者均作为商标使用",
    "origin_unknown": lambda p: f"商品以地理标志“{p['gi']}”为名，但未找到产地",
    "origin_outside": lambda p: (("发货地" if p["source"] == "ship_from" else "标注产地")
                                 + f"为{p['where']}，不在保护区域{_regions_zh(p)}之内"),
    "origin_inside": lambda p: f"产地{p['where']}在保护区域{_regions_zh(p)}之内（降低评分）",
    "gi_blend": lambda p: f"掺有保护区域以外的产品（“{p['cue']}”）",
    "gi_dodge": lambda p: f"地理标志名称被改写以规避过滤：{p['text']}",
}

_RENDERERS = {"en": _ENGLISH, "zh": _CHINESE}
_MARK_USE_RENDERERS = {"en": _MARK_USE_EN, "zh": _MARK_USE_ZH}

CODES: tuple[str, ...] = tuple(_ENGLISH)
"""Every reason code, in the order of docs/matching.md."""
MARK_USES: tuple[str, ...] = tuple(_MARK_USE_EN)
"""The values of goods_outside_classes' ``mark_use`` parameter (how the word reads as a mark)."""


def render(reason: Mapping[str, Any], lang: str = "en") -> str:
    """The sentence of one reason (``{"code": ..., **params}``, as in a lead's ``reason_codes``)."""
    try:
        renderers = _RENDERERS[lang]
    except KeyError:
        raise ValueError(f"no reason sentences in language {lang!r}; use one of {', '.join(LANGUAGES)}") from None
    code = reason.get("code")
    try:
        renderer = renderers[code]  # type: ignore[index]
    except (KeyError, TypeError):
        raise UnknownReasonCode(f"unknown reason code {code!r} (known: {', '.join(CODES)}); "
                                f"was the lead written by a newer markwatch?") from None
    return renderer(reason)


def render_mark_use(reason: Mapping[str, Any], lang: str = "en") -> str:
    """How the word reads as a mark, on its own (a reason with a ``mark_use`` parameter)."""
    return _MARK_USE_RENDERERS[lang][reason["mark_use"]](reason)


def english(reasons: Iterable[Reason]) -> list[str]:
    """The English sentences of a lead's reasons (its ``reasons`` field), in order."""
    return [_ENGLISH[reason["code"]](reason) for reason in reasons]
