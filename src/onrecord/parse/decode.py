"""Bytes to str for pages and feeds whose charset may be wrong or missing."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_XML = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)


# Python codecs that are no text charset a server could mean (or that never decode a web page).
_NOT_CHARSETS = frozenset(("undefined", "unicode_escape", "raw_unicode_escape", "punycode", "idna", "utf_7", "mbcs"))


def usable_charset(name: str | None) -> bool:
    """True if `name` is a text charset Python knows (not `undefined`, `base64`, `rot13`, ...)."""
    if not name:
        return False
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return False
    return getattr(info, "_is_text_encoding", True) and info.name.replace("-", "_") not in _NOT_CHARSETS


def clean_content_type(content_type: str | None) -> str | None:
    """`content_type` without a charset parameter that names no usable charset (so parsers sniff)."""
    if not content_type:
        return content_type
    m = _HEADER.search(content_type)
    if m is None or usable_charset(m.group(1)):
        return content_type
    return ";".join(p for p in content_type.split(";") if not p.strip().lower().startswith("charset"))


def clean_xml_body(body: bytes) -> bytes:
    """`body` as UTF-8 with a fixed XML declaration when that declaration names no usable charset."""
    m = _XML.search(body[:4096])
    if m is None or usable_charset(m.group(1).decode("ascii", "ignore")):
        return body
    fixed = body[: m.start(1)] + b"utf-8" + body[m.end(1) :]
    return decode_body(fixed, "charset=utf-8").encode("utf-8")


def _try(body: bytes, enc: str | None) -> str | None:
    if not usable_charset(enc):
        return None
    try:
        return body.decode(enc)  # type: ignore[arg-type]
    except (LookupError, UnicodeError, ValueError, TypeError):
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
