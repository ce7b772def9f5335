"""`onrecord evidence`: run as the installed command against the simulator, then with the simulator
stopped, so every file (texts, PNG, WACZ) must come from the archive alone."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.simthread import ThreadedSim

EXE = str(Path(sys.executable).with_name("onrecord"))
ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2", "--set", "deletion_gap=0s"]
HAVE_BROWSER = any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome"))
needs_browser = pytest.mark.skipif(
    not HAVE_BROWSER and os.environ.get("ONRECORD_REQUIRE_BROWSER") != "1", reason="no Chromium installed"
)


def run_cli(data: Path, *args: str, db: str | None = None) -> subprocess.CompletedProcess[str]:
    where = ["--data", str(data)] + (["--db", db] if db else [])
    return subprocess.run([EXE, *where, *ALLOW, *args], capture_output=True, text=True, timeout=180, check=False)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    w, h = struct.unpack(">II", head[16:24])
    return w, h


@needs_browser
def test_evidence_of_an_edited_then_deleted_statement_without_the_network(tmp_path: Path, db_url: str) -> None:
    data = tmp_path / "d"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(data, *args, db=db_url)

    with ThreadedSim("demo") as world:
        world.clock.advance(30 * 60)  # the readout is out
        readout = world.url("aldoria", "/statements/readout-holt-falk-call")
        gone = world.url("aldoria", "/statements/aldoria-grain-corridor")
        assert cli("add", world.url("aldoria", "/feed.xml"), "--kind", "feed").returncode == 0
        assert cli("check").returncode == 0
        world.clock.advance(25 * 60)  # edited at 50m
        assert cli("check").returncode == 0
        world.clock.advance(30 * 60)  # the grain corridor statement is deleted at 80m
        for _ in range(3):  # confirmed gone after 10 minutes
            r = cli("check")
            assert r.returncode == 0, r.stderr
            world.clock.advance(6 * 60)
    # the simulator is stopped: nothing below can reach it
    out = tmp_path / "evidence"
    r = cli("evidence", readout, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "2 version(s), 2 image(s)" in r.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "README.txt",
            "SHA256SUMS",
            "captures.wacz",
            "manifest.json",
            "render-log.json",
            "version-1.png",
            "version-2.png",
            "versions.json",
            "versions.txt",
        ]
    )
    doc = json.loads((out / "versions.json").read_text())
    assert [v["version"] for v in doc["versions"]] == [1, 2]
    assert "€40 million" in doc["versions"][0]["text"] and "€35 million" in doc["versions"][1]["text"]
    assert "€40 million" in (out / "versions.txt").read_text()
    for name in ("version-1.png", "version-2.png"):
        assert png_size(out / name) == (1280, 1024)
    # each image is of the archived page, served by the local archive server and nothing else
    log = json.loads((out / "render-log.json").read_text())
    assert [e["from"] for e in log] == ["archived page", "archived page"]
    for e in log:
        assert e["url"] == readout
        served = [q for q in e["requests"] if q["served"] == "archived payload"]
        assert [q["path"] for q in served] == [urlsplit(readout).path]
    # two different versions render two different images
    assert (out / "version-1.png").read_bytes() != (out / "version-2.png").read_bytes()
    # the manifest's and SHA256SUMS's digests are those of the files
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"]} == set(names) - {"manifest.json", "SHA256SUMS"}
    for f in manifest["files"]:
        assert hashlib.sha256((out / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    # the WACZ holds this item's captures only and is valid
    validator = Path(sys.executable).with_name("wacz")
    v = subprocess.run([str(validator), "validate", "-f", str(out / "captures.wacz")], capture_output=True, text=True)
    assert v.returncode == 0 and "the passed WACZ is valid" in v.stdout, v.stdout + v.stderr
    with zipfile.ZipFile(out / "captures.wacz") as z:
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()[1:]]
        index = b"".join(z.read(n) for n in z.namelist() if n.startswith("indexes/index.cdx"))
    assert pages and {p["url"] for p in pages} == {readout}
    assert b"grain" not in index
    r = cli("evidence", readout, "--version", "9", "--out", str(tmp_path / "v9"))
    assert r.returncode == 1 and "has no version 9 (it has 1, 2)" in r.stderr and not (tmp_path / "v9").exists()
    # the deleted statement's evidence is complete too, and --version limits the images
    out2 = tmp_path / "gone"
    r = cli("evidence", gone, "--version", "1", "--out", str(out2))
    assert r.returncode == 0, r.stderr
    doc2 = json.loads((out2 / "versions.json").read_text())
    assert doc2["item"]["state"] == "deleted", doc2["item"]
    assert png_size(out2 / "version-1.png") == (1280, 1024)
    assert json.loads((out2 / "render-log.json").read_text())[0]["from"] == "archived page"


def test_evidence_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "d"
    r = run_cli(data, "evidence", "nope", "--out", str(tmp_path / "e"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no item 'nope'" in r.stderr, r.stderr
    assert not (tmp_path / "e").exists()
    r = run_cli(data, "evidence", "1")
    assert r.returncode == 2 and "--out" in r.stderr
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    r = run_cli(data, "evidence", "1", "--out", str(taken))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not an empty folder" in r.stderr, r.stderr
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]
    r = run_cli(data, "evidence", "1", "--out", str(tmp_path / "e"), "--browser", str(tmp_path / "no-such-browser"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not found" in r.stderr, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "taken"]  # no half-written folder


def first_pixel(path: Path) -> tuple[int, ...]:
    """The top-left pixel of an 8-bit RGB(A) PNG (enough of a decoder for one pixel of row 0)."""
    import zlib

    raw = path.read_bytes()
    pos, idat, ctype = 8, b"", 2
    while pos < len(raw):
        (n,) = struct.unpack(">I", raw[pos : pos + 4])
        kind, body = raw[pos + 4 : pos + 8], raw[pos + 8 : pos + 8 + n]
        if kind == b"IHDR":
            assert body[8] == 8 and body[12] == 0, "8-bit, not interlaced"
            ctype = body[9]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    row = zlib.decompress(idat)
    # row 0, pixel 0: with no row above and no pixel to the left every PNG filter leaves it as is
    return tuple(row[1 : 1 + bpp])


@needs_browser
def test_render_runs_no_script_and_reaches_nothing_but_the_archive_server(tmp_path: Path) -> None:
    from onrecord.evidence import _ArchiveServer, _screenshot, find_browser

    page = (
        b'<html><body style="background:#ffffff"><h1>Archived</h1>'
        b'<img src="http://example.com/live.png"><link rel="stylesheet" href="http://127.0.0.2:9/x.css">'
        b'<script>document.body.style.background="#ff0000"</script>'
        + b"<p>A long statement.</p>" * 150  # taller than one screen
        + b"</body></html>"
    )
    server = _ArchiveServer()
    try:
        server.doc = ("/p", "text/html", page)
        _screenshot(find_browser(), f"http://127.0.0.1:{server.port}/p", tmp_path / "p.png", tmp_path / "prof")
    finally:
        server.close()
    width, height = png_size(tmp_path / "p.png")
    assert width == 1280 and height > 2000  # the whole page, not the first screen
    assert first_pixel(tmp_path / "p.png")[:3] == (255, 255, 255)  # the script did not run
    assert [q["path"] for q in server.log if q["served"] == "archived payload"] == ["/p"]


@needs_browser
async def test_evidence_of_a_deleted_social_post(tmp_path: Path) -> None:
    """A Mastodon-compatible post, edited then deleted (the social scenario, its simulator stopped):
    no HTML page holds it, so its image is its archived text; its captures are the API answers."""
    from onrecord.sim.run import run_scenario

    data = tmp_path / "s"
    result = await run_scenario("social", data=data)
    post = next(f for f in result.findings if f.kind == "deleted" and "/@leader/" in f.url)
    out = tmp_path / "post"
    r = run_cli(data, "evidence", post.url, "--version", "1", "--out", str(out))
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "versions.json").read_text())
    assert doc["item"]["state"] == "deleted" and doc["item"]["source"]["kind"] == "mastodon"
    assert len(doc["versions"]) >= 2 and all(v["text"] for v in doc["versions"])
    assert png_size(out / "version-1.png") == (1280, 1024) and not (out / "version-2.png").exists()
    log = json.loads((out / "render-log.json").read_text())
    assert log[0]["from"] == "version text (no archived HTML page)"
    with zipfile.ZipFile(out / "captures.wacz") as z:
        pages = [json.loads(x) for x in z.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert pages and all("/api/v1/" in p["url"] for p in pages)
    # A status first seen already edited: its original (from /history) is version 1, dated by the
    # service, first seen when that history was captured.
    found = result.findings
    fresh = next(
        f.url
        for f in found
        if f.kind == "edited" and any(g.kind == "new" and g.url == f.url and g.at == f.at for g in found)
    )
    out = tmp_path / "fresh"
    r = run_cli(data, "evidence", fresh, "--version", "1", "--out", str(out))
    assert r.returncode == 0, r.stderr
    first, current = json.loads((out / "versions.json").read_text())["versions"]
    assert first["capture"]["url"].endswith("/history") and first["dated_by_service"] < first["first_seen"]
    assert "dated_by_service" not in current and first["first_seen"] == current["first_seen"]
    assert "by the service's edit history" in (out / "versions.txt").read_text()
