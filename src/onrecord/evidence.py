"""Evidence for publication: one folder that says what a statement said, when, and proves it.

`write_evidence` writes, for one item: every version's text with its times (`versions.txt`,
`versions.json`), a PNG of the archived page as it was captured for each version (rendered by
headless Chromium from the archive only: a server on 127.0.0.1 serves the archived payload and
nothing else, scripts are off in the browser and by Content-Security-Policy, every other host name
fails to resolve; one Chromium per folder, driven over the DevTools protocol),
the item's raw captures as a WACZ (`captures.wacz`, see `onrecord.export`), a README.txt and a
manifest with the SHA-256 of every file. It reads the database and the WARC files only: a deleted
statement's evidence needs no network. The folder is built beside DIR and renamed into place.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select

from onrecord.archive import Archive
from onrecord.errors import ArchiveError, OnrecordError
from onrecord.records import Item, Source, Version
from onrecord.store.archive_index import Page
from onrecord.store.queries import Store
from onrecord.store.tables import CaptureRow

__all__ = ["EvidenceResult", "find_browser", "write_evidence"]

VIEWPORT = (1280, 1024)
MAX_HEIGHT = 16384  # a longer page is cut there
BROWSER_TIMEOUT = 60.0
# Scripts never run; the page may load only what the local archive server has (itself).
CSP = (
    "default-src 'self' data:; script-src 'none'; style-src 'self' 'unsafe-inline' data:; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'none'; frame-src 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


@dataclass(frozen=True)
class EvidenceResult:
    path: Path
    versions: int
    images: int
    captures: int
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Cap:
    id: int
    url: str
    final_url: str | None
    at: datetime
    status: int | None
    digest: str | None
    warc_file: str
    offset: int
    length: int
    revisit: bool

    @property
    def where(self) -> str:
        return self.final_url or self.url


def find_browser(explicit: str | None = None) -> str:
    """The Chromium to render with: `explicit`, else the first of chromium, chromium-browser,
    google-chrome on PATH. Raises a one-line error when there is none."""
    if explicit:
        found = shutil.which(explicit)
        if not found:
            raise OnrecordError(f"browser {explicit!r} not found or not executable")
        return found
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise OnrecordError(
        "no Chromium to render the evidence image with: install Debian's `chromium` package or pass --browser PATH"
    )


def _iso(dt: datetime | None) -> str | None:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None


def _item_captures(store: Store, item: Item, versions: Sequence[Version]) -> list[_Cap]:
    """Every archived capture of the item's URL, the captures its versions were read from, and
    the earlier records that their revisits point at."""
    c = CaptureRow
    ids = [v.capture_id for v in versions if v.capture_id is not None]
    conds = [c.url == item.url, c.final_url == item.url]
    if ids:
        conds.append(c.id.in_(ids))
    base = select(c).where(c.warc_file.is_not(None), c.offset.is_not(None), c.lost.is_(False))
    with store.session() as s:
        rows = {r.id: r for r in s.scalars(base.where(or_(*conds)))}
        digests = {r.digest for r in rows.values() if r.revisit and r.digest}
        if digests:
            for r in s.scalars(base.where(c.digest.in_(sorted(digests)), c.revisit.is_(False))):
                rows.setdefault(r.id, r)
        out = [
            _Cap(
                r.id,
                r.url,
                r.final_url,
                r.at,
                r.status,
                r.digest,
                str(r.warc_file),
                int(r.offset or 0),
                int(r.length or 0),
                bool(r.revisit),
            )
            for r in rows.values()
        ]
    return sorted(out, key=lambda x: (x.at, x.id))


def _subset_warc(warc_dir: Path, caps: Sequence[_Cap], out: Path) -> None:
    """Copy the captures' records (whole gzip members, byte for byte) into one WARC file."""
    with open(out, "wb") as dst:
        for cap in sorted(caps, key=lambda x: (x.warc_file, x.offset)):
            path = warc_dir / cap.warc_file
            try:
                with open(path, "rb") as src:
                    src.seek(cap.offset)
                    data = src.read(cap.length)
            except FileNotFoundError:
                raise ArchiveError(f"WARC file {path} is missing (run `onrecord verify`)") from None
            if len(data) != cap.length:
                raise ArchiveError(f"{path} is shorter than its index says (run `onrecord verify`)")
            dst.write(data)


class _Payloads:
    """The archived payloads the renderer may serve, by URL."""

    def __init__(self, archive: Archive, caps: Sequence[_Cap]) -> None:
        self.archive = archive
        self.caps = caps
        self.by_digest = {c.digest: c for c in caps if c.digest and not c.revisit}

    def payload(self, cap: _Cap) -> tuple[str, bytes] | None:
        """(content type, body) of a capture, a revisit read through the record it points at."""
        src = self.by_digest.get(cap.digest or "") if cap.revisit else cap
        if src is None:
            return None
        rep = self.archive.read_at(src.warc_file, src.offset)
        ctype = next((v for k, v in rep.headers if k.lower() == "content-type"), "application/octet-stream")
        return ctype, rep.body

    def page_for(self, item: Item, v: Version) -> tuple[_Cap, str, bytes] | None:
        """The HTML capture of the item's page that version `v` was read from (for a version with
        no capture on record, the last page that answered 200 before it); None when the version was
        read from a feed entry or no HTML is archived."""
        own = [c for c in self.caps if c.id == v.capture_id and item.url in (c.url, c.final_url)]
        if v.capture_id is not None and not own:
            return None  # read from the feed entry, not from the page: an older page would mislead
        before = [c for c in self.caps if item.url in (c.url, c.final_url) and c.status == 200 and c.at <= v.at]
        for cap in own or before[::-1]:
            got = self.payload(cap)
            if got and "html" in got[0].lower():
                return cap, got[0], got[1]
        return None


class _ArchiveServer:
    """HTTP on 127.0.0.1 that serves one archived document at its own path and nothing else."""

    def __init__(self) -> None:
        self.doc: tuple[str, str, bytes] | None = None  # (path with query, content type, body)
        self.label = "archived payload"
        self.log: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                doc = outer.doc
                if doc is not None and self.path == doc[0]:
                    outer.log.append({"path": self.path, "served": outer.label, "bytes": len(doc[2])})
                    self.send_response(200)
                    self.send_header("Content-Type", doc[1])
                    self.send_header("Content-Length", str(len(doc[2])))
                    self.send_header("Content-Security-Policy", CSP)
                    self.send_header("Cache-Control", "no-store")
                    self.end_headers()
                    self.wfile.write(doc[2])
                    return
                outer.log.append({"path": self.path, "served": "refused: not the archived document"})
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.send_header("Content-Security-Policy", CSP)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--hide-scrollbars",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)


async def _shots(browser: str, jobs: Sequence[tuple[Callable[[], str], Path]], profile: Path) -> None:
    """Start one headless Chromium and, for each job (a function that readies the server and gives
    the URL, the PNG to write), load the URL with scripts off and save the whole page as PNG, over
    the DevTools protocol."""
    import asyncio

    import aiohttp

    w, h = VIEWPORT
    errlog = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    try:
        proc = subprocess.Popen(
            [browser, *_FLAGS, f"--user-data-dir={profile}", f"--window-size={w},{h}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=errlog,
        )
    except OSError as exc:
        errlog.close()
        raise OnrecordError(f"cannot run {browser}: {exc.strerror}") from None

    def failed(what: str) -> OnrecordError:
        proc.kill()
        proc.wait()
        errlog.seek(0)
        lines = [x for x in errlog.read().decode("utf-8", "replace").splitlines() if "dbus" not in x]
        tail = lines[-1:] or ["no output"]
        return OnrecordError(f"{browser} {what} (exit {proc.returncode}: {tail[0][:200]})")

    try:
        port_file = profile / "DevToolsActivePort"
        deadline = asyncio.get_running_loop().time() + BROWSER_TIMEOUT
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if proc.poll() is not None or asyncio.get_running_loop().time() > deadline:
                raise failed("did not start")
            await asyncio.sleep(0.05)
        port = port_file.read_text().splitlines()[0].strip()
        timeout = aiohttp.ClientTimeout(total=BROWSER_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as r:
                targets = [t for t in await r.json() if t.get("type") == "page"]
            if not targets:
                raise failed("opened no page")
            async with http.ws_connect(targets[0]["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                seq = 0

                async def call(method: str, **params: Any) -> dict[str, Any]:
                    nonlocal seq
                    seq += 1
                    me = seq
                    await ws.send_json({"id": me, "method": method, "params": params})
                    while True:
                        m = await ws.receive_json()
                        if m.get("id") == me:
                            if "error" in m:
                                raise OnrecordError(f"{browser}: {method} failed: {m['error'].get('message')}")
                            return dict(m.get("result") or {})

                async def loaded() -> None:
                    while True:
                        m = await ws.receive_json()
                        if m.get("method") == "Page.loadEventFired":
                            return

                await call("Page.enable")
                await call("Emulation.setScriptExecutionDisabled", value=True)
                for ready, png in jobs:
                    await call("Page.navigate", url=ready())
                    await asyncio.wait_for(loaded(), BROWSER_TIMEOUT)
                    size = (await call("Page.getLayoutMetrics")).get("cssContentSize") or {}
                    height = max(h, min(MAX_HEIGHT, int(size.get("height") or h)))
                    clip = {"x": 0, "y": 0, "width": w, "height": height, "scale": 1}
                    shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
                    data = base64.b64decode(shot.get("data") or "")
                    if data[:8] != b"\x89PNG\r\n\x1a\n":
                        raise failed("gave no image")
                    png.write_bytes(data)
    except TimeoutError:
        raise failed(f"took more than {BROWSER_TIMEOUT:.0f}s to render the evidence image") from None
    except (aiohttp.ClientError, ValueError, KeyError) as exc:
        raise failed(f"could not be driven ({exc.__class__.__name__}: {exc})") from None
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        errlog.close()


def _screenshot(browser: str, url: str, png: Path, profile: Path) -> None:
    """One page to one PNG (see `_shots`)."""
    import asyncio

    asyncio.run(_shots(browser, [(lambda: url, png)], profile))


def _text_page(item: Item, v: Version, source: Source, seen: datetime | None = None) -> bytes:
    """An HTML rendering of a version's text, for a version that no archived HTML page holds (read
    from a feed entry or an API answer: a social post)."""
    e = html.escape
    body = "".join(f"<p>{e(p)}</p>" for p in v.text.split("\n") if p.strip())
    who = source.actor or source.name
    title = v.title or item.title
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{e(title or item.url)}</title></head>'
        '<body style="font-family:sans-serif;max-width:50em;margin:2em auto">'
        "<p><em>No archived HTML page holds this version (it was read from a feed entry or an API answer); "
        "this is its text as archived.</em></p>"
        f"<p><strong>{e(who)}</strong> ({e(source.kind)}: {e(source.name)})<br>{e(item.url)}<br>"
        f"version {v.seq}, first seen {_iso(seen or v.at)}"
        + (f" (dated {_iso(v.at)} by the service's edit history)" if seen and seen != v.at else "")
        + "</p>"
        + (f"<h1>{e(title)}</h1>" if title else "")
        + f"{body}</body></html>"
    ).encode("utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


README = """\
Evidence for item {item_id} ({url})
Written by {software} at {created} from its archive only (no network).

Files
  versions.txt      every archived version of the statement, oldest first: number, time first
                    seen (UTC), title and text
  versions.json     the same as JSON, with the item's state and times and, for each version, the
                    capture (URL, time, HTTP status, WARC file and offset) it was read from
{images}  captures.wacz     every archived capture of this statement (WARC records, byte for byte as
                    archived, with a CDXJ index and a page list); open it in ReplayWeb.page
                    (https://replayweb.page) or pywb
  render-log.json   what the browser asked the archive server for while rendering each image
  manifest.json     the SHA-256 and size of every file above
  SHA256SUMS        the same for every file including manifest.json; check with `sha256sum -c SHA256SUMS`

The images were rendered by headless Chromium from the archived HTML served on 127.0.0.1; scripts
were off (by the browser and by Content-Security-Policy) and every other address was blocked, so
an image shows the archived page, never the live site. Images, styles and fonts the page links to
were not archived and are missing from the images. A version that no archived HTML page holds (a
social post, a feed entry) is shown as its archived text, and the image says so.
"""


def write_evidence(
    store: Store,
    archive: Archive,
    ref: str,
    out: Path,
    *,
    now: datetime,
    version: int | None = None,
    browser: str | None = None,
    software: str = "onrecord",
) -> EvidenceResult:
    """Write the evidence folder for item `ref` (id, key or URL) at `out`, which must not exist
    or be empty. `version` limits the images to that version's."""
    from onrecord.export import write_wacz

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OnrecordError(f"{out} already exists and is not an empty folder: give a new one")
    if browser:
        find_browser(browser)  # a wrong --browser is the first thing to say
    item = store.find_item(ref)
    versions = store.versions(item.id)
    if not versions:
        raise OnrecordError(f"item {ref!r} has no archived version yet: nothing to give as evidence")
    if version is not None and version not in {v.seq for v in versions}:
        seqs = ", ".join(str(v.seq) for v in versions)
        raise OnrecordError(f"item {item.id} has no version {version} (it has {seqs})")
    exe = find_browser(browser)
    source = store.source_by_id(item.source_id)
    caps = _item_captures(store, item, versions)
    by_id = {c.id: c for c in caps}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    images: list[str] = []
    try:
        # 1. the texts
        vlist = []
        seen_at: dict[int, datetime] = {}
        for v in versions:
            cap = by_id.get(v.capture_id) if v.capture_id is not None else None
            # A text read from an edit history is dated by the service (its revision's created_at);
            # onrecord first saw it when that history answer was captured.
            dated = cap is not None and urlsplit(cap.where).path.endswith("/history") and cap.at > v.at
            seen_at[v.seq] = cap.at if dated and cap is not None else v.at
            vlist.append(
                {
                    "version": v.seq,
                    "first_seen": _iso(seen_at[v.seq]),
                    **({"dated_by_service": _iso(v.at)} if dated else {}),
                    "title": v.title,
                    "text": v.text,
                    "text_sha256": v.text_hash,
                    "capture": None
                    if cap is None
                    else {
                        "url": cap.where,
                        "at": _iso(cap.at),
                        "status": cap.status,
                        "warc_file": cap.warc_file,
                        "offset": cap.offset,
                        "revisit": cap.revisit,
                    },
                }
            )
        doc = {
            "item": {
                "id": item.id,
                "key": item.key,
                "url": item.url,
                "title": item.title,
                "state": item.state,
                "first_seen": _iso(item.first_seen),
                "last_seen": _iso(item.last_seen),
                "gone_since": _iso(item.gone_since),
                "source": {"name": source.name, "kind": source.kind, "url": source.url, "actor": source.actor},
            },
            "versions": vlist,
        }
        (tmp / "versions.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        lines = [f"Item {item.id}: {item.url}", f"Source: {source.name} ({source.kind}, {source.url})"]
        lines.append(f"State: {item.state}; first seen {_iso(item.first_seen)}; last seen {_iso(item.last_seen)}")
        for v in versions:
            when = f"first seen {_iso(seen_at[v.seq])}"
            if seen_at[v.seq] != v.at:
                when += f" (dated {_iso(v.at)} by the service's edit history)"
            lines += ["", "=" * 72, f"Version {v.seq}, {when}", f"Title: {v.title}", "", v.text]
        (tmp / "versions.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # 2. the images, rendered from the archive only
        payloads = _Payloads(archive, caps)
        server = _ArchiveServer()
        render_log: list[dict[str, Any]] = []
        jobs: list[tuple[Callable[[], str], Path]] = []
        try:
            for v in versions:
                if version is not None and v.seq != version:
                    continue
                page = payloads.page_for(item, v)
                if page is not None:
                    cap, ctype, body = page
                    parts = urlsplit(cap.where)
                    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                    what = {"from": "archived page", "url": cap.where, "captured": _iso(cap.at), "capture_id": cap.id}
                    label = "archived payload"
                else:
                    ctype, path = "text/html; charset=utf-8", "/version-text"
                    body = _text_page(item, v, source, seen_at.get(v.seq))
                    what = {"from": "version text (no archived HTML page)"}
                    label = "version text from the database"
                name = f"version-{v.seq}.png"
                entry: dict[str, Any] = {"image": name, "version": v.seq, **what, "requests": []}
                render_log.append(entry)

                def ready(
                    doc: tuple[str, str, bytes] = (path, ctype, body), lb: str = label, e: dict[str, Any] = entry
                ) -> str:
                    server.doc, server.label, server.log = doc, lb, e["requests"]
                    return f"http://127.0.0.1:{server.port}{doc[0]}"

                jobs.append((ready, tmp / name))
                images.append(name)
            if jobs:
                import asyncio

                asyncio.run(_shots(exe, jobs, tmp / ".profile"))
        finally:
            server.close()
            shutil.rmtree(tmp / ".profile", ignore_errors=True)
        (tmp / "render-log.json").write_text(json.dumps(render_log, indent=2) + "\n", encoding="utf-8")
        # 3. the raw captures as a WACZ
        if caps:
            wdir = tmp / ".warc"
            wdir.mkdir()
            _subset_warc(archive.dir, caps, wdir / f"item-{item.id}.warc.gz")
            cap_ids = {c.id for c in caps}
            pages = [
                Page(
                    by_id[v.capture_id].where,
                    by_id[v.capture_id].at,
                    v.title or item.title,
                    item.id,
                    v.seq,
                    source.name,
                )
                for v in versions
                if v.capture_id in cap_ids
            ]
            write_wacz(
                wdir,
                pages,
                tmp / "captures.wacz",
                now=now,
                title=f"onrecord evidence: item {item.id}",
                software=software,
            )
            shutil.rmtree(wdir)
        # 4. README, manifest, checksums
        listing = "".join(
            f"  {n:<17} PNG, {VIEWPORT[0]} px wide, the whole page of version {n[8:-4]} as archived\n" for n in images
        )
        readme = README.format(item_id=item.id, url=item.url, software=software, created=_iso(now), images=listing)
        if not caps:
            readme = readme.replace(
                "  captures.wacz", "  (no captures.wacz: no archived record of this item is left)\n  -"
            )
        (tmp / "README.txt").write_text(readme, encoding="utf-8")
        files = sorted(p.name for p in tmp.iterdir() if p.is_file())
        manifest = {
            "item": item.id,
            "url": item.url,
            "created": _iso(now),
            "software": software,
            "files": [{"path": n, "sha256": _sha256(tmp / n), "bytes": (tmp / n).stat().st_size} for n in files],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        sums = [f"{_sha256(tmp / n)}  {n}\n" for n in [*files, "manifest.json"]]
        (tmp / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OnrecordError(f"cannot write the evidence folder {out}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    final = sorted(p.name for p in out.iterdir())
    return EvidenceResult(out, len(versions), len(images), len(caps), final)
