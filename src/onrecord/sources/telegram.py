"""Telegram public channels: `https://t.me/NAME` or `https://t.me/s/NAME`, read from the public preview.

Each poll reads `/s/NAME` (the newest window, oldest first) and pages back with `?before=ID` while every
message in the window is new. A message is `data-post="NAME/ID"`: its text, its `time[datetime]`, and
the word "edited" in its meta line (t.me gives no edit time: a changed text is a new version). A message
we hold that is missing from the window while newer and older ones are there is asked on its own
(`/NAME/ID?embed=1`): only the widget's `tgme_widget_message_error` "not found" is "gone" (service
messages and album members leave gaps too). A few known messages older than the window are asked the
same way on each poll, oldest-checked first (`recheck_old`), so their edits and deletions are seen.
`/s/NAME` redirecting away from `/s/` means previews are off or the channel is gone: one account
state, never a deletion per message. See docs/sources/telegram.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from onrecord.detect import FAILED, GONE, OK, Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.records import FetchResult, Request, Source, Validators
from onrecord.sources.base import CheckContext, Poll, blocked_reason, known_option, pages_option, parses, unusable

_NAME = r"[A-Za-z][A-Za-z0-9_]{3,31}"
_PREVIEW = re.compile(rf"^/s/(?P<name>{_NAME})/?$")
_CHANNEL = re.compile(rf"^/(?P<name>{_NAME})/?$")
_HOSTS = ("t.me", "telegram.me", "www.t.me")
# t.me paths that are not channels (invites, sticker sets, sharing, proxies, instant view, ...)
_RESERVED = {
    "joinchat",
    "addstickers",
    "addemoji",
    "addlist",
    "addtheme",
    "share",
    "proxy",
    "socks",
    "iv",
    "login",
    "setlanguage",
    "contact",
    "confirmphone",
    "boost",
    "invoice",
}
_HTML = "text/html"
MAX_MESSAGES = 200  # per page parsed: t.me shows about 20
MAX_BODY = 4 * 1024 * 1024


def channel(url: str) -> tuple[str, str]:
    """(base, NAME) of a channel URL, or SourceError. `/s/NAME` on any host; `/NAME` on t.me only."""
    parts = urlsplit(url)
    m = _PREVIEW.match(parts.path)
    if m is None and parts.netloc.lower() in _HOSTS:
        m = _CHANNEL.match(parts.path)
    if m is not None and m.group("name").lower() in _RESERVED:
        m = None
    if parts.scheme not in ("http", "https") or not parts.netloc or m is None or parts.query:
        raise SourceError(f"{url} is not a Telegram channel URL (https://t.me/NAME or https://t.me/s/NAME)")
    return f"{parts.scheme}://{parts.netloc}", m.group("name")


@dataclass(frozen=True)
class Message:
    id: int
    text: str
    date: str
    edited: bool


def parse_messages(body: bytes, name: str) -> tuple[list[Message], int | None, bool]:
    """(messages of channel `name`, the `data-before` id of the older window, whether the page holds a
    message list at all)."""
    from onrecord.parse.feed import html_to_text

    tree = HTMLParser(body[:MAX_BODY].decode("utf-8", "replace"))
    history = tree.css_first("section.tgme_channel_history") is not None
    out: list[Message] = []
    for node in tree.css("div.tgme_widget_message[data-post]")[:MAX_MESSAGES]:
        post = node.attributes.get("data-post") or ""
        who, _, ident = post.partition("/")
        if who.lower() != name.lower() or not ident.isdigit():
            continue
        text_node = node.css_first(".tgme_widget_message_bubble > .tgme_widget_message_text")
        text = html_to_text(text_node.html or "") if text_node is not None else ""
        time_node = node.css_first("a.tgme_widget_message_date time")
        date = (time_node.attributes.get("datetime") or "") if time_node is not None else ""
        meta = node.css_first(".tgme_widget_message_meta")
        edited = meta is not None and "edited" in meta.text(deep=True).lower()
        out.append(Message(int(ident), text, date, edited))
    more = tree.css_first("a.tme_messages_more[data-before]")
    before_text = (more.attributes.get("data-before") or "") if more is not None else ""
    before = int(before_text) if before_text.isdigit() else None
    return out, before, history


class TelegramAdapter:
    kind: ClassVar[str] = "telegram"
    options: ClassVar[Mapping[str, str]] = {
        "max_pages": "preview pages (about 20 messages each) read per poll while every message is new (default 3)",
    }

    def claims(self, url: str) -> bool:
        return parses(channel, url)

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in options.items():
            known_option(self.kind, key, self.options)
            out[key] = pages_option(value)
        return out

    async def poll(
        self,
        ctx: CheckContext,
        source: Source,
        stored: Mapping[str, StoredItem],
        validators: Mapping[str, Validators],
    ) -> Poll:
        poll = Poll()
        base, name = channel(source.url)
        listed: dict[str, Observation] = {}
        ids: list[int] = []
        before: int | None = None
        complete = False
        for _ in range(int(source.options.get("max_pages", 3))):
            query = (("before", str(before)),) if before is not None else ()
            res = await ctx.request(Request(f"{base}/s/{name}", query, accept=_HTML))
            poll.results.append(res)
            page = self._page(res, poll, name, first=not ids)
            if page is None:
                break
            messages, before = page
            at = len(poll.results) - 1
            for m in messages:
                key = f"{base}/{name}/{m.id}"
                if key not in listed:
                    listed[key] = Observation(key, key, OK, "", m.text, "telegram", at, http_status=res.status)
                    ids.append(m.id)
            complete = before is None or not messages
            if complete or any(f"{base}/{name}/{m.id}" in stored for m in messages):
                break
        if poll.error is not None and not listed:
            return poll
        poll.observations.extend(listed.values())
        if not ids:
            return poll
        low = 0 if complete else min(ids)
        missing = [
            s
            for k, s in ctx.due_items(stored).items()
            if k not in listed and s.item.state != "deleted" and _id(k) >= low
        ]
        # And a few known messages older than the window, in turns (their edits and deletions too).
        old = ctx.outside(stored, set(listed).union(s.item.key for s in missing))
        for s in [*missing, *old]:
            poll.observations.append(await self._single(ctx, s.item.key, s.item.url, poll))
        return poll

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        return await self._single(ctx, obs.key, obs.url, poll)

    def _page(self, res: FetchResult, poll: Poll, name: str, *, first: bool) -> tuple[list[Message], int | None] | None:
        if unusable(res, poll, html=True):
            return None
        if "/s/" not in urlsplit(res.final_url).path:
            if first:
                poll.account_state = "preview off"  # or the channel is gone: t.me shows both alike
            else:
                poll.error = f"{res.final_url}: the preview stopped while paging"
            return None
        messages, before, history = parse_messages(res.body, name)
        if not history:
            poll.error = f"{res.final_url} has no message list (tgme_channel_history)"
            return None
        return messages, before

    async def _single(self, ctx: CheckContext, key: str, url: str, poll: Poll) -> Observation:
        """The single-message widget: the message, or the widget's "not found" error (gone)."""
        res = await ctx.request(Request(url, (("embed", "1"),), accept=_HTML))
        poll.results.append(res)
        at = len(poll.results) - 1
        if res.outcome != "ok":
            if blocked_reason(res):
                poll.blocked = blocked_reason(res)
            return Observation(key, url, FAILED, capture=at, http_status=res.status)
        base, _, rest = key.rpartition("/")
        name = base.rsplit("/", 1)[-1]
        messages, _before, _history = parse_messages(res.body, name)
        found = next((m for m in messages if str(m.id) == rest), None)
        if found is not None:
            return Observation(key, url, OK, "", found.text, "telegram", at, http_status=res.status)
        tree = HTMLParser(res.body[:MAX_BODY].decode("utf-8", "replace"))
        err = tree.css_first(".tgme_widget_message_error")
        if err is not None and "not found" in err.text(deep=True).lower():
            return Observation(
                key, url, GONE, capture=at, host_ok=True, http_status=res.status, soft="embed: Post not found"
            )
        return Observation(key, url, FAILED, capture=at, http_status=res.status)


def _id(key: str) -> int:
    tail = key.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1
