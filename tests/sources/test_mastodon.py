"""Mastodon-compatible accounts against the Mastodon simulator (real HTTP on 127.0.0.1, real DBs)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from onrecord.app import Onrecord
from onrecord.cli import cli
from onrecord.clock import VirtualClock
from onrecord.errors import SourceError
from onrecord.fetch import Fetcher, rate_limit_wait
from onrecord.sim.mastodon import MastodonSim, SocialScenario
from onrecord.sim.run import run_scenario, sim_settings
from onrecord.sources import registry

START = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def world(events: list[dict[str, Any]], **extra: Any) -> SocialScenario:
    data: dict[str, Any] = {
        "name": "t",
        "start": START,
        "duration": 7200,
        "accounts": [{"host": "h", "name": "leader", "actor": "Leader"}],
        "events": events,
    }
    data.update(extra)
    return SocialScenario.model_validate(data)


def _s(seconds: float) -> Any:
    from datetime import timedelta

    return timedelta(seconds=seconds)


async def test_social_scenario_scores_perfectly(db_url: str, tmp_path: Path) -> None:
    """Mastodon and Bluesky: posts, two edits in one interval, delete, delete & re-draft, boosts kept,
    replies left out, an outage, a cut-off JSON body, a rate limit, a challenge page, a suspension; old
    posts edited and deleted outside the listing window, a post first seen already edited."""
    result = await run_scenario("social", data=tmp_path / "s", db=db_url)
    everything = result.report.kinds["all"]
    assert (everything.precision, everything.recall) == (1.0, 1.0), result.report.to_json()
    assert everything.true_positives == everything.expected >= 130
    matched = {e.note for e, _ in result.report.matches}
    assert {"old-hours edited", "old-visit deleted", "sky-old edited", "sky-old2 deleted", "fresh edited"} <= matched
    kinds = [f.kind for f in result.findings]
    assert kinds.count("deleted") == 5 and kinds.count("blocked") == 1
    assert any("/profile/did:plc:" in f.url for f in result.findings if f.kind == "deleted")  # Bluesky too
    # The suspended account's post is not deleted post by post; it is one account state.
    suspended = [f for f in result.findings if f.detail.get("account_state") == "suspended"]
    assert len(suspended) == 1 and suspended[0].kind == "unreachable"
    republished = next(f for f in result.findings if f.kind == "republished")
    assert republished.detail.get("unchanged") is True or republished.detail.get("similarity") == 1.0


async def test_faults_never_make_a_deletion_and_history_keeps_every_text(tmp_path: Path) -> None:
    sc = world(
        [
            {"at": 60, "do": "post", "account": "h/leader", "id": "a", "text": "First text of the statement."},
            {"at": 400, "do": "edit", "of": "a", "text": "Second text of the statement."},
            {"at": 500, "do": "edit", "of": "a", "text": "Third text of the statement."},
            {"at": 1000, "do": "challenge", "host": "h", "until": 1700},
            {"at": 1800, "do": "outage", "host": "h", "until": 2500},
            {"at": 2600, "do": "ratelimit", "host": "h", "until": 2700},
            {"at": 2800, "do": "malformed", "host": "h", "until": 2900},
        ]
    )
    clock = VirtualClock(START)
    app = Onrecord(sim_settings(tmp_path / "d", deletion_gap="1s", unreachable_after=2), clock=clock)
    try:
        async with MastodonSim(sc, clock) as sim, Fetcher(app.settings, clock) as fetcher:
            app.add_source(sim.url("h/leader"), actor="Leader", every=300, sniff=False)
            src = app.sources()[0]
            assert src.kind == "mastodon"  # claimed by its URL shape
            found: list[Any] = []
            errors: list[str | None] = []
            for off in (0, 120, 600, 1100, 1400, 1900, 2200, 2650, 2850, 3000):
                clock.set(max(clock.now(), START + _s(off)))
                for r in await app.check(fetcher=fetcher):
                    found.extend(r.findings)
                    errors.append(r.error)
            kinds = [f.kind for f in found]
            assert "deleted" not in kinds, found
            assert kinds.count("new") == 1 and kinds.count("edited") == 2
            assert kinds.count("blocked") == 1 and "unreachable" in kinds
            [item] = app.store.items()
            texts = [v.text for v in app.store.versions(item.id)]
            assert texts == [
                "First text of the statement.",
                "Second text of the statement.",
                "Third text of the statement.",
            ]
            assert any(e and "malformed JSON" in e for e in errors)  # one clear line for the source
    finally:
        app.close()


async def test_a_vanished_status_is_checked_and_a_suspension_is_one_state(tmp_path: Path) -> None:
    sc = world(
        [
            {"at": 60, "do": "post", "account": "h/leader", "id": "a", "text": "About the phone call."},
            {"at": 60, "do": "post", "account": "h/leader", "id": "b", "text": "About the summit."},
            {"at": 700, "do": "delete", "of": "a"},
            {"at": 2000, "do": "suspend", "account": "h/leader"},
        ]
    )
    clock = VirtualClock(START)
    app = Onrecord(sim_settings(tmp_path / "d", deletion_gap="1s"), clock=clock)
    try:
        async with MastodonSim(sc, clock) as sim, Fetcher(app.settings, clock) as fetcher:
            app.add_source(sim.url("h/leader"), kind="mastodon", every=300, sniff=False)
            found: list[Any] = []
            for off in (120, 800, 1100, 1400, 2100, 2400, 2700):
                clock.set(max(clock.now(), START + _s(off)))
                for r in await app.check(fetcher=fetcher):
                    found.extend(r.findings)
            deleted = [f for f in found if f.kind == "deleted"]
            assert len(deleted) == 1 and deleted[0].url.endswith(sim.by_script["a"].id)
            states = [f for f in found if f.detail.get("account_state") == "suspended"]
            assert len(states) == 1
            [src] = app.sources()
            assert app.store.source_rows_status()[src.id]["status"] == "suspended"
    finally:
        app.close()


async def test_the_access_token_is_sent_but_never_archived(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sc = world([{"at": 0, "do": "post", "account": "h/leader", "id": "a", "text": "Token test."}])
    clock = VirtualClock(START + _s(60))
    secret = "s3cr3t-T0KEN-value"
    app = Onrecord(sim_settings(tmp_path / "d", mastodon_token=secret), clock=clock)
    try:
        async with MastodonSim(sc, clock) as sim, Fetcher(app.settings, clock) as fetcher:
            app.add_source(sim.url("h/leader"), options={"auth": "token"}, sniff=False)
            caplog.set_level("DEBUG")
            [r] = await app.check(fetcher=fetcher)
            assert [f.kind for f in r.findings] == ["new"]
            assert sim.auth_seen == {f"Bearer {secret}"}  # the server got it
    finally:
        app.close()
    warc = b"".join(p.read_bytes() for p in (tmp_path / "d" / "warc").iterdir())
    with contextlib.suppress(OSError):
        warc = gzip.decompress(warc)
    assert secret.encode() not in warc and b"Bearer [redacted]" in warc
    assert secret not in caplog.text
    assert secret not in json.dumps(app.settings.public())


class ThreadedMastodon:
    """The Mastodon simulator on a background loop, for CLI tests."""

    def __init__(self, sc: SocialScenario, at: datetime) -> None:
        self.clock = VirtualClock(at)
        self.sim = MastodonSim(sc, self.clock)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self.sim.__aenter__())
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.sim.__aexit__(None, None, None))
        self._loop.close()

    def __enter__(self) -> MastodonSim:
        self._thread.start()
        assert self._ready.wait(10)
        return self.sim

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def test_add_resolves_the_account_and_checks_options(tmp_path: Path) -> None:
    base = ["--data", str(tmp_path), "--set", "allow_private_addresses=true", "--set", "retries=0"]

    def add(*args: str) -> Any:
        return CliRunner().invoke(cli, [*base, "add", *args], catch_exceptions=False)

    sc = world(
        [
            {"at": 0, "do": "post", "account": "h/leader", "id": "a", "text": "Hello."},
            {"at": 0, "do": "suspend", "account": "h/gone"},
        ],
        accounts=[{"host": "h", "name": "leader"}, {"host": "h", "name": "gone"}],
    )
    with ThreadedMastodon(sc, START + _s(60)) as sim:
        url = sim.url("h/leader")
        r = add(url, "--option", "boosts=maybe")
        assert r.exit_code == 1 and "option boosts must be true or false" in r.stderr
        r = add(url, "--option", "colour=red")
        assert r.exit_code == 1 and "unknown option 'colour' for kind mastodon" in r.stderr
        r = add(url, "--option", "nonsense")
        assert r.exit_code == 2
        r = add(sim.base("h") + "/@nobody")
        assert r.exit_code == 1 and "no account" in r.stderr and "--force" in r.stderr
        r = add(sim.url("h/gone"))
        assert r.exit_code == 1 and "is suspended" in r.stderr
        r = add(url, "--option", "replies=yes", "--option", "max_pages=2", "--json")
        assert r.exit_code == 0, r.stderr
        row = json.loads(r.stdout)
        assert row["kind"] == "mastodon" and row["options"] == {"replies": True, "max_pages": 2}
        r = CliRunner().invoke(cli, [*base, "sources", "--json"])
        assert json.loads(r.stdout)["options"] == {"replies": True, "max_pages": 2}
    r = add("http://127.0.0.1:9/@leader", "--name", "x")
    assert r.exit_code == 1 and "cannot connect" in r.stderr
    r = add("http://127.0.0.1:9/page", "--kind", "page", "--option", "a=b")
    assert r.exit_code == 1 and "kind page takes no options" in r.stderr


def test_registry_and_rate_limit_headers() -> None:
    assert {"feed", "page", "mastodon"} <= set(registry.kinds())
    assert registry.claiming("https://truthsocial.com/@realDonaldTrump") == "mastodon"
    assert registry.claiming("https://example.org/news/feed.xml") is None
    with pytest.raises(SourceError, match="unknown kind 'fax'"):
        registry.adapter("fax")
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    mastodon = (("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "2026-05-04T08:02:30.000000Z"))
    assert rate_limit_wait(mastodon, now) == 150.0
    assert (
        rate_limit_wait((("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "2026-05-04T08:02:30Z")), now) is None
    )
    bluesky = (("RateLimit-Remaining", "0"), ("RateLimit-Reset", str(int(now.timestamp()) + 40)))
    assert rate_limit_wait(bluesky, now) == 40.0
    assert rate_limit_wait((("RateLimit-Remaining", "0"), ("RateLimit-Reset", "30")), now) == 30.0
    assert rate_limit_wait((("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "soon")), now) is None


async def watch(
    tmp_path: Path,
    sc: SocialScenario,
    offsets: list[float],
    *,
    db: str | None = None,
    options: dict[str, Any] | None = None,
    by_url: bool = False,
    **settings: Any,
) -> tuple[list[Any], list[Any], dict[str, list[Any]], MastodonSim]:
    """Check the scenario's one account at each offset: (findings, check results, versions by item key, sim).
    `by_url`: add it as a user does, the kind found from the URL's shape alone (asserted)."""
    clock = VirtualClock(START)
    app = Onrecord(sim_settings(tmp_path / "d", db=db, deletion_gap="1s", **settings), clock=clock)
    found: list[Any] = []
    results: list[Any] = []
    try:
        async with MastodonSim(sc, clock) as sim, Fetcher(app.settings, clock) as fetcher:
            [spec] = sim.source_urls()
            opts = {**spec["options"], **(options or {})}
            if by_url:
                app.add_source(spec["url"], options=opts, sniff=False)
                assert app.sources()[0].kind == spec["kind"]  # claimed by its URL shape
            else:
                app.add_source(spec["url"], kind=spec["kind"], options=opts, every=300, sniff=False)
            for off in offsets:
                clock.set(max(clock.now(), START + _s(off)))
                for r in await app.check(fetcher=fetcher):
                    found.extend(r.findings)
                    results.append(r)
            versions = {it.key: app.store.versions(it.id) for it in app.store.items()}
    finally:
        app.close()
    return found, results, versions, sim


async def run_texts(
    tmp_path: Path, sc: SocialScenario, offsets: list[float], db: str | None = None, **options: Any
) -> tuple[list[Any], list[Any], dict[str, list[str]]]:
    """`watch` as a user adds the account (by URL, with `options`): (findings, check results, texts by item key)."""
    found, results, versions, _sim = await watch(tmp_path, sc, offsets, db=db, options=options, by_url=True)
    return found, results, {key: [v.text for v in vs] for key, vs in versions.items()}


OLD_WORLD = [  # two early posts, then a burst that pushes them out of the listing's first page
    {"at": 60, "do": "post", "account": "h/leader", "id": "old-a", "text": "The archive opens on Saturdays."},
    {"at": 61, "do": "post", "account": "h/leader", "id": "old-b", "text": "I visit the flood defences today."},
    {"at": 400, "do": "post", "account": "h/leader", "id": "n", "count": 45, "text": "Daily note"},
    {"at": 1000, "do": "edit", "of": "old-a", "text": "The archive opens on Saturdays from June."},
    {"at": 1000, "do": "delete", "of": "old-b"},
]
OLD_CHECKS = [120, 500, 800, 1100, 1400, 1700, 2000, 2300, 2600, 2900, 3200]


async def test_old_statuses_outside_the_window_are_rechecked_in_turns(tmp_path: Path) -> None:
    """Each check lists only the newest page and stops at a known status; `recheck_old` more statuses
    (oldest-checked first) are asked directly, so an old edit and an old deletion are still seen, and
    a check never asks more than the lookup, one page and the batch (each with at most one follow-up)."""
    found, results, versions, sim = await watch(tmp_path, world(OLD_WORLD), OLD_CHECKS, recheck_old=3)
    old_a, old_b = (sim.status_url(sim.by_script[k]) for k in ("old-a", "old-b"))
    assert [f.kind for f in found if f.url == old_a] == ["new", "edited"]
    assert [f.kind for f in found if f.url == old_b] == ["new", "deleted"]
    assert [f.kind for f in found].count("new") == 47 and len(found) == 49
    key_a = sim.by_script["old-a"].id
    assert [v.text for v in versions[key_a]] == [
        "The archive opens on Saturdays.",
        "The archive opens on Saturdays from June.",
    ]
    # After the burst is read (checks 1-2): lookup + first page + 3 statuses, each maybe once more
    # (its edit history, or a 'gone' asked again at once).
    assert all(r.fetches <= 2 + 3 * 2 for r in results[2:]), [r.fetches for r in results]
    # Without the re-check nothing outside the window is noticed: the world really hides them.
    found0, results0, _, _ = await watch(tmp_path / "off", world(OLD_WORLD), OLD_CHECKS, recheck_old=0)
    assert sorted({f.kind for f in found0}) == ["new"]
    assert all(r.fetches == 2 for r in results0[2:])


async def test_a_status_first_seen_already_edited_keeps_every_earlier_text(tmp_path: Path) -> None:
    """edited_at set on first sight: /history gives the original and each edit as versions, in order,
    each timed by the revision's created_at (the current text: the check's time)."""
    sc = world(
        [
            {"at": 60, "do": "post", "account": "h/leader", "id": "a", "text": "Talks with Kelmar on Monday."},
            {"at": 90, "do": "edit", "of": "a", "text": "Talks with Kelmar on Tuesday."},
            {"at": 100, "do": "edit", "of": "a", "text": "Talks with Kelmar postponed."},
        ]
    )
    found, _, versions, _ = await watch(tmp_path, sc, [120, 420])
    assert [f.kind for f in found] == ["new", "edited", "edited"]
    assert [f.detail.get("new_version", f.detail.get("version")) for f in found] == [1, 2, 3]
    [vs] = versions.values()
    assert [v.text for v in vs] == [
        "Talks with Kelmar on Monday.",
        "Talks with Kelmar on Tuesday.",
        "Talks with Kelmar postponed.",
    ]
    assert [v.seq for v in vs] == [1, 2, 3]
    assert [v.at for v in vs] == [START + _s(60), START + _s(90), START + _s(120)]
    # The simulator's history is the real shape: StatusEdit objects, oldest first, original and current.
    import aiohttp

    async with MastodonSim(sc, VirtualClock(START + _s(200))) as live, aiohttp.ClientSession() as http:
        st = live.by_script["a"].id
        async with http.get(f"{live.base('h')}/api/v1/statuses/{st}/history") as resp:
            edits = await resp.json()
        async with http.get(f"{live.base('h')}/api/v1/statuses/{st}") as resp:
            status = await resp.json()
    assert [e["created_at"] for e in edits] == [status["created_at"], "2026-05-04T08:01:30.000Z", status["edited_at"]]
    assert edits[-1]["content"] == status["content"]
    assert set(edits[0]) >= {"content", "spoiler_text", "sensitive", "created_at", "account", "media_attachments"}
