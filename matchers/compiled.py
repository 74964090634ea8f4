"""The register compiled for fast candidate search: Aho–Corasick automata and a fuzzy index.

Why: a listing must be checked against tens of thousands of rights without a per-right loop. Every
normalised form of every right (name, official variants, their pinyin, nicknames, compact Latin
forms, and the place part of GI names) is folded with :func:`matchers.normalise.canon` and put in
an automaton, so one scan of a listing's canonical text finds exact marks, homophones, shape-alikes
and Latin look-alikes at once; near misses on Latin words and pinyin come from a single-deletion
index (SymSpell style) verified with rapidfuzz. Both costs depend on the listing, not the register.

Why several automata: an ordinary (not well-known) trademark is only infringed on goods of its Nice
classes (docs/labelling.md), and in a large register most chance hits are such marks on other goods
(a two-character mark is a common word somewhere). So rights judged whatever the goods (GIs, special
marks, well-known or class-less trademarks) share the *open* automaton, ordinary trademarks get one
automaton per Nice class, and a listing is scanned with the open one plus those of its own goods
classes (all ordinary trademarks when its goods are unknown). Measured on 100k demo listings against
10,000 rights: 3.8 candidate rights per listing before, most of them thrown away later. Those automata
are now one scan index (matchers/candidates.py ScanIndex), built straight from the keys
(matchers/key_postings.py); the separate ones are views of it, made only if something reads them.
"""

from __future__ import annotations

import re
import bisect
import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple, Sequence, cast

import ahocorasick
import numpy as np

from markwatch.contracts import Register, Right
from matchers.lexicon import Brand, brand_table, lexicon, line_in
from matchers.normalise import canon, has_cjk, norm, pinyin_by_other_readings, pinyin_of

# Form kinds, in order of authority (a lower rank wins when two forms of one right overlap).
FORM_KINDS = ("name", "variant", "compact", "nickname", "pinyin", "gi_place")
_ASCII_ALNUM = re.compile(r"[0-9a-z$@]")


class Form(NamedTuple):
    """One searchable rendering of a right (a tuple: tens of thousands load fast from the cache)."""

    right: int  # index into CompiledRegister.rights
    text: str  # norm() form
    key: str  # canon() form, the automaton key
    kind: str
    latin: bool  # no CJK: needs word boundaries, look-alike rules
    left_edge: bool  # first char is Latin/digit: check the boundary before it
    right_edge: bool


@dataclass(slots=True)
class FormIndex:
    """An automaton over some forms (key: canon form → (length, form ids)) and, per spelling met in
    a listing, which of those forms it matches and how (judged once: spellings recur)."""

    automaton: ahocorasick.Automaton
    judged: dict[str, tuple[tuple[Form, str], ...]] = field(default_factory=dict)


def class_bound(right: Right) -> bool:
    """Is ``right`` infringed only on goods of its own Nice classes (an ordinary trademark)?"""
    return right.kind == "trademark" and bool(right.nice_classes) and not right.well_known


@dataclass
class CompiledRegister:
    """Rights plus the search structures built from them; build with :func:`compile_register`."""

    rights: Sequence[Right]  # a list, or a RightsTable when loaded from the cache (matchers/rights_table.py)
    forms: Sequence[Form] = field(default_factory=list)  # a list, or a FormsTable when loaded (matchers/packed.py)
    # The three below are views of scan_index (matchers/key_postings.py ScannedAutomaton, ScannedClassIndex):
    # each is made into its own automaton only when its .automaton is read, which matching never does
    open_index: FormIndex | None = None  # rights judged whatever the goods
    class_index: Mapping[int, FormIndex] = field(default_factory=dict)  # Nice class → its ordinary trademarks
    bound_index: FormIndex | None = None  # every ordinary trademark (listings of unknown goods)
    # bound_index is not None: a listing's goods are classified only then. Kept beside it so that the
    # hot path asks this flag, not the view (the scan index holds its keys: matchers/candidates.py)
    ordinary_marks: bool = False
    bound: list[bool] = field(default_factory=list)  # right → class_bound(right)
    latin_keys: dict[str, list[int]] = field(default_factory=dict)  # canon Latin word → forms
    deletions: "SortedIndex" = field(default_factory=lambda: SortedIndex.of_deletions([], []))  # one-deletion → forms
    gi_products: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # right → (place, products)
    authorised: list[frozenset[str]] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    near_cache: dict[str, tuple[int, ...]] = field(default_factory=dict)  # Latin word → near forms
    index_cache: dict[tuple[int, ...] | None, list[tuple[FormIndex, frozenset[int]]]] = field(default_factory=dict)
    rebus: Any = None  # matchers.rebus.RebusTable: emoji and digits that may stand for a mark's character
    english_forms: frozenset[str] = frozenset()  # Latin forms that are also English words (coach, dove)
    name_forms: frozenset[str] = frozenset()  # Latin forms that are proper nouns of Webster's 2nd (tina, milo)
    famous: frozenset[int] = frozenset()  # rights a famous brand of brand_names.yaml attached to
    house_lines: dict[int, tuple[str, ...]] = field(default_factory=dict)  # right → its brand's product lines
    brand_of: dict[int, str] = field(default_factory=dict)  # right → the key of the famous brand it is
    # a piece of a famous brand's name (a Latin word, a run of ≥ 2 Chinese characters) → (the whole
    # name, its brand's key) for every name longer than the piece: Lowe Alpine holds "lowe" (LOEWE)
    brand_pieces: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # right → the Nice classes of OTHER famous brands named like it (Champion spark plugs for the
    # CHAMPION of clothing, 盼盼 bread for the mascot 盼盼): on those goods the word is theirs
    namesakes: dict[int, frozenset[int]] = field(default_factory=dict)
    near_english: frozenset[str] = frozenset()  # English words one edit from a Latin form (basics: asics)
    # right → the names of OTHER famous brands with a product line named like it (Nestlé, 雀巢 for a
    # mascot Milo: Milo is a Nestlé drink): a listing that names such a brand sells its product
    line_owners: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # a Latin "X家" nickname some right has as a form → (right, its Nice classes as bits) of every trademark of
    # that initial (however many): an X家 is ambiguous among those of the listing's goods (matchers/candidates.py)
    house_givers: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # a special mark's pinyin too short to be a form alone (afu of the mascot 阿福): a form only beside an event
    # or mascot word of the listing (lexicon mascot_event: mascot, expo, 吉祥物 …; matchers/candidates.py)
    cued_pinyin: frozenset[str] = frozenset()
    # (right, Latin form) met only as written, never by a near miss: a mark's pinyin by a polyphonic character's
    # second reading (fengliaoxing of 冯了性) is one bend already
    exact_only: frozenset[tuple[int, str]] = frozenset()
    # CJK marks by the characters around each position (matchers/shape_holes.py): a title holding a mark with one
    # character swapped for one drawn like it by the broad measure, checked at scan time
    holes: Any = None
    # every automaton key in one automaton (matchers.candidates.ScanIndex), built from the keys themselves
    # (matchers/key_postings.py); open_index, bound_index and class_index are views of it
    scan_index: Any = None

    def indexes(self, goods_classes: Iterable[int] | None = None) -> list[tuple[FormIndex, frozenset[int]]]:
        """The automata to scan for a listing whose goods fall in ``goods_classes`` (None: unknown,
        scan every right), each with the classes scanned before it: a right of several of the
        listing's classes is taken from the first of them only. Cached per class list: listings
        share a few hundred of them."""
        key = None if goods_classes is None else tuple(goods_classes)
        found = self.index_cache.get(key)
        if found is None:
            found = self.index_cache[key] = self._indexes(key)
        return found

    def _indexes(self, goods_classes: tuple[int, ...] | None) -> list[tuple[FormIndex, frozenset[int]]]:
        out = [(self.open_index, frozenset[int]())] if self.open_index is not None else []
        if goods_classes is None:
            if self.bound_index is not None:
                out.append((self.bound_index, frozenset()))
            return out
        earlier: set[int] = set()
        for cls in goods_classes:
            if cls in self.class_index and cls not in earlier:
                out.append((self.class_index[cls], frozenset(earlier)))
                earlier.add(cls)
        return out


def split_gi_name(name: str) -> tuple[str, str]:
    """阳澄湖大闸蟹 → (阳澄湖, 大闸蟹): the place part and the product part of a GI name.

    The product is the longest goods word (lexicon) ending the name and leaving ≥ 2 characters of
    place, unless the name starts with a place the gazetteer names (柳州 of 柳州螺蛳粉) and the rest
    is a product the goods words do not know, or a dictionary word ending in one (烟台 + 大樱桃, not
    烟台大 + 樱桃; 长白山人参 stays 长白山 + 人参: 山人参 is no word); failing both, the last two
    characters (the last one of a three-character name). Between those, the longest dictionary word
    ending the name (镜泊湖 + 鲤鱼).
    """
    goods = {w for words in lexicon()["goods_classes"].values() for w in words}
    by_goods = next((cut for cut in range(2, len(name) - 1) if name[cut:] in goods), None)
    by_place = _place_prefix(name)
    if by_place is not None and (by_goods is None or by_place < by_goods and _is_word(name[by_place:])):
        return name[:by_place], name[by_place:]
    if by_goods is not None:
        return name[:by_goods], name[by_goods:]
    by_word = next((cut for cut in range(2, len(name) - 1) if has_cjk(name[cut:]) and _is_word(name[cut:])), None)
    if by_word is not None:  # 镜泊湖 + 鲤鱼: a product the goods words lack, but a word (not 镜泊湖鲤 + 鱼)
        return name[:by_word], name[by_word:]
    if len(name) == 3 and has_cjk(name):
        return name[:2], name[2:]  # 莱阳梨, 六堡茶: a two-character place and a one-character product
    return (name[:-2], name[-2:]) if len(name) >= 4 else (name, "")


TOWN_WORD = "镇"


def _town_spellings(name: str, cut: int) -> list[str]:
    """The GI name with 镇 written inside it at each cut other than the place split's (马坝镇油粘米 of 马坝油粘米, whose
    split read 马坝油 + 粘米), leaving two characters or more on each side. Why: a seller names the town the
    goods are "of" (产自马坝镇) and writes the product after it; where the place part is a town the gazetteer does
    not know, the split can cut elsewhere, and the split-name rule (candidates._resolve_gi_place) then misses
    it. A name that holds 镇 already, or is not all Chinese, has none."""
    if TOWN_WORD in name or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return []
    return [name[:k] + TOWN_WORD + name[k:] for k in range(2, len(name) - 1) if k != cut]


def _products_shortened(name: str, place: str, product: str, division: int | None, goods: set[str],
                        names: list[str]) -> list[str]:
    """More ways a seller writes a GI's product after its place (凤庆 产区 滇红 for 凤庆滇红茶): the rest of the
    name after the county alone (滇红茶 of 凤庆|滇红茶, where the split read 凤庆滇 + 红茶), that rest or the
    product without a last character that is a goods word of its own (滇红 without 茶, 龙井 of 龙井茶), and the
    rest of each of the right's names that starts with its place (滇红 of the variant 凤庆滇红). Why: a listing
    that names the place, a dodge word and the product's own name sells the GI's goods however short it writes
    them; each of these is looked for only right after the GI's place (candidates._resolve_gi_place)."""
    rests = [product]
    if division and name.startswith(place) and len(name) - division > len(product):
        rests.append(name[division:])
    out = [rest for rest in rests[1:]]
    out += [rest[:-1] for rest in rests if len(rest) >= 3 and rest[-1] in goods]
    if len(rests) == 1 and len(product) == 2 and product in goods and product[-1] in _single_nouns():
        out.append(product[-1])  # 洪湖藕 for 洪湖莲藕: the product's head noun alone (not where the split is
        # unsure, 勐腊滇|绿茶: 勐腊 茶 is any tea of the county)
    for other in names:
        for head in (place, place[:division] if division else ""):
            if head and other.startswith(head) and len(other) - len(head) >= 2 and other != name:
                out.append(other[len(head):])
    return [p for p in dict.fromkeys(out) if p != product and (len(p) >= 2 or p == product[-1]) and has_cjk(p)]


@lru_cache(maxsize=1)
def _single_nouns() -> frozenset[str]:
    """The one-character words jieba's dictionary tags as common nouns (藕, 梨, 茶; not 米, a measure word, nor
    杞, a place name's): what a product word of two characters may be shortened to after its place."""
    import os

    import jieba

    out = set()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
        for line in fh:
            word, _, tag = line.rstrip("\n").partition(" ")[0], None, line.rsplit(" ", 1)[-1].strip()
            if len(word) == 1 and tag == "n":
                out.add(word)
    return frozenset(out)


def _place_prefix(name: str) -> int | None:
    """Length of the longest start of ``name`` (leaving ≥ 2 characters) that the gazetteer names as a
    division (柳州 → 柳州市), or None."""
    if len(name) < 4 or not has_cjk(name):
        return None
    from matchers.origin import _gazetteer

    try:
        gazetteer = _gazetteer()
    except Exception:  # noqa: BLE001 - no gazetteer: split by goods words alone
        return None
    for cut in range(len(name) - 2, 1, -1):
        place = gazetteer.resolve(name[:cut])
        if place is not None and (place.name.startswith(name[:cut]) or name[:cut] in gazetteer.names_of(place)):
            return cut  # 柳州 of 柳州市, or an old name of the division (中甸 of 香格里拉市)
    return None


def _is_word(text: str) -> bool:
    from matchers.ordinary import is_dictionary_word

    return is_dictionary_word(text)


def _other_place_names(place: str) -> list[str]:
    """The other names of the division a GI's place names (matchers.gazetteer.Gazetteer.names_of:
    郫都区 and 郫都 for 郫县, 锡盟 for 锡林郭勒), when the place is one of its names; else []."""
    from matchers.origin import _gazetteer

    try:
        gazetteer = _gazetteer()
    except Exception:  # noqa: BLE001 - no gazetteer: the GI's own place only
        return []
    found = gazetteer.resolve(place)
    if found is None:
        return []
    names = gazetteer.names_of(found)
    return [n for n in names if n != place and len(n) >= 2] if place in names else []


def _latin_gi_names(place: str, products: tuple[str, ...]) -> list[str]:
    """A GI written for a cross-border listing: its place in pinyin and its product in English
    (lexicon ``product_english``: 温县铁棍山药 → wenxian iron stick yam, wenxian yam)."""
    english = lexicon().get("product_english") or {}
    spelled = pinyin_of(place) if all("\u4e00" <= ch <= "\u9fff" for ch in place) else ""
    if len(spelled) < 4:
        return []
    return [f"{spelled} {word}" for product in products for word in english.get(product, ())]


def _house_nicknames(names: list[str]) -> list[str]:
    """"N家" (Nike), "雅家" (雅诗兰黛): first letter or character + 家, the way buyers name a house; and a Latin name
    of two words or more by the initials of its first two (CT家 for CHARLOTTE TILBURY).

    A CJK one is dropped later when it is an ordinary word (大家, 新家, 安家): jieba's dictionary decides.
    """
    out = []
    for raw in names:
        text = norm(raw).strip()
        if not text:
            continue
        first = text[0]
        if (first.isascii() and first.isalpha() and not has_cjk(text)) or ("\u4e00" <= first <= "\u9fff" and len(text) >= 2):
            out.append(first + "家")
        words = text.split()
        if len(words) >= 2 and not has_cjk(text) and all(w[:1].isascii() and w[:1].isalpha() for w in words[:2]):
            out.append(words[0][0] + words[1][0] + "家")  # CT家 for CHARLOTTE TILBURY, NB家 for NEW BALANCE
    return out


MIN_PINYIN = 5  # letters of a mark's pinyin that make a form by themselves (four when no English word)
MIN_CUED_PINYIN = 3  # a special mark's shorter pinyin (afu of 阿福) is a form beside an event word only
FEW_HOUSES = 6  # marks sharing an "X家" nickname that the goods can still tell apart


def house_givers_of(rights: Sequence[Right], given: Iterable[str]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Each Latin "X家" of ``given`` (nicknames some right has) → (right, :func:`class_bits` of its classes) of
    every trademark whose name or a variant gives it, however many (:func:`_unambiguous_house_nicknames` gives
    it to a few of them only). Why bits: a listing's check reads no right (a 10k register has hundreds of N
    marks, and each right read from the cached table is unpacked)."""
    wanted = {nick for nick in given if nick[:1].isascii()}
    out: dict[str, list[tuple[int, int]]] = {}
    for idx, right in enumerate(rights):
        if right.kind == "trademark":
            for nick in dict.fromkeys(_house_nicknames(right.all_names)):
                if nick in wanted:
                    out.setdefault(nick, []).append((idx, class_bits(right.nice_classes)))
    return {nick: tuple(givers) for nick, givers in out.items()}


ALL_CLASSES = (1 << 46) - 2  # bits 1..45


def class_bits(classes: Iterable[int]) -> int:
    """Nice classes as bits (bit c for class c); no classes: every class."""
    bits = 0
    for cls in classes:
        bits |= 1 << cls
    return bits or ALL_CLASSES


def _unambiguous_house_nicknames(rights: list[Right], famous: frozenset[int] = frozenset()) -> dict[int, list[str]]:
    """Right index → its house nicknames that name it alone.

    "X家" is how buyers name a famous house: N家 is Nike, not also New Balance. A nickname several
    marks could give goes to all of them when they are few (at most :data:`FEW_HOUSES`: B家 for
    贝玲妃 cosmetics, 布鲁可 toys and 白云山 medicines; the goods decide at match time), else to the
    well-known marks among them and those ``famous`` (a brand of brand_names.yaml: H家, Hermès or
    Huawei), or to none when all are ordinary: in a register of thousands of ordinary marks, 华家 or
    鑫家 would name a hundred marks and mostly a family or a shop, and only add chance hits.
    """
    givers: dict[str, list[int]] = {}
    for idx, right in enumerate(rights):
        if right.kind == "trademark":
            for nick in dict.fromkeys(_house_nicknames(right.all_names)):
                givers.setdefault(nick, []).append(idx)
    out: dict[int, list[str]] = {}
    for nick, idxs in givers.items():
        owners = idxs if len(idxs) <= FEW_HOUSES else [i for i in idxs if rights[i].well_known or i in famous]
        for owner in owners:
            out.setdefault(owner, []).append(nick)
    return out


def famous_brands(rights: Sequence[Right]) -> dict[int, Brand]:
    """Right index → the famous brand of matchers/data/brand_names.yaml it is: a trademark whose name
    or an official variant is one of the brand's names, registered for goods the brand trades in (a
    right with no classes: any). The goods guard keeps a namesake apart (冠军 seeds are no Champion)."""
    table = brand_table()
    out: dict[int, Brand] = {}
    for idx, right in enumerate(rights):
        if right.kind != "trademark":
            continue
        for raw in right.all_names:
            brand = table.get(norm(raw).strip())
            if brand is not None and (not right.nice_classes or not brand.classes.isdisjoint(right.nice_classes)):
                out[idx] = brand
                break
    return out


def brand_pieces() -> dict[str, tuple[tuple[str, str], ...]]:
    """Every piece of every famous brand's name → (the name, the brand's key), for names longer than
    the piece: its Latin words (lowe of lowe alpine, tiger of onitsuka tiger) and its runs of two or
    more Chinese characters (雪花 of 雪花啤酒). A mark found only as such a piece of another brand's
    name written in the listing is that brand (matchers/matcher.py). The whole name is a piece of
    itself too, for bent hits only (the matcher skips it for exact ones): a homophone or shape-alike
    of a mark that is, letter for letter, another famous brand (皇上皇 sausages beside a mark 煌上煌)
    is that brand, not an evasion."""
    pieces: dict[str, dict[tuple[str, str], None]] = {}
    for name, brand in brand_table().items():
        if has_cjk(name):
            runs = [name[i:j] for i in range(len(name)) for j in range(i + 2, len(name) + 1)]
        else:
            runs = [w for w in name.split() if len(w) >= 2] if " " in name else []
            runs.append(name)
        for piece in runs:
            pieces.setdefault(piece, {})[(name, brand.key)] = None
    return {piece: tuple(names) for piece, names in pieces.items()}


def house_line_in(compiled: CompiledRegister, right_idx: int, text: str) -> str:
    """The first product line of the right's famous brand (brand_names.yaml) written in ``text``
    (a Latin line as a whole word), or ""."""
    return line_in(compiled.house_lines.get(right_idx, ()), text)


def namesakes_of(rights: Sequence[Right], famous: dict[int, Brand]) -> dict[int, frozenset[int]]:
    """Right index → the Nice classes of the famous brands (brand_names.yaml) other than its own
    whose name is one of the right's names or starts with one (a word of it: champion spark plugs;
    Chinese: 盼盼食品, 冠军火花塞). Trademarks and special marks; few rights have any."""
    by_start: dict[str, set[int]] = {}
    for name, brand in brand_table().items():
        heads = {name} | ({" ".join(name.split()[:n]) for n in range(1, len(name.split()))} if not has_cjk(name)
                          else {name[:n] for n in range(2, len(name))})
        for head in heads:
            by_start.setdefault(head, set()).add(id(brand))
    brands = {id(b): b for b in brand_table().values()}
    out: dict[int, frozenset[int]] = {}
    for idx, right in enumerate(rights):
        if right.kind == "gi":
            continue
        own = famous.get(idx)
        classes = {c for raw in right.all_names for b in by_start.get(norm(raw).strip(), ())
                   if brands[b] is not own for c in brands[b].classes}
        if classes:
            out[idx] = frozenset(classes)
    return out


def english_near_misses(keys: Iterable[str]) -> frozenset[str]:
    """The English words (matchers.variants.english_words_among's lists) one edit from one of the
    Latin ``keys`` (a deletion, an insertion or a substitution: basics and asics, file and fila): a
    near miss that is such a word is the word written, not the mark bent. Made once per register."""
    from matchers.variants import common_english_words

    keys = [k for k in keys if k.isascii() and k.isalpha()]
    if not keys:
        return frozenset()
    gone: set[str] = set(keys)
    for key in keys:
        gone.update(_deletes(key))
    lengths = {len(k) for k in keys}
    both = common_english_words()
    near = set()
    whole = set(keys)
    for word in both:
        if (len(word) - 1 in lengths or len(word) in lengths or len(word) + 1 in lengths) \
                and (word in gone or not _deletes(word).isdisjoint(gone)):
            near.add(word)
        plural = word + "s"  # the lists hold base forms: a plural one letter longer or shorter than a key
        if len(plural) - 1 in lengths and not _deletes(plural).isdisjoint(whole) or plural in gone:
            near.add(plural)  # (basics: asics), not one letter swapped (hernes: hermes is a bent mark)
    return frozenset(near - whole)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def compile_register(register: Register, cache_dir: Path | None = None) -> CompiledRegister:
    """The automata and indexes of ``register``: built (≈1 s per 10k rights) or loaded from
    ``cache_dir`` (markwatch.cache) when this register was compiled there by this code before."""
    import logging
    import time

    from markwatch.cache import cache_path

    from matchers import ordinary, packed

    rights = list(register.rights)
    path = cache_path("compiled-register", compiled_key(register_digest(register)), cache_dir) if cache_dir else None
    found = packed.read(path) if path is not None else None
    if found is not None:
        compiled, containing = found
    else:
        started = time.perf_counter()
        compiled, containing = _compile_for_cache(rights)
        if path is not None:
            packed.write(path, compiled, containing)
            logging.getLogger("markwatch.cache").info(
                "built compiled register in %.1f s; later runs load it from %s", time.perf_counter() - started,
                cache_dir)
    compiled.rights = rights  # the objects at hand (the cached table unpacks its own on demand)
    ordinary.remember_containing_words(containing)
    return compiled


def register_digest(register: Register) -> bytes:
    """What the register says, as a digest (its validated content: a change of layout in the file
    that says the same is the same register)."""
    import hashlib

    return hashlib.sha256(register.model_dump_json().encode()).digest()


def compiled_key(digest: bytes) -> list[bytes]:
    """The cache key of the compiled form of the register with :func:`register_digest` ``digest``:
    the register, and everything the compiled form depends on besides (the code, the word lists,
    the libraries whose data or pickles it holds)."""
    return [digest, *_code_key()]


@lru_cache(maxsize=1)
def _code_key() -> tuple[bytes, ...]:
    """Every source and data file of the matcher package (a new module or table that compiling
    comes to use is covered without anyone remembering to list it; the trained model is not part of
    the compiled form), the contracts, and the libraries' versions."""
    from markwatch import cache, contracts, register_file
    from markwatch.cache import file_fingerprint, library_fingerprint

    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix not in (".pyc", ".npz")
                   and "__pycache__" not in p.parts)
    own = [str(p.relative_to(package)).encode() + file_fingerprint(p) for p in files]
    return (*own, *(file_fingerprint(m.__file__) for m in (contracts, register_file, cache)),
            *(library_fingerprint(lib) for lib in ("jieba", "pypinyin", "opencc", "ahocorasick", "numpy",
                                                   "rapidfuzz", "pydantic", "pydantic_core", "yaml",
                                                   "emoji", "english_words", "confusable_homoglyphs")))


def _compile_for_cache(rights: list[Right]) -> tuple[CompiledRegister, dict[str, tuple[str, ...]]]:
    from matchers.ordinary import containing_words_of
    from matchers.rights_table import RightsTable

    compiled = _compile(rights)
    # The ordinary words around each short form, found now (one pass over jieba's dictionary) and
    # kept with the register: forked workers inherit them, and cached runs skip the pass. The rights
    # go in packed (a run that starts from the register file's bytes has no rights at hand).
    containing = containing_words_of(f.text for f in compiled.forms)
    return dataclasses.replace(compiled, rights=RightsTable.of(rights)), containing


def line_owners_of(rights: Sequence[Right], famous: dict[int, Brand]) -> dict[int, tuple[str, ...]]:
    """Right index → the names of the famous brands (brand_names.yaml) other than its own one of whose
    product lines is one of the right's names (美禄, milo: a Nestlé line). Few rights have any."""
    by_line: dict[str, dict[int, Brand]] = {}
    for brand in brand_table().values():
        for line in brand.lines:
            by_line.setdefault(line, {})[id(brand)] = brand
    out: dict[int, tuple[str, ...]] = {}
    for idx, right in enumerate(rights):
        if right.kind == "gi":
            continue
        own = famous.get(idx)
        holders = norm(" ".join([right.holder, *right.authorized_sellers]))
        names = {name: None for raw in right.all_names for brand in by_line.get(norm(raw).strip(), {}).values()
                 if brand is not own and not _held_by(holders, brand) for name in brand.all_names}
        if names:
            out[idx] = tuple(names)
    return out


def _held_by(holders: str, brand: Brand) -> bool:
    """Is the line the right's own — its holder or an authorised seller (``holders``, their names
    normalised) bears the brand's name (LABUBU of 北京泡泡玛特…, 星趣控 of Essilor International)? Then
    the brand beside it is no other owner."""
    return any(len(name) >= 2 and name in holders for name in brand.all_names)


# Where a mark's Chinese characters meet its Latin letters or digits (红桃|k): ``norm`` joins spaced-out characters
# of one script but keeps a space written at the seam of two, so a mark of both scripts spaced out is its form
# with a space there.
_SCRIPT_SEAM = re.compile(r"(?<=[\u4e00-\u9fff])(?=[a-z0-9])|(?<=[a-z0-9])(?=[\u4e00-\u9fff])")


def _compile(rights: list[Right]) -> CompiledRegister:
    compiled = CompiledRegister(rights=rights)
    seen: set[tuple[int, str]] = set()
    famous = famous_brands(compiled.rights)
    compiled.famous = frozenset(famous)
    compiled.brand_of = {idx: brand.key for idx, brand in famous.items()}
    compiled.house_lines = {idx: brand.lines for idx, brand in famous.items() if brand.lines}
    compiled.brand_pieces = brand_pieces()
    compiled.namesakes = namesakes_of(compiled.rights, famous)
    compiled.line_owners = line_owners_of(compiled.rights, famous)
    houses = _unambiguous_house_nicknames(compiled.rights, compiled.famous)

    def add(right_idx: int, raw: str, kind: str) -> None:
        text = norm(raw).strip()
        if len(text) < 2 or (right_idx, text) in seen:
            return
        seen.add((right_idx, text))
        latin = not has_cjk(text)
        cast("list[Form]", compiled.forms).append(Form(right_idx, text, canon(text), kind, latin,  # (a list here)
                                   bool(_ASCII_ALNUM.match(text[0])), bool(_ASCII_ALNUM.match(text[-1]))))

    from matchers.variants import (common_english_words, english_words_among, first_name_rendering, first_word_name,
                                   mascot_names)

    read_otherwise: set[tuple[int, str]] = set()  # pinyin forms of a second reading: exact only (no near misses)
    cued: set[str] = set()  # short pinyin of special marks (CompiledRegister.cued_pinyin)

    events = tuple(norm(str(w)) for w in lexicon().get("mascot_event", ()))
    # A four-letter pinyin (yuze for 玉泽) is a form too unless it is an English word (mama, tang, dong …).
    short_english = english_words_among(
        spelled for right in rights for raw in right.all_names
        if len(spelled := pinyin_of(norm(raw))) == MIN_PINYIN - 1 and spelled.isascii())
    for idx, right in enumerate(compiled.rights):
        compiled.by_id[right.id] = idx
        compiled.authorised.append(frozenset(s.strip().lower() for s in right.authorized_sellers if s.strip()))
        names = right.all_names
        add(idx, right.name, "name")
        for variant in right.variants:
            add(idx, variant, "variant")
        for raw in names:
            text = norm(raw)
            if " " in text and not has_cjk(text):
                add(idx, text.replace(" ", ""), "compact")
            elif has_cjk(text) and _SCRIPT_SEAM.search(text):  # 红 桃 K: normalised 红桃 k, the space kept at the seam
                add(idx, _SCRIPT_SEAM.sub(" ", text), "compact")
        for nick in houses.get(idx, ()):
            add(idx, nick, "nickname")
        if right.kind == "trademark":  # 吉尔 of JIL SANDER / 吉尔桑达: the designer's first name, as the register writes it
            texts = [norm(raw).strip() for raw in names]
            for head in {first_word_name(t) for t in texts} - {""}:
                add(idx, head, "nickname")  # APM of APM MONACO, BOTTEGA of BOTTEGA VENETA
            for latin in (t for t in texts if " " in t and not has_cjk(t)):
                for rendering in (t for t in texts if has_cjk(t)):
                    first = first_name_rendering(latin, rendering)
                    if first:
                        add(idx, first, "nickname")
        extra = getattr(right, "nicknames", None) or []
        brand = famous.get(idx)
        known = (*brand.all_names, *brand.nicknames) if brand is not None else ()
        for nick in [*known, *(extra if isinstance(extra, list) else [])]:
            add(idx, str(nick), "nickname")  # a form the right has already (its name, a variant) is skipped
        if right.kind == "special_mark":  # 十运会吉祥物贝贝: the mascot's own name (贝贝, and its pinyin below)
            mascots = [m for raw in names for m in mascot_names(norm(raw).strip(), events)]
            for mascot in mascots:
                add(idx, mascot, "variant")
            names = [*names, *mascots]
        for raw in names:
            text = norm(raw)
            if has_cjk(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text):
                spelled = pinyin_of(text)
                if len(spelled) >= MIN_PINYIN or (len(spelled) == MIN_PINYIN - 1 and spelled not in short_english):
                    add(idx, spelled, "pinyin")
                elif right.kind == "special_mark" and MIN_CUED_PINYIN <= len(spelled) and spelled.isascii() \
                        and spelled not in common_english_words() and (idx, spelled) not in seen:
                    add(idx, spelled, "pinyin")  # afu of the mascot 阿福: only beside an event word
                    cued.add(spelled)
                for other in pinyin_by_other_readings(text):  # fengliaoxing of 冯了性 (了: le, liǎo)
                    if len(other) >= MIN_PINYIN and other not in common_english_words() \
                            and (idx, other) not in seen:
                        add(idx, other, "pinyin")
                        read_otherwise.add((idx, other))
        if right.kind == "gi":
            place, product = split_gi_name(norm(right.name))
            if product and len(place) >= 2:
                goods = {w for words in lexicon()["goods_classes"].values() for w in words}
                plain = product in goods or _is_word(product)  # else a place inside it: 宾川 of 宾川柑橘
                shorter = [product[i:] for i in range(1, len(product) - 1)
                           if product[i:] in goods or not plain and _is_word(product[i:])]
                division = _place_prefix(place)  # 平和 of 平和琯溪: the county alone (平和蜜柚)
                if division is None and (cut := _place_prefix(norm(right.name))) and cut < len(place):
                    division = cut  # 凤庆 of 凤庆滇|红茶: the county before a short place (too short to cut itself)
                shorter += _products_shortened(norm(right.name), place, product, division, goods,
                                               [norm(str(raw)) for raw in right.all_names])
                compiled.gi_products[idx] = (place, tuple(dict.fromkeys((product, *shorter))))
                add(idx, place, "gi_place")
                for town in _town_spellings(norm(right.name), len(place)):
                    add(idx, town, "compact")  # 马坝镇油粘米: a town's 镇 where the split did not cut
                for other in ([place[:division], *_other_place_names(place[:division])] if division else []) \
                        + _other_place_names(place):  # 郫都 for 郫县: the place renamed
                    add(idx, other, "gi_place")
                for spelled in _latin_gi_names(place, (product, *shorter)):
                    add(idx, spelled, "pinyin")  # wenxian iron stick yam

    from matchers.ordinary import dictionary_words_among

    # A generated house name that is an everyday word (大家, 新家) goes; nicknames a person listed
    # (lexicon, register) stay, ordinary senses and all (爱马): the signals weigh those.
    houses_given = {norm(nick) for nicks in houses.values() for nick in nicks}
    ordinary = dictionary_words_among(f.text for f in compiled.forms
                                      if f.kind == "nickname" and f.text in houses_given and has_cjk(f.text))
    compiled.forms = [f for f in compiled.forms if not (f.kind == "nickname" and f.text in ordinary)]
    compiled.house_givers = house_givers_of(compiled.rights, houses_given)
    compiled.bound = [class_bound(right) for right in compiled.rights]
    compiled.cued_pinyin = frozenset(cued)
    compiled.exact_only = frozenset(read_otherwise)
    near_keys: list[str] = []  # Latin keys of the near-miss index, and their forms
    near_forms: list[int] = []
    from matchers.key_postings import BOUND, OPEN, KeyPostings

    postings = KeyPostings()  # every automaton key, with the automaton and form it is for (matchers/key_postings.py)
    for form_idx, form in enumerate(compiled.forms):
        if compiled.bound[form.right]:
            postings.add(form.key, BOUND, form_idx)
            for cls in compiled.rights[form.right].nice_classes:
                postings.add_class(form.key, cls, form_idx)
        else:
            postings.add(form.key, OPEN, form_idx)
        if form.latin and " " not in form.key and form.kind != "gi_place" \
                and (form.right, form.text) not in compiled.exact_only:  # (met by the automaton only: a word that
            compiled.latin_keys.setdefault(form.key, []).append(form_idx)  # is one stays another mark's near miss)
            if len(form.key) >= 4 and not (form.kind == "pinyin" and form.text in cued):  # four letters: NIEK
                near_keys.append(form.key)
                near_forms.append(form_idx)
    for key, form_ids in _polyphone_keys(compiled).items():
        for form_idx in form_ids:
            postings.add(key, OPEN, form_idx)
    from matchers.variants import shape_keys  # shape-alike spellings of every CJK mark (波同登)

    taken = {form.key for form in compiled.forms}
    marks = ((i, f.text, f.key, compiled.bound[f.right]) for i, f in enumerate(compiled.forms)
             if not f.latin and f.kind in ("name", "variant"))
    bent_keys = shape_keys(marks, canon, taken)
    from matchers.variants import reordered_keys  # 全三 for 三全: the characters in another order

    for key, form_ids in reordered_keys(((i, f.text, f.key) for i, f in enumerate(compiled.forms)
                                         if not f.latin and f.kind in ("name", "variant")
                                         and compiled.rights[f.right].kind == "trademark"), taken).items():
        bent_keys.setdefault(key, []).extend(form_ids)
    for key, form_ids in _sound_keys(compiled, taken).items():
        bent_keys.setdefault(key, []).extend(form_ids)
    from matchers.variants import letter_run_keys  # DEERRNA for DEERMA: rn drawn like m

    latin_marks = ((i, f.text, compiled.bound[f.right]) for i, f in enumerate(compiled.forms)
                   if f.latin and f.kind in ("name", "variant"))
    for key, form_ids in letter_run_keys(latin_marks, canon, taken).items():
        bent_keys.setdefault(key, []).extend(form_ids)
    from matchers.variants import reversed_keys  # OSNED for DENSO: spelled backwards

    for key, form_ids in reversed_keys(((i, f.text) for i, f in enumerate(compiled.forms)
                                        if f.latin and f.kind in ("name", "variant")
                                        and compiled.rights[f.right].kind == "trademark"), canon, taken).items():
        bent_keys.setdefault(key, []).extend(form_ids)
    from matchers.shape_holes import build_hole_index  # 九收王 for 九牧王: a shape-alike beyond the keys' bound

    compiled.holes = build_hole_index(((i, f.text) for i, f in enumerate(compiled.forms)
                                       if not f.latin and f.kind in ("name", "variant")))
    for key, form_ids in bent_keys.items():
        for form_idx in form_ids:
            right = compiled.forms[form_idx].right
            if not compiled.bound[right]:
                postings.add(key, OPEN, form_idx)
                continue
            if len(key) > 2:  # a bent two-character ordinary mark needs goods of its classes anyway
                postings.add(key, BOUND, form_idx)
            for cls in compiled.rights[right].nice_classes:
                postings.add_class(key, cls, form_idx)
    del bent_keys, taken
    compiled.deletions = SortedIndex.of_deletions(near_keys, near_forms)
    compiled.near_english = english_near_misses(compiled.forms[i].text for i in near_forms)  # as written, not canon
    from matchers.rebus import build_table

    compiled.rebus = build_table(f.text for f in compiled.forms if f.kind in ("name", "variant"))
    from matchers.variants import english_words_among

    compiled.english_forms = english_words_among(f.text for f in compiled.forms if f.latin) | _english_phrases(
        [f.text for f in compiled.forms if f.latin and " " in f.text])
    from matchers.variants import proper_nouns

    names = proper_nouns()
    compiled.name_forms = frozenset(f.text for f in compiled.forms if f.latin and f.text in names)
    _index_postings(compiled, postings)
    return compiled


def _index_postings(compiled: CompiledRegister, postings: "KeyPostings") -> None:
    """The scan index of ``postings`` (every automaton key: matchers/key_postings.py), and the open, bound and
    per-class automata as views of it, made only if read (matching reads the scan index alone)."""
    from matchers.key_postings import BOUND, BOUND_VIEW, OPEN, OPEN_VIEW, ScannedAutomaton, ScannedClassIndex, \
        scan_index_of

    has_open, has_bound, classes = postings.has(OPEN), postings.has(BOUND), postings.classes()
    scan = compiled.scan_index = scan_index_of(postings)

    def source() -> Any:
        return scan

    compiled.open_index = ScannedAutomaton(OPEN_VIEW, source) if has_open else None  # type: ignore[assignment]
    compiled.bound_index = ScannedAutomaton(BOUND_VIEW, source) if has_bound else None  # type: ignore[assignment]
    compiled.ordinary_marks = has_bound
    compiled.class_index = ScannedClassIndex(classes, source)


def _english_phrases(texts: list[str]) -> frozenset[str]:
    """The Latin forms of several words that are each an English word (canada goose, snow peak): an
    ordinary phrase in an English listing about other goods (a goose decoy), see signals.py."""
    from matchers.variants import english_words_among

    words = english_words_among({w for text in texts for w in text.split()})
    return frozenset(t for t in texts if all(w in words for w in t.split()))


def _polyphone_keys(compiled: CompiledRegister) -> dict[str, list[int]]:
    """Extra automaton keys for marks judged whatever the goods: one character of the mark swapped
    for a common character that can be read like it, but whose first reading differs (勒 is lēi
    first and lè second, so 勒高 sounds like 乐高, yet ``canon`` folds each character by its first
    reading only). Ordinary marks get none: their homophones are mostly other words."""
    from matchers.normalise import characters_also_read_as, fuzzy_syllable

    by_sound = characters_also_read_as()
    taken = {form.key for form in compiled.forms}  # a real form's spelling is judged as that form
    keys: dict[str, list[int]] = {}
    for form_idx, form in enumerate(compiled.forms):
        if compiled.bound[form.right] or form.latin or form.kind not in ("name", "variant") or len(form.text) < 2:
            continue
        for i, ch in enumerate(form.text):
            reading = fuzzy_syllable(pinyin_of(ch))
            for alt in {canon(x) for x in by_sound.get(reading, ())} - {form.key[i]}:
                key = form.key[:i] + alt + form.key[i + 1:]
                if key not in taken:
                    keys.setdefault(key, []).append(form_idx)
    return keys


def _sound_keys(compiled: CompiledRegister, taken: set[str]) -> dict[str, list[int]]:
    """Extra automaton keys for marks holding a rare character that ``canon`` reads by its shape
    (珀 as 拍, 孑 as 子: matchers/variants.drawn_as): the key with that character folded by its sound
    instead, so that the mark's homophones (泊莱雅 for 珀莱雅) still meet it. Few marks hold one."""
    from matchers.normalise import sound_key

    keys: dict[str, list[int]] = {}
    for form_idx, form in enumerate(compiled.forms):
        if form.latin or form.kind not in ("name", "variant") or len(form.text) < 2:
            continue
        key = sound_key(form.text)
        if key != form.key and key not in taken:
            keys.setdefault(key, []).append(form_idx)
    return keys


class SortedIndex:
    """A read-only map str → form ids as a sorted key list plus flat numpy arrays.

    Why not a dict: the near-miss index has ≈100k keys for 10k rights, and a dict of lists (or a
    pyahocorasick trie) took 0.1–0.2 s to load from the cache on every run; a list of strings and two
    arrays load in a few milliseconds. Lookups are rare (once per distinct unknown Latin word).
    """

    def __init__(self, keys: list[str], offsets: np.ndarray, ids: np.ndarray) -> None:
        self.keys = keys  # sorted, distinct
        self.offsets = offsets  # the ids of keys[i] are ids[offsets[i]:offsets[i + 1]]
        self.ids = ids

    @classmethod
    def of_deletions(cls, words: list[str], ids: list[int]) -> "SortedIndex":
        """Every one-letter deletion of each word → the ids of the words it comes from (sorted by
        numpy, not grouped in a dict of lists: ≈0.3 s less to compile 10k rights). The deletions are
        sorted as UTF-8 bytes (the order of their code points, as :meth:`get` bisects them): a numpy
        array of str takes four bytes a character, and at 100k rights its copies while sorting were
        a few hundred MB of the compile's peak."""
        gone = [(word[:i] + word[i + 1:]).encode() for word in words for i in range(len(word))]
        owner = np.repeat(np.asarray(ids, dtype=np.int32), [len(word) for word in words])
        if not gone:
            return cls([], np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32))
        names = np.asarray(gone, dtype=np.bytes_)
        del gone
        order = np.lexsort((owner, names))  # by deletion, then by form: ids come out ascending
        names, owner = names[order], owner[order]
        keep = np.ones(len(names), dtype=bool)  # a word that gives the same deletion twice (boot → bot)
        keep[1:] = (names[1:] != names[:-1]) | (owner[1:] != owner[:-1])
        names, owner = names[keep], owner[keep]
        starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])  # sorted already: no np.unique
        return cls([name.decode() for name in names[starts].tolist()], np.append(starts, len(names)).astype(np.int64),
                   owner)

    def get(self, key: str, default: tuple[int, ...] = ()) -> list[int] | tuple[int, ...]:
        at = bisect.bisect_left(self.keys, key)
        if at == len(self.keys) or self.keys[at] != key:
            return default
        return self.ids[self.offsets[at]:self.offsets[at + 1]].tolist()

    def __len__(self) -> int:
        return len(self.keys)
