"""Speed work of session 9 (issue 11, both bench mixes): each shortcut gives the answers of the
slow path it replaces."""

from __future__ import annotations

import pickle
import random

import pytest

from matchers import candidates
from test_speed_session8 import _crowded_register


# ------------------------------------------------------------ key masks of the scan index
def _mask_of_entry(entry: tuple) -> int:
    """The mask a key's decoded entry calls for: open forms, forms of ordinary marks, each class."""
    _, open_ids, _, bound_ids, every = entry
    mask = (candidates.OPEN_BIT if open_ids else 0) | (candidates.BOUND_BIT if bound_ids else 0)
    for cls in every:
        mask |= 1 << cls
    return mask


def test_key_masks_say_which_automata_hold_each_key() -> None:
    """Every key's mask (what drops a hit before its entry is read) has exactly the bits of its
    entry, in the index built in memory and in the one the compiled cache keeps."""
    compiled, _ = _crowded_register()
    built = candidates.build_scan_index(compiled)
    kept = pickle.loads(pickle.dumps(built))
    numbers = [n for _, n in built.automaton.items()]
    assert len(numbers) == len(built.masks) > 50
    for index in (built, kept):
        assert [index.masks[n] for n in numbers] == [_mask_of_entry(index.entry(n)) for n in numbers]
    assert any(m & candidates.OPEN_BIT for m in built.masks)
    assert any(m & candidates.BOUND_BIT and not m & candidates.OPEN_BIT for m in built.masks)


def test_a_listing_wants_the_keys_of_its_own_automata() -> None:
    """A listing's wanted bits: the open automaton's, plus each of its goods classes that has an
    automaton (goods unknown: the automaton of every ordinary mark); a key whose mask shares none
    is a key whose entry has no forms for the listing (the test the mask replaced)."""
    compiled, _ = _crowded_register()
    scan = candidates.scan_index(compiled)
    rng = random.Random(9)
    for classes in (None, [], [25], [9, 25], [99], [30, 3, 9, 33]):
        order = candidates._scan_order(compiled, classes)
        for number in rng.sample(range(len(scan.masks)), 60):
            value = scan.entry(number)
            old_skip = not value[1] and (not value[3] if order.classes is None else order.scanned.isdisjoint(value[4]))
            assert (not scan.masks[number] & order.wanted) == old_skip, (classes, number)


# ------------------------------------------------------------ the automaton of every ordinary mark stays packed
def _small_register():
    from markwatch.contracts import Register, Right

    return Register(rights=[
        Right(id="tm-s9-a", kind="trademark", name="璟澜", variants=["JINGLAN"], nice_classes=[25]),
        Right(id="tm-s9-b", kind="trademark", name="璟朗", nice_classes=[3, 9]),
        Right(id="tm-s9-c", kind="trademark", name="VORLEX", nice_classes=[9], well_known=True),
    ])


def test_a_run_from_the_cache_does_not_unpack_the_bound_automaton(tmp_path, monkeypatch) -> None:
    """A run in one process matches with the scan index alone: whether goods are classified is told
    by a flag kept beside the automaton of every ordinary mark, which stays packed (≈90 ms to
    unpickle at 10k rights), and the loaded matcher gives the leads of the one compiled in memory."""
    from matchers import packed
    from matchers.batch import warm
    from matchers.matcher import Matcher

    monkeypatch.setattr(packed, "PACK_OVER", 0)  # every table packed, as a large register's are
    fresh = Matcher(_small_register(), cache_dir=None)
    Matcher(_small_register(), cache_dir=tmp_path)  # compiles into the cache
    cached = Matcher(_small_register(), cache_dir=tmp_path)
    warm(cached, everything=False)
    listings = [{"url": f"u{i}", "title": t, "price": 30} for i, t in enumerate(
        ["璟澜 男士T恤 高仿", "璟澜", "景澜 卫衣", "璟朗 面霜 1:1", "vorlex 耳机 复刻", "jinglan 外套 A货"])]
    assert cached.match_many(listings) == fresh.match_many(listings)
    assert any(cached.match_many(listings))
    assert "bound_index" in cached.compiled._packed
    assert cached.compiled.ordinary_marks and fresh.compiled.bound_index is not None


def test_a_register_without_ordinary_marks_classifies_no_goods() -> None:
    from markwatch.contracts import Register, Right
    from matchers.compiled import compile_register

    compiled = compile_register(Register(rights=[Right(id="sm-s9", kind="special_mark", name="璟宝宝")]))
    assert compiled.bound_index is None and not compiled.ordinary_marks


# ------------------------------------------------------------ one walk for several cue lists
def _cue_texts(entries: tuple[str, ...], prepare, n: int = 300) -> list[str]:
    """Random texts of the entries' own cues (overlapping, glued, in Latin and Chinese) and filler."""
    from matchers.lexicon import lexicon

    rng = random.Random(len(entries))
    words = [str(w) for e in entries for w in lexicon()[e]] + ["外套", "abc", "for", "1:1", " ", "正品", "x"]
    return [prepare("".join(rng.choice(words) + rng.choice(["", "", " ", "|"]) for _ in range(rng.randint(1, 9))))
            for _ in range(n)]


def test_one_walk_finds_the_cues_of_each_entry_in_their_order() -> None:
    from matchers import wording
    from matchers.normalise import light, norm

    for entries, light_only, prepare in ((("counterfeit", "innocent_wording", "resale"), True, light),
                                         (("accessory", "referential", "service", "publication"), False, norm)):
        for text in _cue_texts(entries, prepare) + [""]:
            assert wording.find_each(entries, text, light_only) == [
                wording.find(e, text, light_only) for e in entries], text


def test_counterfeit_and_resale_words_of_one_walk() -> None:
    from matchers import wording
    from matchers.normalise import light, norm

    texts = _cue_texts(("counterfeit", "innocent_wording", "resale"), light)
    assert any(wording.counterfeit_words(t) for t in texts)
    for text in texts:
        assert wording.counterfeit_and_resale(text) == (
            wording.counterfeit_words(text), sorted({w for _, _, w in wording.find("resale", text, light_only=True)}))


# ------------------------------------------------------------ the light fields made with the batch
@pytest.mark.pure_python
def test_signals_read_the_light_fields_made_with_the_batch(monkeypatch) -> None:
    """A mark glued into Chinese text is checked against the field as written (light-normalised):
    that text comes from the batch's normalisation, not from a light() call per pair, and the
    pairs are those of a listing judged alone."""
    from matchers import normalise
    from matchers.candidates import listing_texts_many
    from matchers.matcher import Matcher

    matcher = Matcher(_small_register(), cache_dir=None)
    listings = [{"url": "a", "title": "新款璟澜外套 男", "price": 99}, {"url": "b", "title": "璟朗 精华液 高仿"}]
    alone = [[(p.right_id, p.features, p.reason_codes) for p in matcher.pairs(x)] for x in listings]
    batch = listing_texts_many(listings, matcher.compiled)
    calls: list[str] = []
    real = normalise.light
    monkeypatch.setattr(normalise, "light", lambda text: calls.append(text) or real(text))
    together = [[(p.right_id, p.features, p.reason_codes) for p in matcher.pairs(x, f)]
                for x, f in zip(listings, batch)]
    assert together == alone and alone[0]
    assert calls == []


# ------------------------------------------------------------ smaller ranges at the end of a file
def test_ranges_shrink_towards_the_end_for_several_workers(tmp_path) -> None:
    """Several workers get ranges that cover the file in order, each from a line start, the last
    ones smaller than a chunk (none left whole to one worker while the others wait); one worker
    gets whole chunks as before."""
    from matchers.batch import read_span, spans

    rng = random.Random(4)
    path = tmp_path / "listings.jsonl"
    lines = [("x" * rng.randint(20, 400)).encode() for _ in range(3000)]
    path.write_bytes(b"\n".join(lines) + b"\n")
    size = 32 * 1024
    for workers in (1, 2, 4):
        found = list(spans(path, size, workers))
        assert found[0][1] == 0 and found[-1][2] == path.stat().st_size
        assert all(a[2] == b[1] for a, b in zip(found, found[1:]))
        assert [line for span in found for line in read_span(*span)] == lines
        widths = [end - start for _, start, end in found]
        if workers == 1:
            assert all(w >= size for w in widths[:-1])
        else:
            assert max(widths[-2 * workers:]) < size // 2 and min(widths[:-1]) >= size // 8
            assert widths[:3] == [w for w in widths[:3] if w >= size]


# ------------------------------------------------------------ the rebus reading of a whole batch first
@pytest.mark.pure_python
def test_a_batch_read_for_rebus_first_gives_the_pairs_of_each_listing_alone(monkeypatch) -> None:
    """Matcher.scored runs each stage over the whole batch in one loop (warm tables): every
    listing's rebus symbols read, then every listing scanned for candidates, then the signals of
    the pairs judged; it scores what each listing judged alone gets."""
    from markwatch.contracts import Register, Right
    from matchers import matcher as matcher_module
    from matchers.matcher import Matcher

    matcher = Matcher(Register(rights=[
        Right(id="tm-s9-j", kind="trademark", name="九鼎轩", nice_classes=[30]),
        Right(id="tm-s9-h", kind="trademark", name="雨虹坊", nice_classes=[19], well_known=True)]))
    listings = [{"url": f"u{i}", "title": t, "price": 20} for i, t in enumerate(
        ["9鼎轩 月饼 礼盒", "雨🌈坊 防水涂料 高仿", "九鼎轩 月饼", "普通 月饼", "雨虹坊 9鼎轩 联名"])]
    alone = [[(p.right_id, p.features, p.reason_codes) for p in matcher.pairs(x)] for x in listings]
    assert matcher.rebus_read(listings[0]) is not None and alone[0] and alone[1]
    calls: list[str] = []
    real = matcher_module.substituted_listing
    monkeypatch.setattr(matcher_module, "substituted_listing",
                        lambda table, listing: calls.append(listing["url"]) or real(table, listing))
    find = matcher_module.find_candidates
    monkeypatch.setattr(matcher_module, "find_candidates", lambda *a, **k: calls.append("scan") or find(*a, **k))
    sign = matcher_module.signals
    monkeypatch.setattr(matcher_module, "signals", lambda *a, **k: calls.append("signals") or sign(*a, **k))
    scored = matcher.scored(listings)
    # each listing read once, all before any scan, and every listing scanned before any pair's signals
    assert calls[:2 * len(listings)] == [x["url"] for x in listings] + ["scan"] * len(listings)
    assert set(calls[2 * len(listings):]) == {"signals"}
    assert [[(p.right_id, p.features, p.reason_codes) for p in group] for group in scored] == \
        [[pair for pair, score in zip(group, matcher.model.score([f for _, f, _ in group]).tolist())
          if round(score, 4) >= matcher.threshold] if group else [] for group in alone]
