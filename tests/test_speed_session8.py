"""Speed work of session 8 (issue 11, lead-heavy traffic): each shortcut gives the answers of the
slow path it replaces, and the slow path is no longer taken on the hot path."""

from __future__ import annotations

import random

import pytest

from matchers import candidates
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
    assert {w for w in asked if candidates._is_everyday_word(w)} == truth


def test_everyday_word_does_not_scan_the_dictionary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dictionary entry or a non-word is answered without the ≈13 ms scan of the file."""
    def scan(word: str) -> bool:
        raise AssertionError(f"scanned the dictionary file for {word}")

    monkeypatch.setattr(candidates, "is_dictionary_word", scan)
    candidates._is_dictionary_word_slow.cache_clear()
    entry = next(w for w in dictionary_word_set() if len(w) == 2 and w not in candidates._added_words())
    assert candidates._is_everyday_word(entry)
    assert not candidates._is_everyday_word("\u9fa5\u9fa4")
