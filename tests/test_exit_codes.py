"""Exit codes as scripts and cron see them: the installed `onrecord` and `python -m onrecord`, run as
real subprocesses (click's CliRunner would hide a dropped exit code: it did, every error exited 0)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

INSTALLED = Path(sys.executable).parent / "onrecord"  # the console script pip made for this venv
ENTRY_POINTS = {"installed": [str(INSTALLED)], "module": [sys.executable, "-m", "onrecord"]}
ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2", "--set", "retries=0"]


def onrecord(entry: str, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ENTRY_POINTS[entry], "--data", str(data), *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(params=list(ENTRY_POINTS))
def entry(request: pytest.FixtureRequest) -> str:
    if request.param == "installed" and not INSTALLED.exists():
        pytest.fail(f"no installed entry point at {INSTALLED}: install onrecord into this venv")
    return str(request.param)


def test_success_failure_and_usage_codes(entry: str, tmp_path: Path) -> None:
    ok = onrecord(entry, tmp_path, "sources")
    assert ok.returncode == 0, ok.stderr
    assert onrecord(entry, tmp_path, "--help").returncode == 0

    missing = onrecord(entry, tmp_path, "show", "999")
    assert missing.returncode == 1
    assert missing.stderr.startswith("onrecord: error: ") and len(missing.stderr.strip().splitlines()) == 1

    unknown_source = onrecord(entry, tmp_path, "remove", "no-such-source")
    assert unknown_source.returncode == 1 and "onrecord: error:" in unknown_source.stderr

    bad_every = onrecord(entry, tmp_path, "add", "http://127.0.0.1:9/feed.xml", "--every", "5x")
    assert bad_every.returncode == 2
    assert bad_every.stderr.startswith("onrecord: error: ") and "--every" in bad_every.stderr

    assert onrecord(entry, tmp_path, "no-such-command").returncode == 2

    no_db = onrecord(entry, tmp_path, "--db", "postgresql://nobody@127.0.0.1:1/none", "sources")
    assert no_db.returncode == 1 and no_db.stderr.startswith("onrecord: error: ")
    assert "Traceback" not in no_db.stderr


def test_check_exits_1_with_a_summary_when_a_source_fails(entry: str, tmp_path: Path) -> None:
    added = onrecord(entry, tmp_path, *ALLOW, "add", "http://127.0.0.1:9/feed.xml", "--kind", "feed", "--force")
    assert added.returncode == 0, added.stderr
    assert "warning: added anyway: cannot reach" in added.stderr
    checked = onrecord(entry, tmp_path, *ALLOW, "check")
    assert checked.returncode == 1
    assert "checked 1 source(s): 0 finding(s), 1 with errors" in checked.stdout
    assert checked.stderr.strip().splitlines()[-1] == "onrecord: error: 1 of 1 source(s) failed"
