"""WARC bytes and page fetches per check of a 10,000-item feed, with and without `recheck_max` (issue 9).

A real HTTP server on 127.0.0.1 serves one RSS feed listing N items (default 10,000) and a ~1 KB
page per item. The first check fetches every page (all items are new); then one check with
`recheck_max = 0` (every item in the hot window asked again: the old behaviour) and one with the
default cap are measured, each on the same data folder.

    .venv/bin/python benchmarks/bench_recheck.py --items 10000
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from aiohttp import web

from onrecord.app import Onrecord
from onrecord.config import Settings

RSS_ITEM = (
    "<item><guid>s{n}</guid><title>Statement {n}</title><link>{base}/p/{n}</link><description>d{n}</description></item>"
)
PAGE = (
    "<html><head><title>Statement {n}</title></head><body><article><h1>Statement {n}</h1>"
    "<p>{text}</p></article></body></html>"
)


def warc_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.glob("*.warc.gz"))


async def main(items: int, cap: int) -> None:
    hits = [0]
    base = ""
    text = "The ministry restates its position on the matter and recalls its earlier statements. " * 10

    async def feed(_r: web.Request) -> web.Response:
        body = "".join(RSS_ITEM.format(n=n, base=base) for n in range(items))
        return web.Response(
            text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>Office</title>{body}</channel></rss>',
            content_type="application/rss+xml",
        )

    async def page(r: web.Request) -> web.Response:
        hits[0] += 1
        n = r.match_info["n"]
        return web.Response(text=PAGE.format(n=n, text=f"{n}: {text}"), content_type="text/html")

    app = web.Application()
    app.router.add_get("/feed.xml", feed)
    app.router.add_get("/p/{n}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        rows = []
        for label, recheck_max in (
            ("first check (all new)", 0),
            ("recheck_max = 0 (before)", 0),
            (f"recheck_max = {cap} (after)", cap),
        ):
            s = Settings(
                data=data, allow_private_addresses=True, retries=0, recheck_max=recheck_max, per_host_concurrency=16
            )
            o = Onrecord(s)
            if not o.sources():
                o.add_source(f"{base}/feed.xml", kind="feed", name="office", sniff=False)
            before, hits[0] = warc_bytes(o.warc_dir), 0
            t = time.perf_counter()
            (res,) = await o.check()
            took = time.perf_counter() - t
            o.close()
            rows.append((label, hits[0], warc_bytes(data / "warc") - before, took, res.error))
    await runner.cleanup()
    print(f"| check ({items:,}-item feed) | item pages fetched | WARC bytes written | seconds |")
    print("| --- | ---: | ---: | ---: |")
    for label, n, b, took, err in rows:
        print(f"| {label} | {n:,} | {b / 1000:,.0f} KB | {took:.1f} |" + (f" error: {err}" if err else ""))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--cap", type=int, default=100)
    args = ap.parse_args()
    asyncio.run(main(args.items, args.cap))
