"""Events and expectations as a consumer of the findings log (docs/events.md).

Each round reads the `new` findings after its cursor, places their items into events
(`onrecord.analysis.events`), opens and closes expectations (`onrecord.analysis.expect`), raises
`overdue` for those past due, and writes all of it, its own findings and its cursor in one
transaction. Items are only ever placed once: a later round never moves an item, so a user's
merge, split, move or rename stays as the user left it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from onrecord.analysis.events import (
    ActorIndex,
    EventState,
    Features,
    Grouper,
    date_doubt,
    item_features,
    relayed_speaker,
)
from onrecord.analysis.expect import Due, due_time, human, overdue_text
from onrecord.analysis.lang import detect_language
from onrecord.errors import OnrecordError
from onrecord.records import Finding
from onrecord.store.events import EventStore, Expectation, Member, NewItem, Round
from onrecord.store.queries import Store

__all__ = ["EventError", "Events", "RoundResult"]

log = logging.getLogger(__name__)


class EventError(OnrecordError):
    """A bad reference to an event, item or expectation."""


@dataclass
class RoundResult:
    placed: int = 0
    events_new: int = 0
    findings: list[Finding] = field(default_factory=list)


@dataclass
class _Open:
    """An expectation that can still close or fire, kept in memory between rounds."""

    id: int
    event_id: int
    actor: str
    after: str
    opened_at: datetime
    due: datetime | None
    status: str
    source_id: int | None
    basis: dict[str, Any]


class Events:
    """Groups items into events and keeps expectations, reading the findings log after its cursor."""

    def __init__(
        self,
        store: Store,
        *,
        window: float = 36 * 3600,
        min_history: int = 3,
        batch: int = 1000,
    ) -> None:
        self.db = EventStore(store)
        self.window = timedelta(seconds=window)
        self.min_history = min_history
        self.batch = batch
        self._grouper: Grouper | None = None
        self._actors: ActorIndex | None = None
        self._speakers: dict[int, dict[str, datetime]] = {}  # event -> actor -> first statement
        self._titles: dict[int, bool] = {}  # event -> has a non-relay title
        self._open: dict[tuple[int, str], _Open] = {}
        self._asked: set[tuple[int, str]] = set()  # (event, actor) ever expected

    # -- state ----------------------------------------------------------------------------------
    def actor_index(self) -> ActorIndex:
        if self._actors is None:
            known = self.db.actors()
            names: dict[str, list[str]] = {a: list(al) for a, (al, _) in known.items()}
            for actor in self.db.actor_sources():
                names.setdefault(actor, [])
            self._actors = ActorIndex(names, [a for a, (_, relay) in known.items() if relay])
        return self._actors

    def reset(self) -> None:
        """Forget what is cached (after user decisions or actor changes); the next round reloads."""
        self._grouper = None
        self._actors = None
        self._speakers = {}
        self._titles = {}
        self._open = {}
        self._asked = set()

    def _load(self, now: datetime) -> Grouper:
        if self._grouper is not None:
            return self._grouper
        g = Grouper(window=self.window)
        for actor, keys in self.db.all_keys():
            g.count(Features(actor, frozenset(), frozenset(), frozenset(keys), ""))
        recent = self.db.events(since=now - 2 * self.window)
        for ev in recent:
            g.events[ev.id] = EventState(ev.id, ev.started_at, ev.last_at)
        for m in self.db.members(since=now - 2 * self.window):
            st = g.events.get(m.event_id)
            if st is None:
                continue
            f = Features.from_json(m.features)
            st.add(f, m.at)
            for who in (m.actor, m.features.get("speaker")):
                if isinstance(who, str) and who:
                    sp = self._speakers.setdefault(m.event_id, {})
                    sp[who] = min(sp.get(who, m.at), m.at)
        for x in self.db.expectations(event_ids=[e.id for e in recent]):
            self._asked.add((x.event_id, x.actor))
        for x in self.db.expectations(status=["open", "overdue"]):
            self._open[(x.event_id, x.actor)] = _Open(
                x.id, x.event_id, x.actor, x.after_actor, x.opened_at, x.due, x.status, x.source_id, x.basis
            )
        self._grouper = g
        return g

    # -- a round -----------------------------------------------------------------------------------
    def update(self, now: datetime) -> RoundResult:
        """Place what is new, close what was answered, raise what is overdue. Returns this round's work.

        A round that fails (another process placed the same items first: their key is taken) is rolled
        back whole; what this process held in memory is dropped and read again next round."""
        try:
            return self._update(now)
        except Exception:
            self.reset()
            raise

    def _update(self, now: datetime) -> RoundResult:
        res = RoundResult()
        g = self._load(now)
        actors = self.actor_index()
        sources = self.db.actor_sources()
        cursor = self.db.cursor()
        while True:
            items, last = self.db.new_items(cursor, self.batch)
            if last == cursor and not items:
                break
            with self.db.round() as r:
                for it in items:
                    self._place(r, g, actors, sources, it, now, res)
                r.cursor(last)
            cursor = last
        if any(
            x.actor not in sources or (x.status == "open" and x.due is not None and x.due <= now)
            for x in self._open.values()
        ):
            with self.db.round() as r:
                self._fire(r, sources, now, res)
        g.forget_before(now)
        return res

    def place_unplaced(self, now: datetime) -> RoundResult:
        """Place items that were archived before events existed (oldest first)."""
        res = RoundResult()
        g = self._load(now)
        actors = self.actor_index()
        sources = self.db.actor_sources()
        while True:
            items = self.db.unplaced(self.batch)
            if not items:
                break
            with self.db.round() as r:
                for it in items:
                    self._place(r, g, actors, sources, it, now, res, quiet=True)
        return res

    def _place(
        self,
        r: Round,
        g: Grouper,
        actors: ActorIndex,
        sources: dict[str, list[tuple[int, str, str]]],
        it: NewItem,
        now: datetime,
        res: RoundResult,
        quiet: bool = False,
    ) -> None:
        lang = detect_language(f"{it.title}\n{it.text[:600]}")
        f = item_features(it.title, it.text, actor=it.actor, url=it.url, actors=actors, lang=lang)
        at = min(it.at, now)
        # a relay's item (a news agency) that carries an actor's words: placed under that speaker too
        speaker = None
        if it.actor is None or it.actor in actors.relays:
            speaker = relayed_speaker(it.title, it.text, lang, actors)
        place = g.place(f, at)
        g.count(f)
        if place.event_id is None:
            eid = r.add_event(it.title or it.key, at, now)
            g.events[eid] = EventState(eid, at, at)
            res.events_new += 1
            why = "first item"
        else:
            eid = place.event_id
            why = place.why
        st = g.events[eid]
        st.add(f, at)
        r.add_member(
            item_id=it.item_id,
            event_id=eid,
            at=at,
            actor=it.actor,
            lang=lang,
            pinned=False,
            why=why,
            # who spoke through a relay, and the publisher's stated date (`dated`: from a feed entry)
            features={**f.to_json(), "speaker": speaker, "stated": it.stated, "dated": it.dated},
        )
        r.span(eid, st.started_at, st.last_at)
        res.placed += 1
        if res.placed % 256 == 0:
            g.forget_before(at)  # a long catch-up: only events still within the window are compared
        speakers = self._speakers.setdefault(eid, {})
        first_time = it.actor is not None and it.actor not in speakers
        if it.actor:
            speakers[it.actor] = min(speakers.get(it.actor, at), at)
        # this actor was expected here: met
        if it.actor and first_time:
            x = self._open.pop((eid, it.actor), None)
            if x is not None:
                self._met(r, x, it, at, now, res, quiet)
        # the speaker a relay carries was expected here: met, through the relay (docs/events.md)
        if speaker and speaker not in speakers:
            speakers[speaker] = at
            x = self._open.pop((eid, speaker), None)
            if x is not None:
                self._met(r, x, it, at, now, res, quiet, via=it.actor or it.source)
        # it names others who have not spoken here: expect them
        if it.actor and it.actor not in actors.relays:
            for other in sorted(f.parties - {it.actor} - set(speakers)):
                if (eid, other) in self._open or other not in sources:
                    continue
                if (eid, other) in self._asked:
                    continue
                self._expect(r, eid, other, it.actor, speakers[it.actor], sources[other], now)

    def _due(self, actor: str, after: str, opened: datetime, now: datetime) -> Due:
        delays: list[float] = []
        asked = 0
        for x in self.db.history(actor, after, opened):
            if x.status == "met" and x.closed_at is not None:
                asked += 1
                delays.append((x.closed_at - x.opened_at).total_seconds())
            elif x.opened_at < now - timedelta(days=3):
                asked += 1  # never answered
        rule = None
        for _id, a, aft, within in self.db.rules():
            if a == actor and (aft is None or aft == after) and (rule is None or aft is not None):
                rule = within
        return due_time(opened, delays, asked, rule, min_history=self.min_history)

    def _expect(
        self,
        r: Round,
        eid: int,
        actor: str,
        after: str,
        opened: datetime,
        srcs: list[tuple[int, str, str]],
        now: datetime,
    ) -> None:
        due = self._due(actor, after, opened, now)
        basis = due.to_json()
        basis["why"] = due.why()
        xid = r.add_expectation(
            event_id=eid,
            actor=actor,
            after_actor=after,
            source_id=srcs[0][0],
            opened_at=opened,
            due=due.due,
            status="open",
            basis=basis,
        )
        self._asked.add((eid, actor))
        self._open[(eid, actor)] = _Open(xid, eid, actor, after, opened, due.due, "open", srcs[0][0], basis)

    def _met(
        self,
        r: Round,
        x: _Open,
        it: NewItem,
        at: datetime,
        now: datetime,
        res: RoundResult,
        quiet: bool,
        via: str | None = None,
    ) -> None:
        delay = (at - x.opened_at).total_seconds()
        late = x.status == "overdue"
        if not r.change_expectation(x.id, was=("open", "overdue"), status="met", closed_at=at, met_item_id=it.item_id):
            return  # closed meanwhile (cancelled by the user, or by another process)
        if x.due is None or quiet:
            return  # nothing was promised: the answer only teaches the history
        usual = x.basis.get("usual_s")
        text = f"{x.actor} spoke {human(delay)} after {x.after}"
        if via is not None:
            text = f"{x.actor} answered through words relayed by {via}, {human(delay)} after {x.after}"
        if usual:
            said = "expected" if x.basis.get("basis") == "rule" else "usually"
            text += f" ({said} within {human(float(usual))}{'; late' if late else ''})"
        f = Finding(
            kind="expectation_met",
            at=now,
            source=it.source,
            item=it.key,
            url=it.url,
            source_id=it.source_id,
            item_id=it.item_id,
            detail={
                "event": x.event_id,
                "expectation": x.id,
                "actor": x.actor,
                "after": x.after,
                "delay_s": delay,
                "due": x.due.isoformat(),
                "late": late,
                "via": via,
                "text": text,
            },
        )
        r.finding(f)
        res.findings.append(f)

    def _fire(self, r: Round, sources: dict[str, list[tuple[int, str, str]]], now: datetime, res: RoundResult) -> None:
        for key, x in list(self._open.items()):
            srcs = sources.get(x.actor)
            if not srcs:
                r.change_expectation(
                    x.id, status="cancelled", closed_at=now, reason=f"no source of {x.actor} is watched any more"
                )
                del self._open[key]
                continue
            if x.status != "open" or x.due is None or x.due > now:
                continue
            sid, sname, surl = next((s for s in srcs if s[0] == x.source_id), srcs[0])
            silent = (now - x.opened_at).total_seconds()
            x.status = "overdue"
            if not r.change_expectation(x.id, was=("open",), status="overdue", source_id=sid):
                continue  # another process raised it, or the user cancelled it
            f = Finding(
                kind="overdue",
                at=now,
                source=sname,
                item=None,
                url=surl,
                source_id=sid,
                detail={
                    "event": x.event_id,
                    "expectation": x.id,
                    "actor": x.actor,
                    "after": x.after,
                    "due": x.due.isoformat(),
                    "silent_s": silent,
                    "usual_s": x.basis.get("usual_s"),
                    "basis": x.basis.get("basis"),
                    "confidence": x.basis.get("confidence"),
                    "text": f"{x.actor}: {overdue_text(_due_of(x), silent)}",
                },
            )
            r.finding(f)
            res.findings.append(f)

    # -- user decisions ----------------------------------------------------------------------------
    def cancel(self, xid: int, now: datetime, reason: str = "cancelled by the user") -> Expectation:
        found = [x for x in self.db.expectations() if x.id == xid]
        if not found:
            raise EventError(f"no expectation {xid} (see `onrecord events --json`)")
        if found[0].status in ("met", "cancelled"):
            raise EventError(f"expectation {xid} is already {found[0].status}")
        self.db.set_expectation(xid, status="cancelled", closed_at=now, reason=reason)
        self.reset()
        return next(x for x in self.db.expectations() if x.id == xid)

    def _event_of_item(self, item_id: int) -> int:
        ms = [m for m in self.db.members() if m.item_id == item_id]
        if not ms:
            raise EventError(f"item {item_id} is in no event yet (run `onrecord events` first)")
        return ms[0].event_id

    def _check_event(self, eid: int) -> None:
        if not self.db.events(ids=[eid]):
            raise EventError(f"no event {eid} (see `onrecord events`)")

    def move(self, item_id: int, event_id: int) -> None:
        self._check_event(event_id)
        old = self._event_of_item(item_id)
        self.db.move_items([item_id], event_id)
        self.db.refresh_spans([old, event_id])
        self.reset()

    def merge(self, into: int, other: int) -> None:
        self._check_event(into)
        self._check_event(other)
        if into == other:
            raise EventError("cannot merge an event with itself")
        self.db.merge(into, other)
        self.db.refresh_spans([into])
        self.reset()

    def split(self, event_id: int, item_ids: list[int], now: datetime, title: str | None = None) -> int:
        self._check_event(event_id)
        members = {m.item_id: m for m in self.db.members([event_id])}
        missing = [i for i in item_ids if i not in members]
        if missing:
            raise EventError(f"item {missing[0]} is not in event {event_id}")
        first = min(item_ids, key=lambda i: members[i].at)
        new = self.db.new_event(title or members[first].title, members[first].at, now, by_user=title is not None)
        self.db.move_items(item_ids, new)
        self.db.refresh_spans([event_id, new])
        self.reset()
        return new

    def rename(self, event_id: int, title: str) -> None:
        if not title.strip():
            raise EventError("an event title cannot be empty")
        if not self.db.rename(event_id, title.strip()):
            raise EventError(f"no event {event_id} (see `onrecord events`)")

    # -- reading -----------------------------------------------------------------------------------
    def timelines(self, ids: list[int] | None = None) -> list[dict[str, Any]]:
        """Events with their items in time order (delay after the first statement) and expectations."""
        evs = self.db.events(ids=ids)
        wanted = [e.id for e in evs]
        members: dict[int, list[Member]] = {}
        for m in self.db.members(wanted if ids is not None else None):
            members.setdefault(m.event_id, []).append(m)
        exps: dict[int, list[Expectation]] = {}
        for x in self.db.expectations(event_ids=wanted if ids is not None else None):
            exps.setdefault(x.event_id, []).append(x)
        out = []
        for e in evs:
            ms = sorted(members.get(e.id, []), key=lambda m: (m.at, m.item_id))
            t0 = ms[0].at if ms else e.started_at
            out.append(
                {
                    "id": e.id,
                    "title": e.title,
                    "started_at": e.started_at.isoformat(),
                    "items": [
                        {
                            "item": m.item_id,
                            "key": m.key,
                            "url": m.url,
                            "title": m.title,
                            "source": m.source,
                            "actor": m.actor,
                            "speaker": m.features.get("speaker"),
                            "lang": m.lang,
                            "at": m.at.isoformat(),
                            **_dates(m),
                            "delay_s": (m.at - t0).total_seconds(),
                            "pinned": m.pinned,
                            "why": m.why,
                        }
                        for m in ms
                    ],
                    "expectations": [
                        {
                            "id": x.id,
                            "actor": x.actor,
                            "after": x.after_actor,
                            "due": x.due.isoformat() if x.due else None,
                            "status": x.status,
                            "why": x.basis.get("why"),
                            "reason": x.reason,
                        }
                        for x in exps.get(e.id, [])
                    ],
                }
            )
        return out


def _dates(m: Member) -> dict[str, Any]:
    """`stated_at`: the publisher's stated date (placement keeps first sight, `at`); `doubt`: why the two
    disagree, or None."""
    raw = m.features.get("stated")
    stated = None
    if raw:
        try:
            stated = datetime.fromisoformat(str(raw))
        except ValueError:
            stated = None
    return {
        "stated_at": stated.isoformat() if stated else None,
        "doubt": date_doubt(m.at, stated, bool(m.features.get("dated"))),
    }


def _due_of(x: _Open) -> Due:
    b = x.basis
    return Due(
        x.due,
        b.get("usual_s"),
        str(b.get("basis")),
        int(b.get("answered") or 0),
        int(b.get("asked") or 0),
        str(b.get("confidence")),
    )
