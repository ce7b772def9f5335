"""Bad input end to end: each broken source gets one clear error or no finding, the others go on,
and nothing already archived is lost. Real HTTP server on 127.0.0.1, real archive and database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from onrecord.app import Onrecord
from onrecord.archive import Archive
from onrecord.config import Settings

GOOD_RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title>
<item><guid>g1</guid><link>{base}/item/1</link><title>One</title><description>First statement.</description></item>
<item><guid>g1</guid><link>{base}/item/1b</link><title>Dup</title><description>Same guid again.</description></item>
</channel></rss>"""
PAGE = (
    "<html><body><article><h1>Statement</h1><p>The ministry states its position clearly.</p>"
    "<p>Updated: {stamp}</p></article></body></html>"
)


@pytest.fixture
async def server() -> AsyncIterator[str]:
    state = {"stamp": 0}
    app = web.Application()
    base = ""

    async def good(_: web.Request) -> web.Response:
        return web.Response(
            body=GOOD_RSS.replace(b"{base}", base.encode()), content_type="application/rss+xml"
        )

    async def item(_: web.Request) -> web.Response:
        return web.Response(
            text="<html><body><p>First statement, in full on its page.</p></body></html>",
            content_type="text/html",
        )

    async def malformed(_: web.Request) -> web.Response:
        return web.Response(body=b"<rss><channel><item><title>broken", content_type="application/rss+xml")

    async def huge(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        for _ in range(800):  # ~50 MB
            await resp.write(chunk)
        return resp

    async def endless(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        while True:
            await resp.write(b"<p>more</p>")
            await asyncio.sleep(0.05)

    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop2" if request.path == "/loop" else "/loop")

    async def reset(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.abort()
        return web.Response()

    async def limited(_: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "1"})

    async def stamp(_: web.Request) -> web.Response:
        state["stamp"] += 1
        return web.Response(
            text=PAGE.format(stamp=f"2026-03-01 10:{state['stamp']:02d}"), content_type="text/html"
        )

    async def cp1251(_: web.Request) -> web.Response:
        body = "<html><body><p>Заявление министерства иностранных дел о переговорах.</p></body></html>"
        return web.Response(body=body.encode("cp1251"), headers={"Content-Type": "text/html"})

    async def moved(_: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/good.xml")

    async def gone(_: web.Request) -> web.Response:
        return web.Response(status=410, text="gone")

    async def root(_: web.Request) -> web.Response:
        return web.Response(text="home", content_type="text/html")

    for path, h in [
        ("/good.xml", good),
        ("/item/{n}", item),
        ("/malformed.xml", malformed),
        ("/huge", huge),
        ("/endless", endless),
        ("/loop", loop),
        ("/loop2", loop),
        ("/reset", reset),
        ("/limited", limited),
        ("/stamp", stamp),
        ("/cp1251", cp1251),
        ("/moved.xml", moved),
        ("/gone.xml", gone),
        ("/", root),
    ]:
        app.router.add_get(path, h)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    yield base
    await runner.cleanup()


async def test_broken_sources_do_not_stop_the_run_or_lose_archives(server: str, tmp_path: Path) -> None:
    settings = Settings(
        data=tmp_path,
        allow_private_addresses=True,
        timeout=1.5,
        max_bytes=2_000_000,
        retries=1,
        max_retry_after=2,
    )
    app = Onrecord(settings)
    kinds = {
        "good": ("/good.xml", "feed"),
        "malformed": ("/malformed.xml", "feed"),
        "huge": ("/huge", "page"),
        "endless": ("/endless", "page"),
        "loop": ("/loop", "page"),
        "reset": ("/reset", "page"),
        "limited": ("/limited", "page"),
        "stamp": ("/stamp", "page"),
        "cp1251": ("/cp1251", "page"),
    }
    for name, (path, kind) in kinds.items():
        app.add_source(server + path, kind=kind, name=name, sniff=False)

    first = {r.source.name: r for r in await app.check()}
    # The good feed and the good pages report their items; duplicate guids count once.
    assert [f.kind for f in first["good"].findings] == ["new"]
    assert [f.kind for f in first["stamp"].findings] == ["new"]
    assert "Заявление министерства" in app.latest_text(server + "/cp1251")[1]
    # Each broken source: one clear line, no finding.
    for name, words in [
        ("malformed", "malformed feed"),
        ("endless", "timeout"),
        ("loop", "redirect loop"),
        ("limited", "429"),
        ("reset", ""),
    ]:
        r = first[name]
        assert r.findings == [], name
        assert r.error and "\n" not in r.error and words in r.error, (name, r.error)
    assert first["huge"].findings == [] or first["huge"].error  # cut at max_bytes, never a crash

    caps_before = app.store.captures(limit=10_000)
    second = {r.source.name: r for r in await app.check()}
    # A page that changes only its "Updated:" stamp is not an edit.
    assert second["stamp"].findings == []
    # Two failed checks in a row make a source unreachable; nothing is ever "deleted".
    assert {f.kind for r in second.values() for f in r.findings} <= {"unreachable"}
    assert {r.source.name for r in second.values() if r.findings} >= {"endless", "reset"}

    archive = Archive(app.warc_dir)
    for c in caps_before:
        if c.warc_file:
            assert archive.read(c).status == c.status  # what was archived stays readable
    archive.close()
    app.close()


async def test_feed_moved_permanently_is_followed_and_gone_feed_is_said(server: str, tmp_path: Path) -> None:
    app = Onrecord(Settings(data=tmp_path, allow_private_addresses=True, timeout=2))
    app.add_source(server + "/moved.xml", kind="feed", name="moved", sniff=False)
    app.add_source(server + "/gone.xml", kind="feed", name="gone", sniff=False)
    results = {r.source.name: r for r in await app.check()}
    assert [f.kind for f in results["moved"].findings] == ["new"]
    assert app.source("moved").url == server + "/good.xml"  # 301: polled at the new address from now on
    assert results["gone"].error is not None and "410 Gone" in results["gone"].error
    app.close()
