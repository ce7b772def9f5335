"""The check pipeline against a real server: revisits across checks, conditional requests, batching."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from onrecord.app import Onrecord
from onrecord.config import Settings

PAGE = (
    "<html><body><article><h1>Statement {n}</h1>"
    "<p>The office restates its position on item {n}.</p></article></body></html>"
)


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, dict[str, int]]]:
    hits = {"plain": 0, "etag": 0, "304": 0}

    async def plain(request: web.Request) -> web.Response:
        hits["plain"] += 1
        return web.Response(text=PAGE.format(n=request.match_info["n"]), content_type="text/html")

    async def etag(request: web.Request) -> web.Response:
        hits["etag"] += 1
        tag = f'"v{request.match_info["n"]}"'
        if request.headers.get("If-None-Match") == tag:
            hits["304"] += 1
            return web.Response(status=304, headers={"ETag": tag})
        # a body of its own: a revisit must point at this URL's payload, not at /plain/n's twin
        return web.Response(
            text=PAGE.format(n=f"e{request.match_info['n']}"), content_type="text/html", headers={"ETag": tag}
        )

    app = web.Application()
    app.router.add_get("/plain/{n}", plain)
    app.router.add_get("/etag/{n}", etag)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", hits
    await runner.cleanup()


async def test_unchanged_pages_cost_a_revisit_or_a_304(
    server: tuple[str, dict[str, int]], db_url: str, tmp_path: Path
) -> None:
    base, hits = server
    app = Onrecord(Settings(data=tmp_path, db=db_url, allow_private_addresses=True))
    for n in range(30):
        app.add_source(f"{base}/plain/{n}", kind="page", name=f"p{n}", sniff=False)
        app.add_source(f"{base}/etag/{n}", kind="page", name=f"e{n}", sniff=False)
    done: list[str] = []
    first = await app.check(on_done=lambda r: done.append(r.source.name))
    assert len(done) == 60  # every check reported once its batch was written
    assert all(len(r.findings) == 1 and r.findings[0].kind == "new" and r.findings[0].id for r in first)

    second = await app.check()
    assert all(r.findings == [] for r in second)
    assert hits["304"] == 30  # conditional requests answered "not modified"
    caps = app.store.captures(limit=1000)
    latest: dict[str, object] = {}
    for c in caps:  # newest first
        latest.setdefault(c.url, c)
    plain = [c for u, c in latest.items() if "/plain/" in u]
    assert plain and all(c.revisit for c in plain)  # type: ignore[attr-defined]
    assert all(c.length < 1000 for c in latest.values())  # type: ignore[attr-defined]
    # the revisit points at the first capture of the same URL
    from onrecord.archive import Archive

    archive = Archive(app.warc_dir)
    rep = archive.read(plain[0])  # type: ignore[arg-type]
    assert rep.record_type == "revisit" and rep.refers_to == plain[0].url  # type: ignore[attr-defined]
    archive.close()
    app.close()
