"""The mark read as a word rather than a mark: swallowed by an everyday word or a pun (招财进宝, 金金计较),
a style, motif or colour after it (包豪斯风格, 凤凰图案), a Chinese word mark on other goods (啄木鸟 标本),
a bent spelling that is itself a word (隔离 for 格力), a Latin mark that is an English word (coach
whistle), a short mark the segmentation cuts across (深海|宝藏 for 海宝), or a personal name or year.

Why together: all read the words around a hit (jieba's dictionary through matchers/ordinary.py,
the lexicon's cues through matchers/wording.py) and lower the score.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from markwatch.contracts import Right
from matchers import goods, ordinary, wording
from matchers.candidates import BENT_CHARACTERS, Hit
from matchers.compiled import CompiledRegister, house_line_in
from matchers.ordinary import inside_ordinary_word
from matchers.reasons import Reason
from matchers.signals_context import INDEX, ListingContext, light_field, stands_alone


def bent_word_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext,
                      compiled: CompiledRegister | None = None, right_idx: int = -1,
                      mark_use: dict[str, Any] | None = None) -> None:
    """A bent spelling that is itself a word or a place (隔离 for 格力, 蜀绣 for 苏绣, 书包 for 蜀宝) — unless
    the title names a product line of the right's famous brand (brand_names.yaml: 大江 Mini 4 Pro 无人机
    is 大疆's drone, whatever else 大江 means): the line tells which maker the seller means. Where the word
    is an everyday one and nothing else makes it a mark, it is told as an ordinary word too
    (:func:`_everyday_word_holding`: 银灰色 for a toy mark 银辉)."""
    for hit in hits:
        if hit.how in BENT_CHARACTERS and not hit.form.latin:
            word = ordinary.word_or_place_around(ctx.texts[hit.field], hit.start, hit.end)
            if word and compiled is not None and right_idx in compiled.house_lines and \
                    house_line_in(compiled, right_idx, ctx.texts.get("title", "").replace(hit.seen, " ")):
                return
            if word:
                vec[INDEX["bent_word"]] = 1.0
                if compiled is not None and not vec[INDEX["ordinary_word"]] \
                        and _everyday_word_holding(word, hit, compiled.rights[right_idx], hits, vec, mark_use):
                    vec[INDEX["ordinary_word"]] = 1.0
                    reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
                else:
                    reasons.append({"code": "bent_is_word", "seen": word})
                return


def _everyday_word_holding(word: str, hit: Hit, right: Right, hits: list[Hit], vec: list[float],
                           mark_use: dict[str, Any] | None) -> bool:
    """Is ``word``, which holds the bent spelling ``hit`` of the right's mark, a word of jieba's dictionary
    that reaches beyond the spelling (银灰|色 "silver-grey", 乐谱|架) or a material's name (合金), with no
    other evidence that the seller uses it as the mark: no spelling of the mark written exactly, no
    counterfeit wording, not in the brand field or followed by a brand cue (银灰牌)? Why: 银灰色 遥控车 is a
    silver-grey toy car, the seller wrote the colour (a longer name or place holding the spelling is that
    name's, no use of the mark either). A word that is only the bent spelling standing alone (乐谱 on a
    blood-pressure monitor, 圣像 on flooring) names nothing the goods are: that is the evasion, left to the
    bent-word signal with places the gazetteer alone knows (东方两虹), and GIs to their regions (origin.py).
    No part-of-speech tag is asked: reading jieba's file for it cost each worker ≈20 ms. Rare: bent
    spellings inside a word only."""
    if right.kind == "gi" or vec[INDEX["counterfeit"]] or any(h.how == "exact" for h in hits):
        return False
    if mark_use is not None and mark_use.get("mark_use") in ("brand_field", "brand_cue"):
        return False
    if len(word) <= len(hit.seen) and word not in _material_words():
        return False  # the bent spelling alone (乐谱): no word beyond it; 合金 alone is the material
    return ordinary.is_dictionary_word(word)  # not a place the gazetteer resolves (东方两虹)


@lru_cache(maxsize=1)
def _material_words() -> frozenset[str]:
    """Lexicon ``build_materials`` (合金, 不锈钢, 陶瓷): a material's name written alone is the material."""
    from matchers.lexicon import lexicon

    return frozenset(str(w) for w in lexicon().get("build_materials", ()))


def english_word_signals(vec: list[float], reasons: list[Reason], compiled: CompiledRegister, hits: list[Hit],
                         ctx: ListingContext) -> None:
    """A Latin mark that is an English word, written as a word rather than a brand: not all capitals,
    and lower-case or inside the title rather than heading it (soccer coach whistle, white dove pendant);
    or, on goods outside the right's classes, an English word or phrase of words (canada goose) not
    written in capitals (Canada goose decoy: the bird, on hunting goods)."""
    other_goods = not vec[INDEX["class_unknown"]] and not vec[INDEX["class_share"]] and not vec[INDEX["all_classes"]]
    for hit in hits:
        if hit.how != "exact" or not hit.form.latin or hit.form.text not in compiled.english_forms:
            continue
        raw = str(ctx.listing.get(hit.field) or "")
        if (" " not in hit.form.text and _reads_as_word(raw, hit.form.text)) or (other_goods and _not_capitals(raw, hit.form.text)):
            vec[INDEX["english_word_sense"]] = 1.0
            reasons.append({"code": "english_word_sense", "seen": hit.seen})
            return
    if not vec[INDEX["class_share"]] and not vec[INDEX["all_classes"]] and not ctx.counterfeit:
        for hit in hits:
            if hit.how == "joined" and hit.form.latin and hit.field != "brand" \
                    and _written_as_english_words(str(ctx.listing.get(hit.field) or ""), hit.seen):
                # the words, not a spelling split to dodge a filter: as much an ordinary word as 招财进宝
                vec[INDEX["english_word_sense"]] = vec[INDEX["ordinary_word"]] = 1.0
                reasons.append({"code": "english_word_sense", "seen": hit.seen})
                return


def _written_as_english_words(raw: str, seen: str) -> bool:
    """Is a split-up spelling of a Latin mark (blue air for BLUEAIR) a phrase of everyday English words written
    as words (each piece of two letters or more in both word lists, the phrase not in capitals)? Then, on goods
    the right does not cover (unknown or outside its classes) and without counterfeit wording, the words are
    meant: blue air 蓝天白云 摄影 is a photographer's blue sky. An evader splits the mark on its own goods
    (Blue Air 净化器), which the class test keeps."""
    pieces = seen.split()
    if len(pieces) < 2 or any(len(p) < 2 or not p.isalpha() for p in pieces):
        return False
    words = english_words()
    return all(p in words for p in pieces) and _not_capitals(raw, seen)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The everyday English words (variants.common_english_words), from the disk cache: building them from the
    english-words package costs ≈150 ms, too much for a worker's first split-up spelling."""
    from matchers.derived_cache import derived
    from matchers.variants import common_english_words

    return derived("english-words", common_english_words)


def _not_capitals(raw: str, phrase: str) -> bool:
    """Is ``phrase`` written in ``raw`` other than in capitals (Canada goose, not CANADA GOOSE)? On
    goods outside the right's classes an English word or phrase so written is read in its sense."""
    import re

    found = re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", raw, re.IGNORECASE)
    return found is not None and not found.group().isupper()


def _reads_as_word(raw: str, word: str) -> bool:
    """Is the English word mark ``word`` written in ``raw`` as a word: the first time not in capitals and not
    heading the text, or any time in lower case? Coach bus model, vintage touring coach: the heading Coach alone
    would be a brand's place, the touring coach says which sense the seller means."""
    import re

    for n, found in enumerate(re.finditer(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", raw, re.IGNORECASE)):
        written = found.group()
        if written.islower():
            return True
        if not n and not written.isupper() and bool(raw[:found.start()].strip(" -|/,.:;【】[]()")):
            return True  # the first written inside the text, not in capitals (a later Apple after 苹果APPLE is
            # the brand again: only a later one in lower case says the word)
    return False


_SEGMENTED = BENT_CHARACTERS | {"exact"}  # hits whose run of text is segmented


def split_by_words_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
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
        light_text = light_field(ctx, hit.field)
        if stands_alone(light_text, hit.seen):
            continue  # 金金 金丝猴: the seller's own space cuts the mark out (norm joins the characters)
        word = ordinary.straddling_word(ctx.texts[hit.field], hit.start, hit.end)
        if not word and hit.how == "exact":
            word = _spaced_words(light_text, hit.seen)
            if word:  # 美肤 宝盒: the seller's spaces are no dodge but its words' edges; as much as 招财进宝
                vec[INDEX["ordinary_word"]] = 1.0
        if word:
            vec[INDEX["split_by_words"]] = 1.0
            if vec[INDEX["obfuscated"]] and all(h.how == "exact" for h in hits) \
                    and " " in _spaced_span(light_text, hit.seen):
                _not_a_dodge(vec, reasons)  # 利尔 康复: the space is the edge of the word 康复, no dodge
            reasons.append({"code": "split_by_words", "seen": hit.seen, "word": word})
            return


def _spaced_span(light_text: str, mark: str) -> str:
    """The mark as the light text writes it, spaces and all (利尔 康 of 利尔康), or ""."""
    pattern = " ?".join(re.escape(ch) for ch in mark)
    found = re.search(pattern, light_text)
    return found.group() if found else ""


def _not_a_dodge(vec: list[float], reasons: list[Reason]) -> None:
    """Take back the reading of the mark's spacing as a dodge (its feature and reason)."""
    vec[INDEX["obfuscated"]] = vec[INDEX["evasive"]] = 0.0
    reasons[:] = [r for r in reasons if r.get("code") != "obfuscated"]


def _spaced_words(light_text: str, mark: str) -> str:
    """The seller's words, or "", where a Chinese mark is found only across the seller's own spaces and each
    space-separated token that reaches past the mark is a dictionary word (美肤 宝盒 for 美肤宝: a jewel box).
    Why: an evader spaces the mark's own characters (美 肤 宝, 美肤 宝); a word that runs on past the mark was
    written as that word. ``light_text``: the field as written (spaces kept)."""
    tokens = light_text.split()
    for first in range(len(tokens)):
        joined, last = "", first
        while last < len(tokens) and len(joined) < len(mark) + len(tokens[first]):
            joined += tokens[last]
            at = joined.find(mark)
            if at >= 0:
                spanned = tokens[first:last + 1]
                past = ([spanned[0]] if at > 0 else []) + ([spanned[-1]] if len(joined) > at + len(mark) else [])
                if last > first and at < len(tokens[first]) and past \
                        and all(len(t) >= 2 and ordinary.is_dictionary_word(t) for t in past):
                    return " ".join(spanned)
                break
            last += 1
    return ""


def name_use_signals(vec: list[float], reasons: list[Reason], hits: list[Hit], ctx: ListingContext) -> None:
    """The mark used as a personal name or a year (宸宸 名字贴, 北京2022年)."""
    for hit in hits:
        after = ctx.texts[hit.field][hit.end:hit.end + 6]
        before = ctx.texts[hit.field][max(0, hit.start - 4):hit.start]
        cues = wording.find("name_use", after) + wording.find("name_use", before)
        if any(c[2] != "年" or (c[0] == 0 and hit.form.text[-1].isdigit()) for c in cues) or \
                hit.form.latin and _in_band_name(ctx.texts[hit.field], hit):
            vec[INDEX["name_use"]] = 1.0
            reasons.append({"code": "name_use", "seen": hit.seen})
            return


MAX_BAND_WORDS = 3  # Latin words between a mark and the band word that ends the act's name


@lru_cache(maxsize=1)
def _band_words() -> frozenset[str]:
    from matchers.lexicon import lexicon

    return frozenset(lexicon().get("band_words", ()))


def _in_band_name(text: str, hit: Hit) -> bool:
    """Is the Latin mark the start of a band's name: one to three more Latin words, then a band word
    (lexicon ``band_words``: Marshall Tucker Band)? Why: an act's name holds surnames and given names
    that are marks elsewhere; the listing sells the act's record or poster, not the brand."""
    words = text[hit.end:hit.end + 48].split()
    for n, word in enumerate(words[:MAX_BAND_WORDS + 1]):
        if word in _band_words():
            return n >= 1
        if not (word.isascii() and word.isalpha()):
            return False
    return False


def ordinary_word_signals(vec: list[float], reasons: list[Reason], right: Right, hits: list[Hit],
                          ctx: ListingContext, mark_use: dict[str, Any] | None = None,
                          english: frozenset[str] = frozenset()) -> None:
    """The mark swallowed by an everyday word (招财进宝, 小米粥), or a short mark glued into a pun on an
    idiom that differs from it only in the mark's characters (金金计较 for 斤斤计较); on goods outside
    the right's classes also a style named after the maker (包豪斯风格 台灯) and a mark that is an
    everyday word not used as a mark (啄木鸟 标本: the bird)."""
    if right.kind == "trademark" and _on_other_goods(vec):
        word = _other_goods_sense(right, hits, ctx, mark_use, english)
        if word:
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": word})
            return
    if right.kind == "trademark" and not ctx.counterfeit:
        place = _in_place_names(ctx, hits)  # 汇源路 奶茶 外卖: a street named so, not the mark
        if place:
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": place})
            return
    spelled = _pinyin_of_a_title_word(right, hits, ctx)  # Milu Deer 麋鹿: the pinyin spells the title's 麋鹿
    if spelled:
        vec[INDEX["ordinary_word"]] = 1.0
        reasons.append({"code": "ordinary_word", "seen": hits[0].seen, "word": spelled})
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
        if not word and hit.field == "description" and right.kind == "trademark" and not ctx.counterfeit \
                and all(h.field == "description" for h in hits):
            word = _said_of_quality(text, hit)  # 质量可靠: the description praises the goods
        if word:
            vec[INDEX["ordinary_word"]] = 1.0
            reasons.append({"code": "ordinary_word", "seen": hit.seen, "word": word})
            return


MAX_SPELLED = 4  # characters of a title word that a Latin hit may be the pinyin of


def _pinyin_of_a_title_word(right: Right, hits: list[Hit], ctx: ListingContext) -> str:
    """The title's Chinese word, not one of the right's own, that every hit (a Latin form) spells in pinyin (麋鹿
    for the mascot variant MILU in "Milu Deer 麋鹿 毛绒 玩具"), or "". Why: a mark's pinyin variant is also the
    pinyin of every word that sounds like it; a title that writes such a word beside it tells which one it spells.
    """
    if not all(h.form.latin and h.how == "exact" for h in hits):
        return ""
    title = ctx.texts.get("title", "")
    if not any(ordinary.is_cjk(c) for c in title):
        return ""
    from matchers.normalise import pinyin_of

    spelled = {h.form.text.replace(" ", "") for h in hits}
    own = {right.name, *right.variants}
    for run in _CJK_RUN.findall(title):
        for size in range(2, min(MAX_SPELLED, len(run)) + 1):
            for start in range(len(run) - size + 1):
                word = run[start:start + size]
                if pinyin_of(word) in spelled and word not in own:
                    return word
    return ""


_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def _in_place_names(ctx: ListingContext, hits: list[Hit]) -> str:
    """The place name (汇源路), or "", where every hit of a Chinese mark is the head of a street's, square's or
    estate's name (lexicon ``place_suffixes``: 路, 街, 大道, 小区, 广场 …) and none is in the brand field. Why: roads
    and estates are named after anything, marks' words too; a shop on 汇源路 sells no 汇源 juice. A suffix that
    starts a word with the next character (路由器, 街舞, 广场舞) is that word, not a place."""
    place = ""
    for hit in hits:
        if hit.field == "brand" or hit.form.latin:
            return ""
        text = ctx.texts[hit.field]
        after = text[hit.end:hit.end + 5]
        suffix = next((w for w in _place_suffixes() if after.startswith(w)), "")
        if not suffix or ordinary.is_dictionary_word(after[:len(suffix) + 1]) and len(after) > len(suffix):
            return ""
        place = place or hit.seen + suffix
    return place


@lru_cache(maxsize=1)
def _place_suffixes() -> tuple[str, ...]:
    from matchers.lexicon import lexicon
    from matchers.normalise import norm

    return tuple(sorted({norm(str(w)) for w in lexicon().get("place_suffixes", ())}, key=len, reverse=True))


def _said_of_quality(text: str, hit: Hit) -> str:
    """The phrase, or "", where a Chinese mark found only in the description is an everyday word said of a quality
    of the goods written right before it (lexicon ``quality_subjects``: 质量可靠, 性能稳定, 品质放心): the seller
    praises the goods in words anybody uses, no mark is named (可靠 on diapers whose description ends 安心防漏
    质量可靠). Why so narrow: a brand in a description stands before the goods (可靠纸尿裤) or after provenance
    words (正品, 原装); only a subject of quality before it makes the word a predicate. ``text``: the norm
    description (its Chinese words joined)."""
    if hit.how != "exact" or hit.form.latin or not ordinary.is_dictionary_word(hit.seen):
        return ""
    before = text[max(0, hit.start - 4):hit.start]
    subject = next((w for w in _quality_subjects() if before.endswith(w)), "")
    return subject + hit.seen if subject else ""


@lru_cache(maxsize=1)
def _quality_subjects() -> tuple[str, ...]:
    from matchers.lexicon import lexicon
    from matchers.normalise import norm

    return tuple(sorted({norm(str(w)) for w in lexicon().get("quality_subjects", ())}, key=len, reverse=True))


def _on_other_goods(vec: list[float]) -> bool:
    """Are the listing's goods known and none of them in the right's classes (the goods signals' verdict)?"""
    return not vec[INDEX["class_unknown"]] and not vec[INDEX["class_share"]] and not vec[INDEX["all_classes"]]


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
        if not hit.form.latin and hit.field == "title" and (mark_use is None or mark_use["mark_use"] == "title_start"):
            if _word_mark(right, hit.seen, english):
                return hit.seen
            literal = _literal_sense(text, hit, hits, light_field(ctx, "title"))
            if literal:
                return literal
    return ""


_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def _literal_sense(title: str, hit: Hit, hits: list[Hit], light_title: str = "") -> str:
    """The title's words that read the Chinese mark ``hit`` in its literal sense, or "": goods that depict a
    thing (lexicon ``depiction``: 拼图, 名画, 国画, 标本 — 蒙娜丽莎 拼图 is the painting on a puzzle, 红蜻蜓 昆虫标本
    the insect), or another word of the title holding one of the mark's characters (报喜鸟 喜鹊 鸟食: the bird's
    food; 兔宝宝 小兔子 公仔: a rabbit) where no logo word is written (八匹狼 钱包 狼头 logo: the mark's logo), the
    mark is written as it is and holds no goods word (六个核桃 核桃奶 repeats the mark's own product).
    Asked only on goods outside the right's classes with nothing that makes the word a mark
    (:func:`_other_goods_sense`); on the right's own goods a recurring character is the counterfeit's logo
    word (七匹狼 夹克 狼头), so it is never asked there. ``light_title``: the title with its spaces (norm
    joins Chinese words)."""
    found = wording.find("depiction", title)
    if found:
        return found[0][2]
    rest = light_title or title
    if hit.seen not in rest or goods.classify(hit.seen, "")[0]:
        return ""  # a mark written bent (陆个核桃) or naming goods (六个核桃 核桃奶: the mark's own product word)
    for other in {h.seen for h in hits if h.field == "title"} | {hit.seen}:
        rest = rest.replace(other, " ")
    if any(cue in rest.lower() for cue in _LOGO_WORDS):
        return ""
    marked = {c for c in hit.seen if ordinary.is_cjk(c)}
    return next((run.group() for run in _CJK_RUN.finditer(rest) if marked & set(run.group())), "")


_LOGO_WORDS = ("logo", "标志", "标识", "商标", "图标", "字母")  # the mark's emblem: its character is the logo's


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
