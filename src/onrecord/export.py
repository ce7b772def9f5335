"""Exports for other tools: a WACZ of the archive, OPML and sources.toml of the sources.

The WACZ (format 1.1.1) holds the WARC files as they are (stored, not recompressed), a CDXJ index
made by webrecorder's `cdxj-indexer` (compressed in blocks, with its `index.idx`), a page list with
one entry per archived version of a statement, and `datapackage.json` with the SHA-256 of every
file. It is written beside FILE and renamed into place when whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, BinaryIO

from onrecord.archive import in_use, last_whole_record_end
from onrecord.config import format_duration
from onrecord.errors import ArchiveError, OnrecordError
from onrecord.records import Source
from onrecord.store.archive_index import Page

WACZ_VERSION = "1.1.1"
INDEX_LINES = 1024  # lines per compressed index block, as py-wacz and ArchiveWeb.page use


@dataclass(frozen=True)
class WaczResult:
    path: Path
    files: int
    pages: int
    bytes: int


class _Bounded(io.RawIOBase):
    """The first `length` bytes of a WARC file (a file being written ends on a whole record there),
    named as it is inside the WACZ (`os.fspath` gives the indexer the name)."""

    def __init__(self, path: Path, length: int) -> None:
        super().__init__()
        self._f = open(path, "rb")  # noqa: SIM115 - closed with this object
        self._left = length
        self.name_in_wacz = path.name

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self._left)
        if n <= 0:
            return 0
        got = self._f.readinto(memoryview(b)[:n])
        self._left -= got or 0
        return got or 0

    def __fspath__(self) -> str:
        return self.name_in_wacz

    def close(self) -> None:
        self._f.close()
        super().close()


class _Hashing:
    """A write-only stream that counts and hashes what passes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)

    def flush(self) -> None:
        self.out.flush()

    @property
    def hash(self) -> str:
        return "sha256:" + self.sha.hexdigest()


def _zip_time(now: datetime) -> tuple[int, int, int, int, int, int]:
    t = now.astimezone(UTC)
    return (max(t.year, 1980), t.month, t.day, t.hour, t.minute, t.second)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def write_wacz(
    warc_dir: Path,
    pages: Iterable[Page],
    out: Path,
    *,
    now: datetime,
    title: str = "onrecord archive",
    software: str = "onrecord",
) -> WaczResult:
    """Write the archive in `warc_dir` as one WACZ file at `out`."""
    from cdxj_indexer.main import CDXJIndexer

    files = sorted(warc_dir.glob("*.warc.gz")) if warc_dir.is_dir() else []
    if not files:
        raise ArchiveError(f"nothing to export: no WARC files in {warc_dir}")
    lengths = {}
    for p in files:
        size = p.stat().st_size
        # A file being written may end in part of a record: take it up to its last whole one.
        lengths[p.name] = last_whole_record_end(p) if in_use(p) or p.with_name(p.name + ".open").exists() else size
    stamp = _zip_time(now)
    tmp = out.with_name(out.name + ".part")
    resources: list[dict[str, Any]] = []
    n_pages = 0
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as z:
            # 1. the CDXJ index, in compressed blocks (stored: it is gzip already) plus its .idx
            idx = io.StringIO()
            inputs = [_Bounded(p, lengths[p.name]) for p in files]
            try:
                with z.open(zipfile.ZipInfo("indexes/index.cdx.gz", stamp), "w", force_zip64=True) as raw:
                    data = _Hashing(raw)  # type: ignore[arg-type]
                    CDXJIndexer(
                        idx, inputs, sort=True, compress=data, data_out_name="index.cdx.gz", lines=INDEX_LINES
                    ).process_all()
            except OnrecordError:
                raise
            except Exception as exc:
                raise ArchiveError(
                    f"cannot index the WARC files for the WACZ ({exc.__class__.__name__}: {exc}); "
                    "run `onrecord verify` to find the damaged file"
                ) from None
            finally:
                for i in inputs:
                    i.close()
            resources.append(_res("indexes/index.cdx.gz", data.hash, data.size))
            resources.append(_put(z, "indexes/index.idx", idx.getvalue().encode("utf-8"), stamp))
            # 2. the page list: one entry per archived version of a statement
            lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Archived statements"})]
            seen: set[tuple[str, str]] = set()
            for pg in pages:
                ts = _iso(pg.at)
                if (pg.url, ts) in seen:
                    continue
                seen.add((pg.url, ts))
                lines.append(
                    json.dumps(
                        {
                            "id": f"item-{pg.item_id}-v{pg.seq}",
                            "url": pg.url,
                            "ts": ts,
                            "title": pg.title or pg.url,
                            "source": pg.source,
                        },
                        ensure_ascii=False,
                    )
                )
            n_pages = len(lines) - 1
            resources.append(_put(z, "pages/pages.jsonl", ("\n".join(lines) + "\n").encode("utf-8"), stamp))
            # 3. the WARC files as they are
            for p in files:
                info = zipfile.ZipInfo(f"archive/{p.name}", stamp)
                with open(p, "rb") as src, z.open(info, "w", force_zip64=True) as raw:
                    dst = _Hashing(raw)  # type: ignore[arg-type]
                    left = lengths[p.name]
                    while left > 0:
                        chunk = src.read(min(left, 1 << 20))
                        if not chunk:
                            raise ArchiveError(f"{p} got shorter while it was exported")
                        dst.write(chunk)
                        left -= len(chunk)
                resources.append(_res(f"archive/{p.name}", dst.hash, dst.size))
            # 4. the package description and its digest
            package = {
                "profile": "data-package",
                "resources": resources,
                "title": title,
                "created": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "wacz_version": WACZ_VERSION,
                "software": software,
            }
            body = json.dumps(package, indent=2).encode("utf-8")
            _put(z, "datapackage.json", body, stamp)
            digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(body).hexdigest()}
            _put(z, "datapackage-digest.json", json.dumps(digest, indent=2).encode("utf-8"), stamp)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {out}: {exc.strerror}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return WaczResult(out, len(files), n_pages, out.stat().st_size)


def _res(path: str, digest: str, size: int) -> dict[str, Any]:
    return {"name": os.path.basename(path).lower(), "path": path, "hash": digest, "bytes": size}


def _put(z: zipfile.ZipFile, path: str, data: bytes, stamp: tuple[int, int, int, int, int, int]) -> dict[str, Any]:
    info = zipfile.ZipInfo(path, stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)
    return _res(path, "sha256:" + hashlib.sha256(data).hexdigest(), len(data))


# -- sources ---------------------------------------------------------------------------------------
def opml(sources: Sequence[Source], now: datetime, title: str = "onrecord sources") -> bytes:
    """OPML 2.0: feeds as `xmlUrl` outlines, pages as `htmlUrl` ones (what `onrecord import` reads)."""
    from lxml import etree

    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now.astimezone(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    for s in sources:
        attrs = {"text": s.name, "title": s.name}
        if s.kind == "feed":
            attrs.update(type="rss", xmlUrl=s.url)
        else:
            attrs.update(type="link", htmlUrl=s.url)
        if s.actor:
            attrs["category"] = s.actor
        etree.SubElement(body, "outline", attrs)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out


def sources_toml(sources: Sequence[Source]) -> str:
    """`[[source]]` tables with every setting of each source (what `onrecord import` reads)."""
    out = ["# onrecord sources: `onrecord import FILE` adds them to a data folder.\n"]
    for s in sources:
        fields: list[tuple[str, str | None]] = [
            ("name", s.name),
            ("url", s.url),
            ("kind", s.kind),
            ("actor", s.actor),
            ("every", format_duration(s.every)),
            ("selector", s.selector),
            ("ignore", s.ignore),
        ]
        out.append("[[source]]")
        out += [f"{k} = {_toml_str(v)}" for k, v in fields if v is not None]
        out.append("")
    return "\n".join(out)


def _toml_str(value: str) -> str:
    # A JSON string is a TOML basic string (the same escapes); TOML also wants DEL escaped.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
