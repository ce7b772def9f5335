"""SimServer: the scenario's world over real HTTP on 127.0.0.1, one port per site, at a clock's time.

    async with SimServer(load_scenario(builtin_scenario("demo")), clock) as sim:
        for src in sim.source_urls(): ...          # what a watcher adds
        clock.set(sim.next_change_after(clock.now()))

Validators: feeds send a strong ETag (hash of the body) and Last-Modified (last change on the site).
Pages send none by default, as many CMS pages do; a site may set `page_validators`. A page's ETag is
computed from everything except the per-request "Page generated at" footer, so cosmetic changes still
change it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import random
import socket
import struct
from collections import Counter
from datetime import datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

from aiohttp import web

from onrecord.clock import Clock
from onrecord.sim import render
from onrecord.sim.scenario import FEED_PATHS, Edit, Expected, Scenario, SiteSpec
from onrecord.sim.world import ItemState, World

log = logging.getLogger(__name__)

_CHUNK = b"<!-- " + b"x" * 65_000 + b" -->\n"
_FEED_TYPES = render.FEED_TYPES


class _Reset:
    """asyncio protocol for a site that is "down": resets every connection at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        _abort(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        pass


def _abort(transport: asyncio.BaseTransport | None) -> None:
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if isinstance(transport, asyncio.Transport):
        transport.abort()
    else:
        transport.close()


class _Reply(Exception):
    """Internal: the connection was already dealt with (reset or timed out)."""


class SimServer:
    """Serve `scenario` at `clock.now()`. `real_delay_scale` turns a `slow` event's delay (seconds)
    into real seconds; `hold_max` caps how long (real seconds) a `timeout` outage holds a request."""

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        *,
        host: str = "127.0.0.1",
        real_delay_scale: float = 0.01,
        hold_max: float = 10.0,
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.world = World(scenario)
        self.host = host
        self.real_delay_scale = real_delay_scale
        self.hold_max = hold_max
        self.requests: Counter[str] = Counter()  # per site id
        self.hits: Counter[tuple[str, str]] = Counter()  # per (site id, path)
        self.ports: dict[str, int] = {}
        self._runners: list[web.AppRunner] = []
        self._servers: list[asyncio.Server] = []
        self._closing = asyncio.Event()
        self._feeds: dict[tuple[str, str, int], tuple[bytes, str, datetime]] = {}
        self._pages: dict[tuple[str, int], tuple[bytes, str]] = {}
        self._flap_count: Counter[str] = Counter()
        self._flaky_count: Counter[str] = Counter()
        self._added: list[Expected] = []

    # -- lifecycle --------------------------------------------------------------------------------------
    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for site in self.scenario.sites:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", self._handler(site))
            runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
            await runner.setup()
            self._runners.append(runner)
            factory = runner.server
            assert factory is not None
            server = await loop.create_server(self._factory(site, factory), self.host, 0)
            self._servers.append(server)
            self.ports[site.id] = server.sockets[0].getsockname()[1]

    def _factory(self, site: SiteSpec, factory: Any) -> Any:
        def make() -> Any:
            if any(f.do == "outage" and f.mode == "down" for f in self._faults(site)):
                self.requests[site.id] += 1
                return _Reset()
            return factory()

        return make

    async def close(self) -> None:
        self._closing.set()
        for server in self._servers:
            server.close()
        for runner in self._runners:
            await runner.cleanup()
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 1.0)
        self._servers.clear()
        self._runners.clear()

    # -- what callers use -------------------------------------------------------------------------------
    def base(self, site_id: str) -> str:
        return f"http://{self.host}:{self.ports[site_id]}"

    def url(self, site_id: str, path: str = "/") -> str:
        return self.base(site_id) + path

    def source_urls(self) -> list[dict[str, Any]]:
        """The scenario's sources with absolute URLs, ready to add; `every` in seconds."""
        return [
            {
                "url": self.url(s.site, s.path),
                "kind": s.kind,
                "name": s.name,
                "actor": s.actor,
                "every": s.every,
                "selector": s.selector,
                "ignore": s.ignore,
                "site": s.site,
                "add_at": self.scenario.time(s.add_at),
            }
            for s in self.scenario.sources
        ]

    def expected(self) -> list[Expected]:
        return [*self.scenario.expected({s.id: self.base(s.id) for s in self.scenario.sites}), *self._added]

    def next_change_after(self, t: datetime) -> datetime | None:
        return self.world.next_change_after(t)

    def change_pages(self, fraction: float, seed: int = 0) -> list[Expected]:
        """Edit `fraction` of the live items watched by page sources, now. Returns the ground truth."""
        now = self.clock.now()
        watched = {(s.site, s.path) for s in self.scenario.sources if s.kind == "page"}
        live = [
            st
            for key, item in sorted(self.world.by_path.items())
            if key in watched and (st := self.world.item(item, now)) is not None and st.live
        ]
        rng = random.Random(seed)
        chosen = rng.sample(live, round(len(live) * fraction)) if live else []
        events = []
        for st in chosen:
            text = f"{st.text}\n\nRevised at {now.isoformat()}."
            events.append((now, Edit(do="edit", at=now, item=st.id, text=text)))
        self.world.add_events(events)
        self._feeds.clear()
        self._pages.clear()
        out = [Expected("edited", self.url(st.site, st.path), now, f"{st.id} changed") for st in chosen]
        self._added = [*self._added, *out]
        return out

    # -- serving ----------------------------------------------------------------------------------------
    def _faults(self, site: SiteSpec) -> list[Any]:
        return self.world.active_faults(site.id, self.clock.now())

    def _handler(self, site: SiteSpec) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            self.requests[site.id] += 1
            self.hits[(site.id, request.path)] += 1
            try:
                return await self._serve(site, request)
            except _Reply:
                raise web.HTTPInternalServerError() from None  # never sent: the transport is gone

        return handle

    async def _serve(self, site: SiteSpec, request: web.Request) -> web.StreamResponse:
        faults = self._faults(site)
        for f in faults:
            if f.do == "outage":
                if f.mode == "down":
                    _abort(request.transport)
                    raise _Reply
                if f.mode == "timeout":
                    await self._hold(site)
                    _abort(request.transport)
                    raise _Reply
                headers = {"Retry-After": str(f.retry_after)} if f.retry_after is not None else {}
                page = render.error_page(site, f.status, self.base(site.id))
                return self._html(site, page, f.status, headers)
        for f in faults:
            if f.do == "rate_limit":
                body = "Too Many Requests\n"
                return web.Response(status=429, text=body, headers={"Retry-After": str(f.retry_after)})
        for f in faults:
            if f.do == "slow":
                await asyncio.sleep(f.delay * self.real_delay_scale)
        path = request.path
        base = self.base(site.id)
        if any(f.do == "site_404" for f in faults):
            return self._html(site, render.error_page(site, 404, base), 404)
        if path == "/robots.txt":
            return web.Response(text=render.robots(site, base), content_type="text/plain")
        if path in FEED_PATHS.values():
            return await self._feed(site, request, path, faults)
        now = self.clock.now()
        if path in ("/", "/index.html"):
            return self._html(site, render.home(site, self.world.listing(site.id, now), base))
        if path == "/sitemap.xml":
            body = render.sitemap(self.world.listing(site.id, now), base)
            return web.Response(text=body, content_type="application/xml")
        st = self.world.item_at_path(site.id, path, now)
        if st is not None and any(f.do == "mass_404" for f in faults):
            return self._html(site, render.error_page(site, 404, base), 404)
        if st is not None and st.live:
            flaky = self.world.flaky(site.id, st.id, now)
            if flaky is not None and self._coin(flaky.seed, st.id) < flaky.rate:
                page = render.error_page(site, 404, base)
                return self._html(site, page, 200) if flaky.soft else self._html(site, page, 404)
        if st is not None and not st.live and st.gone_as == "home":
            raise web.HTTPFound(base + "/")
        if st is not None and not st.live and st.gone_as == "soft":
            return self._html(site, render.error_page(site, 404, base), 200)
        if st is not None and self.world.flapping(st.id, now):
            self._flap_count[st.id] += 1
            if self._flap_count[st.id] % 2 == 1:
                return self._html(site, render.error_page(site, 404, base), 404)
        if st is None or not st.live:
            status = 404 if st is None else st.status
            return self._html(site, render.error_page(site, status, base), status)
        return self._page(site, request, st)

    def _coin(self, seed: int, item_id: str) -> float:
        """A repeatable random number in [0, 1) for this item's next request (seeded flapping)."""
        self._flaky_count[item_id] += 1
        h = hashlib.blake2b(f"{seed}/{item_id}/{self._flaky_count[item_id]}".encode(), digest_size=8).digest()
        return int.from_bytes(h, "big") / 2**64

    async def _hold(self, site: SiteSpec) -> None:
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.hold_max
        while loop.time() < give_up and not self._closing.is_set():
            if not any(f.do == "outage" and f.mode == "timeout" for f in self._faults(site)):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), 0.02)

    def _ctype(self, site: SiteSpec, mime: str) -> str:
        if not site.charset_header:
            return mime
        return f"{mime}; charset={site.charset_declared or site.charset}"

    def _html(
        self, site: SiteSpec, text: str, status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        body = (text + render.footer(site, self.clock.now() if site.volatile_footer else None)).encode(
            site.charset, "xmlcharrefreplace"
        )
        hdrs = {"Content-Type": self._ctype(site, "text/html"), **(headers or {})}
        return web.Response(body=body, status=status, headers=hdrs)

    def _page(self, site: SiteSpec, request: web.Request, st: ItemState) -> web.Response:
        now = self.clock.now()
        key = (st.id, self.world.epoch(now))
        got = self._pages.get(key)
        if got is None:
            related = [r for r in self.world.listing(site.id, now) if r.id != st.id]
            text = render.page(site, st, related, self.base(site.id))
            stable = text.encode(site.charset, "xmlcharrefreplace")
            if len(self._pages) > 50_000:
                self._pages.clear()
            got = (stable, 'W/"' + hashlib.sha1(stable).hexdigest()[:20] + '"')
            self._pages[key] = got
        stable, etag = got
        headers = {"Content-Type": self._ctype(site, "text/html")}
        lastmod = st.changed if st.cosmetic else st.modified
        if site.page_validators in ("etag", "both"):
            headers["ETag"] = etag
        if site.page_validators in ("last_modified", "both"):
            headers["Last-Modified"] = render.http_date(lastmod)
        if site.page_validators != "none" and _not_modified(request, headers):
            return web.Response(status=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
        tail = render.footer(site, now if site.volatile_footer else None).encode(site.charset)
        return web.Response(body=stable + tail, headers=headers)

    async def _feed(self, site: SiteSpec, request: web.Request, path: str, faults: list[Any]) -> web.StreamResponse:
        fmt = next(k for k, v in FEED_PATHS.items() if v == path)
        now = self.clock.now()
        key = (site.id, fmt, self.world.epoch(now))
        got = self._feeds.get(key)
        if got is None:
            items = self.world.listing(site.id, now)
            built = self.world.last_change(site.id, now)
            base = self.base(site.id)
            enc = site.charset_declared or site.charset
            if fmt == "rss":
                text, charset = render.rss(site, items, base, built, enc), site.charset
            elif fmt == "atom":
                text, charset = render.atom(site, items, base, built, enc), site.charset
            else:
                text, charset = render.json_feed(site, items, base), "utf-8"
            body = text.encode(charset, "xmlcharrefreplace")
            got = (body, '"' + hashlib.sha1(body).hexdigest()[:20] + '"', built)
            if len(self._feeds) > 256:
                self._feeds.clear()
            self._feeds[key] = got
        body, etag, built = got
        mime = _FEED_TYPES[fmt]
        ctype = mime if fmt == "json" else self._ctype(site, mime)
        if any(f.do == "oversized" for f in faults):
            size = next(f.size for f in faults if f.do == "oversized")
            return await self._stream(request, ctype, size)
        if any(f.do == "malformed" for f in faults):
            broken = render.malformed(body.decode(site.charset if fmt != "json" else "utf-8"))
            raw = broken.encode(site.charset, "xmlcharrefreplace")
            return web.Response(body=raw, headers={"Content-Type": ctype})
        headers = {"Content-Type": ctype, "ETag": etag, "Last-Modified": render.http_date(built)}
        if _not_modified(request, headers):
            return web.Response(status=304, headers={"ETag": etag, "Last-Modified": headers["Last-Modified"]})
        return web.Response(body=body, headers=headers)

    async def _stream(self, request: web.Request, ctype: str, size: int) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": ctype})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        sent = 0
        try:
            await resp.write(b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>\n')
            while sent < size and not self._closing.is_set():
                chunk = _CHUNK[: size - sent]
                await resp.write(chunk)
                sent += len(chunk)
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading: exactly what a size cap does
        return resp


def _not_modified(request: web.Request, headers: dict[str, str]) -> bool:
    inm = request.headers.get("If-None-Match")
    etag = headers.get("ETag")
    if inm is not None:
        if etag is None:
            return False
        wanted = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    ims = request.headers.get("If-Modified-Since")
    lastmod = headers.get("Last-Modified")
    if ims and lastmod:
        try:
            return parsedate_to_datetime(lastmod) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False
