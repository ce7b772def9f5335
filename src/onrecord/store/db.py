"""Engine creation and migrations for SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError

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
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise StoreError(f"cannot open database {mask(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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
        raise StoreError(
            f"cannot migrate database {mask(str(engine.url))}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
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
