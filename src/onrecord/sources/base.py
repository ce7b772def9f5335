"""The Adapter protocol: what one channel (feed, page, Mastodon account, ...) tells the pipeline.

An adapter knows one channel. Given a source and its stored state it lists what is there now, fetches
one item on its own, says what "gone" means for this channel (an `Observation` with status GONE and
`host_ok` only when the control request in the same round answered normally) and which options it
takes. It returns plain records and never touches the database; the pipeline archives every
`FetchResult` it collected, in order, and runs detection over the observations.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

from onrecord.detect import Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.records import FetchResult, ParsedItem, Request, Source, Validators

__all__ = ["Adapter", "CheckContext", "Poll", "controls", "host_of"]


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


@dataclass
class Poll:
    """What one poll of one source saw.

    results: every answer, in the order they were fetched (each becomes a capture; an observation's
      `capture` is an index into this list).
    answered: the source itself answered (not an outage), whatever its status.
    error: one line for the source's last_error, or None.
    blocked: bot protection answered instead of the service (a challenge page, "you have been blocked").
    account_state: an account-level state ("suspended", ...): reported once, items are not touched.
    """

    observations: list[Observation] = field(default_factory=list)
    results: list[FetchResult] = field(default_factory=list)
    answered: bool = True
    error: str | None = None
    errors: list[str] = field(default_factory=list)
    moved_to: str | None = None
    healthy_hosts: set[str] = field(default_factory=set)
    blocked: str | None = None
    account_state: str | None = None
    gone_status: bool = False  # the source's own URL answered 404/410
    # Keys the source's listing still names (a feed): many of them answering gone at once is a mass 404.
    listed: set[str] = field(default_factory=set)
    # Texts an item had between two checks (oldest first), each to become a version before the
    # observation of its current text: a channel with edit history (Mastodon) fills it.
    earlier: dict[str, list[Observation]] = field(default_factory=dict)


class CheckContext(Protocol):
    """What the pipeline lends an adapter for one check: the network (through `fetch`), the clock's
    now, which stored items are due for re-verification, and which known items outside a listing's
    window to fetch this time."""

    now: datetime

    async def get(self, url: str, validators: Mapping[str, Validators]) -> FetchResult: ...

    async def request(self, req: Request) -> FetchResult: ...

    def due_items(self, stored: Mapping[str, StoredItem]) -> dict[str, StoredItem]: ...

    def outside(self, stored: Mapping[str, StoredItem], seen: Collection[str]) -> list[StoredItem]:
        """A few known items not in `seen` (older than a listing's window) to fetch one by one this
        check: a bounded batch (`recheck_old`), awaiting-confirmation first, then oldest-checked
        (`recheck.pick_outside`)."""
        ...

    async def parse_page(
        self, body: bytes, url: str, content_type: str | None, selector: str | None, ignore: str | None
    ) -> ParsedItem:
        """`parse.page.parse_page`, bounded and off the event loop (raises SourceError)."""
        ...

    async def parse_feed(self, body: bytes, url: str, content_type: str | None, ignore: str | None) -> list[ParsedItem]:
        """`parse.feed.parse_feed`, bounded and off the event loop (raises SourceError)."""
        ...


class Adapter(Protocol):
    """One channel. Built-ins register the way an outside extension does (see registry.py)."""

    kind: ClassVar[str]
    #: option name -> one-line description; `onrecord add --option KEY=VALUE` accepts only these.
    options: ClassVar[Mapping[str, str]]

    def claims(self, url: str) -> bool:
        """True if this adapter recognises `url` as its own (used when --kind is left out)."""
        ...

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and normalise a source's options; raise SourceError with one clear line."""
        ...

    async def poll(
        self,
        ctx: CheckContext,
        source: Source,
        stored: Mapping[str, StoredItem],
        validators: Mapping[str, Validators],
    ) -> Poll:
        """List what is there now and re-verify due items; never raises for network trouble."""
        ...

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        """Ask one item again, at once (a second 'gone' must be its own answer). Appends the answer
        to `poll.results` and returns the observation it gives."""
        ...


TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def known_option(kind: str, key: str, allowed: Mapping[str, str]) -> None:
    """Raise SourceError when `key` is not one of the options a kind takes."""
    if key not in allowed:
        from onrecord.errors import SourceError

        raise SourceError(f"unknown option {key!r} for kind {kind}: use one of {', '.join(allowed)}")


def parses(parse: Callable[[str], object], url: str) -> bool:
    """Whether `parse` reads `url` (an adapter's `claims`: its URL parser raises SourceError when not)."""
    from onrecord.errors import SourceError

    try:
        parse(url)
    except SourceError:
        return False
    return True


def flag_option(key: str, value: Any) -> bool:
    """A yes/no option (true/false, yes/no, on/off, 1/0)."""
    text = str(value).strip().lower()
    if text not in TRUE + FALSE:
        from onrecord.errors import SourceError

        raise SourceError(f"option {key} must be true or false, not {value!r}")
    return text in TRUE


def pages_option(value: Any) -> int:
    """`max_pages`: a whole number from 1 to 50."""
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 50:
        from onrecord.errors import SourceError

        raise SourceError(f"option max_pages must be a whole number from 1 to 50, not {value!r}")
    return int(text)


_CHALLENGE = (
    b"just a moment",
    b"cdn-cgi/challenge-platform",
    b"you have been blocked",
    b"attention required",
    b"unavailable in your area",
    b"captcha",
)


def blocked_reason(res: FetchResult) -> str | None:
    """Bot protection answered instead of the service: a challenge page or a block notice."""
    if res.status is None or not res.body:
        return None
    head = res.body[:20000].lower()
    if any(mark in head for mark in _CHALLENGE):
        return f"bot protection answered HTTP {res.status} instead of the API at {res.final_url}"
    return None


def unusable(
    res: FetchResult, poll: Poll, *, html: bool = False, special: Callable[[FetchResult], bool] | None = None
) -> bool:
    """The answer-handling every social channel shares: bot protection instead of the service makes
    the poll `blocked`; `special(res)` may then take a channel's own statuses (an account state, "no
    such account"; True when it did); a failed request sets the error line (and `answered`: whether
    the source answered at all). True when `res` must not be read. For an HTML channel (`html`) only a
    non-200 answer is searched for a challenge page (a message may well say "captcha")."""
    suspect = res.status != 200 if html else (res.outcome != "ok" or b"<" in res.body[:200])
    reason = blocked_reason(res) if suspect else None
    if reason:
        poll.blocked = reason
        return True
    if special is not None and special(res):
        return True
    if res.outcome != "ok":
        poll.answered = answered(res)
        poll.error = res.error or f"HTTP {res.status} from {res.final_url}"
        return True
    return False


def json_answer(res: FetchResult, poll: Poll, special: Callable[[FetchResult], bool] | None = None) -> tuple[bool, Any]:
    """`unusable`, then the body as JSON: (True, body), or (False, None) with the poll told why
    (malformed JSON is one error line)."""
    if unusable(res, poll, special=special):
        return False, None
    from onrecord.fetch import json_body

    try:
        return True, json_body(res)
    except SourceError as exc:
        poll.error = str(exc)
        return False, None


def healthy(res: FetchResult) -> bool:
    """The host answered normally (a control for deletions)."""
    return res.outcome in ("ok", "not_modified")


def answered(res: FetchResult) -> bool:
    """The source answered whole (not an outage): any status below 500 except 429, body complete."""
    if res.outcome not in ("ok", "not_modified", "http_error", "too_large"):
        return False
    return res.status is not None and res.status < 500 and res.status != 429


async def controls(
    ctx: CheckContext,
    gone_urls: list[str],
    healthy_hosts: set[str],
    results: list[FetchResult],
    validators: Mapping[str, Validators],
) -> set[str]:
    """For hosts where an item answered 404/410 and nothing else answered yet, ask the host's root."""
    hosts = {host_of(u): u for u in gone_urls if host_of(u) not in healthy_hosts}
    if not hosts:
        return set()
    roots = [f"{urlsplit(u).scheme}://{h}/" for h, u in hosts.items()]
    got = await asyncio.gather(*(ctx.get(r, validators) for r in roots))
    results.extend(got)
    return {host_of(r.url) for r in got if healthy(r)}
