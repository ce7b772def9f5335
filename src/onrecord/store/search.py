"""Full-text search SQL: SQLite FTS5 (`versions_fts`) or PostgreSQL tsvector (`versions.search`).

Both indexes are made and filled by migration 0010 and kept in step with `versions` by the
database itself (triggers on SQLite, a generated column on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, String, Text, bindparam, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from onrecord.errors import SearchError, StoreError
from onrecord.search import MARK_END, MARK_START, Query, SearchHit, mark_terms, split_marks
from onrecord.store.db import mask
from onrecord.store.queries import Store
from onrecord.store.tables import UTCDateTime

# Characters of a version's text that PostgreSQL's ts_headline reads to make a snippet.
PG_HEADLINE_CHARS = 50_000
# Newest versions walked in order before the GIN index is asked (see _pg_ids).
PG_WINDOW = 20_000
SNIPPET_TOKENS = 24
ORDERS = ("newest", "oldest", "relevance")


@dataclass(frozen=True)
class Filters:
    source_kinds: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    current_only: bool = False
    item_id: int | None = None


def _where(f: Filters, params: dict[str, Any], binds: list[Any]) -> list[str]:
    out = []
    for col, values, name in (("s.kind", f.source_kinds, "k"), ("s.name", f.sources, "s"), ("s.actor", f.actors, "a")):
        if values:
            names = []
            for n, value in enumerate(values):
                params[f"{name}{n}"] = value
                names.append(f":{name}{n}")
            out.append(f"{col} IN ({', '.join(names)})")
    if f.since is not None:
        params["since"] = f.since
        binds.append(bindparam("since", type_=UTCDateTime()))
        out.append("v.at >= :since")
    if f.until is not None:
        params["until"] = f.until
        binds.append(bindparam("until", type_=UTCDateTime()))
        out.append("v.at < :until")
    if f.current_only:
        out.append("i.current_version = v.id")
    if f.item_id is not None:
        params["item_id"] = f.item_id
        out.append("v.item_id = :item_id")
    return out


_COLUMNS = (
    "v.id AS version_id, v.item_id, v.seq, v.at, v.title, s.name AS source, s.kind AS source_kind, "
    "s.actor, i.key AS item, i.url, i.state AS item_state, i.current_version"
)


def _pg_tsquery(query: Query, params: dict[str, Any]) -> str:
    n = 0

    def term(t: Any) -> str:
        nonlocal n
        name = f"t{n}"
        n += 1
        if t.prefix:  # words are [^\W_]+ only: nothing to_tsquery could read as an operator
            params[name] = " <-> ".join(t.words) + ":*"
            return f"to_tsquery('simple', :{name})"
        params[name] = " ".join(t.words)
        return f"phraseto_tsquery('simple', :{name})"

    expr = " && ".join("(" + " || ".join(term(t) for t in g) + ")" for g in query.groups)
    for t in query.exclude:
        expr = f"({expr}) && !!{term(t)}"
    return expr


def _pg_ids(
    conn: Connection, tsq: str, where: list[str], params: dict[str, Any], binds: list[Any], order: str
) -> list[int]:
    """Ids of the first limit+offset matches, newest (or oldest) first, on PostgreSQL, in two steps.

    Planners guess how many versions hold a word as if matches were spread evenly, but words come in
    clusters (an item's versions, a week's news), so one plan is sometimes slow by a thousand times:
    walking versions newest first through thousands of rows for a rare word, or reading every match
    of a common word from the GIN index only to keep twenty. So: first the newest WINDOW versions,
    walked in order (bounded); only when they hold too few matches, the rest through the GIN index
    (few matches there, since the recent ones were few), sorted.
    """
    desc = order == "newest"
    edge = conn.scalar(text(f"SELECT {'max' if desc else 'min'}(id) FROM versions"))
    if edge is None:
        return []
    want = params["limit"] + params["offset"]
    cut = edge - PG_WINDOW if desc else edge + PG_WINDOW
    base = (
        "SELECT v.id FROM versions v JOIN items i ON i.id = v.item_id JOIN sources s ON s.id = i.source_id "
        f"WHERE v.search @@ ({tsq}) {''.join(' AND ' + w for w in where)} "
    )
    first = base + ("AND v.id > :cut ORDER BY v.id DESC" if desc else "AND v.id < :cut ORDER BY v.id") + " LIMIT :want"
    p = {**params, "cut": cut, "want": want}
    own = list(binds)
    ids = [r[0] for r in conn.execute(text(first).bindparams(*own), p)]
    if len(ids) >= want:
        return ids
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    rest = base + ("AND v.id <= :cut ORDER BY v.id + 0 DESC" if desc else "AND v.id >= :cut ORDER BY v.id + 0")
    p["want"] = want - len(ids)
    ids += [r[0] for r in conn.execute(text(rest + " LIMIT :want").bindparams(*own), p)]
    conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
    return ids


def search(
    store: Store, query: Query, filters: Filters, *, limit: int = 20, offset: int = 0, order: str = "newest"
) -> list[SearchHit]:
    if order not in ORDERS:
        raise SearchError(f"unknown order {order!r}: use one of {', '.join(ORDERS)}")
    params: dict[str, Any] = {"limit": max(1, limit), "offset": max(0, offset)}
    binds: list[Any] = []
    where = _where(filters, params, binds)
    if store.engine.dialect.name == "sqlite":
        params["q"] = query.fts5()
        sort = {"newest": "f.rowid DESC", "oldest": "f.rowid", "relevance": "f.rank"}[order]
        sql = (
            f"SELECT {_COLUMNS}, snippet(versions_fts, 1, char(2), char(3), '…', {SNIPPET_TOKENS}) AS snip "
            "FROM versions_fts AS f JOIN versions v ON v.id = f.rowid JOIN items i ON i.id = v.item_id "
            "JOIN sources s ON s.id = i.source_id "
            f"WHERE versions_fts MATCH :q {''.join(' AND ' + w for w in where)} "
            f"ORDER BY {sort} LIMIT :limit OFFSET :offset"
        )
    else:
        tsq = _pg_tsquery(query, params)
        rank = f"ts_rank_cd(v.search, {tsq})" if order == "relevance" else "0"
        hl = (
            f"'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords={SNIPPET_TOKENS}, "
            f"MinWords={SNIPPET_TOKENS // 2}, MaxFragments=2, FragmentDelimiter=\" … \"'"
        )
        sql = (
            f"SELECT {_COLUMNS}, {rank} AS rank, "
            f"ts_headline('simple', left(v.text, {PG_HEADLINE_CHARS}), {tsq}, {hl}) AS snip "
            "FROM versions v JOIN items i ON i.id = v.item_id JOIN sources s ON s.id = i.source_id "
        )
        if order == "relevance":  # ranks every match: the one order that reads them all
            sql = (
                f"WITH hits AS (SELECT v.id, {rank} AS rank FROM versions v JOIN items i ON i.id = v.item_id "
                f"JOIN sources s ON s.id = i.source_id WHERE v.search @@ ({tsq}) "
                f"{''.join(' AND ' + w for w in where)} ORDER BY rank DESC, v.id DESC LIMIT :limit OFFSET :offset) "
                + sql
                + "JOIN hits ON hits.id = v.id ORDER BY hits.rank DESC, v.id DESC"
            )
        else:
            sql += "WHERE v.id IN :ids"
    by_ids = store.engine.dialect.name == "postgresql" and order != "relevance"
    stmt = (
        text(sql)
        .bindparams(*([bindparam("ids", expanding=True)] if by_ids else binds))
        .columns(
            version_id=BigInteger(),
            item_id=BigInteger(),
            seq=Integer(),
            at=UTCDateTime(),
            title=Text(),
            source=String(),
            source_kind=String(),
            actor=String(),
            item=Text(),
            url=Text(),
            item_state=String(),
            current_version=BigInteger(),
            snip=Text(),
        )
    )
    try:
        with store.engine.connect() as conn:
            if store.engine.dialect.name == "postgresql":
                # a plan for these very words each time: a generic plan cannot know how rare they are
                conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
                if by_ids:
                    ids = _pg_ids(conn, tsq, where, params, binds, order)
                    params["ids"] = ids[params["offset"] : params["offset"] + params["limit"]]
                    if not params["ids"]:
                        return []
            rows = conn.execute(stmt, params).mappings().all()
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else exc.__class__.__name__
        if "fts5" in first or "tsquery" in first:
            raise SearchError(f"cannot search for {str(query)!r}: {first}") from None
        raise StoreError(f"database {mask(store.url)}: search failed: {first}") from None
    if by_ids:
        place = {vid: n for n, vid in enumerate(params["ids"])}
        rows = sorted(rows, key=lambda r: place[r["version_id"]])
    hits = []
    for r in rows:
        snippet, marks = split_marks(r["snip"] or "")
        title = r["title"] or ""
        hits.append(
            SearchHit(
                version_id=r["version_id"],
                item_id=r["item_id"],
                seq=r["seq"],
                at=r["at"],
                title=title,
                source=r["source"],
                source_kind=r["source_kind"],
                actor=r["actor"],
                item=r["item"],
                url=r["url"],
                item_state=r["item_state"],
                snippet=snippet.replace(MARK_START, "").replace(MARK_END, ""),
                marks=marks,
                title_marks=mark_terms(title, query),
                current=r["current_version"] == r["version_id"],
            )
        )
    return hits

