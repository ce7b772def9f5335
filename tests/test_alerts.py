"""Alerts through Apprise to a real SMTP server and a real webhook receiver on 127.0.0.1, on SQLite
and PostgreSQL: rules by kind, source, actor and keyword; at most once per rule across restarts;
failures kept, retried with growing waits; digests; secrets never shown or logged."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from onrecord.alerts import Alerts
from onrecord.app import Onrecord
from onrecord.cli import cli
from onrecord.clock import VirtualClock
from onrecord.config import Settings
from onrecord.errors import AlertError
from onrecord.store.alerts import AlertStore
from onrecord.store.tables import FindingRow
from tests.receivers import Smtp, Webhook
from tests.test_search import ITEMS, SOURCES, T, seed

TOKEN = "s3cr3t-t0ken-xyz"


@pytest.fixture
def hook() -> Iterator[Webhook]:
    with Webhook() as w:
        yield w


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    with Smtp() as s:
        yield s


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Iterator[Onrecord]:
    a = Onrecord(Settings(data=tmp_path / "d", db=db_url), clock=VirtualClock(T))
    seed(a.store)
    yield a
    a.close()


def log_finding(app: Onrecord, kind: str, item_id: int, **detail: Any) -> int:
    """Append a finding to the log as the pipeline does (the alert side only reads the log)."""
    iid, sid, key, versions = next(i for i in ITEMS if i[0] == item_id)
    source = next(s for s in SOURCES if s[0] == sid)
    with app.store.engine.begin() as conn:
        res = conn.execute(
            insert(FindingRow.__table__).values(
                at=app.clock.now(),
                kind=kind,
                source_id=sid,
                source=source[1],
                item_id=iid,
                item=key,
                url=f"http://127.0.0.1:1/{key}",
                detail={"title": versions[-1][0], **detail},
            )
        )
        return int(res.inserted_primary_key[0])


def ids_of(hook: Webhook) -> list[str]:
    return [body["title"] for _t, _p, body in hook.got]


def test_rules_pick_findings_by_kind_source_actor_and_keyword(app: Onrecord, hook: Webhook, smtp: Smtp) -> None:
    alerts = app.alerts
    alerts.add("deletions", [hook.url("/deleted")], kinds=["deleted"])
    alerts.add("presidency", [hook.url("/presidency")], sources=["presidency"])
    alerts.add("vestmark", [hook.url("/vestmark")], actors=["vestmark chancellery"])
    alerts.add("ceasefire", [smtp.url()], keywords=["прекращение огня", "truce"])
    log_finding(app, "new", 11)
    log_finding(app, "edited", 10, words_added=1, words_removed=1)  # "truce" in its current text
    log_finding(app, "deleted", 12)
    log_finding(app, "new", 13)
    log_finding(app, "new", 14)
    result = alerts.deliver()
    assert result.failed == {} and result.sent == 6
    by_path: dict[str, list[str]] = {}
    for _t, path, body in hook.got:
        by_path.setdefault(path, []).append(body["title"])
    assert by_path == {
        "/deleted": ["deleted: mfa-feed — Flood relief"],
        "/presidency": ["new: presidency — Grain corridor", "new: presidency — Café"],
        "/vestmark": ["new: kremlin-ish — Заявление"],
    }
    assert smtp.wait(2, 5)
    subjects = sorted(str(m["subject"]) for _t, m in smtp.got)
    assert subjects == ["edited: mfa-feed — Talks", "new: kremlin-ish — Заявление"]
    body = next(m for _t, m in smtp.got if "edited" in str(m["subject"])).get_body(("plain",)).get_content()
    assert "words added: 1" in body and "The truce talks end." in body and "onrecord show 10" in body


def test_each_finding_is_alerted_once_per_rule_across_restarts(app: Onrecord, hook: Webhook) -> None:
    log_finding(app, "new", 11)  # before the rule: not alerted without --backlog
    app.alerts.add("all", [hook.url()])
    app.alerts.add("all-backlog", [hook.url("/backlog")], backlog=True)
    first = log_finding(app, "deleted", 12)
    assert app.alerts.deliver().sent == 3
    assert app.alerts.deliver().sent == 0
    # a restart: a new deliverer over the same database sends nothing again
    again = Alerts(app.store, app.clock, send=None)
    assert again.deliver().sent == 0
    log_finding(app, "restored", 12)
    assert again.deliver().sent == 2
    paths = [(p, b["title"].split(":")[0]) for _t, p, b in hook.got]
    assert sorted(paths) == sorted(
        [
            ("/hook/" + TOKEN, "deleted"),
            ("/backlog", "new"),
            ("/backlog", "deleted"),
            ("/hook/" + TOKEN, "restored"),
            ("/backlog", "restored"),
        ]
    )
    assert {r.name: r.cursor for r in app.alerts.list()} == {"all": first + 1, "all-backlog": first + 1}


def test_a_send_cut_off_by_a_stop_is_not_sent_again(app: Onrecord, hook: Webhook) -> None:
    app.alerts.add("all", [hook.url()])
    cut = log_finding(app, "deleted", 12)
    rule = AlertStore(app.store).get("all")
    assert AlertStore(app.store).claim(rule.id, rule.cursor, cut, app.clock.now())  # then the process died
    later = log_finding(app, "new", 11)
    assert app.alerts.deliver().sent == 0  # a fresh claim may be another worker's: left alone
    assert isinstance(app.clock, VirtualClock)
    app.clock.advance(11 * 60)
    assert app.alerts.deliver().sent == 1
    assert ids_of(hook) == ["new: presidency — Grain corridor"]
    (r,) = app.alerts.list()
    assert r.cursor == later and r.last_error and "cut off by a stop" in r.last_error


def test_failures_are_kept_visible_and_retried_with_growing_waits(
    app: Onrecord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert isinstance(app.clock, VirtualClock)
    with Webhook(fail=2) as hook:
        app.alerts.add("hook", [hook.url()])
        log_finding(app, "deleted", 12)
        result = app.alerts.deliver()
        assert result.sent == 0 and "hook" in result.failed
        (r,) = app.alerts.list()
        assert r.fail_count == 1 and r.last_error and r.retry_at == app.clock.now() + timedelta(seconds=30)
        assert TOKEN not in r.last_error and "500" in r.last_error
        assert app.alerts.deliver().sent == 0 and not hook.got  # waiting: not tried before retry_at
        app.clock.advance(31)
        assert "hook" in app.alerts.deliver().failed
        (r,) = app.alerts.list()
        assert r.fail_count == 2 and r.retry_at == app.clock.now() + timedelta(seconds=60)
        app.clock.advance(61)
        assert app.alerts.deliver().sent == 1
        assert ids_of(hook) == ["deleted: mfa-feed — Flood relief"]
        (r,) = app.alerts.list()
        assert r.fail_count == 0 and r.sent_count == 1 and r.last_error  # the last error stays visible
    # nothing anywhere in the log shows the secret
    assert caplog.records and all(TOKEN not in rec.getMessage() for rec in caplog.records)


def test_digest_sends_one_list_per_period(app: Onrecord, smtp: Smtp) -> None:
    assert isinstance(app.clock, VirtualClock)
    app.alerts.add("daily", [smtp.url()], kinds=["new", "deleted"], digest=3600)
    log_finding(app, "new", 11)
    log_finding(app, "edited", 10)
    log_finding(app, "deleted", 12)
    assert app.alerts.deliver().sent == 0  # not yet time
    app.clock.advance(3600)
    result = app.alerts.deliver()
    assert result.sent == 1 and result.findings == 2
    assert smtp.wait(1, 5)
    (_t, msg), = smtp.got
    assert str(msg["subject"]) == "onrecord: 2 finding(s) for daily"
    text = msg.get_body(("plain",)).get_content()
    assert "new presidency: Grain corridor" in text and "deleted mfa-feed: Flood relief" in text
    assert "edited" not in text
    log_finding(app, "new", 14)
    app.clock.advance(1800)
    assert app.alerts.deliver().sent == 0
    app.clock.advance(1800)
    assert app.alerts.deliver().findings == 1


def test_bad_rules_are_refused_in_one_line(app: Onrecord, hook: Webhook) -> None:
    for kwargs, words in (
        ({"urls": ["nosuch://x/y"]}, "not a notification URL"),
        ({"urls": []}, "at least one notification URL"),
        ({"urls": [hook.url()], "kinds": ["gone"]}, "unknown finding kind"),
        ({"urls": [hook.url()], "digest": 5}, "at least 1m"),
    ):
        urls = kwargs.pop("urls")
        with pytest.raises(AlertError, match=words):
            app.alerts.add("x", urls, **kwargs)
    app.alerts.add("x", [hook.url()])
    with pytest.raises(AlertError, match="already exists"):
        app.alerts.add("x", [hook.url()])
    with pytest.raises(AlertError, match="no alert rule"):
        app.alerts.remove("y")


def test_cli_add_list_test_run_remove_with_masked_urls(app: Onrecord, hook: Webhook, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data", str(tmp_path / "d"), "--db", app.store.url]

    def run(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(cli, [*base, *args], input=stdin)

    res = run("alerts", "add", "desk", "--url", "-", "--kind", "deleted,restored", stdin=hook.url() + "\n")
    assert res.exit_code == 0, res.output
    assert TOKEN not in res.output and "json://***" in res.output
    res = run("alerts", "test", "desk")
    assert res.exit_code == 0 and hook.wait(1, 5) and "test of alert rule desk" in hook.got[0][2]["title"]
    log_finding(app, "deleted", 12)
    res = run("alerts", "run")
    assert res.exit_code == 0 and "sent 1 notification(s)" in res.output and hook.wait(2, 5)
    res = run("alerts", "list", "--json")
    (row,) = [json.loads(line) for line in res.output.splitlines()]
    assert row["targets"] == ["json://***"] and row["kinds"] == ["deleted", "restored"] and row["sent_count"] == 1
    assert TOKEN not in res.output
    res = run("alerts", "list")
    assert "desk  immediate  -> json://***" in res.output and TOKEN not in res.output
    res = run("alerts", "add", "bad", "--url", f"nosuch://{TOKEN}")
    assert res.exit_code == 1 and TOKEN not in res.output and "not a notification URL" in res.output
    res = run("alerts", "remove", "desk")
    assert res.exit_code == 0
    res = run("alerts", "test", "desk")
    assert res.exit_code == 1 and "no alert rule 'desk'" in res.output


def test_cli_run_exits_1_and_says_why_when_a_rule_fails(app: Onrecord, tmp_path: Path) -> None:
    with Webhook() as hook:
        url = hook.url()
    app.alerts.add("gone", [url])  # the receiver has stopped: nothing listens there now
    log_finding(app, "deleted", 12)
    res = CliRunner().invoke(cli, ["--data", str(tmp_path / "d"), "--db", app.store.url, "alerts", "run"])
    assert res.exit_code == 1 and "alert rule 'gone' not delivered" in res.output and TOKEN not in res.output
    res = CliRunner().invoke(cli, ["--data", str(tmp_path / "d"), "--db", app.store.url, "alerts", "list"])
    assert "last error" in res.output and "1 failure(s) in a row" in res.output


async def test_watch_delivers_alerts_as_it_goes(tmp_path: Path, hook: Webhook) -> None:
    from onrecord.sim.run import sim_settings
    from tests.simthread import ThreadedSim

    with ThreadedSim("demo") as world:
        world.clock.advance(30 * 60)
        app = Onrecord(sim_settings(tmp_path / "w"))
        try:
            app.add_source(world.url("aldoria", "/feed.xml"), kind="feed", every="1h", sniff=False)
            app.alerts.add("new", [hook.url()], kinds=["new"])
            stop = asyncio.Event()
            task = asyncio.create_task(app.watch(stop, max_sleep=0.2))
            got = await asyncio.to_thread(hook.wait, 1, 20)
            stop.set()
            await task
            assert got
            found = app.findings(kinds=["new"])
            assert len(hook.got) == len(found) >= 1
            assert sorted(b["title"] for _t, _p, b in hook.got) == sorted(
                f"new: {f.source} — {f.detail['title']}" for f in found
            )
        finally:
            app.close()


def test_installed_command_exit_codes_and_no_secret_in_exports(tmp_path: Path) -> None:
    """As cron runs it: the installed `onrecord`, exit codes, one-line errors, and the URL's token in
    none of `alerts list`, `config`, `export --sources` or the verbose log."""
    import subprocess

    from tests.test_exit_codes import INSTALLED

    data = tmp_path / "d"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(INSTALLED), "-vv", "--data", str(data), *args], input=stdin, capture_output=True, text=True,
            timeout=60,
        )

    with Webhook() as hook:
        r = run("alerts", "add", "desk", "--url", "-", stdin=hook.url())
        assert r.returncode == 0, r.stderr
        r = run("alerts", "test", "desk")
        assert r.returncode == 0 and hook.wait(1, 5), r.stderr
        out = [run("alerts", "list", "--json"), run("config"), run("export", "--sources", str(tmp_path / "s.toml"))]
        assert all(o.returncode == 0 for o in out)
        assert all(TOKEN not in o.stdout + o.stderr for o in [r, *out])
        assert TOKEN not in (tmp_path / "s.toml").read_text()
    r = run("alerts", "test", "desk")  # the receiver is gone
    assert r.returncode == 1 and TOKEN not in r.stderr
    assert [ln for ln in r.stderr.splitlines() if ln.startswith("onrecord: error:")] == [
        next(ln for ln in r.stderr.splitlines() if "test not delivered" in ln)
    ]
    r = run("search", "--", "-only")
    assert r.returncode == 1 and "onrecord: error: query '-only' only excludes words" in r.stderr
    r = run("search", "anything", "--limit", "0")
    assert r.returncode == 2
