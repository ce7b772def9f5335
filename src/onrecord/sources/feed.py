"""Feeds (RSS, Atom, JSON Feed): the feed lists items; each item's page is its text when it answers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import urlsplit

from onrecord.detect import OK, Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.records import ParsedItem, Source, Validators
from onrecord.sources.base import CheckContext, Poll, answered, controls, healthy, host_of
from onrecord.sources.page import check_no_options, observe_page

log = logging.getLogger(__name__)

_FEED_PATH = (".xml", ".rss", ".atom", ".rdf", "/feed", "/feed/", "/rss", "/rss/", "/atom", "/atom/")


class FeedAdapter:
    kind: ClassVar[str] = "feed"
    options: ClassVar[Mapping[str, str]] = {}

    def claims(self, url: str) -> bool:
        return urlsplit(url).path.lower().endswith(_FEED_PATH)

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
        results, errors = poll.results, poll.errors
        listing_gone: str | None = None
        listing = await ctx.get(source.url, validators)
        results.append(listing)
        if listing.moved_permanently and listing.outcome in ("ok", "not_modified"):
            log.warning("source=%s moved=%s to=%s", source.name, source.url, listing.final_url)
            poll.moved_to = listing.final_url
        elif listing.status == 410:
            listing_gone = f"the feed answers 410 Gone: {source.url} was removed for good"
        listed: list[ParsedItem] = []
        if listing.outcome == "ok":
            try:
                listed = await ctx.parse_feed(
                    listing.body, listing.final_url, listing.header("content-type"), source.ignore
                )
            except SourceError as exc:
                poll.error = str(exc)
        elif listing.outcome != "not_modified":
            poll.error = listing_gone or listing.error or f"HTTP {listing.status} from {source.url}"
        poll.answered = answered(listing)
        poll.gone_status = listing.status in (404, 410)
        item_urls: dict[str, ParsedItem] = {}
        seen_keys: set[str] = set()
        poll.listed = {p.key for p in listed}
        if listing.outcome == "not_modified":  # the feed is as it was: it lists what it listed
            poll.listed = {k for k, s in stored.items() if s.item.state == "live"}
        for p in listed:
            if p.key in seen_keys:
                continue
            seen_keys.add(p.key)
            if p.key not in stored:
                item_urls[p.key] = p
        recheck = ctx.due_items(stored)
        down_host = None if poll.answered else host_of(source.url)
        targets: list[tuple[str, str, ParsedItem | None]] = [(k, p.url, p) for k, p in item_urls.items()]
        targets += [
            (k, s.item.url, None) for k, s in recheck.items() if k not in item_urls and host_of(s.item.url) != down_host
        ]
        fetched = await asyncio.gather(*(ctx.get(url, validators) for _, url, _ in targets))
        base = len(results)
        results.extend(fetched)
        healthy_hosts = {host_of(r.url) for r in results if healthy(r)}
        own = [source.url] if poll.gone_status else []  # is the whole site gone, or the feed only?
        healthy_hosts |= await controls(
            ctx,
            own + [t[1] for t, r in zip(targets, fetched, strict=True) if r.status in (404, 410)],
            healthy_hosts,
            results,
            validators,
        )
        poll.healthy_hosts = healthy_hosts
        refetched: set[str] = set()
        for i, ((key, url, parsed), res) in enumerate(zip(targets, fetched, strict=True)):
            refetched.add(key)
            obs = await observe_page(ctx, key, url, res, base + i, source, healthy_hosts, errors)
            if obs.status != OK and parsed is not None and res.status not in (404, 410):
                # A new item whose page did not answer: keep the feed's own text for now.
                obs = Observation(key, parsed.url, OK, parsed.title, parsed.text, "feed", 0)
            if parsed is not None and obs.status == OK and not obs.title:
                obs = Observation(
                    obs.key,
                    obs.url,
                    obs.status,
                    parsed.title,
                    obs.text,
                    obs.origin,
                    obs.capture,
                    obs.host_ok,
                    obs.http_status,
                )
            if parsed is not None:
                obs = replace(obs, stated=parsed.published, dated=True)
            poll.observations.append(obs)
        for p in listed:
            if p.key in refetched or p.key not in stored:
                continue
            prev = stored[p.key]
            if prev.origin == "feed":
                poll.observations.append(Observation(p.key, p.url, OK, p.title, p.text, "feed", 0))
            else:
                poll.observations.append(Observation(p.key, p.url, OK, p.title, None, "page", 0))
        return poll

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        res = await ctx.get(obs.url, {})
        poll.results.append(res)
        return await observe_page(
            ctx, obs.key, obs.url, res, len(poll.results) - 1, source, poll.healthy_hosts, poll.errors
        )
