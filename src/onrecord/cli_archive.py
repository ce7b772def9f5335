"""`onrecord verify` and `onrecord export`: registered on the main group by `register(group)`."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import click

__all__ = ["export_command", "register", "verify_command"]


def _app(ctx: click.Context) -> Any:
    from onrecord.cli import _app as app_of  # the CLI's own --data/--db/--set choices

    return app_of(ctx.find_root())


def _size(n: int) -> str:
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


@click.command("verify")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one line per file, one per problem, then a summary.")
@click.option("--all", "show_all", is_flag=True, help="List every problem, not the first few of each kind.")
@click.pass_context
def verify_command(ctx: click.Context, as_json: bool, show_all: bool) -> None:
    """Check every WARC file and every index row; exit 1 when something is wrong.

    Each file must read to its end, gzip member by member (a record cut short, bytes that are not
    gzip, a record whose digest does not match are problems); each index row must point at a whole
    record for its URL; each revisit must refer to a payload that is in the archive. Reads only.
    """
    from rich.console import Console

    from onrecord.verify import FileScan

    app = _app(ctx)
    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, soft_wrap=True)
    files: list[FileScan] = []

    def on_file(scan: FileScan) -> None:
        files.append(scan)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "type": "file",
                        "file": scan.name,
                        "bytes": scan.size,
                        "records": len(scan.records),
                        "readable_bytes": scan.readable_end,
                        "in_use": scan.live,
                        "problem": scan.problem,
                    }
                )
            )
        elif err.is_terminal:
            err.print(f"read {scan.name}", markup=False, end="\r")

    report = app.verify(on_file=on_file)
    if as_json:
        for p in report.problems:
            click.echo(json.dumps(p.to_json(), ensure_ascii=False))
        click.echo(json.dumps(report.summary()))
    else:
        for scan in files:
            state = scan.problem or "ok"
            if scan.live:
                state += " (being written by a running process)"
            out.print(f"{scan.name}: {len(scan.records)} records, {_size(scan.size)}: {state}", markup=False)
        groups: dict[tuple[str, str | None], list[Any]] = defaultdict(list)
        for p in report.problems:
            if p.kind not in ("truncated", "corrupt") or p.file not in {f.name for f in files}:
                groups[(p.kind, p.file)].append(p)
        for (_kind, _file), probs in groups.items():
            shown = probs if show_all else probs[:3]
            for p in shown:
                out.print(f"problem: {p.message}", markup=False)
            if len(probs) > len(shown):
                out.print(f"problem: … and {len(probs) - len(shown)} more like these (--all lists them)", markup=False)
        s = report.summary()
        verdict = "no problems" if report.ok else f"{s['problems']} problem(s)"
        out.print(
            f"verified {s['files']} WARC file(s) ({_size(s['bytes'])}, {s['records']} records), "
            f"{s['index_rows']} index rows, {s['revisits']} revisits: {verdict}",
            markup=False,
        )
    if not report.ok:
        ctx.exit(1)


@click.command("export")
@click.option(
    "--wacz",
    "wacz_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the archive as a WACZ file (WARC files, CDXJ index, page list) for ReplayWeb.page and pywb.",
)
@click.option("--opml", "opml_file", type=click.Path(dir_okay=False, path_type=Path), help="Write the sources as OPML.")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the sources as sources.toml, every setting kept (`onrecord import` reads it back).",
)
@click.pass_context
def export_command(
    ctx: click.Context, wacz_file: Path | None, opml_file: Path | None, sources_file: Path | None
) -> None:
    """Export the archive or the sources for other tools; give one or more of the options."""
    if not (wacz_file or opml_file or sources_file):
        raise click.UsageError("give --wacz FILE, --opml FILE or --sources FILE")
    app = _app(ctx)
    if opml_file:
        n = app.export_sources(opml_file, "opml")
        click.echo(f"wrote {n} source(s) to {opml_file}")
    if sources_file:
        n = app.export_sources(sources_file, "toml")
        click.echo(f"wrote {n} source(s) to {sources_file}")
    if wacz_file:
        res = app.export_wacz(wacz_file)
        click.echo(f"wrote {res.path}: {res.files} WARC file(s), {res.pages} page(s), {_size(res.bytes)}")


def register(group: click.Group) -> None:
    """Add `verify` and `export` to the main command group."""
    group.add_command(verify_command)
    group.add_command(export_command)
