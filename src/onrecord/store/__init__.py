"""The only place with SQL: schema, migrations and queries.

Names load on first use, so `onrecord.store.quick` (the standard library's sqlite3, for a quick
`onrecord sources`) imports without SQLAlchemy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onrecord.store.db import make_engine, migrate
    from onrecord.store.queries import Store

__all__ = ["Store", "make_engine", "migrate"]
_WHERE = {"Store": "onrecord.store.queries", "make_engine": "onrecord.store.db", "migrate": "onrecord.store.db"}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'onrecord.store' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
