"""The re-publication index: LSH band keys per version (`onrecord.republish`), looked up by key.

`add` runs inside the batch that writes versions, `candidates` answers one indexed query per new
text, and `backfill_step` indexes the versions written before the index existed, one bounded
transaction at a time, so an interrupted backfill resumes where it stopped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, insert, select, update

from onrecord.detect import Candidate
from onrecord.republish import band_keys, scope_of
from onrecord.store.tables import ItemRow, SketchBackfillRow, SketchBandRow, SourceRow, VersionRow

__all__ = ["add", "backfill_step", "candidates"]

_BANDS: Any = SketchBandRow.__table__
MAX_CANDIDATES = 20  # a boilerplate-heavy actor must not turn a lookup into a scan
PER_KEY = 100


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
    params: dict[str, Any] = {"per": PER_KEY, "lim": limit}
    # The driver's own SQL (no statement compiled per call: that cost more than the query).
    if conn.dialect.name == "postgresql":  # one array parameter: one plan, prepared after a few runs
        sql, params["keys"] = _lookup_pg(), keys
    else:
        sql = _lookup(len(keys))
        params.update({f"k{i}": k for i, k in enumerate(keys)})
    return [Candidate(*row[:7]) for row in conn.exec_driver_sql(sql, params)]


@functools.cache
def _lookup(n: int) -> str:
    """The lookup for `n` keys, built once. Each key contributes its newest PER_KEY versions at most:
    a key that boilerplate made common (thousands of readouts on one frame) costs a short index
    range, never a scan of its rows. sqlite3's named parameters (:name)."""
    shared = " UNION ALL ".join(
        f"SELECT version_id FROM (SELECT version_id FROM sketch_bands WHERE band = :k{i}"
        f" ORDER BY version_id DESC LIMIT :per) AS s{i}"
        for i in range(n)
    )
    return _OUTER.format(shared=f"({shared}) AS shared", lim=":lim")


@functools.cache
def _lookup_pg() -> str:
    """The same on PostgreSQL (psycopg's %(name)s parameters): the keys as one array, each key's
    range read through a lateral join."""
    return _OUTER.format(
        shared="unnest(CAST(%(keys)s AS bigint[])) AS k(band) CROSS JOIN LATERAL (SELECT version_id"
        " FROM sketch_bands b WHERE b.band = k.band ORDER BY version_id DESC LIMIT %(per)s) AS shared",
        lim="%(lim)s",
    )


_OUTER = (
    "SELECT i.id, i.key, i.url, i.state, v.text, s.name, v.id, h.n FROM"
    " (SELECT version_id, COUNT(*) AS n FROM {shared}"
    " GROUP BY version_id ORDER BY n DESC, version_id DESC LIMIT {lim}) AS h"
    " JOIN versions v ON v.id = h.version_id JOIN items i ON i.id = v.item_id"
    " JOIN sources s ON s.id = i.source_id ORDER BY h.n DESC, v.id DESC"
)


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
