from __future__ import annotations

import asyncio
from datetime import timedelta
from xml.etree import ElementTree

import aiohttp
import pytest

from onrecord.clock import VirtualClock
from onrecord.sim.scale import generate_scale_scenario
from onrecord.sim.server import SimServer


def at(clock, scenario, minutes):
    clock.set(scenario.start + timedelta(minutes=minutes))


async def get(http, url, **kw):
    async with http.get(url, **kw) as r:
        return r.status, r.headers, await r.read()


def guids(body: bytes) -> list[str]:
    root = ElementTree.fromstring(body)
    return [g.text or "" for g in root.iter("guid")]


async def test_feed_lists_only_what_is_published_by_now(world, scenario):
    sim, clock, http = world
    status, headers, body = await get(http, sim.url("a", "/feed.xml"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    assert guids(body) == ["urn:sim:one"]
    at(clock, scenario, 10)
    _, _, body = await get(http, sim.url("a", "/feed.xml"))
    assert guids(body) == ["urn:sim:two", "urn:sim:one"]
    assert f"<link>{sim.url('a', '/statements/two')}</link>".encode() in body
    assert sim.requests["a"] == 2


async def test_edit_changes_page_body_and_footer_churns(world, scenario):
    sim, clock, http = world
    _, headers, first = await get(http, sim.url("a", "/statements/one"))
    assert b'<article class="statement">' in first and b"<p>First.</p>" in first
    assert "ETag" not in headers  # pages send no validators by default
    clock.advance(1)
    _, _, again = await get(http, sim.url("a", "/statements/one"))
    assert again != first and b"Page generated at" in again  # volatile footer only
    assert again.split(b"<footer")[0] == first.split(b"<footer")[0]
    at(clock, scenario, 20)
    _, _, edited = await get(http, sim.url("a", "/statements/one"))
    assert b"<p>First, amended.</p>" in edited


async def test_cosmetic_moves_only_meta_and_related(world, scenario):
    sim, clock, http = world
    at(clock, scenario, 25)
    _, _, before = await get(http, sim.url("a", "/statements/two"))
    at(clock, scenario, 31)
    _, _, after = await get(http, sim.url("a", "/statements/two"))
    assert before.split(b'<div class="meta">')[0] == after.split(b'<div class="meta">')[0]
    assert (
        before.split(b"</div>")[1].split(b"</article>")[0]
        == after.split(b"</div>")[1].split(b"</article>")[0]
    )
    assert before.split(b"<footer")[0] != after.split(b"<footer")[0]


async def test_delete_answers_gone_while_home_answers(world, scenario):
    sim, clock, http = world
    at(clock, scenario, 41)
    status, _, body = await get(http, sim.url("a", "/statements/two"))
    assert status == 410 and b"removed" in body
    assert (await get(http, sim.url("a", "/")))[0] == 200
    _, _, feed = await get(http, sim.url("a", "/feed.xml"))
    assert "urn:sim:two" not in guids(feed)
    at(clock, scenario, 141)
    assert (await get(http, sim.url("a", "/statements/two")))[0] == 200


async def test_outage_modes(world, scenario):
    sim, clock, http = world
    at(clock, scenario, 55)
    status, _, _ = await get(http, sim.url("a", "/"))
    assert status == 503
    assert (await get(http, sim.url("c", "/")))[0] == 200  # other sites are fine
    at(clock, scenario, 85)
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(http, sim.url("a", "/feed.xml"))
    at(clock, scenario, 105)
    with pytest.raises(asyncio.TimeoutError):
        await get(http, sim.url("a", "/feed.xml"), timeout=aiohttp.ClientTimeout(total=0.3))
    at(clock, scenario, 111)
    assert (await get(http, sim.url("a", "/feed.xml")))[0] == 200


async def test_rate_limit_malformed_oversized(world, scenario):
    sim, clock, http = world
    at(clock, scenario, 116)
    status, headers, _ = await get(http, sim.url("a", "/robots.txt"))
    assert status == 429 and headers["Retry-After"] == "90"
    at(clock, scenario, 121)
    status, _, body = await get(http, sim.url("a", "/feed.xml"))
    assert status == 200
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(body)
    at(clock, scenario, 126)
    status, headers, body = await get(http, sim.url("a", "/feed.xml"))
    assert status == 200 and len(body) >= 3_000_000 and "Content-Length" not in headers


async def test_flap_alternates(world, scenario):
    sim, clock, http = world
    at(clock, scenario, 131)
    statuses = [(await get(http, sim.url("a", "/statements/one")))[0] for _ in range(4)]
    assert statuses == [404, 200, 404, 200]
    at(clock, scenario, 141)
    assert {(await get(http, sim.url("a", "/statements/one")))[0] for _ in range(3)} == {200}


async def test_feed_etag_and_last_modified_give_304(world, scenario):
    sim, clock, http = world
    status, headers, _ = await get(http, sim.url("a", "/feed.xml"))
    etag, lastmod = headers["ETag"], headers["Last-Modified"]
    assert (await get(http, sim.url("a", "/feed.xml"), headers={"If-None-Match": etag}))[0] == 304
    assert (await get(http, sim.url("a", "/feed.xml"), headers={"If-Modified-Since": lastmod}))[0] == 304
    at(clock, scenario, 10)
    assert (await get(http, sim.url("a", "/feed.xml"), headers={"If-None-Match": etag}))[0] == 200
    # a site with page validators: weak ETag from everything but the footer
    _, headers, _ = await get(http, sim.url("c", "/statements/cc"))
    assert headers["ETag"].startswith('W/"')
    status, _, body = await get(
        http, sim.url("c", "/statements/cc"), headers={"If-None-Match": headers["ETag"]}
    )
    assert status == 304 and body == b""


async def test_atom_and_json_feeds(world, scenario):
    sim, _, http = world
    status, headers, body = await get(http, sim.url("c", "/feed.atom"))
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(body)
    ns = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{ns}id") for e in root.iter(f"{ns}entry")] == ["urn:sim:cc"]
    async with http.get(sim.url("a", "/feed.json")) as r:
        feed = await r.json(content_type=None)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["items"][0]["id"] == "urn:sim:one"


async def test_charset_without_header(world, scenario):
    sim, _, http = world
    status, headers, body = await get(http, sim.url("b", "/statements/ru"))
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert b'<meta charset="windows-1251">' in body
    assert "Текст заявления.".encode("windows-1251") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    _, _, feed = await get(http, sim.url("b", "/feed.xml"))
    assert feed.startswith(b'<?xml version="1.0" encoding="windows-1251"?>')
    assert ElementTree.fromstring(feed).find("channel/item/title").text == "Заявление"


async def test_robots_and_duplicate_guids(base_data, make_scenario):
    first = {**base_data["sites"][0], "robots_disallow": ["/private"], "duplicate_guids": True}
    scn = make_scenario(sites=[first, *base_data["sites"][1:]])
    clock = VirtualClock(scn.start)
    async with SimServer(scn, clock) as sim, aiohttp.ClientSession() as http:
        _, _, robots = await get(http, sim.url("a", "/robots.txt"))
        assert b"Disallow: /private\n" in robots
        _, _, feed = await get(http, sim.url("a", "/feed.xml"))
        assert guids(feed) == ["urn:sim:one", "urn:sim:one"]


async def test_source_urls_and_next_change(world, scenario):
    sim, _, _ = world
    urls = sim.source_urls()
    assert urls[0]["url"] == sim.url("a", "/feed.xml") and urls[0]["every"] == 300.0
    assert sim.next_change_after(scenario.start) == scenario.start + timedelta(minutes=10)
    assert sim.next_change_after(scenario.end) is None
    expected = sim.expected()
    assert all(e.url.startswith("http://127.0.0.1:") for e in expected)


async def test_scale_pages_304_and_change():
    scn = generate_scale_scenario(200, 0.1)
    clock = VirtualClock(scn.start)
    async with SimServer(scn, clock) as sim, aiohttp.ClientSession() as http:
        urls = [s["url"] for s in sim.source_urls()]
        assert len(urls) == 200
        status, headers, body = await get(http, urls[0])
        assert status == 200 and 4500 < len(body) < 9000
        assert (await get(http, urls[0], headers={"If-None-Match": headers["ETag"]}))[0] == 304
        changed = sim.change_pages(0.25, seed=1)
        assert len(changed) == 50 and all(e.kind == "edited" for e in changed)
        status, _, _ = await get(http, changed[0].url, headers={"If-None-Match": 'W/"nope"'})
        assert status == 200
        assert len([e for e in sim.expected() if e.kind == "edited"]) == 20 + 50
