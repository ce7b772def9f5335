"""Checks run only on sources this process has claimed (see `onrecord.store.claims`).

`watch` claims the sources that are due and skips those another process holds: they are being
checked right now. `check` names what it wants checked now, so it waits for another process to give
a source back (at most one lease, after which a dead holder's claim has run out) and then checks it
with the state that process left. Either way each source is checked by one process at a time, its
state is read only after its claim was granted, and the claim is given back once the findings are
written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from onrecord.pipeline import CheckResult
from onrecord.records import Source
from onrecord.store.claims import Claims

log = logging.getLogger(__name__)


async def _renew(claims: Claims, ids: list[int]) -> None:
    while True:
        await asyncio.sleep(max(claims.lease / 3, 0.05))
        try:
            claims.renew(ids)
        except Exception as exc:  # the next renewal (or the lease's own margin) covers a hiccup
            log.warning("claims renew failed: %s", exc)


async def run_claimed(
    claims: Claims,
    targets: Sequence[Source],
    run: Callable[[list[Source]], Awaitable[list[CheckResult]]],
    *,
    due_by: datetime | None = None,
    wait: bool = True,
    poll: float = 0.25,
) -> list[CheckResult]:
    """Run `run` on the targets this process could claim; with `wait`, wait for the others too."""
    order = {s.id: i for i, s in enumerate(targets)}
    pending = {s.id: s for s in targets}
    results: list[CheckResult] = []
    give_up = time.monotonic() + claims.lease + 5.0
    told = False
    while pending:
        got = claims.claim(list(pending), due_by=due_by)
        batch = [pending.pop(i) for i in sorted(got, key=order.__getitem__)]
        if batch:
            ids = [s.id for s in batch]
            renewer = asyncio.create_task(_renew(claims, ids))
            try:
                results.extend(await run(batch))
            finally:
                renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewer
                claims.release(ids)
        if not pending or not wait:
            break
        if not told:
            holders = claims.holders(pending)
            names = ", ".join(sorted(s.name for s in pending.values()))
            log.info("waiting for another process to finish checking %s (%s)", names, ", ".join(set(holders.values())))
            told = True
        if time.monotonic() > give_up:
            for s in pending.values():
                msg = f"{s.name} is being checked by another process; not checked now"
                results.append(CheckResult(s, error=msg))
            break
        await asyncio.sleep(poll)
    results.sort(key=lambda r: order[r.source.id])
    return results
