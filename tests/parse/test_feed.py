from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onrecord.errors import SourceError
from onrecord.parse.decode import decode_body
from onrecord.parse.feed import parse_feed
from onrecord.parse.page import parse_page

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Office</title>
<item><guid isPermaLink="false">urn:1</guid><link>http://127.0.0.1:9/a?utm_source=rss</link>
<title>Readout</title><description>&lt;p&gt;The leaders spoke.&lt;/p&gt;</description>
<pubDate>Sat, 07 Mar 2026 09:42:31 GMT</pubDate></item>
<item><link>http://127.0.0.1:9/b</link><title>No guid</title><description>Second.</description></item>
</channel></rss>"""


def test_rss_items_keyed_by_guid_else_link() -> None:
    items = parse_feed(RSS, "http://127.0.0.1:9/feed.xml")
    assert [i.key for i in items] == ["urn:1", "http://127.0.0.1:9/b"]
    assert items[0].url == "http://127.0.0.1:9/a"
    assert items[0].text == "The leaders spoke."
    assert items[0].published is not None and items[0].published.day == 7


def test_atom_and_json_feed() -> None:
    atom = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>
    <entry><id>tag:x,2026:1</id><link href="http://127.0.0.1:9/e"/><title>E</title>
    <updated>2026-03-01T10:00:00Z</updated>
    <content type="html">&lt;b&gt;Hello&lt;/b&gt;</content></entry></feed>"""
    [a] = parse_feed(atom, "u")
    assert (a.key, a.url, a.text) == ("tag:x,2026:1", "http://127.0.0.1:9/e", "Hello")
    jf = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "t",
            "items": [
                {
                    "id": "1",
                    "url": "http://127.0.0.1:9/j",
                    "content_text": "Plain",
                    "date_published": "2026-03-01T10:00:00Z",
                }
            ],
        }
    ).encode()
    [j] = parse_feed(jf, "u", "application/feed+json")
    assert (j.key, j.text) == ("1", "Plain") and j.published is not None


def test_malformed_feed_is_one_clear_error() -> None:
    with pytest.raises(SourceError, match="malformed feed"):
        parse_feed(b"<rss><channel><item><title>oops</", "http://127.0.0.1:9/feed.xml")
    with pytest.raises(SourceError, match="JSON feed"):
        parse_feed(b'{"items": ', "u", "application/json")


def test_wrong_or_missing_charset_is_decoded() -> None:
    text = "Заявление министерства"
    body = f"<html><head><meta charset='windows-1251'></head><body><h1>{text}</h1></body></html>".encode(
        "cp1251"
    )
    assert text in decode_body(body, "text/html")  # no charset in the header, only in the page
    assert text in decode_body(body, "text/html; charset=utf-8")  # header lies
    bare = f"<html><body><p>{text} о переговорах с Вестмарком.</p></body></html>".encode("cp1251")
    assert text in decode_body(bare, None)  # declared nowhere


def test_broken_html_still_gives_text() -> None:
    item = parse_page(b"<html><body><div><p>Unclosed <b>statement text here", "http://127.0.0.1:9/p")
    assert "statement text here" in item.text


def test_selector_restricts_and_bad_selector_errors() -> None:
    html = b"<html><body><div id=a>Keep this.</div><div id=b>Not this.</div></body></html>"
    assert parse_page(html, "u", selector="#a").text == "Keep this."
    with pytest.raises(SourceError, match="matches nothing"):
        parse_page(html, "u", selector="#zzz")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_parsers_never_crash_on_any_bytes(data: bytes) -> None:
    with contextlib.suppress(SourceError):
        parse_feed(data, "u")
    parse_page(data, "u")
