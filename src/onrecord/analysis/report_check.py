"""Check a report's points against primary statements: supported, not_found or conflict.

Reported points are list items, sentences with reported speech ("said", "erklärte", "заявил", "a
déclaré", "表示") and quotes. When a report has none of these, every sentence counts as a point. Each
point is matched to the closest primary claim by ratio margin over all primaries together; a match
below the margin threshold is `not_found`, a match whose label is `conflict` is `conflict`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from onrecord.analysis.align import BACKGROUND_SENTENCES, margin_matrix
from onrecord.analysis.claims import Claim, extract_claims
from onrecord.analysis.compare import Statement, side_of
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.labels import label_pair
from onrecord.errors import CompareError

__all__ = ["PointCheck", "ReportCheck", "ReportPoint", "check_report", "extract_points"]

VERDICTS = ("supported", "not_found", "conflict")

_QUOTE = re.compile(r"[“\"«„「『]([^”\"»“」』]{8,})[”\"»“」』]")
_REPORTED = re.compile(
    r"\b(?:said|says|stated|told|announced|claimed|stressed|noted|according to|insisted|promised|"
    r"sagte|erklärte|betonte|teilte|laut|versprach|behauptete|"
    r"заявил\w*|сообщил\w*|сказал\w*|отметил\w*|подчеркнул\w*|по словам|пообещал\w*|"
    r"a déclaré|a affirmé|a dit|a souligné|selon|a annoncé|a promis)(?!\w)"
    r"|表示|指出|强调|称|宣布",
    re.I,
)


@dataclass(frozen=True)
class ReportPoint:
    id: str
    text: str
    lang: str
    kind: str  # list_item | quote | reported_speech | sentence
    quote: str | None = None


@dataclass(frozen=True)
class PointCheck:
    point: ReportPoint
    verdict: str  # supported | not_found | conflict
    source: str | None = None  # ref or title of the primary statement
    claim_id: str | None = None
    sentence: str | None = None
    score: float | None = None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.point.id,
            "text": self.point.text,
            "lang": self.point.lang,
            "kind": self.point.kind,
            "verdict": self.verdict,
            "source": self.source,
            "claim": self.claim_id,
            "sentence": self.sentence,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ReportCheck:
    points: tuple[PointCheck, ...]
    model_name: str
    model_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "points": [p.to_json() for p in self.points],
            "model": {"name": self.model_name, "version": self.model_version},
        }


def extract_points(text: str, lang: str | None = None) -> list[ReportPoint]:
    """The reported points of a report: list items, quotes, reported speech (else every sentence)."""
    split = extract_claims(text, lang, prefix="p")
    points: list[ReportPoint] = []
    for c in split.claims:
        kind = _kind(c)
        if kind is None:
            continue
        q = _QUOTE.search(c.text)
        points.append(ReportPoint(f"p{len(points) + 1}", c.text, c.lang, kind, q.group(1) if q else None))
    if not points:
        points = [ReportPoint(f"p{i + 1}", c.text, c.lang, "sentence") for i, c in enumerate(split.claims)]
    return points


def _kind(c: Claim) -> str | None:
    if c.kind == "list_item":
        return "list_item"
    if _QUOTE.search(c.text):
        return "quote"
    if _REPORTED.search(c.text) or c.speaker:
        return "reported_speech"
    return None


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def check_report(
    report: Statement,
    primaries: Sequence[Statement],
    encoder: Encoder | None = None,
    *,
    k: int = 4,
    threshold: float = 1.06,
) -> ReportCheck:
    """Mark each reported point of `report` supported, not_found or conflict against `primaries`.

    The margin needed (1.06) is stricter than for aligning two readouts (1.035): a report point that
    only shares a topic with a primary sentence must come out `not_found`, not `supported`."""
    if not primaries:
        raise CompareError("check-report needs at least one primary statement (--against)")
    model = encoder if encoder is not None else default_encoder()
    points = extract_points(report.text, report.lang)
    sources: list[tuple[str, Claim]] = []
    for n, st in enumerate(primaries, start=1):
        side = side_of(st, f"s{n}.")
        name = st.ref or st.title or f"source {n}"
        sources.extend((name, c) for c in side.claims)
    if not points or not sources:
        return ReportCheck(tuple(PointCheck(p, "not_found") for p in points), model.name, model.version)
    vecs = model.encode([p.text for p in points] + [c.text for _, c in sources])
    vp, vs = vecs[: len(points)], vecs[len(points) :]
    bg = model.encode(list(BACKGROUND_SENTENCES)) if min(len(points), len(sources)) < k else None
    _cos, margin = margin_matrix(vp, vs, k, bg)
    out: list[PointCheck] = []
    for i, p in enumerate(points):
        j = int(np.argmax(margin[i]))
        name, claim = sources[j]
        score = float(margin[i, j])
        if p.quote and any(_norm(p.quote) in _norm(c.text) for _, c in sources):
            name, claim = next((nm, c) for nm, c in sources if _norm(p.quote) in _norm(c.text))
            out.append(PointCheck(p, "supported", name, claim.id, claim.text, score, ("quote: verbatim",)))
            continue
        if score < threshold:
            out.append(PointCheck(p, "not_found", None, None, None, score))
            continue
        lab = label_pair(p.text, claim.text, p.lang, claim.lang)
        verdict = "conflict" if lab.label == "conflict" else "supported"
        reasons = lab.reasons + (("quote: not verbatim",) if p.quote else ())
        out.append(PointCheck(p, verdict, name, claim.id, claim.text, score, reasons))
    return ReportCheck(tuple(out), model.name, model.version)
