"""Rebus spellings: an emoji or a digit standing for a character of a mark (东方雨🌈, 9阳, 三六一度), read.

Why general: what a symbol may stand for comes from general resources (an emoji's CLDR name and keywords,
a digit's numeral, a character's parts: matchers/rebus_table.py and the modules it builds from), and the
register says which characters marks use. A symbol is read as a character only where that character and
its neighbour are two adjacent characters of some mark of the register, so "3只装" or a 🔥 in a title cost
nothing; the listing's fields are then normalised again with the symbol written as the character, and the
hit is an obfuscated exact mark (the raw text does not hold it), like 爱🐴仕 through the lexicon's table.

Any emoji may stand in for one character of a mark of three or more whose other characters are written
around it and are no word by themselves (🍲臣倍健 for 汤臣倍健). An emoji read by its keywords only (a
keyword is looser than a name) must make three or more characters of marks with the written text around it,
or a whole short mark that is no word with the next character (🌊韵 for 海韵, not 🌊韵律). An emoji read as
two characters one of which the seller wrote beside it writes only the other (公🐂 with 🐂 公牛 is 公牛, not
公公牛).

The module's parts: matchers/rebus_table.py (the table), rebus_scan.py (finding symbols fast),
rebus_numbers.py (numbers in other dress), rebus_emoji.py (what an emoji stands for), rebus_parts.py
(characters written as their parts), rebus_pinyin.py (characters written as their pinyin beside the rest);
here, the reading of a text and of a listing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from matchers.rebus_emoji import read_latin_emoji
from matchers.rebus_numbers import in_number, join_gaps, read_numbers, read_roman_years
from matchers.rebus_parts import join_parts
from matchers.rebus_pinyin import read_spelled
from matchers.rebus_scan import Scanner, find_symbols, scanner_for
from matchers.rebus_table import RebusTable, build_table, symbol_choices

__all__ = ["RebusTable", "build_table", "substitute", "substituted_listing"]

_FIELDS = ("title", "brand", "description")
_TITLE_FIELDS = ("title", "brand")  # where a seller types a mark's character as its parts or its number in the
# other script (a description's long text would cost a scan of its own, ≈1 µs a listing each, for what sellers
# put in the title)
_SKIP = "\ufe0f\ufe0e\u200d "  # variation selectors, joiners, a space between symbol and character


def substitute(table: RebusTable, text: str, title: bool = True) -> str | None:
    """``text`` with each symbol that completes a mark's character pair written as that character;
    None when none does. ``title``: ``text`` is a title or brand (short, where sellers write the mark), so
    also join characters written as their two parts (古月 for 胡) and read numbers across scripts (13 for 十三)."""
    if table.empty or not text:
        return None
    scan = scanner_for(table)
    odd = scan.exotic is None or scan.exotic.search(text) is not None  # a character outside the plain ones (rare):
    # readings only make plain characters, so a text without one has none after them either
    worded = None
    if scan.years is not None and ("MM" in text or "MCM" in text or "mm" in text or "mcm" in text):
        # … Cup MMVII → … Cup 2007: a mark's year in Roman numerals (every year 1900–2099 starts MM or MCM)
        worded = read_roman_years(table.years, scan.years, text)
        if worded is not None:
            text = worded
    if odd and scan.latin is not None and scan.latin.search(text):  # ONITSUKA 🐯 → ONITSUKA tiger
        emoji_read = read_latin_emoji(table.latin, table.latin_pairs, scan.latin, text)
        if emoji_read is not None:
            text = worded = emoji_read
    read = None  # 5️⃣2️⃣, 拾叁, ③, 13 for 十三: what a mark's number is written as (looked for first: rarely any)
    if (scan.numbers is not None and "\u20e3" in text) or (scan.digit_like is not None and scan.digit_like.search(text)) \
            or (title and scan.counted is not None and scan.counted.search(text)):
        read = read_numbers(table, scan, text, title)
    if read is not None:
        text = read[0]
    joined = join_gaps(table, scan, text)
    if joined is None and read is not None and read[1]:
        joined = text  # the number, read, completes a mark's pair (国窖壹伍柒叁 → 国窖1573)
    if joined is not None:
        text = joined
    whole = join_parts(table, scan, text) if title and scan.split is not None else None
    if whole is not None:  # 古月姬花 → 胡姬花
        text = joined = whole
    spelled = read_spelled(table.spelled_before, table.spelled_after, text) if title and table.spelled_before \
        else None
    if spelled is not None:  # sj沐歌, 四季mg → 四季沐歌
        text = joined = spelled
    if joined is None and worded is not None:
        joined = text
    found = find_symbols(scan, text, odd)
    if not found or all(_idle_digit(table, scan, text, found, i) for i in range(len(found))):
        return joined
    choices = [symbol_choices(table, m.group()) for m in found]
    out, last, changed = [], 0, joined is not None
    for i, m in enumerate(found):
        if m.start() < last:
            continue  # read with the symbol before it (the 🍳 of 👨‍🍳)
        if table.wild and m.end() < len(text) and text[m.end()] == "\u200d" and i + 1 < len(found) \
                and found[i + 1].start() == m.end() + 1:
            piece = _two_slot_pick(table, text, m.start(), found[i + 1].end())  # 康👨‍🍳: 师傅 of 康师傅
            if piece:
                out.append(text[last:m.start()])
                out.append(piece)
                last, changed = found[i + 1].end(), True
                continue
        left = _neighbour(text, m.start(), -1, found, choices, i)
        right = _neighbour(text, m.end(), 1, found, choices, i)
        if _between_pair(table, text, m, found, i):  # 华🌸为, 百雀🦌羚: a symbol put between two characters
            symbol = m.group().replace("\ufe0f", "")  # of a mark is decoration, whatever it may stand for
            if symbol in table.rewritten:  # (norm drops the other emoji itself)
                out.append(text[last:m.start()])
                last, changed = m.end(), True
            continue
        sound = m.group().replace("\ufe0f", "") in table.by_sound
        options = choices[i]
        if len(options) > 1 and m.group().isdigit() and in_number(text, m.start(), m.end()):
            options = options[:1]  # a digit of a number (2022, 3.5) is its numeral, never a sound-alike
        meant = table.meant.get(m.group().replace("\ufe0f", ""), ()) if table.meant else ()
        pick = next((c for c in meant if len(c) > 1 and _firm(table, text, m, c, left, right)), None)  # 红🌻: 葵花
        firm = pick is not None
        if pick is None and len(options) > 1:  # 爱🇨🇳者: 国 makes 爱国 and 国者, the run 中国 only 国者
            pick = next((c for c in options if _pairs_both(table, left, c, right)), None)
        if pick is None:  # 回💪 (肌 by sound of a mark's pair, 力 a pair written so): the written pair first
            pick = next((c for c in options if _pairs(table, left, c, right)), None)
        if pick is None and sound:
            pick = next((c for c in options if _pairs(table, left, c, right, sound)), None)
        if not firm and pick is not None and pick in table.short_marks and (table.wild or table.wild_short) \
                and not _pairs(table, left, pick, right, sound, whole=False):
            # 溜溜🌸 (🌸 樱花, a whole short mark of its own, paired with nothing written): the mark whose other
            # characters are written around the emoji wins (溜溜梅), if the emoji may stand in its slot
            pick = _wild_pick(table, text, m.start(), m.end()) or pick
        if pick is None and meant:
            pick = next((c for c in meant if len(c) == 1 and _firm(table, text, m, c, left, right)), None)
        if pick is None and (table.wild or table.wild_short) and not m.group()[0].isdigit():
            pick = _wild_pick(table, text, m.start(), m.end())
        if pick is not None:
            out.append(text[last:m.start()])
            out.append(_without_overlap(text, m, pick))
            last, changed = m.end(), True
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)


def _idle_digit(table: RebusTable, scan: Scanner, text: str, found: list[re.Match[str]], i: int) -> bool:
    """Would the reading loop of :func:`substitute` leave ``found[i]``, a symbol led by a digit, as it is?

    True for a lone digit whose neighbours (as :func:`_neighbour` finds them: past :data:`_SKIP`, a
    neighbouring symbol as what it may stand for) make no pair with anything it may stand for, and
    for a number that stands for nothing (the 200 of 200粒, read by the round-number kind). Such a
    symbol is never decoration between a pair (no digit is a symbol normalisation rewrites) and
    never stands in a wild slot (digits do not). Anything else: False, and the loop decides."""
    symbol = found[i].group()
    lefts = scan.digit_left.get(symbol)
    if lefts is None:
        return symbol[0].isdigit() and symbol not in table.rewritten and not symbol_choices(table, symbol)
    for at, step, chars in ((found[i].start() - 1, -1, lefts), (found[i].end(), 1, scan.digit_right[symbol])):
        while 0 <= at < len(text) and text[at] in _SKIP:
            at += step
        if not 0 <= at < len(text):
            continue
        j = i + step
        if 0 <= j < len(found) and found[j].start() <= at < found[j].end():
            if any((c[0] if step > 0 else c[-1]) in chars for c in symbol_choices(table, found[j].group()) if c):
                return False
        elif text[at].lower() in chars:
            return False
    return True


def _written(text: str, at: int, step: int) -> str:
    """The character at ``at`` or, past :data:`_SKIP`, the next one in direction ``step`` ("" at an edge)."""
    while 0 <= at < len(text) and text[at] in _SKIP:
        at += step
    return text[at] if 0 <= at < len(text) else ""


def _without_overlap(text: str, m: re.Match[str], pick: str) -> str:
    """What to write for the symbol ``m`` read as ``pick``: without the characters of ``pick`` that the
    seller wrote beside it (公🐂 with 🐂 公牛 is 公牛, not 公公牛, whose word 公公 would cut the mark)."""
    if len(pick) < 2:
        return pick
    if _written(text, m.start() - 1, -1) == pick[0]:
        return pick[1:]
    if _written(text, m.end(), 1) == pick[-1]:
        return pick[:-1]
    return pick


def _firm(table: RebusTable, text: str, m: re.Match[str], pick: str, left: list[str], right: list[str]) -> bool:
    """May an emoji be read as ``pick``, what only its keywords hold (:attr:`RebusTable.meant`)? A keyword
    is looser than a name (🍎's keywords hold 红 and 健康), so only where the reading and the written text
    beside it make three or more consecutive characters of the register's marks (⚡小二 as 电小二, 红🌻 as
    红葵花), or make a whole short mark with its neighbour that is no word with the character beyond it
    (🌊韵 as 海韵, but not 🏆芳香: 芳香 is a word, the 🏆 decoration)."""
    bigrams = table.bigrams
    before = next((l for l in left if l + pick[0] in bigrams), "")
    after = next((r for r in right if pick[-1] + r in bigrams), "")
    if not before and not after:
        return len(pick) >= 2 and pick in table.short_marks and _brand_cue_after(text, m.end())
    if before and after:
        return True
    far_left = _far(text, m, _skip_back(text, m.start() - 1) - 1, -1, pick) if before else ""
    far_right = _far(text, m, _skip_on(text, m.end()) + 1, 1, pick) if after else ""
    if len(pick) >= 2 or (before and far_left + before in bigrams) or (after and after + far_right in bigrams):
        return True
    whole = before + pick + after
    return whole in table.short_marks and not (far_left and _is_word(far_left + before)) \
        and not (far_right and _is_word(after + far_right))


BRAND_CUES_AFTER = ("牌", "品牌")  # written after a name, they say it is a brand's (太极牌)


def _brand_cue_after(text: str, at: int) -> bool:
    """Is the emoji that ends at ``at`` followed by 牌 or 品牌 (☯️牌)? Then a whole short mark its keywords hold
    (☯ 太极) is what the seller wrote as a brand: firm, though it makes no pair with a written character."""
    return text.startswith(BRAND_CUES_AFTER, _skip_on(text, at))


def _far(text: str, m: re.Match[str], at: int, step: int, pick: str) -> str:
    """The character past the emoji ``m``'s written neighbour (from ``at`` in direction ``step``), where the
    same emoji written again there is read as ``pick`` too: a seller who writes one character of a mark as
    an emoji writes it so wherever it recurs (❤️大❤️ for 爱大爱), so the repeat is that character, not a gap."""
    at = _skip_on(text, at) if step > 0 else _skip_back(text, at)
    if not 0 <= at < len(text):
        return ""
    symbol = m.group().replace("\ufe0f", "")
    if text.startswith(symbol, at) if step > 0 else text.endswith(symbol, 0, at + 1):
        return pick[0] if step > 0 else pick[-1]
    return text[at]


def _skip_back(text: str, at: int) -> int:
    while 0 <= at < len(text) and text[at] in _SKIP:
        at -= 1
    return at


def _skip_on(text: str, at: int) -> int:
    while 0 <= at < len(text) and text[at] in _SKIP:
        at += 1
    return at


MAX_WILD = 6  # longest mark an emoji may stand in (one character of)


def _wild_pick(table: RebusTable, text: str, start: int, end: int) -> str | None:
    """The character an emoji stands in for when the characters written around it are all the others
    of one mark of ≥ 3 characters (🍲臣倍健 for 汤臣倍健) and those others are no word on their own
    (👍孩子 is not read: 孩子 is a word, the emoji may just be decoration)."""
    while end < len(text) and text[end] in "\ufe0f\ufe0e\u200d":
        end += 1
    chars = table.wild_chars
    if (end >= len(text) or text[end] not in chars) and (start == 0 or text[start - 1] not in chars):
        return None  # no mark's character beside it: the common case (🔥 爆款)
    for length in range(MAX_WILD, 2, -1):
        for i in range(length):
            left, right = text[max(0, start - i):start], text[end:end + length - 1 - i]
            if len(left) != i or len(right) != length - 1 - i:
                continue
            found = table.wild.get(f"{left}\0{right}")
            if found and (not _is_word(left + right) or _depicts(text[start:end], found)):
                return found
    if table.wild_short:  # 🐎腾 for 奔腾: a two-character mark only where the emoji pictures the missing one
        symbol = text[start:end]
        for key, written in ((f"\0{text[end:end + 1]}", text[end:end + 1]),
                             (f"{text[start - 1:start] if start else ''}\0", text[start - 1:start] if start else "")):
            found = table.wild_short.get(key) if written else None
            if not found:
                continue
            whole = found + written if key[0] == "\0" else written + found
            if whole in (text[end:end + 2], text[max(0, start - 2):start]):
                continue  # 🐦鹏鹏: the mark is written whole beside it, the emoji decorates it
            if _depicts(symbol, found, written) or (key[0] != "\0" and _pictures_goods_named(text, start, end)):
                return found
    return None


def _two_slot_pick(table: RebusTable, text: str, start: int, end: int) -> str:
    """The last two characters of a mark of three or more that the emoji sequence at ``start:end`` (a person
    doing a job, joined by ZWJ: 👨‍🍳) stands for, or "": the mark's other characters are written right before it
    as a word of their own (a space or an edge before them and after the emoji), and one of the emoji's zh
    keywords holds the first character of the two (厨师 holds 师: 康👨‍🍳 for 康师傅, a cook being a 师傅). Why
    bounded so: an emoji for two characters is a looser reading than for one; the rest of the mark exact, the
    word alone and a keyword's character in it leave a decoration no place."""
    from matchers.rebus_emoji import emoji_meanings

    while end < len(text) and text[end] in "\ufe0f\ufe0e":
        end += 1
    if end < len(text) and not _gap(text[end]):
        return ""
    words = emoji_meanings().get(text[start:end].replace("\ufe0f", ""), ())
    keyword_chars = dict.fromkeys(ch for w in words for ch in w if "\u4e00" <= ch <= "\u9fff")
    for size in range(1, MAX_WILD - 1):
        left = text[start - size:start] if start >= size else ""
        if len(left) != size or not all("\u4e00" <= ch <= "\u9fff" for ch in left) \
                or (start > size and not _gap(text[start - size - 1])):
            continue
        for ch in keyword_chars:
            last = table.wild.get(f"{left}{ch}\0")
            if last:
                return ch + last
    return ""


def _pictures_goods_named(text: str, start: int, end: int) -> bool:
    """Is the emoji at ``start:end``, written right after one character as a word of two (邦🩹, a space or an edge
    on both sides), the picture of goods the text names elsewhere by the emoji's Chinese name (🩹 创可贴 in
    邦🩹 创可贴 防水)? Then it stands in the second slot of a two-character mark (邦迪): the seller drew the
    product the brand is known for, a picture nothing but the mark's place explains. Why so bound: an emoji
    illustrating goods is common (🍎 苹果); only glued to one character that starts a mark, as a word of its
    own, does it take the mark's slot."""
    from matchers.rebus_emoji import emoji_meanings

    if start < 1 or (start >= 2 and not _gap(text[start - 2])):
        return False
    while end < len(text) and text[end] in "\ufe0f\ufe0e\u200d":
        end += 1
    if end < len(text) and not _gap(text[end]):
        return False
    words = emoji_meanings().get(text[start:end].replace("\ufe0f", ""), ())
    name = words[0] if words else ""
    return len(name) >= 2 and name in text[end:]


def _gap(ch: str) -> bool:
    return ch.isspace() or not (ch.isalnum() or "\u4e00" <= ch <= "\u9fff")


def _depicts(symbol: str, ch: str, written: str = "") -> bool:
    """Does the emoji ``symbol`` picture the thing ``ch`` names, by its CLDR name or a keyword ``k`` with which
    ``ch`` makes a dictionary word (🌼 开花, 花: 桂花 is a flower; 🐎 马: 奔马, a galloping horse)? Then it stands in
    a mark's slot even beside written characters that are a word (🌼发祥: 发祥 is a word, but 🌼 is 桂 of 桂发祥,
    not decoration). ``written``: the mark's character written beside it, which the keyword must not be (🐉龙 is
    a dragon twice, not 金 of 金龙)."""
    from matchers.rebus_emoji import emoji_meanings

    return any(len(k) == 1 and k != written and _is_word(ch + k)
               for k in emoji_meanings().get(symbol.replace("\ufe0f", ""), ()))


@lru_cache(maxsize=4096)
def _is_word(text: str) -> bool:
    from matchers.ordinary import is_dictionary_word

    return is_dictionary_word(text)


def _neighbour(text: str, at: int, step: int, found: list[re.Match[str]], choices: list[list[str]],
               i: int) -> list[str]:
    """The characters next to a symbol (a neighbouring symbol counts as what it may stand for)."""
    pos = at if step > 0 else at - 1
    while 0 <= pos < len(text) and text[pos] in _SKIP:
        pos += step
    if not 0 <= pos < len(text):
        return []
    j = i + step
    if 0 <= j < len(found) and found[j].start() <= pos < found[j].end():
        return [c[0] if step > 0 else c[-1] for c in choices[j] if c]
    return [text[pos].lower()]


def _between_pair(table: RebusTable, text: str, m: re.Match[str], found: list[re.Match[str]], i: int) -> bool:
    """Is the symbol set between two written characters that are already a pair of some mark?"""
    def plain(pos: int, step: int, j: int) -> str:
        while 0 <= pos < len(text) and text[pos] in _SKIP:
            pos += step
        if not 0 <= pos < len(text) or (0 <= j < len(found) and found[j].start() <= pos < found[j].end()):
            return ""  # an edge, or another symbol
        return text[pos].lower()

    left, right = plain(m.start() - 1, -1, i - 1), plain(m.end(), 1, i + 1)
    return bool(left and right) and left + right in table.bigrams


def _pairs_both(table: RebusTable, left: list[str], pick: str, right: list[str]) -> bool:
    """Does ``pick`` make a mark's pair with the written character on BOTH sides? Why first: an emoji may stand
    for a run of a mark (🇨🇳 中国 of …中国…博览会) or for one character of its name (国 of 爱国者); between 爱 and
    者 only the character completes a mark on both sides, and the run, paired on one side, would write 爱中国者."""
    bigrams = table.bigrams
    return any(l + pick[0] in bigrams for l in left) and any(pick[-1] + r in bigrams for r in right)


def _pairs(table: RebusTable, left: list[str], pick: str, right: list[str], sound: bool = False,
           whole: bool = True) -> bool:
    """Does ``pick`` make a mark's pair with a neighbour (by sound too, with ``sound``), or (``whole``) is it a
    whole short mark itself?"""
    if whole and pick in table.short_marks:
        return True  # the emoji's name holds a whole short mark (🐫 双峰骆驼: 骆驼)
    if any(l + pick[0] in table.bigrams for l in left) or any(pick[-1] + r in table.bigrams for r in right):
        return True
    if not sound:
        return False
    from matchers.normalise import canon  # 王老🐔: 老鸡 sounds like 老吉

    return any(canon(l + pick[0]) in table.sound_bigrams for l in left) or \
        any(canon(pick[-1] + r) in table.sound_bigrams for r in right)


def substituted_listing(table: RebusTable, listing: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``listing`` with its scanned fields rebus-read, or None when nothing changes."""
    patched = None
    for name in _FIELDS:
        value = listing.get(name)
        if isinstance(value, str) and value:
            new = substitute(table, value, name in _TITLE_FIELDS)
            if new is not None:
                patched = dict(listing) if patched is None else patched
                patched[name] = new
    return patched
