"""Deletions under random faults, end to end: real HTTP (the simulator), the real watcher, a real database.

A small cut of the built-in `flaky` scenario (benchmarks/gen_flaky.py): a host answering 404 at random
for 30 % of requests with real deletions (some soft) among its items, soft flapping, a mass 404 while
the feed lists the items, a real mass deletion, a site-wide 404 right after an outage.
"""

from __future__ import annotations

import sys
from pathlib import Path

from onrecord.sim.run import run_scenario
from onrecord.sim.scenario import load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from gen_flaky import build


async def test_random_flapping_gives_exactly_the_real_deletions(tmp_path: Path, db_url: str) -> None:
    scn = tmp_path / "flaky.toml"
    scn.write_text(build(9, hours=6, items=20), encoding="utf-8")
    result = await run_scenario(scn, data=tmp_path / "d", db=db_url)
    kinds = result.report.kinds
    deleted = kinds["deleted"]
    assert deleted.expected >= 10  # 6 real deletions on the flaky host and 6 at once elsewhere
    assert (deleted.precision, deleted.recall) == (1.0, 1.0), [
        (f.kind, f.url, f.detail) for f in result.findings if f.kind == "deleted"
    ]
    assert "restored" not in kinds and "edited" not in kinds  # no flap became a deletion or an edit
    # The mass 404 and the site-wide 404 after an outage: each one fault, reported once, then over.
    for kind in ("unreachable", "recovered"):
        assert (kinds[kind].expected, kinds[kind].found, kinds[kind].true_positives) == (2, 2, 2)
    mass = [f for f in result.findings if f.kind == "unreachable" and "mass 404" in str(f.detail.get("error"))]
    assert len(mass) == 1
    # Soft deletions (a 200 "not found" page, a redirect home) were among the confirmed ones.
    assert {f.detail.get("soft") for f in result.findings if f.kind == "deleted"} > {None}


def test_builtin_flaky_scenario_is_the_generator_output() -> None:
    path = Path(__file__).resolve().parents[2] / "src/onrecord/sim/scenarios/flaky.toml"
    assert path.read_text(encoding="utf-8") == build(9)
    scn = load_scenario(path)
    assert scn.duration == 24 * 3600 and len([e for e in scn.events if e.do == "publish"]) == 78
