"""Shared fixtures: a fresh real database per test, on SQLite and on PostgreSQL; and no internet: every test
runs with outgoing connections limited to loopback (127.0.0.0/8, ::1) and Unix sockets, so an address that
the test data names for provenance (xinhuanet.com, archives.gov ...) can never be fetched by a test."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from onrecord.store import Store

INTERNET_ATTEMPTS: list[object] = []  # non-loopback addresses some code under test tried to connect to
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket path: local by nature
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name handed to connect unresolved: not provably local


def _guard(address: object) -> None:
    if not _loopback(address):
        INTERNET_ATTEMPTS.append(address)
        raise OSError(f"tests reach only 127.0.0.1: connection to {address!r} refused")


def _connect(self: socket.socket, address: object) -> None:
    _guard(address)
    _real_connect(self, address)  # type: ignore[arg-type]


def _connect_ex(self: socket.socket, address: object) -> int:
    _guard(address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def no_internet() -> Iterator[Callable[[], list[object]]]:
    """Gives `tried()`: the addresses outside loopback this test has tried so far (each refused); a test
    that tried any fails, even where the code under test swallowed the error."""
    start = len(INTERNET_ATTEMPTS)

    def tried() -> list[object]:
        return INTERNET_ATTEMPTS[start:]

    yield tried
    assert not tried(), f"the test tried to reach the internet: {tried()}"


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
