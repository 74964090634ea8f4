"""The matcher: a compiled register plus a scoring model, turning listings into leads (CONTRACTS §3).

Why one class: the ``markwatch match`` command, the Scrapy pipeline, ``markwatch evaluate`` and the
lead store all call the same :meth:`Matcher.match` / :meth:`Matcher.match_many`, so a listing gets
the same score wherever it is judged. Work per listing is kept small: normalise and scan; only
listings with a candidate reach the signals and the model, and a batch is scored in one model call.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, NamedTuple

import orjson

from markwatch.contracts import Lead, Register
from matchers import ordinary, wording
from matchers.candidates import BENT_CHARACTERS, FIELDS, MAX_SCAN, Hit, ListingTexts, find_candidates, listing_texts, listing_texts_many
from matchers.compiled import CompiledRegister, compile_register, house_line_in
from matchers.lexicon import houses_of_initial, line_in
from matchers.mascots import MascotRoles, attribute_mascots, mascot_cue
from matchers.goods import classify
from matchers.houses import house_countries, houses_of_country
from matchers.listing_io import dump_lead
from matchers.model import ScoringModel, load_model
from matchers.normalise import norm
from matchers.reasons import Reason, english
from matchers.rebus import substituted_listing
from matchers.register import BUNDLED_REGISTER
from matchers.signals import ListingContext, signals
from matchers.signals_context import INDEX
from matchers.signals_marks import pet_name_without_event
from matchers.signals_form import bent_beyond_classes, gi_on_likeness, names_a_city, place_beyond_classes


@dataclass(slots=True)
class Pair:
    """One candidate listing–right pair with its evidence (before or after scoring)."""

    right_idx: int
    right_id: str
    features: list[float]
    reason_codes: list[Reason]  # {"code": ..., **params} each (matchers/reasons.py)
    score: float = 0.0

    @property
    def reasons(self) -> list[str]:
        """The reasons as English sentences (rendered on each call: a lead asks once)."""
        return english(self.reason_codes)


_UNREAD = object()  # Matcher.pairs: the caller has not read the listing's rebus symbols


class _Scanned(NamedTuple):
    """What :meth:`Matcher._scan` found of one listing, for :meth:`Matcher._judge`."""

    fields: ListingTexts  # of the rebus reading when there is one
    own_light: dict[str, str] | None  # the listing's own fields, light-normalised (None: a reading)
    category: str
    goods: tuple[Counter[int], list[str]] | None
    found: dict[int, list[Hit]]


class Matcher:
    """Judge listings against a register. ``threshold``: leads below it are not returned.

    ``cache_dir``: where the tables derived from the register and the word lists are kept between
    runs (markwatch.cache; the entry point passes ``markwatch.config.cache_directory(config)``);
    None builds them in memory. The process-wide tables (normalisation, gazetteer) are loaded here,
    so that nothing later builds them lazily without the cache."""

    def __init__(self, register: Register | str | Path, model: ScoringModel | None = None, threshold: float = 0.5,
                 cache_dir: Path | None = None):
        from matchers.gazetteer import load_gazetteer
        from matchers.normalise import load_tables
        from matchers.register_cache import load_compiled

        self.cache_dir = cache_dir
        load_tables(cache_dir)
        load_gazetteer(cache_dir)
        from matchers import currency

        currency.set_cache_dir(cache_dir)  # rates are loaded when a foreign price is met
        from matchers import ordinary

        ordinary.set_cache_dir(cache_dir)  # jieba's word set, loaded when first needed
        from matchers import derived_cache

        derived_cache.set_cache_dir(cache_dir)  # famous brands, shape-alikes: loaded when first needed
        # A register file is compiled from its bytes (a warm cache does not parse it at all,
        # matchers/register_cache.py); a Register in hand is compiled (or found) by its content.
        self.register_path: Path | None = None if isinstance(register, Register) else Path(register)
        self._register = register if isinstance(register, Register) else None
        self.compiled: CompiledRegister = (compile_register(register, cache_dir) if isinstance(register, Register)
                                           else load_compiled(register, cache_dir))
        self._model = model
        self.threshold = threshold
        self._class_sets: dict[int, frozenset[int]] = {}  # right → its Nice classes (_classes_of)
        self._roles: MascotRoles | None = None  # events and their mascots (_mascot_roles), made when first needed

    @classmethod
    def from_paths(cls, register: str | Path | None = None, model: str | Path | None = None,
                   threshold: float = 0.5, cache_dir: Path | None = None) -> "Matcher":
        """Load register (None = bundled demo register) and model (None = bundled model)."""
        matcher = cls(Path(register) if register else BUNDLED_REGISTER, None, threshold, cache_dir)
        matcher._model = load_model(model)  # after the register: a bad register is reported first
        return matcher

    @property
    def register(self) -> Register:
        """The register (made from the compiled register's rights when it was loaded from the cache:
        every right is unpacked, so the hot path never asks for it)."""
        if self._register is None:
            self._register = Register.model_construct(version=1, rights=list(self.compiled.rights))
        return self._register

    @property
    def model(self) -> ScoringModel:
        if self._model is None:
            self._model = load_model()
        return self._model

    # ------------------------------------------------------------------ evidence
    def pairs(self, listing: dict[str, Any], fields: ListingTexts | None = None, read: Any = _UNREAD) -> list[Pair]:
        """Every candidate pair of ``listing`` with features and reasons (unscored).

        ``fields``: the listing's texts when the caller normalised a batch of listings at once
        (:func:`matchers.candidates.listing_texts_many`). ``read``: the listing's rebus reading
        (:meth:`rebus_read`) when the caller made it, None when it changes nothing; ``fields`` are
        then the texts of the reading.
        Pairs with an authorised seller are dropped here: an authorised store is never a lead.
        """
        return self._judge(listing, self._scan(listing, fields, read))

    def _scan(self, listing: dict[str, Any], fields: ListingTexts | None = None, read: Any = _UNREAD) -> "_Scanned":
        """The first half of :meth:`pairs`: the listing's texts, goods classes and candidates."""
        if read is _UNREAD:
            read = self.rebus_read(listing)
            if read is not None:
                fields = None  # those given are of the listing as written
        if fields is None:
            fields = listing_texts(listing if read is None else read)
        category = _norm_category(str(listing.get("category") or ""))
        compiled = self.compiled
        goods = classify(fields.norm.get("title", ""), category) if compiled.ordinary_marks else None
        votes = goods[0] if goods is not None else None
        found = find_candidates(compiled, fields.norm, list(votes) if votes else None, fields.canon)
        return _Scanned(fields, fields.light if read is None else None, category, goods, found)

    def _judge(self, listing: dict[str, Any], scanned: "_Scanned") -> list[Pair]:
        """The second half of :meth:`pairs`: policy, then the signals of each pair judged."""
        fields, own_light, category, goods, found = scanned  # own_light: the listing's own fields, light
        if not found:
            return []
        texts = fields.norm
        compiled = self.compiled
        votes = goods[0] if goods is not None else None
        if len(found) > 1:
            found = _not_inside_other_marks(found)
        found = _one_house(compiled, found, votes, texts.get("title", ""))
        found = _not_other_brands(compiled, found, texts)
        if compiled.line_owners:
            found = _not_other_brands_lines(compiled, found, texts)
        if not found:
            return []
        found = _nicknames_inside_marks(found)
        found = _ordinary_senses(compiled, found, votes, texts, category)
        if not found:
            return []
        if mascot_cue(texts):  # "<event>吉祥物 <mascot>": the mascot's right (matchers/mascots.py)
            found = attribute_mascots(self._mascot_roles(), found, fields.light)
        authorised, bound, gis = compiled.authorised, compiled.bound, compiled.gi_products
        seller: set[str] | None = None  # the listing's seller, made once for all its rights with sellers
        judged = []
        for right_idx, hits in found.items():
            if authorised[right_idx] and seller is None:
                seller = {str(listing.get(k) or "").strip().lower() for k in ("seller_name", "seller_id")}
            if not (authorised[right_idx] or bound[right_idx] or right_idx in gis) \
                    or self._judged(listing, right_idx, hits, votes, seller):  # most rights: no policy to apply
                judged.append((right_idx, hits))
        if not judged:
            return []
        ctx = _context(listing, fields, category, len(judged), goods, own_light)
        # the word on goods outside the right's classes: a bent well-known mark (bent hits sort after exact
        # ones) or a city's name names something else, and a GI on a likeness of its product (水果模型, 假水果)
        # sells none of it; each check only where it can hold, most listings none
        bent = any(hits[0].how != "exact" for _, hits in judged)
        city = any(names_a_city(hits[0].form.text) for _, hits in judged)
        rights = compiled.rights  # unpacked here or in the loop below: every judged pair's right is read
        gi = any(rights[i].kind == "gi" for i, _ in judged)  # gis holds only GIs of a place and a product
        if bent or city or gi:
            judged = [(i, hits) for i, hits in judged
                      if not (bent and bent_beyond_classes(rights[i], hits, votes, ctx))
                      and not (city and place_beyond_classes(rights[i], hits, votes, ctx))
                      and not (gi and gi_on_likeness(rights[i], hits, votes, ctx))]
            if not judged:
                return []
            ctx.n_rights = len(judged)
        if len(judged) > 1:
            ctx.extra["pairs"] = judged  # co-branding: the other rights' hits (signals_form.co_brand_signals)
        out: list[Pair] = []
        origin_places = None
        for right_idx, hits in judged:
            right = rights[right_idx]
            origin = None
            if right.kind == "gi":
                from matchers.origin import judge_origin, origin_places as find_origins

                if origin_places is None:  # light texts: "产地：" keeps its colon
                    origin_places = find_origins(str(listing.get("ship_from") or ""),
                                                 [fields.light.get("title", ""), fields.light.get("description", "")])
                origin = judge_origin(origin_places, right.regions)
            vec, reasons = signals(compiled, right_idx, hits, ctx, origin)
            if right.kind == "special_mark" and not vec[_ORDINARY_WORD]:
                pet_name_without_event(compiled, right_idx, hits, ctx, vec, reasons)
            out.append(Pair(right_idx, right.id, vec, reasons))
        return out

    def rebus_read(self, listing: dict[str, Any]) -> dict[str, Any] | None:
        """The listing with its symbols read as the marks' characters they stand for (东方雨🌈, 9阳),
        or None when the register has no such symbols or the listing none (matchers/rebus.py)."""
        rebus = self.compiled.rebus
        return substituted_listing(rebus, listing) if rebus is not None and not rebus.empty else None

    def _judged(self, listing: dict[str, Any], right_idx: int, hits: list[Hit], votes: Counter[int] | None,
                seller: set[str] | None = None) -> bool:
        """Is this candidate a pair to judge at all? Policy, before any signal is computed.
        ``seller``: the listing's lowered seller name and id, when the caller has made them."""
        compiled = self.compiled
        authorised = compiled.authorised[right_idx]
        if authorised:
            if seller is None:
                seller = {str(listing.get(k) or "").strip().lower() for k in ("seller_name", "seller_id")}
            if seller & authorised:
                return False  # an authorised store is never a lead
        place = compiled.gi_products.get(right_idx)
        if place is not None and all(h.how in BENT_CHARACTERS for h in hits):
            from matchers.origin import bent_into_another_place

            if all(bent_into_another_place(h.seen, place[0]) for h in hits):
                return False  # 英山云雾茶: another region's product, not 庐山云雾茶 bent
        if compiled.bound[right_idx]:
            # Policy condition 2 (docs/labelling.md): an ordinary mark on goods of other classes is
            # no infringement; a bent spelling of a short mark also needs agreeing goods.
            if votes:
                return not self._classes_of(right_idx).isdisjoint(votes)  # goods known: they must agree
            return not all(h.how != "exact" and len(h.form.text) <= 2 for h in hits)  # goods unknown
        return True

    def _mascot_roles(self) -> MascotRoles:
        """The register's events and their mascots, made on the first listing that names 吉祥物."""
        if self._roles is None:
            self._roles = MascotRoles(self.compiled.rights)
        return self._roles

    def _classes_of(self, right_idx: int) -> frozenset[int]:
        """A right's Nice classes as a set, made once per right (the policy asks for every
        candidate of an ordinary trademark, ≈1.3 a listing on a 10k register)."""
        classes = self._class_sets.get(right_idx)
        if classes is None:
            classes = self._class_sets[right_idx] = frozenset(self.compiled.rights[right_idx].nice_classes)
        return classes

    # ------------------------------------------------------------------ scoring
    def score_pairs(self, groups: list[list[Pair]]) -> None:
        """Score every pair of every listing in one model call (sklearn overhead is per call)."""
        rows = [p.features for group in groups for p in group]
        if not rows:
            return
        scores = iter(self.model.score(rows).tolist())  # Python floats: no numpy scalar per pair
        for group in groups:
            for pair in group:
                pair.score = round(next(scores), 4)

    def scored(self, listings: list[dict[str, Any]]) -> list[list[Pair]]:
        """The pairs of each listing at or above the threshold, scored, in order ([] when none):
        the leads of :meth:`match_many` before they are made dicts (``markwatch match`` writes
        them as JSON lines straight from the pairs, :func:`lead_lines`)."""
        # Each stage over the whole batch in one loop, as the walk ahead (candidates.listing_texts_many):
        # between the other work of the hot path the rebus reading ran on cold caches (≈1.8× its cost).
        reads = [self.rebus_read(listing) for listing in listings]
        batch = listing_texts_many([listing if read is None else read for listing, read in zip(listings, reads)],
                                   self.compiled)
        scanned = [self._scan(listing, fields, read) for listing, fields, read in zip(listings, batch, reads)]
        groups = [self._judge(listing, found) for listing, found in zip(listings, scanned)]
        self.score_pairs(groups)
        threshold = self.threshold
        return [[p for p in group if p.score >= threshold] if group else group for group in groups]

    def match_many(self, listings: Iterable[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """Leads (dicts shaped as CONTRACTS §3) for each listing, in order; [] when none."""
        listings = list(listings)
        return [[lead_dict(listing, p) for p in group] for listing, group in zip(listings, self.scored(listings))]

    def match(self, listing: dict[str, Any]) -> list[dict[str, Any]]:
        """Leads for one listing (see :meth:`match_many`)."""
        return self.match_many([listing])[0]


_ORDINARY_WORD = INDEX["ordinary_word"]


def _not_inside_other_marks(found: dict[int, list[Hit]]) -> dict[int, list[Hit]]:
    """A bent spelling that lies inside another right's mark written exactly is that mark, not an
    evasion (进博 in 进博会 is the expo, not a shape-alike of the mascot 进宝), and so is one that
    shares two or more characters with it (进宝徽 of 进宝 徽章 is the mascot 进宝, not 进博会 bent):
    such hits go."""
    exact = [(h.field, h.start, h.end, right) for right, hits in found.items() for h in hits if h.how == "exact"]
    if not exact:
        return found
    out: dict[int, list[Hit]] = {}
    for right, hits in found.items():
        kept = [h for h in hits if h.how == "exact" or not any(
            f == h.field and r != right and (a <= h.start and h.end <= b or h.how in BENT_CHARACTERS
                                              and min(b, h.end) - max(a, h.start) >= 2)
            for f, a, b, r in exact)]
        if kept:
            out[right] = kept
    return out


def _one_house(compiled: CompiledRegister, found: dict[int, list[Hit]], votes: Counter[int] | None,
               title: str = "") -> dict[int, list[Hit]]:
    """A house nickname ("B家", "Y家") names one house of those that give it: on known goods, only
    a house registered for them (none fits: the nickname names none, even a well-known house's, for
    an initial + 家 is too weak a form to reach beyond the mark's classes); among those, the house
    the title tells (:func:`_house_told`), else none: a guess between houses is a false alarm half
    the time. A nickname that is an everyday word (大鹅, 小香) is as weak: it names the house only
    on goods of the house's classes (or unknown goods); so is a Latin house's first word (APM of APM MONACO, Bottega
    of BOTTEGA VENETA), and only on known goods: APM 飞控 开发板 is a flight controller. Rights found by other forms
    too are left alone."""
    by_nick: dict[str, list[int]] = {}
    weak: list[int] = []
    heads: list[int] = []
    for right_idx, hits in found.items():
        if not all(h.form.kind == "nickname" and h.how == "exact" for h in hits):
            continue
        if all(h.seen.endswith("家") and len(h.seen) == 2 for h in hits):
            by_nick.setdefault(hits[0].seen, []).append(right_idx)
        elif votes and all(h.seen in ordinary.dictionary_word_set() for h in hits):
            weak.append(right_idx)
        elif all(h.form.latin and _first_word_of(compiled.rights[right_idx], h.form.text) for h in hits):
            heads.append(right_idx)  # APM of APM MONACO: a house's first word names it on its own goods only
    if not by_nick and not weak and not heads:
        return found
    rights = compiled.rights
    drop = {i for i in weak if not any(c in votes for c in rights[i].nice_classes)} if votes else set()
    drop.update(i for i in heads if not votes or not any(c in votes for c in rights[i].nice_classes))
    for nick, idxs in by_nick.items():
        fitting = [i for i in idxs if votes and any(c in votes for c in rights[i].nice_classes)]
        if votes and not fitting:
            drop.update(idxs)  # goods none of those houses is registered for: the nickname names none
            continue
        rest = title.replace(nick, "")
        if _other_house_told(compiled, idxs, nick, rest):
            drop.update(idxs)  # C家 Woody: Chloé's line, whether or not the register holds Chloé
            continue
        if len(idxs) == 1:
            continue
        best = _house_told(compiled, fitting or idxs, rest, votes)
        drop.update(i for i in idxs if i != best)
    return {i: hits for i, hits in found.items() if i not in drop} if drop else found


def _first_word_of(right: Any, nick: str) -> bool:
    """Is ``nick`` the first word of the right's Latin name (APM of APM MONACO: compiled's first-word nickname)?"""
    return norm(right.name).startswith(nick + " ")


def _other_house_told(compiled: CompiledRegister, houses: list[int], nick: str, rest: str) -> bool:
    """Does the rest of the title name a product line of a famous house of the nickname's initial
    (brand_names.yaml) that is none of ``houses``, and no line of theirs? Then "X家" names that house,
    not one of the register's (C家 Woody is Chloé, not Cartier, in a register without Chloé)."""
    if not nick[:1].isascii() or any(house_line_in(compiled, i, rest) for i in houses):
        return False
    own = {compiled.brand_of.get(i) for i in houses}
    return any(brand.key not in own and line_in(brand.lines, rest) for brand in houses_of_initial(nick[0]))


def _house_told(compiled: CompiledRegister, houses: list[int], rest: str,
                votes: Counter[int] | None = None) -> int | None:
    """Which of ``houses`` (rights sharing an "X家" nickname) the rest of the title names, or None:
    the one whose product line it names (S家 Kinvara: Saucony, not Salomon; brand_names.yaml), else the one
    whose two-word name's initials it writes (R家 RO同款: RICK OWENS), else
    the one whose own name shares a character with it (Y家 小鸭子标 羽绒服: 鸭鸭, not 雅鹿), else the
    one from the country it names (G家 丹麦 连衣裙: Ganni A/S, not Goldwin Inc.; matchers/houses.py),
    else the only one registered for every class of the listing's goods (T家 故事盒 音箱 公仔: a speaker and
    figures, classes 9 and 28, tonies' both, not a golf maker's 28 alone), else the only famous one (a brand of brand_names.yaml, or well-known: "X家" is how buyers name a
    famous house), else one dearer than :data:`DEARER` times every other (the fashion press's "X家" is
    the luxury house: P家 is Prada, not Puma), else None."""
    rights = compiled.rights
    pool = houses
    for told in (lambda pool: [i for i in pool if house_line_in(compiled, i, rest)],
                 lambda pool: [i for i in pool if _initials_in(rights[i], rest)],
                 lambda pool: [i for i in pool if _shares_character(rights[i], rest)],
                 lambda pool: _house_of_country(compiled, pool, rest),
                 lambda pool: [i for i in pool if votes and all(c in rights[i].nice_classes for c in votes)],
                 lambda pool: [i for i in pool if i in compiled.famous or rights[i].well_known]):
        named = told(pool)
        if len(named) == 1:
            return named[0]
        pool = named or pool
    if len(pool) == 1:
        return pool[0]
    prices = sorted(((compiled.rights[i].reference_price or 0, i) for i in pool), reverse=True)
    return prices[0][1] if prices[0][0] >= DEARER * prices[1][0] > 0 else None


DEARER = 3.0  # times the next house's reference price that makes "X家" the luxury house


def _house_of_country(compiled: CompiledRegister, houses: list[int], rest: str) -> list[int]:
    """Those of ``houses`` from a country the title names (matchers/houses.py), or []."""
    rights = [compiled.rights[i] for i in houses]
    return houses_of_country(houses, [house_countries(r.holder or "", tuple(r.all_names)) for r in rights], rest)


_NEAR_MISSES = frozenset(("fuzzy", "lookalike"))  # Latin hits one letter off a form


def _ordinary_senses(compiled: CompiledRegister, found: dict[int, list[Hit]], votes: Counter[int] | None,
                     texts: dict[str, str], category: str = "") -> dict[int, list[Hit]]:
    """Policy for words that only look like a right here (the pair goes):

    - a Latin near miss that is an English word (basics for ASICS, file for FILA) is the word;
    - a mark on the goods of another famous brand of its name (brand_names.yaml: Champion spark
      plugs for the CHAMPION of clothing, 盼盼 bread or doors for the mascot 盼盼) is that brand's:
      a trademark judged beyond its classes when none of its classes is among the goods, a
      special mark when the listing names no event (lexicon ``mascot_event``). ``votes``: the
      listing's goods classes when the caller classified them (a register of no ordinary trademark
      does not), else they are classified here for a right with namesakes."""
    drop: set[int] = set()
    english = compiled.near_english
    namesakes = compiled.namesakes
    for right_idx, hits in found.items():
        if right_idx not in namesakes and hits[0].how not in _NEAR_MISSES:
            continue  # the usual pair: a form written as it is
        if english and all(h.how in _NEAR_MISSES and h.seen in english for h in hits):
            drop.add(right_idx)
        elif right_idx in namesakes:
            if votes is None:
                votes = classify(texts.get("title", ""), category)[0]
            if votes and _namesakes_goods(compiled, right_idx, votes, texts):
                drop.add(right_idx)
    return {i: hits for i, hits in found.items() if i not in drop} if drop else found


def _namesakes_goods(compiled: CompiledRegister, right_idx: int, votes: Counter[int], texts: dict[str, str]) -> bool:
    """Are the listing's goods those of another famous brand named like the right (and not the right's)?"""
    if votes.keys().isdisjoint(compiled.namesakes[right_idx]):
        return False
    right = compiled.rights[right_idx]
    if right.kind == "special_mark":
        return not wording.find("mascot_event", " ".join(texts.values()))
    return bool(right.nice_classes) and votes.keys().isdisjoint(right.nice_classes)


def _nicknames_inside_marks(found: dict[int, list[Hit]]) -> dict[int, list[Hit]]:
    """A nickname written inside a longer form of the same right (隆平 in 隆平高科, 大鹅 in 加拿大鹅) is
    that form, not a second, evasive naming: such hits go (only rights with several hits look)."""
    changed: dict[int, list[Hit]] = {}
    for right_idx, hits in found.items():
        if len(hits) < 2 or not any(h.form.kind == "nickname" for h in hits):
            continue
        kept = [h for h in hits if h.form.kind != "nickname" or not any(
            o is not h and o.field == h.field and o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
            for o in hits)]
        if len(kept) < len(hits):
            changed[right_idx] = kept
    return {**found, **changed} if changed else found


def _not_other_brands(compiled: CompiledRegister, found: dict[int, list[Hit]],
                      texts: dict[str, str]) -> dict[int, list[Hit]]:
    """A hit that is only a piece of ANOTHER famous brand's name written around it (lowe of Lowe
    Alpine for LOEWE, tiger of Onitsuka Tiger, 雪花 of 雪花啤酒) is that brand, not the right's mark
    or an evasion of it: such hits go (brand_names.yaml; the right's own brand's names stay)."""
    pieces = compiled.brand_pieces
    if not any(h.seen in pieces for hits in found.values() for h in hits):
        return found  # most listings: no hit is a piece of a famous name
    out: dict[int, list[Hit]] = {}
    changed = False
    for right_idx, hits in found.items():
        own = compiled.brand_of.get(right_idx)
        kept = [h for h in hits if not _inside_brand_name(pieces.get(h.seen), own, texts.get(h.field, ""), h)]
        changed |= len(kept) < len(hits)
        if kept:
            out[right_idx] = kept
    return out if changed else found


def _not_other_brands_lines(compiled: CompiledRegister, found: dict[int, list[Hit]],
                            texts: dict[str, str]) -> dict[int, list[Hit]]:
    """A right named like a product line of ANOTHER famous brand (brand_names.yaml: Milo, 美禄 of Nestlé
    for a mascot Milo) goes when the listing names that brand (Nestlé Milo 美禄 罐装): the word names the
    brand's product, not the right. Only rights with such a namesake look."""
    owners = compiled.line_owners
    drop = [idx for idx in found if idx in owners
            and any(line_in(owners[idx], texts.get(f, "")) for f in ("title", "brand"))]
    return {i: hits for i, hits in found.items() if i not in drop} if drop else found


def _inside_brand_name(names: tuple[tuple[str, str], ...] | None, own: str | None, text: str, hit: Hit) -> bool:
    """Is ``hit`` inside one of ``names`` (a famous brand's name holding the hit's text, with its
    brand's key) of a brand other than ``own``, written in ``text`` over the hit?"""
    for name, key in names or ():
        if key == own or (name == hit.seen and hit.how == "exact"):
            continue  # the right's own brand; a mark written exactly is the right's, whoever else bears it
        lo = max(0, hit.end - len(name))
        at = text.find(name, lo, hit.start + len(name))
        while 0 <= at <= hit.start:
            if at + len(name) >= hit.end:
                return True
            at = text.find(name, at + 1, hit.start + len(name))
    return False


def _initials_in(right: Any, text: str) -> bool:
    """Does ``text`` write the initials of the right's Latin name of two or three words as a word of their own
    (RO同款 for RICK OWENS: how buyers shorten a two-word house)?"""
    words = right.name.split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isascii() and w[:1].isalpha() for w in words):
        return False
    initials = "".join(w[0] for w in words).lower()
    return re.search(rf"(?<![a-z0-9]){initials}(?![a-z0-9])", text) is not None


def _shares_character(right: Any, text: str) -> bool:
    """Does a Chinese character of the right's names occur in ``text`` (its logo or name told: 鸭 of 鸭鸭)?
    For a mark whose own name is Latin, two characters of a Chinese name in a row: its Chinese name mostly spells
    its sound (拉夫西蒙 for RAF SIMONS), one character of which says nothing (拉 of 拉链, 巴 of 巴黎), while a name
    that translates it shares words (棕榈 of 棕榈天使 for PALM ANGELS, beside a 棕榈树 print)."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in right.name):
        return any("\u4e00" <= ch <= "\u9fff" and ch in text for name in right.all_names for ch in norm(name))
    for name in right.all_names:
        normed = norm(name)
        if any("\u4e00" <= normed[i] <= "\u9fff" and "\u4e00" <= normed[i + 1] <= "\u9fff" and normed[i:i + 2] in text
               for i in range(len(normed) - 1)):
            return True
    return False


@lru_cache(maxsize=4096)
def _norm_category(category: str) -> str:
    """Categories are a few dozen strings repeated over every listing: normalise each once."""
    return norm(category)


def _context(listing: dict[str, Any], fields: ListingTexts, category: str, n_rights: int,
             goods: tuple[Counter[int], list[str]] | None, light: dict[str, str] | None = None) -> ListingContext:
    """What every candidate of the listing shares: raw lowered fields, counterfeit and resale wording."""
    texts = fields.norm
    raw = {f: listing[f][:MAX_SCAN].lower() for f in texts}
    lit = " | ".join(fields.light.get(f, "") for f in FIELDS)
    counterfeit, resale, genuine = wording.listing_wording(lit)  # one walk of the light text
    return ListingContext(
        listing=listing, texts=texts, raw_lower=raw, counterfeit=counterfeit, resale=resale,
        category=category, n_rights=n_rights, accessory=wording.find("accessory", texts.get("title", "")),
        goods=goods, light=light, extra={"genuine_import": genuine})


def lead_dict(listing: dict[str, Any], pair: Pair) -> dict[str, Any]:
    """A §3 lead as a plain dict (cheap on the hot path; :func:`as_lead` validates), its reasons as
    English sentences and, beside them in the same order, as codes with parameters (matchers/reasons.py)."""
    codes = pair.reason_codes
    return {"url": listing.get("url"), "right_id": pair.right_id, "score": pair.score,
            "reasons": english(codes), "reason_codes": codes, "listing": listing}


def lead_lines(listing: dict[str, Any], pairs: list[Pair]) -> list[bytes]:
    """The leads of one listing as JSON lines (no newline), the bytes :func:`dump_lead` writes for
    each :func:`lead_dict`, with the listing serialised once for all its leads rather than once a
    lead (a lead-heavy stream has ≈1.5 leads per flagged listing, and the listing is most of a
    lead's bytes). A value orjson refuses sends that listing's leads through :func:`dump_lead`."""
    try:
        tail = b',"listing":' + orjson.dumps(listing) + b"}"
        url = listing.get("url")
        return [orjson.dumps({"url": url, "right_id": p.right_id, "score": p.score,
                              "reasons": english(p.reason_codes), "reason_codes": p.reason_codes})[:-1] + tail
                for p in pairs]
    except (orjson.JSONEncodeError, TypeError):
        return [dump_lead(lead_dict(listing, p)) for p in pairs]


def as_lead(lead: dict[str, Any]) -> Lead:
    return Lead.model_validate(lead)
