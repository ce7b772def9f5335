"""Pages: one URL is one item; its main text (or the part a selector picks) is the statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from onrecord.detect import FAILED, GONE, OK, Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.parse.soft404 import redirected_home, soft_404
from onrecord.records import FetchResult, Source, Validators
from onrecord.sources.base import CheckContext, Poll, answered, controls, healthy, host_of


async def observe_page(
    ctx: CheckContext,
    key: str,
    url: str,
    res: FetchResult,
    capture: int,
    source: Source,
    healthy_hosts: set[str],
    errors: list[str],
) -> Observation:
    """One page answer -> an observation: its text, gone (404/410, or a soft 404: a "not found" page
    with status 200 or a redirect to the front page; host_ok from the round's controls) or failed."""
    if res.outcome == "ok":
        host_ok = host_of(url) in healthy_hosts
        if redirected_home(url, res.final_url, bool(res.redirects)):
            soft = "redirect to the front page"
            return Observation(key, url, GONE, capture=capture, host_ok=host_ok, http_status=res.status, soft=soft)
        try:
            parsed = await ctx.parse_page(
                res.body, res.final_url, res.header("content-type"), source.selector, source.ignore
            )
        except SourceError as exc:
            errors.append(str(exc))
            return Observation(key, url, FAILED, capture=capture, http_status=res.status)
        soft_why = soft_404(parsed.title, parsed.text)
        if soft_why is not None:
            return Observation(key, url, GONE, capture=capture, host_ok=host_ok, http_status=res.status, soft=soft_why)
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
        poll.observations.append(
            await observe_page(ctx, source.url, source.url, res, 0, source, poll.healthy_hosts, poll.errors)
        )
        if res.outcome not in ("ok", "not_modified"):
            poll.error = res.error or f"HTTP {res.status} from {source.url}"
        poll.gone_status = res.status in (404, 410)
        return poll

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        res = await ctx.get(obs.url, {})
        poll.results.append(res)
        return await observe_page(
            ctx, obs.key, obs.url, res, len(poll.results) - 1, source, poll.healthy_hosts, poll.errors
        )


def check_no_options(kind: str, options: Mapping[str, Any]) -> dict[str, Any]:
    if options:
        raise SourceError(f"kind {kind} takes no options (got {', '.join(sorted(options))})")
    return {}
