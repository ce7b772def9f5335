"""Claims: the store grants each source to one process at a time, with a lease.

A process (a `watch`, a `check`, a worker on another machine sharing PostgreSQL) checks a source
only while it holds its claim: `sources.claimed_by` names the process and `sources.claimed_until`
ends the lease. A claim is one conditional UPDATE, so two processes asking at once cannot both get
it (SQLite serialises writers; PostgreSQL re-checks the condition on the row it waited for). The
holder renews the lease while it works and releases it once its findings are written; a process
that dies leaves a lease that simply runs out, and then anyone may claim the source again.

Leases run on the wall clock, not on the injected world clock: they guard real processes, and a
simulated hour passing in a second must not expire them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from onrecord.errors import StoreError
from onrecord.store.db import mask
from onrecord.store.queries import Store
from onrecord.store.tables import SourceRow


def owner_id(worker: str) -> str:
    """A name for this process that no other process shares: worker (host), pid and a random tag."""
    return f"{worker}-{os.getpid()}-{secrets.token_hex(3)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, under another user
        return True
    return True


def _wall_now() -> datetime:
    return datetime.now(UTC)


def _chunks(ids: Sequence[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


class Claims:
    """Claims on sources for one process (`owner`), each lasting `lease` seconds unless renewed."""

    def __init__(self, store: Store, owner: str, lease: float = 300.0, now: Callable[[], datetime] = _wall_now) -> None:
        self.store, self.owner, self.lease, self._now = store, owner, lease, now
        parts = owner.rsplit("-", 2)
        self._worker = parts[0] if len(parts) == 3 and parts[1].isdigit() else None

    def _reap(self, conn: Connection, now: datetime) -> None:
        """Drop live-looking claims of this machine's processes that are gone (killed, crashed): a
        `check` after a killed `watch` need not wait for their leases to run out."""
        if self._worker is None:
            return
        q = (
            select(SourceRow.claimed_by)
            .distinct()
            .where(SourceRow.claimed_by.like(f"{self._worker}-%"), SourceRow.claimed_until > now)
        )
        for owner in list(conn.scalars(q)):
            parts = str(owner).rsplit("-", 2)
            if len(parts) != 3 or parts[0] != self._worker or not parts[1].isdigit():
                continue
            pid = int(parts[1])
            if pid != os.getpid() and not _alive(pid):
                conn.execute(
                    update(SourceRow).where(SourceRow.claimed_by == owner).values(claimed_by=None, claimed_until=None)
                )

    def _run(self, fn: Callable[[], set[int]]) -> set[int]:
        try:
            return fn()
        except SQLAlchemyError as exc:
            first = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
            raise StoreError(f"database {mask(self.store.url)}: cannot claim sources: {first}") from exc

    def claim(self, source_ids: Sequence[int], *, due_by: datetime | None = None) -> set[int]:
        """Claim the sources that nobody else holds (or whose lease ran out); return the ids granted.

        With `due_by`, only sources still due by then are claimed (another process may have checked
        one since the caller looked).
        """
        ids = sorted(set(source_ids))

        def go() -> set[int]:
            now = self._now()
            until = now + timedelta(seconds=self.lease)
            got: set[int] = set()
            with self.store.engine.begin() as conn:
                self._reap(conn, now)
                for chunk in _chunks(ids):
                    q = (
                        update(SourceRow)
                        .where(SourceRow.id.in_(chunk))
                        .where(
                            or_(
                                SourceRow.claimed_by.is_(None),
                                SourceRow.claimed_until.is_(None),
                                SourceRow.claimed_until <= now,
                                SourceRow.claimed_by == self.owner,
                            )
                        )
                    )
                    if due_by is not None:
                        q = q.where(or_(SourceRow.next_check.is_(None), SourceRow.next_check <= due_by))
                    conn.execute(q.values(claimed_by=self.owner, claimed_until=until))
                    mine = select(SourceRow.id).where(SourceRow.id.in_(chunk), SourceRow.claimed_by == self.owner)
                    got.update(conn.scalars(mine))
            return got

        return self._run(go) if ids else set()

    def renew(self, source_ids: Iterable[int]) -> set[int]:
        """Push the lease of the sources this process still holds; return those still held."""
        ids = sorted(set(source_ids))

        def go() -> set[int]:
            until = self._now() + timedelta(seconds=self.lease)
            got: set[int] = set()
            with self.store.engine.begin() as conn:
                for chunk in _chunks(ids):
                    conn.execute(
                        update(SourceRow)
                        .where(SourceRow.id.in_(chunk), SourceRow.claimed_by == self.owner)
                        .values(claimed_until=until)
                    )
                    mine = select(SourceRow.id).where(SourceRow.id.in_(chunk), SourceRow.claimed_by == self.owner)
                    got.update(conn.scalars(mine))
            return got

        return self._run(go) if ids else set()

    def release(self, source_ids: Iterable[int]) -> None:
        """Give the sources back (only those this process holds)."""
        ids = sorted(set(source_ids))

        def go() -> set[int]:
            with self.store.engine.begin() as conn:
                for chunk in _chunks(ids):
                    conn.execute(
                        update(SourceRow)
                        .where(SourceRow.id.in_(chunk), SourceRow.claimed_by == self.owner)
                        .values(claimed_by=None, claimed_until=None)
                    )
            return set()

        if ids:
            self._run(go)

    def holders(self, source_ids: Iterable[int]) -> dict[int, str]:
        """Who holds a live claim on each of these sources (for messages)."""
        ids = sorted(set(source_ids))
        now = self._now()
        out: dict[int, str] = {}
        with self.store.engine.connect() as conn:
            for chunk in _chunks(ids):
                q = select(SourceRow.id, SourceRow.claimed_by).where(
                    SourceRow.id.in_(chunk), SourceRow.claimed_by.is_not(None), SourceRow.claimed_until > now
                )
                out.update({i: str(b) for i, b in conn.execute(q)})
        return out
