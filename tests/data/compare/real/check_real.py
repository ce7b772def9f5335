"""Stand-alone check of the real evaluation set (issue 14): pairs.json and reports.json.

Standard library only (never imports onrecord), so an annotator can run it without the engine:
    python tests/data/compare/real/check_real.py [DIR ...]
DIR holds pairs.json and/or reports.json; the default is the dev/ folder next to this file.
Exits 1 and lists the problems when a file is malformed; otherwise prints label counts.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

LABELS = {"both", "only_a", "only_b"}
POSITIONS = {"same", "opposed", "different", None}
KINDS = {"amount", "count", "duration", "date", "time", "place", "initiative", "speaker", "other"}
VERDICTS = {"supported", "not_found", "conflict"}
SOURCE_KEYS = ("lang", "source", "url", "date", "licence", "text")
# what may stay of a text once its claims are cut out: list markers and spacing
MARKER = re.compile(r"^\s*(?:\d+[.)]?|[-•*])?\s*$")


def _side(pid: str, s: str, side: dict, errors: list[str]) -> list[str]:
    for key in (*SOURCE_KEYS, "claims"):
        if key not in side:
            errors.append(f"{pid} {s}: missing key {key}")
    text, claims = side.get("text", ""), side.get("claims", [])
    ids: list[str] = []
    pos = 0
    rest = []
    for i, c in enumerate(claims, 1):
        cid, ctext = c.get("id"), c.get("text", "")
        if cid != f"{s}{i}":
            errors.append(f"{pid} {s}: claim {i} has id {cid!r}, want {s}{i}")
        ids.append(cid)
        if not ctext.strip() or ctext != ctext.strip():
            errors.append(f"{pid} {cid}: empty claim or claim with outer spaces")
        j = text.find(ctext, pos)
        if j < 0:
            errors.append(f"{pid} {cid}: claim not found verbatim in the text (in order): {ctext[:60]!r}")
            continue
        rest.append(text[pos:j])
        pos = j + len(ctext)
    rest.append(text[pos:])
    for chunk in rest:
        for line in chunk.splitlines():
            if not MARKER.match(line):
                errors.append(f"{pid} {s}: text not covered by any claim: {line.strip()[:60]!r}")
    return ids


def check_pairs(path: Path, errors: list[str], stats: Counter) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        errors.append(f"{path}: top level must be a list of pairs")
        return
    seen: set[str] = set()
    langs: set[str] = set()
    for e in data:
        pid = e.get("id", "?")
        for key in ("id", "pair", "event", "a", "b", "topics"):
            if key not in e:
                errors.append(f"{pid}: missing key {key}")
        if pid in seen:
            errors.append(f"{pid}: duplicate id")
        seen.add(pid)
        a_ids = _side(pid, "a", e.get("a", {}), errors)
        b_ids = _side(pid, "b", e.get("b", {}), errors)
        langs.update((e["a"].get("lang"), e["b"].get("lang")))
        if e.get("pair") != f"{e['a'].get('lang')}-{e['b'].get('lang')}":
            errors.append(f"{pid}: pair {e.get('pair')!r} does not match the sides' languages")
        used = Counter()
        for t, topic in enumerate(e.get("topics", []), 1):
            tag = f"{pid} topic {t}"
            label, pos = topic.get("label"), topic.get("position", "missing")
            ta, tb = topic.get("a", []), topic.get("b", [])
            if label not in LABELS:
                errors.append(f"{tag}: label {label!r}")
            if pos not in POSITIONS:
                errors.append(f"{tag}: position {pos!r}")
            for cid in ta:
                if cid not in a_ids:
                    errors.append(f"{tag}: unknown A claim {cid}")
            for cid in tb:
                if cid not in b_ids:
                    errors.append(f"{tag}: unknown B claim {cid}")
            used.update(ta)
            used.update(tb)
            want = {"both": (True, True), "only_a": (True, False), "only_b": (False, True)}.get(label)
            if want and (bool(ta), bool(tb)) != want:
                errors.append(f"{tag}: label {label} but a={ta} b={tb}")
            if label == "both" and pos is None:
                errors.append(f"{tag}: a 'both' topic needs a position")
            if label in ("only_a", "only_b") and pos is not None:
                errors.append(f"{tag}: a one-sided topic has no position")
            diffs = topic.get("differences", [])
            if diffs and label != "both":
                errors.append(f"{tag}: differences on a one-sided topic")
            for d in diffs:
                if d.get("kind") not in KINDS:
                    errors.append(f"{tag}: difference kind {d.get('kind')!r}")
                for key in ("a", "b", "sentence"):
                    if not str(d.get(key, "")).strip():
                        errors.append(f"{tag}: difference without {key}")
                stats[f"difference:{d.get('kind')}"] += 1
            stats[f"topic:{label}"] += 1
            if label == "both":
                stats[f"position:{pos}"] += 1
            if not str(topic.get("note", "")).strip():
                errors.append(f"{tag}: missing note")
        for cid in a_ids + b_ids:
            if used[cid] != 1:
                errors.append(f"{pid}: claim {cid} is in {used[cid]} topics, want exactly 1")
        stats["pairs"] += 1
        stats["claims"] += len(a_ids) + len(b_ids)
    print(f"{path}: {len(data)} pairs, languages {sorted(langs)}")


def check_reports(path: Path, errors: list[str], stats: Counter) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        errors.append(f"{path}: top level must be a list of report cases")
        return
    seen: set[str] = set()
    for case in data:
        cid = case.get("id", "?")
        if cid in seen:
            errors.append(f"{cid}: duplicate id")
        seen.add(cid)
        rep = case.get("report", {})
        for key in (*SOURCE_KEYS, "points"):
            if key not in rep:
                errors.append(f"{cid} report: missing key {key}")
        points = rep.get("points", [])
        pos = 0
        for i, p in enumerate(points):
            j = rep.get("text", "").find(p, pos)
            if j < 0:
                errors.append(f"{cid} point {i}: not found verbatim in the report text (in order)")
            else:
                pos = j + len(p)
        prims: dict[str, dict[int, str]] = {}
        for p in case.get("primaries", []):
            for key in ("id", "lang", "source", "url", "date", "licence", "versions"):
                if key not in p:
                    errors.append(f"{cid} primary {p.get('id')}: missing key {key}")
            prims[p.get("id")] = {v.get("seq"): v.get("text", "") for v in p.get("versions", [])}
        seen_points: Counter = Counter()
        for v in case.get("verdicts", []):
            i, verdict = v.get("point"), v.get("verdict")
            tag = f"{cid} verdict for point {i}"
            seen_points[i] += 1
            if verdict not in VERDICTS:
                errors.append(f"{tag}: verdict {verdict!r}")
            stats[f"verdict:{verdict}"] += 1
            if verdict == "not_found":
                if any(v.get(k) is not None for k in ("primary", "version", "sentence")):
                    errors.append(f"{tag}: not_found keeps primary, version and sentence null")
                continue
            texts = prims.get(v.get("primary"))
            if texts is None:
                errors.append(f"{tag}: unknown primary {v.get('primary')!r}")
                continue
            if v.get("version") not in texts:
                errors.append(f"{tag}: unknown version {v.get('version')!r}")
                continue
            if not v.get("sentence") or v["sentence"] not in texts[v["version"]]:
                errors.append(f"{tag}: sentence not found verbatim in {v.get('primary')}@{v.get('version')}")
        for i in range(len(points)):
            if seen_points[i] != 1:
                errors.append(f"{cid}: point {i} has {seen_points[i]} verdicts, want exactly 1")
        stats["reports"] += 1
        stats["points"] += len(points)
    print(f"{path}: {len(data)} report cases")


def main(argv: list[str]) -> int:
    dirs = [Path(a) for a in argv] or [Path(__file__).parent / "dev"]
    errors: list[str] = []
    stats: Counter = Counter()
    for d in dirs:
        found = False
        for name, fn in (("pairs.json", check_pairs), ("reports.json", check_reports)):
            if (d / name).exists():
                found = True
                fn(d / name, errors, stats)
        if not found:
            errors.append(f"{d}: neither pairs.json nor reports.json")
    for e in errors:
        print("ERROR", e)
    for key in sorted(stats):
        print(f"  {key}: {stats[key]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
