"""The web UI in a real headless Chromium (Debian's /usr/bin/chromium through Playwright, no browser
download): open the latest finding, its diff, search, add a source through the form and check it now against the
simulator. Screenshots are kept as artefacts in test-artifacts/screenshots/ (ignored by git; ONRECORD_ARTIFACTS
moves it); the ones in docs/screenshots/ are copies picked from there. With ONRECORD_REQUIRE_BROWSER=1 (set by
.ci/run) a missing browser fails instead of skipping."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from onrecord.app import Onrecord
from tests.simthread import ThreadedSim
from tests.test_web import core, world  # noqa: F401  (fixtures: the demo world once per database)

ARTIFACTS = os.environ.get("ONRECORD_ARTIFACTS") or Path(__file__).resolve().parent.parent / "test-artifacts"
SHOTS = Path(ARTIFACTS) / "screenshots"
CHROMIUM = os.environ.get("ONRECORD_CHROMIUM", "/usr/bin/chromium")


def _browser_problem() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not shutil.which(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture
def base_url(core: Onrecord) -> Iterator[str]:  # noqa: F811
    import uvicorn

    from onrecord.web.app import create_app

    problem = _browser_problem()
    if problem:
        if os.environ.get("ONRECORD_REQUIRE_BROWSER") == "1":
            pytest.fail(problem)
        pytest.skip(problem)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(core), host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    t.join(5)


def test_browse_finding_diff_search_and_add_source(base_url: str, world: tuple[Path, str]) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    db = "postgresql" if world[1].startswith("postgresql") else "sqlite"
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base_url}/?kind=edited")
        assert page.locator("#findings td.k-edited").count() > 0
        page.screenshot(path=str(SHOTS / f"findings-{db}.png"), full_page=True)
        page.locator("a.finding").first.click()
        page.wait_for_selector("#inline")
        assert page.locator("#inline del, #inline ins").count() > 0
        assert page.locator("#side").is_visible()
        page.screenshot(path=str(SHOTS / f"diff-{db}.png"), full_page=True)
        word = max(page.locator("#side ins").first.inner_text().split(), key=len).strip(".,;:!?\"'()")
        page.goto(f"{base_url}/search")
        page.fill("#search input[name=q]", word)
        page.click("#search button")
        page.wait_for_selector("#hits")
        assert page.locator("#hits mark").count() > 0
        page.screenshot(path=str(SHOTS / f"search-{db}.png"), full_page=True)
        with ThreadedSim("demo") as sim:  # add a source, check it now against the simulator, see its findings
            page.goto(f"{base_url}/sources")
            page.fill("#add input[name=url]", sim.url("vestmark", "/feed.atom"))
            page.fill("#add input[name=name]", "browser-added")
            page.click("#add button")
            page.wait_for_url(f"{base_url}/sources")
            assert page.locator("#sources", has_text="browser-added").count() == 1
            page.screenshot(path=str(SHOTS / f"sources-{db}.png"), full_page=True)
            page.locator("tr", has_text="browser-added").locator("button[value=check]").click()
            page.wait_for_url(f"{base_url}/?source=browser-added")
            assert page.locator("#findings td.k-new").count() > 0
            page.screenshot(path=str(SHOTS / f"checked-{db}.png"), full_page=True)
        page.goto(f"{base_url}/sources")
        page.on("dialog", lambda d: d.accept())  # "Remove browser-added?"
        page.locator("tr", has_text="browser-added").locator("button[value=remove]").click()
        page.wait_for_url(f"{base_url}/sources")
        assert page.locator("#sources", has_text="browser-added").count() == 0
        browser.close()


_HOSTILE = b"""<!doctype html><html><head><title>Statement on the northern corridor</title></head><body>
<main><h1>Statement on the northern corridor</h1><p>The ministry confirms that the northern corridor stays open
for grain transit through the spring season, subject to the agreed inspections at both crossings.</p>
<p>Further details will follow after the joint commission meets next week in the regional capital.</p></main>
<script>document.body.setAttribute("data-ran", "1");
try { window.top.document.title = "PWNED"; } catch (e) {}
fetch("/api/sources/hostile", {method: "DELETE"});</script></body></html>"""


def test_a_script_inside_an_archived_page_never_runs_in_our_ui(base_url: str) -> None:
    """An archived page that tries to run script (mark itself, retitle our page, call our API) is replayed in
    the UI and opened directly: nothing of it runs, in a real browser."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    class Hostile(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = _HOSTILE if self.path.startswith("/statement") else b"not here"
            self.send_response(200 if self.path.startswith("/statement") else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{site.server_address[1]}/statement"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        api = page.request
        try:
            assert api.post(f"{base_url}/api/sources", data={"url": url, "name": "hostile", "kind": "page"}).ok
            checked = api.post(f"{base_url}/api/sources/hostile/check").json()
            item_id = next(f["item_id"] for f in checked["findings"] if f["kind"] == "new")
            version = api.get(f"{base_url}/api/items/{item_id}").json()["versions"][-1]
            page.goto(f"{base_url}/captures/{version['capture_id']}")
            frame = page.frame_locator("iframe")
            frame.locator("h1").wait_for()  # the archived page is shown ...
            assert "northern corridor" in frame.locator("h1").inner_text()
            assert frame.locator("body[data-ran]").count() == 0  # ... and its script did not run
            page.wait_for_timeout(300)
            assert page.title() != "PWNED"
            page.screenshot(path=str(SHOTS / "capture-sandboxed.png"), full_page=True)
            page.goto(f"{base_url}/captures/{version['capture_id']}/raw")  # opened on its own: CSP sandbox
            page.locator("h1").wait_for()
            assert page.locator("body[data-ran]").count() == 0
            page.wait_for_timeout(300)
            assert any(s["name"] == "hostile" for s in api.get(f"{base_url}/api/sources").json())  # no DELETE ran
        finally:
            api.delete(f"{base_url}/api/sources/hostile")
            browser.close()
            site.shutdown()
            site.server_close()
