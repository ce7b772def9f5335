"""Full-text search SQL: SQLite FTS5 (`versions_fts`) or PostgreSQL tsvector (`versions.search`).

Both indexes are made and filled by migration 0010 and kept in step with `versions` by the
database itself (triggers on SQLite, a generated column on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text, bindparam, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from onrecord.errors import SearchError, StoreError
from onrecord.search import MARK_END, MARK_START, Query, SearchHit, mark_terms, split_marks
from onrecord.store.db import mask
from onrecord.store.queries import Store
from onrecord.store.tables import UTCDateTime

# Characters of a version's text that PostgreSQL's ts_headline reads to make a snippet.
PG_HEADLINE_CHARS = 50_000
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
        inner, outer = {
            "newest": ("v.id DESC", "hits.version_id DESC"),
            "oldest": ("v.id", "hits.version_id"),
            "relevance": ("rank DESC, v.id DESC", "hits.rank DESC, hits.version_id DESC"),
        }[order]
        rank = "ts_rank_cd(v.search, q.tsq)" if order == "relevance" else "0"
        hl = (
            f"'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords={SNIPPET_TOKENS}, "
            f"MinWords={SNIPPET_TOKENS // 2}, MaxFragments=2, FragmentDelimiter=\" … \"'"
        )
        sql = (
            f"WITH q AS (SELECT {tsq} AS tsq), hits AS ("
            f"SELECT {_COLUMNS}, v.text, {rank} AS rank "
            "FROM q, versions v JOIN items i ON i.id = v.item_id JOIN sources s ON s.id = i.source_id "
            f"WHERE v.search @@ q.tsq {''.join(' AND ' + w for w in where)} "
            f"ORDER BY {inner} LIMIT :limit OFFSET :offset) "
            f"SELECT hits.*, ts_headline('simple', left(hits.text, {PG_HEADLINE_CHARS}), q.tsq, {hl}) AS snip "
            f"FROM hits, q ORDER BY {outer}"
        )
    stmt = (
        text(sql)
        .bindparams(*binds)
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
            rows = conn.execute(stmt, params).mappings().all()
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else exc.__class__.__name__
        if "fts5" in first or "tsquery" in first:
            raise SearchError(f"cannot search for {str(query)!r}: {first}") from None
        raise StoreError(f"database {mask(store.url)}: search failed: {first}") from None
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

