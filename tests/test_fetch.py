"""Fetcher against real aiohttp servers on 127.0.0.1 (port 0). No mocks."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
import tracemalloc
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from onrecord.clock import VirtualClock
from onrecord.config import Settings
from onrecord.fetch import Fetcher, _ip_forbidden
from onrecord.records import Validators

UA = "onrecord-test/1.0 (+mailto:test@example.org)"
ROBOTS = "User-agent: *\nDisallow: /private/\n"


@dataclass
class World:
    """What the test server saw, and knobs the tests turn."""

    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    robots_status: int = 200
    robots_body: str = ROBOTS
    in_flight: int = 0
    max_in_flight: int = 0

    def url(self, path: str) -> str:
        return self.base + path


def _bomb() -> bytes:
    """100 MB of zeros, gzip-compressed (about 100 KB)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    return b"".join(comp.compress(block) for _ in range(100)) + comp.flush()


BOMB = _bomb()


def make_app(world: World) -> web.Application:
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        world.hits[request.path] += 1
        world.headers[request.path] = dict(request.headers)
        result: web.StreamResponse = await handler(request)
        return result

    app = web.Application(middlewares=[web.middleware(record)])

    async def robots(request: web.Request) -> web.Response:
        return web.Response(status=world.robots_status, text=world.robots_body)

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello", headers={"ETag": '"v1"', "X-Order": "first"})

    async def etag(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text="fresh", headers={"ETag": '"v1"'})

    async def big(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": str(50 * 1024 * 1024)})
        await resp.prepare(request)
        chunk = b"a" * 65536
        try:
            for _ in range(800):
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    async def bomb(request: web.Request) -> web.Response:
        return web.Response(body=BOMB, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"})

    async def gz(request: web.Request) -> web.Response:
        return web.Response(body=gzip.compress(b"small gzip body"), headers={"Content-Encoding": "gzip"})

    async def deflate(request: web.Request) -> web.Response:
        return web.Response(body=zlib.compress(b"zlib deflate body"), headers={"Content-Encoding": "deflate"})

    async def raw_deflate(request: web.Request) -> web.Response:
        comp = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = comp.compress(b"raw deflate body") + comp.flush()
        return web.Response(body=body, headers={"Content-Encoding": "deflate"})

    async def slow(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(request)
        try:
            while True:
                await resp.write(b"x")
                await asyncio.sleep(0.05)
        except (ConnectionError, RuntimeError):
            pass
        return resp

    async def loop_a(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop-b")

    async def loop_b(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(world.url("/loop-a"))

    async def hop(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        if n == 0:
            return web.Response(text="arrived")
        raise web.HTTPFound(f"/hop/{n - 1}")

    async def to_private(request: web.Request) -> web.Response:
        raise web.HTTPFound("/private/page")

    async def to_ftp(request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://example.org/file")

    async def reset(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": "100000"})
        await resp.prepare(request)
        await resp.write(b"y" * 1000)
        await asyncio.sleep(0.01)
        assert request.transport is not None
        request.transport.abort()
        return resp

    async def limited_once(request: web.Request) -> web.Response:
        if world.hits[request.path] == 1:
            return web.Response(status=429, headers={"Retry-After": "1"}, text="slow down")
        return web.Response(text="ok now")

    async def limited_long(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "3600"})

    async def hold(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "5"})

    async def unavailable(request: web.Request) -> web.Response:
        return web.Response(status=503, text="down")

    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=404, text="<h1>Record not found</h1>")

    async def busy(request: web.Request) -> web.Response:
        world.in_flight += 1
        world.max_in_flight = max(world.max_in_flight, world.in_flight)
        try:
            await asyncio.sleep(0.05)
        finally:
            world.in_flight -= 1
        return web.Response(text="done")

    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/hello", hello)
    app.router.add_get("/private/page", hello)
    app.router.add_get("/etag", etag)
    app.router.add_get("/big", big)
    app.router.add_get("/bomb", bomb)
    app.router.add_get("/gzip", gz)
    app.router.add_get("/deflate", deflate)
    app.router.add_get("/raw-deflate", raw_deflate)
    app.router.add_get("/slow", slow)
    app.router.add_get("/loop-a", loop_a)
    app.router.add_get("/loop-b", loop_b)
    app.router.add_get("/hop/{n}", hop)
    app.router.add_get("/reset", reset)
    app.router.add_get("/to-private", to_private)
    app.router.add_get("/to-ftp", to_ftp)
    app.router.add_get("/limited-once", limited_once)
    app.router.add_get("/limited-long", limited_long)
    app.router.add_get("/hold", hold)
    app.router.add_get("/unavailable", unavailable)
    app.router.add_get("/gone", gone)
    app.router.add_get("/busy", busy)
    return app


@pytest.fixture
async def world():
    w = World()
    runner = web.AppRunner(make_app(w), handler_cancellation=True, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    w.base = f"http://127.0.0.1:{port}"
    yield w
    await runner.cleanup()


def settings(tmp_path, **kw: Any) -> Settings:
    values: dict[str, Any] = {
        "data": tmp_path,
        "allow_private_addresses": True,
        "user_agent": UA,
        "timeout": 5.0,
    }
    values.update(kw)
    return Settings(**values)


async def test_ok_and_user_agent_on_every_request(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path), clock) as f:
        r = await f.get(world.url("/hello"))
    assert r.outcome == "ok"
    assert (r.status, r.reason, r.body, r.http_version) == (200, "OK", b"hello", "1.1")
    assert r.header("etag") == '"v1"'
    assert ("X-Order", "first") in r.headers
    assert r.started_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert r.final_url == r.url == world.url("/hello")
    assert r.redirects == () and r.error is None and r.elapsed > 0
    sent = dict(r.request_headers)
    assert sent["User-Agent"] == UA
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert world.headers["/hello"]["User-Agent"] == UA
    assert world.headers["/robots.txt"]["User-Agent"] == UA


async def test_conditional_request_gets_304(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        first = await f.get(world.url("/etag"))
        assert first.outcome == "ok" and first.header("ETag") == '"v1"'
        v = Validators(etag=first.header("ETag"), last_modified="Wed, 21 Oct 2015 07:28:00 GMT")
        again = await f.get(world.url("/etag"), validators=v)
    assert again.outcome == "not_modified"
    assert again.status == 304 and again.body == b""
    seen = world.headers["/etag"]
    assert seen["If-None-Match"] == '"v1"'
    assert seen["If-Modified-Since"] == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert ("If-None-Match", '"v1"') in again.request_headers


async def test_robots_disallow_and_bypass(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        blocked = await f.get(world.url("/private/page"))
        assert blocked.outcome == "robots"
        assert blocked.status is None and "robots.txt" in (blocked.error or "")
        assert world.hits["/private/page"] == 0
        assert (await f.get(world.url("/hello"))).outcome == "ok"
        bypass = await f.get(world.url("/private/page"), robots=False)
        assert bypass.outcome == "ok" and world.hits["/private/page"] == 1
    assert world.hits["/robots.txt"] == 1  # fetched once, cached for the host
    async with Fetcher(settings(tmp_path, obey_robots=False)) as f:
        assert (await f.get(world.url("/private/page"))).outcome == "ok"
    assert world.hits["/robots.txt"] == 1


# A robots.txt as sites write it today. Python's urllib.robotparser takes the first matching line and
# reads `*` and `$` literally; RFC 9309 says the longest match wins (Allow on a tie) and `*`/`$` are
# wildcards. The expected verdicts below are RFC 9309's.
RFC_ROBOTS = """User-agent: *
Disallow: /news/
Allow: /news/statements/
Disallow: /*.pdf$
Disallow: /*?print=
"""
RFC_CASES = {
    "/news/statements/readout": True,  # longer Allow beats the shorter Disallow listed first
    "/news/archive": False,
    "/files/annex.pdf": False,  # wildcard and end anchor
    "/files/annex.pdf.html": True,
    "/statements/1?print=1": False,
    "/statements/1": True,
}


def test_the_rfc_robots_file_is_one_the_stdlib_gets_wrong():
    from urllib.robotparser import RobotFileParser

    stdlib = RobotFileParser()
    stdlib.parse(RFC_ROBOTS.splitlines())
    wrong = [p for p, ok in RFC_CASES.items() if stdlib.can_fetch(UA, "http://x" + p) != ok]
    assert len(wrong) >= 2  # the finding: the standard library allowed URLs the file disallows


async def test_robots_follow_rfc_9309(world, tmp_path):
    world.robots_body = RFC_ROBOTS
    async with Fetcher(settings(tmp_path)) as f:
        for path, allowed in RFC_CASES.items():
            res = await f.get(world.url(path))
            assert (res.outcome != "robots") == allowed, (path, res.outcome)


async def test_robots_fetched_once_under_concurrency(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        results = await asyncio.gather(*(f.get(world.url("/hello")) for _ in range(8)))
    assert {r.outcome for r in results} == {"ok"}
    assert world.hits["/robots.txt"] == 1


async def test_robots_404_allows_all(world, tmp_path):
    world.robots_status = 404
    async with Fetcher(settings(tmp_path)) as f:
        assert (await f.get(world.url("/private/page"))).outcome == "ok"


async def test_robots_5xx_allows_and_is_asked_again_later(world, tmp_path):
    world.robots_status = 500
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path), clock) as f:
        assert (await f.get(world.url("/private/page"))).outcome == "ok"
        assert (await f.get(world.url("/private/page"))).outcome == "ok"
        assert world.hits["/robots.txt"] == 1
        world.robots_status = 200
        clock.advance(601)
        assert (await f.get(world.url("/private/page"))).outcome == "robots"
        assert world.hits["/robots.txt"] == 2


async def test_robots_cache_expires_after_an_hour(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path), clock) as f:
        assert (await f.get(world.url("/private/page"))).outcome == "robots"
        world.robots_body = "User-agent: *\nAllow: /\n"
        clock.advance(1800)
        assert (await f.get(world.url("/private/page"))).outcome == "robots"
        clock.advance(1801)
        assert (await f.get(world.url("/private/page"))).outcome == "ok"
    assert world.hits["/robots.txt"] == 2


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "0.0.0.0", "localhost"])
async def test_private_addresses_refused(world, tmp_path, host):
    port = world.base.rsplit(":", 1)[1]
    async with Fetcher(settings(tmp_path, allow_private_addresses=False)) as f:
        r = await f.get(f"http://{host}:{port}/hello")
    assert r.outcome == "refused", r.error
    assert r.status is None
    assert "private" in (r.error or "") and "allow_private_addresses" in (r.error or "")
    assert sum(world.hits.values()) == 0  # not even robots.txt


@pytest.mark.parametrize(
    ("host", "forbidden"),
    [
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("100.64.0.1", True),
        ("127.0.0.2", True),
        ("169.254.169.254", True),
        ("224.0.0.1", True),
        ("0.0.0.0", True),
        ("240.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("example.org", False),  # names are checked by the resolver, at connect time
    ],
)
def test_address_classes(host, forbidden):
    assert _ip_forbidden(host) is forbidden


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "not a url"])
async def test_non_http_urls_refused_not_raised(tmp_path, url):
    async with Fetcher(settings(tmp_path)) as f:
        r = await f.get(url)
    assert r.outcome == "refused" and r.error


async def test_big_response_is_cut_at_max_bytes(world, tmp_path):
    cap = 1_000_000
    async with Fetcher(settings(tmp_path, max_bytes=cap)) as f:
        r = await f.get(world.url("/big"))
        assert r.outcome == "too_large"
        assert r.status == 200
        assert len(r.body) == cap and r.body == b"a" * cap
        assert r.error == f"response larger than {cap} bytes, cut"
        assert (await f.get(world.url("/hello"))).outcome == "ok"  # the client is still usable


async def test_gzip_bomb_is_cut_without_inflating_it_all(world, tmp_path):
    cap = 2_000_000
    async with Fetcher(settings(tmp_path, max_bytes=cap)) as f:
        await f.get(world.url("/hello"))  # warm up: robots, connection
        tracemalloc.start()
        try:
            r = await f.get(world.url("/bomb"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert r.outcome == "too_large"
    assert len(r.body) == cap and r.body == bytes(cap)
    assert peak < 20_000_000, f"peak memory {peak} bytes while reading a 100 MB gzip bomb"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/gzip", b"small gzip body"),
        ("/deflate", b"zlib deflate body"),
        ("/raw-deflate", b"raw deflate body"),
    ],
)
async def test_compressed_bodies_decoded(world, tmp_path, path, body):
    async with Fetcher(settings(tmp_path)) as f:
        r = await f.get(world.url(path))
    assert r.outcome == "ok" and r.body == body


async def test_response_that_never_ends_times_out(world, tmp_path):
    async with Fetcher(settings(tmp_path, timeout=0.5, retries=0)) as f:
        await f.get(world.url("/hello"))
        t0 = time.perf_counter()
        r = await f.get(world.url("/slow"))
        took = time.perf_counter() - t0
    assert r.outcome == "timeout"
    assert r.status == 200  # the headers had come
    assert r.error == f"timeout after 0.5s fetching {world.url('/slow')}"
    assert 0.4 < took < 2.0


async def test_redirect_loop(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        r = await f.get(world.url("/loop-a"))
    assert r.outcome == "network_error"
    assert r.error == f"redirect loop at {world.url('/loop-a')}"
    assert r.redirects == (world.url("/loop-a"),)
    assert world.hits["/loop-a"] == 1 and world.hits["/loop-b"] == 1


async def test_redirect_chain_recorded(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        r = await f.get(world.url("/hop/3"))
    assert r.outcome == "ok" and r.body == b"arrived"
    assert r.redirects == (world.url("/hop/3"), world.url("/hop/2"), world.url("/hop/1"))
    assert r.final_url == world.url("/hop/0") and r.url == world.url("/hop/3")


async def test_every_hop_is_checked(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        blocked = await f.get(world.url("/to-private"))
        ftp = await f.get(world.url("/to-ftp"))
    assert blocked.outcome == "robots"
    assert blocked.redirects == (world.url("/to-private"),)
    assert blocked.final_url == world.url("/private/page")
    assert world.hits["/private/page"] == 0
    assert ftp.outcome == "refused" and ftp.final_url == "ftp://example.org/file"


async def test_too_many_redirects(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        ten = await f.get(world.url("/hop/10"))
        eleven = await f.get(world.url("/hop/11"))
    assert ten.outcome == "ok" and len(ten.redirects) == 10
    assert eleven.outcome == "network_error"
    assert "too many redirects" in (eleven.error or "")
    assert world.hits["/hop/0"] == 1


async def test_connection_reset_mid_body(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path, retries=1), clock) as f:
        r = await f.get(world.url("/reset"))
    assert r.outcome == "network_error", r.error
    assert r.status == 200
    assert r.error and "\n" not in r.error
    assert world.hits["/reset"] == 2  # a network error is retried


async def test_connection_refused_retried_with_backoff(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    clock = VirtualClock()
    start = clock.now()
    async with Fetcher(settings(tmp_path, retries=2), clock) as f:
        r = await f.get(f"http://127.0.0.1:{port}/x", robots=False)
    assert r.outcome == "network_error" and r.status is None
    assert f"127.0.0.1:{port}" in (r.error or "")
    assert (clock.now() - start).total_seconds() == pytest.approx(1.5)  # 0.5 s, then 1 s
    assert dict(r.request_headers)["User-Agent"] == UA


async def test_429_retry_after_honoured(world, tmp_path):
    clock = VirtualClock()
    start = clock.now()
    async with Fetcher(settings(tmp_path), clock) as f:
        r = await f.get(world.url("/limited-once"))
    assert r.outcome == "ok" and r.body == b"ok now"
    assert world.hits["/limited-once"] == 2
    assert (clock.now() - start).total_seconds() >= 1


async def test_retry_after_too_long_gives_up(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path, max_retry_after=120), clock) as f:
        r = await f.get(world.url("/limited-long"))
    assert r.outcome == "http_error" and r.status == 429
    assert world.hits["/limited-long"] == 1
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)


async def test_503_forever(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path, retries=2), clock) as f:
        r = await f.get(world.url("/unavailable"))
    assert r.outcome == "http_error" and r.status == 503 and r.body == b"down"
    assert world.hits["/unavailable"] == 3


async def test_host_held_after_429(world, tmp_path):
    clock = VirtualClock()
    async with Fetcher(settings(tmp_path, retries=0), clock) as f:
        r = await f.get(world.url("/hold"))
        assert r.outcome == "http_error" and r.status == 429
        before = clock.now()
        assert (await f.get(world.url("/hello"))).outcome == "ok"
    assert (clock.now() - before).total_seconds() >= 5


async def test_404_keeps_status_and_body(world, tmp_path):
    async with Fetcher(settings(tmp_path)) as f:
        r = await f.get(world.url("/gone"))
    assert r.outcome == "http_error" and r.status == 404
    assert b"Record not found" in r.body
    assert world.hits["/gone"] == 1  # 404 is not retried


async def test_per_host_concurrency(world, tmp_path):
    async with Fetcher(settings(tmp_path, per_host_concurrency=2)) as f:
        results = await asyncio.gather(*(f.get(world.url("/busy"), robots=False) for _ in range(10)))
    assert [r.outcome for r in results] == ["ok"] * 10
    assert world.max_in_flight == 2
