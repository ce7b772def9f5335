"""Bytes to str for pages and feeds whose charset may be wrong or missing."""

from __future__ import annotations

import re

import charset_normalizer

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _try(body: bytes, enc: str | None) -> str | None:
    if not enc:
        return None
    try:
        return body.decode(enc)
    except (LookupError, UnicodeDecodeError):
        return None


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Declared charset if it decodes cleanly, then UTF-8, then a detected one; never raises."""
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace")
    declared = None
    if content_type:
        m = _HEADER.search(content_type)
        declared = m.group(1) if m else None
    head = body[:4096]
    inline = _META.search(head) or _XML.search(head)
    for enc in (declared, inline.group(1).decode("ascii", "ignore") if inline else None, "utf-8"):
        text = _try(body, enc)
        if text is not None:
            return text
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        text = _try(body, best.encoding)
        if text is not None:
            return text
    return body.decode("utf-8", errors="replace")
