"""The scoring model: the numpy export scores exactly like scikit-learn, calibration is monotone,
training is deterministic, and the shipped model separates clear cases."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matchers.matcher import Matcher
from matchers.model import BUNDLED_MODEL, ModelError, fit, load_model
from matchers.register import load_register
from matchers.training import build_training_set

SEED_LABELS = Path(__file__).parent.parent / "matchers" / "data" / "seed_labels.jsonl"


@pytest.fixture(scope="module")
def training():
    matcher = Matcher(load_register())
    records = [json.loads(line) for line in SEED_LABELS.read_text(encoding="utf-8").splitlines()]
    return build_training_set(matcher, records)


def test_export_scores_like_scikit_learn(training, tmp_path: Path) -> None:
    model = fit(training.rows, training.labels, weights=training.weights)
    X = np.asarray(training.rows)
    assert np.allclose(model.raw(X), model._estimator.decision_function(X))  # type: ignore[attr-defined]
    model.save(tmp_path / "m.npz")
    again = load_model(tmp_path / "m.npz")
    assert np.array_equal(again.score(training.rows), model.score(training.rows))


def test_calibrated_scores_are_probabilities_and_monotone(training) -> None:
    model = fit(training.rows, training.labels, weights=training.weights)
    scores = model.score(training.rows)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert np.all(np.diff(model.curve_y) >= 0)  # isotonic: a higher raw score never lowers the probability
    positives = scores[np.asarray(training.labels) == 1].mean()
    negatives = scores[np.asarray(training.labels) == 0].mean()
    assert positives > negatives + 0.3


def test_training_is_deterministic(training) -> None:
    a = fit(training.rows, training.labels, seed=3, weights=training.weights)
    b = fit(training.rows, training.labels, seed=3, weights=training.weights)
    assert np.array_equal(a.score(training.rows), b.score(training.rows))


def test_one_class_only_is_refused(training) -> None:
    with pytest.raises(ModelError, match="both"):
        fit(training.rows[:5], [1] * 5)


def test_bad_model_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="markwatch train"):
        load_model(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="retrain"):
        load_model(tmp_path / "junk.npz")


def test_shipped_model_separates_clear_cases() -> None:
    assert BUNDLED_MODEL.is_file()
    matcher = Matcher(load_register(), load_model(), threshold=0.5)
    flagged = {
        "耐克 空军一号 高仿 1:1 莆田": True,
        "阿迪达期 三叶草 卫衣 男": True,
        "冰墩墩 钥匙扣 挂件": True,
        "适用于iPhone 15 手机壳 透明 磁吸": False,
        "烟台 红富士苹果 新鲜 5斤": False,
        "招财进宝 摆件 客厅": False,
    }
    for title, infringing in flagged.items():
        leads = matcher.match({"url": "u", "title": title, "price": 59.0})
        assert bool(leads) == infringing, (title, leads)
