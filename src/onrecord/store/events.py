"""Events, expectations, actors and the events consumer's place in the findings log, in SQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from onrecord.records import Finding
from onrecord.store.queries import Store, _finding, _table
from onrecord.store.tables import (
    ActorRow,
    ConsumerRow,
    EventItemRow,
    EventRow,
    ExpectationRow,
    ExpectRuleRow,
    FindingRow,
    ItemRow,
    SourceRow,
    VersionRow,
)


@dataclass(frozen=True)
class NewItem:
    """An item a `new` finding announced, with what grouping reads of it."""

    finding_id: int
    item_id: int
    key: str
    url: str
    at: datetime
    title: str
    text: str
    source_id: int | None
    source: str
    actor: str | None
    # the publisher's stated date, from the `new` finding: its ISO text, None when the feed entry gave
    # none; `dated` False when the item came from no feed entry (a page, a post): nothing was stated
    stated: str | None = None
    dated: bool = False


@dataclass(frozen=True)
class EventRecord:
    id: int
    title: str
    title_by_user: bool
    started_at: datetime
    last_at: datetime


@dataclass(frozen=True)
class Member:
    """An item's place in an event, with its source."""

    event_id: int
    item_id: int
    key: str
    url: str
    title: str
    at: datetime
    actor: str | None
    lang: str
    pinned: bool
    why: str
    features: dict[str, Any]
    source: str
    source_id: int | None


@dataclass(frozen=True)
class Expectation:
    id: int
    event_id: int
    actor: str
    after_actor: str
    source_id: int | None
    opened_at: datetime
    due: datetime | None
    status: str
    basis: dict[str, Any]
    closed_at: datetime | None
    reason: str | None
    met_item_id: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event_id,
            "actor": self.actor,
            "after": self.after_actor,
            "opened_at": self.opened_at.isoformat(),
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "basis": self.basis,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "reason": self.reason,
            "met_item": self.met_item_id,
        }


def _exp(r: ExpectationRow) -> Expectation:
    return Expectation(
        r.id,
        r.event_id,
        r.actor,
        r.after_actor,
        r.source_id,
        r.opened_at,
        r.due,
        r.status,
        dict(r.basis or {}),
        r.closed_at,
        r.reason,
        r.met_item_id,
    )


def _event(r: EventRow) -> EventRecord:
    return EventRecord(r.id, r.title, r.title_by_user, r.started_at, r.last_at)


class EventStore:
    CONSUMER = "events"

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- actors ------------------------------------------------------------------------------------
    def actors(self) -> dict[str, tuple[list[str], bool]]:
        with self.store.session() as s:
            return {r.name: (list(r.aliases or []), bool(r.relay)) for r in s.scalars(select(ActorRow))}

    def set_actor(self, name: str, aliases: Iterable[str], relay: bool | None = None) -> None:
        with self.store.session() as s:
            row = s.scalar(select(ActorRow).where(ActorRow.name == name))
            if row is None:
                s.add(ActorRow(name=name, aliases=sorted(set(aliases)), relay=bool(relay)))
            else:
                row.aliases = sorted(set(row.aliases or []) | set(aliases))
                if relay is not None:
                    row.relay = relay

    def actor_sources(self) -> dict[str, list[tuple[int, str, str]]]:
        """actor -> its sources (id, name, url), oldest first; paused ones left out."""
        out: dict[str, list[tuple[int, str, str]]] = {}
        q = select(SourceRow.id, SourceRow.name, SourceRow.url, SourceRow.actor).order_by(SourceRow.id)
        with self.store.session() as s:
            for sid, name, url, actor in s.execute(q.where(SourceRow.paused.is_(False))):
                if actor:
                    out.setdefault(actor, []).append((sid, name, url))
        return out

    # -- the consumer's cursor ---------------------------------------------------------------------
    def cursor(self) -> int:
        with self.store.session() as s:
            return s.scalar(select(ConsumerRow.cursor).where(ConsumerRow.name == self.CONSUMER)) or 0

    def new_items(self, after: int, limit: int = 1000) -> tuple[list[NewItem], int]:
        """Items announced by `new` findings after `after` (log order), and the last finding id read."""
        last = after
        q = (
            select(
                FindingRow.id,
                FindingRow.kind,
                FindingRow.detail,
                ItemRow,
                VersionRow.title,
                VersionRow.text,
                SourceRow.actor,
                SourceRow.name,
            )
            .outerjoin(ItemRow, ItemRow.id == FindingRow.item_id)
            .outerjoin(VersionRow, VersionRow.id == ItemRow.current_version)
            .outerjoin(SourceRow, SourceRow.id == ItemRow.source_id)
            .where(FindingRow.id > after)
            .order_by(FindingRow.id)
            .limit(limit)
        )
        out: list[NewItem] = []
        with self.store.session() as s:
            for fid, kind, detail, item, title, text, actor, source_name in s.execute(q):
                last = fid
                if kind != "new" or item is None:
                    continue
                detail = detail or {}
                out.append(
                    NewItem(
                        fid,
                        item.id,
                        item.key,
                        item.url,
                        item.first_seen,
                        title or item.title or "",
                        text or "",
                        item.source_id,
                        source_name or "",
                        actor,
                        detail.get("stated"),
                        "stated" in detail,
                    )
                )
        return out, last

    def unplaced(self, limit: int = 1000) -> list[NewItem]:
        """Items with a current version that are in no event (placed before events existed, or moved out)."""
        q = (
            select(ItemRow, VersionRow.title, VersionRow.text, SourceRow.actor, SourceRow.name)
            .join(VersionRow, VersionRow.id == ItemRow.current_version)
            .join(SourceRow, SourceRow.id == ItemRow.source_id)
            .outerjoin(EventItemRow, EventItemRow.item_id == ItemRow.id)
            .where(EventItemRow.item_id.is_(None))
            .order_by(ItemRow.first_seen, ItemRow.id)
            .limit(limit)
        )
        with self.store.session() as s:
            return [
                NewItem(
                    0,
                    it.id,
                    it.key,
                    it.url,
                    it.first_seen,
                    title or it.title or "",
                    text or "",
                    it.source_id,
                    name,
                    actor,
                )
                for it, title, text, actor, name in s.execute(q)
            ]

    # -- writing a round ---------------------------------------------------------------------------
    @contextmanager
    def round(self) -> Iterator[Round]:
        """One transaction for a round of placements: events, places, expectations, findings, cursor."""
        with self.store.session() as s:
            yield Round(s, self.CONSUMER)

    # -- reading -----------------------------------------------------------------------------------
    def events(self, since: datetime | None = None, ids: Sequence[int] | None = None) -> list[EventRecord]:
        q = select(EventRow).order_by(EventRow.started_at, EventRow.id)
        if since is not None:
            q = q.where(EventRow.last_at >= since)
        if ids is not None:
            q = q.where(EventRow.id.in_(list(ids)))
        with self.store.session() as s:
            return [_event(r) for r in s.scalars(q)]

    def members(self, event_ids: Sequence[int] | None = None, since: datetime | None = None) -> list[Member]:
        q = (
            select(EventItemRow, ItemRow.key, ItemRow.url, ItemRow.title, SourceRow.name, ItemRow.source_id)
            .join(ItemRow, ItemRow.id == EventItemRow.item_id)
            .outerjoin(SourceRow, SourceRow.id == ItemRow.source_id)
            .order_by(EventItemRow.at, EventItemRow.item_id)
        )
        if event_ids is not None:
            q = q.where(EventItemRow.event_id.in_(list(event_ids)))
        if since is not None:
            q = q.join(EventRow, EventRow.id == EventItemRow.event_id).where(EventRow.last_at >= since)
        with self.store.session() as s:
            return [
                Member(
                    m.event_id,
                    m.item_id,
                    key,
                    url,
                    title,
                    m.at,
                    m.actor,
                    m.lang,
                    m.pinned,
                    m.why,
                    dict(m.features or {}),
                    name or "",
                    sid,
                )
                for m, key, url, title, name, sid in s.execute(q)
            ]

    def all_keys(self) -> list[tuple[str | None, list[str]]]:
        """(speaker, keys) of every placed item: the frequencies that weigh keys."""
        with self.store.session() as s:
            return [
                (actor, list((f or {}).get("keys") or []))
                for actor, f in s.execute(select(EventItemRow.actor, EventItemRow.features))
            ]

    def expectations(
        self, *, event_ids: Sequence[int] | None = None, status: Sequence[str] | None = None
    ) -> list[Expectation]:
        q = select(ExpectationRow).order_by(ExpectationRow.id)
        if event_ids is not None:
            q = q.where(ExpectationRow.event_id.in_(list(event_ids)))
        if status is not None:
            q = q.where(ExpectationRow.status.in_(list(status)))
        with self.store.session() as s:
            return [_exp(r) for r in s.scalars(q)]

    def history(self, actor: str, after: str, before: datetime) -> list[Expectation]:
        """Past expectations of `actor` after `after`, opened before `before`: the delays to learn from."""
        q = select(ExpectationRow).where(
            ExpectationRow.actor == actor,
            ExpectationRow.after_actor == after,
            ExpectationRow.opened_at < before,
            ExpectationRow.status != "cancelled",
        )
        with self.store.session() as s:
            return [_exp(r) for r in s.scalars(q)]

    def rules(self) -> list[tuple[int, str, str | None, float]]:
        with self.store.session() as s:
            return [
                (r.id, r.actor, r.after, r.within) for r in s.scalars(select(ExpectRuleRow).order_by(ExpectRuleRow.id))
            ]

    def add_rule(self, actor: str, after: str | None, within: float) -> int:
        with self.store.session() as s:
            row = ExpectRuleRow(actor=actor, after=after, within=within)
            s.add(row)
            s.flush()
            return row.id

    def remove_rule(self, rule_id: int) -> bool:
        with self.store.session() as s:
            return bool(s.execute(delete(ExpectRuleRow).where(ExpectRuleRow.id == rule_id)).rowcount)  # type: ignore[attr-defined]

    # -- user decisions ----------------------------------------------------------------------------
    def move_items(self, item_ids: Sequence[int], event_id: int) -> None:
        ei = _table(EventItemRow)
        with self.store.session() as s:
            s.execute(
                update(ei)
                .where(ei.c.item_id.in_(list(item_ids)))
                .values(event_id=event_id, pinned=True, why="moved by the user")
            )

    def new_event(self, title: str, at: datetime, now: datetime, by_user: bool = False) -> int:
        with self.store.session() as s:
            row = EventRow(title=title, title_by_user=by_user, started_at=at, last_at=at, created_at=now)
            s.add(row)
            s.flush()
            return row.id

    def rename(self, event_id: int, title: str) -> bool:
        ev = _table(EventRow)
        with self.store.session() as s:
            return bool(
                s.execute(update(ev).where(ev.c.id == event_id).values(title=title, title_by_user=True)).rowcount  # type: ignore[attr-defined]
            )

    def merge(self, into: int, other: int) -> None:
        ei, ex, ev = _table(EventItemRow), _table(ExpectationRow), _table(EventRow)
        with self.store.session() as s:
            s.execute(update(ei).where(ei.c.event_id == other).values(event_id=into, pinned=True))
            s.execute(update(ex).where(ex.c.event_id == other).values(event_id=into))
            s.execute(delete(ev).where(ev.c.id == other))

    def refresh_spans(self, event_ids: Iterable[int]) -> None:
        """Recompute started_at/last_at from the members; an event left empty is removed."""
        ev, ei = _table(EventRow), _table(EventItemRow)
        with self.store.session() as s:
            for eid in set(event_ids):
                lo, hi = s.execute(select(func.min(ei.c.at), func.max(ei.c.at)).where(ei.c.event_id == eid)).one()
                if lo is None:
                    if not s.scalar(
                        select(func.count()).select_from(ExpectationRow).where(ExpectationRow.event_id == eid)
                    ):
                        s.execute(delete(ev).where(ev.c.id == eid))
                    continue
                s.execute(update(ev).where(ev.c.id == eid).values(started_at=lo, last_at=hi))

    def set_expectation(self, xid: int, **values: Any) -> bool:
        ex = _table(ExpectationRow)
        with self.store.session() as s:
            return bool(s.execute(update(ex).where(ex.c.id == xid).values(**values)).rowcount)  # type: ignore[attr-defined]

    def findings_for_items(self, item_ids: Sequence[int]) -> dict[int, list[Finding]]:
        out: dict[int, list[Finding]] = {}
        if not item_ids:
            return out
        q = select(FindingRow).where(FindingRow.item_id.in_(list(item_ids))).order_by(FindingRow.id)
        with self.store.session() as s:
            for r in s.scalars(q):
                assert r.item_id is not None
                out.setdefault(r.item_id, []).append(_finding(r))
        return out


class Round:
    """Writes of one events round, inside one session (see `EventStore.round`)."""

    def __init__(self, session: Session, consumer: str) -> None:
        self.s = session
        self.consumer = consumer

    def add_event(self, title: str, at: datetime, now: datetime) -> int:
        row = EventRow(title=title, title_by_user=False, started_at=at, last_at=at, created_at=now)
        self.s.add(row)
        self.s.flush()
        return row.id

    def add_member(self, **values: Any) -> None:
        self.s.execute(insert(_table(EventItemRow)), [values])

    def span(self, event_id: int, start: datetime, last: datetime) -> None:
        ev = _table(EventRow)
        self.s.execute(update(ev).where(ev.c.id == event_id).values(started_at=start, last_at=last))

    def add_expectation(self, **values: Any) -> int:
        row = ExpectationRow(**values)
        self.s.add(row)
        self.s.flush()
        return row.id

    def change_expectation(self, xid: int, *, was: Sequence[str] | None = None, **values: Any) -> bool:
        """Change one expectation; with `was`, only while its status is one of those (another process may
        have closed or raised it first). True when it changed."""
        ex = _table(ExpectationRow)
        q = update(ex).where(ex.c.id == xid)
        if was is not None:
            q = q.where(ex.c.status.in_(list(was)))
        return bool(self.s.execute(q.values(**values)).rowcount)  # type: ignore[attr-defined]

    def finding(self, f: Finding) -> None:
        self.s.execute(
            insert(_table(FindingRow)),
            [
                {
                    "at": f.at,
                    "kind": f.kind,
                    "source_id": f.source_id,
                    "source": f.source,
                    "item_id": f.item_id,
                    "item": f.item,
                    "url": f.url,
                    "detail": f.detail,
                }
            ],
        )

    def cursor(self, value: int) -> None:
        c = _table(ConsumerRow)
        n = self.s.execute(update(c).where(c.c.name == self.consumer).values(cursor=value)).rowcount  # type: ignore[attr-defined]
        if not n:
            self.s.execute(insert(c), [{"name": self.consumer, "cursor": value}])
