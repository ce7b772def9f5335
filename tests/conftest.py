"""Shared fixtures: a fresh real database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from onrecord.store import Store

PG_URL = os.environ.get("ONRECORD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("ONRECORD_REQUIRE_POSTGRES") == "1"


def _pg_available() -> str | None:
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _pg_available()
    return _PG_PROBLEM  # type: ignore[return-value]


class PgSchema:
    """A throwaway schema in the test database, so runs never collide."""

    def __init__(self) -> None:
        problem = pg_problem()
        if problem:
            if REQUIRE_PG:
                pytest.fail(f"PostgreSQL required but unavailable: {problem}")
            pytest.skip(f"no PostgreSQL: {problem}")
        self.name = f"t_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as c:
            c.execute(text(f"CREATE SCHEMA {self.name}"))

    @property
    def url_with_schema(self) -> str:
        sep = "&" if "?" in PG_URL else "?"
        return f"{PG_URL}{sep}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self.admin.connect() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {self.name} CASCADE"))
        self.admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for a fresh, empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    schema = PgSchema()
    try:
        yield schema.url_with_schema
    finally:
        schema.drop()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    s.migrate()
    try:
        yield s
    finally:
        s.close()
