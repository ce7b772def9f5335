"""HTML page bytes -> the statement's main text and title (trafilatura), or a `--selector` part. No I/O."""

from __future__ import annotations

import logging

import trafilatura
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from onrecord.errors import SourceError
from onrecord.parse.decode import decode_body
from onrecord.parse.feed import html_to_text
from onrecord.parse.normalize import collapse_html_whitespace, normalize_text
from onrecord.records import ParsedItem

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def page_title(tree: HTMLParser) -> str:
    for sel in ("h1", "title", "meta[property='og:title']"):
        node = tree.css_first(sel)
        if node is not None:
            text = node.attributes.get("content") if sel.startswith("meta") else node.text()
            if text and text.strip():
                return " ".join(normalize_text(text).split())  # a title is one line, however the source wraps it
    return ""


def parse_page(
    body: bytes,
    url: str,
    content_type: str | None = None,
    selector: str | None = None,
    ignore: str | None = None,
) -> ParsedItem:
    html = collapse_html_whitespace(decode_body(body, content_type))
    tree = HTMLParser(html)
    title = page_title(tree)
    if selector:
        try:
            nodes = tree.css(selector)
        except Exception as exc:  # selectolax raises plain exceptions for bad selectors
            raise SourceError(f"--selector {selector!r} is not a valid CSS selector: {exc}") from None
        if not nodes:
            raise SourceError(f"--selector {selector!r} matches nothing on {url}")
        text = "\n".join(html_to_text(n.html or "") for n in nodes)
    else:
        text = (
            # fast: trafilatura's own extractor without its readability/justext fallbacks (2-3x
            # quicker); an empty result still falls back to the whole body below.
            trafilatura.extract(
                html,
                url=url,
                fast=True,
                include_comments=False,
                include_tables=True,
                favor_precision=True,
                deduplicate=False,
                output_format="txt",
            )
            or ""
        )
        if not text.strip():
            root = tree.body
            text = html_to_text(root.html or "") if root is not None else ""
    return ParsedItem(key=url, url=url, title=title, text=normalize_text(text, ignore))
