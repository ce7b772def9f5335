"""Regenerate docs/cli.md from the commands' own --help, so the reference cannot drift.

    python docs/gen_cli_reference.py          # rewrite docs/cli.md
    python docs/gen_cli_reference.py --check  # exit 1 if docs/cli.md is stale (used by the tests)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from onrecord.cli import cli

OUT = Path(__file__).with_name("cli.md")


def commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    out = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        out.append([*prefix, name])
        if isinstance(cmd, click.Group):
            out.extend(commands(cmd, [*prefix, name]))
    return out


def render() -> str:
    runner = CliRunner()
    parts = [
        "# CLI reference\n",
        "Generated from `--help` by `docs/gen_cli_reference.py`; do not edit by hand.\n",
    ]
    for path in [[], *commands(cli, [])]:
        res = runner.invoke(cli, [*path, "--help"], terminal_width=100)
        title = " ".join(["onrecord", *path])
        parts.append(f"## `{title}`\n\n```\n{res.output.rstrip()}\n```\n")
    return "\n".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("docs/cli.md is stale: run python docs/gen_cli_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
