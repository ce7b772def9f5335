"""Alert rules and their place in the findings log (the outbox), in SQL.

Each rule keeps `cursor`, the last finding it has handled. Before it sends, a deliverer claims the
findings up to `sending` with one conditional UPDATE (so two workers never send the same one); after
it sends, it moves `cursor` there. A claim left behind by a stop is never sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from onrecord.errors import AlertError, StoreError
from onrecord.records import Finding
from onrecord.store.queries import Store, _finding, _table
from onrecord.store.tables import AlertRuleRow, FindingRow, ItemRow, SourceRow, VersionRow


@dataclass(frozen=True)
class RuleRow:
    """A rule as stored; `urls` are secrets (left out of repr)."""

    id: int
    name: str
    urls: tuple[str, ...]
    kinds: tuple[str, ...]
    sources: tuple[str, ...]
    actors: tuple[str, ...]
    keywords: tuple[str, ...]
    mode: str
    digest_every: float | None
    cursor: int
    sending: int | None
    sending_since: datetime | None
    created_at: datetime
    last_sent_at: datetime | None
    last_digest_at: datetime | None
    sent_count: int
    fail_count: int
    last_error: str | None
    last_error_at: datetime | None
    retry_at: datetime | None

    def __repr__(self) -> str:
        return f"RuleRow(id={self.id}, name={self.name!r}, mode={self.mode!r}, cursor={self.cursor})"


@dataclass(frozen=True)
class AlertFinding:
    """A finding with what rules match on: the source's actor and the item's current text."""

    finding: Finding
    actor: str | None
    title: str
    text: str


def _rule(r: AlertRuleRow) -> RuleRow:
    return RuleRow(
        id=r.id,
        name=r.name,
        urls=tuple(u for u in r.urls.splitlines() if u.strip()),
        kinds=tuple(r.kinds or ()),
        sources=tuple(r.sources or ()),
        actors=tuple(r.actors or ()),
        keywords=tuple(r.keywords or ()),
        mode=r.mode,
        digest_every=r.digest_every,
        cursor=r.cursor,
        sending=r.sending,
        sending_since=r.sending_since,
        created_at=r.created_at,
        last_sent_at=r.last_sent_at,
        last_digest_at=r.last_digest_at,
        sent_count=r.sent_count,
        fail_count=r.fail_count,
        last_error=r.last_error,
        last_error_at=r.last_error_at,
        retry_at=r.retry_at,
    )


class AlertStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, *, backlog: bool, now: datetime, **values: Any) -> RuleRow:
        with self.store.session() as s:
            last = 0 if backlog else (s.scalar(select(func.max(FindingRow.id))) or 0)
        row = AlertRuleRow(
            cursor=last, created_at=now, sent_count=0, fail_count=0, **{**values, "urls": "\n".join(values["urls"])}
        )
        try:
            with self.store.session() as s:
                s.add(row)
                s.flush()
                return _rule(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise AlertError(f"an alert rule named {values['name']!r} already exists (pick another name)") from None
            raise

    def rules(self) -> list[RuleRow]:
        with self.store.session() as s:
            return [_rule(r) for r in s.scalars(select(AlertRuleRow).order_by(AlertRuleRow.id))]

    def get(self, name: str) -> RuleRow:
        with self.store.session() as s:
            row = s.scalar(select(AlertRuleRow).where(AlertRuleRow.name == name))
            if row is None:
                raise AlertError(f"no alert rule {name!r} (see `onrecord alerts list`)")
            return _rule(row)

    def remove(self, name: str) -> None:
        with self.store.session() as s:
            if not s.execute(delete(AlertRuleRow).where(AlertRuleRow.name == name)).rowcount:  # type: ignore[attr-defined]
                raise AlertError(f"no alert rule {name!r} (see `onrecord alerts list`)")

    def pending(self, after: int, limit: int) -> list[AlertFinding]:
        """Findings after `after`, in log order, with the source's actor and the item's current text."""
        q = (
            select(FindingRow, SourceRow.actor, VersionRow.title, VersionRow.text)
            .outerjoin(SourceRow, SourceRow.id == FindingRow.source_id)
            .outerjoin(ItemRow, ItemRow.id == FindingRow.item_id)
            .outerjoin(VersionRow, VersionRow.id == ItemRow.current_version)
            .where(FindingRow.id > after)
            .order_by(FindingRow.id)
            .limit(limit)
        )
        with self.store.session() as s:
            return [AlertFinding(_finding(f), actor, title or "", text or "") for f, actor, title, text in s.execute(q)]

    def _update(self, rule_id: int, where: list[Any], **values: Any) -> bool:
        t = _table(AlertRuleRow)
        with self.store.session() as s:
            res = s.execute(update(t).where(t.c.id == rule_id, *where).values(**values))
            return bool(res.rowcount)  # type: ignore[attr-defined]

    def advance(self, rule_id: int, cursor: int, to: int) -> bool:
        """Move past findings that match nothing (only if no one else moved or claimed first)."""
        t = _table(AlertRuleRow)
        return self._update(rule_id, [t.c.cursor == cursor, t.c.sending.is_(None)], cursor=to)

    def claim(self, rule_id: int, cursor: int, upto: int, now: datetime) -> bool:
        t = _table(AlertRuleRow)
        return self._update(rule_id, [t.c.cursor == cursor, t.c.sending.is_(None)], sending=upto, sending_since=now)

    def sent(self, rule_id: int, upto: int, count: int, now: datetime, digest: bool) -> None:
        t = _table(AlertRuleRow)
        extra = {"last_digest_at": now} if digest else {}
        self._update(
            rule_id,
            [t.c.sending == upto],
            cursor=upto,
            sending=None,
            sending_since=None,
            last_sent_at=now,
            sent_count=t.c.sent_count + count,
            fail_count=0,
            retry_at=None,
            **extra,
        )

    def failed(self, rule_id: int, upto: int, error: str, now: datetime, retry_at: datetime) -> None:
        t = _table(AlertRuleRow)
        self._update(
            rule_id,
            [t.c.sending == upto],
            sending=None,
            sending_since=None,
            fail_count=t.c.fail_count + 1,
            last_error=error,
            last_error_at=now,
            retry_at=retry_at,
        )

    def abandon(self, rule_id: int, upto: int, error: str, now: datetime) -> bool:
        """A claim left by a stop: move past it without sending (at most once), and say so."""
        t = _table(AlertRuleRow)
        return self._update(
            rule_id,
            [t.c.sending == upto],
            cursor=upto,
            sending=None,
            sending_since=None,
            last_error=error,
            last_error_at=now,
        )

    def digest_done(self, rule_id: int, now: datetime) -> None:
        self._update(rule_id, [], last_digest_at=now)
