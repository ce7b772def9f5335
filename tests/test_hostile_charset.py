"""A charset no decoder knows (`charset=undefined`) is text to decode, not an internal error (issue 9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from onrecord.app import Onrecord
from onrecord.config import Settings
from onrecord.parse.decode import decode_body
from onrecord.parse.feed import parse_feed

RSS = '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>Office</title>{items}</channel></rss>'
ITEM = (
    "<item><guid>s{n}</guid><title>Statement {n}</title><link>{base}/s{n}</link><description>d{n}</description></item>"
)
PAGE = (
    "<html><body><article><h1>Statement {n}</h1>"
    "<p>The ministry’s position on item {n} is unchanged.</p></article></body></html>"
)


@pytest.fixture
async def server() -> AsyncIterator[str]:
    base = ""

    async def feed(_r: web.Request) -> web.Response:
        items = "".join(ITEM.format(n=n, base=base) for n in range(3))
        body = RSS.format(enc="undefined", items=items).encode()
        return web.Response(body=body, headers={"Content-Type": "application/rss+xml; charset=undefined"})

    async def page(r: web.Request) -> web.Response:
        n = int(r.match_info["n"])
        charset = ["undefined", "utf-8", "x-no-such-charset"][n]
        body = PAGE.format(n=n).encode("utf-8")
        return web.Response(body=body, headers={"Content-Type": f"text/html; charset={charset}"})

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/s{n}", page)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield base
    await runner.cleanup()


@pytest.mark.parametrize("charset", ["undefined", "base64", "rot13", "unicode_escape", "punycode", "nonsense"])
def test_unusable_charsets_fall_back(charset):
    body = "<p>Le ministère répond.</p>".encode()
    assert decode_body(body, f"text/html; charset={charset}") == "<p>Le ministère répond.</p>"
    xml = RSS.format(enc=charset, items=ITEM.format(n=1, base="http://x")).encode()
    assert [i.key for i in parse_feed(xml, "http://x/feed", f"application/rss+xml; charset={charset}")] == ["s1"]


async def test_feed_with_undefined_charset_is_archived_and_every_item_new(
    server: str, db_url: str, tmp_path: Path
) -> None:
    app = Onrecord(Settings(data=tmp_path, db=db_url, allow_private_addresses=True, retries=0))
    app.add_source(f"{server}/feed.xml", kind="feed", name="office", sniff=False)
    (result,) = await app.check()
    assert result.error is None
    news = sorted(f.item for f in result.findings if f.kind == "new")
    assert len(news) == 3, result.findings
    urls = {c.url for c in app.store.captures(limit=100)}
    assert {f"{server}/feed.xml", f"{server}/s0", f"{server}/s1", f"{server}/s2"} <= urls  # all archived
    (health,) = app.store.source_rows_status().values()
    assert health["status"] == "ok" and not health["last_error"]
    _title, text = app.latest_text(f"{server}/s0")
    assert "ministry’s position on item 0" in text
    app.close()
