"""The register compiled for fast candidate search: one Aho–Corasick automaton and a fuzzy index.

Why: a listing must be checked against tens of thousands of rights without a per-right loop. Every
normalised form of every right (name, official variants, their pinyin, nicknames, compact Latin
forms, and the place part of GI names) is folded with :func:`matchers.normalise.canon` and put in
one automaton, so one scan of a listing's canonical text finds exact marks, homophones, shape-alikes
and Latin look-alikes at once; near misses on Latin words and pinyin come from a single-deletion
index (SymSpell style) verified with rapidfuzz. Both costs depend on the listing, not the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ahocorasick

from markwatch.contracts import Register, Right
from matchers.lexicon import lexicon
from matchers.normalise import canon, has_cjk, norm, pinyin_of

# Form kinds, in order of authority (a lower rank wins when two forms of one right overlap).
FORM_KINDS = ("name", "variant", "compact", "nickname", "pinyin", "gi_place")
_ASCII_ALNUM = re.compile(r"[0-9a-z$@]")


@dataclass(frozen=True, slots=True)
class Form:
    """One searchable rendering of a right."""

    right: int  # index into CompiledRegister.rights
    text: str  # norm() form
    key: str  # canon() form, the automaton key
    kind: str
    latin: bool  # no CJK: needs word boundaries, look-alike rules
    left_edge: bool  # first char is Latin/digit: check the boundary before it
    right_edge: bool


@dataclass
class CompiledRegister:
    """Rights plus the search structures built from them; build with :func:`compile_register`."""

    rights: list[Right]
    forms: list[Form] = field(default_factory=list)
    automaton: ahocorasick.Automaton | None = None
    latin_keys: dict[str, list[int]] = field(default_factory=dict)  # canon Latin word → forms
    deletions: dict[str, list[int]] = field(default_factory=dict)  # one-deletion → forms
    gi_products: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # right → (place, products)
    authorised: list[frozenset[str]] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    near_cache: dict[str, tuple[int, ...]] = field(default_factory=dict)  # Latin word → near forms
    how_cache: dict[str, tuple[tuple[Form, str], ...]] = field(default_factory=dict)  # spelling → (form, how) met


def split_gi_name(name: str) -> tuple[str, str]:
    """阳澄湖大闸蟹 → (阳澄湖, 大闸蟹): the place part and the product part of a GI name.

    The product is the longest goods word (lexicon) ending the name and leaving ≥ 2 characters of
    place; failing that, the last two characters.
    """
    goods = {w for words in lexicon()["goods_classes"].values() for w in words}
    for cut in range(2, len(name) - 1):
        if name[cut:] in goods:
            return name[:cut], name[cut:]
    return (name[:-2], name[-2:]) if len(name) >= 4 else (name, "")


def _house_nicknames(names: list[str]) -> list[str]:
    """"N家" (Nike), "雅家" (雅诗兰黛): first letter or character + 家, the way buyers name a house.

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
    return out


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def compile_register(register: Register) -> CompiledRegister:
    """Build the automaton and indexes for ``register`` (≈1 s per 10k rights)."""
    compiled = CompiledRegister(rights=list(register.rights))
    nick_table = lexicon()["nicknames"]
    seen: set[tuple[int, str]] = set()

    def add(right_idx: int, raw: str, kind: str) -> None:
        text = norm(raw).strip()
        if len(text) < 2 or (right_idx, text) in seen:
            return
        seen.add((right_idx, text))
        latin = not has_cjk(text)
        compiled.forms.append(Form(right_idx, text, canon(text), kind, latin,
                                   bool(_ASCII_ALNUM.match(text[0])), bool(_ASCII_ALNUM.match(text[-1]))))

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
        for nick in _house_nicknames(names) if right.kind == "trademark" else ():
            add(idx, nick, "nickname")
        extra = getattr(right, "nicknames", None) or []
        for nick in [*nick_table.get(norm(right.name), []), *(extra if isinstance(extra, list) else [])]:
            add(idx, str(nick), "nickname")
        for raw in names:
            text = norm(raw)
            if has_cjk(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text):
                spelled = pinyin_of(text)
                if len(spelled) >= 5:
                    add(idx, spelled, "pinyin")
        if right.kind == "gi":
            place, product = split_gi_name(norm(right.name))
            if product and len(place) >= 2:
                goods = {w for words in lexicon()["goods_classes"].values() for w in words}
                shorter = [product[i:] for i in range(1, len(product) - 1) if product[i:] in goods]
                compiled.gi_products[idx] = (place, (product, *shorter))
                add(idx, place, "gi_place")

    from matchers.ordinary import dictionary_words_among, index_forms

    ordinary = dictionary_words_among(f.text for f in compiled.forms if f.kind == "nickname" and has_cjk(f.text))
    compiled.forms = [f for f in compiled.forms if not (f.kind == "nickname" and f.text in ordinary)]
    index_forms(f.text for f in compiled.forms)  # before any fork: workers inherit the index
    automaton = ahocorasick.Automaton()
    grouped: dict[str, list[int]] = {}
    for form_idx, form in enumerate(compiled.forms):
        grouped.setdefault(form.key, []).append(form_idx)
        if form.latin and " " not in form.key and form.kind != "gi_place":
            compiled.latin_keys.setdefault(form.key, []).append(form_idx)
            if len(form.key) >= 5:
                for gone in _deletes(form.key):
                    compiled.deletions.setdefault(gone, []).append(form_idx)
    for key, form_ids in grouped.items():
        automaton.add_word(key, (len(key), tuple(form_ids)))
    if grouped:
        automaton.make_automaton()
    compiled.automaton = automaton if grouped else None
    return compiled
