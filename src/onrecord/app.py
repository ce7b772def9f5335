"""Onrecord: the library facade. Wires settings, store, archive, fetcher and clock.

Everything the CLI does, a Python caller can do with these methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from onrecord.addresses import forbidden_host
from onrecord.clock import Clock, SystemClock
from onrecord.config import Settings, load_settings, parse_duration
from onrecord.detect import Rules
from onrecord.errors import OnrecordError, SourceError
from onrecord.loop import run as run_async
from onrecord.records import FetchResult, Finding, Item, Source, Version
from onrecord.store import Store

if TYPE_CHECKING:  # loaded on first check: a command that only reads starts without them
    from onrecord.alerts import Alerts
    from onrecord.archive import Archive
    from onrecord.parsepool import ParsePool
    from onrecord.pipeline import Check, CheckResult, Fetches
    from onrecord.search import SearchHit
    from onrecord.store.claims import Claims

log = logging.getLogger(__name__)

_FEED_HINT = re.compile(r"(\.xml|\.rss|\.atom|\.json|/feed/?|/rss/?|/atom/?|\.rdf)$", re.I)


def guess_kind(url: str, content_type: str | None = None, body: bytes = b"") -> str:
    """'feed' or 'page', from a sniffed answer when there is one, else from the URL."""
    ct = (content_type or "").lower()
    head = body[:512].lstrip().lower()
    if any(t in ct for t in ("rss", "atom", "feed+json", "/xml")) or head.startswith((b"<?xml", b"<rss", b"<feed")):
        return "feed"
    if head.startswith(b"{") and b'"items"' in body[:4096]:
        return "feed"
    if "html" in ct or head.startswith((b"<!doctype", b"<html")):
        return "page"
    return "feed" if _FEED_HINT.search(urlsplit(url).path) else "page"


def check_url(url: str, allow_private: bool) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{url!r} is not an http(s) URL")
    if not allow_private:
        why = forbidden_host(parts.hostname)
        if why is not None:
            raise SourceError(f"{url} {why}; set allow_private_addresses to allow it")
    return url


def _answer_problem(url: str, res: FetchResult) -> str | None:
    """Why a source's first answer says it cannot be watched: gone, or no host to ask; else None."""
    if res.status in (404, 410):
        reason = f" {res.reason}" if res.reason else ""
        return f"{url} answers HTTP {res.status}{reason}"
    if res.outcome in ("network_error", "timeout", "refused"):
        return f"cannot reach {url}: {res.error or res.outcome}"
    if res.outcome == "robots":
        return res.error or f"robots.txt disallows {url}"
    return None


def default_name(url: str, taken: set[str]) -> str:
    parts = urlsplit(url)
    base = (parts.hostname or "source").removeprefix("www.")
    path = re.sub(r"[^A-Za-z0-9]+", "-", parts.path).strip("-")
    name = f"{base}-{path}"[:60].strip("-") if path else base
    out, n = name, 2
    while out in taken:
        out, n = f"{name}-{n}", n + 1
    return out


class Onrecord:
    """One data folder (or database) and everything that works on it."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock | None = None,
        store: Store | None = None,
        fetcher_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.clock = clock or SystemClock()
        try:
            self.settings.data.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OnrecordError(f"cannot create data folder {self.settings.data}: {exc.strerror}") from None
        self.store = store or Store(self.settings.db_url)
        self.store.ensure_schema()
        self._fetcher_factory = fetcher_factory
        self._archive: Archive | None = None
        self._sketches_done = False
        self._alerts: Alerts | None = None
        self._parser: ParsePool | None = None
        self._claims: Claims | None = None

    @classmethod
    def from_settings(cls, **overrides: Any) -> Onrecord:
        return cls(load_settings(**overrides))

    def close(self) -> None:
        if self._parser is not None:
            self._parser.close()
            self._parser = None
        if self._archive is not None:
            self._archive.close()
            self._archive = None
        self.store.close()

    def __enter__(self) -> Onrecord:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def warc_dir(self) -> Path:
        return self.settings.data / "warc"

    @property
    def archive(self) -> Archive:
        """The archive, ready to write: crash leftovers of this worker repaired, files found cut
        short or missing marked in the index, and the file to write to open (or ArchiveError)."""
        if self._archive is None:
            from onrecord.archive import Archive
            from onrecord.store.archive_index import mark_lost

            archive = Archive(
                self.warc_dir, self.clock, max_size=self.settings.warc_max_size, worker=self.settings.worker_id
            )
            extent = self.store.warc_extent()
            archive.repair(extent)
            for name, size, end in archive.damaged(extent):
                lost, forgotten = mark_lost(self.store, name, size)
                what = "is missing" if size is None else f"is cut short at byte {size} (its index reaches {end})"
                log.warning(
                    "warc=%s %s: %d capture(s) lost, %d URL(s) will be fetched whole again; see `onrecord verify`",
                    name,
                    what,
                    lost,
                    forgotten,
                )
            archive.ready()
            self._archive = archive
        return self._archive

    @property
    def rules(self) -> Rules:
        return Rules(
            deletion_confirmations=self.settings.deletion_confirmations,
            deletion_gap=self.settings.seconds("deletion_gap"),
            unreachable_after=self.settings.unreachable_after,
            republish_similarity=self.settings.republish_similarity,
            republish_min_words=self.settings.republish_min_words,
            flap_confirmations=self.settings.flap_confirmations,
            flap_memory=self.settings.seconds("flap_memory"),
            mass_gone_min=self.settings.mass_gone_min,
            mass_gone_share=self.settings.mass_gone_share,
        )

    def _fetcher(self) -> Any:
        if self._fetcher_factory is not None:
            return self._fetcher_factory()
        from onrecord.fetch import Fetcher

        return Fetcher(self.settings, self.clock)

    # -- sources -------------------------------------------------------------------------------
    def add_source(
        self,
        url: str,
        *,
        kind: str | None = None,
        name: str | None = None,
        actor: str | None = None,
        every: str | float | None = None,
        selector: str | None = None,
        ignore: str | None = None,
        options: dict[str, Any] | None = None,
        sniff: bool = True,
        validate: bool = False,
        force: bool = False,
        warn: Callable[[str], None] | None = None,
    ) -> Source:
        """Add a source. With `validate` the URL is fetched once first: an answer of 404/410, a host
        that cannot be reached and a URL already watched raise SourceError, unless `force`, which adds
        it anyway and reports the problem through `warn` (default: the log)."""
        url = check_url(url, self.settings.allow_private_addresses)
        say = warn or (lambda msg: log.warning("source=%s %s", url, msg))
        from onrecord.sources import registry

        if kind is not None and kind not in registry.kinds():
            raise SourceError(f"unknown kind {kind!r}: use one of {', '.join(registry.kinds())}")
        if kind is None:
            kind = registry.claiming(url)  # a channel that knows its URLs (https://HOST/@name)
        if kind is not None:
            options = registry.adapter(kind).check_options(options or {})
        elif options:
            raise SourceError("--option needs --kind (options belong to one kind of source)")
        if ignore:
            from onrecord.parse.normalize import compile_ignore

            compile_ignore(ignore)
        try:
            seconds = parse_duration(every if every is not None else self.settings.every)
        except ValueError as exc:
            raise SourceError(f"--every: {exc}") from None
        if seconds < 1:
            raise SourceError("--every must be at least 1s")
        try:
            asyncio.get_running_loop()
            in_loop = True
        except RuntimeError:
            in_loop = False
        problems: list[str] = []
        if validate:
            same = [s for s in self.store.sources() if s.url == url]
            if same:
                problems.append(f"{url} is already watched as {same[0].name!r}")
        # Inside a running event loop (an async caller) there is no blocking fetch: guess from the URL.
        web_kind = kind in (None, "feed", "page")  # an API channel checks its account on its first poll
        if web_kind and (validate or (kind is None and sniff)) and not in_loop:
            res = run_async(self._fetch_once(url))
            if kind is None:
                kind = guess_kind(url, res.header("content-type"), res.body) if res.outcome == "ok" else guess_kind(url)
                options = registry.adapter(kind).check_options(options or {})
            if validate:
                problem = _answer_problem(url, res)
                if problem:
                    problems.append(problem)
        if validate and not web_kind and kind is not None and not in_loop:
            probe = Source(0, "probe", url, kind, options=dict(options or {}))
            problem = run_async(self._probe(probe))
            if problem:
                problems.append(problem)
        if kind is None:
            kind = guess_kind(url)
            options = registry.adapter(kind).check_options(options or {})
        if problems and not force:
            raise SourceError(f"not added: {problems[0]}; add it anyway with --force")
        for p in problems:
            say(f"added anyway: {p}")
        if not name:
            name = default_name(url, self.store.names_like(default_name(url, set())))
        return self.store.add_source(
            name=name,
            url=url,
            kind=kind,
            actor=actor,
            every=seconds,
            selector=selector,
            ignore=ignore,
            now=self.clock.now(),
            options=options or None,
        )

    async def _probe(self, source: Source) -> str | None:
        from onrecord.pipeline import probe

        async with self._fetcher() as f:
            return await probe(f, source, self.clock.now())

    async def _fetch_once(self, url: str) -> FetchResult:
        async with self._fetcher() as f:
            result: FetchResult = await f.get(url)
        return result

    def sources(self) -> list[Source]:
        return self.store.sources()

    def source(self, ref: str) -> Source:
        return self.store.find_source(ref)

    def remove_source(self, ref: str) -> Source:
        s = self.store.find_source(ref)
        self.store.remove_source(s.id)
        return s

    def edit_source(
        self,
        ref: str,
        *,
        name: str | None = None,
        actor: str | None = None,
        every: str | float | None = None,
        selector: str | None = None,
        ignore: str | None = None,
    ) -> tuple[Source, Source]:
        """Change what is given (an empty actor, selector or ignore clears it); returns (before, after).
        The URL and kind stay: a different address is a different source (`add` it)."""
        before = self.store.find_source(ref)
        values: dict[str, Any] = {}
        if name is not None:
            if not name.strip():
                raise SourceError("a source's name cannot be empty")
            values["name"] = name.strip()
        for key, value in (("actor", actor), ("selector", selector), ("ignore", ignore)):
            if value is not None:
                values[key] = value.strip() or None
        if values.get("ignore"):
            from onrecord.parse.normalize import compile_ignore

            compile_ignore(values["ignore"])
        if every is not None:
            try:
                seconds = parse_duration(every)
            except ValueError as exc:
                raise SourceError(f"--every: {exc}") from None
            if seconds < 1:
                raise SourceError("--every must be at least 1s")
            values["every"] = seconds
        return before, self.store.update_source(before.id, values)

    def pause(self, ref: str, paused: bool = True) -> Source:
        s = self.store.find_source(ref)
        self.store.set_paused(s.id, paused)
        return s

    def import_sources(self, path: Path) -> list[Source]:
        from onrecord.importers import read_sources_file

        added = []
        taken = {s.url for s in self.store.sources()}
        for spec in read_sources_file(path):
            if spec["url"] in taken:
                continue
            added.append(self.add_source(**spec))
            taken.add(spec["url"])
        return added

    # -- checking ------------------------------------------------------------------------------
    def _check(self, fetcher: Fetches, on_done: Callable[[CheckResult], None] | None = None) -> Check:
        from onrecord.pipeline import Check, Schedule

        return Check(
            self.store,
            self.archive,
            fetcher,
            self.clock,
            self.rules,
            Schedule(
                self.settings.seconds("hot_window"),
                self.settings.seconds("cold_every"),
                self.settings.recheck_max,
                self.settings.recheck_old,
            ),
            on_done=on_done,
            parser=self.parser,
        )

    @property
    def parser(self) -> ParsePool:
        """The parse pool every check shares (threads, timeout and depth cap from the settings)."""
        if self._parser is None:
            from onrecord.parsepool import ParsePool

            s = self.settings
            self._parser = ParsePool(s.parse_workers, s.parse_timeout, s.parse_max_depth)
        return self._parser

    async def check(
        self,
        refs: Sequence[str] = (),
        *,
        on_done: Callable[[CheckResult], None] | None = None,
        fetcher: Fetches | None = None,
        on_progress: Callable[[Source], None] | None = None,
    ) -> list[CheckResult]:
        """Check the named sources (all unpaused ones when none are named) now, whatever their schedule.

        `on_done` gets each result once its findings are written (writes are batched); `on_progress`
        gets each source as soon as its check has run, for progress bars.
        """
        if refs:
            targets = [self.store.find_source(r) for r in refs]
        else:
            targets = [s for s in self.store.sources() if not s.paused]
        if fetcher is not None:
            return await self._check_all(self._check(fetcher, on_done), targets, on_progress)
        async with self._fetcher() as f:
            return await self._check_all(self._check(f, on_done), targets, on_progress)

    @property
    def claims(self) -> Claims:
        """This process's claims on sources: one process checks a source at a time (store/claims.py)."""
        if self._claims is None:
            from onrecord.archive import worker_id
            from onrecord.store.claims import Claims, owner_id

            owner = owner_id(worker_id(self.settings.worker_id or None))
            self._claims = Claims(self.store, owner, self.settings.seconds("claim_lease"))
        return self._claims

    async def _check_all(
        self,
        check: Check,
        targets: Sequence[Source],
        on_progress: Callable[[Source], None] | None = None,
        *,
        due_by: datetime | None = None,
    ) -> list[CheckResult]:
        """Check the targets this process can claim (`check` waits for the rest, `watch` skips them)."""

        from onrecord.claimrun import run_claimed

        async def run(got: list[Source]) -> list[CheckResult]:
            return await self._run_checks(check, got, on_progress)

        return await run_claimed(self.claims, targets, run, due_by=due_by, wait=due_by is None)

    async def _run_checks(
        self, check: Check, targets: Sequence[Source], on_progress: Callable[[Source], None] | None = None
    ) -> list[CheckResult]:
        """Run checks concurrently; state is read in bulk and writes are applied in batches."""
        if not self._sketches_done:  # versions stored before the re-publication index: one batch a round
            self._sketches_done = self.store.backfill_sketches()[1]
        sem = asyncio.Semaphore(self.settings.concurrency)
        states = self.store.check_states(targets)

        async def one(s: Source) -> CheckResult:
            async with sem:
                result = await check.run(s, states.get(s.id))
            if on_progress is not None:
                on_progress(s)
            return result

        try:
            return list(await asyncio.gather(*(one(s) for s in targets)))
        finally:
            check.flush()

    async def check_due(
        self, fetcher: Fetches, on_done: Callable[[CheckResult], None] | None = None
    ) -> list[CheckResult]:
        now = self.clock.now()
        due = self.store.due_sources(now)
        if not due:
            return []
        return await self._check_all(self._check(fetcher, on_done), due, due_by=now)

    async def watch(
        self,
        stop: asyncio.Event,
        *,
        on_done: Callable[[CheckResult], None] | None = None,
        max_sleep: float = 60.0,
    ) -> None:
        """Follow each source's schedule until `stop` is set; the check in progress finishes first."""
        async with self._fetcher() as f:
            while not stop.is_set():
                await self.check_due(f, on_done)
                await self.deliver_alerts()
                nxt = self.store.next_due()
                wait = max_sleep if nxt is None else (nxt - self.clock.now()).total_seconds()
                wait = min(max(wait, 0.05), max_sleep)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=wait)

    # -- reading -------------------------------------------------------------------------------
    def findings(
        self,
        *,
        since: datetime | None = None,
        kinds: Sequence[str] | None = None,
        after_id: int | None = None,
        source: str | None = None,
        limit: int | None = None,
    ) -> list[Finding]:
        source_id = self.store.find_source(source).id if source else None
        return self.store.findings(since=since, kinds=kinds, after_id=after_id, source_id=source_id, limit=limit)

    def item(self, ref: str) -> Item:
        return self.store.find_item(ref)

    def versions(self, ref: str) -> tuple[Item, list[Version]]:
        it = self.store.find_item(ref)
        return it, self.store.versions(it.id)

    def latest_text(self, ref: str) -> tuple[str, str]:
        """(title, text) of the current version of an item, by id, key or URL."""
        _it, versions = self.versions(ref)
        if not versions:
            raise SourceError(f"item {ref!r} has no archived text yet")
        v = versions[-1]
        return v.title, v.text

    # -- search and alerts (onrecord.search, onrecord.alerts) -----------------------------------
    def search(
        self,
        query: str,
        *,
        source_kinds: Sequence[str] = (),
        sources: Sequence[str] = (),
        actors: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        current_only: bool = False,
        item: str | None = None,
        limit: int = 20,
        offset: int = 0,
        order: str = "newest",
    ) -> list[SearchHit]:
        """Full-text search over every version (see `onrecord.search` for the query language).

        Filters: source kinds (feed, page, ...), source names, actors, version time [since, until),
        only each item's current version, one item. Hits come newest first (or "oldest",
        "relevance"), each with a snippet and the spans of its matches."""
        from onrecord.search import parse_query
        from onrecord.store.search import Filters
        from onrecord.store.search import search as run_search

        names = tuple(self.store.find_source(ref).name for ref in sources)  # unknown: an error, not no hits
        filters = Filters(
            source_kinds=tuple(source_kinds),
            sources=names,
            actors=tuple(actors),
            since=since,
            until=until,
            current_only=current_only,
            item_id=self.store.find_item(item).id if item else None,
        )
        return run_search(self.store, parse_query(query), filters, limit=limit, offset=offset, order=order)

    async def deliver_alerts(self) -> None:
        """One alert delivery round off the event loop (Apprise sends block); `watch` calls it after
        each round of checks. Failures are kept on the rules, never raised."""
        try:
            await asyncio.to_thread(self.alerts.deliver)
        except OnrecordError as exc:
            log.warning("alerts not delivered this round: %s", exc)

    @property
    def alerts(self) -> Alerts:
        """Alert rules and their delivery (`onrecord.alerts.Alerts`)."""
        from onrecord.alerts import Alerts

        if self._alerts is None:
            self._alerts = Alerts(self.store, self.clock)
        return self._alerts

    # -- the archive, for archivists -----------------------------------------------------------
    def verify(self, on_file: Callable[[Any], None] | None = None) -> Any:
        """Check every WARC file and index row (reading only); returns an `onrecord.verify.Report`."""
        from onrecord.store.archive_index import index_rows
        from onrecord.verify import verify

        return verify(self.warc_dir, index_rows(self.store), on_file=on_file)

    def export_wacz(self, path: Path) -> Any:
        """Write the archive as one WACZ file with its page list; returns an `onrecord.export.WaczResult`."""
        from importlib.metadata import version

        from onrecord.export import write_wacz
        from onrecord.store.archive_index import pages

        software = f"onrecord {version('onrecord')}"
        return write_wacz(self.warc_dir, list(pages(self.store)), path, now=self.clock.now(), software=software)

    def evidence(self, ref: str, out: Path, *, version: int | None = None, browser: str | None = None) -> Any:
        """Write the evidence folder of one item (see `onrecord.evidence`); reads the archive only."""
        from importlib.metadata import version as pkg_version

        from onrecord.archive import Archive
        from onrecord.evidence import write_evidence

        archive = Archive(self.warc_dir, self.clock, create=False)
        software = f"onrecord {pkg_version('onrecord')}"
        return write_evidence(
            self.store, archive, ref, out, now=self.clock.now(), version=version, browser=browser, software=software
        )

    def export_sources(self, path: Path, fmt: str) -> int:
        """Write the sources as OPML (`fmt="opml"`) or sources.toml (`fmt="toml"`); returns how many."""
        from onrecord.export import opml, sources_toml

        rows = self.store.sources()
        data = opml(rows, self.clock.now()) if fmt == "opml" else sources_toml(rows).encode("utf-8")
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise OnrecordError(f"cannot write {path}: {exc.strerror}") from None
        return len(rows)
