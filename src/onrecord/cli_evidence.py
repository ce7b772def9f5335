"""`onrecord evidence`: registered on the main group by `register(group)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

__all__ = ["evidence_command", "register"]


def _app(ctx: click.Context) -> Any:
    from onrecord.cli import _app as app_of  # the CLI's own --data/--db/--set choices

    return app_of(ctx.find_root())


@click.command("evidence")
@click.argument("item")
@click.option(
    "--version",
    "version",
    type=click.IntRange(min=1),
    help="Render only this version's image (default: every version's).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write; it must not exist or be empty.",
)
@click.option(
    "--browser", help="The Chromium to render with (default: chromium, chromium-browser or google-chrome on PATH)."
)
@click.pass_context
def evidence_command(ctx: click.Context, item: str, version: int | None, out: Path, browser: str | None) -> None:
    """Write the evidence for one statement (ITEM: id, key or URL) into a new folder.

    The folder holds every version's text with its times (versions.txt, versions.json), a PNG of
    the archived page of each version rendered by headless Chromium from the archive only (never
    the live site; scripts off), the item's raw captures as a WACZ for ReplayWeb.page, a README.txt
    and a manifest with the SHA-256 of every file. Needs no network.
    """
    app = _app(ctx)
    res = app.evidence(item, out, version=version, browser=browser)
    click.echo(
        f"wrote {res.path}: {res.versions} version(s), {res.images} image(s), "
        f"{res.captures} capture(s) in captures.wacz, {len(res.files)} file(s) with SHA-256 in manifest.json"
    )


def register(group: click.Group) -> None:
    """Add `evidence` to the main command group."""
    group.add_command(evidence_command)
