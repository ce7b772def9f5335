"""Play a scenario: the simulated world and a real watcher together, on one virtual clock.

The world is served over real HTTP on 127.0.0.1; the watcher is the same `Onrecord` a user runs,
with its real fetcher, archive and database. Only time is virtual: the runner jumps the clock to
the next due check or world change, so hours of world time pass in seconds.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from onrecord.app import Onrecord
from onrecord.clock import VirtualClock
from onrecord.config import Settings
from onrecord.errors import ConfigError
from onrecord.fetch import Fetcher
from onrecord.records import Finding
from onrecord.sim.scenario import Expected, Scenario, builtin_names, builtin_scenario, load_scenario
from onrecord.sim.score import ScoreReport, score
from onrecord.sim.server import SimServer

DEMO_MARKER = ".onrecord-demo"


@dataclass
class SimResult:
    scenario: Scenario
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
    sc: Scenario, app: Onrecord, clock: VirtualClock, sim: SimServer, *, on_finding: Any = None
) -> int:
    """Run the watcher over the scenario's whole duration; returns the number of source checks."""
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
                    sniff=False,
                )
            if now >= sc.end:
                break
            results = await app.check_due(fetcher)
            checks += len(results)
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
    path = resolve(scenario)
    sc = load_scenario(path)
    clock = VirtualClock(sc.start)
    tmp = None
    if data is None:
        tmp = Path(tempfile.mkdtemp(prefix="onrecord-sim-"))
    folder = data or tmp
    assert folder is not None
    try:
        app = Onrecord(sim_settings(folder, db, **settings), clock=clock)
        try:
            async with SimServer(sc, clock) as sim:
                checks = await play(sc, app, clock, sim, on_finding=on_finding)
                expected = sim.expected()
            found = app.findings()
        finally:
            app.close()
        return SimResult(sc, score(expected, found), found, expected, data, checks)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def fresh_demo_folder(folder: Path) -> None:
    """The demo starts from scratch, but only ever wipes a folder it made itself."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} exists and is not a demo folder; pick another with --data")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / DEMO_MARKER).write_text("made by `onrecord demo`; safe to delete\n")


def run_demo(folder: Path, console: Console) -> SimResult:
    import asyncio

    from onrecord.sim.score import render

    fresh_demo_folder(folder)
    sc = load_scenario(builtin_scenario("demo"))
    console.rule(f"[bold]onrecord demo[/]: {sc.name}")
    if sc.description:
        console.print(sc.description.strip())
    console.print()
    start = sc.start

    def show(f: Finding) -> None:
        rel = _rel(f.at - start)
        style = {
            "new": "green",
            "edited": "yellow",
            "deleted": "bold red",
            "restored": "cyan",
            "unreachable": "red",
            "recovered": "blue",
            "republished": "magenta",
        }.get(f.kind, "")
        title = f.detail.get("title") or ""
        console.print(
            f"[dim]{f.at:%H:%M}[/] [dim]({rel})[/]  [{style}]{f.kind:<11}[/] {f.source}  "
            f"{title + '  ' if title else ''}[dim]{f.url}[/]",
            highlight=False,
        )

    result = asyncio.run(run_scenario("demo", data=folder, on_finding=show))
    console.print()
    render(result.report, console)
    _compare_readouts(folder, console)
    console.print()
    console.print(f"The data folder [bold]{folder}[/] is kept. Explore it:")
    for cmd in (
        f"onrecord --data {folder} findings",
        f"onrecord --data {folder} sources",
        f"onrecord --data {folder} show ITEM",
        f"onrecord --data {folder} diff ITEM",
    ):
        console.print(f"  {cmd}", highlight=False)
    return result


def _compare_readouts(folder: Path, console: Console) -> None:
    """Comparison of the two readouts, when the analysis part is installed."""
    try:
        from onrecord.sim.demo_compare import show_demo_comparison
    except ImportError:
        return
    show_demo_comparison(folder, console)


def _rel(d: timedelta) -> str:
    s = int(d.total_seconds())
    return f"+{s // 3600}:{(s % 3600) // 60:02d}"


def when(dt: datetime) -> str:
    return dt.strftime("%H:%M:%S")
