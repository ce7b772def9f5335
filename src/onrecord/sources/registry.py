"""Which adapter handles which kind: the built-ins plus whatever is installed under the entry point
group `onrecord.sources` (an outside package adds a channel with one line in its pyproject.toml:
`[project.entry-points."onrecord.sources"] mykind = "mypkg.mod:MyAdapter"`).

The built-ins are named the same way, as `module:Class` strings, and loaded through the same path.
"""

from __future__ import annotations

import functools
import importlib
import logging
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from onrecord.errors import SourceError

if TYPE_CHECKING:
    from onrecord.sources.base import Adapter

log = logging.getLogger(__name__)

GROUP = "onrecord.sources"
BUILTINS = {
    "feed": "onrecord.sources.feed:FeedAdapter",
    "page": "onrecord.sources.page:PageAdapter",
    "mastodon": "onrecord.sources.mastodon:MastodonAdapter",
    "bluesky": "onrecord.sources.bluesky:BlueskyAdapter",
    "telegram": "onrecord.sources.telegram:TelegramAdapter",
}


def _load(ref: str) -> Adapter:
    module, _, attr = ref.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    adapter: Adapter = cls()
    return adapter


@functools.cache
def _specs() -> dict[str, str]:
    specs = dict(BUILTINS)
    for ep in entry_points(group=GROUP):
        if ep.name in BUILTINS and ep.value == BUILTINS[ep.name]:
            continue
        specs[ep.name] = ep.value
    return specs


_loaded: dict[str, Adapter] = {}


def kinds() -> tuple[str, ...]:
    """Every kind a source can have, built-ins first."""
    return tuple(_specs())


def adapter(kind: str) -> Adapter:
    """The adapter for `kind` (loaded once), or SourceError naming the kinds there are."""
    got = _loaded.get(kind)
    if got is not None:
        return got
    spec = _specs().get(kind)
    if spec is None:
        raise SourceError(f"unknown kind {kind!r}: use one of {', '.join(kinds())}")
    try:
        got = _loaded[kind] = _load(spec)
    except (ImportError, AttributeError) as exc:
        raise SourceError(f"cannot load the adapter for kind {kind!r} ({spec}): {exc}") from None
    return got


def claiming(url: str) -> str | None:
    """The first kind (other than feed/page, which are sniffed) whose adapter claims `url`."""
    for kind in kinds():
        if kind in ("feed", "page"):
            continue
        try:
            if adapter(kind).claims(url):
                return kind
        except SourceError as exc:
            log.warning("kind=%s %s", kind, exc)
    return None
