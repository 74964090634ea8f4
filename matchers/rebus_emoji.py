"""What an emoji may stand for: the characters of its Chinese name, its radical, its sound, its meaning.

Why general: the emoji's own Chinese name (Unicode CLDR annotations, shipped by the ``emoji`` package) says
which characters it can stand for (🌈 彩虹 → 虹, ☔ 雨伞 → 雨, 🫧 气泡 → 泡); the register says which characters
marks use. An emoji may stand for several characters at once (🦢 天鹅 in 小🦢, 🐿 松鼠 in 三只🐿): its name's runs
of characters that are a piece of some mark are tried first. And it may stand for a character that only
sounds like its name (🐔 鸡 for 吉 in 王老🐔): an emoji named by one character whose ``canon`` form (toneless
pinyin with 模糊音) is a mark character's counts, the pair check is made on ``canon`` forms, and the text gets
the name character, so the scan reports the honest homophone (王老鸡 of 王老吉).

An emoji named by a character whose radical is a mark's character may stand for it (🕊 鸽 for 鸟 in 太平🕊,
🦈 鲨 for 鱼): the radical of a CJK Unified Ideograph is read from the block's own order (Unicode sorts it by
radical, then strokes; the 214 Kangxi radicals, NFKC-folded, mark where each radical's run starts), so no
table of components is needed.

An emoji is also read by what its CLDR keywords mean, not only by its name (matchers/data/emoji_zh.tsv,
scripts/build_emoji_zh.py: 🌊 浪花 read as 海 by 海洋, ⚡ 高压 as 电 by 闪电, 🌻 as the pair 葵花 its keywords
向日葵 and 太阳花 hold); the reading (matchers/rebus.py) takes such a keyword only where it is firm. A flag, two
code points, reads as its country (🇨🇭莲 for 瑞士莲).

An emoji stands for a word of a Latin mark of two or more words that its English name holds, where the seller
wrote the mark's neighbouring word beside it (ONITSUKA 🐯 for ONITSUKA TIGER: 🐯 is ``tiger_face``); a word that
many emoji names hold (face, hand, button) names no emoji in particular and is not read.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from matchers.variants import tsv_rows


def named_emoji(chars: set[str], bigrams: frozenset[str]) -> tuple[dict[str, str], dict[str, tuple[str, ...]],
                                                                  frozenset[str]]:
    """For marks of the characters ``chars`` and pairs ``bigrams``: emoji (variation selectors dropped) → the
    mark characters its Chinese name holds (else, for a short name, its radical or a character it sounds like; an
    enclosed ideograph: the character it encloses);
    emoji → the pieces of marks its name holds (🦢 天鹅), longest first; and the emoji read by sound (🐔 鸡)."""
    import emoji as emoji_data

    from matchers.normalise import canon

    sounds = {canon(ch) for ch in chars}
    emoji: dict[str, str] = {}
    runs: dict[str, tuple[str, ...]] = {}
    sound_read: set[str] = set()
    emoji_data.config.load_language("zh")
    japanese = japanese_name_characters()
    for symbol, data in emoji_data.EMOJI_DATA.items():
        name = str(data.get("zh") or "").strip(":")
        meant = "".join(ch for ch in name if not _only_suffix(ch, (name,)))  # 稻子: 稻
        held = "".join(dict.fromkeys(ch for ch in meant if ch in chars))
        key = symbol.replace("\ufe0f", "")
        short_name = len(name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in name)
        if not held and short_name:
            radical = [r for ch in meant for r in radical_forms(ch) if r in chars]  # 🕊 鸽: 鸟
            heard = [ch for ch in meant if canon(ch) in sounds]  # 🐔 鸡 for 吉, 🐑 母羊 for 洋: by sound
            held = "".join(dict.fromkeys(radical + heard))
            if heard:
                sound_read.add(key)
        other = "".join(ch for ch in japanese.get(key, "") if ch in chars and ch not in held)  # 💪 力こぶ: 力
        if other:
            held += other
        if held:
            emoji[key] = held
            pieces = mark_pieces(name, bigrams)
            if pieces:
                runs[key] = pieces
    for symbol, ch in enclosed_ideographs().items():  # ㊆ for 七
        if ch in chars:
            emoji.setdefault(symbol, ch)
    return emoji, runs, frozenset(sound_read)


@lru_cache(maxsize=1)
def japanese_name_characters() -> dict[str, str]:
    """Emoji (variation selectors dropped) → the Chinese characters of its Japanese CLDR name (the ``emoji``
    package's ``ja``), in simplified form, those its Chinese name lacks: 💪 力こぶ (a flexed arm's "power bump")
    gives 力, which no zh keyword of 💪 (肌肉, 二头肌, 强壮) holds, and 回💪 / 格💪 are written for 回力 / 格力.

    Why a name, read as strictly as the Chinese one (a pair with the written neighbour): a Japanese name is the
    emoji's one name in a script Chinese buyers read, not a loose keyword. Kana are dropped; a kanji is made
    traditional by opencc's jp2t and simplified by t2s (歯 → 齒 → 齿, 桜 → 櫻 → 樱)."""
    import emoji as emoji_data
    import opencc

    emoji_data.config.load_language("zh")  # both kept in EMOJI_DATA, each entry its own key
    emoji_data.config.load_language("ja")
    kanji: dict[str, str] = {}
    for symbol, data in emoji_data.EMOJI_DATA.items():
        name = "".join(ch for ch in str(data.get("ja") or "") if "\u4e00" <= ch <= "\u9fff")
        if name:
            kanji[symbol.replace("\ufe0f", "")] = name
    if not kanji:
        return {}
    keys = list(kanji)
    written = opencc.OpenCC("t2s").convert(opencc.OpenCC("jp2t").convert("\n".join(kanji[k] for k in keys)))
    out: dict[str, str] = {}
    for key, name in zip(keys, written.split("\n")):
        zh = str((emoji_data.EMOJI_DATA.get(key) or emoji_data.EMOJI_DATA.get(key + "\ufe0f") or {}).get("zh") or "")
        extra = "".join(dict.fromkeys(ch for ch in name if ch not in zh))
        if extra:
            out[key] = extra
    return out


@lru_cache(maxsize=1)
def enclosed_ideographs() -> dict[str, str]:
    """Enclosed and parenthesised ideographs (U+3200–U+33FF, U+1F200–U+1F2FF: ㊆, ㈦, ㊥, 🈚) → the character
    NFKC reads in them, simplified (🈚 無 → 无): a seller writes a mark's character so (㊆彩虹 for 七彩虹), and
    normalisation, which keeps the symbol, would not see it."""
    from matchers.normalise import light

    out: dict[str, str] = {}
    for code in (*range(0x3200, 0x3400), *range(0x1F200, 0x1F300)):
        inner = unicodedata.normalize("NFKC", chr(code)).strip("()")
        if len(inner) == 1 and "\u4e00" <= inner <= "\u9fff":
            out[chr(code)] = light(inner)
    return out


@lru_cache(maxsize=1)
def single_emoji() -> frozenset[str]:
    """Every emoji of one code point (variation selectors dropped): any may stand in a mark's wild slot."""
    import emoji as emoji_data

    return frozenset(k for k in (s.replace("\ufe0f", "") for s in emoji_data.EMOJI_DATA) if len(k) == 1)


EMOJI_MEANINGS = Path(__file__).parent / "data" / "emoji_zh.tsv"


@lru_cache(maxsize=1)
def emoji_meanings() -> dict[str, tuple[str, ...]]:
    """Emoji (variation selectors dropped) → its Chinese name and keywords by the CLDR annotations
    (matchers/data/emoji_zh.tsv, built by scripts/build_emoji_zh.py): what buyers read in it beyond
    the one name the ``emoji`` package gives (🌊 浪花, read as 海洋)."""
    return _read_meanings()[0]


@lru_cache(maxsize=1)
def other_locale_keywords() -> dict[str, tuple[str, ...]]:
    """Emoji → its keywords in CLDR's other Chinese locales (zh-Hant, zh-Hant-HK, simplified; the third column
    of emoji_zh.tsv) that zh lacks: 儿童 婴儿 幼儿 for 👶. Looser than zh's: :func:`meanings` takes only the first
    character of each (儿童's 儿), and whole words that are a piece of a mark."""
    return _read_meanings()[1]


@lru_cache(maxsize=1)
def _read_meanings() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    zh: dict[str, tuple[str, ...]] = {}
    others: dict[str, tuple[str, ...]] = {}
    for symbol, words, *more in tsv_rows(EMOJI_MEANINGS):
        zh[symbol] = tuple(words.split())
        if more and more[0]:
            others[symbol] = tuple(more[0].split())
    return zh, others


def meanings(chars: set[str], bigrams: frozenset[str], named: dict[str, str],
              runs: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Emoji → the mark characters and pieces its keywords hold and its name does not (🌊: 海 of 海洋;
    🏆: 冠 of 冠军; 🌻: 葵花, a mark's pair whose two characters its keywords 向日葵 and 太阳花 hold),
    pieces first. Read only where the reading is firm (:func:`_firm`): a keyword is looser than a name."""
    out: dict[str, tuple[str, ...]] = {}
    others = other_locale_keywords()
    for symbol, words in emoji_meanings().items():
        known = set(named.get(symbol, "")) | set(runs.get(symbol, ()))
        text = "".join(words)
        held = [ch for ch in dict.fromkeys(text) if ch in chars and ch not in known
                and not _only_suffix(ch, words)]
        looser = others.get(symbol, ())
        # Another locale's keyword gives its first character only (儿童: 儿 for 👶), where its last is often an
        # ending or the loose half of a phrase (初生儿, 快乐 for 😄), and its whole self where it is a piece of a mark.
        held += [w[0] for w in looser if w[0] in chars and w[0] not in known and w[0] not in held]
        present = set(text) & chars
        pieces = {p for w in (*words, *looser) for p in mark_pieces(w, bigrams)}
        pieces |= {a + b for a in present for b in present if a != b and a + b in bigrams}
        pieces -= known
        if held or pieces:
            out[symbol] = (*sorted(pieces, key=lambda p: (-len(p), p)), *held)
    return out


NOUN_SUFFIXES = frozenset("子儿")
"""Characters that end a Chinese noun without meaning of their own (稻子 is 稻, 鸟儿 is 鸟)."""


def _only_suffix(ch: str, words: tuple[str, ...]) -> bool:
    """Is ``ch`` in the keywords ``words`` only as the meaningless ending of a longer noun (🌾 稻子: 子)?
    Then the emoji does not mean it: a reading of 🌾 as 子 would be a chance bend of any mark with 子."""
    return ch in NOUN_SUFFIXES and all(not w.startswith(ch) and (ch not in w or w.endswith(ch) and len(w) > 1
                                                                 and w.count(ch) == 1) for w in words)


_RADICAL_STARTS: list[int] = []
_RADICAL_CHARS: list[str] = []


def radical_forms(ch: str) -> str:
    """The characters that are the radical of ``ch`` (鸽 → 鳥鸟, 鲨 → 魚鱼), "" when ``ch`` is a radical
    itself or no CJK Unified Ideograph of the basic block. The block is in radical order, each
    radical's run led by the radical (a Kangxi radical folds to it under NFKC); its simplified form is
    the character of the run read like it (鸟 like 鳥)."""
    import bisect
    import unicodedata

    if not "\u4e00" <= ch <= "\u9fff":
        return ""
    if not _RADICAL_STARTS:
        starts = sorted({ord(unicodedata.normalize("NFKC", chr(code))) for code in range(0x2F00, 0x2FD6)})
        _RADICAL_STARTS.extend(c for c in starts if 0x4E00 <= c <= 0x9FFF)
        _RADICAL_CHARS.extend(chr(c) for c in _RADICAL_STARTS)
    at = bisect.bisect_right(_RADICAL_STARTS, ord(ch)) - 1
    if at < 0:
        return ""
    forms = _RADICAL_CHARS[at] + _simplified_radical(at)
    return "" if ch in forms else forms


_SIMPLIFIED: dict[int, str] = {}


def _simplified_radical(at: int) -> str:
    """The characters of radical ``at``'s run that are read like the radical (鸟 in 鳥's run), not it."""
    if at not in _SIMPLIFIED:
        from pypinyin.pinyin_dict import pinyin_dict

        start = _RADICAL_STARTS[at]
        end = _RADICAL_STARTS[at + 1] if at + 1 < len(_RADICAL_STARTS) else 0xA000
        reading = str(pinyin_dict.get(start, "")).split(",")[0]
        _SIMPLIFIED[at] = "".join(chr(c) for c in range(start + 1, end)
                                  if reading and str(pinyin_dict.get(c, "")).split(",")[0] == reading)
    return _SIMPLIFIED[at]


def mark_pieces(name: str, bigrams: frozenset[str]) -> tuple[str, ...]:
    """Runs of two or more characters of ``name`` whose every adjacent pair is a pair of some mark
    (天鹅 of 小天鹅 in 🦢's name 天鹅), longest first."""
    found = set()
    for i in range(len(name) - 1):
        j = i
        while j + 1 < len(name) and name[j:j + 2] in bigrams:
            j += 1
            found.add(name[i:j + 1])
    return tuple(sorted(found, key=len, reverse=True))


REGIONAL = range(0x1F1E6, 0x1F200)  # regional indicator letters: two of them are a country's flag
FLAG = "[\U0001F1E6-\U0001F1FF]{2}"


def is_flag(symbol: str) -> bool:
    return len(symbol) == 2 and all(ord(ch) in REGIONAL for ch in symbol)


GENERIC_NAME_WORD = 12  # an English name word held by this many emoji names or more names no emoji in particular
_LATIN_WORD = re.compile(r"[a-z0-9]+")


def latin_pairs(texts: list[str]) -> frozenset[str]:
    """The adjacent word pairs (``"onitsuka tiger"``) of the Latin marks of two or more words among the ``norm``
    mark texts ``texts``."""
    out: set[str] = set()
    for text in texts:
        words = text.split(" ")
        if len(words) >= 2 and text.isascii() and all(_LATIN_WORD.fullmatch(w) for w in words):
            out.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    return frozenset(out)


def latin_emoji(pairs: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Emoji (variation selectors dropped) → the words of the Latin marks of ``pairs`` that its English name or
    alias holds (🐯 ``tiger_face`` / ``tiger`` → tiger), words many names hold (:data:`GENERIC_NAME_WORD`) left
    out."""
    if not pairs:
        return {}
    import emoji as emoji_data

    wanted = {w for pair in pairs for w in pair.split(" ") if len(w) >= 3}
    names: dict[str, set[str]] = {}
    held: dict[str, int] = {}
    for symbol, data in emoji_data.EMOJI_DATA.items():
        words = {w for name in (data.get("en", ""), *data.get("alias", ())) for w in name.strip(":").lower().split("_")}
        for word in words:
            held[word] = held.get(word, 0) + 1
        names[symbol.replace("\ufe0f", "")] = words & wanted
    return {symbol: tuple(sorted(w for w in words if held[w] < GENERIC_NAME_WORD))
            for symbol, words in names.items() if any(held[w] < GENERIC_NAME_WORD for w in words)}


_WORD_BEFORE = re.compile(r"([A-Za-z0-9]+)[\s\ufe0f\ufe0e\u200d]*$")
_WORD_AFTER = re.compile(r"^[\s\ufe0f\ufe0e\u200d]*([A-Za-z0-9]+)")


def read_latin_emoji(latin: dict[str, tuple[str, ...]], pairs: frozenset[str], found: re.Pattern[str],
                     text: str) -> str | None:
    """``text`` with each emoji of ``latin`` that makes a pair of ``pairs`` with the Latin word written before or
    after it written as that word, spaced from its neighbours (ONITSUKA 🐯 → ONITSUKA tiger); None when none is."""
    out, last = [], 0
    for m in found.finditer(text):
        words = latin.get(m.group().replace("\ufe0f", ""), ())
        before = _WORD_BEFORE.search(text, 0, m.start())
        after = _WORD_AFTER.search(text[m.end():])
        left = before.group(1).lower() if before else ""
        right = after.group(1).lower() if after else ""
        pick = next((w for w in words if (left and f"{left} {w}" in pairs) or (right and f"{w} {right}" in pairs)),
                    None)
        if pick is not None:
            out.append(text[last:m.start()])
            out.append(f" {pick} ")
            last = m.end()
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)
