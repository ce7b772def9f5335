from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from onrecord.clock import VirtualClock
from onrecord.sim.scenario import Scenario, parse_scenario
from onrecord.sim.server import SimServer

BASE: dict[str, Any] = {
    "name": "t",
    "start": "2026-03-12T09:00:00Z",
    "duration": "3h",
    "sites": [
        {"id": "a", "title": "Office A", "feed_window": 3},
        {"id": "b", "title": "Амт Б", "lang": "ru", "charset": "windows-1251", "charset_header": False},
        {"id": "c", "title": "Office C", "feed": "atom", "page_validators": "both"},
    ],
    "sources": [
        {"site": "a", "kind": "feed", "path": "/feed.xml", "name": "A feed", "every": "5m"},
        {"site": "a", "kind": "page", "path": "/statements/one", "name": "A one", "every": "2m"},
        {"site": "b", "kind": "feed", "path": "/feed.xml", "name": "B feed", "every": "5m"},
    ],
    "events": [
        {
            "at": "0s",
            "do": "publish",
            "site": "a",
            "item": "one",
            "title": "One",
            "text": "First.\n\nSecond.",
        },
        {"at": "10m", "do": "publish", "site": "a", "item": "two", "title": "Two", "text": "Two text."},
        {
            "at": "0s",
            "do": "publish",
            "site": "b",
            "item": "ru",
            "title": "Заявление",
            "text": "Текст заявления.",
        },
        {"at": "0s", "do": "publish", "site": "c", "item": "cc", "title": "C", "text": "C text."},
        {"at": "20m", "do": "edit", "item": "one", "text": "First, amended.\n\nSecond."},
        {"at": "30m", "do": "cosmetic", "item": "two"},
        {"at": "40m", "do": "delete", "item": "two", "status": 410},
        {"at": "50m", "do": "outage", "site": "a", "for": "20m", "mode": "5xx"},
        {"at": "80m", "do": "outage", "site": "a", "for": "10m", "mode": "down"},
        {"at": "100m", "do": "outage", "site": "a", "for": "10m", "mode": "timeout"},
        {"at": "115m", "do": "rate_limit", "site": "a", "for": "5m", "retry_after": 90},
        {"at": "120m", "do": "malformed", "site": "a", "for": "5m"},
        {"at": "125m", "do": "oversized", "site": "a", "for": "5m", "size": 3_000_000},
        {"at": "130m", "do": "flap", "item": "one", "for": "10m"},
        {"at": "140m", "do": "restore", "item": "two"},
        {"at": "150m", "do": "republish", "item": "one-again", "of": "one", "path": "/statements/one-again"},
    ],
}


def make(**changes: Any) -> Scenario:
    return parse_scenario({**BASE, **changes})


@pytest.fixture
def base_data() -> dict[str, Any]:
    return BASE


@pytest.fixture
def make_scenario():
    return make


@pytest.fixture
def scenario() -> Scenario:
    return make()


@pytest.fixture
async def world(scenario: Scenario):
    clock = VirtualClock(scenario.start)
    async with SimServer(scenario, clock, hold_max=2.0) as sim, aiohttp.ClientSession() as http:
        yield sim, clock, http
