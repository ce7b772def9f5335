"""The only place with SQL: schema, migrations and queries."""

from onrecord.store.db import make_engine, migrate
from onrecord.store.queries import Store

__all__ = ["Store", "make_engine", "migrate"]
