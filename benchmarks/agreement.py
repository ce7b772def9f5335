"""How far two human annotators of the real set agree with each other (issue 14): the ceiling that a
comparison tool can be held to on the same measures.

    .venv/bin/python benchmarks/agreement.py FIRST_DIR SECOND_DIR [--json]

Both folders hold `pairs.json` and/or `reports.json` in the format of tests/data/compare/real/README.md, for
the same texts split into the same claims and points (the second annotator labelled copies with the first
one's labels removed). The second annotator is scored against the first exactly as the engine is scored in
tests/analysis/eval_real.py: topic links (A claim, B claim) in one `both` topic, claim coverage, positions,
hard differences (by kind, in a topic sharing a claim), report verdicts (with Cohen's kappa, since most points
are `supported`). Standard library only.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def _load(d: Path, name: str) -> list[dict[str, Any]] | None:
    f = d / name
    return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _words(s: str | None) -> str:
    return " ".join((s or "").split())


def _links(pair: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(a, b) -> the position of the `both` topic holding both claims."""
    return {
        (a, b): t.get("position", "same")
        for t in pair["topics"]
        if t["label"] == "both"
        for a in t["a"]
        for b in t["b"]
    }


def _diffs(pair: dict[str, Any]) -> list[tuple[str, set[str], set[str]]]:
    return [(d["kind"], set(t["a"]), set(t["b"])) for t in pair["topics"] for d in t.get("differences", [])]


def compare_pairs(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    by_id = {p["id"]: p for p in first}
    l1: dict[tuple[str, str, str], str] = {}
    l2: dict[tuple[str, str, str], str] = {}
    cov_right = cov_total = 0
    d_first = d_second = d_matched = 0
    per_pair = []
    for p2 in second:
        p1 = by_id.get(p2["id"])
        if p1 is None:
            continue
        for side in ("a", "b"):
            if [c["text"] for c in p1[side]["claims"]] != [c["text"] for c in p2[side]["claims"]]:
                raise SystemExit(f"{p2['id']}: side {side} is split into different claims; agreement needs the same")
        a1, a2 = _links(p1), _links(p2)
        l1 |= {(p1["id"], *k): v for k, v in a1.items()}
        l2 |= {(p2["id"], *k): v for k, v in a2.items()}
        for side in ("a", "b"):
            both1 = {c for t in p1["topics"] if t["label"] == "both" for c in t[side]}
            both2 = {c for t in p2["topics"] if t["label"] == "both" for c in t[side]}
            for c in p1[side]["claims"]:
                cov_total += 1
                cov_right += (c["id"] in both1) == (c["id"] in both2)
        df1, df2 = _diffs(p1), _diffs(p2)
        d_first += len(df1)
        d_second += len(df2)
        d_matched += sum(any(k == k1 and (a & a1 or b & b1) for k1, a1, b1 in df1) for k, a, b in df2)
        shared = set(a1) & set(a2)
        per_pair.append(
            {
                "pair": p2["id"],
                "links_first": len(a1),
                "links_second": len(a2),
                "shared": len(shared),
                "f1": _ratio(2 * len(shared), len(a1) + len(a2)),
            }
        )
    tp = set(l1) & set(l2)
    pos_same = sum(l1[k] == l2[k] for k in tp)
    opposed1 = {k for k, v in l1.items() if v == "opposed"}
    opposed2 = {k for k, v in l2.items() if v == "opposed"}
    return {
        "pairs": len(per_pair),
        "topic_links": {
            "first": len(l1),
            "second": len(l2),
            "shared": len(tp),
            "precision": _ratio(len(tp), len(l2)),
            "recall": _ratio(len(tp), len(l1)),
            "f1": _ratio(2 * len(tp), len(l1) + len(l2)),
        },
        "claim_coverage_agreement": _ratio(cov_right, cov_total),
        "positions_equal_on_shared_links": _ratio(pos_same, len(tp)),
        "opposed_links": {"first": len(opposed1), "second": len(opposed2), "shared": len(opposed1 & opposed2)},
        "differences": {"first": d_first, "second": d_second, "second_matching_first": d_matched},
        "per_pair": per_pair,
    }


def compare_reports(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, Any]:
    by_id = {c["id"]: c for c in first}
    pairs: list[tuple[str, str]] = []
    sentence_same = sentence_total = 0
    for c2 in second:
        c1 = by_id.get(c2["id"])
        if c1 is None:
            continue
        v1 = {v["point"]: v for v in c1["verdicts"]}
        for v in c2["verdicts"]:
            u = v1.get(v["point"])
            if u is None:
                continue
            pairs.append((u["verdict"], v["verdict"]))
            if u["verdict"] == v["verdict"] != "not_found":
                sentence_total += 1
                sentence_same += _words(u.get("sentence")) == _words(v.get("sentence"))
    n = len(pairs)
    agree = sum(x == y for x, y in pairs)
    c1, c2 = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(c1[k] * c2[k] for k in c1) / (n * n) if n else 0.0
    observed = agree / n if n else 0.0
    kappa = (observed - expected) / (1 - expected) if n and expected < 1 else None
    confusion: dict[str, dict[str, int]] = {}
    for x, y in pairs:
        confusion.setdefault(x, {}).setdefault(y, 0)
        confusion[x][y] += 1
    return {
        "points": n,
        "agree": agree,
        "agreement": _ratio(agree, n),
        "kappa": round(kappa, 3) if kappa is not None else None,
        "same_sentence_where_both_cite": _ratio(sentence_same, sentence_total),
        "confusion_first_to_second": confusion,
    }


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    d1, d2 = Path(args[0]), Path(args[1])
    out: dict[str, Any] = {"first": str(d1), "second": str(d2)}
    p1, p2 = _load(d1, "pairs.json"), _load(d2, "pairs.json")
    if p1 and p2:
        out["pairs"] = compare_pairs(p1, p2)
    r1, r2 = _load(d1, "reports.json"), _load(d2, "reports.json")
    if r1 and r2:
        out["reports"] = compare_reports(r1, r2)
    if "--json" in argv:
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return 0
    if "pairs" in out:
        t = out["pairs"]["topic_links"]
        print(
            f"topic links: second vs first precision {t['precision']} recall {t['recall']} F1 {t['f1']} "
            f"({t['shared']} shared of {t['first']} / {t['second']})"
        )
        print(
            f"claim coverage agreement {out['pairs']['claim_coverage_agreement']}, positions equal on shared links "
            f"{out['pairs']['positions_equal_on_shared_links']}"
        )
    if "reports" in out:
        r = out["reports"]
        print(f"report verdicts: agreement {r['agreement']} ({r['agree']}/{r['points']}), kappa {r['kappa']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
