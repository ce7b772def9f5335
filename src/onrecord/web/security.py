"""Access rules for `onrecord serve`: Host header check, the access token and CSRF tokens for forms."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

__all__ = ["Guard", "is_loopback"]

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """Checks every request: the Host header names this server (stops DNS rebinding), and when a
    token is set, the request carries it (header `Authorization: Bearer`, cookie or `?token=`)."""

    COOKIE = "onrecord_token"

    def __init__(self, bind_host: str, token: str | None) -> None:
        self.hosts = set(LOOPBACK_NAMES) | {bind_host.lower()}
        self.token = token or None
        self._secret = secrets.token_bytes(32)

    def host_ok(self, request: Request) -> bool:
        host = request.headers.get("host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in self.hosts

    def token_ok(self, request: Request) -> bool:
        if self.token is None:
            return True
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        given = given or request.cookies.get(self.COOKIE, "") or request.query_params.get("token", "")
        return hmac.compare_digest(given.encode(), self.token.encode())

    def csrf(self) -> str:
        """The token every form carries; POSTs from another site cannot know it."""
        return hmac.new(self._secret, b"onrecord-form", hashlib.sha256).hexdigest()

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.csrf())

    async def __call__(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if not self.host_ok(request):
            return PlainTextResponse("unknown Host header", status_code=400)
        if not self.token_ok(request):
            return PlainTextResponse("a token is required (setting web_token)", status_code=401)
        response = await call_next(request)
        if self.token is not None and request.query_params.get("token"):
            response.set_cookie(self.COOKIE, self.token, httponly=True, samesite="strict")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response
