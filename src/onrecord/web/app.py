"""The web UI and JSON API of `onrecord serve` (FastAPI, server-rendered Jinja2 pages)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from fastapi import FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from onrecord.app import Onrecord
from onrecord.durations import format_duration, parse_duration
from onrecord.errors import OnrecordError
from onrecord.records import Finding, Source
from onrecord.store.browse import FindingFilter, item_titles, latest_findings
from onrecord.web.diffs import side_by_side, word_diff
from onrecord.web.security import Guard

__all__ = ["create_app"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
ATOM = "http://www.w3.org/2005/Atom"


class SourceEdit(BaseModel):
    name: str | None = None
    actor: str | None = None
    every: str | None = None
    selector: str | None = None
    ignore: str | None = None


class NewSource(BaseModel):
    url: str
    kind: str | None = None
    name: str | None = None
    actor: str | None = None
    every: str | None = None


def _time(value: str | None, now: datetime, what: str) -> datetime | None:
    if not value:
        return None
    try:
        return now - timedelta(seconds=parse_duration(value))
    except ValueError:
        pass
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise HTTPException(400, f"{what}: {value!r} is neither a duration (2h, 3d) nor an ISO time") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _source_json(s: Source, health: dict[str, Any] | None) -> dict[str, Any]:
    h = health or {}
    last = h.get("last_check")
    return {
        "id": s.id,
        "name": s.name,
        "url": s.url,
        "kind": s.kind,
        "actor": s.actor,
        "every": s.every,
        "every_text": format_duration(s.every),
        "paused": s.paused,
        "status": h.get("status"),
        "fail_count": h.get("fail_count"),
        "last_error": h.get("last_error"),
        "last_check": last.isoformat() if last else None,
    }


def create_app(core: Onrecord, *, bind_host: str = "127.0.0.1", token: str | None = None) -> FastAPI:
    """The ASGI app over one library instance. `token` (setting web_token) is required on every request
    when set; the caller refuses a non-loopback bind without one."""
    guard = Guard(bind_host, token)
    app = FastAPI(title="onrecord", openapi_url="/api/openapi.json", docs_url="/api/docs", redoc_url=None)
    app.middleware("http")(guard)

    @app.exception_handler(OnrecordError)
    async def _library_error(request: Request, exc: OnrecordError) -> Response:
        msg = str(exc)
        if request.url.path.startswith("/api/"):
            return Response(f'{{"detail": {_js(msg)}}}', status_code=400, media_type="application/json")
        return TEMPLATES.TemplateResponse(request, "error.html", {"message": msg}, status_code=400)

    def filters(
        kind: str | None,
        source: str | None,
        actor: str | None,
        since: str | None,
        until: str | None,
        before: int | None,
    ) -> FindingFilter:
        now = core.clock.now()
        kinds = tuple(k.strip() for k in (kind or "").split(",") if k.strip())
        return FindingFilter(
            kinds=kinds,
            source=source or None,
            actor=actor or None,
            since=_time(since, now, "since"),
            until=_time(until, now, "until"),
            before_id=before,
        )

    FQ = dict(
        kind=Query(None, description="finding kinds, comma-separated (new, edited, deleted, ...)"),
        source=Query(None, description="a source name"),
        actor=Query(None),
        since=Query(None, description="a duration back from now (2h, 7d) or an ISO time"),
        until=Query(None, description="a duration back from now or an ISO time"),
        before=Query(None, description="only findings older than this id (the next page)"),
    )

    # -- JSON API ------------------------------------------------------------------------------
    @app.get("/api/findings")
    def api_findings(
        kind: str | None = FQ["kind"],
        source: str | None = FQ["source"],
        actor: str | None = FQ["actor"],
        since: str | None = FQ["since"],
        until: str | None = FQ["until"],
        before: int | None = FQ["before"],
        limit: int = Query(50, ge=1, le=1000),
    ) -> list[dict[str, Any]]:
        """The newest findings first, filtered; page with `before` = the last id seen."""
        return [
            f.to_json() for f in latest_findings(core.store, filters(kind, source, actor, since, until, before), limit)
        ]

    @app.get("/api/sources")
    def api_sources() -> list[dict[str, Any]]:
        health = core.store.source_rows_status()
        return [_source_json(s, health.get(s.id)) for s in core.sources()]

    @app.post("/api/sources", status_code=201)
    def api_add_source(body: NewSource) -> dict[str, Any]:
        """Add a source (the same checks as `onrecord add`: private addresses refused unless allowed)."""
        s = core.add_source(body.url, kind=body.kind, name=body.name, actor=body.actor, every=body.every)
        return _source_json(s, None)

    @app.delete("/api/sources/{ref}")
    def api_remove_source(ref: str) -> dict[str, Any]:
        return _source_json(core.remove_source(ref), None)

    @app.patch("/api/sources/{ref}")
    def api_edit_source(ref: str, body: SourceEdit) -> dict[str, Any]:
        """Change a source's name, actor, interval (`every`: 5m), selector or ignore pattern; "" clears."""
        _, after = core.edit_source(ref, **body.model_dump(exclude_none=True))
        return _source_json(after, None)

    @app.post("/api/sources/{ref}/pause")
    def api_pause(ref: str, paused: bool = True) -> dict[str, Any]:
        return _source_json(core.pause(ref, paused), None)

    def check_now(ref: str) -> dict[str, Any]:
        """Check one source now, whatever its schedule (the same check as `onrecord check REF`)."""
        from onrecord.loop import run as run_async

        (result,) = run_async(core.check([ref]))
        return {"source": _source_json(result.source, None), "fetches": result.fetches, "error": result.error,
                "findings": [f.to_json() for f in result.findings]}

    @app.post("/api/sources/{ref}/check")
    def api_check(ref: str) -> dict[str, Any]:
        """Check one source now; the answer lists the findings the check wrote and its error, if any."""
        return check_now(ref)

    @app.get("/api/items/{ref}")
    def api_item(ref: str, a: int | None = None, b: int | None = None) -> dict[str, Any]:
        """An item with every version; with `a` and `b` (version numbers) the word diff between them."""
        item, versions = core.versions(ref)
        out: dict[str, Any] = {
            "id": item.id,
            "key": item.key,
            "url": item.url,
            "title": item.title,
            "state": item.state,
            "first_seen": item.first_seen.isoformat(),
            "last_seen": item.last_seen.isoformat(),
            "versions": [
                {"seq": v.seq, "at": v.at.isoformat(), "title": v.title, "text": v.text, "capture_id": v.capture_id}
                for v in versions
            ],
        }
        if a is not None and b is not None:
            va, vb = _pick(versions, a), _pick(versions, b)
            out["diff"] = word_diff(va.text, vb.text)
        return out

    # -- Atom ----------------------------------------------------------------------------------
    @app.get("/feeds/findings.atom")
    def atom(
        request: Request,
        kind: str | None = FQ["kind"],
        source: str | None = FQ["source"],
        actor: str | None = FQ["actor"],
        since: str | None = FQ["since"],
        until: str | None = FQ["until"],
    ) -> Response:
        found = latest_findings(core.store, filters(kind, source, actor, since, until, None), 100)
        return Response(_atom(found, str(request.url), str(request.base_url)), media_type="application/atom+xml")

    # -- pages ---------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def findings_page(
        request: Request,
        kind: str | None = None,
        source: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        until: str | None = None,
        before: int | None = None,
    ) -> Response:
        found = latest_findings(core.store, filters(kind, source, actor, since, until, before), 50)
        q = {
            "kind": kind or "",
            "source": source or "",
            "actor": actor or "",
            "since": since or "",
            "until": until or "",
        }
        return TEMPLATES.TemplateResponse(
            request,
            "findings.html",
            {"findings": found, "q": q, "sources": core.sources(), "more": found[-1].id if len(found) == 50 else None,
             "titles": item_titles(core.store, [f.item_id for f in found if f.item_id is not None])},
        )

    @app.get("/sources", response_class=HTMLResponse)
    def sources_page(request: Request) -> Response:
        health = core.store.source_rows_status()
        rows = [_source_json(s, health.get(s.id)) for s in core.sources()]
        return TEMPLATES.TemplateResponse(request, "sources.html", {"sources": rows, "csrf": guard.csrf()})

    @app.post("/sources")
    def sources_form(
        request: Request,
        csrf: str = Form(""),
        action: str = Form("add"),
        url: str = Form(""),
        name: str = Form(""),
        actor: str = Form(""),
        every: str = Form(""),
        ref: str = Form(""),
    ) -> Response:
        if not guard.csrf_ok(csrf):
            raise HTTPException(403, "form token missing or wrong (reload the page)")
        if action == "add":
            core.add_source(url.strip(), name=name or None, actor=actor or None, every=every or None)
        elif action in ("pause", "resume"):
            core.pause(ref, action == "pause")
        elif action == "remove":
            core.remove_source(ref)
        elif action == "edit":
            core.edit_source(ref, name=name or None, actor=actor, every=every or None)
        elif action == "check":
            check_now(ref)
            return RedirectResponse(f"/?source={quote(ref)}", status_code=303)
        else:
            raise HTTPException(400, f"unknown action {action!r}")
        return RedirectResponse("/sources", status_code=303)

    @app.get("/items/{ref}", response_class=HTMLResponse)
    def item_page(request: Request, ref: str, a: int | None = None, b: int | None = None) -> Response:
        item, versions = core.versions(ref)
        ctx: dict[str, Any] = {"item": item, "versions": versions}
        if len(versions) >= 2:
            va = _pick(versions, a if a is not None else versions[-2].seq)
            vb = _pick(versions, b if b is not None else versions[-1].seq)
            ops = word_diff(va.text, vb.text)
            left, right = side_by_side(ops)
            ctx.update(a=va, b=vb, inline=ops, left=left, right=right)
        return TEMPLATES.TemplateResponse(request, "item.html", ctx)

    if hasattr(Onrecord, "search"):

        def run_search(q: str, source: str | None, actor: str | None, since: str | None, current: bool) -> list[Any]:
            now = core.clock.now()
            return core.search(
                q,
                sources=[source] if source else [],
                actors=[actor] if actor else [],
                since=_time(since, now, "since"),
                current_only=current,
                limit=50,
            )

        @app.get("/api/search")
        def api_search(
            q: str, source: str | None = None, actor: str | None = None, since: str | None = None, current: bool = False
        ) -> list[dict[str, Any]]:
            """Full-text search over every version (the query language of `onrecord search`)."""
            return [
                {
                    "item_id": h.item_id,
                    "seq": h.seq,
                    "at": h.at.isoformat(),
                    "title": h.title,
                    "source": h.source,
                    "actor": h.actor,
                    "url": h.url,
                    "snippet": h.snippet,
                    "marks": h.marks,
                    "current": h.current,
                }
                for h in run_search(q, source, actor, since, current)
            ]

        @app.get("/search", response_class=HTMLResponse)
        def search_page(
            request: Request,
            q: str = "",
            source: str | None = None,
            actor: str | None = None,
            since: str | None = None,
            current: bool = False,
        ) -> Response:
            hits = run_search(q, source, actor, since, current) if q.strip() else []
            return TEMPLATES.TemplateResponse(request, "search.html", {"hits": hits, "q": q})

    @app.get("/api/alerts")
    def api_alerts() -> list[dict[str, Any]]:
        """Alert rules with their delivery state (targets masked: notification URLs are secrets)."""
        return [r.to_json() for r in core.alerts.list()]

    @app.get("/alerts", response_class=HTMLResponse)
    def alerts_page(request: Request) -> Response:
        rules = [r.to_json() for r in core.alerts.list()]
        return TEMPLATES.TemplateResponse(request, "alerts.html", {"rules": rules})

    @app.get("/captures/{capture_id}", response_class=HTMLResponse)
    def capture_page(request: Request, capture_id: int) -> Response:
        cap = core.store.capture(capture_id)
        texts = [v for v in _versions_of_capture(core, capture_id)]
        return TEMPLATES.TemplateResponse(request, "capture.html", {"cap": cap, "texts": texts})

    @app.get("/captures/{capture_id}/raw")
    def capture_raw(capture_id: int) -> Response:
        """The archived answer as it came, for the sandboxed frame: CSP `sandbox` and no script source,
        so its scripts never run and it cannot reach this server's origin, even opened on its own."""
        from onrecord.archive import Archive

        cap = core.store.capture(capture_id)
        archive = Archive(core.warc_dir)
        try:
            rec = archive.read(cap)
        finally:
            archive.close()
        ctype = next((v for k, v in rec.headers if k.lower() == "content-type"), "application/octet-stream")
        return Response(
            rec.body,
            media_type=ctype,
            headers={
                "Content-Security-Policy": RAW_CSP,
                "X-Frame-Options": "SAMEORIGIN",
                "Cross-Origin-Resource-Policy": "same-origin",
            },
        )

    return app


RAW_CSP = (
    "sandbox; default-src 'none'; script-src 'none'; object-src 'none'; img-src data:; "
    "style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'self'; base-uri 'none'"
)


def _versions_of_capture(core: Onrecord, capture_id: int) -> list[Any]:
    from sqlalchemy import select

    from onrecord.store.tables import VersionRow

    with core.store.session() as s:
        return list(
            s.execute(
                select(VersionRow.item_id, VersionRow.seq, VersionRow.title, VersionRow.text).where(
                    VersionRow.capture_id == capture_id
                )
            ).all()
        )


def _pick(versions: list[Any], seq: int) -> Any:
    for v in versions:
        if v.seq == seq:
            return v
    raise HTTPException(404, f"no version {seq}")


def _js(s: str) -> str:
    import json

    return json.dumps(s)


def _atom(found: list[Finding], self_url: str, base: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "onrecord findings"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = self_url
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    updated = found[0].at if found else datetime(1970, 1, 1, tzinfo=UTC)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    for f in found:
        e = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(e, f"{{{ATOM}}}id").text = f"{base}api/findings#{f.id}"
        ET.SubElement(e, f"{{{ATOM}}}title").text = f"{f.kind}: {f.item or f.url} ({f.source})"
        ET.SubElement(e, f"{{{ATOM}}}updated").text = f.at.isoformat()
        href = f"{base}items/{f.item_id}" if f.item_id else f.url
        ET.SubElement(e, f"{{{ATOM}}}link", href=href)
        ET.SubElement(e, f"{{{ATOM}}}author").append(_name(f.source))
    out: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return out


def _name(text: str) -> ET.Element:
    n = ET.Element(f"{{{ATOM}}}name")
    n.text = text
    return n
