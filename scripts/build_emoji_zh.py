"""Build ``matchers/data/emoji_zh.tsv``: what each emoji means in Chinese, by the Unicode CLDR's
annotations (keywords, not only the one name), so that the rebus reading (matchers/rebus.py) can take
an emoji for a character its meaning holds and its name lacks (🌊 named 浪花, read as 海 by its keyword
海洋; ⚡ 高压 as 电 by 有电/闪电; 🏆 奖杯 as 冠 by 冠军; 🌻 向日葵 as 葵花 by 向日葵 + 太阳花).

Why a derived file rather than a dependency: the ``emoji`` package (a runtime dependency) ships one
Chinese name per emoji; the keyword lists come only in the CLDR JSON packages of the npm registry,
read here once (``npm pack cldr-annotations-full cldr-annotations-derived-full`` in DIR, Unicode
licence): ``annotations/zh/annotations.json`` (single emoji: keywords ``default`` and the name
``tts``) and ``annotationsDerived/zh/annotations.json`` (sequences; only the flags are kept, their
``tts`` "旗: 加拿大" giving the country's name). Only emoji are kept (by the
``emoji`` package's list: CLDR annotates punctuation such as 。 too). Skin tones, keycaps and other
sequences are left out:
a skin tone means what its base emoji means, a keycap is its digit (rebus reads it so already).

Row: emoji (variation selectors dropped) <TAB> its name and keywords, space-separated, name first.
Run: ``python scripts/build_emoji_zh.py DIR`` (DIR holds the two .tgz files).
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "matchers" / "data" / "emoji_zh.tsv"
_REGIONAL = range(0x1F1E6, 0x1F200)


LOCALES = ("zh", "zh-Hant", "zh-Hant-HK")
"""The Chinese locales whose keywords are read, Simplified first. Why the traditional ones too (converted to
simplified): their annotators chose other words for the same emoji, and a buyer reads what any of them saw
(👶 is 小宝贝 宝宝 孩子 in zh, 婴儿 儿童 幼儿 in zh-Hant-HK: the 儿 of a mark such as 乐儿). Only their words
of two to four Chinese characters are taken (their one-character keywords, 女 生 仔 for 👶, and their Cantonese
descriptions are too loose), in a third column: matchers/rebus_emoji.py reads them more strictly than zh's."""


def _annotations(archive: Path, member: str, top: str, locale: str = "zh") -> dict[str, dict]:
    """The ``locale`` annotations of one CLDR npm archive ({} when it holds none)."""
    with tarfile.open(archive) as tar:
        try:
            raw = tar.extractfile(f"package/{member}/{locale}/annotations.json")
        except KeyError:
            return {}
        assert raw is not None, f"{archive} holds no {member}/{locale}"
        return json.load(raw)[top]["annotations"]


def _simplified(entry: dict, converter) -> dict:
    """A traditional locale's entry with its words in simplified characters."""
    return {key: [converter.convert(str(w)) for w in words] for key, words in entry.items() if isinstance(words, list)}


def _is_flag(sequence: str) -> bool:
    return len(sequence) == 2 and all(ord(ch) in _REGIONAL for ch in sequence)


def _words(entry: dict, flag: bool) -> list[str]:
    """The name first, then the keywords, each once (a flag: its country's name only)."""
    names = [str(t).split(":", 1)[-1].strip() if flag else str(t) for t in entry.get("tts", [])]
    keywords = [] if flag else [str(k) for k in entry.get("default", [])]
    return [w for w in dict.fromkeys(names + keywords) if w and " " not in w and "\t" not in w]


def main(folder: str) -> int:
    where = Path(folder)
    found = {name: next(iter(sorted(where.glob(f"{name}-*.tgz"))), None)
             for name in ("cldr-annotations-full", "cldr-annotations-derived-full")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        raise SystemExit(f"no archive of {', '.join(missing)} in {where}: cd {folder} && npm pack "
                         "cldr-annotations-full cldr-annotations-derived-full")
    import emoji  # a runtime dependency: which annotated symbols are emoji (CLDR annotates 。 and ≠ too)

    emoji_keys = {symbol.replace("\ufe0f", "") for symbol in emoji.EMOJI_DATA}
    import opencc  # a runtime dependency: the traditional locales' words in simplified characters

    converter = opencc.OpenCC("t2s")
    rows: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    for locale in LOCALES:
        for symbol, entry in _annotations(found["cldr-annotations-full"], "annotations", "annotations", locale).items():
            key = symbol.replace("\ufe0f", "")
            if key not in emoji_keys:
                continue
            if locale == "zh":
                words = _words(entry, flag=False)
                if words:
                    rows[key] = words
                continue
            # another locale's one-character keywords (女, 生, 仔 for 👶) are too loose, and so are its
            # Cantonese descriptions (含笑嘅眼睛…): words of two to four Chinese characters only
            words = [w for w in _words(_simplified(entry, converter), flag=False)
                     if 2 <= len(w) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in w)]
            others[key] = list(dict.fromkeys([*others.get(key, []), *words]))
    for key, words in others.items():
        kept = [w for w in words if w not in rows.get(key, [])]
        if kept and key in rows:
            rows[key] = [*rows[key], "\t" + kept[0], *kept[1:]]
    derived = _annotations(found["cldr-annotations-derived-full"], "annotationsDerived", "annotationsDerived")
    for symbol, entry in derived.items():
        if _is_flag(symbol) and symbol in emoji_keys:
            rows[symbol] = _words(entry, flag=True)
    version = found["cldr-annotations-full"].name.removeprefix("cldr-annotations-full-").removesuffix(".tgz")
    lines = [f"# What each emoji means in Chinese (scripts/build_emoji_zh.py: CLDR annotations {version}, "
             f"locales {', '.join(LOCALES)} in simplified characters, npm cldr-annotations-full and -derived-full, "
             "Unicode licence). emoji<TAB>zh name and keywords[<TAB>the other locales' keywords]"]
    lines += [f"{symbol}\t{' '.join(words).replace(' ' + chr(9), chr(9))}" for symbol, words in sorted(rows.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(rows)} emoji ({sum(_is_flag(s) for s in rows)} flags)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
