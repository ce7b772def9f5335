"""Every spelling of a loopback or private address is refused by `add` and by the fetcher (issue 9)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from onrecord.addresses import forbidden_host, parse_ipv4
from onrecord.cli import cli
from onrecord.config import Settings
from onrecord.fetch import Fetcher

LOOPBACK_SPELLINGS = [
    "2130706433",
    "0177.0.0.1",
    "127.1",
    "0x7f000001",
    "0x7f.1",
    "127.0.0.1.",
    "[::127.0.0.1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[2002:7f00:1::]",  # 6to4 around 127.0.0.1
    "[64:ff9b::7f00:1]",  # NAT64 around 127.0.0.1
    "017700000001",
    "LOCALHOST",
    "app.localhost",
]
PRIVATE_SPELLINGS = ["167772161", "0xa.1", "012.0.0.1", "0xc0.0xa8.1.1", "[::ffff:10.0.0.1]", "[::ffff:a9fe:a9fe]"]


@pytest.mark.parametrize(
    "text",
    [
        "1",
        "127.1",
        "0x7f.1",
        "0177.0.0.1",
        "2130706433",
        "0x7f000001",
        "1.2.3",
        "255.255.255.255",
        "256.1.1.1",
        "1.2.3.4.5",
        "08.1.1.1",
        "0x",
        "0x.1",
        "1..2",
        "",
        "a.b",
        "4294967296",
        "1.16777216",
        "1.2.65536",
        "0xffffffff",
        "+1",
        " 1",
        "1_0",
        "0x1g",
        "00",
        "1.2.3.0377",
    ],
)
def test_ipv4_spellings_read_as_inet_aton_reads_them(text):
    try:
        expected = socket.inet_ntoa(socket.inet_aton(text))
    except OSError:
        expected = None
    got = parse_ipv4(text)
    if text in ("0x", "0x.1"):  # glibc reads a bare 0x as 0 on some versions; we refuse-side read it as 0 too
        assert got is not None
        return
    if text in (" 1",):  # inet_aton stops at whitespace; a URL host never carries one
        return
    assert (str(got) if got is not None else None) == expected, text


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + PRIVATE_SPELLINGS)
def test_every_spelling_is_forbidden(host):
    assert forbidden_host(host.strip("[]") if host.startswith("[") else host) is not None
    assert forbidden_host(host) is not None


@pytest.mark.parametrize("host", ["8.8.8.8", "134744072", "[2606:4700::1111]", "example.org", "1.2.3.4.5"])
def test_public_addresses_and_names_pass(host):
    assert forbidden_host(host) is None


@pytest.fixture
async def server():
    hits: list[str] = []

    async def any_path(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(text="<html><title>x</title></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", any_path)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield runner.addresses[0][1], hits
    await runner.cleanup()


async def test_fetcher_refuses_every_spelling_before_connecting(server, tmp_path):
    port, hits = server
    s = Settings(data=tmp_path, allow_private_addresses=False, timeout=2, retries=0)
    async with Fetcher(s) as f:
        for host in LOOPBACK_SPELLINGS:
            r = await f.get(f"http://{host}:{port}/hello")
            assert r.outcome == "refused", (host, r.outcome, r.error)
            # our own check refused it (whatever the HTTP client would have done)
            assert "private" in (r.error or "") and "allow_private_addresses" in (r.error or ""), r.error
    assert hits == []  # not one connection, not even for robots.txt
    async with Fetcher(Settings(data=tmp_path, allow_private_addresses=True, timeout=2, retries=0)) as f:
        assert (await f.get(f"http://127.0.0.1:{port}/hello")).outcome == "ok"  # the server does answer


@pytest.mark.parametrize(
    "host", ["2130706433", "0177.0.0.1", "127.1", "0x7f000001", "[::127.0.0.1]", "[::ffff:7f00:1]"]
)
def test_add_refuses_every_spelling(tmp_path: Path, host: str) -> None:
    r = CliRunner().invoke(cli, ["--data", str(tmp_path), "add", f"http://{host}:9/feed.xml", "--kind", "feed"])
    assert r.exit_code == 1, r.output
    assert "private or loopback" in r.stderr and "allow_private_addresses" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    listed = CliRunner().invoke(cli, ["--data", str(tmp_path), "sources", "--json"])
    assert listed.stdout.strip() == ""
