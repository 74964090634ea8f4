"""Candidate generation: every evasion is found, ordinary text is not, and the automaton prefilter
agrees with a brute-force scan on random inputs (STYLE.md §5: speed must never cost recall silently)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from matchers.candidates import _boundary_ok, _how, _near, _scan_fields, _scan_order, field_texts, find_candidates
from matchers.compiled import CompiledRegister, compile_register
from matchers.normalise import canon, norm
from matchers.register import load_register


@pytest.fixture(scope="module")
def compiled() -> CompiledRegister:
    return compile_register(load_register())


def found(compiled: CompiledRegister, title: str, **fields: str) -> dict[str, set[str]]:
    texts = field_texts({"title": title, **fields})
    return {compiled.rights[r].id: {h.how for h in hits} for r, hits in find_candidates(compiled, texts).items()}


@pytest.mark.parametrize("title, right_id, how", [
    ("耐克 空军一号", "tm-nike", "exact"),
    ("耐可 运动鞋", "tm-nike", "homophone"),
    ("阿迪达期 卫衣", "tm-adidas", "shape"),
    ("NIKF 跑鞋", "tm-nike", "lookalike"),
    ("naike 卫衣", "tm-nike", "exact"),          # pinyin of 耐克
    ("adidass 鞋", "tm-adidas", "fuzzy"),
    ("louis vuitotn 包", "tm-louis-vuitton", "fuzzy"),
    ("ni.ke 鞋", "tm-nike", "joined"),
    ("NIEK 跑鞋", "tm-nike", "fuzzy"),
    ("勒高 积木", "tm-lego", "homophone"),        # 勒 is lēi first, lè second: reads like 乐高            # two letters swapped in a well-known four-letter mark
    ("SOYN 降噪耳机", "tm-sony", "fuzzy"),
    ("АNTA 冲锋衣", "tm-anta", "exact"),          # Cyrillic А
    ("R  O  L  E  X 腕表", "tm-rolex", "exact"),   # letters spaced out with double spaces
    ("驴牌 包包", "tm-louis-vuitton", "exact"),    # nickname
    ("阳澄湖镇大闸蟹", "gi-yangchenghu-crab", "split"),
    ("阳澄湖发 大闸蟹", "gi-yangchenghu-crab", "split"),
    ("冰 墩 墩 钥匙扣", "sm-bingdwendwen", "exact"),
])
def test_evasions_become_candidates(compiled: CompiledRegister, title: str, right_id: str, how: str) -> None:
    assert how in found(compiled, title).get(right_id, set())


def test_brand_field_and_description_are_scanned(compiled: CompiledRegister) -> None:
    assert "tm-nike" in found(compiled, "潮流 男鞋", brand="Nike")
    assert "tm-chanel" in found(compiled, "珍珠耳环", description="香奈儿 同款 设计")


def test_swapped_letters_count_only_for_well_known_short_marks() -> None:
    from markwatch.contracts import Register, Right

    register = Register(rights=[Right(id="tm-ord", kind="trademark", name="FROM", nice_classes=[16]),
                                Right(id="tm-wk", kind="trademark", name="ZOLK", nice_classes=[16], well_known=True)])
    compiled = compile_register(register)
    got = {compiled.rights[r].id for r in find_candidates(compiled, field_texts({"title": "form zlok 笔记本"}))}
    assert got == {"tm-wk"}


@pytest.mark.parametrize("title", ["santa claus 圣诞", "giant bag", "连连看 游戏", "大闸蟹 鲜活", "阳澄湖 旅游 攻略"])
def test_ordinary_text_is_no_candidate(compiled: CompiledRegister, title: str) -> None:
    assert found(compiled, title) == {}


def test_candidate_cost_does_not_depend_on_register_size() -> None:
    """The same listing against 67 and against thousands of rights: same candidates for the demo rights."""
    from markwatch.contracts import Register, Right

    small = load_register()
    extra = [Right(id=f"tm-gen-{i}", kind="trademark", name=f"Zq{i:05d}x") for i in range(3000)]
    big = compile_register(Register(rights=[*small.rights, *extra]))
    texts = field_texts({"title": "耐可 运动鞋 阿迪达期 zq00042x"})
    got = {big.rights[r].id for r in find_candidates(big, texts)}
    assert {"tm-nike", "tm-adidas", "tm-gen-42"} <= got


# ---------------------------------------------------------------- differential tests
def brute_force(compiled: CompiledRegister, text: str) -> set[tuple[int, int, int, str]]:
    """Every form (and its polyphone spellings) tried at every position, with the same acceptance
    rules as the automaton path."""
    from matchers.compiled import _polyphone_keys

    from matchers.variants import reordered_keys, shape_keys

    spellings: dict[int, set[str]] = {}
    for key, form_ids in _polyphone_keys(compiled).items():
        for form_id in form_ids:
            spellings.setdefault(form_id, set()).add(key)
    # shape-alike spellings (茅台西 for 茅台酒), as compile_register indexes them for a scan of unknown goods
    marks = ((i, f.text, f.key, compiled.bound[f.right]) for i, f in enumerate(compiled.forms)
             if not f.latin and f.kind in ("name", "variant"))
    for key, form_ids in shape_keys(marks, canon, {f.key for f in compiled.forms}).items():
        for form_id in form_ids:
            if not compiled.bound[compiled.forms[form_id].right] or len(key) > 2:
                spellings.setdefault(form_id, set()).add(key)
    # the characters in another order (全三 for 三全), as compile_register indexes them for trademarks
    turned = ((i, f.text, f.key) for i, f in enumerate(compiled.forms)
              if not f.latin and f.kind in ("name", "variant") and compiled.rights[f.right].kind == "trademark")
    for key, form_ids in reordered_keys(turned, {f.key for f in compiled.forms}).items():
        for form_id in form_ids:
            if not compiled.bound[compiled.forms[form_id].right] or len(key) > 2:
                spellings.setdefault(form_id, set()).add(key)
    key_text = canon(text)
    out = set()
    for form_id, form in enumerate(compiled.forms):
        for key in {form.key} | spellings.get(form_id, set()):
            start = key_text.find(key)
            while start >= 0:
                end = start + len(key)
                if not form.latin or _boundary_ok(text, form, start, end):
                    how = _how(form, text[start:end])
                    if how is not None:
                        out.add((form.right, start, end, how))
                start = key_text.find(key, start + 1)
    exact = [h for h in out if h[3] == "exact"]  # a turned spelling across a repeated mark (路易威登路易威登) is none
    return {h for h in out if h[3] != "reordered" or not any(e[0] == h[0] and e[1] < h[2] and h[1] < e[2] for e in exact)}


def scan_one(compiled: CompiledRegister, text: str, field: str = "title") -> list:
    """The hits of one field scanned alone (all rights looked for)."""
    return _scan_fields(compiled, {field: text}, {field: canon(text)}, _scan_order(compiled, None)) if text else []


def automaton_hits(compiled: CompiledRegister, text: str) -> set[tuple[int, int, int, str]]:
    hits = scan_one(compiled, text)
    return {(h.form.right, h.start, h.end, h.how) for h in hits if h.how not in ("fuzzy", "joined")}


def _pieces(compiled: CompiledRegister) -> list[str]:
    forms = [f.text for f in compiled.forms]
    return forms + ["耐可", "阿迪达期", "nlke", "可", "斯", "期", "湖", "镇", "大", " ", "  ", "x", "1", "a",
                    "招财", "有余", "蟹", "★", "的", "s", "ke", "ni", "镇大闸蟹", "勒高", "勒", "乐"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_automaton_equals_brute_force(compiled: CompiledRegister, data: st.DataObject) -> None:
    pieces = data.draw(st.lists(st.sampled_from(_pieces(compiled)) | st.text(max_size=3), max_size=8))
    text = norm("".join(pieces))
    assert automaton_hits(compiled, text) == brute_force(compiled, text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_near_miss_index_equals_brute_force(compiled: CompiledRegister, data: st.DataObject) -> None:
    latin = sorted({f.key for f in compiled.forms if f.latin and " " not in f.key and f.kind != "gi_place"})
    base = data.draw(st.sampled_from(latin))
    ops = data.draw(st.lists(st.tuples(st.sampled_from("dis"), st.integers(0, 30), st.sampled_from("abeiklnosx")),
                             max_size=2))
    word = base
    for op, pos, ch in ops:
        pos = pos % (len(word) + 1)
        word = {"d": word[:pos] + word[pos + 1:], "i": word[:pos] + ch + word[pos:],
                "s": word[:pos] + ch + word[pos + 1:]}[op]
    word = canon(word)
    if len(word) < 4 or word in compiled.latin_keys:
        return
    fast = {compiled.forms[i].key for i in _near(compiled, word) if len(compiled.forms[i].key) >= 5}

    def dels(w: str) -> set[str]:
        return {w[:i] + w[i + 1:] for i in range(len(w))}

    # Brute force over every Latin form: within the edit limit AND one deletion apart on each side
    # (the index's reach by design: insert, delete, substitute, swap).
    slow = {f.key for f in compiled.forms
            if f.latin and " " not in f.key and f.kind != "gi_place" and len(f.key) >= 5
            and (f.right, f.text) not in compiled.exact_only  # a second reading's pinyin: only as written
            and OSA.distance(word, f.key) <= (1 if len(f.key) < 8 else 2)
            and (word in dels(f.key) or f.key in dels(word) or dels(word) & dels(f.key))}
    assert fast == slow


# ---------------------------------------------------------------- per-class automata
def _ordinary_register() -> CompiledRegister:
    from markwatch.contracts import Register, Right

    return compile_register(Register(rights=[
        Right(id="tm-phone", kind="trademark", name="晶朗", nice_classes=[9]),
        Right(id="tm-both", kind="trademark", name="鼎旭", nice_classes=[9, 25]),
        Right(id="tm-famous", kind="trademark", name="耐克", nice_classes=[25], well_known=True),
        Right(id="gi-crab", kind="gi", name="阳澄湖大闸蟹", regions=["江苏省苏州市"]),
    ]))


def _ids(compiled: CompiledRegister, title: str, classes: list[int] | None) -> list[str]:
    got = find_candidates(compiled, field_texts({"title": title}), classes)
    return sorted(compiled.rights[r].id for r in got)


def test_ordinary_marks_are_looked_for_only_on_goods_of_their_classes() -> None:
    compiled = _ordinary_register()
    title = "晶朗 鼎旭 耐克 阳澄湖大闸蟹"
    assert _ids(compiled, title, None) == ["gi-crab", "tm-both", "tm-famous", "tm-phone"]  # goods unknown: all
    assert _ids(compiled, title, [25]) == ["gi-crab", "tm-both", "tm-famous"]  # clothing: no phone mark
    assert _ids(compiled, title, [30]) == ["gi-crab", "tm-famous"]  # well-known and GI whatever the goods


def test_a_mark_of_several_of_the_listings_classes_is_found_once() -> None:
    compiled = _ordinary_register()
    got = find_candidates(compiled, field_texts({"title": "鼎旭 鼎旭"}), [25, 9])
    assert [(h.start, h.how) for h in got[compiled.by_id["tm-both"]]] == [(0, "exact"), (2, "exact")]  # norm joins CJK


def test_house_nicknames_name_one_house() -> None:
    from markwatch.contracts import Register, Right

    def nicknames(*rights: Right) -> dict[str, set[str]]:
        compiled = compile_register(Register(rights=list(rights)))
        return {r.id: {f.text for f in compiled.forms if f.right == i and f.kind == "nickname"}
                for i, r in enumerate(compiled.rights)}

    alone = Right(id="tm-a", kind="trademark", name="Zolvex", nice_classes=[9])
    twin = Right(id="tm-b", kind="trademark", name="Zentra", nice_classes=[25])
    famous = Right(id="tm-c", kind="trademark", name="Zagora", nice_classes=[3], well_known=True)
    assert nicknames(alone) == {"tm-a": {"z家"}}
    # a few houses: each keeps Z家, the goods (and the house's own name) decide at match time
    assert nicknames(alone, twin, famous) == {"tm-a": {"z家"}, "tm-b": {"z家"}, "tm-c": {"z家"}}
    many = [Right(id=f"tm-{i}", kind="trademark", name=f"Z{'aeiouyw'[i]}lvex", nice_classes=[9]) for i in range(7)]
    assert set().union(*nicknames(*many).values()) == set()  # many ordinary houses: Z家 names none
    assert nicknames(*many, famous)["tm-c"] == {"z家"}  # ... but the well-known one among them


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fields_scanned_together_equal_fields_scanned_one_by_one(compiled: CompiledRegister,
                                                                 data: st.DataObject) -> None:
    """find_candidates walks each automaton once over all fields joined; every hit must come back
    to its own field, at the position a scan of that field alone finds it."""
    def field() -> str:
        return norm("".join(data.draw(st.lists(st.sampled_from(_pieces(compiled)) | st.text(max_size=3), max_size=5))))

    texts = {name: text for name in ("title", "brand", "description") if (text := field())}
    one_by_one = [hit for name, text in texts.items() for hit in scan_one(compiled, text, name)]
    together = [h for hits in find_candidates(compiled, texts).values() for h in hits]
    key = lambda h: (h.field, h.start, h.end, h.form.right, h.form.text, h.how)  # noqa: E731
    assert {key(h) for h in together if h.how != "split"} <= {key(h) for h in one_by_one}  # split: a resolved place
    kept_rights = {h.form.right for h in together}
    # a GI name written with a town's 镇 (compiled._town_spellings) is found exact and told split when resolved
    unsplit = lambda h: (*key(h)[:-1], "exact" if h.how == "split" and h.form.kind == "compact" else h.how)  # noqa: E731
    assert {unsplit(h) for h in one_by_one if h.form.right in kept_rights and h.form.kind != "gi_place"} \
        <= {unsplit(h) for h in together}


def test_numbers_are_no_misspelling_of_a_mark(compiled: CompiledRegister) -> None:
    """"1:1 DYSON" once read as the near miss "1dyson" (1 looks like i), adding a false evasion."""
    assert found(compiled, "1:1 DYSON 吹风机") == {"tm-dyson": {"exact"}}
    assert found(compiled, "CHANEL 5号 香水") == {"tm-chanel": {"exact"}}
