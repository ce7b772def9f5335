"""The schema revisions this onrecord knows, read from the migration files themselves (no Alembic,
no SQLAlchemy): a start-up whose schema is current costs one small query, not a migration run."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

MIGRATIONS = Path(__file__).parent / "migrations"

_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\b[^=]*=\s*(.+)$", re.M)


@lru_cache(maxsize=1)
def _graph() -> tuple[frozenset[str], frozenset[str]]:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        src = path.read_text(encoding="utf-8")
        rev = _REVISION.search(src)
        if rev is None:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(src)
        if down is not None:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions), frozenset(revisions - parents)


def known_revisions() -> frozenset[str]:
    """Every revision in migrations/versions."""
    return _graph()[0]


def schema_heads() -> frozenset[str]:
    """The newest revision(s): what a current database's alembic_version holds."""
    return _graph()[1]
