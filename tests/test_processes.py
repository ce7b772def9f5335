"""Several processes, one truth: two `watch`es and two `check`s at once, on SQLite and PostgreSQL (issue 9).

Real subprocesses against the simulator. Each source is checked by one process at a time (a claim
the store grants), so every item gets exactly one `new`, no version number repeats, nobody exits
because another ran, and the `.open` markers of the live watches survive the others' crash repair.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from onrecord.store import Store
from onrecord.store.claims import Claims
from tests.simthread import ThreadedSim

FEEDS = [("aldoria", "/feed.xml"), ("vestmark", "/feed.atom"), ("ledger", "/feed.json")]


@pytest.fixture
def world() -> Iterator[ThreadedSim]:
    with ThreadedSim("demo") as sim:
        sim.clock.advance(30 * 60)  # both readouts published; the world stands still from here
        yield sim


def env_for(data: Path, db_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true",
        "ONRECORD_DATA": str(data),
        "ONRECORD_DB": db_url,
        "ONRECORD_RETRIES": "0",
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onrecord", *args], env=env, capture_output=True, text=True, timeout=120
    )


def spawn(env: dict[str, str], command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "onrecord", command], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def add_pages(store: Store, n: int) -> list[int]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        store.add_source(
            name=f"s{k}",
            url=f"https://example.org/{k}",
            kind="page",
            actor=None,
            every=60.0,
            selector=None,
            ignore=None,
            now=now,
        ).id
        for k in range(n)
    ]


def test_two_watches_and_two_checks_write_each_finding_once(world: ThreadedSim, db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "d"
    env = env_for(data, db_url)
    for site, path in FEEDS:
        r = cli(env, "add", world.url(site, path), "--kind", "feed", "--every", "1s")
        assert r.returncode == 0, r.stderr
    r = cli(env, "add", world.url("aldoria", "/statements/readout-holt-falk-call"), "--kind", "page", "--every", "1s")
    assert r.returncode == 0, r.stderr

    watches = [spawn(env, "watch") for _ in range(2)]
    try:
        for w in watches:
            assert w.stderr is not None
            assert w.stderr.readline().startswith("watching")
        warc = data / "warc"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(list(warc.glob("*.warc.gz.open"))) < 2:
            time.sleep(0.05)
        live_markers = set(warc.glob("*.warc.gz.open"))
        assert len(live_markers) >= 2, "both watches write WARC"
        checks = [spawn(env, "check") for _ in range(2)]
        outs = [c.communicate(timeout=120) for c in checks]
        for c, (_out, err) in zip(checks, outs, strict=True):
            assert c.returncode == 0, err
            assert "UNIQUE" not in err and "internal error" not in err and "Traceback" not in err, err
        assert live_markers <= set(warc.glob("*.warc.gz.open"))  # the checks' crash repair left them alone
        assert all(w.poll() is None for w in watches)  # nobody exited because another ran
        time.sleep(2)  # more rounds of both watches over the same sources
    finally:
        for w in watches:
            w.send_signal(signal.SIGINT)
        codes = [w.wait(60) for w in watches]
        errs = [w.stderr.read() if w.stderr else "" for w in watches]
        for w in watches:
            if w.stdout:
                w.stdout.close()
            if w.stderr:
                w.stderr.close()
    assert codes == [0, 0], errs
    for err in errs:
        assert "UNIQUE" not in err and "Traceback" not in err and "internal error" not in err, err

    store = Store(db_url)
    try:
        findings = store.findings()
        news = Counter((f.source, f.item) for f in findings if f.kind == "new")
        assert news and all(n == 1 for n in news.values()), news  # each item found new exactly once
        assert len(news) >= 6
        assert not [f for f in findings if f.kind in ("edited", "deleted", "restored")]  # the world stood still
        for item in store.items():
            numbers = [v.seq for v in store.versions(item.id)]
            assert numbers == sorted(set(numbers)), (item.key, numbers)  # no version written twice
        assert not Claims(store, "observer").holders([s.id for s in store.sources()])  # all given back
    finally:
        store.close()


def test_a_claim_is_granted_to_one_process_until_released_or_expired(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    store.migrate()
    try:
        ids = add_pages(store, 3)
        clock = [datetime(2026, 1, 1, tzinfo=UTC)]
        a = Claims(store, "a", lease=300, now=lambda: clock[0])
        b = Claims(store, "b", lease=300, now=lambda: clock[0])
        assert a.claim(ids[:2]) == set(ids[:2])
        assert b.claim(ids) == {ids[2]}  # only what nobody holds
        assert b.holders(ids[:2]) == {ids[0]: "a", ids[1]: "a"}
        a.release([ids[0]])
        assert b.claim(ids[:2]) == {ids[0]}
        clock[0] += timedelta(seconds=200)
        assert a.renew([ids[1]]) == {ids[1]}  # renewed: 300 s from now
        clock[0] += timedelta(seconds=200)
        assert b.claim([ids[1]]) == set()  # the renewed lease still holds
        clock[0] += timedelta(seconds=101)
        assert b.claim([ids[1]]) == {ids[1]}  # a dead holder's lease ran out
        assert a.renew([ids[1]]) == set()  # and the old holder knows it lost it
        a.release([ids[1]])  # releasing what another holds changes nothing
        assert b.holders([ids[1]]) == {ids[1]: "b"}
    finally:
        store.close()


def test_claims_of_a_dead_process_on_this_machine_are_taken_over_at_once(db_url: str) -> None:
    store = Store(db_url)
    store.migrate()
    try:
        ids = add_pages(store, 2)
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        Claims(store, f"hostA-{dead.pid}-aaaaaa").claim([ids[0]])  # killed on this machine
        Claims(store, f"hostB-{dead.pid}-bbbbbb").claim([ids[1]])  # another machine: its lease must run out
        me = Claims(store, f"hostA-{os.getpid()}-cccccc")
        assert me.claim(ids) == {ids[0]}
    finally:
        store.close()
