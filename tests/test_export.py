"""`onrecord export`: a WACZ that py-wacz's validator accepts and whose index and page list point at
real records; OPML and sources.toml that `onrecord import` reads back."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from onrecord.cli import cli
from tests.simthread import ThreadedSim

ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2"]


def run(data: Path, *args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["--data", str(data), *ALLOW, *args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def world() -> Iterator[ThreadedSim]:
    with ThreadedSim("demo") as sim:
        sim.clock.advance(30 * 60)
        yield sim


def cdxj_lines(z: zipfile.ZipFile) -> list[tuple[str, str, dict[str, str]]]:
    """The index's lines, read block by block through index.idx as a replay tool does."""
    blocks = z.read("indexes/index.cdx.gz")
    out = []
    for line in z.read("indexes/index.idx").decode().splitlines():
        if line.startswith("!meta"):
            continue
        loc = json.loads(line.split(" ", 2)[2])
        text = gzip.decompress(blocks[loc["offset"] : loc["offset"] + loc["length"]]).decode()
        for row in text.splitlines():
            key, ts, js = row.split(" ", 2)
            out.append((key, ts, json.loads(js)))
    return out


def test_wacz_is_valid_and_its_index_and_pages_point_at_records(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert run(data, "add", world.url("aldoria", "/feed.xml"), "--kind", "feed")[0] == 0
    assert run(data, "add", world.url("vestmark", "/feed.atom"), "--kind", "feed")[0] == 0
    assert run(data, "check")[0] == 0
    world.clock.advance(48 * 3600)  # edits and a deletion
    assert run(data, "check")[0] == 0
    world.clock.advance(600)  # unchanged: 304s
    assert run(data, "check")[0] == 0
    wacz = tmp_path / "out.wacz"
    code, out, err = run(data, "export", "--wacz", str(wacz))
    assert code == 0, err
    assert "page(s)" in out and not (tmp_path / "out.wacz.part").exists()
    validator = Path(sys.executable).with_name("wacz")
    r = subprocess.run([str(validator), "validate", "-f", str(wacz)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "the passed WACZ is valid" in r.stdout, r.stdout + r.stderr
    with zipfile.ZipFile(wacz) as z:
        assert z.getinfo(next(n for n in z.namelist() if n.startswith("archive/"))).compress_type == zipfile.ZIP_STORED
        index = cdxj_lines(z)
        assert index and all(ts.isdigit() and len(ts) == 14 for _, ts, _ in index)
        for _key, _ts, entry in index:  # each entry reads back as the record it names
            raw = z.read(f"archive/{entry['filename']}")
            chunk = raw[int(entry["offset"]) : int(entry["offset"]) + int(entry["length"])]
            rec = next(iter(ArchiveIterator(io.BytesIO(chunk))))
            assert rec.rec_headers.get_header("WARC-Target-URI") == entry["url"]
        assert any(e.get("mime") == "warc/revisit" for _, _, e in index)  # the 304s of the last check
        pages = [json.loads(line) for line in z.read("pages/pages.jsonl").decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0" and len(pages) > 5
    at = {(e["url"], ts) for _, ts, e in index}
    for p in pages[1:]:
        ts14 = p["ts"][:19].replace("-", "").replace("T", "").replace(":", "")
        assert (p["url"], ts14) in at, p
    assert any("Readout of President Holt" in p.get("title", "") for p in pages)


def test_sources_round_trip_through_opml_and_toml(world: ThreadedSim, tmp_path: Path) -> None:
    data = tmp_path / "d"
    feed, page = world.url("aldoria", "/feed.xml"), world.url("vestmark", "/")
    assert run(data, "add", feed, "--kind", "feed", "--name", 'Aldoria "official"', "--actor", "Presidency")[0] == 0
    assert (
        run(data, "add", page, "--kind", "page", "--every", "90s", "--selector", "main", "--ignore", r"\d+ views")[0]
        == 0
    )
    opml, toml = tmp_path / "s.opml", tmp_path / "s.toml"
    code, out, _ = run(data, "export", "--opml", str(opml), "--sources", str(toml))
    assert code == 0 and "wrote 2 source(s)" in out
    want = json.loads("[" + ",".join(run(data, "sources", "--json")[1].splitlines()) + "]")
    keys = ("name", "url", "kind", "actor", "every", "selector", "ignore")
    again = tmp_path / "again"
    assert run(again, "import", str(toml))[0] == 0
    got = json.loads("[" + ",".join(run(again, "sources", "--json")[1].splitlines()) + "]")
    assert [{k: s[k] for k in keys} for s in got] == [{k: s[k] for k in keys} for s in want]
    from_opml = tmp_path / "from-opml"
    assert run(from_opml, "import", str(opml))[0] == 0
    got = json.loads("[" + ",".join(run(from_opml, "sources", "--json")[1].splitlines()) + "]")
    assert [(s["name"], s["url"], s["kind"]) for s in got] == [(s["name"], s["url"], s["kind"]) for s in want]


def test_export_needs_an_option_and_something_to_export(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "d", "export")
    assert code == 2 and "--wacz" in err
    code, _, err = run(tmp_path / "d", "export", "--wacz", str(tmp_path / "x.wacz"))
    assert code == 1 and err.count("\n") == 1 and "nothing to export" in err
    assert not (tmp_path / "x.wacz").exists()
