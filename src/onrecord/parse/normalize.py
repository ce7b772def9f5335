"""Normalized text: what versions are compared on.

Whitespace collapsed, Unicode NFC, tracking parameters stripped from links, `--ignore` matches removed.
Idempotent: normalize(normalize(x)) == normalize(x).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from onrecord.errors import SourceError

TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"mkt_tok|oly_anon_id|oly_enc_id|vero_id|wickedid|ref_src|ref_url|s_cid|cmpid|__twitter_impression)$",
    re.I,
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_SPACE = re.compile(r"[^\S\n]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def strip_tracking(url: str) -> str:
    """Remove tracking query parameters (utm_*, fbclid, ...) and a bare trailing '?'."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)]
    return urlunsplit(parts._replace(query=urlencode(kept, doseq=True)))


@lru_cache(maxsize=256)
def compile_ignore(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.M)
    except re.error as exc:
        raise SourceError(f"--ignore {pattern!r} is not a valid regular expression: {exc}") from None


_KEEP_SPACE = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.I | re.S)
_LAYOUT_SPACE = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")


def collapse_html_whitespace(html: str) -> str:
    """HTML with every line break (and the indentation around it) turned into one space, as a browser
    lays it out, except inside <pre>, <textarea>, <script> and <style>. Block structure comes from
    the tags, so a `<p>` wrapped over several source lines or an inline tag on a line of its own
    reads the same as the compact markup: a re-flowed page is not an edit."""
    parts = _KEEP_SPACE.split(html)
    out = []
    for i, part in enumerate(parts):
        if i % 3 == 0:
            out.append(_LAYOUT_SPACE.sub(" ", part))
        elif i % 3 == 1:
            out.append(part)
    return "".join(out)


def normalize_text(text: str, ignore: str | None = None) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _URL.sub(lambda m: strip_tracking(m.group(0)), text)
    if ignore:
        text = compile_ignore(ignore).sub("", text)
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# Volatile bits that change without the statement changing. Masked only for comparison: the stored
# text keeps them, so a diff still shows them.
_COUNTER = re.compile(
    r"\b\d[\d,.\u202f ]*\s*(?:[kKmM]\s*)?(?:views?|reads?|shares?|likes?|comments?|Aufrufe|Ansichten|"
    r"просмотр\w*|vues|visites)\b",
    re.I,
)
_COUNTER_BEFORE = re.compile(r"\b(?:views?|Aufrufe|просмотр\w*|vues)\s*:?\s*\d[\d,.\u202f ]*[kKmM]?", re.I)
_RELATIVE = re.compile(
    r"\b\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b|\bvor\s+\d+\s+"
    r"(?:Sekunden|Minuten|Stunden|Tagen|Wochen)\b|\b\d+\s+(?:секунд|минут|час|дн|недел)\w*\s+назад\b|"
    r"\bil y a\s+\d+\s+(?:secondes?|minutes?|heures?|jours?)\b",
    re.I,
)
_STAMP_AFTER = re.compile(
    r"((?:last\s+)?(?:updated|reviewed|modified|edited|generated|rendered|retrieved|aktualisiert|geändert|"
    r"überprüft|обновлено|изменено|mis à jour|modifié)(?:\s+(?:on|at|am|le))?\s*:?\s*)"
    r"([0-9][0-9 ,.:/\-TZ+]*(?:[A-Za-zÀ-ÿ]+\.?\s+[0-9]{2,4}[0-9 ,.:/\-TZ+]*(?:UTC|GMT)?)?)",
    re.I,
)
_DIGITS = re.compile(r"\d+")


_COUNTER_HINTS = ("view", "read", "share", "like", "comment", "aufrufe", "ansichten", "просмотр", "vues", "visites")
_RELATIVE_HINTS = ("ago", "vor ", "назад", "il y a")
_STAMP_HINTS = (
    "updated",
    "reviewed",
    "modified",
    "edited",
    "generated",
    "rendered",
    "retrieved",
    "aktualisiert",
    "geändert",
    "überprüft",
    "обновлено",
    "изменено",
    "mis à jour",
    "modifié",
)


def substance(text: str) -> str:
    """The text with volatile counters, relative dates and 'updated at' stamps masked.

    Two versions whose substance is equal differ only cosmetically: that is not an edit.
    Cheap substring checks come first: most statements hold none of these fragments.
    """
    low = text.lower()
    if any(h in low for h in _COUNTER_HINTS):
        text = _COUNTER.sub("#views", text)
        text = _COUNTER_BEFORE.sub("#views", text)
    if any(h in low for h in _RELATIVE_HINTS):
        text = _RELATIVE.sub("#ago", text)
    if any(h in low for h in _STAMP_HINTS):
        text = _STAMP_AFTER.sub(lambda m: m.group(1) + _DIGITS.sub("#", m.group(2)), text)
    return text
