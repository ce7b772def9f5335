"""`onrecord serve`: pages, JSON API, Atom feed and access rules over a real database filled by the
simulator's demo world (SQLite and PostgreSQL), through FastAPI's in-process HTTP client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from onrecord.app import Onrecord
from onrecord.sim.run import run_scenario, sim_settings
from onrecord.web.app import create_app


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The demo world played once per database for the whole module (tests put back what they change)."""
    import asyncio

    from tests.conftest import PgSchema, pg_problem

    data = tmp_path_factory.mktemp("web")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{data / 'test.db'}"
    else:
        if pg_problem():
            pytest.skip(pg_problem() or "")
        schema = PgSchema()
        url = schema.url_with_schema
    try:
        asyncio.run(run_scenario("demo", data=data / "d", db=url))
        yield data / "d", url
    finally:
        if schema is not None:
            schema.drop()


@pytest.fixture
def core(world: tuple[Path, str]) -> Iterator[Onrecord]:
    app = Onrecord(sim_settings(*world))
    yield app
    app.close()


def client(core: Onrecord, token: str | None = None, host: str = "127.0.0.1") -> TestClient:
    return TestClient(create_app(core, bind_host=host, token=token), base_url=f"http://{host}:8765")


def test_findings_api_filters_and_pages(core: Onrecord) -> None:
    c = client(core)
    everything = c.get("/api/findings", params={"limit": 1000}).json()
    assert {"new", "edited", "deleted"} <= {f["kind"] for f in everything}
    ids = [f["id"] for f in everything]
    assert ids == sorted(ids, reverse=True)  # newest first
    edited = c.get("/api/findings", params={"kind": "edited,deleted"}).json()
    assert edited and {f["kind"] for f in edited} == {"edited", "deleted"}
    src = everything[0]["source"]
    assert {f["source"] for f in c.get("/api/findings", params={"source": src}).json()} == {src}
    page1 = c.get("/api/findings", params={"limit": 3}).json()
    page2 = c.get("/api/findings", params={"limit": 3, "before": page1[-1]["id"]}).json()
    assert [f["id"] for f in page1 + page2] == ids[:6]
    assert c.get("/api/findings", params={"since": "not a time"}).status_code == 400
    assert "/api/findings" in c.get("/api/openapi.json").json()["paths"]


def test_item_page_shows_inline_and_side_by_side_word_diffs(core: Onrecord) -> None:
    c = client(core)
    edit = c.get("/api/findings", params={"kind": "edited", "limit": 1}).json()[0]
    item = c.get(f"/api/items/{edit['item_id']}", params={"a": 1, "b": 2}).json()
    assert len(item["versions"]) >= 2
    ops = item["diff"]
    assert {"-", "+"} & {op for op, _ in ops}
    html = c.get(f"/items/{edit['item_id']}").text
    assert 'id="inline"' in html and 'id="side"' in html and ("<del>" in html or "<ins>" in html)
    first = c.get("/").text
    assert f'href="/items/{edit["item_id"]}"' in first
    title = c.get(f"/api/items/{edit['item_id']}").json()["versions"][-1]["title"]
    assert title and title.replace("'", "&#39;") in first  # statements listed by their title, not their key


def test_sources_form_needs_csrf_and_adds_pauses_removes(core: Onrecord) -> None:
    c = client(core)
    page = c.get("/sources").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    url = "http://127.0.0.1:9/feed.xml"
    assert c.post("/sources", data={"action": "add", "url": url, "name": "x"}).status_code == 403
    assert (
        c.post(
            "/sources", data={"csrf": csrf, "action": "add", "url": url, "name": "x"}, follow_redirects=False
        ).status_code
        == 303
    )
    assert any(s["name"] == "x" for s in c.get("/api/sources").json())
    c.post("/sources", data={"csrf": csrf, "action": "pause", "ref": "x"})
    assert next(s for s in c.get("/api/sources").json() if s["name"] == "x")["paused"] is True
    c.post("/sources", data={"csrf": csrf, "action": "remove", "ref": "x"})
    assert all(s["name"] != "x" for s in c.get("/api/sources").json())


def test_api_add_source_keeps_the_private_address_guard(core: Onrecord, world: tuple[Path, str]) -> None:
    from onrecord.config import Settings

    strict = Onrecord(Settings(data=world[0], db=world[1], allow_private_addresses=False))
    try:
        c = client(strict)
        r = c.post("/api/sources", json={"url": "http://10.0.0.1/feed"})
        assert r.status_code == 400 and "private" in r.json()["detail"].lower()
        ok = client(core).post("/api/sources", json={"url": "http://127.0.0.1:9/a.xml", "name": "a"})
        assert ok.status_code == 201 and ok.json()["name"] == "a"
        assert client(core).delete("/api/sources/a").json()["name"] == "a"
    finally:
        strict.close()


def test_atom_feed_takes_the_same_filters(core: Onrecord) -> None:
    r = client(core).get("/feeds/findings.atom", params={"kind": "deleted"})
    assert r.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(r.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and all(e.find("{http://www.w3.org/2005/Atom}title").text.startswith("deleted:") for e in entries)


def test_host_header_and_token_are_checked(core: Onrecord) -> None:
    c = client(core)
    assert c.get("/api/sources", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    t = client(core, token="s3cret", host="0.0.0.0")
    assert t.get("/api/sources").status_code == 401
    assert t.get("/api/sources", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert t.get("/api/sources", headers={"authorization": "Bearer s3cret"}).status_code == 200
    assert t.get("/", params={"token": "s3cret"}).status_code == 200
    assert t.get("/sources").status_code == 200  # the cookie set by ?token= carries on


def test_serve_refuses_a_public_bind_without_a_token(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from onrecord.cli import cli

    r = CliRunner().invoke(cli, ["--data", str(tmp_path), "serve", "--host", "0.0.0.0"])
    assert r.exit_code == 1 and "web_token" in r.output


def test_archived_capture_is_replayed_sandboxed_with_csp(core: Onrecord) -> None:
    c = client(core)
    item = next(
        it
        for f in c.get("/api/findings", params={"kind": "new", "limit": 100}).json()
        for it in [c.get(f"/api/items/{f['item_id']}").json()]
        if it["versions"][-1]["capture_id"]
    )
    cap = item["versions"][-1]["capture_id"]
    page = c.get(f"/captures/{cap}").text
    frame = re.search(r"<iframe[^>]*>", page).group(0)
    assert f'src="/captures/{cap}/raw"' in frame and 'sandbox=""' in frame  # no allow-scripts, no same-origin
    assert item["versions"][-1]["text"].split()[0] in page  # the extracted text is shown too
    raw = c.get(f"/captures/{cap}/raw")
    assert raw.status_code == 200 and raw.content
    csp = raw.headers["content-security-policy"]
    assert csp.startswith("sandbox;") and "script-src 'none'" in csp and "default-src 'none'" in csp
    assert raw.headers["x-frame-options"] == "SAMEORIGIN"
    assert c.get("/captures/999999999").status_code in (400, 404)


def test_search_page_and_api_find_words_of_any_version(core: Onrecord) -> None:
    c = client(core)
    edit = c.get("/api/findings", params={"kind": "edited", "limit": 1}).json()[0]
    old_text = c.get(f"/api/items/{edit['item_id']}").json()["versions"][0]["text"]
    word = max(old_text.split(), key=len).strip(".,;:!?\"'()")
    hits = c.get("/api/search", params={"q": word}).json()
    assert any(h["item_id"] == edit["item_id"] for h in hits)
    page = c.get("/search", params={"q": word}).text
    assert f'href="/items/{edit["item_id"]}"' in page and "<mark>" in page
    assert c.get("/api/search", params={"q": "-only"}).status_code == 400  # a bad query: one line, 400


def test_check_now_from_the_api_and_the_form_against_the_simulator(core: Onrecord) -> None:
    from tests.simthread import ThreadedSim

    c = client(core)
    with ThreadedSim("demo") as sim:
        feed = sim.url("aldoria", "/feed.xml")
        assert c.post("/api/sources", json={"url": feed, "name": "live", "kind": "feed"}).status_code == 201
        try:
            done = c.post("/api/sources/live/check").json()
            assert done["error"] is None and done["fetches"] >= 1
            assert done["findings"] and {f["kind"] for f in done["findings"]} == {"new"}
            listed = c.get("/api/findings", params={"source": "live", "limit": 1000}).json()
            assert {f["id"] for f in listed} == {f["id"] for f in done["findings"]}
            csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', c.get("/sources").text).group(1)
            assert 'value="check"' in c.get("/sources").text
            again = c.post("/sources", data={"csrf": csrf, "action": "check", "ref": "live"}, follow_redirects=False)
            assert again.status_code == 303 and again.headers["location"] == "/?source=live"
            assert len(c.get("/api/findings", params={"source": "live", "limit": 1000}).json()) == len(listed)
            assert c.post("/api/sources/no-such-source/check").status_code in (400, 404)
        finally:
            c.delete("/api/sources/live")


def test_alerts_page_shows_rules_and_failures_but_never_the_secret(core: Onrecord) -> None:
    c = client(core)
    assert "No alert rules yet" in c.get("/alerts").text
    secret = "hooktoken-7f3a9c"
    core.alerts.add("desk", [f"json://127.0.0.1:9/hook?token={secret}"], kinds=["deleted"], backlog=True)
    try:
        core.alerts.deliver()  # nothing listens on port 9: the delivery fails and is kept for a retry
        page = c.get("/alerts").text
        assert "desk" in page and "deleted" in page and "failing (1 in a row)" in page and "next try" in page
        rules = c.get("/api/alerts").json()
        assert rules[0]["fail_count"] == 1 and rules[0]["last_error"]
        assert secret not in page and secret not in c.get("/api/alerts").text
        assert 'href="/alerts"' in c.get("/").text
    finally:
        core.alerts.remove("desk")


def test_edit_a_source_from_the_form_and_the_api(core: Onrecord) -> None:
    c = client(core)
    assert c.post("/api/sources", json={"url": "http://127.0.0.1:9/edit.xml", "name": "ed", "kind": "feed"}).is_success
    try:
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', c.get("/sources").text).group(1)
        form = {"csrf": csrf, "action": "edit", "ref": "ed", "name": "ed2", "actor": "Ministry", "every": "10m"}
        assert c.post("/sources", data=form, follow_redirects=False).status_code == 303
        row = next(s for s in c.get("/api/sources").json() if s["name"] == "ed2")
        assert row["actor"] == "Ministry" and row["every"] == 600 and row["url"].endswith("/edit.xml")
        assert c.patch("/api/sources/ed2", json={"actor": "", "every": "1h"}).json()["actor"] is None
        assert next(s for s in c.get("/api/sources").json() if s["name"] == "ed2")["every"] == 3600
        assert c.patch("/api/sources/ed2", json={"every": "5x"}).status_code == 400  # one clear error
        taken = next(s["name"] for s in c.get("/api/sources").json() if s["name"] != "ed2")
        assert c.patch("/api/sources/ed2", json={"name": taken}).status_code == 400
    finally:
        for name in ("ed", "ed2"):
            c.delete(f"/api/sources/{name}")
