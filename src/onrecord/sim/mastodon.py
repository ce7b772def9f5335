"""A Mastodon-compatible server on 127.0.0.1, one port per host, playing a scripted social world.

Real paths, fields, status codes, pagination and rate-limit headers (SOURCE.md section 3):
`/api/v1/accounts/lookup?acct=`, `/api/v1/accounts/:id`, `/api/v1/accounts/:id/statuses` (newest
first, `limit` <= 40, `max_id`/`since_id`/`min_id`, `exclude_replies`/`exclude_reblogs`, a `Link`
header with `rel="next"` only when the page is full and `rel="prev"` when it is not empty),
`/api/v1/statuses/:id` (404 `{"error":"Record not found"}` once deleted), `/api/v1/statuses/:id/history`
(oldest first, original included). Every API answer carries `X-RateLimit-Limit/Remaining/Reset`
(ISO 8601 with microseconds); over the budget: 429 JSON. Ids are snowflakes, `(unix_ms << 16) | seq`.

Faults, per host and time window: `outage` (503 JSON), `ratelimit` (429 with Remaining 0), `challenge`
(403 HTML "Just a moment..." with `cdn-cgi/challenge-platform`, as Cloudflare answers), and per account
`suspend` (lookup answers `"suspended": true`, statuses `[]`, each status 404).

The script (a TOML file, `scenarios/social.toml`) holds the ground truth too: `expected()` says which
findings a correct watcher makes, and when.
"""

from __future__ import annotations

import html
import json
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from onrecord.clock import Clock
from onrecord.errors import ConfigError
from onrecord.sim import bluesky, telegram
from onrecord.sim.scenario import Expected

_FAULTS = ("outage", "ratelimit", "challenge", "malformed")
RATE_LIMIT = 300
RATE_WINDOW = 300.0  # seconds
_NOT_FOUND = {"error": "Record not found"}
_CHALLENGE_HTML = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>'
    "<p>Checking if the site connection is secure</p></body></html>"
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountSpec(_Model):
    host: str
    name: str
    service: Literal["mastodon", "bluesky", "telegram"] = "mastodon"
    actor: str | None = None
    every: float = 300.0
    options: dict[str, str] = Field(default_factory=dict)


class EventSpec(_Model):
    at: float  # seconds after start
    do: Literal[
        "post", "edit", "delete", "repost", "boost", "reply", "outage", "ratelimit", "challenge", "malformed", "suspend"
    ]
    account: str | None = None  # host/name
    host: str | None = None
    id: str | None = None  # the script's name for a status
    of: str | None = None  # what an edit, delete, repost or reply refers to
    text: str = ""
    until: float | None = None  # end of a fault window
    count: int = Field(1, ge=1, le=500)  # a post event: this many posts, one second apart ("ID-N", "TEXT #N")
    within: float | None = None  # seconds a correct watcher may take (default: two polls; deletions more)
    optional: bool = False  # a change no watcher can see (t.me keeps no edit history): tolerated, not required


class SocialScenario(_Model):
    name: str
    start: datetime
    duration: float
    deletion_gap: float = 300.0
    unreachable_after: int = 2
    accounts: list[AccountSpec]
    events: list[EventSpec]

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration)

    def time(self, offset: float) -> datetime:
        return self.start + timedelta(seconds=offset)


def load_social(path: Path | str) -> SocialScenario:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return SocialScenario.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"social scenario {path}: {' '.join(str(exc).split())[:300]}") from None


SOCIAL_NAMES = ("social", "telegram")


def builtin_social(name: str = "social") -> Path:
    return Path(__file__).parent / f"{name}.toml"


def snowflake(at: datetime, seq: int) -> str:
    return str((int(at.timestamp() * 1000) << 16) | (seq & 0xFFFF))


@dataclass
class _Status:
    id: str
    account: str
    created: datetime
    revisions: list[tuple[datetime, str]]  # (at, html content), oldest first
    deleted_at: datetime | None = None
    reblog_of: str | None = None
    reply_to: str | None = None

    def at(self, t: datetime) -> tuple[datetime, str, datetime | None] | None:
        """(created, content, edited_at) as seen at `t`, or None when not (yet, or any more) there."""
        if t < self.created or (self.deleted_at is not None and t >= self.deleted_at):
            return None
        revs = [r for r in self.revisions if r[0] <= t]
        edited = revs[-1][0] if len(revs) > 1 else None
        return self.created, revs[-1][1], edited


@dataclass
class _Account:
    id: str
    host: str
    name: str
    service: str = "mastodon"
    suspended_at: datetime | None = None
    statuses: list[_Status] = field(default_factory=list)


class MastodonSim:
    """Serve `scenario` at `clock.now()`: one aiohttp app per host, on port 0."""

    def __init__(self, scenario: SocialScenario, clock: Clock, *, host: str = "127.0.0.1") -> None:
        self.scenario = scenario
        self.clock = clock
        self.bind = host
        self.ports: dict[str, int] = {}
        self.requests = 0
        self.auth_seen: set[str] = set()  # Authorization headers received (tests check a token arrives)
        self._runners: list[web.AppRunner] = []
        self._budget: dict[str, tuple[datetime, int]] = {}
        self.accounts: dict[str, _Account] = {}
        self.by_script: dict[str, _Status] = {}
        self._build()

    # -- the world --------------------------------------------------------------------------------
    def _build(self) -> None:
        sc = self.scenario
        for n, a in enumerate(sc.accounts):
            key = f"{a.host}/{a.name}"
            self.accounts[key] = _Account(str(100000 + n), a.host, a.name, a.service)
        for seq, ev in enumerate(sorted(sc.events, key=lambda e: e.at), start=1):
            t = sc.time(ev.at)
            if ev.do in ("post", "repost", "boost", "reply"):
                acct = self._account(ev.account)
                for n, (name, text) in enumerate(_copies(ev)):
                    when = t + timedelta(seconds=n)
                    st = _Status(snowflake(when, seq), acct.name, when, [(when, _html(text))])
                    if ev.do == "boost":
                        st.reblog_of = ev.of
                    if ev.do == "reply":
                        st.reply_to = self.by_script[ev.of or ""].id
                    acct.statuses.append(st)
                    self.by_script[name or st.id] = st
            elif ev.do == "edit":
                self.by_script[ev.of or ""].revisions.append((t, _html(ev.text)))
            elif ev.do == "delete":
                self.by_script[ev.of or ""].deleted_at = t
            elif ev.do == "suspend":
                self._account(ev.account).suspended_at = t

    def _account(self, ref: str | None) -> _Account:
        if ref not in self.accounts:
            raise ConfigError(f"social scenario {self.scenario.name}: no account {ref!r}")
        return self.accounts[ref]

    def next_change_after(self, t: datetime) -> datetime | None:
        times = []
        for ev in self.scenario.events:
            for off in (ev.at, ev.until):
                if off is not None and (when := self.scenario.time(off)) > t:
                    times.append(when)
        return min(times, default=None)

    def _fault(self, host: str, t: datetime) -> str | None:
        for ev in self.scenario.events:
            if (
                ev.do in _FAULTS
                and ev.host == host
                and self.scenario.time(ev.at) <= t < self.scenario.time(ev.until or self.scenario.duration)
            ):
                return ev.do
        return None

    # -- what callers use ---------------------------------------------------------------------------
    def base(self, host: str) -> str:
        return f"http://{self.bind}:{self.ports[host]}"

    def url(self, account: str) -> str:
        a = self.accounts[account]
        if a.service == "bluesky":
            return f"{self.base(a.host)}/profile/{bluesky.handle(a)}"
        if a.service == "telegram":
            return f"{self.base(a.host)}/s/{a.name}"
        return f"{self.base(a.host)}/@{a.name}"

    def status_url(self, st: _Status) -> str:
        a = next(x for x in self.accounts.values() if x.name == st.account)
        if a.service == "bluesky":
            return f"{self.base(a.host)}/profile/{bluesky.did(a)}/post/{st.id}"
        if a.service == "telegram":
            return f"{self.base(a.host)}/{a.name}/{st.id}"
        return f"{self.base(a.host)}/@{a.name}/{st.id}"

    def source_urls(self) -> list[dict[str, Any]]:
        return [
            {
                "url": self.url(f"{a.host}/{a.name}"),
                "kind": a.service,
                "name": f"{a.host}-{a.name}",
                "actor": a.actor,
                "every": a.every,
                "selector": None,
                "ignore": None,
                "options": {**a.options, "plc": self.base(a.host)} if a.service == "bluesky" else a.options,
                "site": a.host,
                "add_at": self.scenario.start,
            }
            for a in self.scenario.accounts
        ]

    def expected(self) -> list[Expected]:
        """What a correct watcher reports. Windows: a poll interval plus slack for each step it needs."""
        sc = self.scenario
        every = {f"{a.host}/{a.name}": a.every for a in sc.accounts}
        kept = {f"{a.host}/{a.name}": a.options for a in sc.accounts}
        out: list[Expected] = []
        texts: dict[str, str] = {}
        for ev in sorted(sc.events, key=lambda e: e.at):
            t = sc.time(ev.at)
            if ev.do == "malformed":
                continue  # one clear error for the source, nothing to find
            if ev.do in _FAULTS:
                host_every = max(every[k] for k in every if k.startswith(f"{ev.host}/"))
                end = sc.time(ev.until or sc.duration)
                urls = [self.url(k) for k in every if k.startswith(f"{ev.host}/")]
                for u in urls:
                    if ev.do == "outage":
                        out.append(Expected("unreachable", u, t, "outage", until=end + timedelta(seconds=host_every)))
                        out.append(
                            Expected("recovered", u, end, "outage over", until=end + timedelta(seconds=2 * host_every))
                        )
                    elif ev.do == "challenge":
                        out.append(
                            Expected("blocked", u, t, "challenge page", until=end + timedelta(seconds=host_every))
                        )
                        out.append(Expected("recovered", u, end, "challenge over", optional=True))
                    else:  # a rate limit slows the watcher down; an outage finding is tolerated, nothing else
                        out.append(Expected("unreachable", u, t, "rate limited", optional=True))
                        out.append(Expected("recovered", u, t, "rate limited", optional=True))
                continue
            if ev.do == "suspend":
                e = every[ev.account or ""]
                out.append(
                    Expected(
                        "unreachable", self.url(ev.account or ""), t, "suspended", until=t + timedelta(seconds=2 * e)
                    )
                )
                continue
            acct = ev.account or ""
            opts = kept.get(acct, {})
            e = every.get(acct, 300.0)
            if ev.do in ("edit", "delete"):
                st = self.by_script[ev.of or ""]
                acct = next(k for k, a in self.accounts.items() if a.name == st.account)
                e = every[acct]
                if ev.do == "edit":
                    until = t + timedelta(seconds=ev.within or 2 * e)
                    out.append(
                        Expected("edited", self.status_url(st), t, f"{ev.of} edited", ev.optional, until=until)
                    )
                else:
                    late = ev.within or sc.deletion_gap + 3 * e
                    out.append(
                        Expected(
                            "deleted", self.status_url(st), t, f"{ev.of} deleted", until=t + timedelta(seconds=late)
                        )
                    )
                continue
            if ev.do == "boost" and "true" not in (opts.get("boosts"), opts.get("reposts")):
                continue
            if ev.do == "reply" and opts.get("replies", "false") != "true":
                continue
            for n, (name, text) in enumerate(_copies(ev)):
                st = self.by_script[name]
                when = t + timedelta(seconds=n)
                until = when + timedelta(seconds=ev.within or 2 * e)
                out.append(Expected("new", self.status_url(st), when, f"{name} posted", until=until))
                if ev.do == "repost" or (text and text in texts.values() and ev.do == "post"):
                    out.append(
                        Expected("republished", self.status_url(st), when, f"{name} re-posts {ev.of}", until=until)
                    )
                if text:
                    texts[name] = text
        return out

    # -- lifecycle ----------------------------------------------------------------------------------
    async def __aenter__(self) -> MastodonSim:
        for host in sorted({a.host for a in self.scenario.accounts}):
            app = web.Application()
            app.router.add_route("GET", "/{tail:.*}", self._handler(host))
            runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
            await runner.setup()
            site = web.TCPSite(runner, self.bind, 0)
            await site.start()
            self._runners.append(runner)
            self.ports[host] = runner.addresses[-1][1]
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    # -- serving ------------------------------------------------------------------------------------
    def _handler(self, host: str) -> Any:
        async def handle(request: web.Request) -> web.StreamResponse:
            self.requests += 1
            if "Authorization" in request.headers:
                self.auth_seen.add(request.headers["Authorization"])
            now = self.clock.now()
            path = request.path
            if path == "/robots.txt":
                return web.Response(text="User-agent: *\nDisallow: /media_proxy/\n", content_type="text/plain")
            fault = self._fault(host, now)
            if fault == "challenge":
                return web.Response(
                    status=403, text=_CHALLENGE_HTML, content_type="text/html", headers={"cf-mitigated": "challenge"}
                )
            if any(a.host == host and a.service == "telegram" for a in self.accounts.values()):
                return telegram.route(self, host, request, now, fault)
            xrpc = path.startswith(("/xrpc/", "/did:"))
            if fault == "outage":
                if xrpc:
                    return bluesky.error("NotEnoughResources", "Service unavailable", 503)
                return _json({"error": "There was a temporary problem serving your request, please try again"}, 503)
            if fault == "malformed" and (path.endswith("/statuses") or path.endswith("getAuthorFeed")):
                return web.Response(text='[{"id": "1", "content": "<p>cut', content_type="application/json")
            limit = self._rate(host, now, spent=fault == "ratelimit", atproto=xrpc)
            if limit.pop("over", "") or fault == "ratelimit":
                if xrpc:
                    return bluesky.error("RateLimitExceeded", "Rate Limit Exceeded", 429, limit)
                return _json({"error": "Too many requests"}, 429, limit)
            if xrpc:
                return bluesky.route(self, host, request, now, limit)
            return self._route(host, request, now, limit)

        return handle

    def _rate(self, host: str, now: datetime, *, spent: bool, atproto: bool = False) -> dict[str, str]:
        start, used = self._budget.get(host, (now, 0))
        if (now - start).total_seconds() >= RATE_WINDOW:
            start, used = now, 0
        used += 1
        self._budget[host] = (start, used)
        reset = start + timedelta(seconds=RATE_WINDOW)
        remaining = 0 if spent else max(0, RATE_LIMIT - used)
        out = (
            bluesky.rate_headers(RATE_LIMIT, remaining, reset, RATE_WINDOW)
            if atproto
            else {
                "X-RateLimit-Limit": str(RATE_LIMIT),
                "X-RateLimit-Remaining": str(remaining),
                "X-RateLimit-Reset": reset.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
        )
        if used > RATE_LIMIT:
            out["over"] = "1"
        return out

    def _route(self, host: str, request: web.Request, now: datetime, limit: dict[str, str]) -> web.Response:
        parts = [p for p in request.path.split("/") if p]
        accounts = {a.name: a for a in self.accounts.values() if a.host == host}
        by_id = {a.id: a for a in accounts.values()}
        q = request.query
        if parts[:3] == ["api", "v1", "accounts"] and len(parts) == 4 and parts[3] == "lookup":
            acct = q.get("acct", "").split("@")[0]
            a = accounts.get(acct)
            return _json(self._account_json(a, now), 200, limit) if a else _json(_NOT_FOUND, 404, limit)
        if parts[:3] == ["api", "v1", "accounts"] and len(parts) >= 4:
            a = by_id.get(parts[3])
            if a is None:
                return _json(_NOT_FOUND, 404, limit)
            if len(parts) == 4:
                return _json(self._account_json(a, now), 200, limit)
            if len(parts) == 5 and parts[4] == "statuses":
                return self._statuses(a, request, now, limit)
        if parts[:3] == ["api", "v1", "statuses"] and len(parts) in (4, 5):
            st = next((s for a in accounts.values() for s in a.statuses if s.id == parts[3]), None)
            a = accounts.get(st.account) if st else None
            seen = st.at(now) if st else None
            if st is None or a is None or seen is None or _suspended(a, now):
                return _json(_NOT_FOUND, 404, limit)
            if len(parts) == 5 and parts[4] == "history":
                revs = [r for r in st.revisions if r[0] <= now]
                body = [
                    {
                        "content": c,
                        "spoiler_text": "",
                        "sensitive": False,
                        "created_at": _iso(t),
                        "account": self._account_json(a, now),
                        "media_attachments": [],
                        "emojis": [],
                    }
                    for t, c in revs
                ]
                return _json(body, 200, limit)
            if len(parts) == 4:
                return _json(self._status_json(a, st, now), 200, limit)
        if len(parts) == 1 and parts[0].startswith("@") and parts[0][1:] in accounts:
            return web.Response(
                text=f"<html><body><h1>@{html.escape(parts[0][1:])}</h1></body></html>", content_type="text/html"
            )
        return _json({"error": "Not found"}, 404, limit)

    def _statuses(self, a: _Account, request: web.Request, now: datetime, limit: dict[str, str]) -> web.Response:
        q = request.query
        if _suspended(a, now):
            return _json([], 200, limit)
        try:
            n = max(1, min(40, int(q.get("limit", "20"))))
        except ValueError:
            return _json({"error": "limit is not a number"}, 422, limit)
        rows = [s for s in a.statuses if s.at(now) is not None]
        if q.get("exclude_replies") == "true":
            rows = [s for s in rows if s.reply_to is None]
        if q.get("exclude_reblogs") == "true":
            rows = [s for s in rows if s.reblog_of is None]
        rows.sort(key=lambda s: int(s.id), reverse=True)
        if "max_id" in q:
            rows = [s for s in rows if int(s.id) < int(q["max_id"])]
        if "since_id" in q:
            rows = [s for s in rows if int(s.id) > int(q["since_id"])]
        if "min_id" in q:
            rows = sorted((s for s in rows if int(s.id) > int(q["min_id"])), key=lambda s: int(s.id))[:n]
            rows.reverse()
        page = rows[:n]
        headers = dict(limit)
        links = []
        keep = [(k, v) for k, v in q.items() if k not in ("max_id", "since_id", "min_id", "limit")]
        base = f"{self.base(a.host)}/api/v1/accounts/{a.id}/statuses"

        def link(key: str, value: str) -> str:
            query = "&".join(f"{k}={v}" for k, v in [("limit", str(n)), *keep, (key, value)])
            return f"{base}?{query}"

        if len(page) == n:
            links.append(f'<{link("max_id", page[-1].id)}>; rel="next"')
        if page:
            links.append(f'<{link("min_id", page[0].id)}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        return _json([self._status_json(a, s, now) for s in page], 200, headers)

    def _account_json(self, a: _Account, now: datetime) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": a.id,
            "username": a.name,
            "acct": a.name,
            "display_name": a.name.title(),
            "url": f"{self.base(a.host)}/@{a.name}",
            "statuses_count": sum(1 for s in a.statuses if s.at(now) is not None),
        }
        if _suspended(a, now):
            out["suspended"] = True
        return out

    def _status_json(self, a: _Account, st: _Status, now: datetime) -> dict[str, Any]:
        seen = st.at(now)
        assert seen is not None
        created, content, edited = seen
        reblog = None
        if st.reblog_of is not None:  # a boost of another server's status (its text is the event's)
            reblog = {
                "id": snowflake(created, 0xFFFF),
                "url": f"https://elsewhere.example/@someone/{st.reblog_of}",
                "content": content,
                "spoiler_text": "",
                "account": {"acct": "someone@elsewhere.example"},
            }
        return {
            "id": st.id,
            "uri": f"{self.base(a.host)}/users/{a.name}/statuses/{st.id}",
            "url": f"{self.base(a.host)}/@{a.name}/{st.id}",
            "created_at": _iso(created),
            "edited_at": _iso(edited) if edited else None,
            "content": "" if reblog else content,
            "spoiler_text": "",
            "sensitive": False,
            "visibility": "public",
            "language": "en",
            "in_reply_to_id": st.reply_to,
            "in_reply_to_account_id": a.id if st.reply_to else None,
            "reblog": reblog,
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "poll": None,
            "card": None,
            "account": self._account_json(a, now),
            "replies_count": 0,
            "reblogs_count": int(now.timestamp()) % 97,  # volatile counters, never an edit
            "favourites_count": int(now.timestamp()) % 89,
        }


def _copies(ev: EventSpec) -> list[tuple[str, str]]:
    """(script name, text) of each status a post event makes: itself, or `count` numbered ones (keep
    such a text under five words: short formulas are never taken for re-publications)."""
    if ev.count == 1:
        return [(ev.id or "", ev.text)]
    return [(f"{ev.id}-{n}", f"{ev.text} #{n}") for n in range(1, ev.count + 1)]


def _suspended(a: _Account, now: datetime) -> bool:
    return a.suspended_at is not None and now >= a.suspended_at


def _html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=headers)
