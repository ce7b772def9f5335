"""Every network call onrecord makes: one client, robots.txt, per-host limits, caps, retries.

`Fetcher.get` never raises for network or HTTP trouble; it returns a `FetchResult` whose `outcome` says
what happened (see docs/fetching.md):

    ok            2xx, body read (decoded, at most `max_bytes`)
    not_modified  304
    http_error    any other status, after retries (429/503) are spent
    network_error refused/reset connection, DNS, TLS, broken body, redirect loop or too many redirects
    timeout       the request took longer than `timeout` seconds
    too_large     the decoded body passed `max_bytes`; `body` holds the first `max_bytes` bytes
    robots        robots.txt disallows the URL for our User-Agent
    refused       not an http(s) URL, or a private/loopback/... address while those are not allowed

Private addresses are refused in two places: literal IP hosts before any request, and host names in
the resolver the connector uses, so a name that resolves to a private address is refused at connect
time (no DNS lookup of our own, no rebinding window between check and connect).
"""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import json
import logging
import socket
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from protego import Protego
from pydantic import SecretStr
from yarl import URL

from onrecord.addresses import forbidden_host
from onrecord.clock import Clock, SystemClock
from onrecord.config import Settings
from onrecord.errors import SourceError
from onrecord.records import FetchResult, Request, Validators

__all__ = ["Fetcher", "json_body", "rate_limit_wait", "redact"]

log = logging.getLogger(__name__)

ACCEPT_ENCODING = "gzip, deflate"
MAX_REDIRECTS = 10
ROBOTS_MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024
ROBOTS_TTL = 3600.0  # seconds of clock time a fetched (or 4xx) robots.txt is trusted
ROBOTS_RETRY = 600.0  # after a 5xx/429/network error on robots.txt: allow, ask again this much later
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
_RETRY_STATUSES = frozenset((429, 503))
_INFLATE = frozenset(("gzip", "x-gzip", "deflate"))
_SKIP_DRAIN = 64 * 1024  # redirect bodies up to this size are read so the connection can be reused


# -- private addresses -----------------------------------------------------------------------------


def _ip_forbidden(host: str) -> bool:
    """True if `host` spells (in any form a resolver accepts) an address that is not public unicast."""
    return forbidden_host(host) is not None


class PrivateAddressRefused(OSError):
    """Raised inside the connector when a host name resolves only to forbidden addresses."""


class PublicOnlyResolver(AbstractResolver):
    """Wraps aiohttp's default resolver and drops private/loopback/link-local/reserved answers.

    The connector connects only to what this returns, so the check happens at connect time.
    """

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner if inner is not None else aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        allowed = [a for a in answers if not _ip_forbidden(a["host"])]
        if not allowed:
            found = ", ".join(sorted({a["host"] for a in answers}))
            raise PrivateAddressRefused(f"{host} resolves to a private or reserved address ({found})")
        return allowed

    async def close(self) -> None:
        await self._inner.close()


# -- body decoding ---------------------------------------------------------------------------------


class _DecodeError(Exception):
    pass


class _Inflater:
    """Incremental gzip/deflate decoder whose output per call is bounded (no gzip bombs)."""

    __slots__ = ("_done", "_gzip", "_obj")

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding != "deflate"
        self._obj: Any = None
        self._done = False

    def feed(self, data: bytes, limit: int) -> bytes:
        """Decode `data`, returning at most `limit` (>= 1) bytes; more means the caller stops."""
        if self._done:
            return b""
        try:
            if self._obj is None:
                if self._gzip:
                    wbits = 16 + zlib.MAX_WBITS
                else:  # zlib-wrapped (RFC 1950) as specified, or raw deflate as some servers send
                    wbits = zlib.MAX_WBITS if data[0] & 0x0F == 8 else -zlib.MAX_WBITS
                self._obj = zlib.decompressobj(wbits)
            out: bytes = self._obj.decompress(data, limit)
        except zlib.error as exc:
            raise _DecodeError(str(exc)) from None
        # gzip allows several members back to back; anything undecodable after the first is ignored
        while self._gzip and self._obj.eof and self._obj.unused_data and len(out) < limit:
            rest = self._obj.unused_data
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                out += self._obj.decompress(rest, limit - len(out))
            except zlib.error:
                self._done = True
                break
        return out


async def _read_body(resp: aiohttp.ClientResponse, cap: int, buf: bytearray) -> bool:
    """Stream the body into `buf`, decoded, at most `cap` bytes. True if there was more."""
    content = resp.content
    encoding = resp.headers.get("Content-Encoding", "").strip().lower()
    inflater: _Inflater | None = None
    if encoding in _INFLATE:
        inflater = _Inflater(encoding)
    elif encoding not in ("", "identity"):
        log.warning("event=unknown_encoding url=%s encoding=%s body=kept_raw", resp.url, encoding)
    while True:
        chunk = await content.readany()
        if not chunk:
            return False
        room = cap - len(buf)
        if inflater is not None:
            chunk = inflater.feed(chunk, room + 1)
        if len(chunk) > room:
            buf += chunk[:room]
            return True
        buf += chunk


# -- errors ----------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _is_private_refusal(exc: BaseException) -> PrivateAddressRefused | None:
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, PrivateAddressRefused):
            return seen
        inner = getattr(seen, "os_error", None)
        seen = inner if isinstance(inner, BaseException) else seen.__cause__
    return None


def _translate(exc: BaseException, url: URL, timeout: float) -> tuple[str, str]:
    """An aiohttp/OS exception -> (outcome, one-line message)."""
    if isinstance(exc, TimeoutError):
        return "timeout", f"timeout after {timeout:g}s fetching {url}"
    refusal = _is_private_refusal(exc)
    if refusal is not None:
        return "refused", f"refused {url}: {refusal}; set allow_private_addresses to allow it"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        what = "TLS error"
    elif isinstance(exc, aiohttp.ClientConnectorError):
        os_error = exc.os_error
        if isinstance(os_error, socket.gaierror) or type(exc).__name__ == "ClientConnectorDNSError":
            what = f"cannot resolve {exc.host}"
        else:
            what = f"cannot connect to {exc.host}:{exc.port}"
        return "network_error", _one_line(f"{what} fetching {url}: {os_error.strerror or os_error}")
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        what = "server closed the connection"
    elif isinstance(exc, aiohttp.ClientPayloadError):
        what = "response body broken off"
    elif isinstance(exc, aiohttp.ClientOSError | OSError):
        what = "connection error"
    elif isinstance(exc, aiohttp.InvalidURL):
        what = "invalid URL"
    elif isinstance(exc, aiohttp.ClientResponseError):
        what = "malformed response"
    else:
        what = type(exc).__name__
    detail = str(exc) or type(exc).__name__
    return "network_error", _one_line(f"{what} fetching {url}: {detail}")


def rate_limit_wait(headers: tuple[tuple[str, str], ...], now: datetime) -> float | None:
    """Seconds until a spent rate-limit budget resets; None when the budget is not spent (or unknown).

    Mastodon sends `X-RateLimit-Reset` as an ISO 8601 time; the IETF draft and Bluesky send
    `RateLimit-Reset` as seconds (Bluesky: epoch seconds, the draft: seconds from now)."""
    got = {k.lower(): v.strip() for k, v in headers if "ratelimit" in k.lower()}
    remaining = got.get("x-ratelimit-remaining", got.get("ratelimit-remaining"))
    reset = got.get("x-ratelimit-reset", got.get("ratelimit-reset"))
    if remaining is None or reset is None:
        return None
    try:
        if int(float(remaining)) > 0:
            return None
    except ValueError:
        return None
    try:
        seconds = float(reset)
    except ValueError:
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            return None
        return max(0.0, (when - now).total_seconds())
    if seconds > 1e9:  # epoch seconds
        return max(0.0, seconds - now.timestamp())
    return max(0.0, seconds)


def redact(result: FetchResult, secret: str) -> FetchResult:
    """The same result with the secret replaced in every request header (what the WARC keeps)."""
    mark = "[redacted]"
    sent = tuple((k, v.replace(secret, mark)) for k, v in result.request_headers)
    error = result.error.replace(secret, mark) if result.error else result.error
    return dataclasses.replace(result, request_headers=sent, error=error)


def json_body(res: FetchResult) -> Any:
    """The answer's body as JSON, or SourceError saying what came instead (HTML is named as such)."""
    body = res.body.lstrip()
    ct = (res.header("content-type") or "").lower()
    if "html" in ct or body[:15].lower().startswith((b"<!doctype", b"<html")):
        raise SourceError(f"HTML instead of JSON from {res.final_url} (HTTP {res.status})")
    try:
        return json.loads(res.body)
    except ValueError as exc:
        raise SourceError(f"malformed JSON from {res.final_url}: {exc}") from None


def _retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


# -- robots.txt ------------------------------------------------------------------------------------


_VERDICTS_MAX = 10_000


@dataclass(frozen=True, slots=True)
class _Robots:
    expires: datetime
    parser: Protego | None  # None: everything allowed
    refused: FetchResult | None = None  # robots.txt host refused as private: so is the page
    verdicts: dict[str, bool] = field(default_factory=dict)  # URL -> allowed; re-checks repeat URLs

    def allows(self, agent: str, url: str) -> bool:
        if self.parser is None:
            return True
        verdict = self.verdicts.get(url)
        if verdict is None:
            if len(self.verdicts) >= _VERDICTS_MAX:
                self.verdicts.clear()
            verdict = self.verdicts[url] = bool(self.parser.can_fetch(url, agent))
        return verdict


def _robots_parser(body: bytes) -> Protego | None:
    """RFC 9309 rules (wildcards, `$`, the longest match wins, Allow over Disallow on a tie) by protego,
    the parser Scrapy uses; the standard library's parser takes the first match and knows no wildcards."""
    text = body.decode("utf-8", errors="replace")
    if not any(line.split("#", 1)[0].strip() for line in text.splitlines()):
        return None
    return Protego.parse(text)


# -- the fetcher -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Hop:
    """One request/response of a redirect chain, before it becomes a FetchResult."""

    outcome: str
    status: int | None = None
    reason: str = ""
    request_headers: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    error: str | None = None
    http_version: str = "1.1"
    location: str | None = None
    retryable: bool = False


class Fetcher:
    """One aiohttp session shared by every request; use as `async with Fetcher(settings) as f:`."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._session: aiohttp.ClientSession | None = None
        self._resolver: AbstractResolver | None = None
        self._headers = {"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING}
        self._robots: dict[str, _Robots] = {}
        self._robots_pending: dict[str, asyncio.Task[_Robots]] = {}
        self._not_before: dict[str, datetime] = {}

    async def __aenter__(self) -> Fetcher:
        self._open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            s = self.settings
            self._resolver = None if s.allow_private_addresses else PublicOnlyResolver()
            connector = aiohttp.TCPConnector(
                limit=s.concurrency, limit_per_host=s.per_host_concurrency, resolver=self._resolver
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=s.timeout),
                auto_decompress=False,  # we inflate ourselves, bounded by max_bytes
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
                max_line_size=65536,
                max_field_size=65536,
            )
        return self._session

    async def close(self) -> None:
        pending = list(self._robots_pending.values())
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._robots_pending.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._resolver is not None:
            await self._resolver.close()
            self._resolver = None

    async def fetch(self, req: Request) -> FetchResult:
        """Send an adapter's request: query, Accept, extra headers and a bearer token read from the
        setting `req.secret` names. The token is redacted in the returned (and so archived) request
        headers; rate-limit headers in the answer slow later requests to the host down."""
        url = req.url
        if req.query:
            url = str(URL(url).update_query(list(req.query)))
        headers = dict(self._headers)
        headers.update(req.headers)
        if req.accept:
            headers["Accept"] = req.accept
        secret = None
        if req.secret:
            value = getattr(self.settings, req.secret, None)
            secret = value.get_secret_value() if isinstance(value, SecretStr) else value
            if secret:
                headers["Authorization"] = f"Bearer {secret}"
        result = await self.get(url, validators=req.validators, robots=req.robots, headers=headers)
        if secret:
            result = redact(result, secret)
        return result

    async def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        robots: bool = True,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        """Fetch `url` (following redirects, retrying 429/503/network errors); never raises for
        network or HTTP trouble."""
        started = self.clock.now()
        t0 = time.perf_counter()
        headers = headers if headers is not None else self._headers
        if validators is not None and (validators.etag or validators.last_modified):
            headers = dict(headers)
            if validators.etag:
                headers["If-None-Match"] = validators.etag
            if validators.last_modified:
                headers["If-Modified-Since"] = validators.last_modified
        check_robots = robots and self.settings.obey_robots
        attempt = 0
        while True:
            result, retryable = await self._follow(
                url, headers, check_robots, started, t0, self.settings.max_bytes, MAX_REDIRECTS
            )
            if not retryable or attempt >= self.settings.retries:
                return result
            delay = self._retry_delay(result, attempt)
            if delay is None:
                return result
            attempt += 1
            log.info(
                "event=retry url=%s outcome=%s status=%s attempt=%d wait=%.1fs",
                result.final_url,
                result.outcome,
                result.status,
                attempt,
                delay,
            )
            await self.clock.sleep(delay)

    def _retry_delay(self, result: FetchResult, attempt: int) -> float | None:
        """Seconds to wait before the next attempt; None to give up now."""
        backoff = min(BACKOFF_MAX, BACKOFF_FIRST * 2.0**attempt)
        if result.status not in _RETRY_STATUSES or result.outcome != "http_error":
            return backoff
        asked = _retry_after(result.header("Retry-After"), self.clock.now())
        if asked is not None and asked > self.settings.max_retry_after:
            log.info("event=give_up url=%s status=%s retry_after=%.0fs", result.final_url, result.status, asked)
            return None
        return backoff if asked is None else float(asked)

    def _hold_host(self, key: str, seconds: float) -> None:
        """Nobody asks `key` (host:port) again before `seconds` from now."""
        until = self.clock.now() + timedelta(seconds=seconds)
        current = self._not_before.get(key)
        if current is None or until > current:
            self._not_before[key] = until

    async def _wait_for_host(self, key: str) -> None:
        until = self._not_before.get(key)
        if until is None:
            return
        wait = (until - self.clock.now()).total_seconds()
        if wait <= 0:
            self._not_before.pop(key, None)
            return
        await self.clock.sleep(min(wait, self.settings.max_retry_after))

    async def _follow(
        self,
        url: str,
        headers: dict[str, str],
        check_robots: bool,
        started: datetime,
        t0: float,
        cap: int,
        max_redirects: int,
    ) -> tuple[FetchResult, bool]:
        """One attempt: request `url`, following redirects. Returns (result, worth retrying)."""
        session = self._session if self._session is not None else self._open()
        timeout = self.settings.timeout
        deadline = time.perf_counter() + timeout
        redirects: list[str] = []
        permanent = [True]
        seen: set[str] = set()
        current = url

        def done(hop: _Hop, at: str) -> tuple[FetchResult, bool]:
            result = FetchResult(
                url=url,
                final_url=at,
                started_at=started,
                elapsed=time.perf_counter() - t0,
                outcome=hop.outcome,
                status=hop.status,
                reason=hop.reason,
                request_headers=hop.request_headers,
                headers=hop.headers,
                body=hop.body,
                redirects=tuple(redirects),
                error=hop.error,
                http_version=hop.http_version,
                moved_permanently=bool(redirects) and permanent[0],
            )
            return result, hop.retryable

        while True:
            try:
                target = URL(current)
            except (TypeError, ValueError) as exc:
                return done(_Hop("refused", error=_one_line(f"refused {current}: bad URL ({exc})")), current)
            host = target.raw_host
            if target.scheme not in ("http", "https") or not host:
                msg = f"refused {current}: only http and https URLs are fetched"
                return done(_Hop("refused", error=msg), current)
            if not self.settings.allow_private_addresses and _ip_forbidden(host):
                msg = (
                    f"refused {current}: {host} is a private or reserved address; "
                    "set allow_private_addresses to allow it"
                )
                return done(_Hop("refused", error=msg), current)
            if check_robots:
                entry = await self._robots_for(target)
                if entry.refused is not None:
                    return done(_Hop("refused", error=entry.refused.error), current)
                if not entry.allows(self.settings.user_agent, current):
                    msg = f"robots.txt of {host} disallows {current}"
                    return done(_Hop("robots", error=msg), current)
            key = f"{host}:{target.port}"
            await self._wait_for_host(key)
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return done(_Hop("timeout", error=f"timeout after {timeout:g}s fetching {current}"), current)
            hop = await self._exchange(session, target, headers, None if not redirects else remaining, cap)
            if hop.status in _RETRY_STATUSES and hop.outcome == "http_error":
                self._note_overload(key, hop)
            self._note_rate_limit(key, hop)
            if hop.location is None:
                return done(hop, current)
            try:
                nxt = str(target.join(URL(hop.location)))
            except (TypeError, ValueError) as exc:
                hop.outcome, hop.error = "network_error", _one_line(f"bad redirect from {current}: {exc}")
                return done(hop, current)
            seen.add(current)
            if nxt in seen:
                hop.outcome, hop.error = "network_error", f"redirect loop at {nxt}"
                return done(hop, current)
            if len(redirects) >= max_redirects:
                hop.outcome = "network_error"
                hop.error = f"too many redirects (more than {max_redirects}) starting at {url}"
                return done(hop, current)
            if "Authorization" in headers and URL(nxt).raw_host != host:
                headers = {k: v for k, v in headers.items() if k != "Authorization"}  # a token stays home
            redirects.append(current)
            if hop.status not in (301, 308):
                permanent[0] = False
            current = nxt

    def _note_rate_limit(self, key: str, hop: _Hop) -> None:
        """A service's rate-limit headers (Mastodon `X-RateLimit-*`, Bluesky/IETF `RateLimit-*`): when
        the budget is spent, nobody asks the host again before its reset (at most max_retry_after
        within one check); the run slows down, it never fails."""
        wait = rate_limit_wait(hop.headers, self.clock.now())
        if wait is not None and wait > 0:
            log.info("event=rate_limited host=%s wait=%.1fs", key, wait)
            self._hold_host(key, min(wait, self.settings.max_retry_after))

    def _note_overload(self, key: str, hop: _Hop) -> None:
        value = next((v for k, v in hop.headers if k.lower() == "retry-after"), None)
        asked = _retry_after(value, self.clock.now())
        if asked is not None and asked <= self.settings.max_retry_after:
            self._hold_host(key, asked)
        elif asked is None:
            self._hold_host(key, BACKOFF_FIRST)

    async def _exchange(
        self,
        session: aiohttp.ClientSession,
        url: URL,
        headers: dict[str, str],
        timeout: float | None,
        cap: int,
    ) -> _Hop:
        """One GET without following redirects; errors become outcomes."""
        resp: aiohttp.ClientResponse | None = None
        buf = bytearray()
        complete = False
        try:
            if timeout is None:
                resp = await session.get(url, headers=headers, allow_redirects=False)
            else:
                resp = await session.get(
                    url, headers=headers, allow_redirects=False, timeout=aiohttp.ClientTimeout(total=timeout)
                )
            status = resp.status
            hop = _Hop(
                "ok",
                status=status,
                reason=resp.reason or "",
                request_headers=tuple(resp.request_info.headers.items()),
                headers=tuple(resp.headers.items()),
                http_version=f"{resp.version.major}.{resp.version.minor}" if resp.version else "1.1",
            )
            if status in _REDIRECTS and (location := resp.headers.get("Location")):
                hop.location = location
                hop.outcome = "http_error"
                length = resp.content_length
                if length is not None and length <= _SKIP_DRAIN:
                    await resp.read()
                    complete = True
                return hop
            too_large = await _read_body(resp, cap, buf)
            complete = not too_large
            hop.body = bytes(buf)
            if too_large:
                hop.outcome = "too_large"
                hop.error = f"response larger than {cap} bytes, cut"
            elif 200 <= status < 300:
                hop.outcome = "ok"
            elif status == 304:
                hop.outcome = "not_modified"
            else:
                hop.outcome = "http_error"
                hop.error = _one_line(f"HTTP {status} {resp.reason or ''} from {url}")
                hop.retryable = status in _RETRY_STATUSES
            return hop
        except _DecodeError as exc:
            assert resp is not None
            enc = resp.headers.get("Content-Encoding", "")
            message = f"cannot decode {enc} body from {url}: {exc}"
            return self._failed(resp, url, headers, buf, "network_error", message)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            outcome, message = _translate(exc, url, self.settings.timeout)
            hop = self._failed(resp, url, headers, buf, outcome, message)
            hop.retryable = outcome in ("network_error", "timeout")
            return hop
        finally:
            if resp is not None:
                if complete:
                    resp.release()
                else:
                    resp.close()

    @staticmethod
    def _failed(
        resp: aiohttp.ClientResponse | None,
        url: URL,
        headers: dict[str, str],
        buf: bytearray,
        outcome: str,
        message: str,
    ) -> _Hop:
        """A hop that broke; keeps what had arrived (status, headers, partial body)."""
        log.debug("event=fetch_failed url=%s outcome=%s error=%r", url, outcome, message)
        if resp is None:
            sent = (("Host", url.host_port_subcomponent or url.raw_host or ""), *headers.items())
            return _Hop(outcome, request_headers=sent, error=_one_line(message))
        return _Hop(
            outcome,
            status=resp.status,
            reason=resp.reason or "",
            request_headers=tuple(resp.request_info.headers.items()),
            headers=tuple(resp.headers.items()),
            body=bytes(buf),
            error=_one_line(message),
        )

    # -- robots.txt --------------------------------------------------------------------------------

    async def _robots_for(self, url: URL) -> _Robots:
        origin = f"{url.scheme}://{url.raw_host}:{url.port}"
        entry = self._robots.get(origin)
        if entry is not None and entry.expires > self.clock.now():
            return entry
        task = self._robots_pending.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load_robots(origin, url))
            self._robots_pending[origin] = task
            task.add_done_callback(lambda _t: self._robots_pending.pop(origin, None))
        return await asyncio.shield(task)

    async def _load_robots(self, origin: str, url: URL) -> _Robots:
        robots_url = str(url.with_path("/robots.txt", encoded=True).with_query(None).with_fragment(None))
        started = self.clock.now()
        result, _ = await self._follow(
            robots_url,
            self._headers,
            False,
            started,
            time.perf_counter(),
            min(self.settings.max_bytes, ROBOTS_MAX_BYTES),
            ROBOTS_MAX_REDIRECTS,
        )
        now = self.clock.now()
        ttl = ROBOTS_TTL
        parser: Protego | None = None
        refused: FetchResult | None = None
        status = result.status or 0
        if result.outcome in ("ok", "too_large") and 200 <= status < 300:
            parser = _robots_parser(result.body)
        elif result.outcome == "refused":
            refused = result
        elif result.outcome == "http_error" and 400 <= status < 500 and status != 429:
            pass  # no robots.txt: everything allowed
        else:  # 5xx, 429, network trouble: allow for now, ask again soon
            ttl = ROBOTS_RETRY
            log.info("event=robots_unavailable url=%s outcome=%s status=%s", robots_url, result.outcome, status)
        entry = _Robots(expires=now + timedelta(seconds=ttl), parser=parser, refused=refused)
        if refused is None:
            self._robots[origin] = entry
        log.debug(
            "event=robots url=%s outcome=%s status=%s rules=%s",
            robots_url,
            result.outcome,
            status,
            parser is not None,
        )
        return entry
