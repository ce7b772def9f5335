"""WARC writing, reading back, revisits, rotation and crash repair, with warcio on real files."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from onrecord.archive import Archive, last_whole_record_end
from onrecord.clock import VirtualClock
from onrecord.records import FetchResult

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def result(body: bytes, status: int = 200, url: str = "http://127.0.0.1:9/a", **kw: object) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=url,
        started_at=T0,
        elapsed=0.01,
        outcome="ok" if status == 200 else ("not_modified" if status == 304 else "http_error"),
        status=status,
        reason="",
        request_headers=(("User-Agent", "onrecord-test"),),
        headers=(("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
        body=body,
        **kw,
    )  # type: ignore[arg-type]


def test_write_and_read_back_by_index(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    cap = a.write(result(b"<p>statement</p>"))
    rep = a.read(cap)
    assert rep.record_type == "response" and rep.status == 200 and rep.body == b"<p>statement</p>"
    assert rep.date.startswith("2026-03-01T09:00:00")
    # body is stored decoded: the encoding header is kept only as an annotation
    names = [k.lower() for k, _ in rep.headers]
    assert "content-encoding" not in names and "x-archive-orig-content-encoding" in names
    a.close()
    with open(tmp_path / cap.warc_file, "rb") as f:
        types = [r.rec_type for r in ArchiveIterator(f)]
    assert types == ["warcinfo", "request", "response"]


def test_identical_payload_becomes_a_small_revisit(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    body = os.urandom(20000)  # compresses poorly
    first = a.write(result(body))
    second = a.write(result(body))
    assert not first.revisit and second.revisit and second.digest == first.digest
    assert second.length < 1000 < first.length  # type: ignore[operator]
    assert a.read(second).refers_to == "http://127.0.0.1:9/a"
    not_modified = a.write(result(b"", status=304))
    assert not_modified.length < 1000  # type: ignore[operator]
    a.close()


def test_no_answer_is_indexed_without_a_record(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    cap = a.write(
        FetchResult(
            url="http://127.0.0.1:9/x",
            final_url="http://127.0.0.1:9/x",
            started_at=T0,
            elapsed=1.0,
            outcome="timeout",
            error="timeout after 1s",
        )
    )
    assert cap.warc_file is None and cap.outcome == "timeout"
    a.close()


def test_files_rotate(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0), max_size=2000)
    caps = [a.write(result(os.urandom(3000))) for _ in range(4)]
    assert len({c.warc_file for c in caps}) >= 3
    for c in caps:
        assert len(a.read(c).body) == 3000
    a.close()


def test_repair_cuts_a_partial_record(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    good = a.write(result(b"one"))
    a.write(result(b"two"))
    name = good.warc_file
    assert name is not None
    path = tmp_path / name
    whole = path.stat().st_size
    # Simulate a kill mid-write: half a gzip member at the end, and the .open marker left behind.
    a._file.write(gzip.compress(b"WARC/1.1\r\n" + os.urandom(5000))[:300])  # type: ignore[union-attr]
    a._file.flush()  # type: ignore[union-attr]
    a._file.close()  # type: ignore[union-attr]  # killed: the marker stays
    assert path.stat().st_size > whole
    b = Archive(tmp_path, VirtualClock(T0))
    fixed = b.repair()
    assert fixed and fixed[0][0] == name
    assert path.stat().st_size == whole == last_whole_record_end(path)
    assert b.read(good).body == b"one"
    assert not (tmp_path / (name + ".open")).exists()
    b.close()


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=5000))
def test_round_trip_any_payload(tmp_path_factory: object, body: bytes) -> None:
    d = tmp_path_factory.mktemp("w")  # type: ignore[attr-defined]
    a = Archive(d, VirtualClock(T0))
    cap = a.write(result(body))
    assert a.read(cap).body == (body if not cap.revisit else b"")
    a.close()
