"""The re-publication index: LSH band keys per version (`onrecord.republish`), looked up by key.

`add` runs inside the batch that writes versions, `candidates` answers one indexed query per new
text, and `backfill_step` indexes the versions written before the index existed, one bounded
transaction at a time, so an interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from onrecord.detect import Candidate
from onrecord.republish import band_keys, scope_of
from onrecord.store.tables import ItemRow, SketchBackfillRow, SketchBandRow, SourceRow, VersionRow

__all__ = ["add", "backfill_step", "candidates"]

_BANDS: Any = SketchBandRow.__table__
MAX_CANDIDATES = 50  # a boilerplate-heavy actor must not turn a lookup into a scan


def add(conn: Connection, versions: Iterable[tuple[int, str, str]]) -> int:
    """Index `(version_id, scope, text)` triples; returns how many key rows were written."""
    rows = [
        {"band": k, "version_id": vid} for vid, scope, text in versions for k in dict.fromkeys(band_keys(scope, text))
    ]
    for i in range(0, len(rows), 5000):
        conn.execute(insert(_BANDS), rows[i : i + 5000])
    return len(rows)


def candidates(conn: Connection, scope: str, text: str, limit: int = MAX_CANDIDATES) -> list[Candidate]:
    """Earlier versions in `scope` sharing a band key with `text`, most shared keys first."""
    keys = list(dict.fromkeys(band_keys(scope, text)))
    if not keys:
        return []
    hits = (
        select(SketchBandRow.version_id, func.count().label("n"))
        .where(SketchBandRow.band.in_(keys))
        .group_by(SketchBandRow.version_id)
        .order_by(func.count().desc(), SketchBandRow.version_id.desc())
        .limit(limit)
        .subquery()
    )
    q = (
        select(
            ItemRow.id,
            ItemRow.key,
            ItemRow.url,
            ItemRow.state,
            VersionRow.text,
            SourceRow.name,
            VersionRow.id,
            hits.c.n,
        )
        .join(VersionRow, VersionRow.id == hits.c.version_id)
        .join(ItemRow, ItemRow.id == VersionRow.item_id)
        .join(SourceRow, SourceRow.id == ItemRow.source_id)
        .order_by(hits.c.n.desc())
    )
    return [
        Candidate(iid, key, url, state, txt, name, vid) for iid, key, url, state, txt, name, vid, _ in conn.execute(q)
    ]


def backfill_step(conn: Connection, batch: int) -> tuple[int, bool]:
    """Index up to `batch` versions written before the index existed; (indexed, finished)."""
    row = conn.execute(select(SketchBackfillRow).where(SketchBackfillRow.id == 1).with_for_update()).first()
    if row is None or row.done_upto >= row.upto:
        return 0, True
    got = conn.execute(
        select(VersionRow.id, VersionRow.text, SourceRow.actor, SourceRow.id)
        .join(ItemRow, ItemRow.id == VersionRow.item_id)
        .join(SourceRow, SourceRow.id == ItemRow.source_id)
        .where(VersionRow.id > row.done_upto, VersionRow.id <= row.upto)
        .order_by(VersionRow.id)
        .limit(batch)
    ).all()
    add(conn, ((vid, scope_of(actor, sid), text) for vid, text, actor, sid in got))
    done_upto = got[-1][0] if len(got) == batch else row.upto
    conn.execute(update(SketchBackfillRow).where(SketchBackfillRow.id == 1).values(done_upto=done_upto))
    return len(got), done_upto >= row.upto
