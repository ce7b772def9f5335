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
    # the silent press office: overdue by the rule, then answered late, in Russian
    assert "President of Rusovia has said nothing since President of Aldoria spoke" in flat
    assert "expected within 40 min (rule); 40 min so far" in flat
    assert "President of Rusovia spoke 1 h 37 min after President of Aldoria (expected within 40 min; late)" in flat
    # the embassy's alert, hours later, sits in the Holt-Falk call's event with both readouts
    holt_falk = flat.split("event ")[2]
    assert "Holt's Call with Chancellor Falk" in holt_falk and "Embassy of Vestmark (en, Vestmark Embassy)" in holt_falk
    assert "Chancellor of Vestmark (de, Vestmark Chancellery)" in holt_falk
    assert "precision" not in out and "recall" not in out  # scores live behind `sim run`
    commands = [line.strip() for line in tail.splitlines() if "--data" in line]
    assert len(commands) >= 5 and all("ITEM" not in c for c in commands)
    assert all("--data my-demo " in c for c in commands)
    for cmd in commands:
        done = subprocess.run(cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (cmd, done.stderr)
        assert (done.stdout + done.stderr).strip(), cmd  # each says something
    assert (tmp_path / "report.html").exists()


def test_social_demo_deleted_post_republished_unchanged_with_evidence(tmp_path: Path) -> None:
    """`demo --social`: new, deleted and re-posted unchanged under a new id, an outage that deleted nothing,
    and an evidence folder of the deleted post written from the archive (Chromium renders it when present)."""
    import hashlib
    import json
    import re

    env = {**os.environ, "COLUMNS": "80"}
    env.pop("ONRECORD_DATA", None)
    r = subprocess.run([str(INSTALLED), "--data", "soc", "demo", "--social"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert re.search(r"deleted\s+truth-leader deleted a post", out)
    posted = re.findall(r"truth-leader posted\s+“[^”]+”\s+(\S+/@leader/(\d+))", out)
    (old_url, old_id), (new_url, new_id) = posted[0], posted[1]
    assert old_id != new_id
    assert re.search(rf"deleted a post\s+“[^”]+”\s+{re.escape(old_url)}", out)  # the first post is the one gone
    block = out[out.index("truth-leader re-posted the same text, unchanged"):]
    assert f"new id: {new_url}" in block and f"old id: {old_id}" in block  # both ids
    assert "stopped answering" in out and "an outage: no post was marked deleted" in out
    assert "blocked, never deleted" in out
    where = re.search(r"without the network: (\S+)", out)
    assert where, out
    folder = tmp_path / where.group(1)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (folder / "captures.wacz").exists() and (folder / "versions.txt").exists()
    for line in (folder / "SHA256SUMS").read_text().splitlines():  # every file is what the manifest says
        digest, name = line.split(maxsplit=1)
        assert hashlib.sha256((folder / name.lstrip("*")).read_bytes()).hexdigest() == digest
    assert manifest
    for cmd in [line.strip() for line in out.splitlines() if "--data soc " in line]:
        done = subprocess.run(cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (cmd, done.stderr)
