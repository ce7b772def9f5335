"""RSS, Atom and JSON Feed bytes -> items (keyed by guid/id, else link). No I/O."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import feedparser
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from onrecord.errors import SourceError
from onrecord.parse.decode import clean_content_type, clean_xml_body
from onrecord.parse.normalize import normalize_text, strip_tracking
from onrecord.records import ParsedItem

_BLOCK = "\ue000"  # a private-use mark for "a block ends here", turned into a line break below
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's collapsible white space (not NBSP)
_BLOCK_RUN = re.compile(r"\s*\ue000[\s\ue000]*")


def html_to_text(html: str) -> str:
    """Text of an HTML fragment, laid out as a browser shows it: white space inside a block (a `<p>`
    split across source lines, indentation) collapses to one space; blocks and `<br>` end a line.
    So a page re-flowed by its CMS reads the same as before: no false edit from markup layout."""
    if "<" not in html:
        return html
    tree = HTMLParser(html)
    for tag in ("script", "style", "noscript"):
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("br"):
        node.replace_with(_BLOCK)
    for node in tree.css("p, div, li, h1, h2, h3, h4, h5, h6, blockquote, tr, pre, section, article, ul, ol, table"):
        node.insert_before(_BLOCK)
        node.insert_after(_BLOCK)
    root = tree.body or tree.root
    raw = root.text(separator="") if root is not None else ""
    text = _HTML_SPACE.sub(" ", raw.replace(_BLOCK, f" {_BLOCK} "))
    return _BLOCK_RUN.sub("\n", text).strip()


def _when(entry: Any, *keys: str) -> datetime | None:
    for k in keys:
        t = entry.get(k)
        if t:
            try:
                return datetime(t[0], t[1], t[2], t[3], t[4], t[5], tzinfo=UTC)
            except (TypeError, ValueError):
                continue
    return None


def parse_feed(body: bytes, url: str, content_type: str | None = None, ignore: str | None = None) -> list[ParsedItem]:
    """Items of a feed; raises SourceError for a body that is no feed at all."""
    stripped = body.lstrip()
    if stripped[:1] in (b"{", b"[") or (content_type and "json" in content_type):
        return _parse_json_feed(stripped, url, ignore)
    content_type = clean_content_type(content_type)  # `charset=undefined` must not break the decoder
    body = clean_xml_body(body)
    parsed = feedparser.parse(body, response_headers={"content-type": content_type or "application/xml"})
    entries = parsed.get("entries") or []
    items = []
    for e in entries:
        link = e.get("link") or ""
        key = e.get("id") or link
        if not key:
            continue
        content = ""
        if e.get("content"):
            content = max((c.get("value", "") for c in e["content"]), key=len)
        content = content or e.get("summary", "") or ""
        title = normalize_text(html_to_text(e.get("title", "") or ""))
        items.append(
            ParsedItem(
                key=key,
                url=strip_tracking(link or key),
                title=title,
                text=normalize_text(html_to_text(content), ignore),
                published=_when(e, "published_parsed", "updated_parsed"),
            )
        )
    if parsed.get("bozo") and not items:
        exc = parsed.get("bozo_exception")
        why = str(exc).splitlines()[0] if exc and str(exc) else "not a feed"
        raise SourceError(f"malformed feed at {url}: {why}")
    if not items and not parsed.get("version"):
        raise SourceError(f"no feed at {url}: the body is neither RSS, Atom nor JSON Feed")
    return items


def _parse_json_feed(body: bytes, url: str, ignore: str | None) -> list[ParsedItem]:
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"malformed JSON feed at {url}: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise SourceError(f"malformed JSON feed at {url}: no 'items' list")
    out = []
    for it in doc["items"]:
        if not isinstance(it, dict):
            continue
        link = str(it.get("url") or "")
        key = str(it.get("id") or link)
        if not key:
            continue
        text = it.get("content_text") or html_to_text(str(it.get("content_html") or ""))
        published = None
        for k in ("date_published", "date_modified"):
            if it.get(k):
                try:
                    published = datetime.fromisoformat(str(it[k]).replace("Z", "+00:00")).astimezone(UTC)
                    break
                except ValueError:
                    continue
        out.append(
            ParsedItem(
                key=key,
                url=strip_tracking(link or key),
                title=normalize_text(str(it.get("title") or "")),
                text=normalize_text(str(text), ignore),
                published=published,
            )
        )
    return out
