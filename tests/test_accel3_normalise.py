"""normalise's faster space patterns find what the old ones found (matchers/normalise.py).

Why: ``_SPACED`` now starts at the first space of a spaced-out run ("n i k e") instead of at its first letter,
and the batch path finds runs of spaces with a literal pattern instead of ``\\s{2,}`` because norm's table turns
every white space into a space. Both must leave every text exactly as before: the first is checked against the
old pattern on many random texts, the second by the property it rests on and by norm_many against norm.
"""

from __future__ import annotations

import random
import re

import numpy as np

from matchers import normalise
from matchers.normalise import _join_spaced, norm, norm_many

OLD_SPACED = re.compile(r"[0-9a-z$@](?<![0-9a-z$@][0-9a-z$@])(?: [0-9a-z$@](?![0-9a-z$@]))+")


def test_spaced_runs_are_joined_as_the_old_pattern_joined_them() -> None:
    rng = random.Random(11)
    alphabet = "ab9$@ 中-.\x00A"
    texts = ["n i k e", "a b", " a b ", "ab c d", "a bc d", "x y z 耐克 r o l e x", "3 m 胶带", "a  b", "a", " "]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(30_000)]
    for text in texts:
        assert normalise._SPACED.sub(_join_spaced, text) == OLD_SPACED.sub(_join_spaced, text), repr(text)
    assert normalise._SPACED.sub(_join_spaced, "买 n i k e 鞋") == "买 nike 鞋"


def test_norm_table_leaves_no_white_space_but_the_space() -> None:
    norm_lut = normalise._arrays()[0]
    white = [code for code in range(0x110000) if re.match(r"\s", chr(code))]
    assert all(int(norm_lut[code]) in (32, normalise._DELETED) for code in white)
    produced = set(np.unique(norm_lut).tolist())
    assert not [code for code in white if code != 32 and code in produced]


def test_batch_norm_is_norm_with_runs_of_any_white_space() -> None:
    texts = ["R  O  L  E  X 手表", "n\ti\tk\te 运动鞋", "耐克\u3000\u3000跑鞋  男", "a \n b \r\n c", "s\u2028k\u00a0i i",
             "苹果   iphone  15", "x  y", "中 文 a b c", "阿迪\t\t达斯", "  前后  "]
    assert norm_many(texts) == [norm(t) for t in texts]
