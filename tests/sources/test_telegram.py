"""Telegram channels against the social simulator's t.me preview routes (real HTTP, real database)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from onrecord.errors import SourceError
from onrecord.sources import registry
from onrecord.sources.telegram import channel, parse_messages
from tests.sources.test_mastodon import run_texts as run
from tests.sources.test_mastodon import world


def tg(events: list[dict[str, Any]]) -> Any:
    return world(events, accounts=[{"host": "t", "name": "mfa_news", "service": "telegram", "actor": "MFA"}])


async def test_posts_paging_an_edit_and_a_deletion_confirmed_by_the_widget(db_url: str, tmp_path: Path) -> None:
    # 45 messages: three preview windows of 20 on the first poll; one edit, one deletion in the middle,
    # the newest one deleted too; an outage in between is no deletion.
    events: list[dict[str, Any]] = [
        {"at": 10 + i, "do": "post", "account": "t/mfa_news", "id": f"m{i}", "text": f"Statement {i}."}
        for i in range(45)
    ]
    events += [
        {"at": 400, "do": "edit", "of": "m30", "text": "Statement 30, corrected."},
        {"at": 800, "do": "delete", "of": "m35"},
        {"at": 800, "do": "delete", "of": "m44"},
        {"at": 850, "do": "outage", "host": "t", "until": 1050},
    ]
    found, _results, texts = await run(tmp_path, tg(events), [120, 500, 900, 1000, 1100, 1300, 1600, 1900], db=db_url)
    kinds = [f.kind for f in found]
    assert kinds.count("new") == 45 and kinds.count("edited") == 1, kinds
    deleted = sorted(f.url for f in found if f.kind == "deleted")
    assert len(deleted) == 2 and all("/mfa_news/" in u for u in deleted), found
    [edited] = [f for f in found if f.kind == "edited"]
    assert texts[edited.url] == ["Statement 30.", "Statement 30, corrected."]
    assert "unreachable" in kinds and "recovered" in kinds  # the outage: the channel, not its messages


async def test_preview_turned_off_is_one_state(tmp_path: Path) -> None:
    sc = tg(
        [
            {"at": 60, "do": "post", "account": "t/mfa_news", "id": "a", "text": "One."},
            {"at": 60, "do": "post", "account": "t/mfa_news", "id": "b", "text": "Two."},
            {"at": 600, "do": "suspend", "account": "t/mfa_news"},
        ]
    )
    found, _results, _texts = await run(tmp_path, sc, [120, 700, 1000, 1300, 1600])
    kinds = [f.kind for f in found]
    assert "deleted" not in kinds
    states = [f.detail["account_state"] for f in found if f.detail.get("account_state")]
    assert states == ["preview off"]


def test_parse_a_saved_shape() -> None:
    page = (
        b'<section class="tgme_channel_history js-message_history">'
        b'<div class="tme_messages_more_wrap"><a class="tme_messages_more js-messages_more" data-before="101" '
        b'href="/s/durov?before=101"></a></div>'
        b'<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        b'<div class="tgme_widget_message js-widget_message" '
        b'data-post="durov/101" data-view="x"><div class="tgme_widget_message_bubble">'
        b'<div class="tgme_widget_message_reply">'
        b'<div class="tgme_widget_message_text js-message_text">quoted</div></div>'
        b'<div class="tgme_widget_message_text js-message_text" dir="auto">Hello<br/>world</div>'
        b'<div class="tgme_widget_message_footer"><span class="tgme_widget_message_views">4.4K</span>'
        b'<span class="tgme_widget_message_meta">edited <a class="tgme_widget_message_date" href="https://t.me/durov/101">'
        b'<time datetime="2020-04-30T17:00:04+00:00" class="time">17:00</time></a></span></div></div></div></div>'
        b'<div class="tgme_widget_message js-widget_message" data-post="other/5"></div></section>'
    )
    [m], before, history = parse_messages(page, "durov")
    assert (m.id, m.text, m.date, m.edited, before, history) == (
        101,
        "Hello\nworld",
        "2020-04-30T17:00:04+00:00",
        True,
        101,
        True,
    )


def test_claims_and_options() -> None:
    assert registry.claiming("https://t.me/durov") == "telegram"
    assert registry.claiming("https://t.me/s/durov") == "telegram"
    assert channel("https://t.me/s/durov/") == ("https://t.me", "durov")
    assert not registry.adapter("telegram").claims("https://example.org/durov")
    assert not registry.adapter("telegram").claims("https://t.me/joinchat")  # not a channel
    with pytest.raises(SourceError, match="not a Telegram channel URL"):
        channel("https://t.me/durov/12")
    adapter = registry.adapter("telegram")
    assert adapter.check_options({"max_pages": "5"}) == {"max_pages": 5}
    with pytest.raises(SourceError, match="max_pages"):
        adapter.check_options({"max_pages": "0"})


async def test_telegram_scenario_scores_perfectly(db_url: str, tmp_path: Path) -> None:
    """`onrecord sim run telegram`: paging, edits, a gap confirmed by the widget, the newest message
    deleted, an outage, a channel whose preview is turned off, an old message edited and one deleted
    outside the newest window, a message first seen already edited (t.me keeps no history: optional)."""
    from onrecord.sim.run import run_scenario

    result = await run_scenario("telegram", data=tmp_path / "s", db=db_url)
    everything = result.report.kinds["all"]
    assert (everything.precision, everything.recall) == (1.0, 1.0), result.report.to_json()
    assert everything.true_positives == everything.expected >= 30
    assert {"m1 edited", "m2 deleted"} <= {e.note for e, _ in result.report.matches}  # outside the window
    kinds = [f.kind for f in result.findings]
    assert kinds.count("deleted") == 3 and kinds.count("new") == 27
    states = [f for f in result.findings if f.detail.get("account_state")]
    assert [(f.kind, f.detail["account_state"]) for f in states] == [("unreachable", "preview off")]


async def test_old_messages_outside_the_window_are_rechecked_in_turns(tmp_path: Path) -> None:
    """Past the newest preview window (20): a few known messages per check are asked with ?embed=1, so
    an old edit is a new version and an old deletion is confirmed by the widget's "not found"."""
    from tests.sources.test_mastodon import watch

    events = [
        {"at": 60, "do": "post", "account": "t/mfa_news", "id": "old-a", "text": "Visa rules for students."},
        {"at": 61, "do": "post", "account": "t/mfa_news", "id": "old-b", "text": "Consular hours in May."},
        {"at": 400, "do": "post", "account": "t/mfa_news", "id": "n", "count": 25, "text": "Bulletin"},
        {"at": 1000, "do": "edit", "of": "old-a", "text": "Visa rules for students and families."},
        {"at": 1000, "do": "delete", "of": "old-b"},
    ]
    checks = [120, 500, 800, 1100, 1400, 1700, 2000, 2300]
    found, _, versions, sim = await watch(tmp_path, tg(events), checks, recheck_old=3)
    old = {k: sim.status_url(sim.by_script[k]) for k in ("old-a", "old-b")}
    assert [f.kind for f in found if f.url == old["old-a"]] == ["new", "edited"]
    assert [f.kind for f in found if f.url == old["old-b"]] == ["new", "deleted"]
    assert [v.text for v in versions[old["old-a"]]] == [
        "Visa rules for students.",
        "Visa rules for students and families.",
    ]
    found0, _, _, _ = await watch(tmp_path / "off", tg(events), checks, recheck_old=0)
    assert sorted({f.kind for f in found0}) == ["new"]  # outside the window: unseen without the re-check
