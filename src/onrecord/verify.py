"""`onrecord verify`: is every WARC file whole and does every index row point at a readable record?

Each file is read member by member (one gzip member per record): a member cut short, bytes that are
not gzip, a member that is not a WARC record, a record shorter than its Content-Length or whose
digests do not match its bytes are problems. `warcio check` accepts a file whose last member is cut
short; this does not. Then every index row is checked against what the files hold (file there,
offset at a record start, the record for its URL, offset + length at a record end), and every
revisit record must refer to a payload that is in the archive. Reading only: nothing is changed.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from onrecord.archive import in_use
from onrecord.store.archive_index import IndexRow

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Record:
    offset: int
    end: int
    type: str
    uri: str
    date: str
    profile: str | None
    refers_uri: str | None
    refers_date: str | None
    payload_digest: str | None


@dataclass
class FileScan:
    name: str
    size: int
    records: list[Record] = field(default_factory=list)
    readable_end: int = 0
    problem: str | None = None  # the first thing that stops a reader, if any
    live: bool = False  # a live process holds its write lock (a partial tail is expected)
    marked_open: bool = False


@dataclass(frozen=True)
class Problem:
    kind: str  # truncated | corrupt | missing | past_end | not_a_record | wrong_record | lost | revisit
    file: str | None
    message: str
    offset: int | None = None
    capture: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "problem",
            "kind": self.kind,
            "file": self.file,
            "offset": self.offset,
            "capture": self.capture,
            "message": self.message,
        }


@dataclass
class Report:
    files: list[FileScan] = field(default_factory=list)
    index_rows: int = 0
    revisits: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def records(self) -> int:
        return sum(len(f.records) for f in self.files)

    def summary(self) -> dict[str, Any]:
        return {
            "type": "summary",
            "files": len(self.files),
            "bytes": sum(f.size for f in self.files),
            "records": self.records,
            "index_rows": self.index_rows,
            "revisits": self.revisits,
            "problems": len(self.problems),
            "ok": self.ok,
        }


def _sha1(data: bytes | memoryview) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _parse_record(data: bytes) -> tuple[dict[str, str], memoryview] | str:
    """WARC headers (lower-case names) and block of one record, or what is wrong with it."""
    if not data.startswith(b"WARC/"):
        return "is not a WARC record"
    head_end = data.find(b"\r\n\r\n")
    if head_end < 0:
        return "has no end of WARC headers"
    headers: dict[str, str] = {}
    for line in data[:head_end].decode("utf-8", "replace").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return "has no Content-Length"
    block = memoryview(data)[head_end + 4 : head_end + 4 + length]
    if len(block) < length:
        return f"is shorter than its Content-Length ({len(block)} of {length} bytes)"
    want = headers.get("warc-block-digest")
    if want and want.startswith("sha1:") and _sha1(block) != want:
        return "does not match its WARC-Block-Digest"
    payload_want = headers.get("warc-payload-digest")
    if payload_want and payload_want.startswith("sha1:") and headers.get("warc-type") == "response":
        split = bytes(block[:65536]).find(b"\r\n\r\n")
        is_http = headers.get("content-type", "").startswith("application/http")
        if is_http and split >= 0 and _sha1(block[split + 4 :]) != payload_want:
            return "does not match its WARC-Payload-Digest"
    return headers, block


def scan_file(path: Path) -> FileScan:
    """Read a WARC file member by member; stops at the first member a reader could not get past."""
    size = path.stat().st_size
    scan = FileScan(path.name, size, live=in_use(path), marked_open=path.with_name(path.name + ".open").exists())
    with open(path, "rb") as f:
        pos = 0
        buf = b""
        while True:
            if not buf:
                buf = f.read(_CHUNK)
                if not buf:
                    break
            start = pos
            d = zlib.decompressobj(wbits=31)
            parts: list[bytes] = []
            while not d.eof:
                if not buf:
                    buf = f.read(_CHUNK)
                    if not buf:
                        scan.problem = (
                            f"cut short: the record at byte {start} is incomplete ({pos - start} bytes of it)"
                        )
                        return scan
                try:
                    parts.append(d.decompress(buf))
                except zlib.error:
                    scan.problem = f"corrupt: no gzip member starts at byte {start}"
                    return scan
                if d.eof:
                    pos += len(buf) - len(d.unused_data)
                    buf = d.unused_data
                else:
                    pos += len(buf)
                    buf = b""
            parsed = _parse_record(b"".join(parts))
            if isinstance(parsed, str):
                scan.problem = f"corrupt: the record at byte {start} {parsed}"
                return scan
            h, _block = parsed
            scan.records.append(
                Record(
                    start,
                    pos,
                    h.get("warc-type", ""),
                    h.get("warc-target-uri", ""),
                    h.get("warc-date", ""),
                    h.get("warc-profile"),
                    h.get("warc-refers-to-target-uri"),
                    h.get("warc-refers-to-date"),
                    h.get("warc-payload-digest"),
                )
            )
            scan.readable_end = pos
    return scan


def _date_key(value: str | None) -> str:
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return value


def verify(
    warc_dir: Path,
    rows: Iterable[IndexRow],
    *,
    on_file: Callable[[FileScan], None] | None = None,
) -> Report:
    """Check every WARC file in `warc_dir` and every index row; report what was found."""
    report = Report()
    scans: dict[str, FileScan] = {}
    paths = sorted(warc_dir.glob("*.warc.gz")) if warc_dir.is_dir() else []
    payloads: dict[tuple[str, str], str | None] = {}
    for path in paths:
        try:
            scan = scan_file(path)
        except OSError as exc:
            report.problems.append(Problem("corrupt", path.name, f"{path.name}: cannot read: {exc.strerror}"))
            continue
        scans[scan.name] = scan
        report.files.append(scan)
        if scan.problem and not (scan.live and scan.problem.startswith("cut short")):
            kind = "truncated" if scan.problem.startswith("cut short") else "corrupt"
            report.problems.append(Problem(kind, scan.name, f"{scan.name}: {scan.problem}", offset=scan.readable_end))
        for r in scan.records:
            if r.type in ("response", "resource"):
                payloads[(r.uri, _date_key(r.date))] = r.payload_digest
        if on_file is not None:
            on_file(scan)
    for scan in report.files:
        for r in scan.records:
            if r.type != "revisit":
                continue
            report.revisits += 1
            key = (r.refers_uri or "", _date_key(r.refers_date))
            if key not in payloads:
                report.problems.append(
                    Problem(
                        "revisit",
                        scan.name,
                        f"{scan.name} at byte {r.offset}: the revisit of {r.uri} refers to a payload "
                        f"({r.refers_uri} at {r.refers_date}) that is not in the archive",
                        offset=r.offset,
                    )
                )
            elif r.payload_digest and payloads[key] and payloads[key] != r.payload_digest:
                report.problems.append(
                    Problem(
                        "revisit",
                        scan.name,
                        f"{scan.name} at byte {r.offset}: the revisit of {r.uri} names digest "
                        f"{r.payload_digest} but the payload it refers to has {payloads[key]}",
                        offset=r.offset,
                    )
                )
    starts = {name: {r.offset: r for r in s.records} for name, s in scans.items()}
    ends = {name: {r.end for r in s.records} for name, s in scans.items()}
    for row in rows:
        report.index_rows += 1
        p = _check_row(row, scans, starts, ends)
        if p is not None:
            report.problems.append(p)
    return report


def _check_row(
    row: IndexRow,
    scans: dict[str, FileScan],
    starts: dict[str, dict[int, Record]],
    ends: dict[str, set[int]],
) -> Problem | None:
    name = row.warc_file
    where = f"capture {row.id} ({row.url})"
    if row.lost:
        return Problem("lost", name, f"{where} was in {name}, found cut short or missing earlier", row.offset, row.id)
    scan = scans.get(name)
    if scan is None:
        return Problem("missing", name, f"{where} points into {name}, which is missing", row.offset, row.id)
    if row.offset is None or row.length is None:
        return Problem("not_a_record", name, f"{where} in {name} has no offset or length", row.offset, row.id)
    if row.offset + row.length > scan.readable_end:
        if row.offset + row.length > scan.size:
            what = f"past the end of {name} ({scan.size} bytes)"
        else:
            what = f"past the readable part of {name} (bytes 0-{scan.readable_end})"
        return Problem("past_end", name, f"{where} points {what}", row.offset, row.id)
    rec = starts[name].get(row.offset)
    if rec is None:
        return Problem(
            "not_a_record", name, f"{where}: no record starts at byte {row.offset} of {name}", row.offset, row.id
        )
    if row.offset + row.length not in ends[name]:
        return Problem(
            "not_a_record",
            name,
            f"{where}: byte {row.offset + row.length} of {name} is not a record end",
            row.offset,
            row.id,
        )
    if rec.type not in ("response", "revisit") or rec.uri not in (row.url, row.final_url):
        return Problem(
            "wrong_record",
            name,
            f"{where}: the record at byte {row.offset} of {name} is a {rec.type} of {rec.uri}",
            row.offset,
            row.id,
        )
    return None
