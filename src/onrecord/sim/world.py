"""The world a scenario describes, as it stands at any instant: items, their states, active faults.

Pure and synchronous; the server asks it "what is true at time t". Lookups are bisections over
precomputed timelines, and listings are cached per epoch (the span between two consecutive changes).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from onrecord.sim.scenario import (
    FAULTS,
    Cosmetic,
    Delete,
    Edit,
    Flaky,
    Flap,
    Malformed,
    Mass404,
    Outage,
    Oversized,
    Publish,
    RateLimit,
    Republish,
    Restore,
    Scenario,
    Site404,
    Slow,
)
from onrecord.sim.truth import item_path

Fault = Outage | RateLimit | Slow | Malformed | Oversized | Mass404 | Site404


@dataclass(frozen=True)
class ItemState:
    """One item at one instant. `status` 200 means live; 404/410 means deleted."""

    id: str
    site: str
    path: str
    lang: str
    title: str
    text: str
    published: datetime
    modified: datetime  # last substantive change (publish, edit)
    changed: datetime  # last change of any kind, cosmetic and deletion included
    status: int = 200
    gone_as: str = "status"  # when deleted: status | soft (200 "not found" page) | home (redirect home)
    cosmetic: int = 0  # cosmetic revision: moves the visible "reviewed" stamp and view counter
    stated: str | None = None  # the date its feed entry states when not `published`; "none": no date

    @property
    def live(self) -> bool:
        return self.status == 200

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(p.split()) for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class _Window:
    start: datetime
    end: datetime
    event: Any


class World:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._extra: list[tuple[datetime, Any]] = []
        self._build()

    def add_events(self, events: list[tuple[datetime, Any]]) -> None:
        """Add events at run time (benchmarks: "these pages change now")."""
        self._extra.extend(events)
        self._build()

    def _build(self) -> None:
        timeline = sorted([*self.scenario.timeline(), *self._extra], key=lambda p: p[0])
        self.timelines: dict[str, list[tuple[datetime, ItemState]]] = {}
        self.by_path: dict[tuple[str, str], str] = {}
        self.site_items: dict[str, list[str]] = {s.id: [] for s in self.scenario.sites}
        self.faults: dict[str, list[_Window]] = {s.id: [] for s in self.scenario.sites}
        self.flaps: dict[str, list[_Window]] = {}
        self._flaky: dict[str, list[_Window]] = {s.id: [] for s in self.scenario.sites}
        changes: set[datetime] = set()
        for t, ev in timeline:
            changes.add(t)
            if isinstance(ev, Publish | Republish):
                if isinstance(ev, Republish):
                    src = self.timelines[ev.of][-1][1]
                    site, lang, title, text = ev.site or src.site, src.lang, ev.title or src.title, src.text
                else:
                    site, title, text = ev.site, ev.title, ev.text
                    lang = ev.lang or self.scenario.site(site).lang
                path = item_path(ev)
                st = ItemState(ev.item, site, path, lang, title, text, t, t, t)
                if isinstance(ev, Publish) and ev.stated is not None:
                    st = replace(st, stated=ev.stated)
                self.timelines[ev.item] = [(t, st)]
                self.by_path[(site, path)] = ev.item
                self.site_items[site].append(ev.item)
            elif isinstance(ev, Edit | Cosmetic | Delete | Restore):
                prev = self.timelines[ev.item][-1][1]
                if isinstance(ev, Edit):
                    nxt = replace(prev, title=ev.title or prev.title, text=ev.text or prev.text, modified=t, changed=t)
                elif isinstance(ev, Cosmetic):
                    nxt = replace(prev, cosmetic=prev.cosmetic + 1, changed=t)
                elif isinstance(ev, Delete):
                    nxt = replace(prev, status=ev.status, gone_as=ev.mode, changed=t)
                else:
                    nxt = replace(prev, status=200, changed=t)
                self.timelines[ev.item].append((t, nxt))
            elif isinstance(ev, Flap):
                end = t + timedelta(seconds=ev.for_)
                self.flaps.setdefault(ev.item, []).append(_Window(t, end, ev))
                changes.add(end)
            elif isinstance(ev, Flaky):
                end = t + timedelta(seconds=ev.for_)
                self._flaky[ev.site].append(_Window(t, end, ev))
                changes.add(end)
            elif isinstance(ev, FAULTS):
                end = t + timedelta(seconds=ev.for_)
                self.faults[ev.site].append(_Window(t, end, ev))
                changes.add(end)
        self.changes = sorted(changes)
        self._times = {k: [t for t, _ in v] for k, v in self.timelines.items()}
        self._listing: dict[tuple[str, int], list[ItemState]] = {}

    # -- queries ----------------------------------------------------------------------------------------
    def epoch(self, t: datetime) -> int:
        """Index of the span of constant world state that contains `t`."""
        return bisect_right(self.changes, t)

    def next_change_after(self, t: datetime) -> datetime | None:
        i = bisect_right(self.changes, t)
        return self.changes[i] if i < len(self.changes) else None

    def item(self, item_id: str, t: datetime) -> ItemState | None:
        """The item as it stands at `t`; None before it is published."""
        i = bisect_right(self._times[item_id], t)
        return self.timelines[item_id][i - 1][1] if i else None

    def item_at_path(self, site: str, path: str, t: datetime) -> ItemState | None:
        item_id = self.by_path.get((site, path))
        return None if item_id is None else self.item(item_id, t)

    def listing(self, site: str, t: datetime) -> list[ItemState]:
        """Live items of a site at `t`, newest first (the feed takes the first `feed_window`)."""
        key = (site, self.epoch(t))
        got = self._listing.get(key)
        if got is None:
            states = (self.item(i, t) for i in self.site_items[site])
            live = (s for s in states if s is not None and s.live)
            got = sorted(live, key=lambda s: s.published, reverse=True)
            if len(self._listing) > 64:
                self._listing.clear()
            self._listing[key] = got
        return got

    def last_change(self, site: str, t: datetime) -> datetime:
        """When anything on this site last changed (feeds' Last-Modified)."""
        best = self.scenario.start
        for i in self.site_items[site]:
            st = self.item(i, t)
            if st is not None and st.changed > best:
                best = st.changed
        return best

    def active_faults(self, site: str, t: datetime) -> list[Fault]:
        return [w.event for w in self.faults[site] if w.start <= t < w.end]

    def flapping(self, item_id: str, t: datetime) -> bool:
        return any(w.start <= t < w.end for w in self.flaps.get(item_id, ()))

    def flaky(self, site: str, item_id: str, t: datetime) -> Flaky | None:
        """The random-flapping event that covers this item at `t`, if any."""
        for w in self._flaky.get(site, ()):
            if w.start <= t < w.end and (not w.event.items or item_id in w.event.items):
                ev: Flaky = w.event
                return ev
        return None
