"""The capture index as the archive's tools read it: verify, damage marking, export.

Functions over a `Store`; the SQL for `onrecord verify` and `onrecord export` lives here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update

from onrecord.store.queries import Store
from onrecord.store.tables import CaptureRow, ItemRow, SourceRow, UrlStateRow, VersionRow


@dataclass(frozen=True)
class IndexRow:
    id: int
    url: str
    final_url: str | None
    at: datetime
    warc_file: str
    offset: int | None
    length: int | None
    revisit: bool
    digest: str | None
    lost: bool


@dataclass(frozen=True)
class Page:
    """One archived version of a statement, as a page list entry."""

    url: str
    at: datetime
    title: str
    item_id: int
    seq: int
    source: str


def index_rows(store: Store, batch: int = 5000) -> Iterator[IndexRow]:
    """Every capture that has a WARC record, by file and offset, read in batches."""
    c = CaptureRow
    q = (
        select(c.id, c.url, c.final_url, c.at, c.warc_file, c.offset, c.length, c.revisit, c.digest, c.lost)
        .where(c.warc_file.is_not(None))
        .order_by(c.warc_file, c.offset, c.id)
        .execution_options(yield_per=batch)
    )
    with store.session() as s:
        for r in s.execute(q):
            yield IndexRow(
                r.id, r.url, r.final_url, r.at, r.warc_file, r.offset, r.length, bool(r.revisit), r.digest, bool(r.lost)
            )


def mark_lost(store: Store, name: str, size: int | None) -> tuple[int, int]:
    """Mark the captures of WARC file `name` past `size` (all of them when the file is missing) as
    lost, and forget what the index remembered of their URLs (validators, last-payload pointers), so
    the next check fetches them whole and no revisit points at a payload that is gone.
    Returns (captures marked, URLs forgotten)."""
    c, us = CaptureRow, UrlStateRow
    where = [c.warc_file == name, c.lost.is_(False)]
    if size is not None:
        where.append(c.offset + func.coalesce(c.length, 0) > size)
    with store.session() as s:
        urls: set[str] = set()
        for url, final in s.execute(select(c.url, c.final_url).where(*where).distinct()):
            urls.add(url)
            if final:
                urls.add(final)
        n = _count(s.execute(update(c).where(*where).values(lost=True)))
        forgotten = 0
        url_list = sorted(urls)
        for i in range(0, len(url_list), 500):
            chunk = url_list[i : i + 500]
            forgotten += _count(s.execute(delete(us).where(or_(us.url.in_(chunk), us.digest_uri.in_(chunk)))))
    return n, forgotten


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def pages(store: Store) -> Iterator[Page]:
    """Every version of every item with the capture it was read from, oldest first."""
    v, c, it, src = VersionRow, CaptureRow, ItemRow, SourceRow
    q = (
        select(
            func.coalesce(c.final_url, c.url).label("url"),
            c.at,
            v.title,
            it.title.label("item_title"),
            it.id.label("item_id"),
            v.seq,
            src.name,
        )
        .join(c, c.id == v.capture_id)
        .join(it, it.id == v.item_id)
        .join(src, src.id == it.source_id)
        .where(c.warc_file.is_not(None), c.lost.is_(False))
        .order_by(c.at, v.id)
    )
    with store.session() as s:
        for r in s.execute(q):
            yield Page(r.url, r.at, r.title or r.item_title or "", r.item_id, r.seq, r.name)
