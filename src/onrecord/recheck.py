"""Which stored items a check asks again: bounded, newest first, the rest in turns.

A feed that lists 10,000 items must not cost 10,000 page fetches (9 MB of WARC) on every check.
At most `recheck_max` items are re-verified per check: three quarters of the cap go to the newest
items (edits and deletions happen mostly soon after publication), the last quarter walks through all
the others in turns, so each older item is still asked again every few checks. The turn comes from
the check's time slot, so it needs no stored cursor and is the same in every process.

A social account's listing shows only its newest posts: `pick_outside` chooses the few known posts
outside that window to fetch directly on each check (`recheck_old`), so an old post's edit or
deletion is still seen.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import TypeVar

from onrecord.detect import StoredItem

S = TypeVar("S", bound=StoredItem)


def pick_rechecks(due: Mapping[str, S], cap: int, now: datetime, every: float) -> dict[str, S]:
    """About `cap` of the `due` items (all of them when `cap` is 0 or not exceeded); items awaiting a
    deletion's confirmation come on top."""
    if cap <= 0 or len(due) <= cap:
        return dict(due)
    # An item that answered "gone" before is always asked again: its deletion awaits confirmation.
    picked = {k: s for k, s in due.items() if s.item.state == "missing"}
    others = [(k, s) for k, s in due.items() if k not in picked]
    by_age = sorted(others, key=lambda kv: (kv[1].item.first_seen, kv[0]), reverse=True)
    n_new = max(1, cap * 3 // 4)
    picked.update(by_age[:n_new])
    rest = sorted(by_age[n_new:], key=lambda kv: kv[0])
    n_turn = min(cap - n_new, len(rest))
    if n_turn > 0:
        turn = int(now.timestamp() // max(every, 1.0))
        start = (turn * n_turn) % len(rest)
        for i in range(n_turn):
            key, stored = rest[(start + i) % len(rest)]
            picked[key] = stored
    return picked


def pick_outside(
    stored: Mapping[str, S], seen: Collection[str], cap: int, now: datetime, hot: float, cold: float
) -> list[S]:
    """Known items a social listing did not show (older than its window), to fetch one by one.

    At most `cap` per check (0: none), never a deleted one: first those awaiting a deletion's
    confirmation, then the others oldest-checked first, so the batch walks through all of them in turn
    (each fetch sets the item's `last_checked`) with no stored cursor. Only items due by the same rule
    as a feed's (first seen within `hot` seconds, or not checked for `cold` seconds) are asked.
    """
    if cap <= 0:
        return []
    epoch = datetime.min.replace(tzinfo=now.tzinfo)
    due = [
        s
        for k, s in stored.items()
        if k not in seen
        and s.item.state != "deleted"
        and (
            (now - s.item.first_seen).total_seconds() <= hot
            or s.item.last_checked is None
            or (now - s.item.last_checked).total_seconds() >= cold
        )
    ]
    due.sort(key=lambda s: (s.item.state != "missing", s.item.last_checked or epoch, s.item.key))
    return due[:cap]
