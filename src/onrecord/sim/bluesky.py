"""Bluesky (AT Protocol) routes of the social simulator: an AppView, a PDS and a DID directory on
one host, with the real NSIDs, parameters, field names, error names and rate-limit headers
(SOURCES.md section 4). Called by `MastodonSim` for hosts whose accounts have `service = "bluesky"`.

    GET /xrpc/app.bsky.actor.getProfile?actor=       400 AccountTakedown once suspended
    GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=&filter=   {cursor?, feed[]}
    GET /xrpc/app.bsky.feed.getPosts?uris=&uris=     missing or deleted URIs silently dropped
    GET /xrpc/com.atproto.repo.getRecord?repo=&collection=&rkey=          400 RecordNotFound
    GET /did:plc:...                                 the DID document, #atproto_pds = this host

Rate limits: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (epoch seconds),
`RateLimit-Policy` ("300;w=300"); over: 429 `{"error": "RateLimitExceeded"}`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from onrecord.sim.mastodon import MastodonSim, _Account, _Status

COLLECTION = "app.bsky.feed.post"


def did(a: _Account) -> str:
    return f"did:plc:{a.id}"


def handle(a: _Account) -> str:
    return f"{a.name}.{a.host}.test"


def post_uri(a: _Account, st: _Status) -> str:
    return f"at://{did(a)}/{COLLECTION}/{st.id}"


def rate_headers(limit: int, remaining: int, reset: datetime, window: float) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(int(reset.timestamp())),
        "RateLimit-Policy": f"{limit};w={int(window)}",
    }


def error(name: str, message: str, status: int = 400, headers: dict[str, str] | None = None) -> web.Response:
    return _json({"error": name, "message": message}, status, headers)


def route(sim: MastodonSim, host: str, request: web.Request, now: datetime, limit: dict[str, str]) -> web.Response:
    accounts = [a for a in sim.accounts.values() if a.host == host]
    path = request.path
    q = request.query

    def find(actor: str) -> _Account | None:
        return next((a for a in accounts if actor in (did(a), handle(a))), None)

    if path.startswith("/did:"):
        a = find(path[1:])
        if a is None:
            return web.Response(status=404, text="DID not registered")
        doc = {
            "id": did(a),
            "alsoKnownAs": [f"at://{handle(a)}"],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": sim.base(host)}],
        }
        return _json(doc, 200)
    nsid = path.removeprefix("/xrpc/")
    if nsid == "app.bsky.actor.getProfile":
        a = find(q.get("actor", ""))
        if a is None:
            return error("InvalidRequest", "Profile not found", headers=limit)
        if a.suspended_at is not None and now >= a.suspended_at:
            return error("AccountTakedown", "Account has been suspended", headers=limit)
        count = sum(1 for s in a.statuses if s.at(now) is not None)
        body = {"did": did(a), "handle": handle(a), "displayName": a.name.title(), "postsCount": count}
        return _json(body, 200, limit)
    if nsid == "app.bsky.feed.getAuthorFeed":
        a = find(q.get("actor", ""))
        if a is None or (a.suspended_at is not None and now >= a.suspended_at):
            return error("InvalidRequest", "Profile not found", headers=limit)
        try:
            n = max(1, min(100, int(q.get("limit", "50"))))
        except ValueError:
            return error("InvalidRequest", "limit must be an integer", headers=limit)
        rows = sorted((s for s in a.statuses if s.at(now) is not None), key=lambda s: int(s.id), reverse=True)
        if q.get("filter") == "posts_no_replies":
            rows = [s for s in rows if s.reply_to is None]
        if "cursor" in q:
            rows = [s for s in rows if int(s.id) < int(q["cursor"])]
        page = rows[:n]
        out: dict[str, Any] = {"feed": [_feed_item(sim, a, s, now) for s in page]}
        if len(rows) > n:
            out["cursor"] = page[-1].id
        return _json(out, 200, limit)
    if nsid == "app.bsky.feed.getPosts":
        uris = request.query.getall("uris", [])
        if len(uris) > 25:
            return error("InvalidRequest", "uris must not have more than 25 elements", headers=limit)
        posts = []
        for a in accounts:
            if a.suspended_at is not None and now >= a.suspended_at:
                continue
            for s in a.statuses:
                if post_uri(a, s) in uris and s.at(now) is not None:
                    posts.append(_post(sim, a, s, now))
        return _json({"posts": posts}, 200, limit)
    if nsid == "com.atproto.repo.getRecord":
        a = find(q.get("repo", ""))
        st = None if a is None else next((s for s in a.statuses if s.id == q.get("rkey")), None)
        if a is None or st is None or st.at(now) is None or q.get("collection") != COLLECTION:
            uri = f"at://{q.get('repo', '')}/{q.get('collection', '')}/{q.get('rkey', '')}"
            return error("RecordNotFound", f"Could not locate record: {uri}", headers=limit)
        post = _post(sim, a, st, now)
        return _json({"uri": post["uri"], "cid": post["cid"], "value": post["record"]}, 200, limit)
    return error("XRPCNotSupported", "XRPCNotSupported", 404, limit)


def _post(sim: MastodonSim, a: _Account, st: _Status, now: datetime) -> dict[str, Any]:
    from onrecord.parse.feed import html_to_text

    seen = st.at(now)
    assert seen is not None
    created, content, edited = seen
    text = html_to_text(content)
    record: dict[str, Any] = {"$type": COLLECTION, "text": text, "createdAt": _iso(created), "langs": ["en"]}
    if st.reply_to is not None:
        parent = f"at://{did(a)}/{COLLECTION}/{st.reply_to}"
        record["reply"] = {"root": {"uri": parent, "cid": "bafy"}, "parent": {"uri": parent, "cid": "bafy"}}
    cid = f"bafyrei{abs(hash((st.id, content))) % 10**12:012d}"  # a new cid per revision: an edit
    return {
        "uri": post_uri(a, st),
        "cid": cid,
        "author": {"did": did(a), "handle": handle(a)},
        "record": record,
        "indexedAt": _iso(edited or created),
        "likeCount": int(now.timestamp()) % 31,  # volatile counters
        "repostCount": int(now.timestamp()) % 17,
    }


def _feed_item(sim: MastodonSim, a: _Account, st: _Status, now: datetime) -> dict[str, Any]:
    post = _post(sim, a, st, now)
    item: dict[str, Any] = {"post": post}
    if st.reblog_of is not None:  # a repost: the post is someone else's
        post["author"] = {"did": "did:plc:someoneelse", "handle": "someone.elsewhere.test"}
        post["uri"] = f"at://did:plc:someoneelse/{COLLECTION}/{st.id}"
        item["reason"] = {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": {"did": did(a), "handle": handle(a)},
            "indexedAt": post["indexedAt"],
        }
    if st.reply_to is not None:
        parent = {"$type": "app.bsky.feed.defs#postView", "uri": post["record"]["reply"]["parent"]["uri"]}
        item["reply"] = {"root": parent, "parent": parent}
    return item


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=headers)
