"""Read-only queries for the web UI and its JSON API (`onrecord serve`): newest first, keyset paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from onrecord.records import Finding
from onrecord.store.queries import Store, _finding
from onrecord.store.tables import FindingRow, ItemRow, SourceRow

__all__ = ["FindingFilter", "item_titles", "latest_findings"]


@dataclass(frozen=True)
class FindingFilter:
    kinds: tuple[str, ...] = ()
    source: str | None = None  # a source name
    actor: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None  # the next page: findings older than this id


def latest_findings(store: Store, f: FindingFilter, limit: int = 50) -> list[Finding]:
    """The newest findings matching `f`, newest first (by id, the order they were logged)."""
    q = select(FindingRow).order_by(FindingRow.id.desc()).limit(limit)
    if f.kinds:
        q = q.where(FindingRow.kind.in_(list(f.kinds)))
    if f.source or f.actor:
        ids = select(SourceRow.id)
        if f.source:
            ids = ids.where(SourceRow.name == f.source)
        if f.actor:
            ids = ids.where(SourceRow.actor == f.actor)
        q = q.where(FindingRow.source_id.in_(ids))
    if f.since is not None:
        q = q.where(FindingRow.at >= f.since)
    if f.until is not None:
        q = q.where(FindingRow.at < f.until)
    if f.before_id is not None:
        q = q.where(FindingRow.id < f.before_id)
    with store.session() as s:
        return [_finding(r) for r in s.scalars(q)]


def item_titles(store: Store, item_ids: list[int]) -> dict[int, str]:
    """The current titles of these items (one query), for lists that show statements by name."""
    if not item_ids:
        return {}
    with store.session() as s:
        rows = s.execute(select(ItemRow.id, ItemRow.title).where(ItemRow.id.in_(sorted(set(item_ids)))))
        return {r.id: r.title for r in rows if r.title}
