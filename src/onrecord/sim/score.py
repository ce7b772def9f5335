"""Score a watcher's findings against a scenario's ground truth: precision, recall, latency per kind.

Matching, in this order:
1. Each required expectation (sorted by time) takes the first unused finding of the same kind and url
   with `expected.at <= finding.at` (and `<= until` when set): a true positive; none: a miss.
2. Optional expectations absorb further findings the same way: "tolerated", neither right nor wrong.
3. A finding repeating a matched (kind, url) after its expectation (a second source saw the same
   thing) is a "duplicate": reported, not counted against precision.
4. Whatever is left, of a kind the scenario scores (SIM_KINDS plus any expected kind), is a false
   positive. Other kinds (overdue, expectation_met) are ignored unless expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from onrecord.records import Finding
from onrecord.sim.scenario import SIM_KINDS, Expected

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class KindScore:
    kind: str
    expected: int
    found: int
    true_positives: int
    false_positives: int
    duplicates: int
    tolerated: int
    latency_p50: float | None
    latency_p95: float | None

    @property
    def precision(self) -> float | None:
        judged = self.true_positives + self.false_positives
        return self.true_positives / judged if judged else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.expected if self.expected else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "expected": self.expected,
            "found": self.found,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "duplicates": self.duplicates,
            "tolerated": self.tolerated,
            "precision": self.precision,
            "recall": self.recall,
            "latency_p50": self.latency_p50,
            "latency_p95": self.latency_p95,
        }


@dataclass(frozen=True)
class ScoreReport:
    kinds: dict[str, KindScore]  # per kind, plus "all"
    matches: list[tuple[Expected, Finding]] = field(default_factory=list)
    misses: list[Expected] = field(default_factory=list)
    false_findings: list[Finding] = field(default_factory=list)
    duplicates: list[Finding] = field(default_factory=list)
    tolerated: list[Finding] = field(default_factory=list)
    grouping: dict[str, Any] | None = None  # pairwise event grouping, for scenarios that label events

    @property
    def all(self) -> KindScore:
        return self.kinds["all"]

    def to_json(self) -> dict[str, Any]:
        return {
            "grouping": self.grouping,
            "kinds": {k: v.to_json() for k, v in self.kinds.items()},
            "misses": [e.to_json() for e in self.misses],
            "false_findings": [f.to_json() for f in self.false_findings],
            "duplicates": len(self.duplicates),
            "tolerated": len(self.tolerated),
            "matches": [
                {"expected": e.to_json(), "finding": f.to_json(), "latency": (f.at - e.at).total_seconds()}
                for e, f in self.matches
            ],
        }


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[int(rank) - 1]


def score(expected: list[Expected], findings: list[Finding]) -> ScoreReport:
    covered = set(SIM_KINDS) | {e.kind for e in expected}
    pool = sorted((f for f in findings if f.kind in covered), key=lambda f: f.at)
    used: set[int] = set()

    def take(e: Expected) -> Finding | None:
        for i, f in enumerate(pool):
            if i in used or f.kind != e.kind or f.url != e.url or f.at < e.at:
                continue
            if e.until is not None and f.at > e.until:
                break
            used.add(i)
            return f
        return None

    matches: list[tuple[Expected, Finding]] = []
    misses: list[Expected] = []
    required = sorted((e for e in expected if not e.optional), key=lambda e: e.at)
    for e in required:
        f = take(e)
        if f is None:
            misses.append(e)
        else:
            matches.append((e, f))
    tolerated: list[Finding] = []
    for e in sorted((e for e in expected if e.optional), key=lambda e: e.at):
        f = take(e)
        if f is not None:
            tolerated.append(f)
    matched_at: dict[tuple[str, str], list[Expected]] = {}
    for e, _ in matches:
        matched_at.setdefault((e.kind, e.url), []).append(e)
    duplicates: list[Finding] = []
    false: list[Finding] = []
    for i, f in enumerate(pool):
        if i in used:
            continue
        earlier = [e for e in matched_at.get((f.kind, f.url), []) if e.at <= f.at]
        (duplicates if earlier else false).append(f)

    kinds: dict[str, KindScore] = {}
    names = sorted({e.kind for e in required} | {f.kind for f in pool}, key=_kind_order)
    for kind in [*names, "all"]:

        def mine(k: str, kind: str = kind) -> bool:
            return kind == "all" or k == kind

        lat = [(f.at - e.at).total_seconds() for e, f in matches if mine(e.kind)]
        kinds[kind] = KindScore(
            kind=kind,
            expected=sum(1 for e in required if mine(e.kind)),
            found=sum(1 for f in pool if mine(f.kind)),
            true_positives=len(lat),
            false_positives=sum(1 for f in false if mine(f.kind)),
            duplicates=sum(1 for f in duplicates if mine(f.kind)),
            tolerated=sum(1 for f in tolerated if mine(f.kind)),
            latency_p50=percentile(lat, 50),
            latency_p95=percentile(lat, 95),
        )
    return ScoreReport(kinds, matches, misses, false, duplicates, tolerated)


def pairwise(truth: dict[str, str], placed: list[tuple[str, int]]) -> dict[str, Any]:
    """Pairwise grouping precision/recall/F1: every two placed items with a known event (by url) are a pair;
    a pair is right when both are in one event and their true events agree. `placed`: (url, event id)."""
    from itertools import combinations

    known = [(u, e) for u, e in placed if u in truth]
    tp = fp = fn = 0
    for (ua, ea), (ub, eb) in combinations(known, 2):
        same_true = truth[ua] == truth[ub]
        same_found = ea == eb
        if same_true and same_found:
            tp += 1
        elif same_found:
            fp += 1
        elif same_true:
            fn += 1
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {
        "items": len(known),
        "unplaced": len([u for u in truth if u not in {k for k, _ in placed}]),
        "true_events": len({truth[u] for u, _ in known}),
        "found_events": len({e for _, e in known}),
        "pairs_right": tp,
        "pairs_false": fp,
        "pairs_missed": fn,
        "precision": p,
        "recall": r,
        "f1": f1,
    }


def _kind_order(kind: str) -> tuple[int, str]:
    return (SIM_KINDS.index(kind) if kind in SIM_KINDS else len(SIM_KINDS), kind)


def check_baseline(report: ScoreReport, baseline: dict[str, Any]) -> list[str]:
    """Compare with pinned floors; returns one line per failure (empty: all good).

    `baseline` maps a kind (or "all") to floors and ceilings, e.g.
    {"all": {"precision": 0.95, "recall": 0.9}, "deleted": {"precision": 1.0, "latency_p95": 1800}}.
    A kind with nothing to judge (no findings for precision, nothing expected for recall) passes.
    """
    failures: list[str] = []
    for kind, pins in baseline.items():
        got = report.kinds.get(kind)
        for metric, pinned in pins.items():
            if metric in ("precision", "recall"):
                value = getattr(got, metric) if got is not None else None
                if value is not None and value < float(pinned):
                    failures.append(f"{kind} {metric} {value:.3f} < baseline {float(pinned):.3f}")
            elif metric in ("latency_p50", "latency_p95"):
                value = getattr(got, metric) if got is not None else None
                if value is not None and value > float(pinned):
                    failures.append(f"{kind} {metric} {value:.0f}s > baseline {float(pinned):.0f}s")
            else:
                failures.append(f"{kind}: unknown baseline metric {metric!r}")
    return failures


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "—"
    return f"{x:.0%}" if pct else f"{x:.0f}s"


def render(report: ScoreReport, console: Console) -> None:
    """Print the report as a Rich table, then the misses and false findings."""
    from rich.table import Table

    table = Table(title="Simulator score")
    for col in (
        "kind",
        "expected",
        "found",
        "right",
        "false",
        "dup",
        "tolerated",
        "precision",
        "recall",
        "p50",
        "p95",
    ):
        table.add_column(col, justify="left" if col == "kind" else "right")
    for k in report.kinds.values():
        table.add_row(
            k.kind,
            str(k.expected),
            str(k.found),
            str(k.true_positives),
            str(k.false_positives),
            str(k.duplicates),
            str(k.tolerated),
            _fmt(k.precision, True),
            _fmt(k.recall, True),
            _fmt(k.latency_p50),
            _fmt(k.latency_p95),
            style="bold" if k.kind == "all" else None,
        )
    console.print(table)
    if report.grouping is not None:
        g = report.grouping
        console.print(
            f"events: {g['found_events']} found for {g['true_events']} true; pairwise precision "
            f"{_fmt(g['precision'], True)}, recall {_fmt(g['recall'], True)}, F1 {_fmt(g['f1'], True)}",
            highlight=False,
        )
    for e in report.misses:
        console.print(
            f"[red]missed[/red] {e.kind} {e.url} at {e.at.isoformat()} ({e.note})",
            markup=True,
            highlight=False,
        )
    for f in report.false_findings:
        console.print(
            f"[yellow]false[/yellow] {f.kind} {f.url} at {f.at.isoformat()} ({f.source})",
            markup=True,
            highlight=False,
        )
