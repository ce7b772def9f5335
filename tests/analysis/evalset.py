"""Scores of the comparison engine on the labelled set in tests/data/compare/ (shared by the eval test
and benchmarks/bench_compare.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from onrecord.analysis.compare import Statement, compare
from onrecord.analysis.embed import Encoder
from onrecord.analysis.labels import label_pair
from onrecord.analysis.nli import NLIModel

DATA = Path(__file__).resolve().parents[1] / "data" / "compare"
LABELS = ("agree", "partial", "conflict", "only_a", "only_b")


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def evaluate_readouts(encoder: Encoder) -> dict[str, Any]:
    """Per-label P/R/F1 over whole readout pairs: a predicted row counts when (a, b, label) is gold."""
    counts = {lab: [0, 0, 0] for lab in LABELS}
    reason_hits = reason_total = 0
    splits_ok = True
    for r in json.loads((DATA / "readouts.json").read_text(encoding="utf-8")):
        c = compare(
            Statement(r["a"]["text"], lang=r["a"]["lang"]),
            Statement(r["b"]["text"], lang=r["b"]["lang"]),
            encoder,
        )
        splits_ok &= len(c.a.claims) == r["claims_a"] and len(c.b.claims) == r["claims_b"]
        gold = {(g[0], g[1]): g[2] for g in r["gold"]}
        pred = {(p.a, p.b): p for p in c.pairs}
        for key, p in pred.items():
            if gold.get(key) == p.label:
                counts[p.label][0] += 1
            else:
                counts[p.label][1] += 1
        for key, lab in gold.items():
            if key not in pred or pred[key].label != lab:
                counts[lab][2] += 1
        for g in r["gold"]:
            if len(g) > 3:
                reason_total += 1
                p = pred.get((g[0], g[1]))
                reason_hits += bool(p and g[3] in [x.split(":")[0] for x in p.reasons])
    return {
        "labels": {lab: prf(*counts[lab]) for lab in LABELS},
        "conflict_reason_accuracy": round(reason_hits / reason_total, 4),
        "splits_match_gold": splits_ok,
    }


def evaluate_claim_pairs() -> dict[str, Any]:
    """Per-label P/R/F1 of label_pair on aligned claim pairs, and how often the gold reason is given."""
    pairs = json.loads((DATA / "claim_pairs.json").read_text(encoding="utf-8"))
    labs = ("agree", "partial", "conflict")
    counts = {lab: [0, 0, 0] for lab in labs}
    reason_hits = 0
    reasons = 0
    for p in pairs:
        got = label_pair(p["a"][1], p["b"][1], p["a"][0], p["b"][0])
        if got.label == p["label"]:
            counts[got.label][0] += 1
        else:
            counts[got.label][1] += 1
            counts[p["label"]][2] += 1
        if p.get("reason"):
            reasons += 1
            reason_hits += p["reason"] in [r.split(":")[0] for r in got.reasons]
    return {
        "labels": {lab: prf(*counts[lab]) for lab in labs},
        "reason_accuracy": round(reason_hits / reasons, 4),
        "pairs": len(pairs),
    }


HELDOUT = DATA / "heldout" / "readouts.json"
BLIND = DATA / "blind" / "readouts.json"  # development set 2: blind until 2026-11-25, used for tuning since
BLIND2 = DATA / "blind2" / "readouts.json"  # development set 3: blind until 2026-11-25 (measured once), tuned on since
BLIND3 = DATA / "blind3" / "readouts.json"  # blind test set 3: measured once, studied since
BLIND4 = DATA / "blind4" / "readouts.json"  # blind test set 4: measured once, studied since (development set 4)
BLIND5 = DATA / "blind5" / "readouts.json"  # blind test set 5: measured once (the figures to quote), never studied


def _norm(s: str) -> str:
    return " ".join(s.replace("\u00a0", " ").split()).strip(" -").casefold()


def _human_ids(claims: Any, human: list[str], prefix: str) -> dict[str, str]:
    """Map predicted claim ids to the human split's ids (`a1`...) by text containment; a predicted claim
    that is no human claim (an opening the parser missed, a wrong split) maps to `?<id>` and counts as
    a wrong row."""
    out = {}
    hs = [_norm(h) for h in human]
    for c in claims:
        t = _norm(c.text)
        hit = next((i for i, h in enumerate(hs) if t and (t in h or h in t)), None)
        out[c.id] = f"{prefix}{hit + 1}" if hit is not None else f"?{c.id}"
    return out


def evaluate_heldout(encoder: Encoder, path: Path = HELDOUT, nli: NLIModel | None = None) -> dict[str, Any]:
    """Per-label P/R/F1 on the development readout pairs (tests/data/compare/heldout/readouts.json; held
    out until 2026-11-25, used for tuning since).

    Gold rows name the human split's claims; predicted claims are mapped onto them by text, so a split
    that differs from the human one costs rows instead of shifting every id. Many-to-one gold rows are
    labelled on the part of the covering claim that corresponds to each claim (the clause convention)."""
    counts = {lab: [0, 0, 0] for lab in LABELS}
    reason_hits = reason_total = 0
    split_diffs: list[str] = []
    rows: list[dict[str, Any]] = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        c = compare(
            Statement(r["a"]["text"], lang=r["a"]["lang"]),
            Statement(r["b"]["text"], lang=r["b"]["lang"]),
            encoder,
            nli=nli,
        )
        ma = _human_ids(c.a.claims, r["a"]["claims"], "a")
        mb = _human_ids(c.b.claims, r["b"]["claims"], "b")
        if len(c.a.claims) != len(r["a"]["claims"]) or len(c.b.claims) != len(r["b"]["claims"]):
            split_diffs.append(r["id"])
        gold = {(g[0], g[1]): g for g in r["gold"]}
        pred: dict[tuple[str | None, str | None], Any] = {}
        for p in c.pairs:
            pred[(ma[p.a] if p.a else None, mb[p.b] if p.b else None)] = p
        for key, p in pred.items():
            ok = key in gold and gold[key][2] == p.label
            counts[p.label][0 if ok else 1] += 1
            rows.append(
                {
                    "pair": r["id"],
                    "row": key,
                    "pred": p.label,
                    "gold": gold[key][2] if key in gold else None,
                    "reasons": list(p.reasons),
                }
            )
        for key, g in gold.items():
            if key not in pred or pred[key].label != g[2]:
                counts[g[2]][2] += 1
                if key not in pred:
                    rows.append({"pair": r["id"], "row": key, "pred": None, "gold": g[2], "reasons": []})
            if len(g) > 3:
                reason_total += 1
                p = pred.get(key)
                reason_hits += bool(p and g[3] in [x.split(":")[0] for x in p.reasons])
    return {
        "labels": {lab: prf(*counts[lab]) for lab in LABELS},
        "reason_accuracy": round(reason_hits / reason_total, 4) if reason_total else 1.0,
        "pairs": len(json.loads(path.read_text(encoding="utf-8"))),
        "split_differs": split_diffs,
        "alignment": alignment_counts(rows),
        "rows": rows,
    }


def alignment_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Where the errors come from: gold aligned rows (both claims given), how many of them the engine aligned
    (any label), how many rows it aligned in all, and how many of the found ones got the gold label."""
    aligned = [r for r in rows if r["row"][0] and r["row"][1]]
    gold = [r for r in aligned if r["gold"] in ("agree", "partial", "conflict")]
    found = [r for r in gold if r["pred"] is not None]
    return {
        "gold": len(gold),
        "found": len(found),
        "predicted": sum(1 for r in aligned if r["pred"] is not None),
        "label_right": sum(1 for r in found if r["pred"] == r["gold"]),
    }
