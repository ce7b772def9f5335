from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from onrecord.records import Finding
from onrecord.sim.scenario import Expected
from onrecord.sim.score import check_baseline, percentile, render, score

T0 = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def f(kind: str, url: str, minutes: float, source: str = "s") -> Finding:
    return Finding(kind=kind, at=at(minutes), source=source, item=None, url=url)


EXPECTED = [
    Expected("new", "u/1", at(0)),
    Expected("new", "u/2", at(10)),
    Expected("edited", "u/1", at(20)),
    Expected("deleted", "u/2", at(30)),
    Expected("unreachable", "feed", at(40), optional=True, until=at(60)),
]


def test_precision_recall_latency():
    findings = [
        f("new", "u/1", 1),
        f("new", "u/2", 13),
        f("new", "u/2", 15, source="page"),  # the same item seen by a second source: duplicate
        f("edited", "u/1", 19),  # before the edit happened: false
        f("edited", "u/1", 22),
        f("deleted", "u/3", 40),  # never deleted: false
        f("unreachable", "feed", 45),  # tolerated
        f("unreachable", "feed", 90),  # past `until`: false
        f("overdue", "x", 50),  # kind not scored here: ignored
    ]
    r = score(EXPECTED, findings)
    new, edited, deleted = r.kinds["new"], r.kinds["edited"], r.kinds["deleted"]
    assert (new.expected, new.true_positives, new.duplicates, new.false_positives) == (2, 2, 1, 0)
    assert new.precision == 1.0 and new.recall == 1.0
    assert new.latency_p50 == 60.0 and new.latency_p95 == 180.0
    assert edited.true_positives == 1 and edited.false_positives == 1 and edited.precision == 0.5
    assert edited.latency_p50 == 120.0
    assert deleted.recall == 0.0 and deleted.precision == 0.0
    assert [e.url for e in r.misses] == ["u/2"]
    assert sorted((x.kind, x.url) for x in r.false_findings) == [
        ("deleted", "u/3"),
        ("edited", "u/1"),
        ("unreachable", "feed"),
    ]
    assert r.kinds["unreachable"].tolerated == 1 and r.kinds["unreachable"].expected == 0
    assert "overdue" not in r.kinds
    assert r.all.expected == 4 and r.all.true_positives == 3 and r.all.false_positives == 3
    js = r.to_json()
    assert js["kinds"]["new"]["recall"] == 1.0 and len(js["misses"]) == 1


def test_a_finding_matches_one_expected_only():
    exp = [Expected("edited", "u", at(0)), Expected("edited", "u", at(10))]
    r = score(exp, [f("edited", "u", 12)])
    assert r.kinds["edited"].true_positives == 1 and len(r.misses) == 1


def test_baseline_and_render():
    r = score(EXPECTED, [f("new", "u/1", 1), f("deleted", "u/9", 5)])
    fails = check_baseline(
        r, {"all": {"recall": 0.5}, "deleted": {"precision": 1.0}, "new": {"latency_p95": 30}}
    )
    assert any(x.startswith("all recall 0.250 < baseline 0.500") for x in fails)
    assert any(x.startswith("deleted precision 0.000") for x in fails)
    assert any(x.startswith("new latency_p95 60s > baseline 30s") for x in fails)
    assert check_baseline(r, {"edited": {"precision": 1.0}}) == []  # nothing found: nothing to judge
    out = io.StringIO()
    render(r, Console(file=out, width=140))
    assert "missed" in out.getvalue() and "precision" in out.getvalue()


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1, 2, 3, 4], 50) == 2
