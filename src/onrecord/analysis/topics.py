"""Group two sides' claims into topics, many-to-many: a topic is a set of A claims and a set of B claims
(`both`), or claims of one side only (`only_a`, `only_b`).

Two claims are linked when they are close for *this* document pair: the score of a pair is its cosine
plus a bonus for what the two share exactly (names and places keyed across scripts, countries, numbers,
dates; `facts.read_facts`), weighted by how rare each shared key is in the two documents; the score is then
divided by the typical score of each claim's nearest neighbours on the other side (the ratio margin of
bitext mining, Artetxe & Schwenk 2019), and the double-centred score (`centred`: beyond its row's and its
column's level, in the matrix's own spread) is added, so the cut-offs are relative to the pair, not a
global cosine, and the cosine level of a language pair drops out.

Links: mutual best pairs with a clear margin (or the same wording); mutual best pairs with a weaker margin
when they keep the order of the clear ones (two readouts of one call mostly tell it in the same order); a
claim's second partner when it is nearly as close as the first (one sentence of A summing up two of B); a
follow-up sentence joining its neighbour's partner. The two openings (`forced`) count as a link for the last
two rules, so "Xi thanked Trump for the call" joins the call's topic; a framing sentence right after an opening
("the two leaders exchanged views on ...", `framing`) is linked to the other side's opening and to nothing
else. Linked claims form topics (connected components),
capped so that a chain of weak links cannot swallow a readout: a link that would make a topic hold more
than `MAX_SIDE` claims of one side is dropped, weakest first. (Mutual best leftovers that share a rare
exact key were linked too, until the real set showed that the shared keys alone rank links barely above
chance, ROC AUC 0.59: that rule lowered precision on both parts. Filters against generic sentences were
measured too and left out, `benchmarks/topic_rules.py`: a claim whose similarity to the other side is flat,
crowded or barely above its second-best partner is right about as often as any other, so each filter lowered
recall more than it raised precision; docs/compare.md, "Evaluation".)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Link", "TopicGroup", "centred", "group_topics", "judged_groups", "pair_scores", "reading_order"]

STRONG = 1.08  # mutual best at this margin or more: linked whatever the order
ORDER_FLOOR = 1.0  # in the readouts' order, a pair whose margin passes this is linked
SECOND = 0.975  # a claim's second partner joins when its margin is this share of the first one's ...
SECOND_MIN = 1.06  # ... and at least this margin
SIBLING = 1.0  # a follow-up sentence joins its neighbour's partner at this margin
ANCHOR_WEIGHT = 0.06  # cosine units added for shared exact keys (names, places, numbers, dates), at most
MAX_SIDE = 4  # claims of one side in one topic
SAME_WORDS = 0.995  # mutual best this close in cosine: the same wording, linked whatever the margin
CENTRED = 0.07  # margin units added per unit of the double-centred score (`centred`)


@dataclass(frozen=True)
class Link:
    a: int
    b: int
    cos: float
    margin: float
    # opening | framing (a framing sentence with the other opening) | strong | order | second | sibling | judged (a pair
    # in a topic the model judge grouped)
    kind: str


@dataclass(frozen=True)
class TopicGroup:
    a: tuple[int, ...]
    b: tuple[int, ...]
    links: tuple[Link, ...]

    @property
    def coverage(self) -> str:
        return "both" if self.a and self.b else ("only_a" if self.a else "only_b")


def _knn_mean(sim: np.ndarray, k: int, extra: np.ndarray | None) -> np.ndarray:
    if extra is not None and sim.shape[1] < k:
        sim = np.concatenate([sim, extra], axis=1)
    kk = max(1, min(k, sim.shape[1]))
    top: np.ndarray = -np.partition(-sim, kk - 1, axis=1)[:, :kk]
    out: np.ndarray = top.mean(axis=1)
    return out


def anchor_matrix(keys_a: Sequence[frozenset[str]], keys_b: Sequence[frozenset[str]]) -> np.ndarray:
    """Shared exact keys per claim pair, each weighted by its rarity in the two documents (a key every claim
    shares, such as the two countries of a call, weighs nothing), scaled to 0..1."""
    n = len(keys_a) + len(keys_b)
    df: dict[str, int] = {}
    for ks in (*keys_a, *keys_b):
        for k in ks:
            df[k] = df.get(k, 0) + 1
    w = {k: max(0.0, math.log(n / d)) / math.log(max(n, 2)) for k, d in df.items()}
    out = np.zeros((len(keys_a), len(keys_b)), dtype=np.float32)
    dated_a = [any(k.startswith("d:") for k in ks) for ks in keys_a]
    dated_b = [any(k.startswith("d:") for k in ks) for ks in keys_b]
    for i, ka in enumerate(keys_a):
        if not ka:
            continue
        for j, kb in enumerate(keys_b):
            shared = ka & kb
            if dated_a[i] and dated_b[j]:
                # two dates meet by their own key; the weekday key ("wd:") links a date to a bare weekday only
                shared = frozenset(k for k in shared if not k.startswith("wd:"))
            if shared:
                out[i, j] = min(1.0, sum(w[k] for k in shared))
    return out


def centred(score: np.ndarray) -> np.ndarray:
    """The score matrix double-centred and scaled to unit spread: what a pair scores beyond its row's and its
    column's typical level, in this matrix's own units. A claim that is close to everything on the other side
    (a hub: the opening with both leaders' names, a generic pledge) loses its lead; the level of the cosines,
    which differs a lot between language pairs (ja-zh bunches at 0.80-0.90, en-de spreads), drops out."""
    n, m = score.shape
    if n < 2 or m < 2:
        return np.zeros_like(score, dtype=np.float32)
    c = score.astype(np.float64)
    z = c - c.mean(axis=1, keepdims=True) - c.mean(axis=0, keepdims=True) + c.mean()
    sd = float(z.std())
    out: np.ndarray = (z / sd if sd > 1e-9 else z * 0.0).astype(np.float32)
    return out


def pair_scores(
    cos: np.ndarray,
    anchors: np.ndarray,
    bg_a: np.ndarray | None,
    bg_b: np.ndarray | None,
    k: int = 4,
    centred_weight: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(score, margin): score = cosine + ANCHOR_WEIGHT * shared rare keys; margin = score over the mean score
    of each claim's k nearest neighbours (topped up from generic background sentences when a side is short),
    plus `centred_weight` times the double-centred score (`centred`): both are relative to this document
    pair, the first to each claim's nearest neighbours, the second to the whole row and column."""
    score = (cos + ANCHOR_WEIGHT * anchors).astype(np.float32)
    ra = _knn_mean(score, k, bg_a)
    rb = _knn_mean(score.T, k, bg_b)
    denom = np.maximum((ra[:, None] + rb[None, :]) / 2.0, 1e-6)
    margin: np.ndarray = (score / denom).astype(np.float32)
    if centred_weight:
        margin = (margin + centred_weight * centred(score)).astype(np.float32)
    return score, margin


def _monotone(margin: np.ndarray, floor: float, fixed: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one pairs in both documents' order that maximize the summed margin above `floor`; the
    `fixed` pairs (strong links) are rewarded so the path goes through them."""
    n, m = margin.shape
    gain = margin - floor
    for i, j in fixed:
        gain[i, j] += 1.0
    best = np.zeros((n + 1, m + 1), dtype=np.float64)
    move = np.zeros((n + 1, m + 1), dtype=np.int8)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = (best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + gain[i - 1, j - 1])
            k = int(np.argmax(options))
            best[i, j], move[i, j] = options[k], k
    out = []
    i, j = n, m
    while i > 0 and j > 0:
        if move[i, j] == 2:
            if gain[i - 1, j - 1] > 0:
                out.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif move[i, j] == 0:
            i -= 1
        else:
            j -= 1
    return out


def _links(
    margin: np.ndarray, cos: np.ndarray, anchors: np.ndarray, forced: tuple[int, int] | None = None
) -> list[Link]:
    n = margin.shape[0]
    best_a = margin.argmax(axis=1)
    best_b = margin.argmax(axis=0)
    links: dict[tuple[int, int], Link] = {}
    for i in range(n):
        j = int(best_a[i])
        if int(best_b[j]) == i and (margin[i, j] >= STRONG or cos[i, j] >= SAME_WORDS):
            links[(i, j)] = Link(i, j, float(cos[i, j]), float(margin[i, j]), "strong")
    # the readouts' order: a monotone alignment (dynamic programming over margin - ORDER_FLOOR) through the
    # strong links picks up the weaker pairs that sit where the order says they should
    for i, j in _monotone(margin, ORDER_FLOOR, set(links)):
        if (i, j) not in links:
            links[(i, j)] = Link(i, j, float(cos[i, j]), float(margin[i, j]), "order")
    if forced is not None:
        # the two openings are linked whatever their margin; a follow-up of an opening ("Xi thanked Trump for
        # the call") joins it as a sibling, a one-sentence opening covering two of the other side's as a
        # second partner (the opening link was invisible to both rules until these lines)
        links[forced] = Link(*forced, float(cos[forced]), float(margin[forced]), "opening")
    # second partners: one claim of a side covering two of the other
    for side in (0, 1):
        mat = margin if side == 0 else margin.T
        for x in range(mat.shape[0]):
            order = np.argsort(-mat[x])
            if len(order) < 2:
                continue
            y1, y2 = int(order[0]), int(order[1])
            first = (x, y1) if side == 0 else (y1, x)
            second = (x, y2) if side == 0 else (y2, x)
            if first not in links or second in links:
                continue
            v = float(mat[x, y2])
            other_best = float((margin[:, y2] if side == 0 else margin[y2, :]).max())
            if v >= SECOND_MIN and v >= SECOND * float(mat[x, y1]) and v >= 0.97 * other_best:
                links[second] = Link(*second, float(cos[second]), v, "second")
    # siblings: a claim left alone whose best partner is linked to the claim right before or after it on its
    # own side (a follow-up sentence: "The Chancellor welcomed this pledge.")
    for side in (0, 1):
        mat = margin if side == 0 else margin.T
        mine = {(lk.a if side == 0 else lk.b) for lk in links.values()}
        partners = {((lk.a, lk.b) if side == 0 else (lk.b, lk.a)) for lk in links.values()}
        for x in range(mat.shape[0]):
            if x in mine:
                continue
            y = int(mat[x].argmax())
            if mat[x, y] >= SIBLING and ((x - 1, y) in partners or (x + 1, y) in partners):
                key = (x, y) if side == 0 else (y, x)
                links[key] = Link(*key, float(cos[key]), float(mat[x, y]), "sibling")
    return sorted(links.values(), key=lambda lk: -lk.margin)


def group_topics(
    margin: np.ndarray,
    cos: np.ndarray,
    anchors: np.ndarray,
    forced: tuple[int, int] | None = None,
    framing: Sequence[tuple[int, int]] = (),
) -> list[TopicGroup]:
    """Topics in reading order: each `both` topic at its first A claim, each one-sided claim as its own topic;
    claims only in B sit after the topic of the nearest earlier B claim. `forced`: a pair always linked (the
    two openings: the call itself); `framing`: pairs that join it (a framing sentence of one side with the
    other side's opening, a link of kind `framing`), taken right after it; a framing sentence's other links
    are dropped."""
    n, m = margin.shape
    parent = list(range(n + m))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    size = {x: (1, 0) if x < n else (0, 1) for x in range(n + m)}
    kept: list[Link] = []
    links = _links(margin, cos, anchors, forced) if n and m else []
    if forced is not None:
        fa, fb = forced
        # a framing sentence belongs to the call's topic only: its other links go
        joined = [Link(a, b, float(cos[a, b]), float(margin[a, b]), "framing") for a, b in framing]
        own_a = {a for a, b in framing if b == fb and a != fa}
        own_b = {b for a, b in framing if a == fa and b != fb}
        links = [Link(fa, fb, float(cos[fa, fb]), float(margin[fa, fb]), "opening"), *joined] + [
            lk for lk in links if (lk.a, lk.b) != forced and lk.a not in own_a and lk.b not in own_b
        ]
    for lk in links:
        ra, rb = find(lk.a), find(n + lk.b)
        if ra != rb:
            sa, sb = size[ra], size[rb]
            if sa[0] + sb[0] > MAX_SIDE or sa[1] + sb[1] > MAX_SIDE:
                continue
            parent[rb] = ra
            size[ra] = (sa[0] + sb[0], sa[1] + sb[1])
        kept.append(lk)
    comps: dict[int, tuple[list[int], list[int]]] = {}
    for x in range(n + m):
        r = find(x)
        comps.setdefault(r, ([], []))
        if x < n:
            comps[r][0].append(x)
        else:
            comps[r][1].append(x - n)
    groups = []
    for a_ids, b_ids in comps.values():
        mine = tuple(lk for lk in kept if lk.a in a_ids and lk.b in b_ids)
        groups.append(TopicGroup(tuple(a_ids), tuple(b_ids), mine))
    return reading_order(groups, n)


def judged_groups(
    topics: Sequence[tuple[Sequence[int], Sequence[int]]],
    margin: np.ndarray,
    cos: np.ndarray,
    known: Sequence[Link] = (),
) -> list[TopicGroup]:
    """Topics that someone else grouped (the model judge): `topics` as (A indices, B indices), each claim in at
    most one; a claim in none becomes a topic of its own side. Within a `both` topic the encoder's links
    (`known`) that fall inside it are its claim pairs, with their kinds (only the encoder's clear links carry an
    agreement or a hard difference); a claim of the topic that none of them covers is linked, by cosine, to
    its closest claim of the other side in the topic (a link of kind `judged`)."""
    n, m = margin.shape
    by_pair = {(lk.a, lk.b): lk for lk in known}
    groups: list[TopicGroup] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for ta, tb in topics:
        a_ids, b_ids = tuple(sorted(ta)), tuple(sorted(tb))
        used_a |= set(a_ids)
        used_b |= set(b_ids)
        links: tuple[Link, ...] = ()
        if a_ids and b_ids:
            chosen = {(i, j) for i, j in by_pair if i in a_ids and j in b_ids}
            sub = cos[np.ix_(a_ids, b_ids)]
            for x, i in enumerate(a_ids):
                if not any(p[0] == i for p in chosen):
                    chosen.add((i, b_ids[int(sub[x].argmax())]))
            for y, j in enumerate(b_ids):
                if not any(p[1] == j for p in chosen):
                    chosen.add((a_ids[int(sub[:, y].argmax())], j))
            links = tuple(
                by_pair.get((i, j)) or Link(i, j, float(cos[i, j]), float(margin[i, j]), "judged")
                for i, j in sorted(chosen)
            )
        groups.append(TopicGroup(a_ids, b_ids, links))
    groups += [TopicGroup((i,), (), ()) for i in range(n) if i not in used_a]
    groups += [TopicGroup((), (j,), ()) for j in range(m) if j not in used_b]
    return reading_order(groups, n)


def reading_order(groups: list[TopicGroup], n: int) -> list[TopicGroup]:
    """Topics in reading order: each topic with A claims at its first A claim; a topic of B claims only after
    the `both` topic of the nearest earlier B claim."""

    def position(g: TopicGroup) -> tuple[float, int]:
        if g.a:
            return (float(min(g.a)), min(g.b) if g.b else -1)
        j = g.b[0]
        earlier = [h for h in groups if h.a and h.b and min(h.b) < j]
        if earlier:
            anchor = max(earlier, key=lambda h: min(h.b))
            return (min(anchor.a) + 0.5, j)
        later = [h for h in groups if h.a and h.b]
        return ((min(min(h.a) for h in later) - 0.5) if later else n + 0.5, j)

    return sorted(groups, key=position)
