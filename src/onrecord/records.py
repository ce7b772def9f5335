"""Frozen records that cross layers. ORM rows never leave `store/`; these do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# built-ins; sources.registry.kinds() adds extensions
SOURCE_KINDS = ("feed", "page", "mastodon", "bluesky", "telegram")
FINDING_KINDS = (
    "new",
    "edited",
    "deleted",
    "restored",
    "republished",
    "unreachable",
    "recovered",
    "overdue",
    "expectation_met",
    "blocked",
)


@dataclass(frozen=True)
class Source:
    """One channel we poll."""

    id: int
    name: str
    url: str
    kind: str
    actor: str | None = None
    every: float = 300.0  # seconds between checks
    selector: str | None = None
    ignore: str | None = None
    paused: bool = False
    added_at: datetime | None = None
    next_check: datetime | None = None
    options: dict[str, Any] = field(default_factory=dict, compare=False)  # per-kind, see sources/


@dataclass(frozen=True)
class Validators:
    """What a conditional request sends back: the last ETag and Last-Modified seen for a URL."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Request:
    """One request as an adapter asks `fetch` for it.

    `secret` names the setting that holds a bearer token (e.g. "mastodon_token"): `fetch` reads it,
    sends `Authorization: Bearer ...`, and redacts it in what it returns, so the archived request never
    holds it in clear. `accept` sets the Accept header; `query` is appended to the URL in order.
    """

    url: str
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    accept: str | None = None
    secret: str | None = None
    validators: Validators | None = None
    robots: bool = True


@dataclass(frozen=True)
class UrlState:
    """What we remember of a URL between checks: validators, and the last payload archived for it."""

    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None  # payload digest of the last full response record
    digest_uri: str | None = None  # its WARC-Target-URI
    digest_date: str | None = None  # its WARC-Date

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass(frozen=True)
class FetchResult:
    """One HTTP exchange as `fetch` saw it. `status` is None when no answer came."""

    url: str
    final_url: str
    started_at: datetime
    elapsed: float
    outcome: str  # ok | not_modified | http_error | network_error | timeout | too_large | robots | refused
    status: int | None = None
    reason: str = ""
    request_headers: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    redirects: tuple[str, ...] = ()
    error: str | None = None
    http_version: str = "1.1"
    moved_permanently: bool = False  # every redirect hop was 301 or 308

    def header(self, name: str) -> str | None:
        low = name.lower()
        for k, v in self.headers:
            if k.lower() == low:
                return v
        return None

    @property
    def answered(self) -> bool:
        """The server gave an HTTP answer (any status)."""
        return self.status is not None


@dataclass(frozen=True)
class Capture:
    """One archived fetch: where its WARC record lies, and what came of it."""

    url: str
    at: datetime
    outcome: str
    status: int | None
    digest: str | None
    warc_file: str | None
    offset: int | None
    length: int | None
    revisit: bool = False
    error: str | None = None
    final_url: str | None = None
    id: int | None = None
    source_id: int | None = None


@dataclass(frozen=True)
class ParsedItem:
    """One item as a parser read it from a listing (feed entry) or a page."""

    key: str
    url: str
    title: str = ""
    text: str = ""
    published: datetime | None = None


@dataclass(frozen=True)
class Item:
    id: int
    source_id: int
    key: str
    url: str
    title: str
    state: str  # live | missing | deleted
    first_seen: datetime
    last_seen: datetime
    gone_count: int = 0
    gone_since: datetime | None = None
    last_checked: datetime | None = None
    current_version: int | None = None
    flaps: int = 0  # times it answered gone and then came back (flap memory)
    flapped_at: datetime | None = None


@dataclass(frozen=True)
class Version:
    id: int
    item_id: int
    seq: int
    at: datetime
    title: str
    text: str
    text_hash: str
    capture_id: int | None = None
    diff: tuple[tuple[str, str], ...] | None = None  # (op, words) with op in "=", "-", "+"


@dataclass(frozen=True)
class Finding:
    """One entry in the append-only findings log."""

    kind: str
    at: datetime
    source: str
    item: str | None
    url: str
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    source_id: int | None = None
    item_id: int | None = None
    capture_id: int | None = None  # the capture that proves it: `onrecord export`/WARC lookups start here

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "kind": self.kind,
            "source": self.source,
            "item": self.item,
            "item_id": self.item_id,
            "url": self.url,
            "capture_id": self.capture_id,
            "detail": self.detail,
        }
