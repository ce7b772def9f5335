"""`onrecord demo`: the built-in scenario played offline, then told as a story a journalist reads.

Two fictional governments talk on the phone; both press offices publish their readouts (one in
English, one in German); one readout is edited after publication, a statement is deleted and
re-posted, a page changes only its "reviewed" stamp, a host has an outage that must not count as a
deletion. The demo prints a timeline of what the watcher found, with the changed words inline, then
the two readouts side by side and a news report checked against them, and finally the exact
commands that explore the data folder it leaves. The simulator's scores: `onrecord sim run demo`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from onrecord.app import Onrecord
from onrecord.errors import ConfigError, OnrecordError
from onrecord.loop import run as run_async
from onrecord.records import Finding
from onrecord.sim.run import SimResult, run_scenario, sim_settings
from onrecord.sim.scenario import Scenario, builtin_scenario, load_scenario

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
    "overdue": "bold red",
    "expectation_met": "green",
}


def fresh_demo_folder(folder: Path) -> None:
    """The demo starts from scratch, but only ever wipes a folder it made itself."""
    if folder.exists():
        if not (folder / DEMO_MARKER).exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} exists and is not a demo folder; pick another with --data")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / DEMO_MARKER).write_text("made by `onrecord demo`; safe to delete\n")


def command_prefix() -> str:
    """How to run onrecord again from this shell, exactly: `onrecord` when that is on PATH and is this
    program, else the path of this program (`.venv/bin/onrecord`), else `python -m onrecord`."""
    argv0 = sys.argv[0] if sys.argv else ""
    if Path(argv0).name == "onrecord" and Path(argv0).exists():
        here = Path(argv0).resolve()
        found = shutil.which("onrecord")
        if found and Path(found).resolve() == here:
            return "onrecord"
        return shlex.quote(_short(Path(argv0)))
    return f"{shlex.quote(_short(Path(sys.executable)))} -m onrecord"


def _short(path: Path) -> str:
    """`path` relative to the working folder when it lies below it, else absolute."""
    full = path.absolute()
    try:
        rel = full.relative_to(Path.cwd())
    except ValueError:
        return str(full)
    return str(rel) if str(rel).startswith(".") or os.sep in str(rel) else f".{os.sep}{rel}"


def run_demo(folder: Path, console: Console) -> SimResult:
    fresh_demo_folder(folder)
    sc = load_scenario(builtin_scenario("demo"))
    console.rule("[bold]onrecord demo[/]")
    console.print(Text(sc.description or sc.name, style="bold"))
    console.print(
        "A made-up world served on 127.0.0.1: the press offices of Aldoria, Vestmark and Rusovia, Vestmark's "
        "embassy and a news site, watched for three hours of simulated time (played in seconds).\n"
    )
    seen: list[Finding] = []
    result = run_async(run_scenario("demo", data=folder, on_finding=seen.append))
    with Onrecord(sim_settings(folder)) as app:
        _timeline(app, sc, sorted(seen, key=lambda f: (f.at, f.id if f.id is not None else 1 << 62)), console)
        _verdict(result, console)
        _events(app, console)
        items = _compare(app, console)
    _next_steps(folder, items, console)
    return result


def _events(app: Onrecord, console: Console) -> None:
    """The events with more than one statement: who spoke when, in which language."""
    from onrecord.analysis.expect import human

    rows = [e for e in app.events.timelines() if len(e["items"]) > 1]
    if not rows:
        return
    console.print()
    console.rule("[bold]Events: who spoke, in what order[/]", align="left")
    for e in rows:
        console.print(Text(f"event {e['id']}: {e['title']}", style="bold"))
        for i in e["items"]:
            delay = "first" if i["delay_s"] <= 0 else f"+{human(i['delay_s'])}"
            who = i["actor"] or i["source"]
            if i.get("speaker") and i["speaker"] != i["actor"]:
                who = f"{i['speaker']} (via {who}, relayed)"  # an aide's words carried by an agency
            console.print(Text(f"  {delay:>12}  {who} ({i['lang']}, {i['source']})"))
        for x in e["expectations"]:
            if x["due"]:
                console.print(Text(f"  expected: {x['actor']}, {x['status']}", style="dim"))


# -- the timeline ----------------------------------------------------------------------------------------
def _clock(sc: Scenario, at: datetime) -> str:
    return f"{at:%H:%M}"


def _title(app: Onrecord, f: Finding) -> str:
    title = str(f.detail.get("title") or "")
    if not title and f.item_id is not None:
        try:
            title = app.item(str(f.item_id)).title
        except OnrecordError:
            title = ""
    return title


class _Grid:
    """The timeline as three columns (time, what, the story), so long lines wrap under the story."""

    def __init__(self) -> None:
        from rich.table import Table

        self.table = Table.grid(padding=(0, 1))
        self.table.add_column(style="dim", no_wrap=True)
        self.table.add_column(no_wrap=True, min_width=11)
        self.table.add_column(ratio=1)

    def line(self, at: str, kind: str, body: Text) -> None:
        self.table.add_row(at, Text(kind, style=STYLE.get(kind, "")), body)

    def note(self, text: Text | str) -> None:
        self.table.add_row("", "", text if isinstance(text, Text) else Text(text))


def _timeline(app: Onrecord, sc: Scenario, findings: Sequence[Finding], console: Console) -> None:
    first_at = findings[0].at if findings else sc.start
    already = [f for f in findings if f.kind == "new" and f.at == first_at]
    console.rule("[bold]What happened[/]", align="left")
    grid = _Grid()
    if already:
        sources = sorted({f.source for f in already})
        grid.line(
            _clock(sc, first_at),
            "archived",
            Text(f"{len(already)} statements already online at {', '.join(sources)}, kept as they stood"),
        )
    deleted_sources = {f.source for f in findings if f.kind == "deleted"}
    events = _world_notes(sc)
    for f in findings:
        if f in already:
            continue
        while events and events[0][0] <= f.at:
            at, note = events.pop(0)
            grid.line(_clock(sc, at), "no alert", Text(note))
        _finding(app, sc, f, grid, f.source not in deleted_sources)
    for at, note in events:
        grid.line(_clock(sc, at), "no alert", Text(note))
    console.print(grid.table)


def _world_notes(sc: Scenario) -> list[tuple[datetime, str]]:
    """What happened in the world that must NOT become an alert, from the scenario itself."""
    titles = {ev.item: ev.title for _, ev in sc.timeline() if ev.do == "publish"}
    notes = []
    for at, ev in sc.timeline():
        if ev.do == "cosmetic":
            what = f"“{titles[ev.item]}”" if ev.item in titles else "a page"
            notes.append((at, f"{what} changed only its 'reviewed' stamp: cosmetic, rightly not an edit"))
    return notes


def _finding(app: Onrecord, sc: Scenario, f: Finding, grid: _Grid, none_deleted: bool) -> None:
    at = _clock(sc, f.at)
    title = _title(app, f)
    ref = Text(f" (item {f.item_id})", style="dim") if f.item_id is not None else Text("")
    quoted = Text(f"“{title}”", style="italic") if title else Text(f.url)
    if f.kind == "new":
        grid.line(at, "new", Text(f"{f.source} published ") + quoted + ref)
    elif f.kind == "edited":
        old, new = f.detail.get("old_version"), f.detail.get("new_version")
        grid.line(at, "edited", Text(f"{f.source} changed ") + quoted + ref)
        grid.note(Text(f"after publication (version {old} → {new}):", style="dim"))
        for change in _changes(app, f):
            grid.note(change)
    elif f.kind == "deleted":
        n, status = f.detail.get("confirmations"), f.detail.get("http_status")
        grid.line(at, "deleted", Text(f"{f.source} took down ") + quoted + ref)
        grid.note(f"its address answers HTTP {status}, seen {n} times, while the site answers normally")
    elif f.kind == "republished":
        sim = f.detail.get("similarity")
        same = "the same text" if sim is not None and float(sim) >= 0.999 else f"nearly the same text ({sim})"
        grid.line(at, "republished", Text(f"{f.source} re-posted ") + quoted + ref)
        grid.note(f"{same} as the deleted item {f.detail.get('matched_item')}, at a new address: {f.url}")
    elif f.kind == "unreachable":
        grid.line(at, "unreachable", Text(f"{f.source} stopped answering") + ref)
        grid.note(Text(str(f.detail.get("error") or "no answer"), style="dim"))
        if none_deleted:
            grid.note("an outage, not a deletion: nothing of this source was marked deleted")
    elif f.kind == "recovered":
        fails = f.detail.get("failed_checks")
        grid.line(at, "recovered", Text(f"{f.source} answers again, after {fails} failed checks"))
    elif f.kind == "overdue":
        grid.line(at, "overdue", Text(f"{f.detail.get('actor')} has said nothing since {f.detail.get('after')} spoke"))
        grid.note(str(f.detail.get("text", "")).split(": ", 1)[-1])
    elif f.kind == "expectation_met":
        grid.line(at, "answered", Text(f"{f.source} published ") + quoted + ref)
        grid.note(str(f.detail.get("text", "")))
    elif f.kind == "restored":
        grid.line(at, "restored", Text(f"{f.source} put back ") + quoted + ref)
    else:
        grid.line(at, f.kind, Text(f"{f.source} ") + quoted + ref)


def _changes(app: Onrecord, f: Finding) -> list[Text]:
    """The edit in words: each replacement with a little context, each removed or added passage."""
    from onrecord.detect import word_diff

    if f.item_id is None:
        return []
    _it, versions = app.versions(str(f.item_id))
    by_seq = {v.seq: v for v in versions}
    old, new = by_seq.get(f.detail.get("old_version") or -1), by_seq.get(f.detail.get("new_version") or -1)
    if old is None or new is None:
        return []
    return describe_diff(word_diff(old.text, new.text))


def describe_diff(ops: Sequence[Sequence[str]], context: int = 4, long: int = 10) -> list[Text]:
    """Readable lines for a word diff: `…will provide €40 → €35 million in…` for a short change,
    `removed: “…”` / `added: “…”` for a passage of `long` words or more."""
    lines: list[Text] = []
    i = 0
    while i < len(ops):
        if ops[i][0] == "=":
            i += 1
            continue
        start = i
        removed = ops[i][1] if ops[i][0] == "-" else ""
        added = ops[i][1] if ops[i][0] == "+" else ""
        if ops[i][0] == "-" and i + 1 < len(ops) and ops[i + 1][0] == "+":
            i += 1
            added = ops[i][1]
        before = ops[start - 1][1].split() if start > 0 and ops[start - 1][0] == "=" else []
        after = ops[i + 1][1].split() if i + 1 < len(ops) and ops[i + 1][0] == "=" else []
        i += 1
        if max(len(removed.split()), len(added.split())) >= long:
            if removed:
                lines.append(Text("removed: ", style="bold red") + Text(f"“{removed}”", style="red"))
            if added:
                lines.append(Text("added: ", style="bold green") + Text(f"“{added}”", style="green"))
            continue
        t = Text("…" + " ".join(before[-context:]) + (" " if before else ""))
        if removed:
            t.append(removed, style="bold red strike")
        if removed and added:
            t.append(" → ")
        if added:
            t.append(added, style="bold green")
        if not added:
            t.append(" (removed)", style="dim")
        elif not removed:
            t.append(" (added)", style="dim")
        t.append((" " if after else "") + " ".join(after[:context]) + "…")
        lines.append(t)
    return lines


def _verdict(result: SimResult, console: Console) -> None:
    """One honest line about the watcher against the scenario's ground truth; the table is `sim run`."""
    r = result.report
    console.print()
    if not r.misses and not r.false_findings:
        console.print(
            f"Every change the scenario made was found ({len(r.matches)} of {len(r.matches)}), "
            "with no false alarm. Scores and timings: `onrecord sim run demo`."
        )
    else:
        console.print(
            f"Found {len(r.matches)} of {len(r.matches) + len(r.misses)} changes the scenario made; "
            f"{len(r.false_findings)} false alarm(s). Details: `onrecord sim run demo`."
        )


# -- the comparison ----------------------------------------------------------------------------------------
def _latest(app: Onrecord, source_name: str, contains: str = "") -> tuple[int, str, str] | None:
    src = app.source(source_name)
    for item in reversed(app.store.items(src.id)):
        if contains in item.url:
            versions = app.store.versions(item.id)
            if versions:
                return item.id, versions[-1].title, versions[-1].text
    return None


def _every_version(app: Onrecord, item_id: int) -> Any:
    """Every archived version of an item, oldest first, as a primary statement for the report check."""
    from onrecord.analysis.compare import Statement
    from onrecord.analysis.report_check import Primary

    label = f"item {item_id}"
    return Primary(
        label,
        tuple(
            Statement(v.text, v.title, None, label, version=v.seq, source=label) for v in app.store.versions(item_id)
        ),
    )


def _compare(app: Onrecord, console: Console) -> dict[str, int]:
    """The two readouts side by side and the news report checked, when the analysis part is there.
    Returns the item ids it used, for the commands suggested at the end."""
    items: dict[str, int] = {}
    try:
        from onrecord.analysis.compare import Statement, compare
        from onrecord.analysis.report_check import check_report
    except ImportError:
        return items
    try:
        a = _latest(app, "Aldoria readout page")
        b = _latest(app, "Vestmark readout page")
        news = _latest(app, "Northern Ledger", "holt-falk-call")
        if a is None or b is None:
            return items
        items.update(a=a[0], b=b[0])
        console.print()
        console.rule("[bold]The two readouts, point by point[/]", align="left")
        console.print(
            Text(
                f"Aldoria's readout (item {a[0]}, English) against Vestmark's (item {b[0]}, German), "
                "matched across languages:",
                style="dim",
            )
        )
        sa = Statement(a[2], a[1], None, f"item {a[0]}")
        sb = Statement(b[2], b[1], None, f"item {b[0]}")
        _comparison_story(compare(sa, sb), console)
        if news is not None:
            items["news"] = news[0]
            console.print()
            console.rule("[bold]A news report checked against both readouts[/]", align="left")
            console.print(Text(f"“{news[1]}” (item {news[0]}):", style="dim"))
            # against every version of both readouts, as `check-report` does by default: the report may
            # quote what a readout said before it was edited
            prims = [_every_version(app, a[0]), _every_version(app, b[0])]
            _report_story(check_report(Statement(news[2], news[1], None, f"item {news[0]}"), prims), console)
    except OnrecordError as exc:
        console.print(Text(f"comparison skipped: {exc}", style="yellow"))
    return items


_LABEL_WORDS = {
    "conflict": "they differ",
    "partial": "partly the same",
    "only_a": "only Aldoria says",
    "only_b": "only Vestmark says",
}


def _indented(console: Console, rows: Sequence[tuple[str, Text]]) -> None:
    """Labelled lines that wrap under their own text, not under the label."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(ratio=1)
    for label, text in rows:
        grid.add_row(f"  {label}", text)
    if rows:
        console.print(grid)


def _comparison_story(c: Any, console: Console) -> None:
    agree = [p for p in c.pairs if p.label == "agree"]
    console.print(Text(f"{len(agree)} points agree.", style="green"))
    for label in ("conflict", "partial", "only_a", "only_b"):
        rows = [p for p in c.pairs if p.label == label]
        for p in rows:
            ca, cb = c.claim(p.a), c.claim(p.b)
            console.print(Text(f"{_LABEL_WORDS[label]}:", style=STYLE_LABEL.get(label, "")))
            rows = [("A:", Text(ca.text))] if ca is not None else []
            rows += [("B:", Text(cb.text))] if cb is not None else []
            rows += [("why:", Text(str(reason))) for reason in p.reasons]
            _indented(console, rows)


STYLE_LABEL = {"conflict": "bold red", "partial": "yellow", "only_a": "cyan", "only_b": "magenta"}
_VERDICT_WORDS = {
    "supported": ("supported", "green"),
    "conflict": ("contradicted", "bold red"),
    "not_found": ("not in either readout", "yellow"),
}


def _report_story(r: Any, console: Console) -> None:
    for pc in r.points:
        words, style = _VERDICT_WORDS.get(pc.verdict, (pc.verdict, ""))
        console.print(Text(f"{words}: ", style=style) + Text(pc.point.text))
        where = f"{pc.source or 'readout'}" + (f" v{pc.version}" if pc.version is not None else "")
        rows = [(f"{where}:", Text(pc.sentence))] if pc.sentence else []
        rows += [("why:", Text(str(reason))) for reason in pc.reasons]
        if pc.finding and "version" in pc.finding and "," in pc.finding:  # the versions disagree: say so
            rows.append(("note:", Text(pc.finding)))
        _indented(console, rows)


# -- what to try next --------------------------------------------------------------------------------------
def suggested_commands(folder: Path, items: dict[str, int]) -> list[str]:
    """Commands that work exactly as printed, from the shell the demo ran in."""
    base = f"{command_prefix()} --data {shlex.quote(str(folder))}"
    cmds = [f"{base} findings", f"{base} findings --kind edited,deleted --json", f"{base} sources",
            f"{base} events", f"{base} findings --kind overdue,expectation_met"]
    if "a" in items:
        cmds += [f"{base} show {items['a']}", f"{base} diff {items['a']}"]
    if "a" in items and "b" in items:
        cmds.append(f"{base} compare {items['a']} {items['b']} --html report.html")
    return cmds


def _next_steps(folder: Path, items: dict[str, int], console: Console) -> None:
    console.print()
    console.print(Text(f"The data folder {folder} stays for you to explore (copy and paste):"))
    for cmd in suggested_commands(folder, items):
        console.print(Text(f"  {cmd}"), soft_wrap=True)
