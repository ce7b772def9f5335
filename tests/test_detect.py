"""Detection is pure logic over records and a clock: no network, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from onrecord.detect import (
    FAILED,
    GONE,
    OK,
    Observation,
    Rules,
    StoredItem,
    detect_items,
    detect_source_health,
    mass_gone,
    text_hash,
    word_diff,
)
from onrecord.records import Item, Source

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SRC = Source(id=1, name="aldoria", url="http://127.0.0.1:1/feed.xml", kind="feed")
RULES = Rules(deletion_confirmations=2, deletion_gap=600)


def stored(
    key: str,
    text: str,
    *,
    state: str = "live",
    gone: int = 0,
    since: datetime | None = None,
    origin: str = "page",
) -> StoredItem:
    item = Item(
        id=7,
        source_id=1,
        key=key,
        url=f"http://127.0.0.1:1/{key}",
        title="T",
        state=state,
        first_seen=T0,
        last_seen=T0,
        gone_count=gone,
        gone_since=since,
    )
    return StoredItem(item, text, text_hash(text), origin, 1)


def test_new_item_is_reported_once_with_its_text() -> None:
    obs = [Observation("a", "http://127.0.0.1:1/a", OK, "Readout", "The leaders spoke.")]
    ch = detect_items(SRC, obs, {}, T0, RULES)
    assert [f.kind for f in ch.findings] == ["new"]
    assert ch.items[0].version is not None and ch.items[0].version.text == "The leaders spoke."
    # The same text again is no finding and no new version.
    again = detect_items(SRC, obs, {"a": stored("a", "The leaders spoke.")}, T0 + timedelta(minutes=5), RULES)
    assert again.findings == [] and again.items[0].version is None


def test_duplicate_keys_in_one_listing_count_once() -> None:
    obs = [Observation("a", "u", OK, "x", "one"), Observation("a", "u", OK, "x", "two")]
    ch = detect_items(SRC, obs, {}, T0, RULES)
    assert len(ch.findings) == 1 and len(ch.items) == 1


def test_edit_keeps_a_word_diff() -> None:
    prev = stored("a", "The sides agreed to meet in March.")
    obs = [Observation("a", "u", OK, "T", "The sides agreed to meet in April.")]
    ch = detect_items(SRC, obs, {"a": prev}, T0, RULES)
    assert [f.kind for f in ch.findings] == ["edited"]
    assert ch.findings[0].detail["old_version"] == 1 and ch.findings[0].detail["new_version"] == 2
    assert ["-", "March."] in ch.items[0].version.diff  # type: ignore[union-attr]
    assert ["+", "April."] in ch.items[0].version.diff  # type: ignore[union-attr]


def test_feed_text_replaced_by_page_text_is_not_an_edit() -> None:
    prev = stored("a", "Short summary.", origin="feed")
    obs = [Observation("a", "u", OK, "T", "Short summary. And the full statement.", "page")]
    ch = detect_items(SRC, obs, {"a": prev}, T0, RULES)
    assert ch.findings == [] and ch.items[0].version is not None


def test_deletion_needs_n_confirmations_spaced_t_apart() -> None:
    prev = stored("a", "text")
    gone = [Observation("a", "u", GONE, http_status=404)]
    c1 = detect_items(SRC, gone, {"a": prev}, T0, RULES).items[0]
    assert c1.state == "missing" and c1.gone_count == 1
    # Second 404 five minutes later: two confirmations but not 10 minutes apart.
    p2 = stored("a", "text", state="missing", gone=1, since=T0)
    r2 = detect_items(SRC, gone, {"a": p2}, T0 + timedelta(minutes=5), RULES)
    assert r2.findings == [] and r2.items[0].gone_count == 2
    p3 = stored("a", "text", state="missing", gone=2, since=T0)
    r3 = detect_items(SRC, gone, {"a": p3}, T0 + timedelta(minutes=10), RULES)
    assert [f.kind for f in r3.findings] == ["deleted"]
    assert r3.items[0].state == "deleted"


def test_404_while_host_is_down_is_not_a_deletion_step() -> None:
    prev = stored("a", "text", state="missing", gone=1, since=T0)
    obs = [Observation("a", "u", GONE, host_ok=False, http_status=404)]
    r = detect_items(SRC, obs, {"a": prev}, T0 + timedelta(hours=1), RULES)
    assert r.findings == [] and r.items[0].gone_count == 1


def test_failures_never_delete() -> None:
    prev = stored("a", "text", state="missing", gone=1, since=T0)
    for _ in range(5):
        r = detect_items(
            SRC, [Observation("a", "u", FAILED, http_status=503)], {"a": prev}, T0 + timedelta(hours=2), RULES
        )
        assert r.findings == []


def test_flapping_item_resets_the_count() -> None:
    prev = stored("a", "text", state="missing", gone=1, since=T0)
    r = detect_items(SRC, [Observation("a", "u", OK, "T", "text")], {"a": prev}, T0 + timedelta(minutes=5), RULES)
    assert r.findings == [] and r.items[0].state == "live" and r.items[0].gone_count == 0


def test_deleted_item_answering_again_is_restored() -> None:
    prev = stored("a", "text", state="deleted", gone=3, since=T0)
    r = detect_items(SRC, [Observation("a", "u", OK, "T", "text")], {"a": prev}, T0 + timedelta(hours=1), RULES)
    assert [f.kind for f in r.findings] == ["restored"]
    assert r.items[0].state == "live"


def test_unreachable_after_two_failed_checks_then_recovered() -> None:
    h1, f1 = detect_source_health(SRC, False, "timeout", "ok", 0, T0, RULES)
    assert f1 is None and h1.status == "failing"
    h2, f2 = detect_source_health(SRC, False, "timeout", h1.status, h1.fail_count, T0, RULES)
    assert f2 is not None and f2.kind == "unreachable" and h2.status == "unreachable"
    h3, f3 = detect_source_health(SRC, False, "timeout", h2.status, h2.fail_count, T0, RULES)
    assert f3 is None
    h4, f4 = detect_source_health(SRC, True, None, h3.status, h3.fail_count, T0, RULES)
    assert f4 is not None and f4.kind == "recovered" and h4.status == "ok"


def test_word_diff_round_trips() -> None:
    old, new = "a b c d", "a x c d e"
    d = word_diff(old, new)
    assert " ".join(t for op, t in d if op != "+") == old
    assert " ".join(t for op, t in d if op != "-") == new


def test_next_slot_spreads_sources_and_keeps_the_interval() -> None:
    from onrecord.pipeline import next_slot

    now = T0
    slots = []
    for sid in range(1, 201):
        src = Source(id=sid, name=f"s{sid}", url="u", kind="page", every=300)
        nxt = next_slot(src, now)
        assert timedelta(seconds=1) <= nxt - now <= timedelta(seconds=301)
        # once on its phase, a source is checked exactly every interval
        assert next_slot(src, nxt) - nxt == timedelta(seconds=300)
        slots.append((nxt - now).total_seconds())
    # 200 sources added together do not all come due at the same moment again
    assert len({round(s) for s in slots}) > 150
    assert max(slots) - min(slots) > 250


def _flappy(key: str, *, state: str = "live", gone: int = 0, since: datetime | None = None) -> StoredItem:
    s = stored(key, "Text.", state=state, gone=gone, since=since)
    return StoredItem(replace(s.item, flaps=1, flapped_at=T0), s.text, s.text_hash, s.origin, 1)


def test_an_item_back_after_gone_answers_is_remembered_as_a_flap() -> None:
    obs = [Observation("a", "http://127.0.0.1:1/a", OK, "T", "Text.")]
    ch = detect_items(SRC, obs, {"a": stored("a", "Text.", state="missing", gone=1, since=T0)}, T0, RULES)
    assert ch.items[0].state == "live" and ch.items[0].flaps == 1 and ch.items[0].flapped_at == T0


def test_flap_memory_asks_for_more_gone_answers() -> None:
    rules = Rules(deletion_confirmations=2, deletion_gap=600, flap_confirmations=4)
    gone = [Observation("a", "http://127.0.0.1:1/a", GONE, http_status=404)]
    later = T0 + timedelta(minutes=30)
    # Without a flap, the 2nd gone answer 30 min after the first confirms ...
    plain = detect_items(SRC, gone, {"a": stored("a", "Text.", state="missing", gone=1, since=T0)}, later, rules)
    assert [f.kind for f in plain.findings] == ["deleted"]
    # ... with a flap of the item, or of another item of the source (its host), it takes 4.
    for st in (
        {"a": _flappy("a", state="missing", gone=1, since=T0)},
        {"a": stored("a", "Text.", state="missing", gone=1, since=T0), "b": _flappy("b")},
    ):
        ch = detect_items(SRC, gone, st, later, rules)
        assert ch.findings == [] and ch.items[0].state == "missing" and ch.items[0].gone_count == 2
    ch = detect_items(SRC, gone, {"a": _flappy("a", state="missing", gone=3, since=T0)}, later, rules)
    assert [f.kind for f in ch.findings] == ["deleted"]
    # The memory fades after flap_memory.
    old = later + timedelta(days=8)
    ch = detect_items(SRC, gone, {"a": _flappy("a", state="missing", gone=1, since=T0)}, old, rules)
    assert [f.kind for f in ch.findings] == ["deleted"]


def test_mass_gone_while_listed_is_one_fault_not_deletions() -> None:
    rules = Rules(mass_gone_min=3, mass_gone_share=0.5)
    st = {k: stored(k, "Text.") for k in "abcd"}
    obs = [Observation(k, f"http://127.0.0.1:1/{k}", GONE, http_status=404) for k in "abc"]
    obs.append(Observation("d", "http://127.0.0.1:1/d", OK, "T", "Text.", http_status=200))
    out, why = mass_gone(obs, st, set("abcd"), rules)
    assert why is not None and why.startswith("mass 404: 3 of 4")
    assert [o.status for o in out] == [FAILED, FAILED, FAILED, OK]
    # Items the feed no longer lists are deletion candidates, not a fault: a real mass deletion.
    out, why = mass_gone(obs, st, {"d"}, rules)
    assert why is None and out == obs
    # Below the floor: ordinary evidence.
    assert mass_gone(obs[:2] + obs[3:], st, set("abcd"), rules)[1] is None
