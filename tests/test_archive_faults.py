"""Storage faults with real mechanisms, and two real processes sharing one WARC folder.

Disk full is a real tmpfs of a few hundred kB; read-only folders are real read-only bind mounts. Both
are made inside a private mount namespace (`unshare -m`) of the process under test, so nothing stays
mounted when it ends; these tests are skipped where mounts are not permitted. (Tests run as root
here, so chmod would not stop a write.)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord.archive import Archive, last_whole_record_end
from onrecord.cli import cli
from tests.simthread import ThreadedSim

ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2"]
# The group's own exit codes (click's standalone mode), whatever `cli.main` does with them.
ONRECORD = f"{sys.executable} -c 'from onrecord.cli import cli; cli.main(prog_name=\"onrecord\")'"


def _mounts_permitted() -> bool:
    if not shutil.which("unshare"):
        return False
    r = subprocess.run(
        ["unshare", "-m", "sh", "-c", "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && umount $d"],
        capture_output=True,
        timeout=30,
    )
    return r.returncode == 0


needs_mounts = pytest.mark.skipif(not _mounts_permitted(), reason="mounts (unshare -m) are not permitted here")


def in_namespace(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a bash script in a private mount namespace; `onrecord` there is the CLI of this checkout."""
    prelude = f'set -u\nonrecord() {{ {ONRECORD} "$@"; }}\n'
    return subprocess.run(
        ["unshare", "-m", "bash", "-c", prelude + script],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true", "ONRECORD_TIMEOUT": "2", **env},
    )


def run(data: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--data", str(data), *ALLOW, *args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def world() -> Iterator[ThreadedSim]:
    with ThreadedSim("demo") as sim:
        sim.clock.advance(30 * 60)
        yield sim


def watched(world: ThreadedSim, data: Path) -> None:
    for site, path in [("aldoria", "/feed.xml"), ("vestmark", "/feed.atom")]:
        assert run(data, "add", world.url(site, path), "--kind", "feed")[0] == 0
    assert run(data, "check")[0] == 0


@needs_mounts
def test_disk_full_is_one_line_cuts_back_and_loses_nothing(world: ThreadedSim, tmp_path: Path) -> None:
    """WARC folder on a nearly full tmpfs: the check says so in one line per source, marks the sources
    `unarchived`, leaves every file ending on a whole record and every earlier byte as it was."""
    data = tmp_path / "d"
    watched(world, data)
    before = {p.name: sha(p) for p in (data / "warc").glob("*.warc.gz")}
    world.clock.advance(48 * 3600)  # edits, a deletion: new payloads to archive
    out = tmp_path / "out"
    out.mkdir()
    r = in_namespace(
        """
        cp -a "$D/warc" "$D/warc.orig"
        mount -t tmpfs -o size=160k tmpfs "$D/warc"
        cp -a "$D/warc.orig/." "$D/warc/"
        # fill the rest but 12 kB: room for a marker, not for the new pages
        free=$(( $(stat -f -c '%a*%S' "$D/warc") ))
        head -c $(( free - 12288 )) /dev/zero > "$D/warc/filler" || true
        onrecord --data "$D" check > "$OUT/check.out" 2> "$OUT/check.err"; echo $? > "$OUT/check.rc"
        onrecord --data "$D" sources --json > "$OUT/sources.json"
        onrecord --data "$D" verify --json > "$OUT/verify.json"; echo $? > "$OUT/verify.rc"
        rm "$D/warc/filler"
        mkdir "$OUT/warc" && cp -a "$D/warc/." "$OUT/warc/"
        """,
        D=str(data),
        OUT=str(out),
    )
    assert r.returncode == 0, r.stderr
    err = (out / "check.err").read_text()
    assert "No space left on device" in err and "Traceback" not in err
    assert all(len(line) < 400 for line in err.splitlines())
    status = {s["name"]: s["status"] for s in map(json.loads, (out / "sources.json").read_text().splitlines())}
    assert "unarchived" in status.values(), status
    # Nothing already archived is lost: the old files begin with the very bytes they had ...
    for name, digest in before.items():
        now = (out / "warc" / name).read_bytes()
        old = (data / "warc.orig" / name).read_bytes()
        assert hashlib.sha256(old).hexdigest() == digest and now[: len(old)] == old
    # ... every file ends on a whole record, and every index row points at a whole record.
    for f in (out / "warc").glob("*.warc.gz"):
        assert last_whole_record_end(f) == f.stat().st_size
    assert (out / "verify.rc").read_text().strip() == "0", (out / "verify.json").read_text()


@needs_mounts
def test_read_only_warc_folder_fails_the_check_in_one_line(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    watched(world, data)
    r = in_namespace(
        """
        mount --bind "$D/warc" "$D/warc" && mount -o remount,bind,ro "$D/warc"
        onrecord --data "$D" check; echo "rc=$?" >&2
        """,
        D=str(data),
    )
    assert "rc=1" in r.stderr and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("onrecord: error:")]
    assert len(lines) == 1 and "Read-only file system" in lines[0] and str(data / "warc") in lines[0]


@needs_mounts
def test_read_only_data_folder_still_reads(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    watched(world, data)
    out = tmp_path / "out"
    out.mkdir()
    r = in_namespace(
        """
        mount --bind "$D" "$D" && mount -o remount,bind,ro "$D"
        for cmd in sources findings "show 1" verify; do
            onrecord --data "$D" $cmd > "$OUT/${cmd%% *}.out" 2> "$OUT/${cmd%% *}.err"; echo $? > "$OUT/${cmd%% *}.rc"
        done
        onrecord --data "$D" check > "$OUT/check.out" 2> "$OUT/check.err"; echo $? > "$OUT/check.rc"
        """,
        D=str(data),
        OUT=str(out),
    )
    assert r.returncode == 0, r.stderr
    for cmd in ("sources", "findings", "show", "verify"):
        assert (out / f"{cmd}.rc").read_text().strip() == "0", (out / f"{cmd}.err").read_text()
    assert "Readout of President Holt" in (out / "findings.out").read_text()
    assert "aldoria" not in (out / "sources.err").read_text()
    err = (out / "check.err").read_text()
    assert (out / "check.rc").read_text().strip() == "1"
    assert err.count("onrecord: error:") == 1 and "Read-only file system" in err and "Traceback" not in err


WRITER = """
import os, sys, time
from pathlib import Path
from onrecord.archive import Archive
from onrecord.records import FetchResult
from datetime import UTC, datetime
a = Archive(Path(sys.argv[1]))
res = FetchResult(url="http://127.0.0.1:9/a", final_url="http://127.0.0.1:9/a", started_at=datetime.now(UTC),
                  elapsed=0.01, outcome="ok", status=200, reason="OK", request_headers=(), headers=(), body=b"x" * 5000)
cap = a.write(res)
os.write(a._cur.fd, b"\\x1f\\x8b\\x08\\x00partial-record")  # in the middle of its next record
print(cap.warc_file, flush=True)
time.sleep(120)
"""


def test_a_starting_process_never_touches_a_file_a_live_process_writes(world: ThreadedSim, tmp_path: Path) -> None:
    """Two real processes on one WARC folder, same worker id: `onrecord check` starts while another
    process is in the middle of a record; it neither cuts nor un-marks that file, nor appends to it.
    Once that process is killed, the next start repairs the file."""
    data = tmp_path / "d"
    warc = data / "warc"
    warc.mkdir(parents=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(warc)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        name = writer.stdout.readline().strip()
        path = warc / name
        size = path.stat().st_size
        assert (warc / (name + ".open")).exists() and last_whole_record_end(path) < size
        env = {**os.environ, "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true", "ONRECORD_DATA": str(data)}
        onrecord = [sys.executable, "-m", "onrecord"]
        r = subprocess.run([*onrecord, "add", world.url("aldoria", "/feed.xml"), "--kind", "feed"], env=env, timeout=60)
        assert r.returncode == 0
        r = subprocess.run([*onrecord, "check"], env=env, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
        assert path.stat().st_size == size and (warc / (name + ".open")).exists()
        others = [p for p in warc.glob("*.warc.gz") if p.name != name]
        assert others and all(last_whole_record_end(p) == p.stat().st_size for p in others)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        if writer.stdout is not None:
            writer.stdout.close()
    time.sleep(0.1)
    r = subprocess.run([*onrecord, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert not (warc / (name + ".open")).exists() and last_whole_record_end(path) == path.stat().st_size
    assert run(data, "verify")[0] == 0


def test_verify_finds_a_truncated_file_and_check_stops_pointing_at_it(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    watched(world, data)
    world.clock.advance(600)
    assert run(data, "check")[0] == 0  # 304s: revisits pointing at the first payloads
    code, out, _ = run(data, "verify")
    assert code == 0 and "no problems" in out
    (f,) = (data / "warc").glob("*.warc.gz")
    os.truncate(f, f.stat().st_size // 2)  # `warcio check` accepts such a file; verify must not
    code, out, _ = run(data, "verify")
    assert code == 1 and "cut short" in out and "past the end" in out
    code, out, _ = run(data, "verify", "--json")
    kinds = {json.loads(line).get("kind") for line in out.splitlines()}
    assert code == 1 and {"truncated", "past_end"} <= kinds
    # The next check notices, marks the captures lost and fetches those URLs whole again: no new
    # revisit refers to a payload that is gone.
    world.clock.advance(600)
    assert run(data, "check")[0] == 0
    code, out, _ = run(data, "verify", "--json")
    problems = [json.loads(line) for line in out.splitlines() if json.loads(line)["type"] == "problem"]
    assert code == 1 and {p["kind"] for p in problems} == {"truncated", "lost"}
    assert len(list((data / "warc").glob("*.warc.gz"))) == 2  # the cut file was not appended to
    f.unlink()
    code, out, _ = run(data, "verify")
    assert code == 1 and "missing" in out


def test_a_missing_file_is_noticed_by_check(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    watched(world, data)
    for f in (data / "warc").glob("*.warc.gz"):
        f.unlink()
    env = {**os.environ, "ONRECORD_ALLOW_PRIVATE_ADDRESSES": "true", "ONRECORD_DATA": str(data)}
    r = subprocess.run(
        [sys.executable, "-m", "onrecord", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr
    noticed = [ln for ln in r.stderr.splitlines() if "is missing" in ln]
    assert len(noticed) == 1 and "capture(s) lost" in noticed[0]
    archive = Archive(data / "warc", create=False)
    code, out, _ = run(data, "verify", "--json")
    problems = {json.loads(line).get("kind") for line in out.splitlines()}
    assert code == 1 and problems == {"lost", None}  # only the lost captures (the summary has no kind)
    assert archive.files()  # the new check archived its answers in a new file
