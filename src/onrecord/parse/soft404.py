"""Soft 404s: a missing page served with status 200, or a redirect of an article to the home page.

Such an answer is gone-suspect (it counts towards a deletion like a 404), never an edit. The phrases
live in notfound.toml, one list per language. A page is a soft 404 when its title carries a phrase,
or when its text is short (an error page, not an article that merely mentions one) and carries one.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

SHORT_TEXT_WORDS = 80


@cache
def phrases() -> tuple[str, ...]:
    data = tomllib.loads((resources.files("onrecord.parse") / "notfound.toml").read_text(encoding="utf-8"))
    return tuple(sorted({p.casefold() for lang in data.values() for p in lang}))


def _has_phrase(text: str) -> bool:
    low = " ".join(text.casefold().split())
    return any(p in low for p in phrases())


def soft_404(title: str, text: str) -> str | None:
    """Why this 200 page looks like a 'not found' page, or None."""
    if title and _has_phrase(title):
        return "not-found page"
    if text and len(text.split()) <= SHORT_TEXT_WORDS and _has_phrase(text):
        return "not-found page"
    return None


def redirected_home(asked: str, final: str, redirected: bool) -> bool:
    """An item's address that redirects to the site's front page: the item is gone-suspect."""
    return redirected and urlsplit(final).path in ("", "/") and urlsplit(asked).path not in ("", "/")
