"""Bluesky accounts against the social simulator's AT Protocol routes (real HTTP, real database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from onrecord.sources import registry
from tests.sources.test_mastodon import run_texts as run
from tests.sources.test_mastodon import world


def sky(events: list[dict[str, Any]]) -> Any:
    return world(events, accounts=[{"host": "s", "name": "envoy", "service": "bluesky", "actor": "Envoy"}])


async def test_posts_edits_reposts_and_a_deletion_confirmed_at_the_pds(tmp_path: Path) -> None:
    sc = sky(
        [
            {"at": 60, "do": "post", "account": "s/envoy", "id": "a", "text": "First post."},
            {"at": 60, "do": "boost", "account": "s/envoy", "id": "r", "of": "x", "text": "Someone else's post."},
            {"at": 70, "do": "reply", "account": "s/envoy", "id": "re", "of": "a", "text": "A reply."},
            {"at": 400, "do": "edit", "of": "a", "text": "First post, edited."},
            {"at": 1000, "do": "delete", "of": "a"},
            {"at": 1000, "do": "ratelimit", "host": "s", "until": 1100},
            {"at": 1150, "do": "malformed", "host": "s", "until": 1250},
        ]
    )
    found, results, texts = await run(tmp_path, sc, [120, 500, 1050, 1200, 1400, 1700, 2000])
    kinds = [f.kind for f in found]
    assert kinds.count("new") == 1 and kinds.count("edited") == 1 and kinds.count("deleted") == 1, found
    [deleted] = [f for f in found if f.kind == "deleted"]
    assert "/profile/did:plc:" in deleted.url and deleted.detail["http_status"] == 400  # getRecord RecordNotFound
    assert list(texts.values()) == [["First post.", "First post, edited."]]  # the repost and the reply left out
    assert any(r.error and "malformed JSON" in r.error for r in results)


async def test_a_taken_down_account_is_one_state(tmp_path: Path) -> None:
    sc = sky(
        [
            {"at": 60, "do": "post", "account": "s/envoy", "id": "a", "text": "One."},
            {"at": 60, "do": "post", "account": "s/envoy", "id": "b", "text": "Two."},
            {"at": 600, "do": "suspend", "account": "s/envoy"},
        ]
    )
    found, _results, _texts = await run(tmp_path, sc, [120, 700, 1000, 1300, 1600], reposts="true")
    kinds = [f.kind for f in found]
    assert "deleted" not in kinds
    states = [f for f in found if f.detail.get("account_state")]
    assert [f.detail["account_state"] for f in states] == ["taken down"]


def test_claims_and_options() -> None:
    assert registry.claiming("https://bsky.app/profile/example.bsky.social") == "bluesky"
    adapter = registry.adapter("bluesky")
    assert adapter.check_options({"reposts": "yes", "plc": "http://127.0.0.1:1/"}) == {
        "reposts": True,
        "plc": "http://127.0.0.1:1",
    }


async def test_old_posts_outside_the_window_are_rechecked_in_turns(tmp_path: Path) -> None:
    """Past the author feed's first page (50): getPosts for a few known posts per check finds the
    edit; a post absent there is confirmed gone at its PDS like any other."""
    from tests.sources.test_mastodon import watch

    events = [
        {"at": 60, "do": "post", "account": "s/envoy", "id": "old-a", "text": "The embassy closes on Friday."},
        {"at": 61, "do": "post", "account": "s/envoy", "id": "old-b", "text": "Passports now take a week."},
        {"at": 400, "do": "post", "account": "s/envoy", "id": "n", "count": 55, "text": "Envoy notes"},
        {"at": 1000, "do": "edit", "of": "old-a", "text": "The embassy closes on Friday and Monday."},
        {"at": 1000, "do": "delete", "of": "old-b"},
    ]
    checks = [120, 500, 800, 1100, 1400, 1700, 2000, 2300, 2600, 2900]
    found, _, versions, sim = await watch(tmp_path, sky(events), checks, recheck_old=3)
    old = {k: sim.status_url(sim.by_script[k]) for k in ("old-a", "old-b")}
    assert [f.kind for f in found if f.url == old["old-a"]] == ["new", "edited"]
    assert [f.kind for f in found if f.url == old["old-b"]] == ["new", "deleted"]
    [deleted] = [f for f in found if f.kind == "deleted"]
    assert deleted.detail["http_status"] == 400  # com.atproto.repo.getRecord: RecordNotFound
    texts = [[v.text for v in vs] for k, vs in versions.items() if k.endswith(sim.by_script["old-a"].id)]
    assert texts == [["The embassy closes on Friday.", "The embassy closes on Friday and Monday."]]
    found0, _, _, _ = await watch(tmp_path / "off", sky(events), checks, recheck_old=0)
    assert sorted({f.kind for f in found0}) == ["new"]  # outside the window: unseen without the re-check
