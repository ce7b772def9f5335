"""A feed of many items re-verifies at most `recheck_max` of them per check: newest first, the rest in turns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from onrecord.app import Onrecord
from onrecord.config import Settings
from onrecord.detect import StoredItem
from onrecord.recheck import pick_outside, pick_rechecks
from onrecord.records import Item

N = 120
RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Office</title>{items}</channel></rss>'
ITEM = "<item><guid>s{n}</guid><title>Statement {n}</title><link>{base}/p/{n}</link><description>d</description></item>"


def stored(n: int, first_seen: datetime, state: str = "live") -> StoredItem:
    item = Item(n, 1, f"k{n:03d}", f"https://x/{n}", f"t{n}", state, first_seen, first_seen, last_checked=first_seen)
    return StoredItem(item, "text", None, "page", 1)


def test_newest_first_then_every_other_item_in_turns():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    due = {f"k{n:03d}": stored(n, t0 + timedelta(minutes=n)) for n in range(100)}
    due["k000"] = stored(0, t0, state="missing")  # awaiting a deletion's confirmation
    seen: set[str] = set()
    for turn in range(47):
        got = pick_rechecks(due, 8, t0 + timedelta(seconds=300 * turn), 300)
        assert "k000" in got and len(got) <= 9
        assert {f"k{n:03d}" for n in range(94, 100)} <= set(got)  # the 6 newest, every time
        seen |= set(got)
    assert seen == set(due)  # every older item had its turn within 47 checks (2 per check over 93)
    assert pick_rechecks(due, 0, t0, 300) == due


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[str]]]:
    hits: list[str] = []
    base = ""

    async def feed(_r: web.Request) -> web.Response:
        return web.Response(
            text=RSS.format(items="".join(ITEM.format(n=n, base=base) for n in range(N))),
            content_type="application/rss+xml",
        )

    async def page(r: web.Request) -> web.Response:
        hits.append(r.path)
        n = r.match_info["n"]
        return web.Response(
            text=f"<html><body><article><p>Statement {n} in full.</p></article></body></html>", content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/p/{n}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield base, hits
    await runner.cleanup()


async def test_second_check_asks_at_most_recheck_max_pages(server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, hits = server
    app = Onrecord(Settings(data=tmp_path, allow_private_addresses=True, retries=0, recheck_max=20))
    app.add_source(f"{base}/feed.xml", kind="feed", name="office", sniff=False)
    (first,) = await app.check()
    assert sum(f.kind == "new" for f in first.findings) == N  # every new item's page is fetched
    assert len(hits) == N
    hits.clear()
    (second,) = await app.check()
    assert second.error is None and second.findings == []
    assert len(hits) == 20
    app.close()


def test_outside_the_window_a_bounded_batch_oldest_checked_first_in_turns():
    """pick_outside: never more than the cap, awaiting-confirmation first, then oldest-checked; each
    pick counts as checked, so a handful per check walks through every old item in turn."""
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    items = {f"k{n:03d}": stored(n, t0) for n in range(20)}
    items["k005"] = stored(5, t0, state="missing")
    items["k006"] = stored(6, t0, state="deleted")
    listed = {f"k{n:03d}" for n in range(10, 20)}  # what the listing showed: never asked here
    now = t0 + timedelta(hours=1)
    first = pick_outside(items, listed, 3, now, 7 * 86400, 86400)
    assert [s.item.key for s in first] == ["k005", "k000", "k001"]
    visited: set[str] = set()
    for turn in range(4):
        now = t0 + timedelta(hours=1, minutes=5 * turn)
        got = pick_outside(items, listed, 3, now, 7 * 86400, 86400)
        assert len(got) <= 3 and not {s.item.key for s in got} & (listed | {"k006"})
        for s in got:  # what a check does: the item answered, its last_checked is now
            items[s.item.key] = replace(s, item=replace(s.item, state="live", last_checked=now))
            visited.add(s.item.key)
    assert visited == {f"k{n:03d}" for n in range(10)} - {"k006"}  # 9 old items in 3 checks of 3
    assert pick_outside(items, listed, 0, now, 7 * 86400, 86400) == []
    # Past the hot window an item is asked again only once cold_every has passed since its last check.
    late = now + timedelta(days=8)
    assert pick_outside(items, listed, 3, late, 7 * 86400, 86400)  # checked 8 days ago: due
    for key in list(items):
        items[key] = replace(items[key], item=replace(items[key].item, last_checked=late - timedelta(hours=1)))
    assert pick_outside(items, listed, 3, late, 7 * 86400, 86400) == []
