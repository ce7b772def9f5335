"""A read-only look at a current SQLite database with the standard library's sqlite3, for commands
that must start at once (`onrecord sources`). Anything unusual (no file, a schema that is not
current, any sqlite3 error) returns None, and the caller takes the full path through `Store`.
The rows match what the full path prints (a test compares them)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from onrecord.store.revisions import schema_heads


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)).isoformat()


def quick_sources(path: Path) -> list[dict[str, Any]] | None:
    """Every source with its health, as `onrecord sources --json` prints it; None: use the Store."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        revs = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
        if revs != set(schema_heads()):
            return None
        rows = conn.execute(
            "SELECT id, name, url, kind, actor, every, selector, ignore, paused, next_check, status, "
            "last_error, last_check, options FROM sources ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return [
        {
            "id": r[0],
            "name": r[1],
            "url": r[2],
            "kind": r[3],
            "actor": r[4],
            "every": float(r[5]),
            "selector": r[6],
            "ignore": r[7],
            "options": json.loads(r[13] or "null") or {},
            "paused": bool(r[8]),
            "next_check": _iso(r[9]),
            "status": r[10],
            "last_error": r[11],
            "last_check": _iso(r[12]),
        }
        for r in rows
    ]
