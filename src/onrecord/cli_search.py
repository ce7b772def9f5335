"""`onrecord search`: registered on the main group by `register(group)`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

__all__ = ["register", "search_command"]


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _time(ctx: click.Context, value: str | None, hint: str) -> datetime | None:
    if value is None:
        return None
    from onrecord.cli import _app, parse_since

    try:
        return parse_since(value, _app(ctx.find_root()).clock.now())
    except click.BadParameter as exc:
        raise click.BadParameter(exc.message.replace("--since", hint), param_hint=hint) from None


@click.command("search")
@click.argument("query")
@click.option("--kind", "kinds", multiple=True, help="Only sources of these kinds (feed, page, ...); comma-separated.")
@click.option("--source", "sources", multiple=True, help="Only these sources (name, id or URL); repeatable.")
@click.option("--actor", "actors", multiple=True, help="Only sources of this actor; repeatable.")
@click.option("--since", help="Only versions from after this: a duration back from now (2h, 7d) or an ISO time.")
@click.option("--until", help="Only versions from before this: a duration back from now or an ISO time.")
@click.option("--current", is_flag=True, help="Only each item's current version.")
@click.option("--item", help="Only the versions of this item (id, key or URL).")
@click.option(
    "--order", type=click.Choice(["newest", "oldest", "relevance"]), default="newest", show_default=True
)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Most hits to show.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many hits (the next page).")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one hit per line, with match spans.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: str,
    kinds: tuple[str, ...],
    sources: tuple[str, ...],
    actors: tuple[str, ...],
    since: str | None,
    until: str | None,
    current: bool,
    item: str | None,
    order: str,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search the text of every version of every item.

    QUERY: words (all must occur), "a phrase", a OR b, -excluded, prefix*. Matches are highlighted;
    exit 0 with nothing printed to stdout when nothing matches.
    """
    from onrecord.cli import _app, _jsonl, _local

    app = _app(ctx.find_root())
    hits = app.search(
        query,
        source_kinds=_split(kinds),
        sources=_split(sources),
        actors=list(actors),
        since=_time(ctx, since, "--since"),
        until=_time(ctx, until, "--until"),
        current_only=current,
        item=item,
        limit=limit,
        offset=offset,
        order=order,
    )
    if as_json:
        for h in hits:
            _jsonl(h.to_json())
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    if not hits:
        click.echo(f"no version matches {query!r}", err=True)
        return
    for h in hits:
        head = Text()
        head.append(_local(h.at), style="dim")
        head.append(f"  item {h.item_id} v{h.seq}", style="bold")
        head.append("" if h.current else " (older version)", style="dim")
        if h.item_state != "live":
            head.append(f" [{h.item_state}]", style="red")
        head.append(f"  {h.source}")
        if h.actor:
            head.append(f" ({h.actor})", style="dim")
        console.print(head)
        if h.title:
            console.print(_marked("  ", h.title, h.title_marks, "bold"))
        console.print(_marked("  ", " ".join(h.snippet.split()), _squeeze_marks(h.snippet, h.marks), ""))
        console.print(Text(f"  {h.url}", style="underline"))
    if len(hits) == limit:
        click.echo(f"first {limit} hits from {offset}; --offset {offset + limit} for more", err=True)


def _marked(indent: str, text: str, marks: Any, style: str) -> Any:
    from rich.text import Text

    t = Text(indent + text, style=style)
    for a, b in marks:
        t.stylize("reverse bold yellow", len(indent) + a, len(indent) + b)
    return t


def _squeeze_marks(text: str, marks: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """Match spans moved to where they fall once runs of white space are collapsed to one space."""
    mapping: list[int] = []
    out = 0
    prev_space = False
    started = False
    for ch in text:
        space = ch.isspace()
        if space and (prev_space or not started):
            mapping.append(out)
        else:
            mapping.append(out)
            out += 1
            started = True
        prev_space = space
    mapping.append(out)
    return [(mapping[a], mapping[b]) for a, b in marks]


def register(group: click.Group) -> None:
    group.add_command(search_command)
