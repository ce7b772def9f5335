"""Events and expectations end to end: a small multilingual world played on the simulator against a real
database (SQLite and PostgreSQL), scored against its ground truth; the CLI as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from onrecord.sim.eventsworld import GOVS, PLACES, START, TOPICS, _iso, _readout, _relay, to_toml
from onrecord.sim.run import run_scenario

G = {g.key: g for g in GOVS}


def _at(hours: float) -> str:
    return _iso(START + timedelta(hours=hours))


def tiny_world(tmp_path: Path) -> Path:
    """Three governments and a relay over ten hours:

    e1  Aldoria calls Vestmark at 1h; Vestmark answers at 5h, late for the rule "within 2h": overdue, then met.
    e2  Rusovia calls Aldoria at 1.5h; Aldoria answers at 7h: no history, no rule, so no overdue.
    e3  Vestmark calls Rusovia at 3h; Rusovia answers 40 min later (German and Russian, Cyrillic names).
    e4  Aldoria calls Vestmark at 9h; no answer before the end: an open expectation.
    Aldoria also opens a hospital at 1.5h and mentions Falk in passing (its own event, nothing expected).
    """
    pubs: list[dict[str, Any]] = []

    def readout(ev: str, at: float, me: str, other: str, n: int) -> str:
        h, t = _readout("call", G[me].lang, G[me], G[other], TOPICS[n % 5], PLACES[n % 6], 100 + n, 500 + n, 4)
        item = f"{me}-{ev}"
        pubs.append(
            {
                "at": _at(at),
                "do": "publish",
                "site": me,
                "item": item,
                "title": h,
                "text": t,
                "lang": G[me].lang,
                "event": ev,
            }
        )
        return item

    readout("e1", 1, "aldoria", "vestmark", 1)
    met1 = readout("e1", 5, "vestmark", "aldoria", 1)
    readout("e2", 1.5, "rusovia", "aldoria", 2)
    readout("e2", 7, "aldoria", "rusovia", 2)
    readout("e3", 3, "vestmark", "rusovia", 3)
    readout("e3", 3.7, "rusovia", "vestmark", 3)
    readout("e4", 9, "aldoria", "vestmark", 4)
    h, t = _relay("en", G["aldoria"], G["vestmark"], TOPICS[1], 101, 501)
    pubs.append(
        {"at": _at(2), "do": "publish", "site": "ledger", "item": "ledger-e1", "title": h, "text": t, "event": "e1"}
    )
    pubs.append(
        {
            "at": _at(1.5),
            "do": "publish",
            "site": "aldoria",
            "item": "aldoria-home",
            "event": "home",
            "title": "President Holt opens the new hospital in Westbury",
            "text": "President Holt opened a hospital with 212 beds in Westbury. The President also recalled "
            "last year's talks with Falk.",
        }
    )
    doc = {
        "name": "tiny-events",
        "start": _iso(START),
        "duration": "10h",
        "settings": {"hot_window": "1h", "recheck_max": 5},
        "sites": [
            {"id": g, "title": G[g].site_title, "lang": G[g].lang, "feed": G[g].feed}
            for g in ("aldoria", "vestmark", "rusovia")
        ]
        + [{"id": "ledger", "title": "The Northern Ledger", "feed": "json"}],
        "sources": [
            {
                "site": g,
                "kind": "feed",
                "path": "/feed.atom" if G[g].feed == "atom" else "/feed.xml",
                "name": f"{g} feed",
                "actor": G[g].actor,
                "every": "10m",
            }
            for g in ("aldoria", "vestmark", "rusovia")
        ]
        + [
            {
                "site": "ledger",
                "kind": "feed",
                "path": "/feed.json",
                "name": "ledger feed",
                "actor": "The Northern Ledger",
                "every": "15m",
            }
        ],
        "actors": [{"name": G[g].actor, "aliases": list(G[g].aliases)} for g in ("aldoria", "vestmark", "rusovia")]
        + [{"name": "The Northern Ledger", "relay": True}],
        "rules": [{"actor": G["vestmark"].actor, "after": G["aldoria"].actor, "within": "2h"}],
        "events": sorted(pubs, key=lambda p: p["at"]),
        "expect": [
            {"kind": "overdue", "source": "vestmark feed", "at": _at(3), "until": _at(5), "note": "e1 late"},
            {"kind": "expectation_met", "item": met1, "at": _at(5), "until": _at(5.5), "note": "e1 answered"},
        ],
    }
    path = tmp_path / "tiny.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    return path


async def test_tiny_world_groups_and_expects_right(tmp_path: Path, db_url: str) -> None:
    result = await run_scenario(tiny_world(tmp_path), data=tmp_path / "d", db=db_url)
    g = result.report.grouping
    assert g is not None and g["f1"] == 1.0 and g["true_events"] == 5, g
    k = result.report.kinds
    assert k["overdue"].true_positives == 1 and k["overdue"].false_positives == 0
    assert k["expectation_met"].true_positives == 1 and k["expectation_met"].false_positives == 0
    overdue = [f for f in result.findings if f.kind == "overdue"]
    assert overdue[0].detail["text"].startswith("Chancellor of Vestmark: expected within 2 h (rule);")
    # Aldoria, late after Rusovia with no history and no rule, is never overdue
    assert all(f.detail["actor"] != "President of Aldoria" for f in overdue)


@dataclass
class _Ran:
    returncode: int
    stdout: str
    stderr: str


def _cli(data: Path, *args: str) -> _Ran:
    """The CLI in process (click's runner, as tests/test_cli.py does); `_sub` runs it as a real process."""
    from click.testing import CliRunner

    from onrecord.cli import cli

    r = CliRunner().invoke(cli, ["--data", str(data), *args])
    return _Ran(r.exit_code, r.stdout, r.stderr)


def _sub(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ONRECORD_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "onrecord", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _events(data: Path) -> list[dict[str, Any]]:
    r = _cli(data, "events", "--json")
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


async def test_cli_timeline_decisions_persist_and_removed_source_cancels(tmp_path: Path) -> None:
    data = tmp_path / "d"
    await run_scenario(tiny_world(tmp_path), data=data)
    evs = _events(data)
    e1 = next(e for e in evs if len(e["items"]) == 3)  # the call, its late answer and the relay
    assert [i["lang"] for i in e1["items"]] == ["en", "en", "de"]
    assert e1["items"][0]["delay_s"] == 0 and e1["items"][2]["delay_s"] > 3 * 3600
    assert {x["status"] for x in e1["expectations"]} == {"met"}
    # e4: unanswered; open at the world's end, overdue by the real clock the CLI runs on
    open_ = [x for e in evs for x in e["expectations"] if x["status"] in ("open", "overdue")]
    assert [x["actor"] for x in open_] == ["Chancellor of Vestmark"]

    r = _sub(data, "event", str(e1["id"]), "--json")
    assert r.returncode == 0, r.stderr
    one = json.loads(r.stdout)
    assert one["id"] == e1["id"] and all("findings" in i for i in one["items"])
    text = _cli(data, "event", str(e1["id"])).stdout
    assert "first" in text and "Chancellor of Vestmark after President of Aldoria: met" in text
    assert "who spoke: President of Aldoria at " in text  # who spoke, and when first, read at a glance
    from click.testing import CliRunner

    from onrecord.cli import cli

    narrow = CliRunner().invoke(cli, ["--data", str(data), "event", str(e1["id"])], env={"COLUMNS": "80"}).stdout
    assert max(len(x) for x in text.splitlines()) > 80  # piped: whole lines, longer than a terminal
    assert max(len(x) for x in narrow.splitlines()) <= 80  # in 80 columns: wrapped to fit

    # user decisions: split the relay off, rename, move it back, merge two events; all survive a new round
    relay = next(i for i in e1["items"] if i["actor"] == "The Northern Ledger")
    r = _cli(data, "events", "split", str(e1["id"]), str(relay["item"]), "--title", "Ledger's account")
    assert r.returncode == 0, r.stderr
    new_id = int(r.stdout.split()[1])
    assert _cli(data, "events", "rename", str(e1["id"]), "Holt-Falk call").returncode == 0
    after = {e["id"]: e for e in _events(data)}
    assert after[new_id]["title"] == "Ledger's account" and len(after[new_id]["items"]) == 1
    assert after[e1["id"]]["title"] == "Holt-Falk call" and len(after[e1["id"]]["items"]) == 2
    assert _cli(data, "events", "move", str(relay["item"]), str(e1["id"])).returncode == 0
    assert len({e["id"]: e for e in _events(data)}[e1["id"]]["items"]) == 3
    assert new_id not in {e["id"] for e in _events(data)}  # left empty: gone
    bad = _cli(data, "events", "merge", str(e1["id"]), "99999")
    assert bad.returncode == 1 and "no event 99999" in bad.stderr

    # a removed counterpart source cancels its open expectation, with a reason
    assert _cli(data, "remove", "vestmark feed").returncode == 0
    x = next(x for e in _events(data) for x in e["expectations"] if x["id"] == open_[0]["id"])
    assert x["status"] == "cancelled" and "no source of Chancellor of Vestmark" in x["reason"]

    assert (
        _cli(data, "expect", "President of Aldoria", "--after", "President of Rusovia", "--within", "3h").returncode
        == 0
    )
    assert "President of Aldoria within 10800s" in _cli(data, "expect").stdout
    assert _cli(data, "expect", "President of Aldoria").returncode == 2  # no --within
    r = _cli(data, "actor", "President of Aldoria", "--alias", "Хольт")
    assert "Хольт" in r.stdout


@pytest.mark.parametrize("kind", ["overdue", "expectation_met"])
def test_new_kinds_are_known_finding_kinds(kind: str) -> None:
    from onrecord.records import FINDING_KINDS

    assert kind in FINDING_KINDS


def relay_world(tmp_path: Path) -> Path:
    """Aldoria calls Rusovia at 1h (rule: Rusovia answers within 3h). Rusovia's own site says nothing until
    6h, but at 2h the Northern Ledger carries what Gromov's aide told reporters, with its date written in
    a wrong time zone (5 h early). Rusovia's own readout at 6h has no date in its feed; Aldoria's hospital
    item at 3h states a date 4 h in the future."""
    h1, t1 = _readout("call", "en", G["aldoria"], G["rusovia"], TOPICS[1], PLACES[1], 101, 501, 4)
    h2, t2 = _readout("call", "ru", G["rusovia"], G["aldoria"], TOPICS[1], PLACES[1], 101, 501, 4)

    def pub(at: float, site: str, item: str, title: str, text: str, event: str, **kw: Any) -> dict[str, Any]:
        return {"at": _at(at), "do": "publish", "site": site, "item": item, "title": title, "text": text} | {
            "event": event,
            **kw,
        }

    pubs = [
        pub(1, "aldoria", "aldoria-call", h1, t1, "e1"),
        pub(
            2,
            "ledger",
            "ledger-aide",
            "Gromov's aide on the call with Holt",
            "Gromov's aide Sorokin told reporters that the call with Holt was constructive. "
            "Both sides want to meet again soon.",
            "e1",
            stated=_at(2 - 5),
        ),
        pub(
            3,
            "aldoria",
            "aldoria-home",
            "President Holt opens the new hospital in Westbury",
            "President Holt opened a hospital with 212 beds in Westbury.",
            "home",
            stated=_at(3 + 4),
        ),
        pub(6, "rusovia", "rusovia-call", h2, t2, "e1", lang="ru", stated="none"),
    ]
    govs = ("aldoria", "rusovia")
    doc = {
        "name": "relay-events",
        "start": _iso(START),
        "duration": "7h",
        "settings": {"hot_window": "1h", "recheck_max": 5},
        "sites": [{"id": g, "title": G[g].site_title, "lang": G[g].lang, "feed": G[g].feed} for g in govs]
        + [{"id": "ledger", "title": "The Northern Ledger", "feed": "json"}],
        "sources": [
            {"site": g, "kind": "feed", "path": "/feed.xml", "name": f"{g} feed", "actor": G[g].actor, "every": "10m"}
            for g in govs
        ]
        + [
            {
                "site": "ledger",
                "kind": "feed",
                "path": "/feed.json",
                "name": "ledger feed",
                "actor": "The Northern Ledger",
                "every": "10m",
            }
        ],
        "actors": [{"name": G[g].actor, "aliases": list(G[g].aliases)} for g in govs]
        + [{"name": "The Northern Ledger", "relay": True}],
        "rules": [{"actor": G["rusovia"].actor, "after": G["aldoria"].actor, "within": "3h"}],
        "events": pubs,
        "expect": [
            {"kind": "expectation_met", "item": "ledger-aide", "at": _at(2), "until": _at(2.5), "note": "aide"},
        ],
    }
    path = tmp_path / "relay.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    return path


async def test_relayed_speaker_meets_expectation_and_dates_show_doubt(tmp_path: Path, db_url: str) -> None:
    data = tmp_path / "d"
    pg = not db_url.startswith("sqlite")
    result = await run_scenario(relay_world(tmp_path), data=data, db=db_url if pg else None)
    k = result.report.kinds
    assert k["expectation_met"].true_positives == 1 and k["expectation_met"].false_positives == 0
    assert not [f for f in result.findings if f.kind == "overdue"]
    met = next(f for f in result.findings if f.kind == "expectation_met")
    assert met.detail["via"] == "The Northern Ledger"
    assert met.detail["text"].startswith("President of Rusovia answered through words relayed by The Northern Ledger")
    if pg:
        from onrecord.events import Events
        from onrecord.store.queries import Store

        store = Store(db_url)
        try:
            evs = Events(store).timelines()
        finally:
            store.close()
    else:
        evs = _events(data)
    e1 = next(e for e in evs if any(i["speaker"] for i in e["items"]))
    assert len(e1["items"]) == 3  # the call, the aide's words via the Ledger, Rusovia's own readout
    relayed = next(i for i in e1["items"] if i["speaker"])
    assert relayed["speaker"] == "President of Rusovia" and relayed["actor"] == "The Northern Ledger"
    assert relayed["stated_at"].startswith(_at(2 - 5)[:16]) and relayed["doubt"].startswith(
        "stated date differs by 5 h"
    )
    own = [i for i in e1["items"] if i["actor"] == "President of Rusovia"]
    assert own[0]["speaker"] is None and own[0]["stated_at"] is None and own[0]["doubt"] == "no stated date"
    call = next(i for i in e1["items"] if i["actor"] == "President of Aldoria")
    assert call["doubt"] is None and call["stated_at"] is not None and call["speaker"] is None
    home = next(i for e in evs for i in e["items"] if i["title"].startswith("President Holt opens"))
    assert home["doubt"].startswith("stated date is 3 h") and home["doubt"].endswith("(in the future)")
    assert home["at"] < home["stated_at"]  # placed by first sight, not by the stated date
    if pg:
        return
    text = _cli(data, "event", str(e1["id"])).stdout
    assert "President of Rusovia (via The Northern Ledger, relayed; ledger feed, en)" in text
    assert "! stated " in text and "stated date differs by 5 h" in text
    assert "seen " in text and ": no stated date" in text
