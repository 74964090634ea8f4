"""ScoringModel.raw walks the trees in blocks of rows (matchers/model.py ROWS_A_BLOCK) with the same result.

Why: the blocks are there only to keep each step's arrays in the core's cache; every row must get exactly
the sum a walk of its own gives, whatever the number of rows and wherever the block boundaries fall.
"""

from __future__ import annotations

import numpy as np
import pytest

from matchers import model as model_module
from matchers.model import load_model


def _one_row_at_a_time(m: model_module.ScoringModel, row: np.ndarray) -> float:
    """The plain definition: each tree walked from its root to its leaf, leaf values summed in tree order."""
    total = 0.0
    for root in m.roots:
        node = int(root)
        while int(m.left[node]) != node:
            node = int(m.left[node]) if row[m.feature[node]] <= m.threshold[node] else int(m.right[node])
        total += float(m.value[node])
    return total + m.baseline


@pytest.mark.parametrize("rows", [1, model_module.ROWS_A_BLOCK - 1, model_module.ROWS_A_BLOCK,
                                  model_module.ROWS_A_BLOCK + 1, 2 * model_module.ROWS_A_BLOCK + 37])
def test_blocked_walk_is_each_rows_own_walk(rows: int) -> None:
    m = load_model()
    rng = np.random.default_rng(rows)
    X = (rng.random((rows, len(m.features))) < 0.3).astype(np.float64)
    X[:, rng.integers(0, len(m.features), 5)] = rng.normal(size=(rows, 5))  # a few continuous columns
    got = m.raw(X)
    assert got.shape == (rows,)
    sample = sorted({0, rows - 1, rows // 2, min(rows - 1, model_module.ROWS_A_BLOCK)})
    for i in sample:
        assert got[i] == pytest.approx(_one_row_at_a_time(m, X[i]), abs=1e-9)


def test_block_size_does_not_change_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    m = load_model()
    rng = np.random.default_rng(7)
    X = (rng.random((700, len(m.features))) < 0.25).astype(np.float64)
    X[:, 5] = rng.random(700)
    blocked = m.raw(X)
    monkeypatch.setattr(model_module, "ROWS_A_BLOCK", 10_000)  # the whole matrix as one block
    assert np.array_equal(blocked, m.raw(X))
    for block in (3, 233, 699):  # 700 rows: blocks of 3, 233 or 699 taken in turn would leave one row alone,
        monkeypatch.setattr(model_module, "ROWS_A_BLOCK", block)  # which numpy would sum apart (pairwise)
        assert np.array_equal(blocked, m.raw(X))
    assert m.raw(X[:0]).shape == (0,)
