"""A mark written partly in pinyin: some of its characters as their syllables or their initials, the rest as
characters (siji沐歌, sj沐歌, 四季mg for 四季沐歌; nai克 for 耐克; 小hu士 for 小护士).

Why general: the readings come from pypinyin (``matchers.normalise.pinyin_of``, each character's first
reading, as the mark's whole pinyin form is made), the marks from the register; a seller mixes the scripts
so that neither a filter of the characters nor one of the pinyin sees the mark. Read only where the Latin run
is exactly the pinyin of a mark's first, inner or last characters and the characters written beside it are the
rest of that mark (inner ones as whole syllables only); initials only for two or more characters with two or
more written beside them (sj沐歌, not s季沐歌 nor sj歌), since a lone initial or two initials beside one character
say too little.
"""

from __future__ import annotations

import re
from typing import Iterable

MIN_INITIALS = 2  # characters written as initials (sj of 四季)
MIN_WRITTEN_BESIDE_INITIALS = 2  # characters written beside the initials (沐歌)
MIN_SYLLABLES_LETTERS = 2  # letters of a syllable run (nai of 耐; a one-letter syllable, e or a, is too short)

Spelled = dict[str, tuple[tuple[str, ...], ...]]  # Latin run and its neighbour, in text order → (characters, mark[,
# characters before]): the characters before the run are those of a mark whose inner characters it spells

# A letter beside a Chinese character: what one title in thirteen has (the demo catalogue), looked for first
_ADJACENT = re.compile(r"[A-Za-z][\u4e00-\u9fff]|[\u4e00-\u9fff][A-Za-z]")
# A Latin run with a Chinese character before or after it. Led by a letter class, so that the engine skips to the
# next letter in C (an alternation led by a look-behind is tried at every character: twice the time a title);
# a run beside no Chinese character costs a few failed steps.
LATIN_RUN = re.compile(r"[A-Za-z](?:(?<=[\u4e00-\u9fff][A-Za-z])[A-Za-z]*|[A-Za-z]*(?=[\u4e00-\u9fff]))")


def spelled_forms(texts: Iterable[str]) -> tuple[Spelled, Spelled]:
    """For the CJK marks among the ``norm`` texts ``texts``: Latin run and the character after it → (characters
    after it, mark) where the run spells the mark's first characters (siji沐 → (沐歌, 四季沐歌)), and the character
    before a Latin run and the run → (characters before it, mark) where it spells the mark's last ones (季mg →
    (四季, 四季沐歌)); a run that spells inner characters goes with the first dict, with the characters before it
    (hu士 → (士, 小护士, 小)). Keyed by the neighbouring character too, as the text writes them, so that a common run (ml of
    500ml装) finds only the marks that the text beside it may hold."""
    from matchers.normalise import pinyin_of

    before: dict[str, set[tuple[str, str, str]]] = {}
    after: dict[str, set[tuple[str, str]]] = {}
    for text in texts:
        if len(text) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in text):
            continue
        syllables = [pinyin_of(ch) for ch in text]
        if not all(s.isascii() and s.isalpha() for s in syllables):
            continue
        for cut in range(1, len(text)):
            head, tail = text[:cut], text[cut:]
            for run in _spellings(syllables[:cut], len(tail)):
                before.setdefault(run + tail[0], set()).add((tail, text, ""))
            for run in _spellings(syllables[cut:], len(head)):
                after.setdefault(head[-1] + run, set()).add((head, text))
            for stop in range(cut + 1, len(text)):  # 小hu士, 兔tou妈妈: characters inside as their syllables
                run = "".join(syllables[cut:stop])
                if len(run) >= MIN_SYLLABLES_LETTERS:
                    before.setdefault(run + text[stop], set()).add((text[stop:], text, head))
    return ({run: tuple(sorted(found, key=lambda f: (-len(f[0]) - len(f[2]), f))) for run, found in before.items()},
            {run: tuple(sorted(found, key=lambda f: (-len(f[0]), f))) for run, found in after.items()})


def _spellings(syllables: list[str], written: int) -> list[str]:
    """The Latin runs a seller writes for characters of these ``syllables`` beside ``written`` characters."""
    out = []
    full = "".join(syllables)
    if len(full) >= MIN_SYLLABLES_LETTERS:
        out.append(full)
    if len(syllables) >= MIN_INITIALS and written >= MIN_WRITTEN_BESIDE_INITIALS:
        out.append("".join(s[0] for s in syllables))
    return out


def read_spelled(before: Spelled, after: Spelled, text: str) -> str | None:
    """``text`` with each Latin run that spells a mark's first or last characters, the rest written beside it,
    written as the whole mark (sj沐歌 → 四季沐歌, 四季mg → 四季沐歌); None when none is."""
    if _ADJACENT.search(text) is None:
        return None  # the common case: no Latin run beside a Chinese character
    out, last = [], 0
    for m in LATIN_RUN.finditer(text):
        start, end = m.start(), m.end()
        if start < last:
            continue
        run = m.group().lower()
        found = None
        if end < len(text) and "\u4e00" <= text[end] <= "\u9fff":
            found = next(((start - len(head), end + len(tail), mark) for tail, mark, head in before.get(run + text[end], ())
                          if text.startswith(tail, end)
                          and (not head or start - len(head) >= last and text.endswith(head, 0, start))), None)
        if found is None and start > last and "\u4e00" <= text[start - 1] <= "\u9fff":
            found = next(((start - len(head), end, mark) for head, mark in after.get(text[start - 1] + run, ())
                          if start - len(head) >= last and text.endswith(head, 0, start)), None)
        if found is not None:
            out.append(text[last:found[0]])
            out.append(found[2])
            last = found[1]
    if not out:
        return None
    out.append(text[last:])
    return "".join(out)
