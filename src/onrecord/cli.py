"""The `onrecord` command: parse, call the library, print.

Start-up is kept short (`onrecord --help` and `onrecord sources` in well under a second): the
library, Rich, pydantic and SQLAlchemy load inside the commands that need them, never at import.
Text that comes from a server (titles, errors, URLs) is printed as text, never as Rich markup.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from onrecord.errors import ConfigError, OnrecordError
from onrecord.records import FINDING_KINDS, SOURCE_KINDS, Finding

if TYPE_CHECKING:
    from rich.console import Console

    from onrecord.app import Onrecord

_CONSOLES: dict[bool, tuple[Any, Console]] = {}


def _console(stderr: bool = False) -> Console:
    """The Rich console for stdout (or stderr), made on first use: Rich loads only when printing.
    A new stream (a test runner's) gets a new console, which reads the terminal width afresh."""
    stream = sys.stderr if stderr else sys.stdout
    got = _CONSOLES.get(stderr)
    if got is None or got[0] is not stream:
        from rich.console import Console

        got = _CONSOLES[stderr] = (stream, Console(file=stream, highlight=False, soft_wrap=not stderr))
    return got[1]


def _warn(message: str) -> None:
    """One line on stderr: `warning: ...`, the message printed as plain text."""
    click.echo(f"warning: {message}", err=True)


KIND_STYLE = {
    "new": "green",
    "edited": "yellow",
    "deleted": "bold red",
    "restored": "cyan",
    "republished": "magenta",
    "unreachable": "red",
    "recovered": "blue",
    "blocked": "bold yellow",
    "overdue": "bold magenta",
    "expectation_met": "green",
}


def _local(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _jsonl(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, default=str))


def _settings_overrides(ctx: click.Context) -> dict[str, Any]:
    o: dict[str, Any] = dict(ctx.obj["overrides"])
    for pair in ctx.obj["sets"]:
        if "=" not in pair:
            raise click.BadParameter(f"{pair!r}: use NAME=VALUE", param_hint="--set")
        k, v = pair.split("=", 1)
        o[k.strip().replace("-", "_")] = v.strip()
    return o


def _app(ctx: click.Context) -> Onrecord:
    if "app" not in ctx.obj:
        from onrecord.app import Onrecord
        from onrecord.config import load_settings

        ctx.obj["app"] = Onrecord(load_settings(**_settings_overrides(ctx)))
        ctx.call_on_close(ctx.obj["app"].close)
    app: Onrecord = ctx.obj["app"]
    return app


class OnrecordGroup(click.Group):
    """Turns library errors into one line on stderr and exit code 1, wherever the group is invoked."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OnrecordError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"onrecord: error: {exc}", err=True)
            ctx.exit(1)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=OnrecordGroup, context_settings=CONTEXT)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ONRECORD_DATA",
    help="Data folder (database, WARC files, onrecord.toml). Default: ./onrecord-data.",
)
@click.option(
    "--db",
    envvar="ONRECORD_DB",
    help="Database URL, e.g. postgresql://user@host/db. Default: SQLite in the data folder.",
)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a setting (see `onrecord config`); repeatable.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(package_name="onrecord")
@click.pass_context
def cli(
    ctx: click.Context,
    data: Path | None,
    db: str | None,
    sets: tuple[str, ...],
    verbose: int,
    quiet: bool,
    debug: bool,
) -> None:
    """Keep official statements on the record.

    Watch feeds and pages, archive every capture to WARC, and report new statements, real edits,
    deletions, restorations and outages in an append-only findings log.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(overrides={"data": data, "db": db}, sets=sets, debug=debug)
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr)


# -- sources -----------------------------------------------------------------------------------
@cli.command()
@click.argument("url")
@click.option(
    "--kind",
    callback=lambda _ctx, _param, value: _kind_option(value),
    help=f"Source kind: {', '.join(SOURCE_KINDS)} or an installed extension's; guessed when left out.",
)
@click.option("--name", help="Short unique name (default: from the URL).")
@click.option("--actor", help="Who speaks through this source, e.g. 'Aldorian Foreign Ministry'.")
@click.option(
    "--every",
    callback=lambda _ctx, _param, value: _duration_option(value),
    help="Poll interval, e.g. 90s, 5m, 1h (default: setting 'every').",
)
@click.option("--selector", help="CSS selector for the part of a page that matters.")
@click.option("--ignore", help="Regular expression of text to treat as noise.")
@click.option(
    "--option",
    "options",
    multiple=True,
    metavar="KEY=VALUE",
    help="A per-kind option, repeatable (e.g. --option replies=true for a Mastodon account).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add it even when the URL answers 404/410, its host cannot be reached, or it is already watched.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new source as JSON.")
@click.pass_context
def add(
    ctx: click.Context,
    url: str,
    kind: str | None,
    name: str | None,
    actor: str | None,
    every: str | None,
    selector: str | None,
    ignore: str | None,
    options: tuple[str, ...],
    force: bool,
    as_json: bool,
) -> None:
    """Add a source to watch: a feed (RSS, Atom, JSON Feed), a web page or a Mastodon-compatible
    account (https://HOST/@name, Truth Social included).

    The URL is fetched once first: a URL that answers 404 or 410, a host that cannot be reached and a
    URL already watched are refused (exit 1) unless --force is given, which adds it with a warning.
    """
    from onrecord.durations import format_duration

    s = _app(ctx).add_source(
        url,
        kind=kind,
        name=name,
        actor=actor,
        every=every,
        selector=selector,
        ignore=ignore,
        options=_options(options),
        force=force,
        warn=_warn,
        validate=True,
    )
    if as_json:
        _jsonl(_source_json(s))
    else:
        click.echo(f"added {s.name} ({s.kind}, every {format_duration(s.every)}): {s.url}")


def _kind_option(value: str | None) -> str | None:
    """A kind no adapter is registered for is a usage error (exit 2)."""
    if value is None or value in SOURCE_KINDS:
        return value
    from onrecord.sources import registry

    if value not in registry.kinds():
        raise click.BadParameter(f"{value!r} is not one of {', '.join(registry.kinds())}")
    return value


def _options(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        out[key.strip()] = value.strip()
    return out


def _duration_option(value: str | None) -> str | None:
    """A bad duration is a usage error (exit 2), caught before anything is opened."""
    if value is None:
        return None
    from onrecord.durations import parse_duration

    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if seconds < 1:
        raise click.BadParameter("must be at least 1s")
    return value


def _source_json(s: Any, health: dict[str, Any] | None = None) -> dict[str, Any]:
    d = {
        "id": s.id,
        "name": s.name,
        "url": s.url,
        "kind": s.kind,
        "actor": s.actor,
        "every": s.every,
        "selector": s.selector,
        "ignore": s.ignore,
        "options": s.options,
        "paused": s.paused,
        "next_check": s.next_check.isoformat() if s.next_check else None,
    }
    if health:
        d.update(
            status=health["status"],
            last_error=health["last_error"],
            last_check=health["last_check"].isoformat() if health["last_check"] else None,
        )
    return d


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one source per line.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List sources with their schedule and health (ok, failing, unreachable, paused)."""
    rows = _quick_sources(ctx)
    if rows is None:  # PostgreSQL, a schema to upgrade, --set, ...: the full library path
        app = _app(ctx)
        health = app.store.source_rows_status()
        rows = [_source_json(s, health.get(s.id)) for s in app.sources()]
    if as_json:
        for row in rows:
            _jsonl(row)
        return
    if not rows:
        click.echo("no sources yet: add one with `onrecord add URL`", err=True)
        return
    from rich.table import Table
    from rich.text import Text

    from onrecord.durations import format_duration

    t = Table("id", "name", "kind", "every", "actor", "status", "url", box=None, pad_edge=False)
    for col in t.columns[4:]:
        col.overflow = "fold"
    for row in rows:
        st = "paused" if row["paused"] else str(row.get("status") or "ok")
        if row.get("last_error"):
            st += f": {row['last_error']}"
        # Text cells: a server's reason phrase like 'Not Found [/bold]' is shown, never parsed as markup.
        t.add_row(
            str(row["id"]),
            Text(row["name"]),
            row["kind"],
            format_duration(row["every"]),
            Text(row["actor"] or "", overflow="fold"),
            Text(st, overflow="fold"),
            Text(row["url"], overflow="fold"),
        )
    _console().print(t)


def _quick_sources(ctx: click.Context) -> list[dict[str, Any]] | None:
    """`sources` without SQLAlchemy and pydantic (they cost most of a second to import): when the
    database is the SQLite file of the data folder and its schema is current, read it with sqlite3."""
    if ctx.obj["sets"]:
        return None
    path = _sqlite_path(ctx.obj["overrides"].get("data"), ctx.obj["overrides"].get("db"))
    if path is None:
        return None
    from onrecord.store.quick import quick_sources

    return quick_sources(path)


def _sqlite_path(data: Path | None, db: str | None) -> Path | None:
    """The SQLite file that settings would choose (flags and ONRECORD_* come through click), reading
    `db` from onrecord.toml as Settings does; None when that is not a plain SQLite file."""
    folder = Path(data) if data is not None else Path("onrecord-data")
    if db is None:
        toml = folder / "onrecord.toml"
        if toml.is_file():
            import tomllib

            try:
                db = tomllib.loads(toml.read_text(encoding="utf-8")).get("db")
            except (OSError, ValueError):
                return None
    if db is None:
        return folder / "onrecord.db"
    if isinstance(db, str) and db.startswith("sqlite:///") and "?" not in db:
        return Path(db[len("sqlite:///") :])
    return None


@cli.command()
@click.argument("source")
@click.pass_context
def remove(ctx: click.Context, source: str) -> None:
    """Stop watching SOURCE (name, id or URL); its findings stay in the log."""
    s = _app(ctx).remove_source(source)
    click.echo(f"removed {s.name}")


@cli.command()
@click.argument("source")
@click.option("--name", help="A new name.")
@click.option("--actor", help="Who speaks through this source (an empty string clears it).")
@click.option("--every", help="A new interval between checks (30s, 5m, 1h).")
@click.option("--selector", help="CSS selector of the statement on a page (empty clears it).")
@click.option("--ignore", help="Regular expression of text to ignore when comparing versions (empty clears it).")
@click.pass_context
def edit(
    ctx: click.Context, source: str, name: str | None, actor: str | None, every: str | None, selector: str | None,
    ignore: str | None
) -> None:
    """Change SOURCE's name, actor, interval, selector or ignore pattern; its items and findings stay.
    The URL and kind cannot change: a different address is a new source (`onrecord add`)."""
    from onrecord.durations import format_duration

    if all(v is None for v in (name, actor, every, selector, ignore)):
        raise click.UsageError("say what to change: --name, --actor, --every, --selector or --ignore")
    before, after = _app(ctx).edit_source(source, name=name, actor=actor, every=every, selector=selector,
                                          ignore=ignore)
    changes = []
    for key in ("name", "actor", "every", "selector", "ignore"):
        old, new = getattr(before, key), getattr(after, key)
        if old != new:
            show = format_duration if key == "every" else (lambda v: "-" if v is None else str(v))
            changes.append(f"{key} {show(old)} -> {show(new)}")
    click.echo(f"edited {after.name}: {'; '.join(changes) or 'nothing changed'}")


@cli.command()
@click.argument("source")
@click.pass_context
def pause(ctx: click.Context, source: str) -> None:
    """Pause SOURCE: `watch` skips it until `resume`."""
    s = _app(ctx).pause(source, True)
    click.echo(f"paused {s.name}")


@cli.command()
@click.argument("source")
@click.pass_context
def resume(ctx: click.Context, source: str) -> None:
    """Resume a paused SOURCE."""
    s = _app(ctx).pause(source, False)
    click.echo(f"resumed {s.name}")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, file: Path) -> None:
    """Add sources in bulk from a sources.toml ([[source]] tables) or an OPML file."""
    added = _app(ctx).import_sources(file)
    click.echo(f"added {len(added)} source(s) from {file}")


# -- checking ----------------------------------------------------------------------------------
@cli.command()
@click.argument("sources", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print findings of this check as JSON Lines.")
@click.pass_context
def check(ctx: click.Context, sources: tuple[str, ...], as_json: bool) -> None:
    """Check SOURCES now (all unpaused sources when none are named), whatever their schedule.

    Exits 1 when any source's check failed (each failure is one warning line, then a summary line).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from onrecord.loop import run as run_async

    app = _app(ctx)
    err = _console(stderr=True)
    total = len(sources) or sum(1 for s in app.sources() if not s.paused)
    findings: list[Finding] = []
    errors: list[str] = []
    with Progress(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("check", total=total)

        def done(r: Any) -> None:
            findings.extend(r.findings)
            if r.error:
                errors.append(f"{r.source.name}: {r.error}")

        run_async(app.check(sources, on_done=done, on_progress=lambda _: bar.advance(task)))
    findings.sort(key=lambda f: f.id or 0)
    if as_json:
        for f in findings:
            _jsonl(f.to_json())
    else:
        for f in findings:
            _print_finding(f)
        click.echo(f"checked {total} source(s): {len(findings)} finding(s), {len(errors)} with errors")
    for e in errors:
        _warn(e)
    if errors:
        click.echo(f"onrecord: error: {len(errors)} of {total} source(s) failed", err=True)
        ctx.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON Lines as they happen.")
@click.pass_context
def watch(ctx: click.Context, as_json: bool) -> None:
    """Follow each source's schedule until Ctrl-C; the write in progress finishes, then it exits.

    Alert rules (`onrecord alerts`) are delivered as findings come, after each round of checks.
    """
    import asyncio
    import signal

    from onrecord.loop import run as run_async

    app = _app(ctx)

    def done(r: Any) -> None:
        for f in r.findings:
            if as_json:
                _jsonl(f.to_json())
            else:
                _print_finding(f)
        sys.stdout.flush()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        if not as_json:
            click.echo(f"watching {len(app.sources())} source(s); Ctrl-C to stop", err=True)
        await app.watch(stop, on_done=done)

    run_async(run())
    if not as_json:
        click.echo("stopped", err=True)


# -- reading -----------------------------------------------------------------------------------
def _print_finding(f: Finding) -> None:
    from rich.text import Text

    line = Text()
    line.append(_local(f.at), style="dim")
    line.append("  ")
    line.append(f"{f.kind:<12}", style=KIND_STYLE.get(f.kind, ""))
    line.append(f" {f.source}  ")
    if f.item_id is not None:
        line.append(f"item {f.item_id}  ", style="bold")
    title = f.detail.get("title")
    if title:
        line.append(f"{title!r} ")
    line.append(f.url, style="underline")
    extra = {k: v for k, v in f.detail.items() if k in ("words_added", "words_removed", "http_status", "error")}
    if extra:
        line.append("  " + " ".join(f"{k}={v}" for k, v in extra.items()), style="dim")
    _console().print(line)


def parse_since(value: str, now: datetime) -> datetime:
    from onrecord.durations import parse_duration

    try:
        return now - timedelta(seconds=parse_duration(value))
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r}: use a duration (2h, 3d) or an ISO time", param_hint="--since") from None
    return dt if dt.tzinfo else dt.astimezone().astimezone(UTC)


@cli.command()
@click.option("--since", help="Only findings after this: a duration back from now (2h, 7d) or an ISO time.")
@click.option("--kind", "kinds", help=f"Comma-separated kinds: {', '.join(FINDING_KINDS)}.")
@click.option("--source", help="Only this source.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: id, at, kind, source, item, url, detail.")
@click.pass_context
def findings(ctx: click.Context, since: str | None, kinds: str | None, source: str | None, as_json: bool) -> None:
    """Print the findings log, oldest first."""
    app = _app(ctx)
    kind_list = [k.strip() for k in kinds.split(",") if k.strip()] if kinds else None
    for k in kind_list or []:
        if k not in FINDING_KINDS:
            raise click.BadParameter(f"unknown kind {k!r}", param_hint="--kind")
    since_dt = parse_since(since, app.clock.now()) if since else None
    rows = app.findings(since=since_dt, kinds=kind_list, source=source)
    for f in rows:
        if as_json:
            _jsonl(f.to_json())
        else:
            _print_finding(f)
    if not rows and not as_json:
        click.echo("no findings", err=True)


@cli.command()
@click.argument("item")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the item and all its versions.")
@click.pass_context
def show(ctx: click.Context, item: str, as_json: bool) -> None:
    """Show ITEM (id, key or URL) with all its versions."""
    it, versions = _app(ctx).versions(item)
    if as_json:
        _jsonl(
            {
                "id": it.id,
                "key": it.key,
                "url": it.url,
                "title": it.title,
                "state": it.state,
                "first_seen": it.first_seen.isoformat(),
                "last_seen": it.last_seen.isoformat(),
                "versions": [
                    {
                        "id": v.id,
                        "seq": v.seq,
                        "at": v.at.isoformat(),
                        "title": v.title,
                        "text": v.text,
                        "text_hash": v.text_hash,
                        "capture_id": v.capture_id,
                    }
                    for v in versions
                ],
            }
        )
        return
    from rich.text import Text

    out = _console()
    out.print(Text(it.title or it.key, style="bold") + Text(f"  ({it.state})"))
    out.print(Text(f"item {it.id}  key {it.key}\n{it.url}"))
    out.print(f"first seen {_local(it.first_seen)}, last seen {_local(it.last_seen)}")
    for v in versions:
        out.rule(f"v{v.seq}  {_local(v.at)}")
        if v.title and v.title != it.title:
            out.print(Text(v.title, style="bold"))
        out.print(Text(v.text))


@cli.command()
@click.argument("item")
@click.argument("v1", type=int, required=False)
@click.argument("v2", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="The word diff as JSON: [[op, words], ...].")
@click.option("--full", is_flag=True, help="Show all unchanged text, not just the words around each change.")
@click.pass_context
def diff(ctx: click.Context, item: str, v1: int | None, v2: int | None, as_json: bool, full: bool) -> None:
    """Word diff between two versions of ITEM (default: the last two); removed words red, added green."""
    from rich.text import Text

    from onrecord.detect import word_diff

    it, versions = _app(ctx).versions(item)
    by_seq = {v.seq: v for v in versions}
    if len(versions) < 2 and v1 is None:
        raise OnrecordError(f"item {it.id} has {len(versions)} version(s): nothing to compare")
    a = by_seq.get(v1) if v1 is not None else versions[-2]
    b = by_seq.get(v2) if v2 is not None else (versions[-1] if v1 is None else None)
    if b is None and v1 is not None and v2 is None:
        b = versions[-1]
    if a is None or b is None:
        raise OnrecordError(f"item {it.id} has versions {', '.join(str(s) for s in by_seq)}")
    ops = word_diff(a.text, b.text)
    if as_json:
        _jsonl({"item": it.id, "from": a.seq, "to": b.seq, "diff": ops})
        return
    out = _console()
    span = f": v{a.seq} ({_local(a.at)}) → v{b.seq} ({_local(b.at)})"
    out.print(Text(it.title or it.key, style="bold") + Text(span))
    t = Text()
    for i, (op, words) in enumerate(ops):
        if op == "=" and not full:
            w = words.split()
            head = w[:8] if i > 0 else []
            tail = w[-8:] if i < len(ops) - 1 else []
            if len(w) > len(head) + len(tail) + 4:
                t.append(" ".join(head) + (" " if head else ""))
                t.append("… ", style="dim")
                t.append(" ".join(tail) + (" " if tail else ""))
                continue
        style = {"-": "bold red strike", "+": "bold green"}.get(op, "")
        t.append(
            ("[-" + words + "-]" if op == "-" else "{+" + words + "+}" if op == "+" else words) + " ",
            style=style,
        )
    out.print(t)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as one JSON object.")
@click.pass_context
def config(ctx: click.Context, as_json: bool) -> None:
    """Show the effective settings (defaults < onrecord.toml < ONRECORD_* < flags)."""
    from rich.table import Table
    from rich.text import Text

    from onrecord.config import load_settings

    s = load_settings(**_settings_overrides(ctx))
    values = s.public()
    if as_json:
        _jsonl(values)
        return
    t = Table("setting", "value", "meaning", box=None, pad_edge=False)
    for name, field in type(s).model_fields.items():
        t.add_row(name, Text(str(values[name]), overflow="fold"), field.description or "")
    _console().print(t)


# -- simulator and demo ------------------------------------------------------------------------
@cli.group()
def sim() -> None:
    """The simulator: scripted worlds on 127.0.0.1 with ground truth."""


@sim.command("run")
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print the score as one JSON object.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), help="Keep the data folder here.")
@click.pass_context
def sim_run(ctx: click.Context, scenario: str, as_json: bool, keep: Path | None) -> None:
    """Play SCENARIO (a built-in name or a .toml file) against a watcher on virtual time; print the score."""
    from onrecord.loop import run as run_async
    from onrecord.sim.run import run_scenario
    from onrecord.sim.score import render

    result = run_async(run_scenario(scenario, data=keep, db=ctx.obj["overrides"].get("db")))
    if as_json:
        _jsonl(result.report.to_json())
    else:
        render(result.report, _console())


@cli.command()
@click.option(
    "--data",
    "demo_data",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    hidden=True,  # kept for old scripts: `onrecord --data DIR demo` is the way
)
@click.option("--serve", is_flag=True, help="After the story, serve the web UI on 127.0.0.1 (see `onrecord serve`).")
@click.option("--social", is_flag=True,
              help="The social story instead: a leader's post on a Mastodon-compatible server is deleted and "
                   "re-posted under a new id, with the evidence folder of the deleted post.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port for --serve.")
@click.pass_context
def demo(ctx: click.Context, demo_data: Path | None, serve: bool, social: bool, port: int) -> None:
    """Play the built-in offline demo: two governments, a phone call, edits, a deletion, an outage.

    The story is told as a timeline; the data folder (the global --data, default ./onrecord-demo)
    stays for `findings`, `show`, `diff` and `compare`, with the exact commands printed at the end.
    The simulator's scores for the same world: `onrecord sim run demo`.
    """
    from rich.console import Console

    from onrecord.demo import DEMO_FOLDER, run_demo

    folder = demo_data or ctx.obj["overrides"].get("data") or DEMO_FOLDER
    if social:
        from onrecord.demo_social import run_social_demo

        run_social_demo(folder, Console(highlight=False))
    else:
        run_demo(folder, Console(highlight=False))  # wraps at the terminal's width (80 columns stay readable)
    if serve:
        from onrecord.app import Onrecord
        from onrecord.cli_web import serve as serve_web
        from onrecord.sim.run import sim_settings

        with Onrecord(sim_settings(folder, None)) as core:
            serve_web(core, "127.0.0.1", port)


# -- database ----------------------------------------------------------------------------------
@cli.group()
def db() -> None:
    """The database: schema version and upgrades (migrations run by command or when the schema is behind)."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the database schema to this version of onrecord (nothing to do when it is current)."""
    from onrecord.config import load_settings
    from onrecord.store import Store

    settings = load_settings(**_settings_overrides(ctx))
    settings.data.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url)
    try:
        changed = store.ensure_schema()
        click.echo(f"database schema {'upgraded to' if changed else 'already at'} {store.schema_version()}")
        indexed, done = 0, False
        while not done:  # one bounded transaction per batch: an interrupted backfill resumes here or in watch
            n, done = store.backfill_sketches()
            indexed += n
        if indexed:
            click.echo(f"re-publication index: {indexed} earlier versions indexed")
    finally:
        store.close()


def _register_extensions() -> None:
    from onrecord import cli_alerts, cli_archive, cli_events, cli_evidence, cli_search, cli_web

    cli_archive.register(cli)
    cli_events.register(cli)
    cli_evidence.register(cli)
    cli_search.register(cli)
    cli_alerts.register(cli)
    cli_web.register(cli)
    try:
        from onrecord import cli_compare
    except ImportError:
        return
    cli_compare.register(cli)


_register_extensions()


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors are one line on stderr; exit 1 for failures, 2 for usage errors."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # standalone_mode=False returns the exit code of ctx.exit() instead of calling sys.exit:
        # pass it on, or every error would exit 0.
        code = cli.main(args=argv, prog_name="onrecord", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        click.echo(f"onrecord: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"onrecord: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (OnrecordError, ConfigError) as exc:
        if debug:
            raise
        click.echo(f"onrecord: error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
