"""Ground truth: which findings a correct watcher makes, derived from a scenario's events.

The rules (docs/scenarios.md, "Ground truth") in short, with p = the poll interval of the slowest source
that watches an item (a feed source on its site, or a page source on its path) and n = `unreachable_after`:

- publish -> `new` at the later of publish time and the first source's `add_at`; republish adds
  `republished`. Deleted again within p: optional.
- edit -> `edited` while the item is live and watched; superseded by another change within p: optional.
- delete -> `deleted` if the item stays gone (until restore or scenario end) at least deletion_gap + 2p;
  gone at least deletion_gap: optional; shorter: nothing (a `deleted` finding is then false).
  restore -> `restored` when its deletion was expected (optional when the deletion was).
- outage (down, 5xx, timeout) of length L on a site -> for each source there: `unreachable` at the start
  and `recovered` at the end if L >= n*p; optional if L > (n-1)*p; nothing if shorter.
- rate_limit, slow (all sources of the site), malformed, oversized (its feed sources): optional
  `unreachable`/`recovered`; never required.
- mass_404 (item pages 404 while the feed lists them; its feed sources) and site_404 (everything 404s;
  all sources of the site) are site faults: like an outage, `unreachable` and `recovered`, never `deleted`.
- delete in mode soft (a 200 "not found" page) or home (a redirect home) is a deletion like any other.
- cosmetic, flap, flaky (random 404s): nothing.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from onrecord.sim.scenario import (
    FAULTS,
    Cosmetic,
    Delete,
    Edit,
    Expected,
    ExpectSpec,
    Flaky,
    Flap,
    Malformed,
    Mass404,
    NoExpectSpec,
    Outage,
    Oversized,
    Publish,
    RateLimit,
    Republish,
    Restore,
    Site404,
    Slow,
    SourceSpec,
)

if TYPE_CHECKING:
    from onrecord.sim.scenario import Scenario


_Url = Callable[[str, str], str]
_Watch = Callable[["_Item"], "tuple[float, datetime] | None"]
_FaultEvent = Outage | RateLimit | Slow | Malformed | Oversized | Mass404 | Site404


@dataclass
class _Item:
    id: str
    site: str
    path: str
    published: datetime
    changes: list[datetime] = field(default_factory=list)  # publish, edits, deletes, restores
    edits: set[datetime] = field(default_factory=set)


def item_path(ev: Publish | Republish) -> str:
    return ev.path or f"/statements/{ev.item}"


class _Watchers:
    """Which sources watch an item: every feed source of its site, and page sources on its path."""

    def __init__(self, scn: Scenario) -> None:
        self.feeds: dict[str, list[SourceSpec]] = {}
        self.pages: dict[tuple[str, str], list[SourceSpec]] = {}
        for s in scn.sources:
            if s.kind == "feed":
                self.feeds.setdefault(s.site, []).append(s)
            else:
                self.pages.setdefault((s.site, s.path), []).append(s)

    def __call__(self, site: str, path: str) -> list[SourceSpec]:
        return [*self.feeds.get(site, []), *self.pages.get((site, path), [])]


def derive(scn: Scenario, bases: dict[str, str]) -> list[Expected]:
    out: list[Expected] = []
    items: dict[str, _Item] = {}
    gone: dict[str, datetime] = {}

    def url(site: str, path: str) -> str:
        return bases[site].rstrip("/") + path

    watchers = _Watchers(scn)

    def watch(it: _Item) -> tuple[float, datetime] | None:
        ws = watchers(it.site, it.path)
        if not ws:
            return None
        return max(w.every for w in ws), min(scn.time(w.add_at) for w in ws)

    timeline = scn.timeline()
    # first pass: every item's change times, to know what gets superseded
    for t, ev in timeline:
        if isinstance(ev, Publish | Republish):
            site = ev.site if isinstance(ev, Publish) else (ev.site or items[ev.of].site)
            items[ev.item] = _Item(ev.item, site, item_path(ev), t, [t])
        elif isinstance(ev, Edit | Delete | Restore):
            items[ev.item].changes.append(t)
            if isinstance(ev, Edit):
                items[ev.item].edits.add(t)

    def next_change(it: _Item, t: datetime) -> datetime | None:
        i = bisect_right(it.changes, t)
        return it.changes[i] if i < len(it.changes) else None

    for t, ev in timeline:
        if isinstance(ev, Publish | Republish):
            it = items[ev.item]
            w = watch(it)
            if w is None:
                continue
            p, added = w
            at = max(t, added, scn.start)
            nxt = next_change(it, t)
            opt = nxt is not None and nxt - at < timedelta(seconds=p) and nxt not in it.edits
            until = at + timedelta(seconds=2 * p) if opt else None
            out.append(Expected("new", url(it.site, it.path), at, f"{ev.item} published", opt, until))
            if isinstance(ev, Republish):
                note = f"{ev.item} republishes {ev.of}"
                out.append(Expected("republished", url(it.site, it.path), at, note, opt, until))
        elif isinstance(ev, Edit):
            it = items[ev.item]
            w = watch(it)
            if w is None or ev.item in gone or t < w[1]:
                continue
            p = w[0]
            nxt = next_change(it, t)
            opt = nxt is not None and nxt - t < timedelta(seconds=p)
            until = t + timedelta(seconds=2 * p) if opt else None
            out.append(Expected("edited", url(it.site, it.path), t, f"{ev.item} edited", opt, until))
        elif isinstance(ev, Delete):
            gone[ev.item] = t
        elif isinstance(ev, Restore):
            since = gone.pop(ev.item, None)
            if since is not None:
                out.extend(_deletion(scn, items[ev.item], since, t, url, watch))
        elif isinstance(ev, Outage | Mass404 | Site404):
            out.extend(_fault(scn, ev, t, url, required_ok=True))
        elif isinstance(ev, FAULTS):
            out.extend(_fault(scn, ev, t, url, required_ok=False))
        else:
            assert isinstance(ev, Cosmetic | Flap | Flaky)
    for item_id, since in gone.items():
        out.extend(_deletion(scn, items[item_id], since, None, url, watch))
    return _overrides(scn, sorted(_joined(out), key=lambda e: (e.at, e.kind, e.url)), items, url)


def _joined(out: list[Expected]) -> list[Expected]:
    """A fault that starts as another ends on the same source (an outage, then a site-wide 404) is one
    fault: neither the `recovered` of the first nor the `unreachable` of the second."""
    ends = {(e.url, e.at) for e in out if e.kind == "recovered" and not e.optional}
    starts = {(e.url, e.at) for e in out if e.kind == "unreachable" and not e.optional}
    both = ends & starts
    return [e for e in out if not (e.kind in ("recovered", "unreachable") and (e.url, e.at) in both)]


def _deletion(
    scn: Scenario, it: _Item, since: datetime, restored: datetime | None, url: _Url, watch: _Watch
) -> list[Expected]:
    w = watch(it)
    if w is None or since < w[1]:
        return []
    p = w[0]
    until_gone = restored or scn.end
    d = (until_gone - since).total_seconds()
    if d < scn.deletion_gap:
        return []
    opt = d < scn.deletion_gap + 2 * p
    u = url(it.site, it.path)
    lim = until_gone + timedelta(seconds=p) if opt else None
    out = [Expected("deleted", u, since, f"{it.id} deleted", opt, lim)]
    if restored is not None:
        lim2 = restored + timedelta(seconds=2 * p) if opt else None
        out.append(Expected("restored", u, restored, f"{it.id} restored", opt, lim2))
    return out


def _fault(scn: Scenario, ev: _FaultEvent, t: datetime, url: _Url, *, required_ok: bool) -> list[Expected]:
    out: list[Expected] = []
    stop = t + timedelta(seconds=ev.for_)
    length = (min(stop, scn.end) - t).total_seconds()
    n = scn.unreachable_after
    for src in scn.sources:
        if src.site != ev.site or (isinstance(ev, Malformed | Oversized | Mass404) and src.kind != "feed"):
            continue
        p = src.every
        if required_ok and length >= n * p:
            opt = False
        elif not required_ok or length > (n - 1) * p:
            opt = True
        else:
            continue
        what = ev.do if not isinstance(ev, Outage) else f"outage ({ev.mode})"
        u = url(src.site, src.path)
        lim = stop + timedelta(seconds=n * p) if opt else None
        out.append(Expected("unreachable", u, t, f"{src.name}: {what}", opt, lim))
        if stop <= scn.end:
            lim2 = stop + timedelta(seconds=(n + 1) * p) if opt else None
            out.append(Expected("recovered", u, stop, f"{src.name}: {what} ends", opt, lim2))
    return out


def _overrides(scn: Scenario, out: list[Expected], items: dict[str, _Item], url: _Url) -> list[Expected]:
    def target(spec: ExpectSpec | NoExpectSpec) -> str:
        if spec.item is not None:
            it = items[spec.item]
            return url(it.site, it.path)
        if spec.source is not None:
            for s in scn.sources:
                if s.name == spec.source:
                    return url(s.site, s.path)
            return spec.source
        assert isinstance(spec, ExpectSpec) and spec.url is not None
        if spec.url.startswith("/"):
            return url(spec.site or scn.sites[0].id, spec.url)
        return spec.url

    for ne in scn.no_expect:
        u = target(ne)
        at = None if ne.at is None else scn.time(ne.at)
        out = [e for e in out if not (e.kind == ne.kind and e.url == u and (at is None or e.at == at))]
    for ex in scn.expect:
        until = None if ex.until is None else scn.time(ex.until)
        out.append(Expected(ex.kind, target(ex), max(scn.time(ex.at), scn.start), ex.note, ex.optional, until))
    return sorted(out, key=lambda e: (e.at, e.kind, e.url))
