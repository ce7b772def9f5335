"""WARC files and capture records. Nothing else writes WARC.

Every fetch that got an HTTP answer becomes a `request` + `response` pair in a gzip-per-record
WARC 1.1 file that starts with a `warcinfo` record. A payload identical to one already archived
becomes a small `revisit` record (identical-payload-digest), and a 304 answer a `revisit` record with
the server-not-modified profile pointing at the payload it confirms.

Files are named `onrecord-<time>-<worker>-<pid>-<seq>.warc.gz`; the worker id (the host name unless
set) tells which machine's processes may repair or reopen a file. A process writes a file only while
it holds an exclusive lock on it (released by the kernel when the process dies), and keeps a `.open`
marker beside it. On start, a file that still has a marker but no lock holder (its process was
killed) is cut back to its last whole record; a file another live process is writing is left alone.
A new run appends to the newest file of its worker when that file has room and ends on a whole
record, so `check` runs do not leave one small file each.

Each capture is written with one `write()` call; if it fails (disk full, read-only folder), the
file is cut back to where the capture began and the error is an `ArchiveError` with one line.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import io
import logging
import os
import re
import socket
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
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

PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

# A file is reopened for appending only when what follows its last indexed record is this small
# (the tail is read once to make sure it ends on a whole record).
REOPEN_SCAN_LIMIT = 32 * 1024 * 1024


class _GzipMembers:
    """The stream warcio writes records to: each record it ends with `flush()` becomes one gzip
    member, as WARC readers expect. The record is compressed in one call when it ends, at level 6
    (warcio's own wrapper streams at level 9) and with a window sized to the record, which makes the
    many small records of unchanged re-checks several times cheaper. Members are kept until the
    archive writes a whole capture to its file in one call."""

    def __init__(self, level: int = 6) -> None:
        self.level = level
        self._parts: list[bytes] = []
        self.members: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(bytes(data))

    def flush(self) -> None:
        if not self._parts:
            return
        data = b"".join(self._parts)
        self._parts = []
        window = max(9, min(15, len(data).bit_length()))
        self.members.append(zlib.compress(data, self.level, wbits=16 + window))

    def take(self) -> list[bytes]:
        out, self.members = self.members, []
        return out


def payload_digest(body: bytes) -> str:
    """WARC-style payload digest: sha1 in base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(dt: datetime) -> str:
    """WARC-Date with microseconds, as WARC 1.1 allows."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def worker_id(name: str | None = None) -> str:
    """The worker id in file names: letters and digits of `name`, else of the host name."""
    raw = name or socket.gethostname() or "host"
    return re.sub(r"[^A-Za-z0-9]+", "", raw).lower()[:40] or "host"


def try_lock(fd: int, shared: bool = False) -> bool:
    """Take the file's advisory lock without waiting; False when another process holds it."""
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def in_use(path: Path) -> bool:
    """Whether a live process holds the write lock on this WARC file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        free = try_lock(fd, shared=True)
        return not free
    finally:
        os.close(fd)  # closing drops a lock we took


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
    refers_to_date: str | None = None
    profile: str | None = None


@dataclass
class _OpenFile:
    fd: int
    name: str
    size: int


class Archive:
    def __init__(
        self,
        directory: Path,
        clock: Clock | None = None,
        *,
        max_size: int = 1_000_000_000,
        id_factory: Callable[[], str] | None = None,
        prefix: str = "onrecord",
        worker: str | None = None,
        software: str = "onrecord",
        create: bool = True,
    ) -> None:
        self.dir = Path(directory)
        self.clock = clock or SystemClock()
        self.max_size = max_size
        self.new_id = id_factory or (lambda: f"<urn:uuid:{uuid.uuid4()}>")
        self.prefix = prefix
        self.worker = worker_id(worker)
        self.software = software
        self._own_re = re.compile(
            rf"^{re.escape(prefix)}-\d{{14}}-(?:{re.escape(self.worker)}-)?\d+-\d{{5}}\.warc\.gz$"
        )
        self._seen: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._members = _GzipMembers()
        self._writer = WARCWriter(self._members, gzip=False, warc_version="1.1")
        self._cur: _OpenFile | None = None
        self._known: dict[str, int] = {}
        self._reopen_tried = False
        self._seq = 0
        if create:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create WARC folder {self.dir}: {exc.strerror}") from None

    # -- files ---------------------------------------------------------------------------------
    def is_own(self, name: str) -> bool:
        """A file this worker (this host, or the worker id set) wrote, or one named before worker ids."""
        return bool(self._own_re.match(name))

    @property
    def current(self) -> str | None:
        """The file this archive is writing now, if any."""
        return self._cur.name if self._cur is not None else None

    def ready(self) -> str:
        """Open (or reopen) the file to write to and return its name: raises ArchiveError at once
        when the folder cannot be written, before anything is fetched."""
        return self._open().name

    def _open(self) -> _OpenFile:
        if self._cur is not None:
            if self._cur.size < self.max_size:
                return self._cur
            self.close()
        if not self._reopen_tried:
            self._reopen_tried = True
            got = self._reopen()
            if got is not None:
                self._cur = got
                return got
        self._cur = self._create()
        return self._cur

    def _create(self) -> _OpenFile:
        stamp = self.clock.now().strftime("%Y%m%d%H%M%S")
        for _ in range(1000):
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{self.worker}-{os.getpid()}-{self._seq:05d}.warc.gz"
            path = self.dir / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o644)
            except FileExistsError:
                continue
            except OSError as exc:
                raise ArchiveError(f"cannot create WARC file {path}: {exc.strerror}") from None
            if not try_lock(fd):  # another process took it between create and lock: leave it to them
                os.close(fd)
                continue
            f = _OpenFile(fd, name, 0)
            try:
                self._mark(name)
                self._append(f, self._warcinfo(name))
            except ArchiveError:
                if f.fd >= 0:
                    os.close(f.fd)
                for p in (path, self.dir / (name + ".open")):
                    with contextlib.suppress(OSError):
                        p.unlink(missing_ok=True)
                raise
            log.debug("warc=%s opened", name)
            return f
        raise ArchiveError(f"cannot find a free WARC file name in {self.dir}")

    def _reopen(self) -> _OpenFile | None:
        """One of this worker's newest files (a `watch` may hold the very newest), locked, when it
        has room and ends on a whole record."""
        try:
            own = [
                (p.stat().st_mtime, p.name) for p in self.dir.glob(f"{self.prefix}-*.warc.gz") if self.is_own(p.name)
            ]
        except OSError:
            return None
        for _, name in sorted(own, reverse=True)[:3]:
            got = self._reopen_one(name)
            if got is not None:
                return got
        return None

    def _reopen_one(self, name: str) -> _OpenFile | None:
        path = self.dir / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        except OSError:
            return None
        keep = False
        f: _OpenFile | None = None
        try:
            if not try_lock(fd):
                return None  # a live process is writing it
            size = os.fstat(fd).st_size
            start = self._known.get(name, 0)
            if size >= self.max_size or start > size or size - start > REOPEN_SCAN_LIMIT:
                return None
            end = last_whole_record_end(path, start) if size > start else size
            marker = self.dir / (name + ".open")
            if end != size:
                if not marker.exists():
                    return None  # damaged by something else: leave it as it is for `onrecord verify`
                os.ftruncate(fd, end)  # a killed writer's partial record (we hold the lock: it is gone)
                log.warning("warc=%s cut=%d reason=partial-record-after-crash", name, size - end)
            self._mark(name)
            f = _OpenFile(fd, name, end)
            if end == 0:
                self._append(f, self._warcinfo(name))
            keep = True
            log.debug("warc=%s reopened size=%d", name, end)
            return f
        except (OSError, ArchiveError) as exc:
            log.debug("warc=%s not reopened: %s", name, exc)
            return None
        finally:
            if not keep and (f is None or f.fd >= 0):
                os.close(fd)

    def _mark(self, name: str) -> None:
        marker = self.dir / (name + ".open")
        try:
            marker.write_text(f"worker={self.worker} pid={os.getpid()}\n")
        except OSError as exc:
            raise ArchiveError(f"cannot write WARC marker {marker}: {exc.strerror}") from None

    def _warcinfo(self, name: str) -> bytes:
        info = {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            "worker": self.worker,
        }
        rec = self._writer.create_warcinfo_record(name, info)
        rec.rec_headers.replace_header("WARC-Date", warc_date(self.clock.now()))
        rec.rec_headers.replace_header("WARC-Record-ID", self.new_id())
        self._writer.write_record(rec)
        return b"".join(self._members.take())

    def _append(self, f: _OpenFile, blob: bytes) -> None:
        """Append `blob` in one call; on failure cut the file back to where it was."""
        start = f.size
        try:
            view = memoryview(blob)
            while view:
                n = os.write(f.fd, view)
                view = view[n:]
        except OSError as exc:
            try:
                os.ftruncate(f.fd, start)
            except OSError:
                # The file may end in part of a record now: stop writing it. Its marker stays, so
                # the next start cuts it back to its last whole record.
                os.close(f.fd)
                f.fd = -1
                if self._cur is f:
                    self._cur = None
            raise ArchiveError(f"cannot write WARC file {self.dir / f.name}: {exc.strerror}") from None
        f.size = start + len(blob)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        f, self._cur = self._cur, None
        if f is None:
            return
        try:
            (self.dir / (f.name + ".open")).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("warc=%s cannot remove its .open marker: %s", f.name, exc.strerror)
        os.close(f.fd)  # releases the lock

    def _known_payload(self, digest: str) -> tuple[str, str] | None:
        """Where this run already archived this payload (any URL), if it did."""
        return self._seen.get(digest)

    def _remember(self, digest: str, where: tuple[str, str]) -> None:
        self._seen[digest] = where
        if len(self._seen) > 50_000:
            self._seen.popitem(last=False)

    # -- writing -------------------------------------------------------------------------------
    def write(self, res: FetchResult, previous: UrlState | None = None) -> Capture:
        """Archive one fetch. Fetches that got no HTTP answer get an index entry but no record.

        `previous` is what the index remembers of this URL: when the payload is the one archived
        last time, a revisit record points at it (no database lookup per write); a 304 becomes a
        server-not-modified revisit pointing at that payload.
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
        f = self._open()
        self._members.take()  # nothing left over from a capture that failed half-built
        writer = self._writer
        uri = res.final_url or res.url
        date = warc_date(res.started_at)
        body = res.body
        digest = payload_digest(body) if res.status != 304 else None
        req = self._request_record(writer, res, uri, date)
        http = self._response_headers(res)
        known_prev = previous is not None and previous.digest and previous.digest_uri and previous.digest_date
        earlier = None
        if digest and body:
            if known_prev and previous is not None and previous.digest == digest:
                earlier = (str(previous.digest_uri), str(previous.digest_date))
            else:
                earlier = self._known_payload(digest)
        extra = {
            "WARC-Date": date,
            "WARC-Record-ID": self.new_id(),
            "WARC-Concurrent-To": req.rec_headers.get_header("WARC-Record-ID"),
        }
        revisit = False
        if res.status == 304 and known_prev and previous is not None:
            # No block: replay tools then serve the payload it confirms with that payload's own
            # headers (a block with the 304's headers replays as a bare 304). The 304's validators
            # stay as WARC-Etag / WARC-Last-Modified, as Heritrix writes them; the payload digest
            # is what pywb finds the payload by.
            for name in ("etag", "last-modified"):
                value = res.header(name)
                if value:
                    extra["WARC-Etag" if name == "etag" else "WARC-Last-Modified"] = value
            record = writer.create_warc_record(
                uri, "revisit", payload=io.BytesIO(b""), length=0, warc_headers_dict=extra
            )
            record.rec_headers.remove_header("Content-Type")  # an empty block has no type
            record.content_type = None
            record.rec_headers.add_header("WARC-Profile", PROFILE_NOT_MODIFIED)
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", str(previous.digest_uri))
            record.rec_headers.add_header("WARC-Refers-To-Date", str(previous.digest_date))
            record.rec_headers.add_header("WARC-Payload-Digest", str(previous.digest))
            digest, revisit = previous.digest, True
        elif earlier is not None:
            assert digest is not None
            record = writer.create_revisit_record(
                uri, digest, earlier[0], earlier[1], http_headers=http, warc_headers_dict=extra
            )
            revisit = True
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
        writer.write_record(req)
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
        members = self._members.take()
        offset = f.size + len(members[0])
        self._append(f, b"".join(members))
        end = f.size
        if digest and body and earlier is None and not revisit:
            self._remember(digest, (uri, date))
        return Capture(
            url=res.url,
            at=res.started_at,
            outcome=res.outcome,
            status=res.status,
            digest=digest,
            warc_file=f.name,
            offset=offset,
            length=end - offset,
            revisit=revisit,
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
        return self.read_at(capture.warc_file, capture.offset)

    def read_at(self, name: str, offset: int) -> Replay:
        """Read the record that starts at `offset` of WARC file `name`."""
        path = self.dir / name
        try:
            with open(path, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                if offset >= size:
                    raise ArchiveError(f"{path} has {size} bytes: offset {offset} is past its end (cut short?)")
                f.seek(offset)
                for rec in ArchiveIterator(f):
                    status = None
                    headers: list[tuple[str, str]] = []
                    if rec.http_headers is not None:
                        code = rec.http_headers.get_statuscode()
                        status = int(code) if code and code.isdigit() else None
                        headers = list(rec.http_headers.headers)
                    h = rec.rec_headers
                    if status is None and h.get_header("WARC-Profile") == PROFILE_NOT_MODIFIED:
                        status = 304
                    return Replay(
                        record_type=rec.rec_type,
                        target_uri=h.get_header("WARC-Target-URI") or "",
                        date=h.get_header("WARC-Date") or "",
                        status=status,
                        headers=headers,
                        body=rec.content_stream().read(),
                        refers_to=h.get_header("WARC-Refers-To-Target-URI"),
                        refers_to_date=h.get_header("WARC-Refers-To-Date"),
                        profile=h.get_header("WARC-Profile"),
                    )
        except ArchiveError:
            raise
        except FileNotFoundError:
            raise ArchiveError(f"WARC file {path} is missing") from None
        except OSError as exc:
            raise ArchiveError(f"cannot read {path}: {exc.strerror}") from None
        except Exception as exc:
            raise ArchiveError(f"{path} at offset {offset} holds no readable record: {exc}") from None
        raise ArchiveError(f"{path} at offset {offset} holds no record")

    def body(self, capture: Capture) -> bytes:
        """The payload of a capture (a revisit record holds none: see `Replay.refers_to`)."""
        rep = self.read(capture)
        return rep.body

    # -- crash recovery and damage -------------------------------------------------------------
    def repair(self, known: dict[str, int] | None = None) -> list[tuple[str, int]]:
        """Cut this worker's files left open by a killed process back to their last whole record.

        `known` maps file names to an offset known to be a record boundary (from the index), so the
        scan starts there instead of at the top of a large file. A file whose writer is alive (it
        holds the lock) or that another worker wrote is not touched.
        """
        self._known = dict(known or {})
        fixed: list[tuple[str, int]] = []
        try:
            markers = sorted(self.dir.glob("*.warc.gz.open"))
        except OSError:
            return fixed
        for marker in markers:
            path = marker.with_suffix("")
            if not self.is_own(path.name) or path.name == self.current:
                continue
            try:
                fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
            except FileNotFoundError:
                marker.unlink(missing_ok=True)
                continue
            except OSError as exc:
                log.warning("warc=%s cannot repair: %s", path.name, exc.strerror)
                continue
            try:
                if not try_lock(fd):
                    log.debug("warc=%s in use by a live process: not repaired", path.name)
                    continue
                if not marker.exists():
                    continue  # its writer closed it properly meanwhile
                size = os.fstat(fd).st_size
                start = self._known.get(path.name, 0)
                good = last_whole_record_end(path, start if start <= size else 0)
                if good < size:
                    os.ftruncate(fd, good)
                    fixed.append((path.name, size - good))
                    log.warning("warc=%s cut=%d reason=partial-record-after-crash", path.name, size - good)
                marker.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("warc=%s cannot repair: %s", path.name, exc.strerror)
            finally:
                os.close(fd)
        return fixed

    def damaged(self, extent: dict[str, int]) -> list[tuple[str, int | None, int]]:
        """Files shorter than their index says, or missing: (name, size or None, indexed end)."""
        out: list[tuple[str, int | None, int]] = []
        for name, end in sorted(extent.items()):
            if name == self.current:
                continue
            try:
                size: int | None = (self.dir / name).stat().st_size
            except FileNotFoundError:
                size = None
            except OSError:
                continue
            if size is None or size < end:
                out.append((name, size, end))
        return out

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
