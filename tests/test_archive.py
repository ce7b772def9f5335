"""WARC writing, reading back, revisits, rotation and crash repair, with warcio on real files."""

from __future__ import annotations

import gzip
import os
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from onrecord.archive import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED, Archive, last_whole_record_end, warc_date
from onrecord.clock import VirtualClock
from onrecord.records import FetchResult, UrlState

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
    for f in a.files():  # every file starts with its warcinfo record
        with open(f, "rb") as fh:
            assert next(iter(ArchiveIterator(fh))).rec_type == "warcinfo"


def _kill_mid_write(a: Archive) -> None:
    """What a SIGKILL in the middle of a record leaves: half a gzip member at the end of the file,
    its `.open` marker, and no lock holder."""
    cur = a._cur  # the file being written
    assert cur is not None
    os.write(cur.fd, gzip.compress(b"WARC/1.1\r\n" + os.urandom(5000))[:300])
    os.close(cur.fd)  # the kernel drops a dead process's lock the same way
    a._cur = None


def test_repair_cuts_a_partial_record(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    good = a.write(result(b"one"))
    a.write(result(b"two"))
    name = good.warc_file
    assert name is not None
    path = tmp_path / name
    whole = path.stat().st_size
    _kill_mid_write(a)
    assert path.stat().st_size > whole
    b = Archive(tmp_path, VirtualClock(T0))
    fixed = b.repair()
    assert fixed and fixed[0][0] == name
    assert path.stat().st_size == whole == last_whole_record_end(path)
    assert b.read(good).body == b"one"
    assert not (tmp_path / (name + ".open")).exists()
    b.close()


def test_repair_leaves_another_workers_files_alone(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0), worker="elsewhere")
    name = a.write(result(b"one")).warc_file
    assert name is not None and "-elsewhere-" in name
    _kill_mid_write(a)
    size = (tmp_path / name).stat().st_size
    b = Archive(tmp_path, VirtualClock(T0), worker="here")
    assert b.repair() == []
    assert (tmp_path / (name + ".open")).exists() and (tmp_path / name).stat().st_size == size
    assert b.write(result(b"two")).warc_file != name  # nor does it append to it
    b.close()


def test_a_304_is_a_server_not_modified_revisit_of_the_payload_it_confirms(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    first = a.write(result(b"<p>statement</p>"))
    prev = UrlState('"v1"', None, first.digest, "http://127.0.0.1:9/a", warc_date(T0))
    nm = a.write(result(b"", status=304), prev)
    rep = a.read(nm)
    assert rep.record_type == "revisit" and rep.status == 304 and rep.profile == PROFILE_NOT_MODIFIED
    assert (rep.refers_to, rep.refers_to_date) == ("http://127.0.0.1:9/a", a.read(first).date)
    assert nm.revisit and nm.digest == first.digest
    same = a.write(result(b"<p>statement</p>"), prev)  # a 200 with the same payload
    assert a.read(same).profile == PROFILE_IDENTICAL
    unknown = a.write(result(b"", status=304))  # nothing known to point at: a plain 304 response
    assert a.read(unknown).record_type == "response" and not unknown.revisit
    a.close()


def test_a_new_run_appends_to_its_workers_last_file(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0), worker="w1")
    c1 = a.write(result(b"one"))
    a.close()
    b = Archive(tmp_path, VirtualClock(T0), worker="w1")
    c2 = b.write(result(b"two"))
    b.close()
    assert c2.warc_file == c1.warc_file
    assert b.read(c1).body == b"one" and b.read(c2).body == b"two"
    with open(tmp_path / str(c1.warc_file), "rb") as f:
        types = [r.rec_type for r in ArchiveIterator(f)]
    assert types == ["warcinfo", "request", "response", "request", "response"]
    assert not list(tmp_path.glob("*.open"))
    full = Archive(tmp_path, VirtualClock(T0), worker="w1", max_size=10)  # no room left: a new file
    assert full.write(result(b"three")).warc_file != c1.warc_file
    full.close()


def test_a_file_cut_short_is_left_as_it_is(tmp_path: Path) -> None:
    a = Archive(tmp_path, VirtualClock(T0))
    c1 = a.write(result(os.urandom(3000)))
    a.close()
    path = tmp_path / str(c1.warc_file)
    os.truncate(path, path.stat().st_size - 100)
    cut = path.stat().st_size
    b = Archive(tmp_path, VirtualClock(T0))
    assert b.repair({path.name: 0}) == []  # no marker: not a crash of ours, nothing is cut
    assert b.damaged({path.name: c1.offset + c1.length}) == [(path.name, cut, c1.offset + c1.length)]  # type: ignore[operator]
    assert b.write(result(b"next")).warc_file != path.name
    assert path.stat().st_size == cut
    b.close()


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=5000))
def test_round_trip_any_payload(tmp_path_factory: object, body: bytes) -> None:
    d = tmp_path_factory.mktemp("w")  # type: ignore[attr-defined]
    a = Archive(d, VirtualClock(T0))
    cap = a.write(result(body))
    assert a.read(cap).body == (body if not cap.revisit else b"")
    a.close()


def test_a_file_held_by_a_running_writer_is_not_appended_to(tmp_path: Path) -> None:
    """`check` while `watch` writes the newest file: it appends to its own last file instead."""
    earlier = Archive(tmp_path, VirtualClock(T0), worker="w")
    mine = earlier.write(result(b"from an earlier check")).warc_file
    earlier.close()
    os.utime(tmp_path / str(mine), (1, 1))  # older than the one the writer holds
    watch = Archive(tmp_path, VirtualClock(T0), worker="w", max_size=10)  # full: it starts a new file
    held = watch.write(result(b"watch")).warc_file
    assert held != mine
    check = Archive(tmp_path, VirtualClock(T0), worker="w")
    assert check.write(result(b"check")).warc_file == mine
    check.close()
    assert (tmp_path / (str(held) + ".open")).exists()  # still the writer's
    watch.close()
