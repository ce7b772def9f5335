"""Evaluate the comparison on a set in the real evaluation format (tests/data/compare/real/README.md):
`pairs.json` (readout pairs with hand-labelled topics, positions and differences) and `reports.json` (report
points with verdicts). Shared by the fast gate in tests/analysis/test_real_gate.py and by
`benchmarks/bench_compare.py --set DIR` (the full evaluation).

Metrics (the goals of issue 14):
- topic alignment precision / recall: over claim links, (A claim, B claim) in one `both` topic; predicted
  claims are mapped to the annotator's claims by text, so a different sentence split costs links, not ids;
- hard differences precision (and recall): a predicted difference is right when the annotator gives a
  difference of that kind in a topic that holds the claims it names (or, for the event, anywhere in the pair);
- false `agree`: of the claim pairs labelled `agree`, the share the annotator puts in different topics
  (unrelated) or in an `opposed` topic;
- opposed recall: `opposed` topics of the annotator that a predicted `opposed` topic links into;
- report-check accuracy: verdicts equal to the annotator's, on the annotator's points.

With a model judge (`judge`, an `onrecord.analysis.judge.Judge`), every comparison asks it as `compare` does
(grouping the topics unless the judge was made with `group_topics=False`, then each topic's position);
`pairs.judge` records the model, how many requests went out and how many pairs fell back to the encoder's
grouping, with the warnings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import Encoder
from onrecord.analysis.report_check import Primary, check_report

if TYPE_CHECKING:
    from onrecord.analysis.judge import Judge

REAL = Path(__file__).resolve().parents[1] / "data" / "compare" / "real"


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.casefold()).strip()


def _map_claims(pred: Any, gold: list[dict[str, str]]) -> dict[str, set[str]]:
    """Predicted claim id -> the annotator's claim ids it covers (or that cover it)."""
    gn = [(g["id"], _norm(g["text"])) for g in gold]
    out: dict[str, set[str]] = {}
    for c in pred:
        t = _norm(c.text)
        hit = {gid for gid, g in gn if t and g and (g in t or t in g)}
        out[c.id] = hit
    return out


def _links(topics: list[tuple[set[str], set[str]]]) -> set[tuple[str, str]]:
    return {(a, b) for ta, tb in topics for a in ta for b in tb}


def evaluate_pairs(pairs: list[dict[str, Any]], encoder: Encoder | None, judge: Judge | None = None) -> dict[str, Any]:
    gold_links: set[tuple[str, str, str]] = set()
    pred_links: set[tuple[str, str, str]] = set()
    diff_pred = diff_right = diff_gold = diff_found = 0
    agree_total = agree_wrong = 0
    opposed_gold = opposed_found = opposed_pred = opposed_pred_right = 0
    claims_right = claims_total = 0
    details: list[dict[str, Any]] = []
    fallbacks = 0
    judge_warnings: list[str] = []
    for p in pairs:
        sa = Statement(p["a"]["text"], lang=p["a"]["lang"], source=p["a"].get("source"), url=p["a"].get("url"),
                       date=p["a"].get("date"))
        sb = Statement(p["b"]["text"], lang=p["b"]["lang"], source=p["b"].get("source"), url=p["b"].get("url"),
                       date=p["b"].get("date"))
        c = compare(sa, sb, encoder, judge=judge)
        if judge is not None:
            fallbacks += bool(c.judge and c.judge.get("grouping") == "encoder")
            judge_warnings += [f"{p['id']}: {w}" for w in c.warnings if w.startswith("judge")]
        ma = _map_claims(c.a.claims, p["a"]["claims"])
        mb = _map_claims(c.b.claims, p["b"]["claims"])
        gtopics = [(set(t["a"]), set(t["b"])) for t in p["topics"] if t["label"] == "both"]
        gl = _links(gtopics)
        pt = []
        for t in c.topics:
            if t.coverage == "both":
                pt.append(({g for x in t.a for g in ma[x]}, {g for y in t.b for g in mb[y]}))
        pl = _links(pt)
        gold_links |= {(p["id"], a, b) for a, b in gl}
        pred_links |= {(p["id"], a, b) for a, b in pl}
        # coverage per annotator claim: in a `both` topic or not
        gboth_a = {a for ta, _ in gtopics for a in ta}
        gboth_b = {b for _, tb in gtopics for b in tb}
        pboth_a = {a for ta, _ in pt for a in ta}
        pboth_b = {b for _, tb in pt for b in tb}
        for g in p["a"]["claims"]:
            claims_total += 1
            claims_right += (g["id"] in gboth_a) == (g["id"] in pboth_a)
        for g in p["b"]["claims"]:
            claims_total += 1
            claims_right += (g["id"] in gboth_b) == (g["id"] in pboth_b)
        # differences
        gdiffs = [(t, d) for t in p["topics"] for d in t.get("differences", [])]
        diff_gold += len(gdiffs)
        found_gold: set[int] = set()
        for t in c.topics:
            for d in t.differences:
                diff_pred += 1
                ga = {g for x in t.a for g in ma[x]}
                gb = {g for y in t.b for g in mb[y]}
                ok = [n for n, (gt, gd) in enumerate(gdiffs)
                      if gd["kind"] == d.kind and (set(gt["a"]) & ga or set(gt["b"]) & gb)]
                diff_right += bool(ok)
                found_gold |= set(ok)
                details.append({"pair": p["id"], "difference": d.sentence, "right": bool(ok)})
        for d in c.event_differences:
            diff_pred += 1
            ok = [n for n, (_, gd) in enumerate(gdiffs) if gd["kind"] == d.kind]
            diff_right += bool(ok)
            found_gold |= set(ok)
            details.append({"pair": p["id"], "difference": d.sentence, "right": bool(ok)})
        diff_found += len(found_gold)
        # false agree
        gtopic_of_a = {a: n for n, (ta, _) in enumerate(gtopics) for a in ta}
        gtopic_of_b = {b: n for n, (_, tb) in enumerate(gtopics) for b in tb}
        positions = [t["position"] for t in p["topics"] if t["label"] == "both"]
        for pair in c.pairs:
            if pair.label != "agree" or not pair.a or not pair.b:
                continue
            agree_total += 1
            links = {(gtopic_of_a.get(a), gtopic_of_b.get(b)) for a in ma[pair.a] for b in mb[pair.b]}
            same = [na for na, nb in links if na is not None and na == nb]
            wrong = not same or any(positions[n] == "opposed" for n in same)
            agree_wrong += wrong
            if wrong:
                details.append({"pair": p["id"], "false_agree": [pair.a, pair.b]})
        # opposed
        for n, (ta, tb) in enumerate(gtopics):
            if positions[n] != "opposed":
                continue
            opposed_gold += 1
            hit = any(t.position == "opposed" and ({g for x in t.a for g in ma[x]} & ta)
                      and ({g for y in t.b for g in mb[y]} & tb) for t in c.topics)
            opposed_found += hit
        for t in c.topics:
            if t.position == "opposed":
                opposed_pred += 1
                ga = {g for x in t.a for g in ma[x]}
                gb = {g for y in t.b for g in mb[y]}
                opposed_pred_right += any(positions[n] == "opposed" and ta & ga and tb & gb
                                          for n, (ta, tb) in enumerate(gtopics))
    tp = len(gold_links & pred_links)
    judged = (
        judge.info() | {"asked": judge.asked, "grouping_fallbacks": fallbacks, "warnings": judge_warnings}
        if judge is not None
        else None
    )
    return {
        "pairs": len(pairs),
        "topic_links": {
            "gold": len(gold_links), "predicted": len(pred_links), "right": tp,
            "precision": _ratio(tp, len(pred_links)), "recall": _ratio(tp, len(gold_links)),
        },
        "claim_coverage_accuracy": _ratio(claims_right, claims_total),
        "differences": {"gold": diff_gold, "predicted": diff_pred, "right": diff_right, "found": diff_found,
                        "precision": _ratio(diff_right, diff_pred), "recall": _ratio(diff_found, diff_gold)},
        "false_agree": {"agree_pairs": agree_total, "wrong": agree_wrong,
                        "rate": _ratio(agree_wrong, agree_total, 0.0)},
        "opposed": {"gold": opposed_gold, "found": opposed_found, "recall": _ratio(opposed_found, opposed_gold),
                    "predicted": opposed_pred, "predicted_right": opposed_pred_right},
        "details": details,
        "judge": judged,
    }


def _ratio(a: int, b: int, empty: float = 1.0) -> float:
    return round(a / b, 4) if b else empty


def evaluate_reports(cases: list[dict[str, Any]], encoder: Encoder | None) -> dict[str, Any]:
    right = total = sentence_right = sentence_total = 0
    confusion: dict[str, dict[str, int]] = {}
    rows = []
    for case in cases:
        rep = case["report"]
        prims = []
        for pr in case["primaries"]:
            versions = tuple(
                Statement(v["text"], lang=pr.get("lang"), ref=pr["id"], url=pr.get("url"), date=pr.get("date"),
                          version=v.get("seq"), source=pr["id"])
                for v in pr["versions"]
            )
            prims.append(Primary(pr["id"], versions))
        r = check_report(Statement(rep["text"], lang=rep.get("lang")), prims, encoder, points=rep["points"])
        for v in case["verdicts"]:
            got = r.points[v["point"]]
            total += 1
            ok = got.verdict == v["verdict"]
            right += ok
            confusion.setdefault(v["verdict"], {}).setdefault(got.verdict, 0)
            confusion[v["verdict"]][got.verdict] += 1
            if v["verdict"] != "not_found" and got.verdict == v["verdict"]:
                sentence_total += 1
                sentence_right += _norm(got.sentence or "") == _norm(v["sentence"] or "")
            rows.append({"case": case["id"], "point": v["point"], "gold": v["verdict"], "got": got.verdict,
                         "score": got.score, "sentence_right": _norm(got.sentence or "") == _norm(v["sentence"] or "")})
    return {"points": total, "right": right, "accuracy": _ratio(right, total),
            "sentence_right": _ratio(sentence_right, sentence_total), "confusion": confusion, "rows": rows}


def evaluate_real(path: Path, encoder: Encoder | None = None, judge: Judge | None = None) -> dict[str, Any]:
    """Both evaluations on a set folder (`pairs.json`, `reports.json`; either may be missing) or one file; the
    judge, when given, takes part in the pairs' comparisons (the report check has no judge)."""
    path = Path(path)
    files = [path] if path.is_file() else [path / "pairs.json", path / "reports.json"]
    out: dict[str, Any] = {"set": str(path)}
    for f in files:
        if not f.is_file():
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        if data and "verdicts" in data[0]:
            out["reports"] = evaluate_reports(data, encoder)
        else:
            out["pairs"] = evaluate_pairs(data, encoder, judge)
    return out
