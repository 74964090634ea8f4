"""``markwatch train --from-store``: analysts' decisions in a real lead store retrain the matcher.

The store is filled the way the crawl fills it (the demo catalogue matched by the current model),
then the analysts dismiss a whole class of leads the model flags — well-known marks on goods
outside their classes (``tm_cross_class``), which this office decides are not its cases — and
confirm a sample of the rest. After the real command runs, those leads score lower (most of them
below the threshold) while the confirmed ones stay flagged; the evaluation before and after is
printed; the model lands in data_dir/model.npz, which the matcher then uses, and the shipped model
is untouched.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from index import open_store
from index.store import lead_id
from markwatch.config import load_config, model_path
from matchers.matcher import Matcher
from matchers.model import BUNDLED_MODEL, load_model

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]
MARKWATCH = str(Path(sys.executable).with_name("markwatch"))


def _scores(matcher: Matcher, leads: list[dict]) -> list[float]:
    groups = [[p for p in matcher.pairs(lead["listing"]) if p.right_id == lead["right_id"]][:1] for lead in leads]
    matcher.score_pairs(groups)
    return [group[0].score for group in groups if group]


def test_dismissed_false_alarms_score_lower_after_training(tmp_path):
    from demo_marketplace.catalogue import generate_catalogue
    from demo_marketplace.model import PLACEHOLDER_URLS

    data_dir = tmp_path / "data"
    config = load_config(data_dir=str(data_dir), environ={})
    rows = list(generate_catalogue(3000, seed=7).labelled_rows(PLACEHOLDER_URLS))
    case = {row["url"]: row["case"] for row in rows}
    listings = [{k: v for k, v in row.items() if k not in ("infringes", "case", "served_as", "network")}
                for row in rows]
    shipped = Matcher.from_paths()
    leads = [lead for group in shipped.match_many(listings) for lead in group]
    cross = [lead for lead in leads if case[lead["url"]] == "tm_cross_class"]
    others = [lead for lead in leads if case[lead["url"]] != "tm_cross_class"]
    random.Random(1).shuffle(others)
    confirmed = others[:80]
    assert len(cross) >= 15, "the demo catalogue should hold well-known marks on other goods"
    before_cross = _scores(shipped, cross)
    assert sum(s >= 0.5 for s in before_cross) == len(cross)  # the current model flags them all

    store = open_store(config)
    try:
        assert store.add_leads(leads).new == len(leads)
        store.transition([lead_id(x["url"], x["right_id"]) for x in cross], "dismissed", actor="ana",
                         note="well-known mark on other goods: not this office's case")
        store.transition([lead_id(x["url"], x["right_id"]) for x in confirmed], "confirmed", actor="ana")
        store.transition([lead_id(x["url"], x["right_id"]) for x in confirmed[:10]], "notified", actor="routine")
    finally:
        store.close()
    bundled_digest = hashlib.sha256(BUNDLED_MODEL.read_bytes()).hexdigest()

    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_")}
    run = subprocess.run([MARKWATCH, "train", "--from-store", "--data-dir", str(data_dir), "--catalogue", "0"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=1100)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert f"{len(cross) + len(confirmed)} ({len(confirmed)} confirmed, {len(cross)} dismissed)" in out
    held = re.search(r"held-out analysts' decisions \((\d+)\)", out)
    assert held and int(held.group(1)) > 0
    flagged = re.findall(r"dismissed leads flagged (\d+)/(\d+)", out)
    assert len(flagged) == 2, out  # before and after, on the held-out decisions
    (before_fp, n), (after_fp, n2) = [(int(a), int(b)) for a, b in flagged]
    assert n == n2 and after_fp < before_fp, out
    assert re.search(r"hand-written evaluation set \(757 listings", out)
    assert len(re.findall(r"^  (before|after) +precision", out, re.M)) == 4, out

    # the model is in the data dir, the matcher picks it up, the shipped one is untouched
    assert model_path(config) == data_dir / "model.npz"
    assert hashlib.sha256(BUNDLED_MODEL.read_bytes()).hexdigest() == bundled_digest
    retrained = Matcher(shipped.register, load_model(model_path(config)), 0.5)
    assert retrained.model.info["decisions"] > 0
    after_cross = _scores(retrained, cross)
    assert sum(after_cross) / len(after_cross) < sum(before_cross) / len(before_cross) - 0.2
    assert sum(s < 0.5 for s in after_cross) >= 0.6 * len(after_cross)
    after_confirmed = _scores(retrained, confirmed)
    assert sum(s >= 0.5 for s in after_confirmed) >= 0.95 * len(after_confirmed)


def test_an_untriaged_store_is_a_usage_error(tmp_path):
    data_dir = tmp_path / "data"
    store = open_store(load_config(data_dir=str(data_dir), environ={}))
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARKWATCH_")}
    run = subprocess.run([MARKWATCH, "train", "--from-store", "--data-dir", str(data_dir), "--catalogue", "0"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert run.returncode != 0
    assert "no confirmed or dismissed lead" in run.stderr
    assert not (data_dir / "model.npz").exists()
