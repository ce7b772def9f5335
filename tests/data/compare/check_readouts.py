"""Stand-alone check of annotated readout sets (blind/ to blind5/ readouts.json, or the files given).

Uses the standard library only (never onrecord.analysis), so an annotator can run it without the engine:
    python tests/data/compare/check_readouts.py [FILE ...]
Exits non-zero and lists the problems when a file is malformed; otherwise prints counts.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

LABELS = {"agree", "partial", "conflict", "only_a", "only_b"}
CONFLICT_REASONS = {"negation", "numbers", "dates", "agent", "hedge", "initiative"}
PARTIAL_REASONS = {"detail_only_a", "detail_only_b"}


def check(path: Path) -> tuple[list[str], dict]:
    errors: list[str] = []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        return ["top level must be a list of readout pairs"], {}
    labels: Counter = Counter()
    reasons: Counter = Counter()
    langs: set[str] = set()
    seen_ids: set[str] = set()
    for e in data:
        pid = e.get("id", "?")
        for key in ("id", "pair", "note", "a", "b", "gold"):
            if key not in e:
                errors.append(f"{pid}: missing key {key}")
        if pid in seen_ids:
            errors.append(f"{pid}: duplicate id")
        seen_ids.add(pid)
        ids: dict[str, set[str]] = {}
        for s in ("a", "b"):
            side = e[s]
            lang, text, claims = side["lang"], side["text"], side["claims"]
            langs.add(lang)
            pos = 0
            for i, c in enumerate(claims, 1):
                j = text.find(c, pos)
                if j < 0:
                    errors.append(f"{pid} {s}{i}: claim not found in text (in order)")
                    continue
                if i == 1 and j == 0:
                    errors.append(f"{pid} {s}1: text must start with the boilerplate opening, not a claim")
                pos = j + len(c)
            if text[pos:].strip():
                errors.append(f"{pid} {s}: text after the last claim: {text[pos:]!r}")
            if not 6 <= len(claims) + 1 <= 14:
                errors.append(f"{pid} {s}: {len(claims) + 1} sentences (opening + claims), want 6-14")
            ids[s] = {f"{s}{i}" for i in range(1, len(claims) + 1)}
        if e.get("pair") != f"{e['a']['lang']}-{e['b']['lang']}":
            errors.append(f"{pid}: pair {e.get('pair')} does not match the sides' languages")
        covered = {"a": Counter(), "b": Counter()}
        only = {"a": set(), "b": set()}
        rows = set()
        for row in e["gold"]:
            if len(row) not in (3, 4):
                errors.append(f"{pid}: bad row {row}")
                continue
            a, b, label = row[0], row[1], row[2]
            reason = row[3] if len(row) == 4 else None
            labels[label] += 1
            if label not in LABELS:
                errors.append(f"{pid}: unknown label {label}")
            if (a, b) in rows:
                errors.append(f"{pid}: duplicate row {a} {b}")
            rows.add((a, b))
            for s, cid in (("a", a), ("b", b)):
                if cid is not None:
                    if cid not in ids[s]:
                        errors.append(f"{pid}: {cid} is not a claim id of side {s}")
                    covered[s][cid] += 1
            if label == "only_a" and not (a and b is None):
                errors.append(f"{pid}: only_a row needs a claim on A and null on B: {row}")
            if label == "only_b" and not (b and a is None):
                errors.append(f"{pid}: only_b row needs null on A and a claim on B: {row}")
            if label in ("agree", "partial", "conflict") and (a is None or b is None):
                errors.append(f"{pid}: aligned row needs both ids: {row}")
            if label == "only_a":
                only["a"].add(a)
            if label == "only_b":
                only["b"].add(b)
            if label == "conflict":
                if reason not in CONFLICT_REASONS:
                    errors.append(f"{pid}: conflict row needs a conflict reason: {row}")
                reasons[reason] += 1
            elif label == "partial":
                if reason not in PARTIAL_REASONS:
                    errors.append(f"{pid}: partial row needs detail_only_a/b: {row}")
                reasons[reason] += 1
            elif reason is not None:
                errors.append(f"{pid}: {label} row takes no reason: {row}")
        for s in ("a", "b"):
            for cid in sorted(ids[s]):
                if covered[s][cid] == 0:
                    errors.append(f"{pid}: claim {cid} has no gold row")
                if cid in only[s] and covered[s][cid] > 1:
                    errors.append(f"{pid}: {cid} is both unaligned and aligned")
    stats = {"pairs": len(data), "languages": sorted(langs), "labels": dict(labels),
             "reasons": dict(reasons), "rows": sum(labels.values())}
    return errors, stats


DEFAULT = [Path(__file__).parent / name / "readouts.json" for name in ("blind", "blind2", "blind3", "blind4", "blind5")]


def main(argv: list[str]) -> int:
    failed = False
    for path in [Path(a) for a in argv] or DEFAULT:
        errors, stats = check(path)
        for err in errors:
            print("ERROR", path, err)
        print(path, json.dumps(stats, ensure_ascii=False, indent=1))
        failed |= bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
