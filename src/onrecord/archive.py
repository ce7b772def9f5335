"""WARC files and capture records. Nothing else writes WARC.

Every fetch that got an HTTP answer becomes a `request` + `response` pair in a gzip-per-record
WARC 1.1 file; a payload identical to one already archived becomes a small `revisit` record instead.
Files rotate past `max_size`. A file being written has a `.open` marker beside it; a file left with
one (the process was killed) is cut back to its last whole record by `repair()` on the next start.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.clock import Clock, SystemClock
from onrecord.errors import ArchiveError
from onrecord.records import Capture, FetchResult, UrlState

log = logging.getLogger(__name__)

# Hop-by-hop and encoding headers do not describe the decoded body we store.
_DROP = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}
_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 410: "Gone"}


class _GzipMembers:
    """The stream warcio writes records to: each record it ends with `flush()` becomes one gzip
    member, as WARC readers expect. The record is compressed in one call when it ends, at level 6
    (warcio's own wrapper streams at level 9) and with a window sized to the record, which makes the
    many small records of unchanged re-checks several times cheaper; the file itself is flushed once
    per capture instead of once per record."""

    def __init__(self, f: BinaryIO, level: int = 6) -> None:
        self.f = f
        self.level = level
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(bytes(data))

    def flush(self) -> None:
        if not self._parts:
            return
        data = b"".join(self._parts)
        self._parts = []
        window = max(9, min(15, len(data).bit_length()))
        self.f.write(zlib.compress(data, self.level, wbits=16 + window))


def payload_digest(body: bytes) -> str:
    """WARC-style payload digest: sha1 in base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(dt: datetime) -> str:
    """WARC-Date with microseconds, as WARC 1.1 allows."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Replay:
    """A capture read back from its WARC record."""

    record_type: str
    target_uri: str
    date: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes
    refers_to: str | None = None


class Archive:
    def __init__(
        self,
        directory: Path,
        clock: Clock | None = None,
        *,
        max_size: int = 1_000_000_000,
        id_factory: Callable[[], str] | None = None,
        prefix: str = "onrecord",
    ) -> None:
        self.dir = Path(directory)
        self.clock = clock or SystemClock()
        self.max_size = max_size
        self.new_id = id_factory or (lambda: f"<urn:uuid:{uuid.uuid4()}>")
        self.prefix = prefix
        self._seen: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._name: str | None = None
        self._seq = 0
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create WARC folder {self.dir}: {exc.strerror}") from None

    # -- writing -------------------------------------------------------------------------------
    def _open(self) -> tuple[BinaryIO, WARCWriter, str]:
        if self._file is not None and self._writer is not None and self._name is not None:
            if self._file.tell() < self.max_size:
                return self._file, self._writer, self._name
            self.close()
        self._seq += 1
        stamp = self.clock.now().strftime("%Y%m%d%H%M%S")
        name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._seq:05d}.warc.gz"
        while (self.dir / name).exists():
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{os.getpid()}-{self._seq:05d}.warc.gz"
        try:
            (self.dir / (name + ".open")).touch()
            f = open(self.dir / name, "ab")  # noqa: SIM115 - kept open across writes
        except OSError as exc:
            raise ArchiveError(f"cannot open WARC file {self.dir / name}: {exc.strerror}") from None
        writer = WARCWriter(_GzipMembers(f), gzip=False, warc_version="1.1")
        self._file, self._writer, self._name = f, writer, name
        return f, self._writer, name

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            if self._name:
                (self.dir / (self._name + ".open")).unlink(missing_ok=True)
        self._file = self._writer = self._name = None

    def _known(self, digest: str) -> tuple[str, str] | None:
        """Where this run already archived this payload (any URL), if it did."""
        return self._seen.get(digest)

    def _remember(self, digest: str, where: tuple[str, str]) -> None:
        self._seen[digest] = where
        if len(self._seen) > 50_000:
            self._seen.popitem(last=False)

    def write(self, res: FetchResult, previous: UrlState | None = None) -> Capture:
        """Archive one fetch. Fetches that got no HTTP answer get an index entry but no record.

        `previous` is what the index remembers of this URL: when the payload is the one archived
        last time, a revisit record points at it (no database lookup per write).
        """
        if res.status is None:
            return Capture(
                url=res.url,
                at=res.started_at,
                outcome=res.outcome,
                status=None,
                digest=None,
                warc_file=None,
                offset=None,
                length=None,
                error=res.error,
                final_url=res.final_url,
            )
        f, writer, name = self._open()
        uri = res.final_url or res.url
        date = warc_date(res.started_at)
        body = res.body
        digest = payload_digest(body) if res.status != 304 else None
        req = self._request_record(writer, res, uri, date)
        http = self._response_headers(res)
        earlier = None
        if digest and body:
            if previous is not None and previous.digest == digest and previous.digest_uri and previous.digest_date:
                earlier = (previous.digest_uri, previous.digest_date)
            else:
                earlier = self._known(digest)
        extra = {
            "WARC-Date": date,
            "WARC-Record-ID": self.new_id(),
            "WARC-Concurrent-To": req.rec_headers.get_header("WARC-Record-ID"),
        }
        if earlier is not None:
            assert digest is not None
            record = writer.create_revisit_record(
                uri, digest, earlier[0], earlier[1], http_headers=http, warc_headers_dict=extra
            )
        else:
            if digest:
                extra["WARC-Payload-Digest"] = digest
            if res.outcome == "too_large":
                extra["WARC-Truncated"] = "length"
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=http,
                warc_headers_dict=extra,
            )
        try:
            start = f.tell()
            writer.write_record(req)
            offset = f.tell()
            writer.write_record(record)
            if res.redirects:
                via = "".join(f"via: {u}\n" for u in res.redirects).encode()
                meta = writer.create_warc_record(
                    uri,
                    "metadata",
                    payload=io.BytesIO(via),
                    length=len(via),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict={
                        "WARC-Date": date,
                        "WARC-Record-ID": self.new_id(),
                        "WARC-Concurrent-To": extra["WARC-Record-ID"],
                    },
                )
                writer.write_record(meta)
            end = f.tell()
            f.flush()
        except OSError as exc:
            raise ArchiveError(f"cannot write WARC file {self.dir / name}: {exc.strerror}") from None
        if digest and body and earlier is None:
            self._remember(digest, (uri, date))
        del start
        return Capture(
            url=res.url,
            at=res.started_at,
            outcome=res.outcome,
            status=res.status,
            digest=digest,
            warc_file=name,
            offset=offset,
            length=end - offset,
            revisit=earlier is not None,
            error=res.error,
            final_url=res.final_url,
        )

    def _request_record(self, writer: WARCWriter, res: FetchResult, uri: str, date: str):  # type: ignore[no-untyped-def]
        parts = urlsplit(uri)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = list(res.request_headers)
        if not any(k.lower() == "host" for k, _ in headers):
            headers.insert(0, ("Host", parts.netloc))
        http = StatusAndHeaders(f"GET {target} HTTP/1.1", headers, is_http_request=True)
        return writer.create_warc_record(
            uri,
            "request",
            http_headers=http,
            warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": self.new_id()},
        )

    @staticmethod
    def _response_headers(res: FetchResult) -> StatusAndHeaders:
        status = res.status or 0
        reason = res.reason or _REASONS.get(status, "")
        headers = [(k, v) for k, v in res.headers if k.lower() not in _DROP]
        for k, v in res.headers:
            if k.lower() == "content-encoding":
                headers.append(("X-Archive-Orig-Content-Encoding", v))
        if status != 304:
            headers.append(("Content-Length", str(len(res.body))))
        return StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/" + res.http_version)

    # -- reading -------------------------------------------------------------------------------
    def read(self, capture: Capture) -> Replay:
        """Read a capture back by its index row."""
        if capture.warc_file is None or capture.offset is None:
            raise ArchiveError(f"capture of {capture.url} has no WARC record ({capture.outcome}: {capture.error})")
        path = self.dir / capture.warc_file
        try:
            with open(path, "rb") as f:
                f.seek(capture.offset)
                for rec in ArchiveIterator(f):
                    status = None
                    headers: list[tuple[str, str]] = []
                    if rec.http_headers is not None:
                        code = rec.http_headers.get_statuscode()
                        status = int(code) if code and code.isdigit() else None
                        headers = list(rec.http_headers.headers)
                    return Replay(
                        record_type=rec.rec_type,
                        target_uri=rec.rec_headers.get_header("WARC-Target-URI") or "",
                        date=rec.rec_headers.get_header("WARC-Date") or "",
                        status=status,
                        headers=headers,
                        body=rec.content_stream().read(),
                        refers_to=rec.rec_headers.get_header("WARC-Refers-To-Target-URI"),
                    )
        except OSError as exc:
            raise ArchiveError(f"cannot read {path}: {exc.strerror}") from None
        except Exception as exc:
            raise ArchiveError(f"{path} at offset {capture.offset} holds no readable record: {exc}") from None
        raise ArchiveError(f"{path} at offset {capture.offset} holds no record")

    def body(self, capture: Capture) -> bytes:
        """The payload of a capture, following a revisit to the record it points at."""
        rep = self.read(capture)
        return rep.body

    # -- crash recovery ------------------------------------------------------------------------
    def repair(self, known: dict[str, int] | None = None) -> list[tuple[str, int]]:
        """Cut files left open by a killed process back to their last whole record.

        `known` maps file names to an offset known to be a record boundary (from the index), so the
        scan starts there instead of at the top of a large file.
        """
        fixed: list[tuple[str, int]] = []
        for marker in sorted(self.dir.glob("*.warc.gz.open")):
            path = marker.with_suffix("")
            if path.exists():
                good = last_whole_record_end(path, (known or {}).get(path.name, 0))
                size = path.stat().st_size
                if good < size:
                    with open(path, "r+b") as f:
                        f.truncate(good)
                    fixed.append((path.name, size - good))
                    log.warning("warc=%s cut=%d reason=partial-record-after-crash", path.name, size - good)
            marker.unlink(missing_ok=True)
        return fixed

    def files(self) -> list[Path]:
        return sorted(self.dir.glob("*.warc.gz"))


def last_whole_record_end(path: Path, start: int = 0) -> int:
    """Byte offset just past the last whole gzip member holding a WARC record, scanning from `start`.

    Each record is its own gzip member, so a member that ends cleanly is a whole record; a member
    cut short by a crash never reaches its end and is not counted.
    """
    end = pos = start
    with open(path, "rb") as f:
        f.seek(start)
        buf = b""
        while True:
            if not buf:
                buf = f.read(1 << 16)
                if not buf:
                    return end
            d = zlib.decompressobj(wbits=31)
            head = b""
            while not d.eof:
                if not buf:
                    buf = f.read(1 << 16)
                    if not buf:
                        return end  # the member never ended: cut here
                try:
                    out = d.decompress(buf)
                except zlib.error:
                    return end
                if len(head) < 8:
                    head += out[: 8 - len(head)]
                if d.eof:
                    pos += len(buf) - len(d.unused_data)
                    buf = d.unused_data
                else:
                    pos += len(buf)
                    buf = b""
            if not head.startswith(b"WARC/"):
                return end
            end = pos
