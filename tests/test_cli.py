"""The CLI through click's runner against a live simulator, plus real subprocesses for the entry points."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.archive import Archive
from onrecord.cli import cli
from onrecord.store import Store
from tests.simthread import ThreadedSim

ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2"]


@pytest.fixture
def world() -> Iterator[ThreadedSim]:
    with ThreadedSim("demo") as sim:
        # Half an hour in: both readouts published, nothing edited yet.
        sim.clock.advance(30 * 60)
        yield sim


def run(data: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--data", str(data), *ALLOW, *args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_add_check_findings_show_diff(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    feed = world.url("aldoria", "/feed.xml")
    code, out, _ = run(
        data, "add", feed, "--name", "aldoria", "--actor", "President of Aldoria", "--every", "2m"
    )
    assert code == 0 and "feed" in out  # kind guessed from the answer
    page = world.url("aldoria", "/statements/readout-holt-falk-call")
    code, out, _ = run(data, "add", page, "--kind", "page", "--name", "readout", "--json")
    assert code == 0 and json.loads(out)["kind"] == "page"

    code, out, _ = run(data, "sources", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["name"] for r in rows] == ["aldoria", "readout"] and rows[0]["every"] == 120

    code, out, _ = run(data, "check", "--json")
    assert code == 0
    first = [json.loads(line) for line in out.splitlines()]
    assert first and {f["kind"] for f in first} == {"new"}
    for f in first:
        assert set(f) >= {"id", "at", "kind", "source", "item", "url", "detail"}

    world.clock.advance(25 * 60)  # past the edit of the readout
    code, out, _ = run(data, "check", "readout", "--json")
    edits = [json.loads(line) for line in out.splitlines()]
    assert [f["kind"] for f in edits] == ["edited"]

    code, out, _ = run(data, "findings", "--kind", "edited", "--json")
    assert [json.loads(line)["kind"] for line in out.splitlines()] == ["edited"]
    code, out, _ = run(data, "findings", "--kind", "bogus")
    assert code == 2

    code, out, _ = run(data, "show", page, "--json")
    shown = json.loads(out)
    assert len(shown["versions"]) == 2 and shown["versions"][0]["text"] != shown["versions"][1]["text"]

    code, out, _ = run(data, "diff", page, "--json")
    ops = json.loads(out)["diff"]
    assert any(op == "-" for op, _ in ops) and any(op == "+" for op, _ in ops)
    code, out, _ = run(data, "diff", page)
    assert code == 0 and "v1" in out and "v2" in out
    _, full, _ = run(data, "diff", page, "--full")
    assert "…" in out and "…" not in full and len(full) > len(out)  # context around changes by default

    # check-report against what the statement said then: ITEM@N and ITEM@TIME name one archived version.
    report = tmp_path / "report.txt"
    report.write_text("- Aldoria will provide €40 million in reconstruction support.\n", encoding="utf-8")

    def verdict(against: str) -> dict:
        code, out, err = run(data, "check-report", str(report), "--against", against, "--json")
        assert code == 0, err
        (point,) = json.loads(out)["points"]
        return point

    assert verdict(f"{page}@1")["verdict"] == "supported"
    assert verdict(f"{page}@2")["verdict"] == "conflict"  # version 2 says €35 million
    first_at, second_at = (v["at"] for v in shown["versions"])
    assert verdict(f"{page}@{first_at}")["verdict"] == "supported"
    assert verdict(f"{page}@{second_at}")["verdict"] == "conflict"
    every = verdict(page)  # by default every version, saying which one supports the point
    assert every["verdict"] == "supported" and every["version"] == 1


def test_private_addresses_refused_by_default(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli, ["--data", str(tmp_path), "add", "http://127.0.0.1:9/feed.xml", "--kind", "feed"]
    )
    assert r.exit_code == 1
    assert "private or loopback" in r.stderr


def test_usage_errors_exit_2_and_failures_exit_1(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["--data", str(tmp_path), "add"])
    assert r.exit_code == 2
    r = CliRunner().invoke(cli, ["--data", str(tmp_path), "show", "nothing-here"])
    assert r.exit_code == 1 and r.stderr.startswith("onrecord: error: no item")


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "onrecord.toml").write_text(
        'timeout = 11\nper_host_concurrency = 3\nuser_agent = "from-toml"\n'
    )
    monkeypatch.setenv("ONRECORD_TIMEOUT", "12")
    r = CliRunner().invoke(
        cli, ["--data", str(tmp_path), "--set", "per_host_concurrency=5", "config", "--json"]
    )
    cfg = json.loads(r.stdout)
    assert cfg["user_agent"] == "from-toml"  # toml over default
    assert cfg["timeout"] == 12  # environment over toml
    assert cfg["per_host_concurrency"] == 5  # flag over environment and toml
    r = CliRunner().invoke(cli, ["--data", str(tmp_path), "--set", "deletion_gap=soon", "config"])
    assert r.exit_code == 1 and "deletion_gap" in r.stderr


def test_import_toml_and_opml(world: ThreadedSim, tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    toml.write_text(
        f'[[source]]\nurl = "{world.url("aldoria", "/feed.xml")}"\nkind = "feed"\nname = "a"\nevery = "3m"\n'
    )
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="Vestmark" xmlUrl="{world.url("vestmark", "/feed.atom")}"/></body></opml>'
    )
    data = tmp_path / "d"
    assert run(data, "import", str(toml))[0] == 0
    assert run(data, "import", str(opml))[0] == 0
    assert run(data, "import", str(toml))[0] == 0  # idempotent: already there
    _code, out, _ = run(data, "sources", "--json")
    names = [json.loads(line)["name"] for line in out.splitlines()]
    assert names == ["a", "Vestmark"]
    assert run(data, "pause", "a")[0] == 0
    _, out, _ = run(data, "check", "--json")
    assert all(json.loads(line)["source"] == "Vestmark" for line in out.splitlines())
    assert run(data, "remove", "a")[0] == 0


def test_module_entry_point_runs_as_a_subprocess(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "onrecord", "--data", str(tmp_path), "sources", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and r.stdout == ""
    r = subprocess.run(
        [sys.executable, "-m", "onrecord", "--help"], capture_output=True, text=True, timeout=60
    )
    assert "watch" in r.stdout and "findings" in r.stdout


def test_killed_watch_leaves_readable_warcs_and_a_matching_index(world: ThreadedSim, tmp_path: Path) -> None:
    """SIGKILL a real `onrecord watch` in the middle of its work; restart; files and index agree."""
    data = tmp_path / "d"
    for site, path in [("aldoria", "/feed.xml"), ("vestmark", "/feed.atom"), ("ledger", "/feed.json")]:
        assert run(data, "add", world.url(site, path), "--kind", "feed", "--every", "1s")[0] == 0
    env = {**os.environ, "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true", "ONRECORD_DATA": str(data)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "watch", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        warc = data / "warc"
        while time.monotonic() < deadline:
            files = list(warc.glob("*.warc.gz")) if warc.exists() else []
            if files and sum(f.stat().st_size for f in files) > 60_000:
                break
            time.sleep(0.05)
        else:
            pytest.fail("watch archived nothing within 30 s")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    # Restart: a new run repairs what the kill left, and checks again.
    code, _, _ = run(data, "check")
    assert code == 0
    assert not list((data / "warc").glob("*.open"))
    store = Store(f"sqlite:///{data / 'onrecord.db'}")
    archive = Archive(data / "warc")
    caps = store.captures(limit=1_000_000)
    assert len(caps) > 3
    for c in caps:
        if c.warc_file:
            assert archive.read(c).target_uri  # every index row points at a whole record
    from onrecord.archive import last_whole_record_end

    for f in archive.files():
        assert last_whole_record_end(f) == f.stat().st_size  # every file reads to its end
    archive.close()
    store.close()


def test_watch_stops_cleanly_on_sigint(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert run(data, "add", world.url("aldoria", "/feed.xml"), "--kind", "feed", "--every", "1s")[0] == 0
    env = {**os.environ, "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true", "ONRECORD_DATA": str(data)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "watch"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # "watching N source(s)": the signal handlers are in place
    assert first.startswith("watching"), first
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert not list((data / "warc").glob("*.open"))  # the archive was closed properly


def test_edit_changes_name_actor_and_interval_but_not_the_address(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    feed = world.url("aldoria", "/feed.xml")
    assert run(data, "add", feed, "--name", "a", "--every", "5m")[0] == 0
    code, out, _ = run(data, "edit", "a", "--name", "aldoria", "--actor", "Presidency", "--every", "2m")
    assert code == 0 and "name a -> aldoria" in out and "every 5m -> 2m" in out
    code, out, _ = run(data, "sources", "--json")
    (line,) = out.splitlines()  # one JSON object per source
    src = json.loads(line)
    assert (src["name"], src["actor"], src["every"], src["url"]) == ("aldoria", "Presidency", 120, feed)
    assert run(data, "edit", "aldoria")[0] == 2  # nothing to change: a usage error
    code, _, err = run(data, "edit", "aldoria", "--every", "5x")
    assert code == 1 and "--every" in err
    assert run(data, "edit", "nope", "--actor", "x")[0] == 1
