"""Check a report's points against primary statements: supported, not_found or conflict.

Reported points are list items, sentences with reported speech ("said", "erklärte", "заявил", "a
déclaré", "表示") and quotes. When a report has none of these, every sentence counts as a point. Each
point is matched to the closest primary claim by ratio margin over all primaries together; a match
below the margin threshold is `not_found`, a match whose label is `conflict` is `conflict`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from onrecord.analysis.actors import _GENERIC, _different_entities
from onrecord.analysis.align import BACKGROUND_SENTENCES, margin_matrix
from onrecord.analysis.claims import Claim, _parse_boilerplate, extract_claims
from onrecord.analysis.compare import Statement, nli_json, nli_reason, side_of
from onrecord.analysis.cues import find_initiative
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.labels import label_pair
from onrecord.analysis.nli import DEFAULT_THRESHOLD, NLIModel, contradiction_scores
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
    speaker: str | None = None  # who the report relays ("Aldoria's account", "Vestmark")
    claim: str = ""  # what is checked: the text without its attribution ("" : the text itself)

    @property
    def checked(self) -> str:
        return self.claim or self.text


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
            "speaker": self.point.speaker,
            "claim": self.claim_id,
            "verdict": self.verdict,
            "source": self.source,
            "sentence": self.sentence,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class ReportCheck:
    points: tuple[PointCheck, ...]
    model_name: str
    model_version: str
    nli: tuple[str, str] | None = None  # (name, version) of the NLI model, when one was used

    def to_json(self) -> dict[str, Any]:
        return {
            "points": [p.to_json() for p in self.points],
            "model": {"name": self.model_name, "version": self.model_version, "nli": nli_json(self.nli)},
        }


_SAY = (
    r"(?:says|said|say|states|stated|notes|noted|told\s+\w+|announced|claims|claimed|stressed|"
    r"insists|insisted|reports|reported|adds|added|confirms|confirmed|"
    r"sagt|sagte|erklärt|erklärte|betont|betonte|teilt\s+mit|teilte\s+mit|"
    r"заявил\w*|сообщил\w*|сказал\w*|отметил\w*|подчеркнул\w*|"
    r"a déclaré|a affirmé|a dit|a souligné|a annoncé|affirme|déclare|indique)"
)
_WHO = r"(?P<who>[^,;:.!?«»\"“”„]{2,60}?)"
# Reported speech that introduces its content: "X's account says (that) ...", "Vestmark said ...",
# "according to X, ...". The attribution is kept as the point's speaker; the rest is what is checked.
_LEAD = [
    re.compile(r"^" + _WHO + r"\s+" + _SAY + r"(?:\s+(?:that|dass|что|que|qu['’]))?\s*,?\s+(?=\S)", re.I),
    re.compile(r"^(?:according to|laut|nach Angaben (?:von|des|der)|по словам|selon)\s+" + _WHO + r",\s*", re.I),
]
_TRAIL = [
    re.compile(r",\s*(?:according to|laut|по словам|selon)\s+" + _WHO + r"\s*([.!?]?)\s*$", re.I),
    re.compile(r",\s*" + _WHO + r"\s+" + _SAY + r"\s*([.!?]?)\s*$", re.I),
    re.compile(r",\s*" + _SAY + r"\s+" + _WHO + r"\s*([.!?]?)\s*$", re.I),
]
# "X says A and that B": two complement clauses, two points.
_AND_THAT = re.compile(r",?\s+(?:and|und|и|et)\s+(?:that|dass|что|que|qu['’])\s+", re.I)


def split_attribution(text: str) -> tuple[str | None, str, tuple[str, str]]:
    """(who is relayed, what they are said to say, the words around it): "Aldoria's account says Falk
    asked for the call" -> ("Aldoria's account", "Falk asked for the call", ("Aldoria's account says ",
    "")). Without an attribution: (None, text, ("", ""))."""
    for pat in _LEAD:
        m = pat.match(text)
        if m and len(m.group("who").split()) <= 6:
            return m.group("who").strip(), text[m.end() :], (text[: m.end()], "")
    for pat in _TRAIL:
        m = pat.search(text)
        if m and len(m.group("who").split()) <= 6:
            end = m.group(m.lastindex or 0) or ""
            return m.group("who").strip(), text[: m.start()].rstrip() + end, ("", text[m.start() :])
    return None, text, ("", "")


def extract_points(text: str, lang: str | None = None, title: str | None = None) -> list[ReportPoint]:
    """The reported points of a report: list items (bulleted, or "The main points: A; B; and C."),
    quotes, reported speech (else every sentence but the headline). "X says A and that B" gives two
    points. A point's `claim` is what is checked: its text without the attribution, kept in `speaker`."""
    split = extract_claims(text, lang, prefix="p", title=title)
    points: list[ReportPoint] = []

    def add(c: Claim, kind: str, shown: str, who: str | None, claim: str) -> None:
        q = _QUOTE.search(shown)
        pid = f"p{len(points) + 1}"
        points.append(ReportPoint(pid, shown, c.lang, kind, q.group(1) if q else None, who, claim))

    for c in split.claims:
        kind = _kind(c)
        if kind is None:
            continue
        who, content, (before, after) = split_attribution(c.text)
        parts = _AND_THAT.split(content) if who and kind != "quote" else [content]
        if len(parts) == 1:
            add(c, kind, c.text, who, content)
            continue
        for n, part in enumerate(parts):
            part = part.strip()
            if n < len(parts) - 1 and not after:
                part = part.rstrip(",;") + "."
            add(c, kind, before + part + after, who, part)
    if not points:
        for c in split.claims:
            if c.kind != "headline":
                add(c, "sentence", c.text, None, c.text)
    return points


def _kind(c: Claim) -> str | None:
    if c.kind == "list_item":
        return "list_item"
    if _QUOTE.search(c.text):
        return "quote"
    if _REPORTED.search(c.text) or c.speaker:
        return "reported_speech"
    return None


LEXICAL_WEIGHT = 0.1
_STOP = frozenset(
    [
        "this",
        "that",
        "with",
        "from",
        "have",
        "will",
        "would",
        "were",
        "been",
        "their",
        "there",
        "they",
        "them",
        "than",
        "then",
        "also",
        "after",
        "about",
        "into",
        "over",
        "which",
        "what",
        "when",
        "where",
        "while",
        "both",
        "said",
        "says",
        "agreed",
        "discussed",
        "leaders",
        "leader",
        "sides",
        "side",
        "call",
        "talks",
        "statement",
        "account",
        "again",
        "today",
        "last",
        "next",
        "first",
        "week",
        "year",
        "dass",
        "eine",
        "einer",
        "einem",
        "einen",
        "sich",
        "wird",
        "werde",
        "wurde",
        "beide",
        "seiten",
        "sowie",
        "nach",
        "über",
        "auch",
        "noch",
        "durch",
        "haben",
        "sind",
    ]
) | frozenset(w for w in _GENERIC if len(w) >= 4)


def _content_words(text: str) -> frozenset[str]:
    s = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("k", "c")
    return frozenset(w for w in re.findall(r"[^\W\d_]{4,}", s) if w not in _STOP)


def _overlap(point: frozenset[str], source: frozenset[str]) -> float:
    """Share of the point's content words found in the source: same first five letters, or (for words
    of six letters or more) inside a source compound."""
    hits = 0
    for w in point:
        if any(w[:5] == x[:5] or (len(w) >= 6 and w in x) for x in source):
            hits += 1
    return hits / len(point)


_ASKED = re.compile(
    r"^(?P<x>[^,;:]{2,60}?)\s+(?:had\s+)?(?:asked for|requested|initiated|sought|proposed|bat um|"
    r"ersuchte um|initiierte)\s+(?:the|this|das|dieses|den)\s+(?:phone\s+|telephone\s+)?"
    r"(?:call|conversation|talks|Telefonat|Gespräch|Anruf)\b",
    re.I,
)


def _initiative_check(p: ReportPoint, events: list[tuple[str, Claim]]) -> PointCheck | None:
    """A point on who asked for the call is checked against the openings' initiative: supported when an
    opening names the same side, conflict when every opening that names one names another."""
    m = _ASKED.match(p.checked)
    who = m.group("x") if m else find_initiative(p.checked)
    if not who:
        return None
    named = [(nm, c, x) for nm, c in events if (x := find_initiative(c.text) or _asked_in_opening(c.text))]
    if not named:
        return None
    for nm, c, x in named:
        if _different_entities(who, x) is False:
            return PointCheck(p, "supported", nm, c.id, c.text, None, (f"initiative: {x!r} in the opening",))
    nm, c, x = named[0]
    if all(_different_entities(who, y) for _, _, y in named):
        return PointCheck(p, "conflict", nm, c.id, c.text, None, (f"initiative: point {who!r} / {x!r}",))
    return None


def _asked_in_opening(text: str) -> str | None:
    """ "X spoke with Y, who had requested the call" -> "Y"."""
    meta = _parse_boilerplate(text)
    return meta.initiative if meta else None


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def check_report(
    report: Statement,
    primaries: Sequence[Statement],
    encoder: Encoder | None = None,
    *,
    k: int = 4,
    threshold: float = 1.06,
    nli: NLIModel | None = None,
    nli_threshold: float = DEFAULT_THRESHOLD,
) -> ReportCheck:
    """Mark each reported point of `report` supported, not_found or conflict against `primaries`. With an
    `nli` model, a supported point that the model finds contradicted by its primary sentence (as in
    `compare.refine_with_nli`) is a conflict.

    The margin needed (1.06) is stricter than for aligning two readouts (1.035): a report point that
    only shares a topic with a primary sentence must come out `not_found`, not `supported`."""
    if not primaries:
        raise CompareError("check-report needs at least one primary statement (--against)")
    model = encoder if encoder is not None else default_encoder()
    points = extract_points(report.text, report.lang, report.title or None)
    groups: list[list[tuple[str, Claim]]] = []
    for n, st in enumerate(primaries, start=1):
        side = side_of(st, f"s{n}.")
        name = st.ref or st.title or f"source {n}"
        group = [(name, c) for c in side.claims]
        if side.event is not None:  # the opening (who called whom, at whose request) can be reported too
            group.insert(0, (name, Claim(f"s{n}.0", side.event.text, side.lang, "event")))
        if group:
            groups.append(group)
    sources = [x for g in groups for x in g]
    if not points or not sources:
        return ReportCheck(tuple(PointCheck(p, "not_found") for p in points), model.name, model.version)
    vecs = model.encode([p.checked for p in points] + [c.text for _, c in sources])
    vp = vecs[: len(points)]
    # Margins per primary statement: each is calibrated on its own sentences, so a primary in another
    # language than the report is not drowned by the same-language one's generally higher cosines.
    margin = np.zeros((len(points), len(sources)), dtype=np.float32)
    off = len(points)
    col = 0
    for group in groups:
        vs = vecs[off : off + len(group)]
        bg = model.encode(list(BACKGROUND_SENTENCES)) if min(len(points), len(group)) < k else None
        margin[:, col : col + len(group)] = margin_matrix(vp, vs, k, bg)[1]
        off += len(group)
        col += len(group)
    # Shared content words (names, places, terms; compounds across languages: "Getreidekorridor") add
    # up to LEXICAL_WEIGHT to the margin: the e5 margin alone cannot tell two sentences of the same call
    # apart when the point is short ("the Joint Border Commission will meet again in the spring").
    src_words = [_content_words(c.text) for _, c in sources]
    for i, p in enumerate(points):
        pw = _content_words(p.checked)
        if pw:
            margin[i] += np.array([LEXICAL_WEIGHT * _overlap(pw, sw) for sw in src_words], dtype=np.float32)
    events = [(nm, c) for nm, c in sources if c.kind == "event"]
    out: list[PointCheck] = []
    for i, p in enumerate(points):
        j = int(np.argmax(margin[i]))
        name, claim = sources[j]
        score = float(margin[i, j])
        init = _initiative_check(p, events)
        if init is not None:
            out.append(init)
            continue
        if p.quote and any(_norm(p.quote) in _norm(c.text) for _, c in sources):
            name, claim = next((nm, c) for nm, c in sources if _norm(p.quote) in _norm(c.text))
            out.append(PointCheck(p, "supported", name, claim.id, claim.text, score, ("quote: verbatim",)))
            continue
        if score < threshold:
            out.append(PointCheck(p, "not_found", None, None, None, score))
            continue
        lab = label_pair(p.checked, claim.text, p.lang, claim.lang)
        verdict = "conflict" if lab.label == "conflict" else "supported"
        reasons = lab.reasons + (("quote: not verbatim",) if p.quote else ())
        out.append(PointCheck(p, verdict, name, claim.id, claim.text, score, reasons))
    if nli is not None:
        out = _refine_with_nli(out, nli, nli_threshold)
    return ReportCheck(tuple(out), model.name, model.version, (nli.name, nli.version) if nli is not None else None)


def _refine_with_nli(checks: list[PointCheck], nli: NLIModel, threshold: float) -> list[PointCheck]:
    todo = [n for n, c in enumerate(checks) if c.verdict == "supported" and c.sentence]
    scores = contradiction_scores(nli, [(checks[n].point.checked, checks[n].sentence or "") for n in todo])
    out = list(checks)
    for n, score in zip(todo, scores, strict=True):
        if score is not None and score >= threshold:
            c = out[n]
            out[n] = replace(c, verdict="conflict", reasons=(nli_reason(score, nli), *c.reasons))
    return out
