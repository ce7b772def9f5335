"""One check of one source, kind-agnostic: adapter (sources/) -> archive -> detect -> store."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from onrecord.archive import Archive, warc_date
from onrecord.clock import Clock
from onrecord.detect import (
    GONE,
    Changes,
    CheckWrite,
    ItemChange,
    Observation,
    Rules,
    SourceChange,
    StoredItem,
    detect_items,
    detect_republished,
    detect_source_health,
    mass_gone,
)
from onrecord.errors import ArchiveError, OnrecordError, SourceError
from onrecord.parsepool import ParsePool
from onrecord.recheck import pick_outside, pick_rechecks
from onrecord.records import (
    Capture,
    FetchResult,
    Finding,
    Item,
    ParsedItem,
    Request,
    Source,
    UrlState,
    Validators,
)
from onrecord.republish import scope_of
from onrecord.sources import registry
from onrecord.sources.base import Adapter, Poll, host_of
from onrecord.store import Store
from onrecord.store.queries import CheckState

log = logging.getLogger(__name__)


class Fetches(Protocol):
    async def get(self, url: str, *, validators: Validators | None = None, robots: bool = True) -> FetchResult: ...


@dataclass
class CheckResult:
    source: Source
    findings: list[Finding] = field(default_factory=list)
    fetches: int = 0
    error: str | None = None


def next_slot(source: Source, now: datetime) -> datetime:
    """When to check `source` next: the first of its slots after `now`.

    Slots are `every` apart at a phase fixed per source (from its id), so sources added together do
    not check in one burst forever: they spread evenly over the interval. The wait is never longer
    than `every`, so detection latency stays within one poll interval.
    """
    every = max(source.every, 1.0)
    phase = ((source.id * 2654435761) % 2**32) / 2**32 * every
    t = now.timestamp()
    slot = (math.floor((t - phase) / every) + 1) * every + phase
    if slot - t < 1.0:  # float rounding put us on the slot we are in: take the next one
        slot += every
    return now + timedelta(seconds=slot - t)


@dataclass(frozen=True)
class Schedule:
    hot_window: float = 7 * 86400.0
    cold_every: float = 86400.0
    recheck_max: int = 100  # stored items re-verified per check at most (onrecord.recheck); 0: all
    recheck_old: int = 3  # known posts outside a social listing's window fetched per check (pick_outside)


class Check:
    """One round of checks. `run(source)` never raises; writes are batched and applied by `flush()`."""

    def __init__(
        self,
        store: Store,
        archive: Archive,
        fetcher: Fetches,
        clock: Clock,
        rules: Rules,
        schedule: Schedule,
        *,
        batch: int = 200,
        on_done: Callable[[CheckResult], None] | None = None,
        parser: ParsePool | None = None,
    ) -> None:
        self.store, self.archive, self.fetcher, self.clock = store, archive, fetcher, clock
        self.parser = parser if parser is not None else ParsePool()  # bounded, off the event loop
        self.rules, self.schedule = rules, schedule
        self.batch = batch
        self.on_done = on_done
        self._pending: list[tuple[CheckWrite, CheckResult]] = []

    async def run(self, source: Source, state: CheckState | None = None) -> CheckResult:
        now = self.clock.now()
        try:
            if state is None:
                state = self.store.check_states([source]).get(source.id) or CheckState("ok", 0, {}, {})
            write, result = await self._run(source, now, state)
        except ArchiveError as exc:  # nothing of this check is recorded without its evidence
            log.warning("source=%s url=%s not archived: %s", source.name, source.url, exc)
            write = self._error_write(source, now, str(exc), state, "unarchived")
            result = CheckResult(source, error=str(exc))
        except OnrecordError as exc:
            log.warning("source=%s url=%s error=%s", source.name, source.url, exc)
            write, result = self._error_write(source, now, str(exc), state), CheckResult(source, error=str(exc))
        except Exception as exc:  # one broken source never aborts a run
            log.exception("source=%s url=%s unexpected error", source.name, source.url)
            msg = f"internal error checking {source.name}: {exc.__class__.__name__}: {exc}"
            write, result = self._error_write(source, now, msg, state), CheckResult(source, error=msg)
        self._pending.append((write, result))
        if len(self._pending) >= self.batch:
            self.flush()
        return result

    def flush(self) -> None:
        """Apply the queued checks in one transaction; their results get their findings then."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        pending.sort(key=lambda p: p[0].source.id)  # parses finish in any order; the log's order is fixed
        found = self.store.apply_checks([w for w, _ in pending])
        for (_, result), findings in zip(pending, found, strict=True):
            result.findings.extend(findings)
            for f in findings:
                log.info("finding=%s source=%s url=%s", f.kind, f.source, f.url)
            if self.on_done is not None:
                self.on_done(result)

    def _error_write(
        self, source: Source, now: datetime, msg: str, state: CheckState | None, as_status: str | None = None
    ) -> CheckWrite:
        status, fails = (state.status, state.fail_count) if state is not None else ("ok", 0)
        if as_status is not None and status != "unreachable":
            status = as_status
        return CheckWrite(source, [], {}, Changes(), now, next_slot(source, now), SourceChange(status, fails, msg))

    async def _run(self, source: Source, now: datetime, state: CheckState) -> tuple[CheckWrite, CheckResult]:
        adapter = registry.adapter(source.kind)
        stored = state.stored
        ctx = _Context(
            self.fetcher,
            now,
            lambda stored: self._due_items(stored, now, source.every),
            self.parser,
            lambda stored, seen: pick_outside(
                stored, seen, self.schedule.recheck_old, now, self.schedule.hot_window, self.schedule.cold_every
            ),
        )
        poll = await adapter.poll(ctx, source, stored, state.validators)
        results, errors, error = poll.results, poll.errors, poll.error
        if errors and error is None:
            error = errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        observations = await self._reconfirm(adapter, ctx, poll, stored, source)
        if poll.gone_status and source.kind in ("feed", "page") and host_of(source.url) not in poll.healthy_hosts:
            # The whole site answers gone, front page included: a fault (reported as such), not an answer.
            poll.answered = False
            error = f"{error or f'HTTP {poll.results[0].status} from {source.url}'} (site-wide 404: the front page too)"
        if poll.listed:
            observations, mass = mass_gone(observations, stored, poll.listed, self.rules)
            if mass is not None:
                poll.answered, error = False, mass
        captures = [self.archive.write(r, state.url_state.get(r.url)) for r in results]
        url_states = self._url_states(results, captures, state.url_state)
        health, health_finding = detect_source_health(
            source, poll.answered, error, state.status, state.fail_count, now, self.rules
        )
        if poll.answered and error:
            health.last_error = error
            if poll.gone_status and health.status == "ok":
                health.status = "failing"  # the source's own URL is gone: an answer, but not a healthy one
        extra = account_findings(source, poll, state.status, health, now)
        changes = detect_with_history(source, poll.earlier, observations, stored, now, self.rules)
        firsts: dict[str, ItemChange] = {}  # a new item's first text (its later ones are its own edits)
        for ch in changes.items:
            if ch.item_id is None and ch.version is not None:
                firsts.setdefault(ch.key, ch)
        fresh = list(firsts.values())
        if fresh:
            scope = scope_of(source.actor, source.id)
            candidates = self.store.republish_candidates(scope, [ch.version.text for ch in fresh if ch.version])
            changes.findings.extend(detect_republished(source, fresh, candidates, now, self.rules))
        if health_finding is not None:
            changes.findings.insert(0, health_finding)
        changes.findings[:0] = extra
        write = CheckWrite(source, captures, url_states, changes, now, next_slot(source, now), health, poll.moved_to)
        return write, CheckResult(source, [], len(results), error)

    async def _reconfirm(
        self,
        adapter: Adapter,
        ctx: _Context,
        poll: Poll,
        stored: dict[str, StoredItem],
        source: Source,
    ) -> list[Observation]:
        """Ask again, at once, a known item that answered 'gone': a flapping page must not add up to a
        deletion. The second answer is archived too and is the one that counts."""
        observations = poll.observations
        again = [
            (i, o)
            for i, o in enumerate(observations)
            if o.status == GONE and o.host_ok and o.key in stored and stored[o.key].item.state != "deleted"
        ]
        if not again:
            return observations
        got = await asyncio.gather(*(adapter.recheck(ctx, source, o, poll) for _, o in again))
        out = list(observations)
        for (i, _), obs in zip(again, got, strict=True):
            out[i] = obs
        return out

    def _due_items(
        self, stored: Mapping[str, StoredItem], now: datetime, every: float = 300.0
    ) -> dict[str, StoredItem]:
        hot = timedelta(seconds=self.schedule.hot_window)
        cold = timedelta(seconds=self.schedule.cold_every)
        out = {}
        for key, s in stored.items():
            it = s.item
            if now - it.first_seen <= hot or it.last_checked is None or now - it.last_checked >= cold:
                out[key] = s
        return pick_rechecks(out, self.schedule.recheck_max, now, every)

    @staticmethod
    def _url_states(
        results: list[FetchResult], captures: list[Capture], known: dict[str, UrlState]
    ) -> dict[str, UrlState]:
        """Validators and last-payload pointers to remember for each URL that answered."""
        out: dict[str, UrlState] = {}
        for r, c in zip(results, captures, strict=True):
            if r.outcome not in ("ok", "not_modified"):
                continue
            old = out.get(r.url) or known.get(r.url) or UrlState()
            digest, uri, date = old.digest, old.digest_uri, old.digest_date
            if r.outcome == "ok" and c.digest and not c.revisit:
                digest, uri, date = c.digest, r.final_url or r.url, warc_date(r.started_at)
            out[r.url] = UrlState(
                r.header("etag") or (old.etag if r.outcome == "not_modified" else None),
                r.header("last-modified") or (old.last_modified if r.outcome == "not_modified" else None),
                digest,
                uri,
                date,
            )
        # Unchanged state is not written again (most re-checks).
        return {u: st for u, st in out.items() if known.get(u) != st}


class _Context:
    """What one check lends its adapter (sources.base.CheckContext)."""

    def __init__(
        self,
        fetcher: Fetches,
        now: datetime,
        due: Callable[[Mapping[str, StoredItem]], dict[str, StoredItem]],
        parser: ParsePool | None = None,
        outside: Callable[[Mapping[str, StoredItem], Collection[str]], list[StoredItem]] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._due = due
        self._outside = outside
        self._parser = parser if parser is not None else ParsePool()
        self.now = now

    async def get(self, url: str, validators: Mapping[str, Validators]) -> FetchResult:
        return await self._fetcher.get(url, validators=validators.get(url))

    async def request(self, req: Request) -> FetchResult:
        fetch = getattr(self._fetcher, "fetch", None)
        if fetch is None:
            raise SourceError("this fetcher cannot send API requests (no fetch(Request))")
        result: FetchResult = await fetch(req)
        return result

    def due_items(self, stored: Mapping[str, StoredItem]) -> dict[str, StoredItem]:
        return self._due(stored)

    def outside(self, stored: Mapping[str, StoredItem], seen: Collection[str]) -> list[StoredItem]:
        return self._outside(stored, seen) if self._outside is not None else []

    async def parse_page(
        self, body: bytes, url: str, content_type: str | None, selector: str | None, ignore: str | None
    ) -> ParsedItem:
        return await self._parser.page(body, url, content_type, selector, ignore)

    async def parse_feed(self, body: bytes, url: str, content_type: str | None, ignore: str | None) -> list[ParsedItem]:
        return await self._parser.feed(body, url, content_type, ignore)


async def probe(fetcher: Fetches, source: Source, now: datetime) -> str | None:
    """One poll of a source not yet stored (what `add` checks for an API channel): the problem it
    shows (an error, bot protection, an account state), or None. Nothing is archived or written."""
    poll = await registry.adapter(source.kind).poll(_Context(fetcher, now, lambda _s: {}), source, {}, {})
    if poll.blocked:
        return poll.blocked
    if poll.account_state:
        return f"the account at {source.url} is {poll.account_state}"
    return poll.error


def account_findings(source: Source, poll: Poll, previous: str, health: SourceChange, now: datetime) -> list[Finding]:
    """Channel-level states, reported once when they begin: `blocked` (bot protection answered instead
    of the service) and an account state such as "suspended" (one finding, never one deletion per item)."""
    out: list[Finding] = []
    if poll.blocked:
        health.status, health.last_error = "blocked", poll.blocked
        if previous != "blocked":
            out.append(
                Finding("blocked", now, source.name, None, source.url, {"reason": poll.blocked}, source_id=source.id)
            )
    elif poll.account_state:
        health.status, health.last_error = poll.account_state, f"account {poll.account_state}"
        if previous != poll.account_state:
            detail = {"account_state": poll.account_state}
            out.append(Finding("unreachable", now, source.name, None, source.url, detail, source_id=source.id))
    elif previous in ("blocked", "suspended") and health.status == "ok":
        out.append(Finding("recovered", now, source.name, None, source.url, {"was": previous}, source_id=source.id))
    return out


def detect_with_history(
    source: Source,
    earlier: Mapping[str, list[Observation]],
    observations: list[Observation],
    stored: dict[str, StoredItem],
    now: datetime,
    rules: Rules,
) -> Changes:
    """detect_items, after first playing each item's in-between texts (edit history) in order, so each
    becomes a version with its own `edited` finding. An item first seen already edited starts from its
    original text (`new`), then one `edited` per revision: the store inserts it once (its changes
    carry no item id) and numbers the versions in this order."""
    if not earlier:
        return detect_items(source, observations, stored, now, rules)
    current = dict(stored)
    out = Changes()
    fresh: set[str] = set()  # items first seen in this check, history included
    for key, texts in earlier.items():
        for obs in texts:
            prev = current.get(key)
            got = detect_items(source, [obs], current, now, rules)
            out.items.extend(got.items)
            out.findings.extend(got.findings)
            if got.items and got.items[-1].version is not None:
                ch = got.items[-1]
                v = ch.version
                assert v is not None
                if prev is None:  # not stored yet: what the next revision is compared against
                    item = Item(0, source.id, key, ch.url, ch.title, "live", now, now, last_checked=now)
                    prev = StoredItem(item, None, None, v.origin, 0)
                    fresh.add(key)
                current[key] = replace(prev, text=v.text, text_hash=v.text_hash, version_seq=prev.version_seq + 1)
    got = detect_items(source, observations, current, now, rules)
    out.items.extend(got.items)
    out.findings.extend(got.findings)
    if fresh:  # still to be inserted: no item id
        out.items = [replace(ch, item_id=None) if ch.key in fresh else ch for ch in out.items]
    return out
