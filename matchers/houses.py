"""Which house an "X家" names, told by the country the listing names (G家 丹麦 连衣裙: the Danish house).

Why: "X家" is ambiguous in any register that holds several marks of one initial on the same goods
(G家 for GANNI and GOLDWIN clothing, M家 for MYKITA and MOSCOT frames), and a seller who does not
write the mark often writes where the house is from (丹麦, 纽约, 苏格兰, 日系). The register says
where a house is from without anyone writing it down: the holder's legal form is the law of a
country (A/S is Danish or Norwegian, GmbH German, Austrian or Swiss, S.p.A. Italian, K.K. Japanese),
and a holder or a name may name a country or city outright (Canada Goose Inc., Moscot New York).
A local-language form narrows a house to one or two countries; an English-language form (Inc.,
Ltd, Co., Ltd.) is written by companies of many countries and narrows it less. A house is told when
it is the only one of the houses whose countries meet the listing's and every other house's country
is known and differs (when several meet them, the matcher chooses among those by its other rules).

Used by :func:`matchers.matcher._house_told` (only for listings with an ambiguous "X家": the
tables here cost nothing on the hot path).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Sequence

NORDIC = frozenset(("DK", "SE", "NO", "FI", "IS"))

# Legal forms (normalised: lower case, dots and commas dropped, "&" kept) → the countries whose law they
# are. Longest first (``co ltd`` before ``ltd``); a holder's last legal form decides (names end in it).
LEGAL_FORMS: tuple[tuple[str, frozenset[str]], ...] = tuple(sorted((
    ("a/s", frozenset(("DK", "NO"))), ("aps", frozenset(("DK",))), ("asa", frozenset(("NO",))),
    ("ab", frozenset(("SE",))), ("aktiebolag", frozenset(("SE",))), ("oy", frozenset(("FI",))),
    ("oyj", frozenset(("FI",))), ("ehf", frozenset(("IS",))),
    ("gmbh", frozenset(("DE", "AT", "CH"))), ("ag", frozenset(("DE", "AT", "CH"))),
    ("kg", frozenset(("DE", "AT"))), ("kgaa", frozenset(("DE",))), ("ug", frozenset(("DE",))),
    ("spa", frozenset(("IT",))), ("srl", frozenset(("IT", "RO"))), ("sapa", frozenset(("IT",))),
    ("sas", frozenset(("FR",))), ("sasu", frozenset(("FR",))), ("sarl", frozenset(("FR", "LU", "CH"))),
    ("sa", frozenset(("FR", "CH", "ES", "BE", "LU", "PT"))), ("sca", frozenset(("FR", "LU", "BE"))),
    ("et cie", frozenset(("FR", "CH", "BE"))), ("& cie", frozenset(("FR", "CH", "BE"))),
    ("sl", frozenset(("ES",))), ("slu", frozenset(("ES",))), ("sau", frozenset(("ES",))),
    ("lda", frozenset(("PT",))),
    ("bv", frozenset(("NL", "BE"))), ("nv", frozenset(("NL", "BE"))), ("cv", frozenset(("NL",))),
    ("bvba", frozenset(("BE",))), ("sprl", frozenset(("BE",))),
    ("kk", frozenset(("JP",))), ("kabushiki kaisha", frozenset(("JP",))), ("gk", frozenset(("JP",))),
    ("株式会社", frozenset(("JP",))), ("有限会社", frozenset(("JP",))),
    ("co ltd", frozenset(("JP", "KR", "CN", "TW", "HK", "TH"))),
    ("co", frozenset(("JP", "KR", "CN", "TW", "HK", "TH", "US", "GB"))),  # "MTG Co." (a register's YAML cut it)
    ("ltd", frozenset(("GB", "IE", "HK", "IL", "NZ", "SG", "IN"))),
    ("limited", frozenset(("GB", "IE", "HK", "IL", "NZ", "SG", "IN"))),
    ("plc", frozenset(("GB", "IE"))), ("llp", frozenset(("GB", "US"))),
    ("pty", frozenset(("AU", "ZA"))), ("pty ltd", frozenset(("AU", "ZA"))),
    ("inc", frozenset(("US", "CA", "JP", "KR", "TW"))), ("incorporated", frozenset(("US", "CA"))),
    ("corp", frozenset(("US", "CA", "JP", "KR", "TW"))),
    ("corporation", frozenset(("US", "CA", "JP", "KR", "TW"))), ("llc", frozenset(("US",))),
    ("ltda", frozenset(("BR", "CO", "PT"))), ("有限公司", frozenset(("CN", "HK", "TW"))),
), key=lambda item: -len(item[0])))

# Words a listing (or a holder) writes for a country, its people or style, or a city or region of it.
# Chinese words are found anywhere in the text, Latin ones as whole words. Not China itself: 国产
# beside an "X家" says the goods are a domestic copy, not where the house is from. Left out as words
# that mostly mean something else in a listing: 东京 (inside 广东京东), 京都 (北京都), 罗马 (罗马鞋), 汉堡 (the
# burger), 威尼斯 (Venetian leather), french (french terry), dutch (dutch oven), uk (UK shoe sizes).
_COUNTRY_WORDS: dict[str, tuple[str, ...]] = {
    "DK": ("丹麦", "哥本哈根", "denmark", "danish", "danmark", "copenhagen"),
    "SE": ("瑞典", "斯德哥尔摩", "sweden", "swedish", "sverige", "stockholm"),
    "NO": ("挪威", "奥斯陆", "norway", "norwegian", "oslo"),
    "FI": ("芬兰", "赫尔辛基", "finland", "finnish", "helsinki"),
    "IS": ("冰岛", "iceland", "icelandic"),
    "DE": ("德国", "德式", "柏林", "慕尼黑", "germany", "german", "deutschland", "berlin", "munich"),
    "AT": ("奥地利", "维也纳", "austria", "austrian", "vienna", "wien"),
    "CH": ("瑞士", "日内瓦", "苏黎世", "switzerland", "swiss", "suisse", "schweiz", "geneva", "zurich"),
    "NL": ("荷兰", "阿姆斯特丹", "netherlands", "holland", "amsterdam"),
    "BE": ("比利时", "布鲁塞尔", "安特卫普", "belgium", "belgian", "brussels", "antwerp"),
    "FR": ("法国", "法式", "巴黎", "france", "paris"),
    "IT": ("意大利", "意式", "米兰", "佛罗伦萨", "italy", "italian", "italia", "milan", "milano", "florence",
           "firenze"),
    "ES": ("西班牙", "马德里", "巴塞罗那", "spain", "spanish", "espana", "madrid", "barcelona"),
    "PT": ("葡萄牙", "里斯本", "portugal", "portuguese", "lisbon"),
    "IE": ("爱尔兰", "都柏林", "ireland", "irish", "dublin"),
    "GB": ("英国", "英伦", "英式", "伦敦", "苏格兰", "英格兰", "威尔士", "曼彻斯特", "爱丁堡", "britain",
           "british", "england", "scotland", "scottish", "wales", "welsh", "london", "manchester", "edinburgh"),
    "US": ("美国", "美式", "纽约", "洛杉矶", "加州", "旧金山", "芝加哥", "西雅图", "波士顿", "usa", "america",
           "american", "new york", "nyc", "california", "los angeles", "chicago", "seattle", "boston"),
    "CA": ("加拿大", "温哥华", "多伦多", "蒙特利尔", "canada", "canadian", "vancouver", "toronto", "montreal"),
    "JP": ("日本", "日系", "日式", "大阪", "japan", "japanese", "tokyo", "osaka", "kyoto"),
    "KR": ("韩国", "韩系", "韩版", "韩式", "首尔", "korea", "korean", "seoul"),
    "AU": ("澳洲", "澳大利亚", "悉尼", "墨尔本", "australia", "australian", "sydney", "melbourne"),
    "NZ": ("新西兰", "new zealand"),
    "IL": ("以色列", "israel", "israeli"),
    "SG": ("新加坡", "singapore"),
    "TH": ("泰国", "曼谷", "thailand", "thai", "bangkok"),
}
_REGION_WORDS: dict[str, frozenset[str]] = {
    "北欧": NORDIC, "nordic": NORDIC, "scandinavian": NORDIC, "scandinavia": NORDIC,
}


def _word_table() -> dict[str, frozenset[str]]:
    table: dict[str, frozenset[str]] = dict(_REGION_WORDS)
    for country, words in _COUNTRY_WORDS.items():
        for word in words:
            table[word] = table.get(word, frozenset()) | {country}
    return table


COUNTRY_WORDS: dict[str, frozenset[str]] = _word_table()


# What a country word names when one of these follows it: where the material or the know-how is from
# (意大利面料, 德国工艺, 日本进口机芯), which says nothing of the house.
MATERIAL_AFTER = ("面料", "工艺", "技术", "原料", "皮料", "皮革", "机芯", "配方", "进口面料", "进口原料", "进口机芯")


@lru_cache(maxsize=1)
def _automaton() -> Any:
    """Every country word in one Aho-Corasick automaton (a title is walked once, ≈1 µs, not searched
    for each of some 200 words)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word, countries in COUNTRY_WORDS.items():
        automaton.add_word(word, (word, countries))
    automaton.make_automaton()
    return automaton


def countries_named(text: str) -> frozenset[str]:
    """The countries ``text`` names (by a country, people, style, city or region word, a Latin one as a
    whole word; not one naming the material or the know-how: :data:`MATERIAL_AFTER`), or none."""
    text = text.lower()
    found: set[str] = set()
    for last, (word, countries) in _automaton().iter(text):
        end = last + 1
        start = end - len(word)
        if word.isascii():
            if start and text[start - 1].isascii() and text[start - 1].isalnum() \
                    or end < len(text) and text[end].isascii() and text[end].isalnum():
                continue
        elif text.startswith(MATERIAL_AFTER, end):
            continue
        found |= countries
    return frozenset(found)


def _legal_text(holder: str) -> str:
    """The holder lower-cased, dots and commas gone, every other mark but "&" and "/" a space."""
    text = holder.lower().replace(".", "").replace(",", " ")
    return " " + " ".join(re.sub(r"[^\w&/]+", " ", text).split()) + " "


def legal_form_countries(holder: str) -> frozenset[str]:
    """The countries whose law the holder's last legal form is (Ganni A/S → Denmark, Norway), or none."""
    text = _legal_text(holder)
    best_end, best = -1, frozenset[str]()
    for form, countries in LEGAL_FORMS:
        at = text.rfind(f" {form} ") if form.isascii() else text.rfind(form)
        end = at + len(form) if at >= 0 else -1
        if end > best_end:  # the form ending last wins; ending together, the longer (the table is longest first)
            best_end, best = end, countries
    return best


# Words of a company a group keeps its marks in (Cartier International AG, Nike Innovate C.V.): its legal form
# is where the marks are kept, often another country than the house's. A group's holding is mostly at home
# (Fred Perry (Holdings) Limited, Boucheron Holding SAS): "holding" and "group" are no such words.
_MARKS_COMPANY = re.compile(r"(?<![a-z])(?:international|innovate|licensing|ip|brands|trademarks?)(?![a-z])")


@lru_cache(maxsize=4096)
def house_countries(holder: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """Where a house is from: the countries its holder or its names name outright (Moscot New York Inc.),
    else those of the holder's legal form (none for a company a group keeps its marks in), else none (unknown)."""
    named = countries_named(" ".join((holder, *names)))
    if named:
        return named
    return frozenset() if _MARKS_COMPANY.search(holder.lower()) else legal_form_countries(holder)


def houses_of_country(houses: Sequence[int], countries_of: Iterable[frozenset[str]], text: str) -> list[int]:
    """Those of ``houses`` (rights sharing an "X家"; ``countries_of`` their :func:`house_countries` in
    order) from a country ``text`` names, or []: none when it names none, when none is from one it
    names, or when a house's country is unknown (that house could be the one)."""
    named = countries_named(text)
    if not named:
        return []
    agree = []
    for house, countries in zip(houses, countries_of):
        if not countries:
            return []
        if countries & named:
            agree.append(house)
    return agree
