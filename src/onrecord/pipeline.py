"""One check of one source: fetch -> archive -> parse -> detect -> store."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from onrecord.archive import Archive, warc_date
from onrecord.clock import Clock
from onrecord.detect import (
    FAILED,
    GONE,
    OK,
    Candidate,
    Changes,
    CheckWrite,
    Observation,
    Rules,
    SourceChange,
    StoredItem,
    detect_items,
    detect_republished,
    detect_source_health,
)
from onrecord.errors import ArchiveError, OnrecordError, SourceError
from onrecord.parsepool import ParsePool
from onrecord.recheck import pick_rechecks
from onrecord.records import Capture, FetchResult, Finding, ParsedItem, Source, UrlState, Validators
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


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _healthy(res: FetchResult) -> bool:
    """The host answered normally (a control for deletions)."""
    return res.outcome in ("ok", "not_modified")


def _answered(res: FetchResult) -> bool:
    """The source answered whole (not an outage): any status below 500 except 429, body complete."""
    if res.outcome not in ("ok", "not_modified", "http_error", "too_large"):
        return False
    return res.status is not None and res.status < 500 and res.status != 429


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
        self._candidates: dict[str, list[Candidate]] = {}

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

    def _republish_candidates(self, source: Source, state: CheckState) -> list[Candidate]:
        """Earlier items of the same actor (one query per actor per round), or of this source alone."""
        if not source.actor:
            return [
                Candidate(si.item.id, si.item.key, si.item.url, si.item.state, si.text, source.name)
                for si in state.stored.values()
                if si.text is not None
            ]
        got = self._candidates.get(source.actor)
        if got is None:
            got = self._candidates[source.actor] = self.store.actor_items(source.actor, source.id)
        return got

    async def _get(self, url: str, validators: dict[str, Validators]) -> FetchResult:
        return await self.fetcher.get(url, validators=validators.get(url))

    async def _run(self, source: Source, now: datetime, state: CheckState) -> tuple[CheckWrite, CheckResult]:
        errors: list[str] = []
        stored = state.stored
        moved_to: str | None = None
        results: list[FetchResult] = []
        observations: list[Observation] = []
        error: str | None = None

        if source.kind == "feed":
            listing_gone: str | None = None
            validators = state.validators
            listing = await self._get(source.url, validators)
            results.append(listing)
            if listing.moved_permanently and listing.outcome in ("ok", "not_modified"):
                log.warning("source=%s moved=%s to=%s", source.name, source.url, listing.final_url)
                moved_to = listing.final_url
            elif listing.status == 410:
                listing_gone = f"the feed answers 410 Gone: {source.url} was removed for good"
            listed: list[ParsedItem] = []
            if listing.outcome == "ok":
                try:
                    listed = await self.parser.feed(
                        listing.body, listing.final_url, listing.header("content-type"), source.ignore
                    )
                except SourceError as exc:
                    error = str(exc)
            elif listing.outcome != "not_modified":
                error = listing_gone or listing.error or f"HTTP {listing.status} from {source.url}"
            answered = _answered(listing)
            item_urls: dict[str, ParsedItem] = {}
            seen_keys: set[str] = set()
            for p in listed:
                if p.key in seen_keys:
                    continue
                seen_keys.add(p.key)
                if p.key not in stored:
                    item_urls[p.key] = p
            recheck = self._due_items(stored, now, source.every)
            down_host = None if answered else _host(source.url)
            targets: list[tuple[str, str, ParsedItem | None]] = [(k, p.url, p) for k, p in item_urls.items()]
            targets += [
                (k, s.item.url, None)
                for k, s in recheck.items()
                if k not in item_urls and _host(s.item.url) != down_host
            ]
            fetched = await asyncio.gather(*(self._get(url, validators) for _, url, _ in targets))
            base = len(results)
            results.extend(fetched)
            healthy_hosts = {_host(r.url) for r in results if _healthy(r)}
            healthy_hosts |= await self._controls(
                [t[1] for t, r in zip(targets, fetched, strict=True) if r.status in (404, 410)],
                healthy_hosts,
                results,
                validators,
            )
            refetched: set[str] = set()
            for i, ((key, url, parsed), res) in enumerate(zip(targets, fetched, strict=True)):
                refetched.add(key)
                obs = await self._observe(key, url, res, base + i, source, healthy_hosts, errors)
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
                observations.append(obs)
            for p in listed:
                if p.key in refetched or p.key not in stored:
                    continue
                prev = stored[p.key]
                if prev.origin == "feed":
                    observations.append(Observation(p.key, p.url, OK, p.title, p.text, "feed", 0))
                else:
                    observations.append(Observation(p.key, p.url, OK, p.title, None, "page", 0))
        else:
            validators = state.validators
            res = await self._get(source.url, validators)
            results.append(res)
            answered = _answered(res)
            healthy_hosts = {_host(res.url)} if _healthy(res) else set()
            if res.status in (404, 410):
                healthy_hosts |= await self._controls([source.url], healthy_hosts, results, validators)
            observations.append(await self._observe(source.url, source.url, res, 0, source, healthy_hosts, errors))
            if res.outcome not in ("ok", "not_modified"):
                error = res.error or f"HTTP {res.status} from {source.url}"

        if errors and error is None:
            error = errors[0] + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
        observations = await self._reconfirm(observations, stored, results, source, healthy_hosts, errors)
        captures = [self.archive.write(r, state.url_state.get(r.url)) for r in results]
        url_states = self._url_states(results, captures, state.url_state)
        health, health_finding = detect_source_health(
            source, answered, error, state.status, state.fail_count, now, self.rules
        )
        if answered and error:
            health.last_error = error
            if results and results[0].status in (404, 410) and health.status == "ok":
                health.status = "failing"  # the source's own URL is gone: an answer, but not a healthy one
        changes = detect_items(source, observations, stored, now, self.rules)
        fresh = [ch for ch in changes.items if ch.item_id is None and ch.version is not None]
        if fresh:
            candidates = self._republish_candidates(source, state)
            changes.findings.extend(detect_republished(source, fresh, candidates, now))
        if health_finding is not None:
            changes.findings.insert(0, health_finding)
        write = CheckWrite(source, captures, url_states, changes, now, next_slot(source, now), health, moved_to)
        return write, CheckResult(source, [], len(results), error)

    async def _reconfirm(
        self,
        observations: list[Observation],
        stored: dict[str, StoredItem],
        results: list[FetchResult],
        source: Source,
        healthy: set[str],
        errors: list[str],
    ) -> list[Observation]:
        """Ask again, at once, an item that already answered 'gone' before: a flapping page must not
        add up to a deletion. The second answer is archived too and is the one that counts."""
        again = [
            (i, o)
            for i, o in enumerate(observations)
            if o.status == GONE and o.host_ok and o.key in stored and stored[o.key].item.state == "missing"
        ]
        if not again:
            return observations
        got = await asyncio.gather(*(self.fetcher.get(o.url) for _, o in again))
        out = list(observations)
        for (i, o), res in zip(again, got, strict=True):
            results.append(res)
            out[i] = await self._observe(o.key, o.url, res, len(results) - 1, source, healthy, errors)
        return out

    def _due_items(self, stored: dict[str, StoredItem], now: datetime, every: float = 300.0) -> dict[str, StoredItem]:
        hot = timedelta(seconds=self.schedule.hot_window)
        cold = timedelta(seconds=self.schedule.cold_every)
        out = {}
        for key, s in stored.items():
            it = s.item
            if now - it.first_seen <= hot or it.last_checked is None or now - it.last_checked >= cold:
                out[key] = s
        return pick_rechecks(out, self.schedule.recheck_max, now, every)

    async def _controls(
        self,
        gone_urls: list[str],
        healthy: set[str],
        results: list[FetchResult],
        validators: dict[str, Validators],
    ) -> set[str]:
        """For hosts where an item answered 404/410 and nothing else answered yet, ask the host's root."""
        hosts = {_host(u): u for u in gone_urls if _host(u) not in healthy}
        if not hosts:
            return set()
        roots = [f"{urlsplit(u).scheme}://{h}/" for h, u in hosts.items()]
        got = await asyncio.gather(*(self._get(r, validators) for r in roots))
        results.extend(got)
        return {_host(r.url) for r in got if _healthy(r)}

    async def _observe(
        self,
        key: str,
        url: str,
        res: FetchResult,
        capture: int,
        source: Source,
        healthy: set[str],
        errors: list[str],
    ) -> Observation:
        if res.outcome == "ok":
            final = urlsplit(res.final_url)
            if res.redirects and final.path in ("", "/") and urlsplit(url).path not in ("", "/"):
                return Observation(key, url, FAILED, capture=capture, http_status=res.status)
            try:
                parsed = await self.parser.page(
                    res.body, res.final_url, res.header("content-type"), source.selector, source.ignore
                )
            except SourceError as exc:
                errors.append(str(exc))
                return Observation(key, url, FAILED, capture=capture, http_status=res.status)
            return Observation(key, url, OK, parsed.title, parsed.text, "page", capture, http_status=res.status)
        if res.outcome == "not_modified":
            return Observation(key, url, OK, capture=capture, http_status=304)
        if res.status in (404, 410):
            return Observation(key, url, GONE, capture=capture, host_ok=_host(url) in healthy, http_status=res.status)
        return Observation(key, url, FAILED, capture=capture, http_status=res.status)

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
