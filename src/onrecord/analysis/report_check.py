"""Check every point of a report against every version of the primary statements.

A point is each sentence and list point of the report (the headline is its title, not a point); a point
that relays someone ("X said ...", "according to X", a quote) is marked `attributed`, and what is checked is
its content without the attribution. Each point is matched against the sentences of every version of every
primary statement (and their openings: who spoke with whom, at whose request). The match is scored as in
`compare`: the cosine plus what the two share exactly (names, numbers, dates), over the typical score of
the point's nearest sentences (a ratio margin, calibrated on this report and these statements, not a
global cut-off). The opening matches only a point about the call itself (`_best_sentence`), and a sentence
about as close to the report's other points is no support (`_hub_check`). Per version a point is `supported`
(a clear match, no hard difference, and the version states the point's figures: see `_figures_check`),
`conflict` (a clear match whose facts differ, an opposed position, or a weekday for the call that is not the
statement's date: see `_weekday_check`) or `not_found`; the point's verdict is
the best over all versions, with a finding that says which version supports it ("supported by version 1, removed in
version 2").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date as _date
from datetime import timedelta
from typing import Any

import numpy as np

from onrecord.analysis.background import background_vectors
from onrecord.analysis.claims import extract_claims, find_initiative
from onrecord.analysis.compare import Statement, nli_json, nli_reason, side_of
from onrecord.analysis.differences import differences
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.facts import Fact, Facts, iso_day, read_facts
from onrecord.analysis.langdata import compiled
from onrecord.analysis.nli import DEFAULT_THRESHOLD, NLIModel, contradiction_scores
from onrecord.analysis.positions import agreed_vs_hope, opposed
from onrecord.analysis.topics import anchor_matrix, pair_scores
from onrecord.errors import CompareError

__all__ = [
    "PointCheck",
    "Primary",
    "ReportCheck",
    "ReportPoint",
    "VersionCheck",
    "check_report",
    "extract_points",
    "split_attribution",
]

VERDICTS = ("supported", "not_found", "conflict")
SUPPORT_MARGIN = 1.01  # a point's best sentence this clear (margin with shared keys) is a match; set on the dev set
HUB_Z = 0.7  # a supporting sentence this much closer (z over the report's points) to the point than to the others
HUB_POINTS = 4  # ... checked in a report of at least this many points
CONFLICT_MARGIN = 1.03  # ... this clear when its facts differ, to call the point a conflict, or when it states
# figures (counts, durations, times, dates) the version does not, to call it supported

_QUOTE = re.compile(r"[“\"«„「『]([^”\"»“」』]{8,})[”\"»“」』]")


@dataclass(frozen=True)
class Primary:
    """A primary statement with all the versions to check against (oldest first). A file has one version."""

    name: str
    versions: tuple[Statement, ...]

    @classmethod
    def of(cls, st: Statement) -> Primary:
        return cls(st.source or st.ref or st.title or "source", (st,))


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

    @property
    def attributed(self) -> bool:
        return self.kind in ("quote", "reported_speech") or self.speaker is not None


@dataclass(frozen=True)
class VersionCheck:
    source: str
    version: int | None
    verdict: str
    sentence: str | None
    score: float | None
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.version,
            "verdict": self.verdict,
            "sentence": self.sentence,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class PointCheck:
    point: ReportPoint
    verdict: str  # supported | not_found | conflict
    source: str | None = None  # name of the primary statement
    claim_id: str | None = None
    sentence: str | None = None
    score: float | None = None
    reasons: tuple[str, ...] = ()
    version: int | None = None
    finding: str = ""
    versions: tuple[VersionCheck, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.point.id,
            "text": self.point.text,
            "lang": self.point.lang,
            "kind": self.point.kind,
            "attributed": self.point.attributed,
            "speaker": self.point.speaker,
            "claim": self.claim_id,
            "verdict": self.verdict,
            "source": self.source,
            "version": self.version,
            "sentence": self.sentence,
            "finding": self.finding,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
            "versions": [v.to_json() for v in self.versions],
        }


@dataclass(frozen=True)
class ReportCheck:
    points: tuple[PointCheck, ...]
    model_name: str
    model_version: str
    nli: tuple[str, str] | None = None
    sources: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "points": [p.to_json() for p in self.points],
            "sources": list(self.sources),
            "model": {"name": self.model_name, "version": self.model_version, "nli": nli_json(self.nli)},
        }


# --- points -----------------------------------------------------------------------------------------

_SAY = (
    r"(?:says|said|say|states|stated|notes|noted|told\s+\w+|announced|claims|claimed|stressed|"
    r"insists|insisted|reports|reported|adds|added|confirms|confirmed|"
    r"sagt|sagte|erklärt|erklärte|betont|betonte|teilt\s+mit|teilte\s+mit|"
    r"заявил\w*|сообщил\w*|сказал\w*|отметил\w*|подчеркнул\w*|"
    r"a déclaré|a affirmé|a dit|a souligné|a annoncé|affirme|déclare|indique)"
)
_WHO = r"(?P<who>[^,;:.!?«»\"“”„]{2,60}?)"
_LEAD = [
    re.compile(r"^" + _WHO + r"\s+" + _SAY + r"(?:\s+(?:that|dass|что|que|qu['’]))?\s*,?\s+(?=\S)", re.I),
    re.compile(r"^(?:according to|laut|nach Angaben (?:von|des|der)|по словам|selon)\s+" + _WHO + r",\s*", re.I),
]
_TRAIL = [
    re.compile(r",\s*(?:according to|laut|по словам|selon)\s+" + _WHO + r"\s*([.!?]?)\s*$", re.I),
    re.compile(r",\s*" + _WHO + r"\s+" + _SAY + r"\s*([.!?]?)\s*$", re.I),
    re.compile(r",\s*" + _SAY + r"\s+" + _WHO + r"\s*([.!?]?)\s*$", re.I),
]
_AND_THAT = re.compile(r",?\s+(?:and|und|и|et)\s+(?:that|dass|что|que|qu['’])\s+", re.I)


def split_attribution(text: str) -> tuple[str | None, str, tuple[str, str]]:
    """(who is relayed, what they are said to say, the words around it); (None, text, ("", "")) without one."""
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
    """Every sentence and list point of a report, in order (not the headline). "X says A and that B" gives
    two points. A point's `claim` is what is checked: its text without the attribution (kept in `speaker`)."""
    split = extract_claims(text, lang, prefix="p", title=title)
    points: list[ReportPoint] = []
    for c in split.claims:
        if c.kind == "headline":
            continue
        q = _QUOTE.search(c.text)
        who, content, (before, after) = split_attribution(c.text)
        who = who or c.speaker
        kind = "list_item" if c.kind == "list_item" else "quote" if q else "reported_speech" if who else "sentence"
        parts = _AND_THAT.split(content) if who and kind != "quote" else [content]
        for n, part in enumerate(parts):
            part = part.strip()
            shown = c.text
            if len(parts) > 1:
                if n < len(parts) - 1 and not after:
                    part = part.rstrip(",;") + "."
                shown = before + part + after
            qq = _QUOTE.search(shown)
            points.append(
                ReportPoint(
                    f"p{len(points) + 1}", shown, c.lang, kind, qq.group(1) if qq else None, who, part if who else ""
                )
            )
    return points


def _point(n: int, text: str, lang: str | None) -> ReportPoint:
    from onrecord.analysis.lang import detect_language

    who, content, _ = split_attribution(text)
    q = _QUOTE.search(text)
    kind = "quote" if q else "reported_speech" if who else "sentence"
    return ReportPoint(
        f"p{n}", text, lang or detect_language(text), kind, q.group(1) if q else None, who, content if who else ""
    )


# --- the check ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    source: str
    text: str
    lang: str
    claim_id: str
    versions: tuple[int | None, ...]
    date: str | None = None  # the first version's date, to resolve "yesterday" and weekdays

    @property
    def opening(self) -> bool:
        """The version's opening (who spoke with whom, when, at whose request): `_pool` numbers it 0."""
        return self.claim_id.endswith(".0")


def _pool(primaries: Sequence[Primary]) -> tuple[list[_Sentence], list[tuple[str, int | None]]]:
    """Every distinct sentence of every version (openings too), with the versions that contain it."""
    found: dict[tuple[str, str], tuple[str, str, list[int | None], str | None]] = {}
    all_versions: list[tuple[str, int | None]] = []
    for n, prim in enumerate(primaries, start=1):
        for st in prim.versions:
            all_versions.append((prim.name, st.version))
            side = side_of(st, f"s{n}.")
            sents = [(c.id, c.text, c.lang) for c in side.claims]
            if side.event is not None:
                sents.insert(0, (f"s{n}.0", side.event.text, side.lang))
            for cid, text, lang in sents:
                key = (prim.name, " ".join(text.split()))
                if key not in found:
                    found[key] = (cid, lang, [], st.date)
                found[key][2].append(st.version)
    pool = [_Sentence(src, text, lang, cid, tuple(vs), d) for (src, text), (cid, lang, vs, d) in found.items()]
    return pool, all_versions


def _finding(checks: list[VersionCheck], versions: list[tuple[str, int | None]]) -> str:
    """ "supported by version 1, removed in version 2" and kin, for one primary with numbered versions."""
    numbered = [c for c in checks if c.version is not None]
    if len(numbered) < 2:
        return ""
    sup = [c.version for c in numbered if c.verdict == "supported"]
    con = [c for c in numbered if c.verdict == "conflict"]
    gone = [c.version for c in numbered if c.verdict == "not_found"]
    parts = []
    if sup:
        parts.append("supported by " + _versions(sup))
    if con:
        parts.append(
            f"{_versions([c.version for c in con])} says otherwise"
            + (f" ({con[0].reasons[0]})" if con[0].reasons else "")
        )
    if gone and sup and min(v or 0 for v in gone) > max(v or 0 for v in sup):
        parts.append("removed in " + _versions(gone))
    elif gone and (sup or con):
        parts.append("not in " + _versions(gone))
    return ", ".join(parts)


def _versions(vs: Sequence[int | None]) -> str:
    nums = sorted(v for v in vs if v is not None)
    if len(nums) == 1:
        return f"version {nums[0]}"
    if nums == list(range(nums[0], nums[-1] + 1)):
        return f"versions {nums[0]}–{nums[-1]}"
    return "versions " + ", ".join(str(v) for v in nums)


def check_report(
    report: Statement,
    primaries: Sequence[Statement | Primary],
    encoder: Encoder | None = None,
    *,
    k: int = 4,
    threshold: float = SUPPORT_MARGIN,
    nli: NLIModel | None = None,
    nli_threshold: float = DEFAULT_THRESHOLD,
    points: Sequence[str] | None = None,
) -> ReportCheck:
    """Mark each point of `report` supported, not_found or conflict against every version of `primaries`
    (Statements, each one version, or Primary objects with their versions). `points`: check these spans of
    the report instead of its sentences."""
    if not primaries:
        raise CompareError("check-report needs at least one primary statement (--against)")
    prims = [p if isinstance(p, Primary) else Primary.of(p) for p in primaries]
    model = encoder if encoder is not None else default_encoder()
    if points is None:
        pts = extract_points(report.text, report.lang, report.title or None)
    else:
        pts = [_point(n, t, report.lang) for n, t in enumerate(points, start=1)]
    pool, all_versions = _pool(prims)
    sources = tuple(
        {
            "name": p.name,
            "versions": [{"version": v.version, "date": v.date, "url": v.url, "ref": v.ref} for v in p.versions],
        }
        for p in prims
    )
    if not pts or not pool:
        return ReportCheck(tuple(PointCheck(p, "not_found") for p in pts), model.name, model.version, sources=sources)
    vecs = model.encode([p.checked for p in pts] + [s.text for s in pool])
    vp, vs = vecs[: len(pts)], vecs[len(pts) :]
    fp = [read_facts(p.checked, p.lang, report.date) for p in pts]
    fs = [read_facts(s.text, s.lang, s.date) for s in pool]
    anchors = anchor_matrix([f.keys for f in fp], [f.keys for f in fs])
    bg = background_vectors(model)
    # margins per version: each version's own sentences are the neighbourhood (two near-identical versions
    # of one sentence would otherwise halve each other's margin)
    by_version: dict[tuple[str, int | None], tuple[list[int], np.ndarray]] = {}
    stated: dict[tuple[str, int | None], tuple[list[Facts], tuple[_date, ...]]] = {}
    for name, version in all_versions:
        cols = [j for j, s in enumerate(pool) if s.source == name and version in s.versions]
        if cols:
            sub = vs[cols]
            small = min(len(pts), len(cols)) < 2 * k
            _, m = pair_scores(
                vp @ sub.T, anchors[:, cols], vp @ bg.T if small else None, sub @ bg.T if small else None, k
            )
            by_version[(name, version)] = (cols, m)
            stated[(name, version)] = ([fs[c] for c in cols], _days_around(pool[cols[0]].date))
    dated = {d.isoweekday() for s in pool if (d := iso_day(s.date)) is not None}
    out: list[PointCheck] = []
    for i, p in enumerate(pts):
        per_version: list[tuple[int, VersionCheck]] = []
        for (name, version), (cols, m) in by_version.items():
            x = _best_sentence(p, m[i], [pool[c] for c in cols])
            j = cols[x]
            vc = _initiative_check(p, [pool[c] for c in cols], name, version)
            if vc is None:
                vc = _verdict(p, pool[j], float(m[i, x]), fp[i], fs[j], threshold, name, version)
                vc = _weekday_check(vc, fp[i], pool[j], [pool[c] for c in cols], dated)
                vc = _figures_check(vc, fp[i], *stated[(name, version)])
                vc = _hub_check(vc, vp @ vs[j], i)
            elif vc.sentence is not None:
                j = next(c for c in cols if pool[c].text == vc.sentence)
            else:
                vc = replace(vc, score=float(m[i, x]))
            per_version.append((j, vc))
        per_version = _gone_in_later_versions(per_version)
        j, vc = max(
            per_version, key=lambda t: (t[1].verdict != "not_found", t[1].verdict == "supported", t[1].score or 0.0)
        )
        found = vc.verdict != "not_found"
        finding = _finding([c for _, c in per_version if c.source == vc.source], all_versions)
        out.append(
            PointCheck(
                p,
                vc.verdict,
                vc.source if found else None,
                pool[j].claim_id if found else None,
                vc.sentence if found else None,
                vc.score,
                vc.reasons,
                vc.version if found else None,
                finding,
                tuple(c for _, c in per_version),
            )
        )
    if nli is not None:
        out = _refine_with_nli(out, nli, nli_threshold)
    return ReportCheck(
        tuple(out), model.name, model.version, (nli.name, nli.version) if nli is not None else None, sources
    )


def _about_the_event(text: str) -> bool:
    """The text speaks of a call or meeting itself: a call or meeting word of any language file
    ([events] `call`, `meeting`: "phone call", "通电话", "Telefonat", "talks")."""
    return any(
        (rx := compiled("und", name)) is not None and rx.search(text) is not None for name in ("call", "meeting")
    )


def _best_sentence(p: ReportPoint, row: np.ndarray, sentences: Sequence[_Sentence]) -> int:
    """The version's sentence that best matches the point (index into `sentences`, the row's columns). The
    opening ("X spoke by telephone with Y") shares the participants with every point and resembles each
    one; it is the point's sentence only when the point speaks of the call or meeting itself ("they spoke
    for 20 minutes", "in the call, X urged Y ..."). Otherwise the best of the other sentences is taken, and
    its own margin decides: the opening alone does not support what the point says about the leaders."""
    x = int(row.argmax())
    if not sentences[x].opening or _about_the_event(p.checked):
        return x
    others = [n for n, s in enumerate(sentences) if not s.opening]
    return max(others, key=lambda n: float(row[n])) if others else x


def _hub_check(vc: VersionCheck, cos: np.ndarray, i: int) -> VersionCheck:
    """A `supported` verdict stands only when its sentence resembles this point more than it resembles the
    report's other points: `cos` holds the sentence's cosine to every point, and this point's must lie
    `HUB_Z` standard deviations above their mean. A generic sentence ("the leaders affirmed the strength of
    their relations") or a readout's framing resembles every point of a report alike; being the nearest
    sentence to a point of background or comment, it is not a source for it. A verbatim quote stands."""
    if vc.verdict != "supported" or "the quote is verbatim" in vc.reasons or len(cos) < HUB_POINTS:
        return vc
    sd = float(cos.std())
    if sd > 1e-9 and (float(cos[i]) - float(cos.mean())) / sd >= HUB_Z:
        return vc
    why = "the nearest sentence is about as close to the report's other points"
    return replace(vc, verdict="not_found", sentence=None, reasons=(why,))


# --- figures the point states ------------------------------------------------------------------------

_FIGURES = ("amount", "count", "percent", "duration", "time", "date")
_NUMBERS = ("amount", "count", "percent")
_WHEN = ("date", "time")


def _days_around(iso: str | None) -> tuple[_date, ...]:
    """A statement's own date and the days either side (a call late on the 3rd in Washington is the 4th in
    Seoul): a report point dated so is dated by the statement itself."""
    d = iso_day(iso)
    return (d - timedelta(days=1), d, d + timedelta(days=1)) if d else ()


def _same_date(point: tuple[Any, ...], stated: tuple[Any, ...]) -> bool:
    """The month and day the point gives are the ones stated; the year only where both give one."""
    (py, pm, pd), (sy, sm, sd) = point[:3], stated[:3]
    return (py is None or sy is None or py == sy) and (pm is None or pm == sm) and (pd is None or pd == sd)


def _carried(f: Fact, stated: Sequence[Facts], days: Sequence[_date]) -> bool:
    for facts in stated:
        for g in facts.facts:
            if f.kind in _NUMBERS and g.kind in _NUMBERS and f.value[-1] == g.value[-1]:
                return True
            if f.kind == "date" and g.kind == "date" and _same_date(f.value, g.value):
                return True
            if f.kind == g.kind == "duration" and f.value == g.value:
                return True
            if f.kind == g.kind == "time" and f.value[:2] == g.value[:2]:
                return True
    return f.kind == "date" and any(_same_date(f.value, (d.year, d.month, d.day)) for d in days)


def _unstated(fp: Facts, stated: Sequence[Facts], days: Sequence[_date]) -> list[Fact]:
    """The figures of a point (amounts, counts, percentages, durations, times of day, dates) written in digits
    that no sentence of the version states, nor its own date. Figures in words ("a day", "the two") and the
    numbers one and two are left out: they are too often no figure at all. A duration beside a time of day
    is the span from that time, checked through the time."""
    out = []
    clock = bool(fp.of("time"))
    for f in fp.facts:
        if f.kind not in _FIGURES or not re.search(r"\d", f.text):
            continue
        if f.kind == "duration" and clock:
            continue  # "from 8:25 to 57, 32 minutes": the span is checked through its clock times
        if f.kind in _NUMBERS and f.value[-1] in (1.0, 2.0):
            continue
        if not _carried(f, stated, days):
            out.append(f)
    return out


def _figures_check(vc: VersionCheck, fp: Facts, stated: Sequence[Facts], days: Sequence[_date]) -> VersionCheck:
    """A `supported` verdict stands only when the version states the point's figures. A clear match (as clear
    as a conflict needs) states the point's proposition, and a count or duration is the report's own detail;
    a date or time of day the version does not give still places the point at another event. A barely clear
    match with any figure the version lacks is a near paraphrase of the sentence in general, not a source for
    the point: not_found."""
    if vc.verdict != "supported" or "the quote is verbatim" in vc.reasons:
        return vc
    missing = _unstated(fp, stated, days)
    if (vc.score or 0.0) >= CONFLICT_MARGIN:
        missing = [f for f in missing if f.kind in _WHEN]
    if not missing:
        return vc
    why = "the statement does not state " + ", ".join(f"{f.text} ({f.kind})" for f in missing)
    return replace(vc, verdict="not_found", sentence=None, reasons=(why,))


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_check(
    vc: VersionCheck, fp: Facts, s: _Sentence, sentences: Sequence[_Sentence], dated: set[int]
) -> VersionCheck:
    """A point matched to the version's lead sentence (the call itself: who spoke with whom, "today") that
    dates it on a weekday, without a date of its own, against the version's date: a readout is dated the day
    of the call, so another weekday is a conflict ("this Wednesday" against a statement of Tuesday 4 June
    that says "today"). The statements' own dates decide, not the days either side: the point names the day,
    each statement its own; the weekday of any statement checked (`dated`: two sides of one call in two time
    zones are dated a day apart) is no conflict."""
    d = iso_day(s.date)
    if vc.verdict != "supported" or d is None or fp.of("date") or s not in _leads(sentences):
        return vc
    days = {wd for f in fp.of("weekday") if isinstance(wd := f.value[0], int)}
    if len(days) != 1:
        return vc
    said = days.pop()
    if said == d.isoweekday() or said in dated:
        return vc
    why = (
        f"day differs: {_WEEKDAYS[said - 1]} in the report vs {_WEEKDAYS[d.isoweekday() - 1]} "
        f"{d.day} {d.strftime('%B')} {d.year} (the statement's date)"
    )
    return replace(vc, verdict="conflict", reasons=(why, *vc.reasons))


REMOVED_GAP = 0.03  # a version whose best match is this much weaker than another version's has lost the sentence


def _gone_in_later_versions(checks: list[tuple[int, VersionCheck]]) -> list[tuple[int, VersionCheck]]:
    """Per primary: when one version matches the point clearly and another only through a weaker, different
    sentence, the other version no longer says it (the sentence was removed or rewritten away)."""
    out = list(checks)
    for name in {vc.source for _, vc in checks}:
        mine = [(n, j, vc) for n, (j, vc) in enumerate(checks) if vc.source == name and vc.score is not None]
        found = [(j, vc) for _, j, vc in mine if vc.verdict != "not_found"]
        if len(mine) < 2 or not found:
            continue
        top_j, top = max(found, key=lambda t: t[1].score or 0.0)
        for n, j, vc in mine:
            if vc.verdict == "supported" and j != top_j and (vc.score or 0.0) < (top.score or 0.0) - REMOVED_GAP:
                out[n] = (j, replace(vc, verdict="not_found", sentence=None, reasons=()))
    return out


def _verdict(
    p: ReportPoint, s: _Sentence, score: float, fp: Any, fs: Any, threshold: float, name: str, version: int | None
) -> VersionCheck:
    if p.quote and _norm(p.quote) in _norm(s.text):
        return VersionCheck(name, version, "supported", s.text, score, ("the quote is verbatim",))
    if score < threshold:
        return VersionCheck(name, version, "not_found", None, score)
    diffs = differences(fp, fs, p.checked, s.text, p.lang, s.lang)
    why = opposed(p.checked, s.text, p.lang, s.lang) or agreed_vs_hope(p.checked, s.text, p.lang, s.lang)
    if (diffs or why) and score < CONFLICT_MARGIN:
        # a barely clear match whose facts differ is as likely another event (an earlier call, another date)
        # as a contradiction: saying "conflict" needs a clearer match than saying "supported"
        return VersionCheck(name, version, "not_found", None, score)
    if diffs or why:
        reasons = tuple(d.sentence.replace(" vs ", " in the report vs ", 1) for d in diffs) + ((why,) if why else ())
        return VersionCheck(name, version, "conflict", s.text, score, reasons)
    return VersionCheck(name, version, "supported", s.text, score, ("the quote is not verbatim",) if p.quote else ())


_ASKED = re.compile(
    r"^(?P<x>[^,;:]{2,60}?)\s+(?:had\s+)?(?:asked for|requested|initiated|sought|bat um|ersuchte um|initiierte)\s+"
    r"(?:the|this|das|dieses|den)\s+(?:phone\s+|telephone\s+)?(?:call|conversation|talks|Telefonat|Gespräch|Anruf)\b",
    re.I,
)


def _initiative_check(
    p: ReportPoint, sentences: list[_Sentence], name: str, version: int | None
) -> VersionCheck | None:
    """A point on who asked for the call ("Falk asked for the call"), against the version's opening when it
    names whose request the call was: supported when the names meet, conflict when they do not."""
    m = _ASKED.match(p.checked)
    who = m.group("x") if m else find_initiative(p.checked, p.lang)
    if not who:
        return None
    from onrecord.analysis.facts import entity_keys

    # every key of who asked: a name, or a country ("der deutschen Seite": DE and "n:seite", as German writes
    # nouns capitalised; "the German side": DE); the names meet when any key does
    kw = set(entity_keys("the " + who, p.lang))
    if not kw:
        return None
    for s in _leads(sentences):
        said = find_initiative(s.text, s.lang)
        if not said:
            continue
        if kw & entity_keys("the " + said, s.lang):
            return VersionCheck(name, version, "supported", s.text, None, (f"the opening names {said} as asking",))
        return VersionCheck(
            name, version, "conflict", s.text, None, (f"who initiated differs: {who} in the report vs {said}",)
        )
    # the point says who asked for the call and this version does not: no sentence of it decides the point
    return VersionCheck(name, version, "not_found", None, None, (f"the statement does not say who asked ({who})",))


def _leads(sentences: Sequence[_Sentence]) -> list[_Sentence]:
    """The version's opening; without one (the opening is not in the usual form), its first sentence, which in
    a readout says who spoke with whom, when and at whose request."""
    return [s for s in sentences if s.opening] or [s for s in sentences if s.claim_id.endswith(".1")]


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def _refine_with_nli(checks: list[PointCheck], nli: NLIModel, threshold: float) -> list[PointCheck]:
    todo = [n for n, c in enumerate(checks) if c.verdict == "supported" and c.sentence]
    scores = contradiction_scores(nli, [(checks[n].point.checked, checks[n].sentence or "") for n in todo])
    out = list(checks)
    for n, score in zip(todo, scores, strict=True):
        if score is not None and score >= threshold:
            c = out[n]
            out[n] = replace(c, verdict="conflict", reasons=(nli_reason(score, nli), *c.reasons))
    return out
