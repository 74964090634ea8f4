"""Speed work of session 8 (issue 11, lead-heavy traffic): each shortcut gives the answers of the
slow path it replaces, and the slow path is no longer taken on the hot path."""

from __future__ import annotations

import random

import pytest

from matchers import candidates, ordinary
from matchers.lexicon import lexicon
from matchers.normalise import norm
from matchers.ordinary import dictionary_word_set, dictionary_words_among


def test_everyday_word_agrees_with_the_dictionary_scan() -> None:
    """The word-set answer is the dictionary file's answer, for entries, for the lexicon's added
    words (normalised or not) and for character pairs that are mostly no words."""
    words = list(dictionary_word_set())
    rng = random.Random(8)
    singles = [w for w in words if len(w) == 1]
    lex = lexicon()
    added = [*lex["ordinary_words"], *lex["cartoon_names"]]
    asked = set(rng.sample(words, 3000)) | set(added) | {norm(w) for w in added} \
        | {rng.choice(singles) + rng.choice(singles) for _ in range(3000)}
    truth = dictionary_words_among(asked)
    assert {w for w in asked if ordinary.is_dictionary_word(w)} == truth


@pytest.mark.pure_python
def test_everyday_word_does_not_scan_the_dictionary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the word set is loaded, a dictionary entry or a non-word is answered without the ≈13 ms
    scan of the file."""
    def scan(word: str) -> bool:
        raise AssertionError(f"scanned the dictionary file for {word}")

    monkeypatch.setattr(ordinary, "dictionary_words_among", scan)
    ordinary._scanned.cache_clear()
    entry = next(w for w in dictionary_word_set() if len(w) == 2 and w not in ordinary._added_words())
    assert ordinary.is_dictionary_word(entry)
    assert not ordinary.is_dictionary_word("\u9fa5\u9fa4")


# ------------------------------------------------------------ one walk for every automaton
def _per_automaton_hits(compiled, text: str, key_text: str, classes) -> list[tuple]:
    """The hits as the separate automata give them (open, then each of the listing's classes, a
    right only from the first of them): the reference the single scan must reproduce, in order."""
    out = []
    for index, earlier in compiled.indexes(classes):
        for end_idx, (length, form_ids) in index.automaton.iter(key_text):
            start, end = end_idx - length + 1, end_idx + 1
            seen = text[start:end]
            for i in form_ids:
                form = compiled.forms[i]
                how = candidates._how(form, seen)
                if how is None or (form.latin and not candidates._boundary_ok(text, form, start, end)):
                    continue
                if earlier and not earlier.isdisjoint(compiled.rights[form.right].nice_classes):
                    continue
                out.append((form.right, form.text, how, start, end))
    return out


def _crowded_register():
    """Ordinary marks of a few shared characters over overlapping classes (keys shared by rights of
    different classes, bent spellings of one another), well-known marks and a GI."""
    from markwatch.contracts import Register, Right
    from matchers.compiled import compile_register

    rng = random.Random(11)
    pool = "晶朗鼎旭华泰金龙凤祥瑞康宁"
    rights, names = [], set()
    while len(rights) < 70:
        name = "".join(rng.choice(pool) for _ in range(rng.choice((2, 2, 3))))
        if name in names:
            continue
        names.add(name)
        rights.append(Right(id=f"tm-s8-{len(rights)}", kind="trademark", name=name,
                            nice_classes=sorted(rng.sample([3, 9, 25, 30, 33], rng.choice((1, 2, 3)))),
                            well_known=len(rights) % 9 == 0))
    rights.append(Right(id="tm-s8-latin", kind="trademark", name="Zolvex", nice_classes=[9, 25]))
    rights.append(Right(id="gi-s8", kind="gi", name="泰宁金橘", regions=["福建省三明市"]))
    return compile_register(Register(rights=rights)), pool


def test_one_walk_gives_the_hits_of_every_automaton_in_their_order() -> None:
    compiled, pool = _crowded_register()
    rng = random.Random(5)
    marks = [f.text for f in compiled.forms]
    for _ in range(150):
        title = " ".join(rng.choice(marks + [pool[rng.randrange(len(pool))] * 2, "zolvex", "zo1vex"])
                         for _ in range(rng.randint(1, 5)))
        text = norm(title)
        key_text = candidates.canon(text)
        for classes in (None, [25], [9, 25], [25, 9], [30, 3, 9, 33], [99], []):
            by_field: dict[str, list] = {"title": []}
            candidates._automaton_hits(compiled, candidates.scan_index(compiled), text, key_text,
                                       candidates._scan_order(compiled, classes), ["title"], [0], by_field)
            got = [(h.form.right, h.form.text, h.how, h.start, h.end) for h in by_field["title"]]
            assert got == _per_automaton_hits(compiled, text, key_text, classes), (title, classes)


def test_the_scan_index_survives_the_cache() -> None:
    """The index kept in the compiled cache (matchers/packed.py) is the one built in memory."""
    import pickle

    compiled, _ = _crowded_register()
    built = candidates.build_scan_index(compiled)
    kept = pickle.loads(pickle.dumps(built))
    assert sorted(kept.automaton.items()) == sorted(built.automaton.items())
    assert [kept.entry(n) for _, n in kept.automaton.items()] == [built.entry(n) for _, n in built.automaton.items()]


def test_walking_a_batch_ahead_changes_no_candidate() -> None:
    """The automaton walked over a batch ahead (listing_texts_many with the register) gives each
    listing the candidates of a walk made when it is scanned, and every walk kept is used."""
    compiled, pool = _crowded_register()
    rng = random.Random(3)
    marks = [f.text for f in compiled.forms]
    listings = [{"title": " ".join(rng.choice(marks) for _ in range(rng.randint(1, 3))),
                 "description": rng.choice(["", "正品 " + rng.choice(marks), "★"]),
                 "brand": rng.choice(["", rng.choice(marks)])} for _ in range(60)]
    listings.append(dict(listings[0]))  # the same texts twice in one batch

    def found(batch: list) -> list:
        return [{r: [(h.field, h.form.text, h.how, h.start, h.end) for h in hits]
                 for r, hits in candidates.find_candidates(compiled, texts.norm, [25, 9], texts.canon).items()}
                for texts in batch]

    alone = found(candidates.listing_texts_many(listings))
    ahead = candidates.listing_texts_many(listings, compiled)
    assert candidates.scan_index(compiled).walked
    assert found(ahead) == alone
    assert not candidates.scan_index(compiled).walked


def test_spaced_letters_rule_matches_its_plain_reading() -> None:
    """normalise._SPACED (letter first, look-behind after it, for speed) joins exactly what the plain
    pattern with a leading look-behind joins, on random texts of letters, digits, spaces and CJK."""
    import re

    from matchers import normalise

    plain = re.compile(r"(?<![0-9a-z$@])[0-9a-z$@](?: [0-9a-z$@](?![0-9a-z$@]))+")
    rng = random.Random(2)
    for _ in range(20_000):
        text = "".join(rng.choice("ab1$@ 中x  -.Z") for _ in range(rng.randint(0, 14)))
        assert normalise._SPACED.sub(normalise._join_spaced, text) == plain.sub(normalise._join_spaced, text), text
