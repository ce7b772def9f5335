"""The whole flow against the simulator, on SQLite and PostgreSQL: sim score floors pinned in a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onrecord.app import Onrecord
from onrecord.archive import Archive
from onrecord.sim.run import run_scenario
from onrecord.sim.score import check_baseline

BASELINE = json.loads((Path(__file__).parent / "data" / "sim_baseline.json").read_text())


async def test_demo_scenario_scores_at_baseline(db_url: str, tmp_path: Path) -> None:
    result = await run_scenario("demo", data=tmp_path / "d", db=db_url)
    failures = check_baseline(result.report, BASELINE["demo"])
    assert not failures, failures
    kinds = {f.kind for f in result.findings}
    assert {"new", "edited", "deleted", "republished", "unreachable", "recovered"} <= kinds

    # What a user then explores: every edit has a diff, every capture reads back from its WARC record.
    with Onrecord(result_settings(tmp_path / "d", db_url)) as app:
        edited = app.findings(kinds=["edited"])
        assert edited
        _item, versions = app.versions(str(edited[0].item_id))
        assert len(versions) >= 2 and versions[-1].diff
        archive = Archive(app.warc_dir)
        caps = app.store.captures(limit=100_000)
        assert caps
        for c in caps:
            if c.warc_file:
                assert archive.read(c).target_uri
        archive.close()


async def test_fault_heavy_scenario_scores_at_baseline(tmp_path: Path) -> None:
    result = await run_scenario("faults", data=tmp_path / "f", timeout=1.0)
    failures = check_baseline(result.report, BASELINE["faults"])
    assert not failures, failures
    # No outage, 429, 5xx, malformed or oversized answer ever became a deletion.
    deleted = [f for f in result.findings if f.kind == "deleted"]
    expected_deleted = {e.url for e in result.expected if e.kind == "deleted"}
    assert {f.url for f in deleted} <= expected_deleted


def result_settings(data: Path, db: str) -> object:
    from onrecord.sim.run import sim_settings

    return sim_settings(data, db)


@pytest.mark.parametrize("name", ["demo"])
async def test_sim_run_is_deterministic(name: str, tmp_path: Path) -> None:
    a = await run_scenario(name, data=tmp_path / "a")
    b = await run_scenario(name, data=tmp_path / "b")
    strip = [(f.kind, f.at, f.source) for f in a.findings]
    assert strip == [(f.kind, f.at, f.source) for f in b.findings]
