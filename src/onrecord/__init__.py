"""onrecord: keep official statements on the record.

The public API is what `__all__` lists; the CLI is a thin layer over `Onrecord`. Names load on first
use (PEP 562), so `import onrecord.cli` stays quick: the CLI starts without the database and
network libraries until a command needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onrecord.alerts import AlertRule
    from onrecord.app import Onrecord
    from onrecord.archive import Archive
    from onrecord.clock import Clock, SystemClock, VirtualClock
    from onrecord.config import Settings, load_settings
    from onrecord.errors import (
        AlertError,
        ArchiveError,
        CompareError,
        ConfigError,
        FetchError,
        OnrecordError,
        SearchError,
        SourceError,
        StoreError,
    )
    from onrecord.records import Capture, FetchResult, Finding, Item, ParsedItem, Source, Validators, Version
    from onrecord.search import SearchHit

__version__ = "0.1.0"

_WHERE = {
    "Onrecord": "onrecord.app",
    "AlertRule": "onrecord.alerts",
    "AlertError": "onrecord.errors",
    "SearchError": "onrecord.errors",
    "SearchHit": "onrecord.search",
    "Archive": "onrecord.archive",
    "Clock": "onrecord.clock",
    "SystemClock": "onrecord.clock",
    "VirtualClock": "onrecord.clock",
    "Settings": "onrecord.config",
    "load_settings": "onrecord.config",
    "ArchiveError": "onrecord.errors",
    "CompareError": "onrecord.errors",
    "ConfigError": "onrecord.errors",
    "FetchError": "onrecord.errors",
    "OnrecordError": "onrecord.errors",
    "SourceError": "onrecord.errors",
    "StoreError": "onrecord.errors",
    "Capture": "onrecord.records",
    "FetchResult": "onrecord.records",
    "Finding": "onrecord.records",
    "Item": "onrecord.records",
    "ParsedItem": "onrecord.records",
    "Source": "onrecord.records",
    "Validators": "onrecord.records",
    "Version": "onrecord.records",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
    value = getattr(import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AlertError",
    "AlertRule",
    "Archive",
    "ArchiveError",
    "Capture",
    "Clock",
    "CompareError",
    "ConfigError",
    "FetchError",
    "FetchResult",
    "Finding",
    "Item",
    "Onrecord",
    "OnrecordError",
    "ParsedItem",
    "SearchError",
    "SearchHit",
    "Settings",
    "Source",
    "SourceError",
    "StoreError",
    "SystemClock",
    "Validators",
    "Version",
    "VirtualClock",
    "__version__",
    "load_settings",
]
