"""The scoring model: gradient-boosted trees over the signals, calibrated to probabilities.

Why this shape: the labelling policy is a conjunction of conditions (mark used as a mark AND goods
in class or well-known AND not referential AND not resale…), which trees express directly and a
linear model does not. Calibration is isotonic regression fitted on out-of-fold tree scores
(5-fold cross-validation), so the score reads as "how often pairs scored like this infringe"
(CONTRACTS §3).

Why exported to plain numpy arrays: scikit-learn takes seconds to import on a busy 2-core machine,
which alone would eat the ``markwatch match`` budget, so training uses scikit-learn and the shipped
model (``model.npz``) is the trees' split tables plus the isotonic curve, evaluated with a few
vectorised numpy gathers. tests/test_model.py checks the export against scikit-learn's own output.
The model sees only the evidence features of :mod:`matchers.signals` (no words): that is what lets
it judge listings worded unlike anything it was trained on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from matchers.signals import FEATURES

BUNDLED_MODEL = Path(__file__).parent / "data" / "model.npz"
ROWS_A_BLOCK = 256  # rows whose tree walks are stepped together (ScoringModel.raw)


class ModelError(RuntimeError):
    """The model file is missing, unreadable or built for other features; the message says what to do."""


@dataclass
class ScoringModel:
    """Trees as flat arrays (leaves loop to themselves) plus the isotonic calibration curve."""

    feature: np.ndarray  # int32, per node
    threshold: np.ndarray  # float64, go left when x <= threshold
    left: np.ndarray  # int32, global node index
    right: np.ndarray
    value: np.ndarray  # float64, leaf values (0 for inner nodes)
    roots: np.ndarray  # int32, root node of each tree
    depth: int
    baseline: float
    curve_x: np.ndarray  # isotonic calibration: raw score → probability
    curve_y: np.ndarray
    features: tuple[str, ...] = FEATURES
    info: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def _walk(self) -> tuple[np.ndarray, np.ndarray]:
        """(feature, children) as index arrays for :meth:`raw`: node ``i``'s right child at
        ``2i``, its left child at ``2i + 1``, so a step down is one gather by the test's outcome."""
        children = np.stack([self.right, self.left], axis=1).astype(np.intp).ravel()
        return self.feature.astype(np.intp), children

    def raw(self, X: np.ndarray) -> np.ndarray:
        """Sum of tree outputs (log-odds before calibration) for each row of ``X``.

        All trees walk a block of rows at once, a level per step: the row's feature value is gathered
        from the flat matrix, and the child from the interleaved children table (three gathers a
        level instead of five: ≈2.3× faster for a chunk's pairs, the same comparisons and sums).
        Why blocks of :data:`ROWS_A_BLOCK` rows: the arrays of one step (trees × rows) then stay in
        the core's cache; a chunk's ≈850 pairs at once made arrays of 800 KB each, and the same walk
        in blocks took ≈40 % less time (3.8 → 2.35 ms a chunk, the same sums to the bit)."""
        n, width = X.shape
        flat = np.ascontiguousarray(X, dtype=np.float64).ravel()
        feature, children = self._walk
        roots = self.roots.astype(np.intp)[:, None]
        threshold, value = self.threshold, self.value
        out = np.empty(n, dtype=np.float64)
        # Blocks as equal as can be, so that none is one row alone when there are more (numpy sums a
        # one-column block pairwise, a wider one tree by tree as one walk of all the rows does).
        blocks = max(1, -(-n // ROWS_A_BLOCK))
        bounds = [n * i // blocks for i in range(blocks + 1)]
        for first, last in zip(bounds, bounds[1:]):
            row_start = np.arange(first, last, dtype=np.intp) * width
            node = np.repeat(roots, last - first, axis=1)
            for _ in range(self.depth):
                go_left = flat[feature[node] + row_start] <= threshold[node]
                node = children[2 * node + go_left]
            out[first:last] = value[node].sum(axis=0)
        return out + self.baseline

    def score(self, rows: list[list[float]]) -> np.ndarray:
        """Calibrated probability of infringement for each feature row."""
        if not rows:
            return np.zeros(0)
        return np.interp(self.raw(np.asarray(rows, dtype=np.float64)), self.curve_x, self.curve_y)

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        meta = {"features": list(self.features), "depth": self.depth, "baseline": self.baseline, "info": self.info}
        with open(path, "wb") as fh:  # a file object: numpy must not append ".npz" to the name
            np.savez_compressed(fh, feature=self.feature, threshold=self.threshold, left=self.left,
                                right=self.right, value=self.value, roots=self.roots, curve_x=self.curve_x,
                                curve_y=self.curve_y, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))


def load_model(path: str | Path | None = None) -> ScoringModel:
    """Load a trained model (``None`` = the one shipped with the package)."""
    file = Path(path) if path else BUNDLED_MODEL
    if not file.is_file():
        raise ModelError(f"model {file} does not exist; train one with "
                         "'markwatch train --labels LABELLED.jsonl --output MODEL'")
    try:
        with np.load(file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode())
    except Exception as exc:  # noqa: BLE001 - any reading problem means the same to the user
        raise ModelError(f"model {file} cannot be read ({exc}); retrain with 'markwatch train'") from exc
    if tuple(meta.get("features", ())) != FEATURES:
        raise ModelError(f"model {file} was trained on other features than this matcher computes; "
                         "retrain it with 'markwatch train --labels …'")
    return ScoringModel(depth=int(meta["depth"]), baseline=float(meta["baseline"]),
                        features=tuple(meta["features"]), info=meta.get("info", {}), **arrays)


def export_trees(estimator: Any) -> dict[str, Any]:
    """Flatten a fitted HistGradientBoostingClassifier (binary) into the arrays of ScoringModel."""
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth, offset = 0, 0
    for iteration in estimator._predictors:
        (tree,) = iteration
        nodes = tree.nodes
        roots.append(offset)
        for i, node in enumerate(nodes):
            leaf = bool(node["is_leaf"])
            feature.append(0 if leaf else int(node["feature_idx"]))
            threshold.append(np.inf if leaf else float(node["num_threshold"]))
            left.append(offset + (i if leaf else int(node["left"])))
            right.append(offset + (i if leaf else int(node["right"])))
            value.append(float(node["value"]) if leaf else 0.0)
            depth = max(depth, int(node["depth"]))
        offset += len(nodes)
    baseline = float(np.ravel(estimator._baseline_prediction)[0])
    return {"feature": np.asarray(feature, np.int32), "threshold": np.asarray(threshold, np.float64),
            "left": np.asarray(left, np.int32), "right": np.asarray(right, np.int32),
            "value": np.asarray(value, np.float64), "roots": np.asarray(roots, np.int32),
            "depth": depth, "baseline": baseline}


# Direction each feature may move the score (1 up, -1 down, 0 free): evidence must never count the
# wrong way round just because the training catalogue happened to correlate it (docs/matching.md).
MONOTONE = {"counterfeit": 1, "counterfeit_count": 1, "resale_wording": -1, "price_below_40": 1,
            "price_at_least_60": -1, "log_price_ratio": -1, "class_share": 1, "class_top": 1,
            "referential": -1, "ordinary_word": -1, "name_use": -1, "used_as_mark": 1, "evasive": 1,
            "origin_outside": 1, "origin_inside": -1, "origin_unknown": 1, "gi_dodge": 1, "in_brand": 1,
            "homophone": 1, "shape": 1, "lookalike": 1, "fuzzy": 1, "joined": 1, "split": 1, "nickname": 1,
            "obfuscated": 1, "pinyin": 1, "split_by_words": -1, "publication": -1, "co_brand": 1,
            "bent_word": -1, "english_word_sense": -1, "service_use": -1}


def _learner(seed: int) -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=120, learning_rate=0.1, max_leaf_nodes=12, max_depth=6,
                                          min_samples_leaf=3, l2_regularization=1.0, random_state=seed,
                                          monotonic_cst=[MONOTONE.get(f, 0) for f in FEATURES])


def fit(rows: list[list[float]], labels: list[int], seed: int = 0, info: dict[str, Any] | None = None,
        weights: list[float] | None = None) -> ScoringModel:
    """Fit trees on all pairs; fit the isotonic curve on 5-fold out-of-fold raw scores."""
    from threadpoolctl import threadpool_limits

    # One OpenMP thread: on a busy 2-core machine the trees' thread pool spin-waits against other
    # processes and fitting became 5-10x slower (measured: model tests 93 s → 20 s at load 8); the
    # training sets here are small enough that one thread costs little on an idle machine.
    with threadpool_limits(limits=1, user_api="openmp"):
        return _fit(rows, labels, seed, info, weights)


def _fit(rows: list[list[float]], labels: list[int], seed: int, info: dict[str, Any] | None,
         weights: list[float] | None) -> ScoringModel:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    X = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.int64)
    if len(set(y.tolist())) < 2:
        raise ModelError("training needs both infringing and non-infringing candidate pairs; "
                         "the labelled file has only one kind")
    folds = int(min(5, np.bincount(y).min()))
    if folds < 2:
        raise ModelError("training needs at least two examples of each kind")
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    out_of_fold = cross_val_predict(_learner(seed), X, y, method="decision_function",
                                    cv=StratifiedKFold(folds, shuffle=True, random_state=seed),
                                    params={"sample_weight": w})
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(out_of_fold, y, sample_weight=w)
    estimator = _learner(seed).fit(X, y, sample_weight=w)
    meta = {"trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "pairs": int(len(y)), "positives": int(y.sum()),
            "calibration": f"isotonic on {folds}-fold out-of-fold scores"}
    meta.update(info or {})
    trees = export_trees(estimator)
    model = ScoringModel(curve_x=np.asarray(iso.X_thresholds_, np.float64),
                         curve_y=np.asarray(iso.y_thresholds_, np.float64), info=meta, **trees)
    model._estimator = estimator  # type: ignore[attr-defined]  # kept in memory for the export check
    return model
