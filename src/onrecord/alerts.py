"""Alerts: read the findings log as an outbox, send what each rule asks for through Apprise.

A rule picks findings by kind, source, actor and keyword, and sends each one at once
(`immediate`) or a list of them every so often (`digest`). Each rule keeps its own place in the
log (see `onrecord.store.alerts`), so a finding is alerted at most once per rule, across restarts
too; a failed delivery is tried again later with growing waits, and its error is kept on the rule.

Notification URLs hold secrets (tokens, passwords): they are shown masked, left out of logs,
errors and exports. Apprise's own log lines are captured while it sends, cleaned of every part of
the URLs, and kept as the rule's last error.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from onrecord.clock import Clock, SystemClock
from onrecord.errors import AlertError
from onrecord.records import FINDING_KINDS

if TYPE_CHECKING:
    from onrecord.store import Store
    from onrecord.store.alerts import AlertFinding, RuleRow

__all__ = ["AlertRule", "Alerts", "Delivery", "mask_url"]

log = logging.getLogger(__name__)

MODES = ("immediate", "digest")
BATCH = 500  # findings read from the log at a time
DIGEST_LISTED = 50  # findings listed in one digest; the rest are counted
RETRY_FIRST = 30.0  # seconds before the first retry; doubled after each failure
RETRY_MAX = 3600.0
STALE_CLAIM = timedelta(minutes=10)  # a claim older than this was left by a stop
TEXT_CHARS = 400  # characters of the statement's text in a notification

_send_lock = threading.Lock()


def mask_url(url: str) -> str:
    """`scheme://***`: enough to tell a mail rule from a webhook, nothing that opens it."""
    scheme = url.split("://", 1)[0] if "://" in url else "?"
    return f"{scheme}://***"


def secret_parts(urls: Sequence[str]) -> list[str]:
    """Every piece of the URLs that could be a secret, longest first (for redaction)."""
    parts: set[str] = set()
    for url in urls:
        parts.add(url)
        try:
            u = urlsplit(url)
        except ValueError:
            continue
        for p in (u.username, u.password, u.netloc.rsplit("@", 1)[0] if "@" in u.netloc else None, u.path, u.query):
            if p:
                parts.update({p, unquote(p)})
        for seg in re.split(r"[/:@?&=#,]", url.split("://", 1)[-1]):
            if len(seg) >= 6:
                parts.update({seg, unquote(seg)})
        for _k, v in parse_qsl(u.query):
            if v:
                parts.add(v)
    hosts = set()
    for url in urls:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if host:
            hosts.add(host)
    # Host names and ports stay readable ("cannot connect to 127.0.0.1:2525"): they are no secret.
    return sorted((p for p in parts if len(p) >= 4 and p not in hosts), key=len, reverse=True)


def redact(text: str, urls: Sequence[str]) -> str:
    for p in secret_parts(urls):
        text = text.replace(p, "***")
    return text


@dataclass(frozen=True)
class AlertRule:
    """A rule as users see it: the notification URLs only masked (the secrets stay in the store)."""

    id: int
    name: str
    targets: tuple[str, ...]  # masked URLs
    kinds: tuple[str, ...]
    sources: tuple[str, ...]
    actors: tuple[str, ...]
    keywords: tuple[str, ...]
    mode: str
    digest_every: float | None
    cursor: int
    created_at: datetime
    last_sent_at: datetime | None
    sent_count: int
    fail_count: int
    last_error: str | None
    last_error_at: datetime | None
    retry_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        def t(v: datetime | None) -> str | None:
            return v.isoformat() if v else None

        return {
            "name": self.name,
            "targets": list(self.targets),
            "mode": self.mode,
            "digest_every": self.digest_every,
            "kinds": list(self.kinds),
            "sources": list(self.sources),
            "actors": list(self.actors),
            "keywords": list(self.keywords),
            "cursor": self.cursor,
            "created_at": t(self.created_at),
            "last_sent_at": t(self.last_sent_at),
            "sent_count": self.sent_count,
            "fail_count": self.fail_count,
            "last_error": self.last_error,
            "last_error_at": t(self.last_error_at),
            "retry_at": t(self.retry_at),
        }


def _public(r: RuleRow) -> AlertRule:
    return AlertRule(
        id=r.id,
        name=r.name,
        targets=tuple(mask_url(u) for u in r.urls),
        kinds=r.kinds,
        sources=r.sources,
        actors=r.actors,
        keywords=r.keywords,
        mode=r.mode,
        digest_every=r.digest_every,
        cursor=r.cursor,
        created_at=r.created_at,
        last_sent_at=r.last_sent_at,
        sent_count=r.sent_count,
        fail_count=r.fail_count,
        last_error=r.last_error,
        last_error_at=r.last_error_at,
        retry_at=r.retry_at,
    )


@dataclass
class Delivery:
    """What one delivery round did: notifications sent, and the rules that failed with their errors."""

    sent: int = 0
    findings: int = 0
    failed: dict[str, str] = field(default_factory=dict)


def matches(rule: RuleRow, af: AlertFinding) -> bool:
    f = af.finding
    if rule.kinds and f.kind not in rule.kinds:
        return False
    if rule.sources and f.source not in rule.sources:
        return False
    if rule.actors and (af.actor or "").casefold() not in {a.casefold() for a in rule.actors}:
        return False
    if rule.keywords:
        hay = " ".join((str(f.detail.get("title") or ""), af.title, af.text, f.url)).casefold()
        if not any(re.search(rf"(?<!\w){re.escape(k.casefold())}(?!\w)", hay) for k in rule.keywords):
            return False
    return True


def _title_of(af: AlertFinding) -> str:
    return str(af.finding.detail.get("title") or af.title or af.finding.item or "")


def message(af: AlertFinding) -> tuple[str, str]:
    """(title, body) of the notification for one finding."""
    f = af.finding
    title = _title_of(af)
    head = f"{f.kind}: {f.source}" + (f" — {title}" if title else "")
    lines = [f"{f.kind} at {f.at.isoformat(timespec='seconds')}", f"source: {f.source}"]
    if af.actor:
        lines.append(f"actor: {af.actor}")
    lines.append(f"url: {f.url}")
    for k in ("words_added", "words_removed", "similarity", "http_status", "error", "matched_item"):
        if k in f.detail:
            lines.append(f"{k.replace('_', ' ')}: {f.detail[k]}")
    if f.item_id is not None:
        lines.append(f"see: onrecord show {f.item_id}")
    text = " ".join(af.text.split())
    if text and f.kind not in ("unreachable", "recovered"):
        lines += ["", text[:TEXT_CHARS] + ("…" if len(text) > TEXT_CHARS else "")]
    return head[:250], "\n".join(lines)


def digest_message(rule: RuleRow, items: Sequence[AlertFinding], total: int) -> tuple[str, str]:
    lines = []
    for af in items[:DIGEST_LISTED]:
        f = af.finding
        title = _title_of(af)
        lines.append(f"- {f.at.isoformat(timespec='minutes')} {f.kind} {f.source}: {title or f.url}\n  {f.url}")
    if total > DIGEST_LISTED:
        lines.append(f"… and {total - DIGEST_LISTED} more: onrecord findings")
    return f"onrecord: {total} finding(s) for {rule.name}", "\n".join(lines)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.records.append(record.getMessage())


Sender = Callable[[Sequence[str], str, str], str | None]


QUIET = ("apprise", "urllib3", "requests")  # loggers that may write a URL with its secrets


@contextmanager
def _quiet() -> Iterator[_Capture]:
    """While Apprise works: its lines (and those of the HTTP library under it) go to a capture, not to
    the application's log, so a URL's secrets cannot leak there."""
    cap = _Capture()
    with _send_lock:  # logger settings are process-wide
        saved = []
        for name in QUIET:
            lg = logging.getLogger(name)
            saved.append((lg, lg.propagate, lg.level))
            lg.addHandler(cap)
            lg.propagate = False
            lg.setLevel(logging.WARNING)
        try:
            yield cap
        finally:
            for lg, propagate, level in saved:
                lg.removeHandler(cap)
                lg.propagate = propagate
                lg.setLevel(level)


def _unknown(urls: Sequence[str]) -> str | None:
    """The first URL Apprise cannot read, masked; None when it reads them all."""
    import apprise

    with _quiet():
        for u in urls:
            if not apprise.Apprise().add(u):
                return mask_url(u)
    return None


def apprise_send(urls: Sequence[str], title: str, body: str) -> str | None:
    """Send through Apprise; None when every URL took it, else the (redacted) reason."""
    import apprise

    with _quiet() as cap:
        ap = apprise.Apprise()
        for u in urls:
            if not ap.add(u):
                return f"{mask_url(u)} is not a notification URL Apprise knows"
        try:
            ok = bool(ap.notify(title=title, body=body))
        except Exception as exc:  # a plugin's own bug must not stop the watch loop
            ok = False
            cap.records.append(f"{exc.__class__.__name__}: {exc}")
    if ok:
        return None
    reason = "; ".join(dict.fromkeys(r.strip() for r in cap.records if r.strip())) or "Apprise could not send"
    return redact(reason, urls)[:500]


class Alerts:
    """Alert rules and their delivery, over one store and clock."""

    def __init__(self, store: Store, clock: Clock | None = None, *, send: Sender | None = None) -> None:
        from onrecord.store.alerts import AlertStore

        self.db = AlertStore(store)
        self.store = store
        self.clock = clock or SystemClock()
        self.send: Sender = send or apprise_send

    # -- rules ---------------------------------------------------------------------------------
    def add(
        self,
        name: str,
        urls: Sequence[str],
        *,
        kinds: Sequence[str] = (),
        sources: Sequence[str] = (),
        actors: Sequence[str] = (),
        keywords: Sequence[str] = (),
        digest: float | None = None,
        backlog: bool = False,
    ) -> AlertRule:
        """Add a rule. Without `backlog` it alerts only findings logged from now on. `digest` (seconds)
        makes it send one list per period instead of one message per finding."""
        name = name.strip()
        if not name:
            raise AlertError("an alert rule needs a name")
        clean = [u.strip() for u in urls if u.strip()]
        if not clean:
            raise AlertError("an alert rule needs at least one notification URL (--url)")
        unknown = _unknown(clean)
        if unknown:
            raise AlertError(f"{unknown} is not a notification URL Apprise knows (see docs/alerts.md)")
        bad = [k for k in kinds if k not in FINDING_KINDS]
        if bad:
            raise AlertError(f"unknown finding kind {bad[0]!r}: use {', '.join(FINDING_KINDS)}")
        names = tuple(self.store.find_source(ref).name for ref in sources)
        if digest is not None and digest < 60:
            raise AlertError("a digest period must be at least 1m")
        row = self.db.add(
            backlog=backlog,
            now=self.clock.now(),
            name=name,
            urls=clean,
            kinds=list(kinds) or None,
            sources=list(names) or None,
            actors=[a for a in actors if a] or None,
            keywords=[k for k in keywords if k.strip()] or None,
            mode="digest" if digest else "immediate",
            digest_every=digest,
        )
        log.info("alert rule=%s added mode=%s targets=%s", row.name, row.mode, ",".join(map(mask_url, row.urls)))
        return _public(row)

    def list(self) -> list[AlertRule]:
        return [_public(r) for r in self.db.rules()]

    def remove(self, name: str) -> None:
        self.db.remove(name)

    def test(self, name: str) -> None:
        """Send a test notification through the rule's URLs now; AlertError with the reason if it fails."""
        rule = self.db.get(name)
        err = self.send(rule.urls, f"onrecord: test of alert rule {rule.name}", "If you read this, alerts reach you.")
        if err:
            raise AlertError(f"alert rule {rule.name!r}: test not delivered: {err}")

    # -- delivery ------------------------------------------------------------------------------
    def deliver(self) -> Delivery:
        """One round over every rule: send what is due, record failures; never raises for a send."""
        out = Delivery()
        for rule in self.db.rules():
            self._rule(rule, out)
        return out

    def _rule(self, rule: RuleRow, out: Delivery) -> None:
        now = self.clock.now()
        if rule.sending is not None:
            if rule.sending_since is not None and now - rule.sending_since < STALE_CLAIM:
                return  # another worker is sending right now
            msg = (
                f"delivery of finding(s) up to #{rule.sending} was cut off by a stop; not sent again "
                "(each finding is alerted at most once)"
            )
            if self.db.abandon(rule.id, rule.sending, msg, now):
                log.warning("alert rule=%s %s", rule.name, msg)
            rule = self.db.get(rule.name)
        if rule.retry_at is not None and now < rule.retry_at:
            return
        if rule.mode == "digest":
            self._digest(rule, now, out)
            return
        cursor = rule.cursor
        while True:
            batch = self.db.pending(cursor, BATCH)
            if not batch:
                return
            hit = next((af for af in batch if matches(rule, af)), None)
            if hit is None:
                if not self.db.advance(rule.id, cursor, batch[-1].finding.id or cursor):
                    return
                cursor = batch[-1].finding.id or cursor
                continue
            upto = hit.finding.id or cursor
            if not self.db.claim(rule.id, cursor, upto, now):
                return  # someone else moved first
            title, body = message(hit)
            err = self.send(rule.urls, title, body)
            if not self._finish(rule, upto, 1, err, now, out, digest=False):
                return
            cursor = upto
            now = self.clock.now()

    def _digest(self, rule: RuleRow, now: datetime, out: Delivery) -> None:
        every = timedelta(seconds=rule.digest_every or 3600)
        if now < (rule.last_digest_at or rule.created_at) + every:
            return
        cursor = upto = rule.cursor
        hits: list[AlertFinding] = []
        total = 0
        while True:
            batch = self.db.pending(upto, BATCH)
            if not batch:
                break
            for af in batch:
                if matches(rule, af):
                    total += 1
                    if len(hits) < DIGEST_LISTED:
                        hits.append(af)
            upto = batch[-1].finding.id or upto
        if not total:
            if upto != cursor:
                self.db.advance(rule.id, cursor, upto)
            self.db.digest_done(rule.id, now)
            return
        if not self.db.claim(rule.id, cursor, upto, now):
            return
        title, body = digest_message(rule, hits, total)
        self._finish(rule, upto, total, self.send(rule.urls, title, body), now, out, digest=True)

    def _finish(
        self, rule: RuleRow, upto: int, count: int, err: str | None, now: datetime, out: Delivery, *, digest: bool
    ) -> bool:
        if err is None:
            self.db.sent(rule.id, upto, count, self.clock.now(), digest)
            out.sent += 1
            out.findings += count
            log.info("alert rule=%s sent finding(s) up to #%d", rule.name, upto)
            return True
        fails = rule.fail_count + 1
        wait = min(RETRY_FIRST * 2 ** (fails - 1), RETRY_MAX)
        self.db.failed(rule.id, upto, err, now, now + timedelta(seconds=wait))
        out.failed[rule.name] = err
        log.warning("alert rule=%s not delivered (try %d, next in %.0fs): %s", rule.name, fails, wait, err)
        return False
