"""The store: records in, records out. The only module with SQL."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from onrecord.detect import Candidate, Changes, CheckWrite, ItemChange, SourceChange, StoredItem
from onrecord.errors import SourceError, StoreError
from onrecord.records import Capture, Finding, Item, Source, UrlState, Validators, Version
from onrecord.republish import scope_of
from onrecord.store import sketch_index
from onrecord.store.db import ensure_schema, make_engine, mask, migrate
from onrecord.store.tables import CaptureRow, FindingRow, ItemRow, SourceRow, UrlStateRow, VersionRow


def _source(r: Any) -> Source:
    return Source(
        id=r.id,
        name=r.name,
        url=r.url,
        kind=r.kind,
        actor=r.actor,
        every=r.every,
        selector=r.selector,
        ignore=r.ignore,
        options=dict(r.options or {}),
        paused=r.paused,
        added_at=r.added_at,
        next_check=r.next_check,
    )


def _item(r: Any) -> Item:
    """An Item from an ORM row or a plain result row with the same column names."""
    return Item(
        id=r.id,
        source_id=r.source_id,
        key=r.key,
        url=r.url,
        title=r.title,
        state=r.state,
        first_seen=r.first_seen,
        last_seen=r.last_seen,
        gone_count=r.gone_count,
        gone_since=r.gone_since,
        last_checked=r.last_checked,
        current_version=r.current_version,
        flaps=r.flaps or 0,
        flapped_at=r.flapped_at,
    )


def _finding(r: FindingRow) -> Finding:
    return Finding(
        kind=r.kind,
        at=r.at,
        source=r.source,
        item=r.item,
        url=r.url,
        detail=dict(r.detail or {}),
        id=r.id,
        source_id=r.source_id,
        item_id=r.item_id,
        capture_id=r.capture_id,
    )


def _capture(r: CaptureRow) -> Capture:
    return Capture(
        url=r.url,
        at=r.at,
        outcome=r.outcome,
        status=r.status,
        digest=r.digest,
        warc_file=r.warc_file,
        offset=r.offset,
        length=r.length,
        revisit=r.revisit,
        error=r.error,
        final_url=r.final_url,
        id=r.id,
        source_id=r.source_id,
    )


class Store:
    """Everything onrecord keeps in its database."""

    def __init__(self, url: str, *, schema: str | None = None, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url, schema=schema)
        self._session = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        migrate(self.engine)

    def schema_version(self) -> str:
        """The schema revision(s) the database is at ('none' before the first migration)."""
        from onrecord.store.db import schema_revisions

        revs = schema_revisions(self.engine)
        return ", ".join(sorted(revs)) if revs else "none"

    def ensure_schema(self) -> bool:
        """Migrate only when the schema is behind; True when it did."""
        return ensure_schema(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        s = self._session()
        try:
            yield s
            s.commit()
        except SQLAlchemyError as exc:
            s.rollback()
            first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise StoreError(f"database {mask(self.url)}: {first}") from exc
        except BaseException:
            s.rollback()
            raise
        finally:
            s.close()

    # -- sources -------------------------------------------------------------------------------
    def add_source(
        self,
        *,
        name: str,
        url: str,
        kind: str,
        actor: str | None,
        every: float,
        selector: str | None,
        ignore: str | None,
        now: datetime,
        options: dict[str, Any] | None = None,
    ) -> Source:
        row = SourceRow(
            name=name,
            url=url,
            kind=kind,
            actor=actor,
            every=every,
            selector=selector,
            ignore=ignore,
            options=options or None,
            paused=False,
            added_at=now,
            next_check=now,
            status="ok",
            fail_count=0,
        )
        try:
            with self.session() as s:
                s.add(row)
                s.flush()
                return _source(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise SourceError(f"a source named {name!r} already exists (pick another --name)") from None
            raise

    def names_like(self, base: str) -> set[str]:
        """Source names equal to `base` or starting with it (to pick a free default name)."""
        with self.session() as s:
            return set(s.scalars(select(SourceRow.name).where(SourceRow.name.startswith(base, autoescape=True))))

    def sources(self) -> list[Source]:
        t = _table(SourceRow)
        with self.session() as s:  # plain rows: this lists every source before each round
            return [_source(r) for r in s.execute(select(t).order_by(t.c.id))]

    def source_rows_status(self) -> dict[int, dict[str, Any]]:
        """Health columns for display: status, fail_count, last_error, last_check."""
        with self.session() as s:
            return {
                r.id: {
                    "status": r.status,
                    "fail_count": r.fail_count,
                    "last_error": r.last_error,
                    "last_check": r.last_check,
                }
                for r in s.scalars(select(SourceRow))
            }

    def find_source(self, ref: str) -> Source:
        with self.session() as s:
            row = s.scalar(select(SourceRow).where(SourceRow.name == ref))
            if row is None and ref.isdigit():
                row = s.get(SourceRow, int(ref))
            if row is None:
                row = s.scalar(select(SourceRow).where(SourceRow.url == ref).limit(1))
            if row is None:
                raise SourceError(f"no source {ref!r} (see `onrecord sources`)")
            return _source(row)

    def source_by_id(self, source_id: int) -> Source:
        with self.session() as s:
            row = s.get(SourceRow, source_id)
            if row is None:
                raise SourceError(f"no source with id {source_id}")
            return _source(row)

    def remove_source(self, source_id: int) -> None:
        with self.session() as s:
            s.execute(delete(SourceRow).where(SourceRow.id == source_id))

    def update_source(self, source_id: int, values: dict[str, Any]) -> Source:
        """Change a source's name, actor, interval, selector or ignore pattern; returns it as it is now."""
        allowed = {"name", "actor", "every", "selector", "ignore"}
        if not values.keys() <= allowed:
            raise SourceError(f"cannot edit {', '.join(sorted(values.keys() - allowed))} of a source")
        try:
            with self.session() as s:
                if values:
                    s.execute(update(SourceRow).where(SourceRow.id == source_id).values(**values))
                row = s.get(SourceRow, source_id)
                if row is None:
                    raise SourceError(f"no source with id {source_id}")
                return _source(row)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise SourceError(f"a source named {values.get('name')!r} already exists (pick another name)") from None
            raise

    def set_paused(self, source_id: int, paused: bool) -> None:
        with self.session() as s:
            s.execute(update(SourceRow).where(SourceRow.id == source_id).values(paused=paused))

    def due_sources(self, now: datetime, limit: int | None = None) -> list[Source]:
        """The one place that picks due sources (a lease replaces it for several workers)."""
        q = (
            select(SourceRow)
            .where(SourceRow.paused.is_(False))
            .where(or_(SourceRow.next_check.is_(None), SourceRow.next_check <= now))
            .order_by(SourceRow.next_check, SourceRow.id)
        )
        if limit:
            q = q.limit(limit)
        with self.session() as s:
            return [_source(r) for r in s.scalars(q)]

    def next_due(self) -> datetime | None:
        with self.session() as s:
            return s.scalar(select(func.min(SourceRow.next_check)).where(SourceRow.paused.is_(False)))

    # -- items ---------------------------------------------------------------------------------
    def republish_candidates(self, scope: str, texts: list[str]) -> list[list[Candidate]]:
        """For each text, the earlier versions in `scope` that the re-publication index calls similar."""
        with self.engine.connect() as conn:
            return [sketch_index.candidates(conn, scope, t) for t in texts]

    def backfill_sketches(self, batch: int = 2000) -> tuple[int, bool]:
        """Index one batch of versions stored before the re-publication index existed; (indexed, finished)."""
        with self.engine.begin() as conn:
            return sketch_index.backfill_step(conn, batch)

    def find_item(self, ref: str) -> Item:
        """An item by id, key or URL (most recently seen first)."""
        with self.session() as s:
            row = None
            if ref.isdigit():
                row = s.get(ItemRow, int(ref))
            if row is None:
                row = s.scalar(
                    select(ItemRow)
                    .where(or_(ItemRow.key == ref, ItemRow.url == ref))
                    .order_by(ItemRow.last_seen.desc())
                    .limit(1)
                )
            if row is None:
                raise SourceError(f"no item {ref!r} (item ids, keys and URLs are listed by `onrecord findings`)")
            return _item(row)

    def versions(self, item_id: int) -> list[Version]:
        with self.session() as s:
            rows = s.scalars(select(VersionRow).where(VersionRow.item_id == item_id).order_by(VersionRow.seq))
            return [
                Version(
                    id=r.id,
                    item_id=r.item_id,
                    seq=r.seq,
                    at=r.at,
                    title=r.title,
                    text=r.text,
                    text_hash=r.text_hash,
                    capture_id=r.capture_id,
                    diff=tuple((op, t) for op, t in r.diff) if r.diff else None,
                )
                for r in rows
            ]

    def items(self, source_id: int | None = None) -> list[Item]:
        q = select(ItemRow).order_by(ItemRow.id)
        if source_id is not None:
            q = q.where(ItemRow.source_id == source_id)
        with self.session() as s:
            return [_item(r) for r in s.scalars(q)]

    # -- captures ------------------------------------------------------------------------------
    def capture(self, capture_id: int) -> Capture:
        with self.session() as s:
            row = s.get(CaptureRow, capture_id)
            if row is None:
                raise StoreError(f"no capture with id {capture_id}")
            return _capture(row)

    def captures(self, url: str | None = None, limit: int = 1000) -> list[Capture]:
        q = select(CaptureRow).order_by(CaptureRow.id.desc()).limit(limit)
        if url:
            q = q.where(CaptureRow.url == url)
        with self.session() as s:
            return [_capture(r) for r in s.scalars(q)]

    def warc_extent(self) -> dict[str, int]:
        """For each WARC file, the end of its last indexed record."""
        with self.session() as s:
            rows = s.execute(
                select(CaptureRow.warc_file, func.max(CaptureRow.offset + CaptureRow.length))
                .where(CaptureRow.warc_file.is_not(None), CaptureRow.lost.is_(False))
                .group_by(CaptureRow.warc_file)
            ).all()
            return {f: int(end) for f, end in rows if f is not None and end is not None}

    # -- checks, applied in one transaction per batch -------------------------------------------
    def apply_check(
        self,
        source: Source,
        captures: Sequence[Capture],
        url_states: dict[str, UrlState],
        changes: Changes,
        *,
        now: datetime,
        next_check: datetime,
        source_change: SourceChange | None,
    ) -> list[Finding]:
        """Record one check: captures, conditional-request state, items, versions, findings, schedule."""
        w = CheckWrite(source, list(captures), url_states, changes, now, next_check, source_change)
        return self.apply_checks([w])[0]

    def apply_checks(self, writes: Sequence[CheckWrite]) -> list[list[Finding]]:
        """Record many checks in one transaction (bulk statements); returns each check's findings."""
        if not writes:
            return []
        with self.engine.begin() as conn:
            try:
                return self._apply(conn, writes)
            except SQLAlchemyError as exc:
                first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
                raise StoreError(f"database {mask(self.url)}: {first}") from exc

    def _apply(self, conn: Connection, writes: Sequence[CheckWrite]) -> list[list[Finding]]:
        cap_t, item_t, ver_t, find_t, src_t = (
            _table(CaptureRow),
            _table(ItemRow),
            _table(VersionRow),
            _table(FindingRow),
            _table(SourceRow),
        )
        # 1. captures, ids back in order
        cap_rows = [
            {
                "source_id": w.source.id,
                "url": c.url,
                "final_url": c.final_url,
                "at": c.at,
                "status": c.status,
                "outcome": c.outcome,
                "digest": c.digest,
                "warc_file": c.warc_file,
                "offset": c.offset,
                "length": c.length,
                "revisit": c.revisit,
                "error": c.error,
            }
            for w in writes
            for c in w.captures
        ]
        needs_ids = any(w.changes.findings for w in writes) or any(
            ch.version is not None and ch.version.capture is not None for w in writes for ch in w.changes.items
        )
        if needs_ids:
            cap_ids = self._insert_ids(conn, cap_t, cap_rows)
        else:  # nothing points at these captures yet: a plain bulk insert is cheaper
            if cap_rows:
                conn.execute(insert(cap_t), cap_rows)
            cap_ids = []
        cap_base: list[int] = []
        n = 0
        for w in writes:
            cap_base.append(n)
            n += len(w.captures)
        # 2. conditional-request state
        states = {url: st for w in writes for url, st in w.url_states.items()}
        if states:
            self._upsert_url_states(conn, states)
        # 3. items: new ones inserted (ids back), known ones updated in bulk
        new_items: list[tuple[int, ItemChange]] = []
        new_at: dict[tuple[int, str], int] = {}  # an item first seen with its edit history: one row, last state
        upd: list[dict[str, Any]] = []
        for wi, w in enumerate(writes):
            for ch in w.changes.items:
                if ch.item_id is None:
                    if (wi, ch.key) in new_at:
                        first = new_items[new_at[(wi, ch.key)]][1]
                        new_items[new_at[(wi, ch.key)]] = (wi, replace(ch, first_seen=first.first_seen))
                    else:
                        new_at[(wi, ch.key)] = len(new_items)
                        new_items.append((wi, ch))
                else:
                    upd.append(
                        {
                            "b_id": ch.item_id,
                            "url": ch.url,
                            "title": ch.title,
                            "state": ch.state,
                            "gone_count": ch.gone_count,
                            "gone_since": ch.gone_since,
                            "flaps": ch.flaps,
                            "flapped_at": ch.flapped_at,
                            "last_seen": ch.last_seen,
                            "last_checked": ch.last_checked,
                        }
                    )
        new_ids = self._insert_ids(
            conn,
            item_t,
            [
                {
                    "source_id": writes[wi].source.id,
                    "key": ch.key,
                    "url": ch.url,
                    "title": ch.title,
                    "state": ch.state,
                    "first_seen": ch.first_seen,
                    "last_seen": ch.last_seen,
                    "last_checked": ch.last_checked,
                    "gone_count": ch.gone_count,
                    "gone_since": ch.gone_since,
                }
                for wi, ch in new_items
            ],
        )
        if upd:
            conn.execute(
                update(item_t)
                .where(item_t.c.id == bindparam("b_id"))
                .values(
                    url=bindparam("url"),
                    title=bindparam("title"),
                    state=bindparam("state"),
                    gone_count=bindparam("gone_count"),
                    gone_since=bindparam("gone_since"),
                    flaps=bindparam("flaps"),
                    flapped_at=bindparam("flapped_at"),
                    last_seen=bindparam("last_seen"),
                    last_checked=bindparam("last_checked"),
                ),
                upd,
            )
        item_ids: list[dict[str, int]] = [{} for _ in writes]
        for (wi, ch), iid in zip(new_items, new_ids, strict=True):
            item_ids[wi][ch.key] = iid
        for wi, w in enumerate(writes):
            for ch in w.changes.items:
                if ch.item_id is not None:
                    item_ids[wi][ch.key] = ch.item_id
        # 4. versions
        vers: list[tuple[int, str, dict[str, Any]]] = []
        for wi, w in enumerate(writes):
            for ch in w.changes.items:
                if ch.version is None:
                    continue
                iid = item_ids[wi][ch.key]
                seq = ch.version_seq or (
                    (conn.scalar(select(func.max(ver_t.c.seq)).where(ver_t.c.item_id == iid)) or 0) + 1
                )
                v = ch.version
                vers.append(
                    (
                        wi,
                        ch.key,
                        {
                            "item_id": iid,
                            "seq": seq,
                            "at": v.at or w.now,
                            "title": v.title,
                            "text": v.text,
                            "text_hash": v.text_hash,
                            "origin": v.origin,
                            "capture_id": cap_ids[cap_base[wi] + v.capture] if v.capture is not None else None,
                            "diff": v.diff,
                        },
                    )
                )
        ver_ids = self._insert_ids(conn, ver_t, [row for _, _, row in vers])
        if vers:
            conn.execute(
                update(item_t).where(item_t.c.id == bindparam("b_id")).values(current_version=bindparam("vid")),
                [{"b_id": row["item_id"], "vid": vid} for (_, _, row), vid in zip(vers, ver_ids, strict=True)],
            )
        sketch_index.add(
            conn,
            (
                (vid, scope_of(writes[wi].source.actor, writes[wi].source.id), row["text"])
                for (wi, _, row), vid in zip(vers, ver_ids, strict=True)
            ),
        )
        version_of = {(wi, key): vid for (wi, key, _), vid in zip(vers, ver_ids, strict=True)}
        version_capture = {(wi, key): row["capture_id"] for wi, key, row in vers}
        # Several versions of one item in one check (an edit history): each finding gets its own.
        by_seq = {
            (wi, key, row["seq"]): (vid, row["capture_id"]) for (wi, key, row), vid in zip(vers, ver_ids, strict=True)
        }
        # 5. findings, in order
        frows: list[dict[str, Any]] = []
        owners: list[int] = []
        for wi, w in enumerate(writes):
            for f in w.changes.findings:
                detail = dict(f.detail)
                own = by_seq.get((wi, f.item, detail.get("new_version", detail.get("version")))) if f.item else None
                if f.kind == "edited" and f.item is not None and (wi, f.item) in version_of:
                    detail["new_version_id"] = own[0] if own else version_of[(wi, f.item)]
                # The proof: the capture of the version this finding wrote, else this check's last
                # capture of the finding's URL (the 404 seen, the failed request, the answer again).
                capture_id = version_capture.get((wi, f.item)) if f.item is not None else None
                if own is not None and f.kind in ("new", "edited"):
                    capture_id = own[1]
                if capture_id is None and cap_ids:
                    base = cap_base[wi]
                    for ci in range(len(w.captures) - 1, -1, -1):
                        c = w.captures[ci]
                        if f.url in (c.url, c.final_url):
                            capture_id = cap_ids[base + ci]
                            break
                frows.append(
                    {
                        "at": f.at,
                        "kind": f.kind,
                        "source_id": w.source.id,
                        "source": f.source,
                        "item_id": item_ids[wi].get(f.item) if f.item else None,
                        "item": f.item,
                        "url": f.url,
                        "detail": detail,
                        "capture_id": capture_id,
                    }
                )
                owners.append(wi)
        fids = self._insert_ids(conn, find_t, frows)
        out: list[list[Finding]] = [[] for _ in writes]
        for wi, row, fid in zip(owners, frows, fids, strict=True):
            out[wi].append(
                Finding(
                    kind=row["kind"],
                    at=row["at"],
                    source=row["source"],
                    item=row["item"],
                    url=row["url"],
                    detail=row["detail"],
                    id=fid,
                    source_id=row["source_id"],
                    item_id=row["item_id"],
                    capture_id=row["capture_id"],
                )
            )
        # 6. schedules and health, one bulk statement for the common case
        with_health = [w for w in writes if w.source_change is not None]
        without = [w for w in writes if w.source_change is None]
        if with_health:
            conn.execute(
                update(src_t)
                .where(src_t.c.id == bindparam("b_id"))
                .values(
                    last_check=bindparam("last_check"),
                    next_check=bindparam("next_check"),
                    status=bindparam("status"),
                    fail_count=bindparam("fail_count"),
                    last_error=bindparam("last_error"),
                ),
                [
                    {
                        "b_id": w.source.id,
                        "last_check": w.now,
                        "next_check": w.next_check,
                        "status": w.source_change.status,
                        "fail_count": w.source_change.fail_count,
                        "last_error": w.source_change.last_error,
                    }
                    for w in with_health
                    if w.source_change is not None
                ],
            )
        if without:
            conn.execute(
                update(src_t)
                .where(src_t.c.id == bindparam("b_id"))
                .values(last_check=bindparam("last_check"), next_check=bindparam("next_check")),
                [{"b_id": w.source.id, "last_check": w.now, "next_check": w.next_check} for w in without],
            )
        moved = [{"b_id": w.source.id, "url": w.moved_to} for w in writes if w.moved_to]
        if moved:
            conn.execute(update(src_t).where(src_t.c.id == bindparam("b_id")).values(url=bindparam("url")), moved)
        return out

    @staticmethod
    def _insert_ids(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> list[int]:
        if not rows:
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return [r[0] for r in conn.execute(stmt, rows)]

    def _upsert_url_states(self, conn: Connection, states: dict[str, UrlState]) -> None:
        from sqlalchemy.dialects import postgresql, sqlite

        t = _table(UrlStateRow)
        rows = [
            {
                "url": u,
                "etag": st.etag,
                "last_modified": st.last_modified,
                "digest": st.digest,
                "digest_uri": st.digest_uri,
                "digest_date": st.digest_date,
            }
            for u, st in states.items()
        ]
        stmt: Any = postgresql.insert(t) if self.engine.dialect.name == "postgresql" else sqlite.insert(t)
        stmt = stmt.on_conflict_do_update(
            index_elements=[t.c.url],
            set_={
                k: getattr(stmt.excluded, k) for k in ("etag", "last_modified", "digest", "digest_uri", "digest_date")
            },
        )
        conn.execute(stmt, rows)

    # -- state for a batch of checks, read in bulk -------------------------------------------
    def check_states(self, sources: Sequence[Source]) -> dict[int, CheckState]:
        """Health, stored items and conditional-request validators for many sources at once."""
        ids = [s.id for s in sources]
        out: dict[int, CheckState] = {}
        with self.session() as s:
            for chunk in _chunks(ids):
                for sid, status, fails in s.execute(
                    select(SourceRow.id, SourceRow.status, SourceRow.fail_count).where(SourceRow.id.in_(chunk))
                ):
                    out[sid] = CheckState(status, fails, {}, {})
                it, ver = _table(ItemRow), _table(VersionRow)
                rows = s.execute(
                    select(*it.c, ver.c.text, ver.c.text_hash, ver.c.origin, ver.c.seq)
                    .outerjoin(ver, ver.c.id == it.c.current_version)
                    .where(it.c.source_id.in_(chunk))
                ).all()
                for r in rows:  # plain rows, no ORM identity map: this runs for every item every round
                    st = out.get(r.source_id)
                    if st is not None:
                        item = _item(r)
                        st.stored[r.key] = StoredItem(item, r.text, r.text_hash, r.origin, r.seq or 0)
            urls = {src.url: src.id for src in sources}
            for st_id, st in out.items():
                for si in st.stored.values():
                    urls.setdefault(si.item.url, st_id)
            url_list = list(urls)
            for chunk_u in _chunks(url_list):
                us = _table(UrlStateRow)
                for r in s.execute(select(us).where(us.c.url.in_(chunk_u))):
                    st2 = out.get(urls[r.url])
                    if st2 is not None:
                        st2.url_state[r.url] = UrlState(r.etag, r.last_modified, r.digest, r.digest_uri, r.digest_date)
        return out

    # -- the findings log ----------------------------------------------------------------------
    def findings(
        self,
        *,
        since: datetime | None = None,
        kinds: Sequence[str] | None = None,
        after_id: int | None = None,
        source_id: int | None = None,
        limit: int | None = None,
    ) -> list[Finding]:
        q = select(FindingRow).order_by(FindingRow.id)
        if since is not None:
            q = q.where(FindingRow.at >= since)
        if kinds:
            q = q.where(FindingRow.kind.in_(list(kinds)))
        if after_id is not None:
            q = q.where(FindingRow.id > after_id)
        if source_id is not None:
            q = q.where(FindingRow.source_id == source_id)
        if limit:
            q = q.limit(limit)
        with self.session() as s:
            return [_finding(r) for r in s.scalars(q)]


@dataclass
class CheckState:
    """What a check needs to know before it fetches."""

    status: str
    fail_count: int
    stored: dict[str, StoredItem]
    url_state: dict[str, UrlState]

    @property
    def validators(self) -> dict[str, Validators]:
        return {u: st.validators for u, st in self.url_state.items()}


def _table(row: type[Any]) -> Table:
    return cast(Table, row.__table__)


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield list(values[i : i + size])


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "source"
