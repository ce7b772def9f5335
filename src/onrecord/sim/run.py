"""Play a scenario: the simulated world and a real watcher together, on one virtual clock.

The world is served over real HTTP on 127.0.0.1; the watcher is the same `Onrecord` a user runs,
with its real fetcher, archive and database. Only time is virtual: the runner jumps the clock to
the next due check or world change, so hours of world time pass in seconds.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from onrecord.app import Onrecord
from onrecord.clock import VirtualClock
from onrecord.config import Settings
from onrecord.errors import ConfigError
from onrecord.fetch import Fetcher
from onrecord.records import Finding
from onrecord.sim.mastodon import SOCIAL_NAMES, MastodonSim, SocialScenario, builtin_social, load_social
from onrecord.sim.scenario import Expected, Publish, Scenario, builtin_names, builtin_scenario, load_scenario
from onrecord.sim.score import ScoreReport, pairwise, score
from onrecord.sim.server import SimServer


@dataclass
class SimResult:
    scenario: Scenario | SocialScenario
    report: ScoreReport
    findings: list[Finding]
    expected: list[Expected]
    data: Path | None
    checks: int


def resolve(scenario: str | Path) -> Path:
    p = Path(scenario)
    if p.suffix == ".toml" or p.exists():
        if not p.is_file():
            raise ConfigError(f"no scenario file {p}")
        return p
    if str(scenario) in builtin_names():
        return builtin_scenario(str(scenario))
    raise ConfigError(f"no scenario {scenario!r}: give a .toml file or one of {', '.join(builtin_names())}")


def sim_settings(data: Path, db: str | None = None, **extra: Any) -> Settings:
    """Settings for a simulated run: loopback allowed, short real timeouts, polite as ever."""
    values: dict[str, Any] = {
        "data": data,
        "db": db,
        "allow_private_addresses": True,
        "timeout": 2.0,
        "retries": 1,
        "max_retry_after": 60.0,
        "max_bytes": 5_000_000,
    }
    values.update(extra)
    return Settings(**values)


async def play(
    sc: Any, app: Onrecord, clock: VirtualClock, sim: SimServer | MastodonSim, *, on_finding: Any = None
) -> int:
    """Run the watcher over the scenario's whole duration; returns the number of source checks.

    A scenario that names actors also plays events and expectations after every round of checks."""
    events = bool(getattr(sc, "actors", None))
    if events:
        for a in sc.actors:
            app.events.db.set_actor(a.name, a.aliases, a.relay)
        for rule in sc.rules:
            app.events.db.add_rule(rule.actor, rule.after, rule.within)
    pending = sorted(sim.source_urls(), key=lambda s: s["add_at"])
    checks = 0
    async with Fetcher(app.settings, clock) as fetcher:
        while True:
            now = clock.now()
            while pending and pending[0]["add_at"] <= now:
                spec = pending.pop(0)
                app.add_source(
                    spec["url"],
                    kind=spec["kind"],
                    name=spec["name"],
                    actor=spec["actor"],
                    every=spec["every"],
                    selector=spec["selector"],
                    ignore=spec["ignore"],
                    options=spec.get("options"),
                    sniff=False,
                )
            if now >= sc.end:
                break
            results = await app.check_due(fetcher)
            checks += len(results)
            if events:
                done = app.update_events()
                if on_finding is not None:
                    for f in done.findings:
                        on_finding(f)
            if on_finding is not None:
                for r in results:
                    for f in r.findings:
                        on_finding(f)
            now = clock.now()
            candidates = [sc.end]
            nxt = app.store.next_due()
            if nxt is not None:
                candidates.append(nxt)
            change = sim.next_change_after(now)
            if change is not None:
                candidates.append(change)
            if pending:
                candidates.append(pending[0]["add_at"])
            target = min(candidates)
            clock.set(max(target, now + timedelta(milliseconds=1)))
    return checks


async def run_scenario(
    scenario: str | Path,
    *,
    data: Path | None = None,
    db: str | None = None,
    on_finding: Any = None,
    **settings: Any,
) -> SimResult:
    if str(scenario) in SOCIAL_NAMES or str(scenario).endswith(".social.toml"):
        return await run_social(scenario, data=data, db=db, on_finding=on_finding, **settings)
    path = resolve(scenario)
    sc = load_scenario(path)
    clock = VirtualClock(sc.start)
    tmp = None
    if data is None:
        tmp = Path(tempfile.mkdtemp(prefix="onrecord-sim-"))
    folder = data or tmp
    assert folder is not None
    try:
        # The world's ground truth assumes these detection rules; an explicit setting still wins.
        rules = {"deletion_gap": f"{sc.deletion_gap:g}s", "unreachable_after": sc.unreachable_after, **sc.settings}
        app = Onrecord(sim_settings(folder, db, **{**rules, **settings}), clock=clock)
        try:
            async with SimServer(sc, clock) as sim:
                checks = await play(sc, app, clock, sim, on_finding=on_finding)
                expected = sim.expected()
                truth = {
                    sim.url(ev.site, ev.path or f"/statements/{ev.item}"): ev.event
                    for ev in sc.events
                    if isinstance(ev, Publish) and ev.event is not None
                }
            found = app.findings()
            report = score(expected, found)
            if sc.actors and truth:
                placed = [(m.url, m.event_id) for m in app.events.db.members()]
                report = replace(report, grouping=pairwise(truth, placed))
        finally:
            app.close()
        return SimResult(sc, report, found, expected, data, checks)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


async def run_social(
    scenario: str | Path,
    *,
    data: Path | None = None,
    db: str | None = None,
    on_finding: Any = None,
    **settings: Any,
) -> SimResult:
    """Play a social world (Mastodon-compatible servers, sim/social.toml) the same way."""
    path = builtin_social(str(scenario)) if str(scenario) in SOCIAL_NAMES else Path(scenario)
    sc = load_social(path)
    clock = VirtualClock(sc.start)
    tmp = Path(tempfile.mkdtemp(prefix="onrecord-sim-")) if data is None else None
    folder = data or tmp
    assert folder is not None
    try:
        rules = {"deletion_gap": f"{sc.deletion_gap:g}s", "unreachable_after": sc.unreachable_after}
        app = Onrecord(sim_settings(folder, db, **{**rules, **settings}), clock=clock)
        try:
            async with MastodonSim(sc, clock) as sim:
                checks = await play(sc, app, clock, sim, on_finding=on_finding)
                expected = sim.expected()
            found = app.findings()
        finally:
            app.close()
        return SimResult(sc, score(expected, found), found, expected, data, checks)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
