"""Scale worlds for benchmarks: many ~5 KB page sources, cheap to serve (cached bodies, ETag/304)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from onrecord.sim.render import scale_text
from onrecord.sim.scenario import Scenario, parse_scenario


def generate_scale_scenario(
    n_sources: int,
    change_fraction: float = 0.1,
    *,
    size: int = 5000,
    sites: int = 1,
    every: str = "5m",
    change_at: str = "10m",
    duration: str = "1h",
    start: datetime | None = None,
    seed: int = 0,
) -> Scenario:
    """n page sources spread over `sites` sites, all published before `start`; at `change_at`,
    `change_fraction` of them get a substantive edit. Pages carry no volatile footer and send ETag and
    Last-Modified, so unchanged re-checks can be 304s. `SimServer.change_pages()` edits more at run time."""
    start = start or datetime(2026, 3, 1, tzinfo=UTC)
    before = start - timedelta(days=1)
    site_specs: list[dict[str, Any]] = [
        {
            "id": f"s{k}",
            "title": f"Scale Office {k}",
            "feed_window": 20,
            "volatile_footer": False,
            "page_validators": "both",
        }
        for k in range(sites)
    ]
    events: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    for i in range(n_sources):
        site = f"s{i % sites}"
        path = f"/p/{i:06d}"
        item = f"p{i:06d}"
        events.append(
            {
                "at": before,
                "do": "publish",
                "site": site,
                "item": item,
                "title": f"Statement {i}",
                "text": scale_text(i, size),
                "path": path,
            }
        )
        sources.append({"site": site, "kind": "page", "path": path, "name": f"page {i}", "every": every})
    rng = random.Random(seed)
    for i in sorted(rng.sample(range(n_sources), round(n_sources * change_fraction))):
        text = scale_text(i, size) + f"\n\nAmended: figure revised to {rng.randint(10, 99)} per cent."
        events.append({"at": change_at, "do": "edit", "item": f"p{i:06d}", "text": text})
    data = {
        "name": f"scale-{n_sources}",
        "description": f"{n_sources} pages of ~{size} bytes, {change_fraction:.0%} edited at {change_at}",
        "start": start,
        "duration": duration,
        "sites": site_specs,
        "sources": sources,
        "events": events,
    }
    return parse_scenario(data, f"<scale {n_sources}>")
