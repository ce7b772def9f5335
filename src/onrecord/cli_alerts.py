"""`onrecord alerts add/list/remove/test/run`: registered on the main group by `register(group)`."""

from __future__ import annotations

import sys
from typing import Any

import click

__all__ = ["alerts_group", "register"]


def _app(ctx: click.Context) -> Any:
    from onrecord.cli import _app as app_of

    return app_of(ctx.find_root())


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.group("alerts")
def alerts_group() -> None:
    """Alert rules: be told (mail, chat, webhook, ...) when findings match.

    Notification URLs are Apprise URLs (mailto://, json://, ntfy://, tgram://, slack://, ...). They
    are secrets: shown masked and never logged or exported. `onrecord watch` delivers alerts as it
    goes; `onrecord alerts run` delivers what is due once (for cron after `onrecord check`).
    """


@alerts_group.command("add")
@click.argument("name")
@click.option(
    "--url",
    "urls",
    multiple=True,
    required=True,
    help="Apprise notification URL; repeatable. '-' reads URLs from standard input, one a line "
    "(keeps them out of the shell history).",
)
@click.option("--kind", "kinds", multiple=True, help="Only findings of these kinds (comma-separated).")
@click.option("--source", "sources", multiple=True, help="Only findings of these sources; repeatable.")
@click.option("--actor", "actors", multiple=True, help="Only findings of sources of this actor; repeatable.")
@click.option(
    "--keyword", "keywords", multiple=True, help="Only findings whose statement has this word or phrase; repeatable."
)
@click.option("--digest", help="Send one list per period (1h, 1d) instead of one message per finding.")
@click.option("--backlog", is_flag=True, help="Also alert the findings already in the log.")
@click.pass_context
def add_command(
    ctx: click.Context,
    name: str,
    urls: tuple[str, ...],
    kinds: tuple[str, ...],
    sources: tuple[str, ...],
    actors: tuple[str, ...],
    keywords: tuple[str, ...],
    digest: str | None,
    backlog: bool,
) -> None:
    """Add an alert rule NAME: immediate by default, a digest with --digest."""
    from onrecord.durations import parse_duration

    given: list[str] = []
    for u in urls:
        given += [line.strip() for line in sys.stdin.read().splitlines()] if u == "-" else [u]
    seconds = None
    if digest is not None:
        try:
            seconds = parse_duration(digest)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--digest") from None
    rule = _app(ctx).alerts.add(
        name,
        given,
        kinds=_split(kinds),
        sources=list(sources),
        actors=list(actors),
        keywords=list(keywords),
        digest=seconds,
        backlog=backlog,
    )
    what = f"a digest every {digest}" if digest else "immediate"
    click.echo(f"added alert rule {rule.name!r} ({what}) to {', '.join(rule.targets)}")


@alerts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one rule per line (URLs masked).")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the alert rules with their last delivery and last error (URLs masked)."""
    from onrecord.cli import _jsonl, _local
    from onrecord.durations import format_duration

    rules = _app(ctx).alerts.list()
    if as_json:
        for r in rules:
            _jsonl(r.to_json())
        return
    if not rules:
        click.echo("no alert rules; add one with `onrecord alerts add NAME --url URL`", err=True)
        return
    for r in rules:
        mode = f"digest every {format_duration(r.digest_every or 0)}" if r.mode == "digest" else "immediate"
        click.echo(f"{r.name}  {mode}  -> {', '.join(r.targets)}")
        filters = [
            f"{label}: {', '.join(values)}"
            for label, values in (("kinds", r.kinds), ("sources", r.sources), ("actors", r.actors))
            if values
        ]
        if r.keywords:
            filters.append("keywords: " + ", ".join(repr(k) for k in r.keywords))
        click.echo(f"  matches {'; '.join(filters) if filters else 'every finding'}")
        sent = f"last sent {_local(r.last_sent_at)}" if r.last_sent_at else "nothing sent yet"
        click.echo(f"  {r.sent_count} finding(s) sent, {sent}; read up to finding #{r.cursor}")
        if r.last_error:
            retry = f"; next try {_local(r.retry_at)}" if r.retry_at and r.fail_count else ""
            when = _local(r.last_error_at) if r.last_error_at else "?"
            click.echo(f"  last error ({when}, {r.fail_count} failure(s) in a row{retry}): {r.last_error}")


@alerts_group.command("remove")
@click.argument("name")
@click.pass_context
def remove_command(ctx: click.Context, name: str) -> None:
    """Remove the alert rule NAME."""
    _app(ctx).alerts.remove(name)
    click.echo(f"removed alert rule {name!r}")


@alerts_group.command("test")
@click.argument("name")
@click.pass_context
def test_command(ctx: click.Context, name: str) -> None:
    """Send a test notification through rule NAME now; exit 1 with the reason when it does not arrive."""
    _app(ctx).alerts.test(name)
    click.echo(f"test notification sent for alert rule {name!r}")


@alerts_group.command("run")
@click.pass_context
def run_command(ctx: click.Context) -> None:
    """Deliver what is due once (new findings, digests whose time has come, retries); exit 1 if a rule failed."""
    result = _app(ctx).alerts.deliver()
    click.echo(f"sent {result.sent} notification(s) covering {result.findings} finding(s)")
    for name, err in result.failed.items():
        click.echo(f"onrecord: error: alert rule {name!r} not delivered (will retry): {err}", err=True)
    if result.failed:
        ctx.exit(1)


def register(group: click.Group) -> None:
    group.add_command(alerts_group)
