"""A simulator served from a background thread, for tests that drive the CLI or a subprocess."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime
from pathlib import Path

from onrecord.clock import VirtualClock
from onrecord.sim.scenario import Scenario, builtin_scenario, load_scenario
from onrecord.sim.server import SimServer


class ThreadedSim:
    def __init__(self, scenario: str | Path | Scenario = "demo", at: datetime | None = None) -> None:
        if isinstance(scenario, Scenario):
            self.scenario = scenario
        else:
            p = Path(scenario)
            self.scenario = load_scenario(p if p.suffix == ".toml" else builtin_scenario(str(scenario)))
        self.clock = VirtualClock(self.scenario.start)
        if at is not None:
            self.clock.set(at)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.sim: SimServer | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.sim = SimServer(self.scenario, self.clock)
        self._loop.run_until_complete(self.sim.start())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.sim.close())
        self._loop.close()

    def __enter__(self) -> ThreadedSim:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("simulator did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def server(self) -> SimServer:
        assert self.sim is not None
        return self.sim

    def url(self, site: str, path: str = "/") -> str:
        return self.server.url(site, path)
