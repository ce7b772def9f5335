"""`onrecord demo` as a newcomer runs it: the story reads at 80 columns, and every command it prints
works exactly as printed, from the same shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

INSTALLED = Path(sys.executable).parent / "onrecord"


def test_demo_tells_the_story_and_its_commands_work(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("ONRECORD_DATA", None)
    r = subprocess.run(
        [str(INSTALLED), "--data", "my-demo", "demo"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert (tmp_path / "my-demo" / ".onrecord-demo").exists()  # the global --data is honoured
    story, _, tail = out.partition("stays for you to explore")
    assert max(len(line) for line in story.splitlines()) <= 80
    assert "€40 → €35" in story  # the changed words, inline
    assert "removed: “President Holt also raised concerns about the detention" in " ".join(story.split())
    assert "rightly not an edit" in story  # the cosmetic change that was no alert
    assert "an outage, not a deletion" in story
    flat = " ".join(story.split())
    # the news report is checked against every version: it quoted the readout before the edit
    assert "supported by version 1, removed in version 2" in flat
    assert "supported by version 1, version 2 says otherwise" in flat
    assert "precision" not in out and "recall" not in out  # scores live behind `sim run`
    commands = [line.strip() for line in tail.splitlines() if "--data" in line]
    assert len(commands) >= 5 and all("ITEM" not in c for c in commands)
    assert all("--data my-demo " in c for c in commands)
    for cmd in commands:
        done = subprocess.run(cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (cmd, done.stderr)
        assert (done.stdout + done.stderr).strip(), cmd  # each says something
    assert (tmp_path / "report.html").exists()
