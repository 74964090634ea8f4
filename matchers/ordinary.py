"""Is a short mark only part of an ordinary word here (招财进宝 for 进宝, 小米粥 for 小米)?

Why: the ordinary meaning of a word is never infringement (docs/labelling.md), and short CJK
marks occur inside everyday words all the time. jieba's dictionary (350k words) supplies the
ordinary words that contain a mark; lexicon ``ordinary_words`` adds what it lacks. A containing word
whose rest is goods of the right's own classes (小米手机) or a place (北京同仁堂) is mark use, not an
ordinary word, so it does not count.
"""

from __future__ import annotations

import os
from functools import lru_cache

from markwatch.contracts import Right
from matchers.lexicon import lexicon
from matchers.normalise import norm

MAX_FORM = 3  # longer marks are distinctive enough


@lru_cache(maxsize=1)
def _dictionary() -> str:
    import jieba  # only the file is read; jieba's segmenter is never initialised

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as fh:
        return "\n" + fh.read()


@lru_cache(maxsize=65536)
def is_dictionary_word(word: str) -> bool:
    """Is ``word`` an entry of jieba's dictionary (or of lexicon ``ordinary_words``)?"""
    return f"\n{word} " in _dictionary() or word in lexicon()["ordinary_words"]


@lru_cache(maxsize=4096)
def _containing_words(form: str) -> tuple[str, ...]:
    text = _dictionary()
    words = {norm(w) for w in lexicon()["ordinary_words"] if form in norm(w) and norm(w) != form}
    pos = text.find(form)
    while pos >= 0:
        line_start = text.rfind("\n", 0, pos) + 1
        line_end = text.find("\n", pos)
        word = text[line_start:line_end if line_end >= 0 else None].split(" ", 1)[0]
        if form in word and len(word) > len(form):
            words.add(word)
        pos = text.find(form, line_end if line_end >= 0 else len(text))
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8192)
def _is_mark_use(rest: str, classes: tuple[int, ...]) -> bool:
    goods = lexicon()["goods_classes"]
    if any(rest in goods.get(c, ()) or any(w and w in rest for w in goods.get(c, ()) if len(w) >= 2)
           for c in classes):
        return True
    if rest in lexicon()["mark_use"]:
        return True
    from matchers.origin import _gazetteer

    try:
        return _gazetteer().resolve(rest) is not None
    except Exception:  # noqa: BLE001 - no gazetteer: judge without it
        return False


def inside_ordinary_word(text: str, start: int, end: int, form: str, right: Right) -> str:
    """The ordinary word around text[start:end] that swallows the mark, or ""."""
    if len(form) > MAX_FORM or not all("\u4e00" <= ch <= "\u9fff" for ch in form):
        return ""
    own = {norm(n) for n in right.all_names}
    for word in _containing_words(form):
        if word in own:
            continue  # 阿迪 inside 阿迪达斯 is the mark, not an ordinary word
        offset = word.find(form)
        while offset >= 0:
            left = start - offset
            if left >= 0 and text[left:left + len(word)] == word:
                rest = word[:offset] + word[offset + len(form):]
                if not _is_mark_use(rest, tuple(right.nice_classes)):
                    return word
            offset = word.find(form, offset + 1)
    return ""
