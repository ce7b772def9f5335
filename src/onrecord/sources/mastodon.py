"""Mastodon-compatible accounts (Mastodon, Truth Social, government servers): `https://HOST/@name`.

Each poll asks `/api/v1/accounts/lookup?acct=NAME` (which doubles as the control request: the account
answers), then `/api/v1/accounts/:id/statuses`, newest first, following the `Link: rel="next"` page
(`max_id`) while a whole page is new. A status we hold that is missing from the window it should be in
is asked directly (`/api/v1/statuses/:id`): only `404 {"error": ...}` while the account answered is
"gone"; 401/403/429/5xx and HTML instead of JSON are not. Known statuses older than the window are
asked the same way a few per poll, oldest-checked first (`recheck_old`). An edited status (`edited_at`
set and a text we do not hold, or first seen already edited) has its `/history` read: each earlier
revision becomes a version. A challenge page or "you have been blocked" makes the source `blocked`;
a suspended account is one account state, never a deletion per status.
See docs/sources/mastodon.md and SOURCES.md section 3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from onrecord.detect import FAILED, GONE, OK, Observation, StoredItem, text_hash
from onrecord.errors import SourceError
from onrecord.parse.feed import html_to_text
from onrecord.records import FetchResult, Request, Source, Validators
from onrecord.sources.base import (
    TRUE,
    CheckContext,
    Poll,
    answered,
    blocked_reason,
    flag_option,
    json_answer,
    known_option,
    pages_option,
    parses,
)

_PROFILE = re.compile(r"^/@(?P<name>[A-Za-z0-9_.-]+(?:@[A-Za-z0-9.-]+)?)/?$")
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_JSON = "application/json"
PAGE_LIMIT = 40


def profile(url: str) -> tuple[str, str, str]:
    """(base URL, api base, acct) of a profile URL, or SourceError."""
    parts = urlsplit(url)
    m = _PROFILE.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or m is None:
        raise SourceError(f"{url} is not a Mastodon profile URL (https://HOST/@name)")
    base = f"{parts.scheme}://{parts.netloc}"
    return base, f"{base}/api/v1", m.group("name")


def _json(res: FetchResult) -> Any:
    from onrecord.fetch import json_body

    return json_body(res)


def _text(status: Mapping[str, Any]) -> str:
    parts = [html_to_text(str(status.get("spoiler_text") or "")), html_to_text(str(status.get("content") or ""))]
    return "\n\n".join(p for p in parts if p.strip())


def _bool(options: Mapping[str, Any], key: str, default: bool) -> bool:
    v = options.get(key, default)
    return v if isinstance(v, bool) else str(v).lower() in TRUE


class MastodonAdapter:
    kind: ClassVar[str] = "mastodon"
    options: ClassVar[Mapping[str, str]] = {
        "replies": "keep the account's replies as items (default false)",
        "boosts": "keep boosts (reblogs) as items, text prefixed 'boost of @acct:' (default false)",
        "auth": "'token' sends the mastodon_token setting as a bearer token to this server (default none)",
        "max_pages": "pages of 40 statuses read per poll while every status is new (default 3)",
    }

    def claims(self, url: str) -> bool:
        return parses(profile, url)

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in options.items():
            known_option(self.kind, key, self.options)
            if key in ("replies", "boosts"):
                out[key] = flag_option(key, value)
            elif key == "auth":
                text = str(value).strip().lower()
                if text not in ("token", "none"):
                    raise SourceError(f"option auth must be 'token' or 'none', not {value!r}")
                out[key] = text
            else:
                out[key] = pages_option(value)
        return out

    def _req(self, source: Source, url: str, query: tuple[tuple[str, str], ...] = ()) -> Request:
        secret = "mastodon_token" if source.options.get("auth") == "token" else None
        return Request(url, query=query, accept=_JSON, secret=secret)

    async def poll(
        self,
        ctx: CheckContext,
        source: Source,
        stored: Mapping[str, StoredItem],
        validators: Mapping[str, Validators],
    ) -> Poll:
        poll = Poll()
        _, api, acct = profile(source.url)
        lookup = await ctx.request(self._req(source, f"{api}/accounts/lookup", (("acct", acct),)))
        poll.results.append(lookup)
        account = self._account(source, lookup, poll)
        if account is None:
            return poll
        opts = source.options
        query = [("limit", str(PAGE_LIMIT))]
        if not _bool(opts, "replies", False):
            query.append(("exclude_replies", "true"))
        if not _bool(opts, "boosts", False):
            query.append(("exclude_reblogs", "true"))
        listed: dict[str, Mapping[str, Any]] = {}
        listed_at: dict[str, int] = {}
        req = self._req(source, f"{api}/accounts/{account['id']}/statuses", tuple(query))
        complete = False  # the listing reached the account's oldest status
        for _ in range(int(opts.get("max_pages", 3))):
            res = await ctx.request(req)
            poll.results.append(res)
            page = self._page(res, poll)
            if page is None:
                break
            complete = len(page) < PAGE_LIMIT
            for st in page:
                if isinstance(st, dict) and "id" in st and str(st["id"]) not in listed:
                    listed[str(st["id"])] = st
                    listed_at[str(st["id"])] = len(poll.results) - 1
            nxt = _LINK_NEXT.search(res.header("link") or "")
            if not page or nxt is None or any(str(st.get("id")) in stored for st in page if isinstance(st, dict)):
                break
            req = Request(nxt.group(1), accept=_JSON, secret=req.secret)  # Link carries max_id and the filters
        if poll.error is not None and not listed:
            return poll
        for key, st in listed.items():
            obs = self._observe(key, st, listed_at[key], opts)
            await self._edits(ctx, source, st, obs, stored.get(key), poll)
            poll.observations.append(obs)
        oldest = None if complete else min((_order(k) for k in listed), default=None)
        due = ctx.due_items(stored)
        missing = [
            s
            for k, s in due.items()
            if k not in listed and (oldest is None or _order(k) >= oldest) and s.item.state != "deleted"
        ]
        # A lead only: ask the status itself. Then a few known statuses older than the window, in turns.
        old = ctx.outside(stored, set(listed).union(s.item.key for s in missing))
        for s in [*missing, *old]:
            obs, st = await self._status(ctx, source, s.item.key, s.item.url, poll)
            if st is not None:
                await self._edits(ctx, source, st, obs, s, poll)
            poll.observations.append(obs)
        return poll

    async def _edits(
        self,
        ctx: CheckContext,
        source: Source,
        st: Mapping[str, Any],
        obs: Observation,
        prev: StoredItem | None,
        poll: Poll,
    ) -> None:
        """A status edited since we last saw it (or edited before we first saw it): read its history."""
        if not st.get("edited_at") or obs.status != OK or isinstance(st.get("reblog"), dict):
            return
        if prev is None or prev.text_hash != text_hash(obs.text or ""):
            await self._history(ctx, source, obs.key, obs.url, prev, poll)

    async def _history(
        self, ctx: CheckContext, source: Source, key: str, url: str, prev: StoredItem | None, poll: Poll
    ) -> None:
        """Every revision between the text we hold and the current one becomes a version of its own
        (`poll.earlier`), so two edits within one poll interval lose nothing; for a status first seen
        already edited (`prev` None), every earlier revision from the original on. Each carries the
        revision's own `created_at` as its time."""
        _, api, _ = profile(source.url)
        res = await ctx.request(self._req(source, f"{api}/statuses/{key}/history"))
        poll.results.append(res)
        if res.outcome != "ok":
            return
        try:
            revisions = _json(res)
        except SourceError as exc:
            poll.errors.append(str(exc))
            return
        if not isinstance(revisions, list):
            poll.errors.append(f"edit history at {res.final_url} is not a JSON array")
            return
        seen = prev.text_hash if prev is not None else None
        since = prev.item.last_seen if prev is not None else None
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earlier: list[Observation] = []
        for rev in revisions[:-1]:  # the last revision is the current text, observed already
            if not isinstance(rev, dict):
                continue
            text = _text(rev)
            h = text_hash(text)
            if h == seen or (prev is not None and h == prev.text_hash):
                continue
            at = _when(rev.get("created_at"))
            if since is not None and at is not None and at < since.replace(microsecond=0):
                continue  # older than what we already hold
            seen = h
            at = min(at, ctx.now) if at is not None else None
            capture = len(poll.results) - 1
            earlier.append(Observation(key, url, OK, "", text, "mastodon", capture, http_status=200, at=at))
        if earlier:
            poll.earlier[key] = earlier

    async def recheck(self, ctx: CheckContext, source: Source, obs: Observation, poll: Poll) -> Observation:
        return (await self._status(ctx, source, obs.key, obs.url, poll))[0]

    # -- answers -----------------------------------------------------------------------------------
    def _account(self, source: Source, res: FetchResult, poll: Poll) -> Mapping[str, Any] | None:
        def special(res: FetchResult) -> bool:
            if res.status == 404:
                poll.error = f"no account {source.url} on this server (account lookup answered 404)"
                poll.gone_status = True
            elif res.status == 410:
                poll.account_state = "suspended"
            elif res.status == 401:
                poll.answered = answered(res)
                poll.error = f"{res.final_url} requires an access token (set mastodon_token, add --option auth=token)"
            else:
                return False
            return True

        ok, account = json_answer(res, poll, special)
        if not ok:
            return None
        if not isinstance(account, dict) or "id" not in account:
            poll.error = f"account lookup at {res.final_url} did not answer an Account"
            return None
        if account.get("suspended"):
            poll.account_state = "suspended"
            return None
        return account

    def _page(self, res: FetchResult, poll: Poll) -> list[Any] | None:
        ok, page = json_answer(res, poll)
        if not ok:
            return None
        if not isinstance(page, list):
            poll.error = f"statuses at {res.final_url} are not a JSON array"
            return None
        return page

    def _observe(self, key: str, st: Mapping[str, Any], capture: int, opts: Mapping[str, Any]) -> Observation:
        url = str(st.get("url") or st.get("uri") or "")
        reblog = st.get("reblog")
        if isinstance(reblog, dict):
            who = (reblog.get("account") or {}).get("acct", "?")
            text = f"boost of @{who}: {_text(reblog)}"
        else:
            text = _text(st)
        return Observation(key, url, OK, "", text, "mastodon", capture, http_status=200)

    async def _status(
        self, ctx: CheckContext, source: Source, key: str, url: str, poll: Poll
    ) -> tuple[Observation, Mapping[str, Any] | None]:
        """`GET /api/v1/statuses/:id`: the observation, and the Status when one answered."""
        _, api, _ = profile(source.url)
        res = await ctx.request(self._req(source, f"{api}/statuses/{key}"))
        poll.results.append(res)
        at = len(poll.results) - 1
        reason = blocked_reason(res)
        if reason:
            poll.blocked = reason
            return Observation(key, url, FAILED, capture=at, http_status=res.status), None
        if res.outcome == "ok":
            try:
                st = _json(res)
            except SourceError as exc:
                poll.errors.append(str(exc))
                return Observation(key, url, FAILED, capture=at, http_status=res.status), None
            if isinstance(st, dict) and str(st.get("id")) == key:
                return self._observe(key, st, at, source.options), st
            poll.errors.append(f"status {key} at {res.final_url} did not answer a Status")
            return Observation(key, url, FAILED, capture=at, http_status=res.status), None
        if res.status == 404:
            try:  # the full "gone" shape: 404 and Mastodon's JSON error, never a bare status
                body = _json(res)
            except SourceError:
                return Observation(key, url, FAILED, capture=at, http_status=404), None
            if isinstance(body, dict) and "error" in body:
                # The account answered in this round (lookup), so the host is healthy.
                return Observation(key, url, GONE, capture=at, host_ok=True, http_status=404), None
        return Observation(key, url, FAILED, capture=at, http_status=res.status), None


def _when(value: Any) -> datetime | None:
    """An API time (ISO 8601, `Z` or an offset) as an aware datetime, or None."""
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _order(key: str) -> int:
    """Snowflake ids grow with time; a non-numeric id sorts first (never treated as in the window)."""
    return int(key) if key.isdigit() else -1
