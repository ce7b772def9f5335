"""Bluesky accounts (AT Protocol): `https://bsky.app/profile/HANDLE` (or a DID).

Each poll asks the AppView `app.bsky.actor.getProfile` (the control request, and where a taken-down or
deactivated account shows as an account state), then `app.bsky.feed.getAuthorFeed` (newest first,
`cursor` while a whole page is new), reposts and replies left out unless asked for. A post we hold
that is missing from the window, and a few known posts older than the window per poll (oldest-checked
first, `recheck_old`), are asked with `app.bsky.feed.getPosts`; absent there too, its own PDS
(from the DID document) is asked with `com.atproto.repo.getRecord`: only `RecordNotFound` is "gone".
An edit is the same URI with a new record (new cid, new text). See docs/sources/bluesky.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from onrecord.detect import FAILED, GONE, OK, Observation, StoredItem
from onrecord.errors import SourceError
from onrecord.records import FetchResult, Request, Source, Validators
from onrecord.sources.base import (
    CheckContext,
    Poll,
    blocked_reason,
    flag_option,
    json_answer,
    known_option,
    pages_option,
    parses,
)

_PROFILE = re.compile(r"^/profile/(?P<actor>[A-Za-z0-9._:%-]+)/?$")
_JSON = "application/json"
_ACCOUNT_STATES = {"AccountTakedown": "taken down", "AccountDeactivated": "deactivated"}
PAGE_LIMIT = 50
COLLECTION = "app.bsky.feed.post"
APPVIEWS = {"bsky.app": "https://public.api.bsky.app"}


def profile(url: str) -> tuple[str, str, str]:
    """(web base, AppView base, actor) of a profile URL, or SourceError."""
    parts = urlsplit(url)
    m = _PROFILE.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or m is None:
        raise SourceError(f"{url} is not a Bluesky profile URL (https://bsky.app/profile/HANDLE)")
    base = f"{parts.scheme}://{parts.netloc}"
    return base, APPVIEWS.get(parts.netloc.lower(), base), m.group("actor")


def _json(res: FetchResult) -> Any:
    from onrecord.fetch import json_body

    return json_body(res)


def _xrpc_error(res: FetchResult) -> str | None:
    """The XRPC error name of a JSON error answer, else None."""
    try:
        body = _json(res)
    except SourceError:
        return None
    return str(body.get("error")) if isinstance(body, dict) and body.get("error") else None


class BlueskyAdapter:
    kind: ClassVar[str] = "bluesky"
    options: ClassVar[Mapping[str, str]] = {
        "replies": "keep the account's replies as items (default false)",
        "reposts": "keep reposts as items, text prefixed 'repost of @handle:' (default false)",
        "max_pages": "pages of 50 posts read per poll while every post is new (default 3)",
        "plc": "the DID directory used to find an account's PDS (default https://plc.directory)",
    }

    def claims(self, url: str) -> bool:
        return parses(profile, url)

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in options.items():
            known_option(self.kind, key, self.options)
            if key in ("replies", "reposts"):
                out[key] = flag_option(key, value)
            elif key == "plc":
                text = str(value).strip()
                if not text.startswith(("http://", "https://")):
                    raise SourceError(f"option plc must be an http(s) URL, not {value!r}")
                out[key] = text.rstrip("/")
            else:
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
        web, appview, actor = profile(source.url)
        xrpc = f"{appview}/xrpc"
        prof = await ctx.request(Request(f"{xrpc}/app.bsky.actor.getProfile", (("actor", actor),), accept=_JSON))
        poll.results.append(prof)
        account = self._profile(source, prof, poll)
        if account is None:
            return poll
        did = str(account["did"])
        opts = source.options
        query: list[tuple[str, str]] = [("actor", did), ("limit", str(PAGE_LIMIT))]
        if not opts.get("replies", False):
            query.append(("filter", "posts_no_replies"))
        listed: dict[str, Observation] = {}
        complete = False
        for _ in range(int(opts.get("max_pages", 3))):
            res = await ctx.request(Request(f"{xrpc}/app.bsky.feed.getAuthorFeed", tuple(query), accept=_JSON))
            poll.results.append(res)
            page = self._page(res, poll)
            if page is None:
                break
            feed = page.get("feed") or []
            for entry in feed:
                obs = self._entry(web, did, entry, len(poll.results) - 1, opts)
                if obs is not None and obs.key not in listed:
                    listed[obs.key] = obs
            cursor = page.get("cursor")
            complete = not cursor or not feed
            if complete or any(_key_of(e) in stored for e in feed if isinstance(e, dict)):
                break
            query = [(k, v) for k, v in query if k != "cursor"] + [("cursor", str(cursor))]
        if poll.error is not None and not listed:
            return poll
        poll.observations.extend(listed.values())
        oldest = None if complete else min((_rkey(k) for k in listed), default=None)
        missing = [
            s
            for k, s in ctx.due_items(stored).items()
            if k not in listed and s.item.state != "deleted" and (oldest is None or _rkey(k) >= oldest)
        ]
        # And a few known posts older than the window, in turns (an un-repost is no deletion: not asked).
        posts = {k: s for k, s in stored.items() if "#repost-by-" not in k}
        old = ctx.outside(posts, set(listed).union(s.item.key for s in missing))
        if missing or old:
            poll.observations.extend(await self._lookup(ctx, source, xrpc, web, did, [*missing, *old], poll))
        return poll

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        did = obs.key.removeprefix("at://").split("/", 1)[0]
        return await self._record(ctx, source, did, obs.key, obs.url, poll)

    # -- answers -----------------------------------------------------------------------------------
    def _profile(self, source: Source, res: FetchResult, poll: Poll) -> Mapping[str, Any] | None:
        def special(res: FetchResult) -> bool:
            if res.status != 400:
                return False
            name = _xrpc_error(res)
            if name in _ACCOUNT_STATES:
                poll.account_state = _ACCOUNT_STATES[name]
            else:
                poll.error = f"no Bluesky account {source.url} ({name or 'HTTP 400'})"
                poll.gone_status = True
            return True

        ok, body = json_answer(res, poll, special)
        if not ok:
            return None
        if not isinstance(body, dict) or not str(body.get("did", "")).startswith("did:"):
            poll.error = f"getProfile at {res.final_url} did not answer a profile"
            return None
        return body

    def _page(self, res: FetchResult, poll: Poll) -> Mapping[str, Any] | None:
        ok, page = json_answer(res, poll)
        if not ok:
            return None
        if not isinstance(page, dict) or not isinstance(page.get("feed", []), list):
            poll.error = f"getAuthorFeed at {res.final_url} did not answer a feed"
            return None
        return page

    def _entry(self, web: str, did: str, entry: Any, capture: int, opts: Mapping[str, Any]) -> Observation | None:
        if not isinstance(entry, dict) or not isinstance(entry.get("post"), dict):
            return None
        post = entry["post"]
        reason = entry.get("reason") or {}
        repost = isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost")
        if str(reason.get("$type", "")).endswith("#reasonPin") if isinstance(reason, dict) else False:
            return None
        if repost and not opts.get("reposts", False):
            return None
        if entry.get("reply") and not opts.get("replies", False):
            return None
        text = _post_text(post)
        if repost:
            who = (post.get("author") or {}).get("handle", "?")
            text = f"repost of @{who}: {text}"
            key = f"{post.get('uri')}#repost-by-{did}"
        else:
            key = str(post.get("uri") or "")
        if not key.startswith("at://"):
            return None
        return Observation(key, _web_url(web, key), OK, "", text, "bluesky", capture, http_status=200)

    async def _lookup(
        self, ctx: CheckContext, source: Source, xrpc: str, web: str, did: str, missing: list[StoredItem], poll: Poll
    ) -> list[Observation]:
        """getPosts for up to 25 at a time; what it drops is asked at its PDS (getRecord)."""
        out: list[Observation] = []
        for i in range(0, len(missing), 25):
            chunk = missing[i : i + 25]
            res = await ctx.request(
                Request(f"{xrpc}/app.bsky.feed.getPosts", tuple(("uris", s.item.key) for s in chunk), accept=_JSON)
            )
            poll.results.append(res)
            at = len(poll.results) - 1
            found: dict[str, Any] = {}
            if res.outcome == "ok":
                try:
                    body = _json(res)
                    found = {str(p.get("uri")): p for p in body.get("posts", []) if isinstance(p, dict)}
                except (SourceError, AttributeError) as exc:
                    poll.errors.append(str(exc))
                    out.extend(Observation(s.item.key, s.item.url, FAILED, capture=at) for s in chunk)
                    continue
            else:
                out.extend(Observation(s.item.key, s.item.url, FAILED, capture=at) for s in chunk)
                continue
            for s in chunk:
                post = found.get(s.item.key)
                if post is not None:
                    out.append(Observation(s.item.key, s.item.url, OK, "", _post_text(post), "bluesky", at))
                elif "#repost-by-" in s.item.key:
                    out.append(Observation(s.item.key, s.item.url, FAILED, capture=at))  # an un-repost is no deletion
                else:
                    out.append(await self._record(ctx, source, did, s.item.key, s.item.url, poll))
        return out

    async def _record(self, ctx: CheckContext, source: Source, did: str, key: str, url: str, poll: Poll) -> Observation:
        pds = await self._pds(ctx, source, did, poll)
        if pds is None:
            return Observation(key, url, FAILED)
        rkey = key.rsplit("/", 1)[-1]
        query = (("repo", did), ("collection", COLLECTION), ("rkey", rkey))
        res = await ctx.request(Request(f"{pds}/xrpc/com.atproto.repo.getRecord", query, accept=_JSON))
        poll.results.append(res)
        at = len(poll.results) - 1
        if blocked_reason(res) and res.outcome != "ok":
            poll.blocked = blocked_reason(res)
            return Observation(key, url, FAILED, capture=at, http_status=res.status)
        if res.outcome == "ok":
            try:
                body = _json(res)
                text = str((body.get("value") or {}).get("text", ""))
            except (SourceError, AttributeError) as exc:
                poll.errors.append(str(exc))
                return Observation(key, url, FAILED, capture=at, http_status=res.status)
            return Observation(key, url, OK, "", text, "bluesky", at, http_status=200)
        if res.status == 400 and _xrpc_error(res) == "RecordNotFound":
            return Observation(key, url, GONE, capture=at, host_ok=True, http_status=400)
        return Observation(key, url, FAILED, capture=at, http_status=res.status)

    async def _pds(self, ctx: CheckContext, source: Source, did: str, poll: Poll) -> str | None:
        """The account's PDS from its DID document (did:plc via the directory, did:web from its host)."""
        if did.startswith("did:web:"):
            doc_url = f"https://{did.removeprefix('did:web:')}/.well-known/did.json"
        else:
            doc_url = f"{source.options.get('plc', 'https://plc.directory')}/{quote(did, safe=':')}"
        res = await ctx.request(Request(doc_url, accept=_JSON))
        poll.results.append(res)
        try:
            doc = _json(res) if res.outcome == "ok" else None
        except SourceError as exc:
            poll.errors.append(str(exc))
            return None
        for svc in (doc or {}).get("service", []) if isinstance(doc, dict) else []:
            if isinstance(svc, dict) and str(svc.get("id", "")).endswith("#atproto_pds"):
                return str(svc.get("serviceEndpoint", "")).rstrip("/") or None
        return None


def _post_text(post: Mapping[str, Any]) -> str:
    record = post.get("record") or {}
    return str(record.get("text", "")) if isinstance(record, dict) else ""


def _key_of(entry: Mapping[str, Any]) -> str:
    post = entry.get("post") or {}
    return str(post.get("uri", "")) if isinstance(post, dict) else ""


def _web_url(web: str, key: str) -> str:
    did, _, rkey = key.removeprefix("at://").split("#", 1)[0].partition(f"/{COLLECTION}/")
    return f"{web}/profile/{did}/post/{rkey}"


def _rkey(key: str) -> int:
    """Record keys (TIDs) sort by time; numeric ones compare as numbers, others never 'in the window'."""
    tail = key.split("#", 1)[0].rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1
