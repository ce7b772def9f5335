"""Durations as people write them (90s, 5m, 1h30m, 7d); standard library only, so the CLI can
format them without loading the settings machinery."""

from __future__ import annotations

import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")


def parse_duration(value: str | float | int) -> float:
    """'90', '90s', '5m', '2h', '7d' -> seconds."""
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([smhdw]?)", value)
    if not parts or "".join(n + u for n, u in parts) != re.sub(r"\s+", "", value):
        raise ValueError(f"{value!r} is not a duration (use e.g. 30s, 5m, 2h, 7d, 1h30m)")
    return float(sum(float(n) * _UNITS[u or "s"] for n, u in parts))


def format_duration(seconds: float) -> str:
    seconds = float(seconds)
    for unit in ("w", "d", "h", "m"):
        size = _UNITS[unit]
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
