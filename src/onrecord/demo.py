"""`onrecord demo`: the built-in scenario played offline, then explained.

Two fictional governments talk on the phone; both press offices publish their readouts (one in
English, one in German); one readout is edited after publication, a page is deleted and re-posted,
a host has an outage that must not count as a deletion. Then the two readouts are compared claim
by claim, and a news report about the call is checked against them.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from rich.console import Console

from onrecord.app import Onrecord
from onrecord.errors import ConfigError, OnrecordError
from onrecord.loop import run as run_async
from onrecord.records import Finding
from onrecord.sim.run import SimResult, run_scenario, sim_settings
from onrecord.sim.scenario import builtin_scenario, load_scenario
from onrecord.sim.score import render

DEMO_MARKER = ".onrecord-demo"
DEMO_FOLDER = Path("onrecord-demo")  # the demo's own default when no --data is given
STYLE = {
    "new": "green",
    "edited": "yellow",
    "deleted": "bold red",
    "restored": "cyan",
    "unreachable": "red",
    "recovered": "blue",
    "republished": "magenta",
}


def fresh_demo_folder(folder: Path) -> None:
    """The demo starts from scratch, but only ever wipes a folder it made itself."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} exists and is not a demo folder; pick another with --data")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / DEMO_MARKER).write_text("made by `onrecord demo`; safe to delete\n")


def run_demo(folder: Path, console: Console) -> SimResult:
    fresh_demo_folder(folder)
    sc = load_scenario(builtin_scenario("demo"))
    console.rule(f"[bold]onrecord demo[/]: {sc.description or sc.name}")
    console.print("A simulated world on 127.0.0.1, two hours of it played in seconds. What the watcher saw:\n")

    def show(f: Finding) -> None:
        rel = f.at - sc.start
        mins = int(rel / timedelta(minutes=1))
        title = f.detail.get("title") or ""
        extra = ""
        if f.kind == "edited":
            extra = f"  (-{f.detail.get('words_removed', 0)} +{f.detail.get('words_added', 0)} words)"
        elif f.kind == "republished":
            d = f.detail
            extra = f"  (same text as item {d.get('matched_item')}, similarity {d.get('similarity')})"
        elif f.kind in ("unreachable", "recovered"):
            extra = f"  ({f.detail.get('error') or 'the source answers again'})"
        elif f.kind == "deleted":
            extra = f"  (HTTP {f.detail.get('http_status')}, confirmed {f.detail.get('confirmations')}×)"
        console.print(
            f"[dim]{f.at:%H:%M} (+{mins // 60}:{mins % 60:02d})[/]  [{STYLE.get(f.kind, '')}]{f.kind:<11}[/] "
            f"[bold]{f.source}[/]  {f'item {f.item_id}  ' if f.item_id is not None else ''}{title}[dim]{extra}[/]",
            highlight=False,
        )

    result = run_async(run_scenario("demo", data=folder, on_finding=show))
    console.print()
    render(result.report, console)
    _compare(folder, console)
    console.print()
    console.print(f"The data folder [bold]{folder}[/] stays for you to explore:")
    for cmd in (
        "findings",
        "findings --kind edited,deleted --json",
        "sources",
        "show ITEM",
        "diff ITEM",
        "compare ITEM_A ITEM_B --html report.html",
    ):
        console.print(f"  onrecord --data {folder} {cmd}", highlight=False)
    return result


def _latest(app: Onrecord, source_name: str, contains: str = "") -> tuple[int, str, str] | None:
    src = app.source(source_name)
    for item in reversed(app.store.items(src.id)):
        if contains in item.url:
            versions = app.store.versions(item.id)
            if versions:
                return item.id, versions[-1].title, versions[-1].text
    return None


def _compare(folder: Path, console: Console) -> None:
    """Compare the two readouts and check the news report, when the analysis part is available."""
    try:
        from onrecord.analysis.compare import Statement, compare
        from onrecord.analysis.render import comparison_table, report_table
        from onrecord.analysis.report_check import check_report
    except ImportError:
        return
    try:
        with Onrecord(sim_settings(folder)) as app:
            a = _latest(app, "Aldoria readout page")
            b = _latest(app, "Vestmark readout page")
            news = _latest(app, "Northern Ledger", "holt-falk-call")
            if a is None or b is None:
                return
            console.print()
            console.rule(f"[bold]The two readouts, claim by claim[/] (items {a[0]} and {b[0]})")
            sa = Statement(a[2], a[1], None, f"item {a[0]}")
            sb = Statement(b[2], b[1], None, f"item {b[0]}")
            console.print(comparison_table(compare(sa, sb)))
            if news is not None:
                console.rule(f"[bold]A news report checked against both readouts[/] (item {news[0]})")
                report = check_report(Statement(news[2], news[1], None, f"item {news[0]}"), [sa, sb])
                console.print(report_table(report))
    except OnrecordError as exc:
        console.print(f"[yellow]comparison skipped:[/] {exc}")
