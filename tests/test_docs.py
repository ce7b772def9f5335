"""Docs are tested: the CLI reference is current, every command and every setting is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

import onrecord
from onrecord.cli import cli
from onrecord.config import Settings

DOCS = Path(__file__).parent.parent / "docs"


def test_cli_reference_is_current() -> None:
    r = subprocess.run([sys.executable, str(DOCS / "gen_cli_reference.py"), "--check"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def test_every_command_has_help() -> None:
    def walk(group: click.Group, path: str) -> None:
        for name, cmd in group.commands.items():
            assert cmd.help and cmd.help.strip(), f"{path} {name} has no help"
            if isinstance(cmd, click.Group):
                walk(cmd, f"{path} {name}")

    walk(cli, "onrecord")


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    for name, field in Settings.model_fields.items():
        assert f"`{name}`" in text, f"setting {name} missing from docs/configuration.md"
        assert field.description, f"setting {name} has no description"


def test_public_api_is_what_all_lists() -> None:
    for name in onrecord.__all__:
        assert hasattr(onrecord, name), name
    public = {n for n in dir(onrecord) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(onrecord, n)).__name__ == "module"}
    assert public - modules <= set(onrecord.__all__)


def test_docs_index_links_exist() -> None:
    index = (DOCS / "index.md").read_text()
    import re

    for target in re.findall(r"\]\(([^)]+\.md)\)", index):
        assert (DOCS / target).exists(), f"docs/index.md links to missing {target}"
