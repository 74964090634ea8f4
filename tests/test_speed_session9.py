"""Speed work of session 9 (issue 11, both bench mixes): each shortcut gives the answers of the
slow path it replaces."""

from __future__ import annotations

import pickle
import random

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
