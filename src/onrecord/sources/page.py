"""Pages: one URL is one item; its main text (or the part a selector picks) is the statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from onrecord.detect import FAILED, GONE, OK, Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.parse.page import parse_page
from onrecord.records import FetchResult, Source, Validators
from onrecord.sources.base import CheckContext, Poll, answered, controls, healthy, host_of


def observe_page(
    key: str,
    url: str,
    res: FetchResult,
    capture: int,
    source: Source,
    healthy_hosts: set[str],
    errors: list[str],
) -> Observation:
    """One page answer -> an observation: its text, gone (404/410; host_ok from the round's controls)
    or failed (anything else, a redirect to the home page included)."""
    if res.outcome == "ok":
        final = urlsplit(res.final_url)
        if res.redirects and final.path in ("", "/") and urlsplit(url).path not in ("", "/"):
            return Observation(key, url, FAILED, capture=capture, http_status=res.status)
        try:
            parsed = parse_page(res.body, res.final_url, res.header("content-type"), source.selector, source.ignore)
        except SourceError as exc:
            errors.append(str(exc))
            return Observation(key, url, FAILED, capture=capture, http_status=res.status)
        return Observation(key, url, OK, parsed.title, parsed.text, "page", capture, http_status=res.status)
    if res.outcome == "not_modified":
        return Observation(key, url, OK, capture=capture, http_status=304)
    if res.status in (404, 410):
        return Observation(
            key, url, GONE, capture=capture, host_ok=host_of(url) in healthy_hosts, http_status=res.status
        )
    return Observation(key, url, FAILED, capture=capture, http_status=res.status)


class PageAdapter:
    kind: ClassVar[str] = "page"
    options: ClassVar[Mapping[str, str]] = {}

    def claims(self, url: str) -> bool:
        return False  # the fallback: chosen by sniffing, never by URL shape alone

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        return check_no_options(self.kind, options)

    async def poll(
        self,
        ctx: CheckContext,
        source: Source,
        stored: Mapping[str, StoredItem],
        validators: Mapping[str, Validators],
    ) -> Poll:
        poll = Poll()
        res = await ctx.get(source.url, validators)
        poll.results.append(res)
        poll.answered = answered(res)
        poll.healthy_hosts = {host_of(res.url)} if healthy(res) else set()
        if res.status in (404, 410):
            poll.healthy_hosts |= await controls(ctx, [source.url], poll.healthy_hosts, poll.results, validators)
        poll.observations.append(observe_page(source.url, source.url, res, 0, source, poll.healthy_hosts, poll.errors))
        if res.outcome not in ("ok", "not_modified"):
            poll.error = res.error or f"HTTP {res.status} from {source.url}"
        poll.gone_status = res.status in (404, 410)
        return poll

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        res = await ctx.get(obs.url, {})
        poll.results.append(res)
        return observe_page(obs.key, obs.url, res, len(poll.results) - 1, source, poll.healthy_hosts, poll.errors)


def check_no_options(kind: str, options: Mapping[str, Any]) -> dict[str, Any]:
    if options:
        raise SourceError(f"kind {kind} takes no options (got {', '.join(sorted(options))})")
    return {}
