"""benchmarks/agreement.py, the annotator-agreement measure, run as a user runs it: identical labels agree fully;
a second annotator who splits a topic, moves a claim out of it or changes a verdict is scored down exactly."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from tests.analysis.eval_real import REAL

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "agreement.py"


def _run(first: Path, second: Path) -> dict:
    out = subprocess.run([sys.executable, str(SCRIPT), str(first), str(second), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_identical_labels_agree_fully():
    got = _run(REAL / "dev", REAL / "dev")
    assert got["pairs"]["topic_links"]["precision"] == got["pairs"]["topic_links"]["recall"] == 1.0
    assert got["reports"]["agreement"] == 1.0 and got["reports"]["kappa"] == 1.0


def test_a_split_topic_and_a_changed_verdict_are_counted(tmp_path):
    pairs = json.loads((REAL / "dev" / "pairs.json").read_text(encoding="utf-8"))
    reports = json.loads((REAL / "dev" / "reports.json").read_text(encoding="utf-8"))
    second = copy.deepcopy(pairs)
    # the second annotator cuts the first `both` topic with two B claims in two: one B claim goes alone
    topic = next(t for t in second[0]["topics"] if t["label"] == "both" and len(t["b"]) >= 2)
    lost = topic["b"].pop()
    second[0]["topics"].append({"a": [], "b": [lost], "label": "only_b", "differences": []})
    first_links = sum(len(t["a"]) * len(t["b"]) for p in pairs for t in p["topics"] if t["label"] == "both")
    rep2 = copy.deepcopy(reports)
    v = rep2[0]["verdicts"][0]
    v["verdict"] = "conflict" if v["verdict"] != "conflict" else "supported"
    (tmp_path / "pairs.json").write_text(json.dumps(second, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "reports.json").write_text(json.dumps(rep2, ensure_ascii=False), encoding="utf-8")
    got = _run(REAL / "dev", tmp_path)
    links = got["pairs"]["topic_links"]
    assert links["precision"] == 1.0
    assert links["shared"] == first_links - len(topic["a"])
    assert links["recall"] == round(links["shared"] / first_links, 3)
    points = sum(len(c["verdicts"]) for c in reports)
    assert got["reports"]["agree"] == points - 1
    assert got["reports"]["kappa"] < 1.0
