"""Engine creation and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from onrecord.errors import StoreError

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for `url`; SQLite gets WAL and foreign keys, PostgreSQL an optional schema."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    kwargs: dict[str, Any] = {}
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


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        hint = " (the database is read-only here: upgrade it where it can be written)" if is_read_only(engine) else ""
        raise StoreError(
            f"cannot migrate database {mask(str(engine.url))}: {exc.__class__.__name__}: "
            f"{str(exc).splitlines()[0]}{hint}"
        ) from None


def mask(url: str) -> str:
    import re

    return re.sub(r"//([^:/@]+):([^@]+)@", r"//\1:***@", url)
