"""Errors raised by onrecord.

Every error carries one actionable line: what failed, where, and what to do.

    OnrecordError
    ├── ConfigError        a setting or flag has a bad value
    ├── SourceError        a source cannot be added, found or parsed
    ├── FetchError         a network call failed (timeouts, refused addresses, caps)
    ├── ArchiveError       a WARC file cannot be written or read back
    ├── StoreError         the database refused an operation
    ├── CompareError       two statements cannot be compared
    ├── SearchError        a search query cannot be read
    └── AlertError         an alert rule is bad, unknown or cannot be delivered
"""

from __future__ import annotations


class OnrecordError(Exception):
    """Base class: the message is one line meant for a person."""


class ConfigError(OnrecordError):
    pass


class SourceError(OnrecordError):
    pass


class FetchError(OnrecordError):
    pass


class ArchiveError(OnrecordError):
    pass


class StoreError(OnrecordError):
    pass


class CompareError(OnrecordError):
    pass


class SearchError(OnrecordError):
    pass


class AlertError(OnrecordError):
    pass
