"""The demo marketplace's catalogue: deterministic, complete, and with ground truth that follows
docs/labelling.md (it is also the matcher's training data, so a wrong label teaches a wrong rule)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from demo_marketplace import cases_ordinary, cases_origin, cases_special, cases_trademark
from demo_marketplace.catalogue import generate_catalogue
from demo_marketplace.generator import CASE_SHARE, PRICE_DEPENDENT, WRITERS
from demo_marketplace.model import PLACEHOLDER_URLS
from demo_marketplace.register import read_register
from demo_marketplace.renderings import mentions
from demo_marketplace.vocab import COUNTERFEIT_WORDS, VAGUE_ORIGINS
from markwatch.contracts import LabelledListing


@pytest.fixture(scope="module")
def register():
    return read_register()


@pytest.fixture(scope="module")
def rights(register):
    return {r.id: r for r in register.rights}


def test_same_seed_same_catalogue_other_seed_other_catalogue(register) -> None:
    a = list(generate_catalogue(600, 3, register).labelled_rows(PLACEHOLDER_URLS))
    b = list(generate_catalogue(600, 3, register).labelled_rows(PLACEHOLDER_URLS))
    c = list(generate_catalogue(600, 4, register).labelled_rows(PLACEHOLDER_URLS))
    assert a == b
    assert [r["title"] for r in a] != [r["title"] for r in c]


def test_determinism_survives_a_different_hash_seed(tmp_path) -> None:
    """No hash() or set ordering leaks into the output: two interpreters, two PYTHONHASHSEEDs."""
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"cat-{hash_seed}.jsonl"
        subprocess.run([sys.executable, "-m", "demo_marketplace.catalogue", "--listings", "300", "--seed", "9",
                        "--out", str(out)], check=True, env={"PYTHONHASHSEED": hash_seed, "PATH": "/usr/bin:/bin"})
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_every_case_and_served_as_is_present(catalogue) -> None:
    cases = Counter(e.case for e in catalogue.entries)
    assert set(cases) == set(CASE_SHARE)
    assert 0.40 <= cases["unrelated"] / len(catalogue.entries) <= 0.50
    served = Counter(e.served_as for e in catalogue.entries)
    assert set(served) == {"ok", "error500", "flaky500", "truncated", "missing_price", "mojibake"}
    assert served["ok"] / len(catalogue.entries) > 0.9
    platforms = Counter(e.platform for e in catalogue.entries)
    assert 0.35 < platforms["bazaar"] / 2000 < 0.45 and 0.25 < platforms["openmall"] / 2000 < 0.35


def test_listing_ids_unique_and_ids_in_infringes_exist(catalogue, rights) -> None:
    assert len(catalogue.by_id) == len(catalogue.entries)
    for e in catalogue.entries:
        assert set(e.infringes) <= set(rights), (e.listing_id, e.infringes)
        assert len(set(e.infringes)) == len(e.infringes)


def test_gi_origins_follow_the_regions(catalogue, rights) -> None:
    import opencc

    t2s = opencc.OpenCC("t2s")  # some GI names are written in traditional characters
    seen = Counter()
    for e in catalogue.entries:
        if not e.case.startswith("gi_") and e.case != "unrelated_same_goods":
            continue
        seen[e.case] += 1
        if e.case == "gi_outside":
            right = rights[e.infringes[0]]
            assert e.origin and not any(e.origin.startswith(r) for r in right.regions), e
            assert e.ship_from not in ("", *VAGUE_ORIGINS) or "产地：" in e.description
        elif e.case == "gi_inside":
            assert e.infringes == [] and (e.ship_from not in ("", *VAGUE_ORIGINS) or "产地：" in e.description)
            assert any(e.origin.startswith(r) for rid in rights for r in rights[rid].regions
                       if rights[rid].kind == "gi" and mentions(t2s.convert(e.title), rights[rid].all_names)), e
        elif e.case == "gi_unknown_origin":
            assert (e.ship_from == "" or e.ship_from in VAGUE_ORIGINS) and e.infringes and "产地：" not in e.description
        elif e.case == "gi_dodge":
            right = rights[e.infringes[0]]
            assert not e.origin or not any(e.origin.startswith(r) for r in right.regions)
    assert min(seen.values()) >= 10


def test_unrelated_goods_mention_no_protected_name(catalogue, register) -> None:
    names = sorted({n for r in register.rights for n in r.all_names})
    gi_names = sorted({n for r in register.rights if r.kind == "gi" for n in r.all_names})
    counted = Counter()
    for e in catalogue.entries:
        if e.case == "unrelated":
            assert not mentions(e.title + " " + e.brand, names), e.title
        elif e.case == "unrelated_same_goods":  # 苹果 the fruit may appear; no GI may be claimed
            assert not mentions(e.title + " " + e.description, gi_names), e.title
        else:
            continue
        assert e.infringes == []
        counted[e.case] += 1
    assert counted["unrelated"] > 800 and counted["unrelated_same_goods"] > 40


def test_special_marks_named_by_unlicensed_sellers_are_labelled(catalogue, rights) -> None:
    for e in catalogue.entries:
        named = {rid for rid, r in rights.items() if r.kind == "special_mark" and mentions(e.title, r.all_names)}
        if e.case == "sm_unlicensed":
            assert e.infringes and named <= set(e.infringes), (e.title, e.infringes)
            assert len(set(e.infringes) - named) <= 1  # at most one mark written evasively (冰 墩墩)
            assert all(e.seller_name not in rights[rid].authorized_sellers for rid in e.infringes)
        elif e.case == "sm_official":
            assert named and all(e.seller_name in rights[rid].authorized_sellers for rid in named)
        elif e.case == "sm_wordsense":
            assert re.search("招财进宝|莲莲有余", e.title) and e.infringes == []


def test_trademark_cases_follow_the_labelling_policy(catalogue, rights) -> None:
    for e in catalogue.entries:
        if not e.case.startswith("tm_"):
            continue
        if e.case in ("tm_official", "tm_referential", "tm_resale", "tm_wordsense"):
            assert e.infringes == [], e
        else:
            assert len(e.infringes) == 1, e
            right = rights[e.infringes[0]]
            assert right.kind == "trademark" and e.seller_name not in right.authorized_sellers
        if e.case == "tm_official":
            assert any(e.seller_name in r.authorized_sellers for r in rights.values())
        if e.case == "tm_plain":  # plain mark, no wording: the low price is what makes it a counterfeit
            right = rights[e.infringes[0]]
            assert mentions(e.title, right.all_names)
            assert not any(w.lower() in e.title.lower() for w in COUNTERFEIT_WORDS)
        if e.case == "tm_resale":
            assert not any(w.lower() in e.title.lower() for w in COUNTERFEIT_WORDS)
        if e.case in ("tm_brand_field", "tm_description_only"):
            right = rights[e.infringes[0]]
            assert not mentions(e.title, right.all_names), e.title
        if e.case == "tm_cross_class":
            assert rights[e.infringes[0]].well_known and e.brand


def test_prices_follow_the_policy_thresholds(catalogue, rights) -> None:
    """labelling.md rule 5 compares with the right's reference price: < 40 % counterfeit, >= 60 % resale."""
    def has_wording(e) -> bool:
        text = (e.title + " " + e.description).lower()
        return any(w.lower() in text for w in COUNTERFEIT_WORDS)

    checked = Counter()
    for e in catalogue.entries:
        if e.case == "tm_plain":
            assert e.price < 0.4 * rights[e.infringes[0]].reference_price, e
        elif e.case == "tm_resale":
            right = next(r for r in rights.values() if r.kind == "trademark" and mentions(e.title, r.all_names))
            assert e.price >= 0.6 * right.reference_price, e
        elif e.case in ("tm_brand_field", "tm_description_only"):
            assert e.price < 0.4 * rights[e.infringes[0]].reference_price or has_wording(e), e
        else:
            continue
        checked[e.case] += 1
    assert min(checked.values()) >= 20


def test_price_dependent_cases_keep_their_price(catalogue) -> None:
    for e in catalogue.entries:
        if e.case in PRICE_DEPENDENT:
            assert e.served_as != "missing_price" and e.price is not None and e.price > 0


def test_expected_listing_ids_follow_the_broken_pages_table(catalogue) -> None:
    for platform, skipped in (("bazaar", {"error500"}), ("storefront", {"error500"}),
                              ("openmall", {"error500", "truncated"})):
        mine = [e for e in catalogue.entries if e.platform == platform]
        expected = catalogue.expected_listing_ids(platform)
        assert expected == {e.listing_id for e in mine if e.served_as not in skipped}
        assert any(e.served_as in skipped for e in mine)


def test_cli_writes_valid_labelled_listings(tmp_path) -> None:
    out = tmp_path / "train.jsonl"
    subprocess.run([sys.executable, "-m", "demo_marketplace.catalogue", "--listings", "400", "--seed", "2",
                    "--out", str(out)], check=True, capture_output=True)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 400
    for row in rows:
        LabelledListing.model_validate(row)
        base = PLACEHOLDER_URLS[row["platform"]]
        assert row["url"].startswith(base + "/") and all(u.startswith(base + "/static/img/") for u in row["image_urls"])
        assert row["currency"] == "CNY" and {"infringes", "case", "served_as"} <= set(row)
        if row["served_as"] == "missing_price":
            assert row["price"] is None


def test_tiny_and_large_catalogues_generate(register) -> None:
    assert len(generate_catalogue(1, 1, register).entries) == 1
    assert len(generate_catalogue(37, 1, register).entries) == 37


def test_a_small_register_still_yields_a_consistent_catalogue(register) -> None:
    from markwatch.contracts import Register

    keep = {"tm-nike", "gi-yangchenghu-crab"}
    small = Register(rights=[r for r in register.rights if r.id in keep])
    cat = generate_catalogue(400, 5, small)
    assert len(cat.entries) == 400
    assert {rid for e in cat.entries for rid in e.infringes} == keep
    assert not any(e.case in ("sm_unlicensed", "sm_official") for e in cat.entries)


def test_every_case_has_exactly_one_writer() -> None:
    declared = [name for module in (cases_ordinary, cases_trademark, cases_origin, cases_special) for name in module.CASES]
    assert len(declared) == len(set(declared)), "a case is written by two modules"
    assert set(WRITERS) == set(CASE_SHARE) == set(declared)
    assert all(WRITERS[name].__name__ == name for name in WRITERS)  # each writer is named for its case
