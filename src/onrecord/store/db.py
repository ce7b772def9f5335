"""Engine creation and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

from onrecord.errors import StoreError
from onrecord.store.revisions import MIGRATIONS, known_revisions, schema_heads

__all__ = ["MIGRATIONS", "ensure_schema", "make_engine", "mask", "migrate", "schema_behind", "schema_heads"]


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL and foreign keys, PostgreSQL an optional schema."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    # JSON columns as UTF-8 text ("Straße", not "Stra\\u00dfe"): readable in Datasette and sqlite3
    kwargs: dict[str, Any] = {"json_serializer": _json_dumps}
    if url.startswith("postgresql"):
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
        kwargs["pool_pre_ping"] = True
    elif url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        url = _read_only_sqlite(url)
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot open database {mask(url)}: {exc}") from None
    if engine.dialect.name == "sqlite" and not is_read_only(engine):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _read_only_sqlite(url: str) -> str:
    """A read-only URL for a SQLite file that cannot be written (a read-only folder or mount), so
    reading commands still work there; writing ones then fail with one line."""
    try:
        db = make_url(url).database
    except ArgumentError:
        return url
    if not db or db == ":memory:" or db.startswith("file:") or "?" in url:
        return url
    path = Path(db)
    folder = path.parent
    if not path.is_file() or (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        return url
    query = "mode=ro&uri=true"
    wal = path.with_name(path.name + "-wal")
    if not os.access(folder, os.W_OK) and not (wal.exists() and wal.stat().st_size > 0):
        # No -shm can be made beside it and no WAL holds unsaved changes: read the file as it is.
        query = "mode=ro&immutable=1&uri=true"
    return f"sqlite:///file:{quote(str(path.resolve()))}?{query}"


def is_read_only(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    from alembic import command

    cfg = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:  # table rebuilds in batch mode must not cascade: SQLite's own advice
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.commit()
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise StoreError(f"migration left {len(broken)} broken reference(s), e.g. {broken[0]}")
            finally:
                if sqlite:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
    except SQLAlchemyError as exc:
        hint = " (the database is read-only here: upgrade it where it can be written)" if is_read_only(engine) else ""
        raise StoreError(
            f"cannot migrate database {mask(str(engine.url))}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}{hint}"
        ) from None


def schema_revisions(engine: Engine) -> set[str] | None:
    """The revision(s) the database is at; None for a database onrecord has never set up."""
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise StoreError(f"cannot open database {mask(str(engine.url))}: {first}") from None


def schema_behind(engine: Engine) -> bool:
    """True when the schema needs `migrate`; a StoreError when the database is newer than this onrecord."""
    current = schema_revisions(engine)
    if current is None:
        return True
    if current == set(schema_heads()):
        return False
    unknown = current - known_revisions()
    if unknown:
        raise StoreError(
            f"database {mask(str(engine.url))} has schema {', '.join(sorted(unknown))}, newer than this "
            "onrecord knows: upgrade onrecord"
        )
    return True


def ensure_schema(engine: Engine) -> bool:
    """Migrate only when the schema is behind (one cheap query otherwise); True when it migrated."""
    if not schema_behind(engine):
        return False
    migrate(engine)
    return True


def mask(url: str) -> str:
    return re.sub(r"//([^:/@]+):([^@]+)@", r"//\1:***@", url)
