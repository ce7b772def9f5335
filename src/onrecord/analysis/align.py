"""Align two lists of sentence vectors: mutual best matches by ratio margin, many-to-one allowed.

Raw cosine scores of e5-style models bunch together (true and false matches overlap), so no global
cosine cut-off is used. Instead each candidate pair is scored against its neighbourhood, as in bitext
mining (Artetxe & Schwenk 2019, "Margin-based parallel corpus mining with multilingual sentence
embeddings"):

    margin(x, y) = cos(x, y) / ( Σ_{z ∈ NN_k(x)} cos(x, z) / 2k  +  Σ_{z ∈ NN_k(y)} cos(y, z) / 2k )

where NN_k(x) are the k nearest neighbours of x among the other side's sentences. The denominator is
calibrated per document pair: it is the typical similarity of unrelated sentences of *these* two
documents. When a document is too short to give k neighbours, a small fixed pool of generic statement
sentences ("background") fills the neighbourhood, so a one-sentence document still gets a fair margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["BACKGROUND_SENTENCES", "Alignment", "Match", "align", "margin_matrix"]

# Generic sentences of the genre, in several languages, about nothing in particular.
BACKGROUND_SENTENCES = (
    "The ministry published its annual report on the state of the national railways.",
    "Heavy rain is expected in the northern provinces over the weekend.",
    "The committee will review applications for the cultural grant programme next month.",
    "Die Stadtverwaltung hat neue Öffnungszeiten für die Bibliotheken bekanntgegeben.",
    "Der Minister eröffnete eine Ausstellung über die Geschichte des Bergbaus.",
    "В регионе завершился сезон уборки урожая зерновых культур.",
    "Министерство объявило конкурс на лучший школьный проект по экологии.",
    "Le gouvernement a présenté un plan de rénovation des écoles primaires.",
    "La délégation a visité une usine de traitement des eaux dans la capitale.",
    "政府公布了今年夏季的防汛工作安排。",
    "博物馆将于下月举办传统手工艺展览。",
    "El ayuntamiento inauguró un nuevo parque en el centro de la ciudad.",
)


@dataclass(frozen=True)
class Match:
    """A aligned pair: row `a`, column `b`, their cosine and their margin."""

    a: int
    b: int
    cos: float
    margin: float
    mutual: bool = True


@dataclass(frozen=True)
class Alignment:
    matches: tuple[Match, ...]
    best_a: tuple[float, ...]  # best margin each A row reached, matched or not
    best_b: tuple[float, ...]
    threshold: float


def _knn_mean(sim: np.ndarray, k: int, extra: np.ndarray | None) -> np.ndarray:
    """Mean of the k largest values per row of `sim`, neighbours topped up from `extra` when short."""
    n, m = sim.shape
    if extra is not None and m < k:
        sim = np.concatenate([sim, extra], axis=1)
        m = sim.shape[1]
    kk = max(1, min(k, m))
    if m == 0:
        return np.zeros(n, dtype=np.float32)
    top = -np.partition(-sim, kk - 1, axis=1)[:, :kk]
    out: np.ndarray = top.mean(axis=1)
    return out


def margin_matrix(
    a: np.ndarray, b: np.ndarray, k: int = 4, background: np.ndarray | None = None, cos: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(cosine, ratio margin) matrices of shape (len(a), len(b)); rows of a and b L2-normalized. `cos`:
    the cosine matrix when the caller computed it (e.g. negation-invariant), else a @ b.T."""
    cos = (a @ b.T if cos is None else cos).astype(np.float32)
    bg_a = a @ background.T if background is not None and len(background) else None
    bg_b = b @ background.T if background is not None and len(background) else None
    ra = _knn_mean(cos, k, bg_a)
    rb = _knn_mean(cos.T, k, bg_b)
    denom = (ra[:, None] + rb[None, :]) / 2.0
    denom = np.where(np.abs(denom) < 1e-6, 1e-6, denom)
    margin = (cos / denom).astype(np.float32)
    return cos, margin


def align(
    a: np.ndarray,
    b: np.ndarray,
    *,
    k: int = 4,
    threshold: float = 1.035,
    extra_threshold: float = 1.08,
    background: np.ndarray | None = None,
    cos: np.ndarray | None = None,
) -> Alignment:
    """Mutual-best pairs with margin ≥ `threshold`; then many-to-one: a row (or column) left alone joins
    its best partner when that margin is ≥ `extra_threshold` and the partner's own match is not clearly
    better. Returns matches sorted by (a, b)."""
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return Alignment((), tuple(0.0 for _ in range(n)), tuple(0.0 for _ in range(m)), threshold)
    cos, margin = margin_matrix(a, b, k, background, cos)
    best_for_a = margin.argmax(axis=1)
    best_for_b = margin.argmax(axis=0)
    matches: dict[tuple[int, int], Match] = {}
    for i in range(n):
        j = int(best_for_a[i])
        if int(best_for_b[j]) == i and margin[i, j] >= threshold:
            matches[(i, j)] = Match(i, j, float(cos[i, j]), float(margin[i, j]))
    matched_a = {i for i, _ in matches}
    matched_b = {j for _, j in matches}
    for i in range(n):
        if i in matched_a:
            continue
        j = int(best_for_a[i])
        partner = max((mt.margin for mt in matches.values() if mt.b == j), default=None)
        if margin[i, j] >= extra_threshold and (partner is None or margin[i, j] >= partner * 0.97):
            matches[(i, j)] = Match(i, j, float(cos[i, j]), float(margin[i, j]), mutual=False)
    for j in range(m):
        if j in matched_b:
            continue
        i = int(best_for_b[j])
        if (i, j) in matches:
            continue
        partner = max((mt.margin for mt in matches.values() if mt.a == i), default=None)
        if margin[i, j] >= extra_threshold and (partner is None or margin[i, j] >= partner * 0.97):
            matches[(i, j)] = Match(i, j, float(cos[i, j]), float(margin[i, j]), mutual=False)
    ordered = tuple(sorted(matches.values(), key=lambda mt: (mt.a, mt.b)))
    return Alignment(
        ordered,
        tuple(float(x) for x in margin.max(axis=1)),
        tuple(float(x) for x in margin.max(axis=0)),
        threshold,
    )
