"""Bulk source lists: `sources.toml` and OPML."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from lxml import etree

from onrecord.errors import SourceError

_KEYS = {"url", "kind", "name", "actor", "every", "selector", "ignore"}


def read_sources_file(path: Path) -> list[dict[str, Any]]:
    """Source specs from a `.toml` ([[source]] tables) or an OPML file (outline xmlUrl/htmlUrl)."""
    if not path.is_file():
        raise SourceError(f"no such file: {path}")
    if path.suffix.lower() == ".toml":
        return _toml(path)
    return _opml(path)


def _toml(path: Path) -> list[dict[str, Any]]:
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: not valid TOML: {exc}") from None
    entries = doc.get("source", doc.get("sources", []))
    if not isinstance(entries, list):
        raise SourceError(f"{path}: expected [[source]] tables")
    out = []
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict) or "url" not in e:
            raise SourceError(f"{path}: source #{i} has no url")
        unknown = set(e) - _KEYS
        if unknown:
            raise SourceError(f"{path}: source #{i} has unknown keys: {', '.join(sorted(unknown))}")
        out.append({k: (str(v) if v is not None else None) for k, v in e.items()})
    return out


def _opml(path: Path) -> list[dict[str, Any]]:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{path}: not valid OPML: {exc}") from None
    out = []
    for node in root.iter("outline"):
        url = node.get("xmlUrl")
        kind = "feed"
        if not url:
            url, kind = node.get("htmlUrl") or node.get("url"), "page"
        if not url:
            continue
        name = node.get("title") or node.get("text")
        out.append({"url": url, "kind": kind, "name": name or None})
    return out
