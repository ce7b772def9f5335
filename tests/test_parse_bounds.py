"""A deeply nested page costs at most its own cap or timeout; other sources are checked meanwhile (issue 9)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from onrecord.app import Onrecord
from onrecord.config import Settings
from onrecord.parse.bounds import nesting_depth

PAGE = (
    "<html><body><article><h1>Statement {n}</h1>"
    "<p>The office restates its position {n}.</p></article></body></html>"
)


def nested(n: int) -> bytes:
    return ("<html><body>" + "<div>" * n + "deep" + "</div>" * n + "</body></html>").encode()


@pytest.fixture
async def server() -> AsyncIterator[str]:
    deep = {"100000": nested(100_000), "30000": nested(30_000)}

    async def page(r: web.Request) -> web.Response:
        return web.Response(text=PAGE.format(n=r.match_info["n"]), content_type="text/html")

    async def hostile(r: web.Request) -> web.Response:
        return web.Response(body=deep[r.match_info["n"]], content_type="text/html")

    app = web.Application()
    app.router.add_get("/ok/{n}", page)
    app.router.add_get("/deep/{n}", hostile)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    await runner.cleanup()


def test_depth_scan_ignores_optional_end_tags_comments_and_scripts():
    sloppy = b"<html><body>" + b"<p>para <li>item <br> <img src=x>" * 5000 + b"</body></html>"
    assert nesting_depth(sloppy) <= 2
    assert nesting_depth(b"<div><!-- <div><div><div> --><script>'<div><div>'</script></div>") == 1
    assert nesting_depth(b"<div><span><a href='x>y'>t</a></span></div><div/>") == 3
    assert nesting_depth(nested(100_000), 1000) == 1001  # stops counting past the cap


async def test_nested_page_is_refused_by_the_depth_cap_and_others_are_checked(server: str, tmp_path: Path) -> None:
    app = Onrecord(Settings(data=tmp_path, allow_private_addresses=True, retries=0))
    app.add_source(f"{server}/deep/100000", kind="page", name="deep", sniff=False)
    for n in range(30):
        app.add_source(f"{server}/ok/{n}", kind="page", name=f"ok{n}", sniff=False)
    started = time.perf_counter()
    results = {r.source.name: r for r in await app.check()}
    took = time.perf_counter() - started
    assert all(results[f"ok{n}"].findings[0].kind == "new" for n in range(30))
    assert "parse_max_depth" in (results["deep"].error or "")
    assert took < 30  # unbounded, this page alone took 93 s to parse
    assert any(c.url.endswith("/deep/100000") for c in app.store.captures(limit=100))  # archived all the same
    app.close()


async def test_a_parse_past_its_timeout_is_abandoned_while_others_go_on(server: str, tmp_path: Path) -> None:
    s = Settings(data=tmp_path, allow_private_addresses=True, retries=0, parse_max_depth=0, parse_timeout=1.5)
    app = Onrecord(s)
    app.add_source(f"{server}/deep/30000", kind="page", name="deep", sniff=False)
    for n in range(20):
        app.add_source(f"{server}/ok/{n}", kind="page", name=f"ok{n}", sniff=False)
    order: list[str] = []
    results = {r.source.name: r for r in await app.check(on_progress=lambda src: order.append(src.name))}
    assert "parse_timeout" in (results["deep"].error or "")
    assert all(results[f"ok{n}"].findings[0].kind == "new" for n in range(20))
    assert order[-1] == "deep"  # every other source was checked while the hostile page was being parsed
    assert app.parser.timeouts == 1
    app.close()
