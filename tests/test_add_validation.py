"""`add` asks the URL once before it watches it; server text stays text in every table and title."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import CliRunner

from onrecord.cli import cli

ALLOW = ["--set", "allow_private_addresses=true", "--set", "timeout=2", "--set", "retries=0"]
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Office</title>'
    "<item><guid>s1</guid><title>[Update] Statement on the floods</title><link>{base}/s1</link>"
    "<description>The office restates its position.</description></item></channel></rss>"
)
PAGE = (
    "<html><head><title>[Update] Statement on the floods</title></head><body><article>"
    "<h1>[Update] Statement on the floods</h1><p>The office restates its position [see annex].</p>"
    "</article></body></html>"
)


class Server:
    """A tiny real HTTP server on 127.0.0.1 in a thread (the CLI runs its own event loop)."""

    def __init__(self) -> None:
        self.base = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def feed(_r: web.Request) -> web.Response:
            return web.Response(text=RSS.format(base=self.base), content_type="application/rss+xml")

        async def page(_r: web.Request) -> web.Response:
            return web.Response(text=PAGE, content_type="text/html")

        async def missing(_r: web.Request) -> web.Response:
            return web.Response(status=404, text="no", content_type="text/html")

        async def gone(_r: web.Request) -> web.Response:
            return web.Response(status=410, text="gone", content_type="text/html")

        async def hostile(_r: web.Request) -> web.Response:
            return web.Response(status=404, reason="Not Found [/bold]", text="no", content_type="text/html")

        app = web.Application()
        app.router.add_get("/feed.xml", feed)
        app.router.add_get("/s1", page)
        app.router.add_get("/missing", missing)
        app.router.add_get("/gone", gone)
        app.router.add_get("/hostile", hostile)
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def __enter__(self) -> Server:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with Server() as s:
        yield s


def run(data: Path, *args: str, columns: int = 80) -> tuple[int, str, str]:
    r = CliRunner(env={"COLUMNS": str(columns)}).invoke(
        cli, ["--data", str(data), *ALLOW, *args], catch_exceptions=False
    )
    return r.exit_code, r.stdout, r.stderr


def sources(data: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in run(data, "sources", "--json")[1].splitlines()]


@pytest.mark.parametrize("path, status", [("/missing", 404), ("/gone", 410)])
def test_a_gone_url_is_refused_then_forced_and_shown_failing(
    server: Server, tmp_path: Path, path: str, status: int
) -> None:
    code, _out, err = run(tmp_path, "add", server.base + path)
    assert code == 1 and f"answers HTTP {status}" in err and "--force" in err
    assert sources(tmp_path) == []  # nothing added
    code, out, err = run(tmp_path, "add", server.base + path, "--kind", "page", "--force")
    assert code == 0 and "added" in out and f"warning: added anyway: {server.base}{path} answers HTTP {status}" in err
    code, _out, _err = run(tmp_path, "check")
    assert code == 1
    [row] = sources(tmp_path)
    assert row["status"] == "failing" and f"HTTP {status}" in str(row["last_error"])
    # Without --set, `sources` reads SQLite with sqlite3 alone (a quick start): the same rows.
    quick = CliRunner().invoke(cli, ["--data", str(tmp_path), "sources", "--json"], catch_exceptions=False)
    assert quick.exit_code == 0 and [json.loads(line) for line in quick.stdout.splitlines()] == [row]


def test_an_unreachable_host_and_a_duplicate_are_refused(server: Server, tmp_path: Path) -> None:
    code, _out, err = run(tmp_path, "add", "http://127.0.0.1:9/feed.xml")
    assert code == 1 and "cannot reach http://127.0.0.1:9/feed.xml" in err
    code, out, _err = run(tmp_path, "add", server.base + "/feed.xml", "--name", "office")
    assert code == 0 and "(feed," in out  # one fetch: checked, and the kind read from the answer
    code, _out, err = run(tmp_path, "add", server.base + "/feed.xml")
    assert code == 1 and "already watched as 'office'" in err
    assert [s["name"] for s in sources(tmp_path)] == ["office"]
    code, _out, err = run(tmp_path, "add", server.base + "/feed.xml", "--force")
    assert code == 0 and "warning: added anyway" in err and len(sources(tmp_path)) == 2


def test_server_text_is_never_read_as_markup(server: Server, tmp_path: Path) -> None:
    # A reason phrase with Rich markup in it: `sources` must show it, not crash on it.
    assert run(tmp_path, "add", server.base + "/hostile", "--kind", "page", "--name", "h", "--force")[0] == 0
    assert run(tmp_path, "add", server.base + "/feed.xml", "--name", "office")[0] == 0
    run(tmp_path, "check")
    code, out, _err = run(tmp_path, "sources", columns=200)
    assert code == 0 and "failing: HTTP 404 Not Found [/bold] from" in out
    code, out, _err = run(tmp_path, "sources", columns=80)  # a narrow terminal: folded, never cut or crashed
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 80
    assert "[/bold]" in out and "failing" in out
    # A title in brackets keeps its brackets in findings, show and diff.
    code, out, _ = run(tmp_path, "findings")
    assert code == 0 and "[Update] Statement on the floods" in out
    code, out, _ = run(tmp_path, "show", server.base + "/s1")
    assert code == 0 and "[Update] Statement on the floods" in out and "[see annex]" in out
