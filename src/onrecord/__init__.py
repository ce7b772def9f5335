"""onrecord: keep official statements on the record.

The public API is what `__all__` lists; the CLI is a thin layer over `Onrecord`.
"""

from onrecord.app import Onrecord
from onrecord.archive import Archive
from onrecord.clock import Clock, SystemClock, VirtualClock
from onrecord.config import Settings, load_settings
from onrecord.errors import (
    ArchiveError,
    CompareError,
    ConfigError,
    FetchError,
    OnrecordError,
    SourceError,
    StoreError,
)
from onrecord.records import Capture, FetchResult, Finding, Item, ParsedItem, Source, Validators, Version

__version__ = "0.1.0"

__all__ = [
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
