"""The store on real SQLite and real PostgreSQL (each test gets a fresh database or schema)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from onrecord.detect import Changes, ItemChange, NewVersion, SourceChange
from onrecord.errors import SourceError
from onrecord.records import Capture, Finding, UrlState
from onrecord.store import Store

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def add(store: Store, name: str = "gov", every: float = 300) -> int:
    return store.add_source(
        name=name,
        url=f"http://127.0.0.1:1/{name}.xml",
        kind="feed",
        actor="Aldoria",
        every=every,
        selector=None,
        ignore=None,
        now=T0,
    ).id


def test_sources_round_trip_and_unique_names(store: Store) -> None:
    sid = add(store)
    s = store.find_source("gov")
    assert s.id == sid and s.actor == "Aldoria" and s.next_check == T0
    assert store.find_source(str(sid)).name == "gov"
    with pytest.raises(SourceError, match="already exists"):
        add(store)
    with pytest.raises(SourceError, match="no source"):
        store.find_source("nope")


def test_due_sources_follow_schedule_and_pause(store: Store) -> None:
    a, b = add(store, "a"), add(store, "b")
    src_a = store.source_by_id(a)
    store.apply_check(src_a, [], {}, Changes(), now=T0, next_check=T0 + timedelta(minutes=5), source_change=None)
    assert [s.id for s in store.due_sources(T0)] == [b]
    assert {s.id for s in store.due_sources(T0 + timedelta(minutes=5))} == {a, b}
    store.set_paused(b, True)
    assert [s.id for s in store.due_sources(T0 + timedelta(hours=1))] == [a]
    assert store.next_due() == T0 + timedelta(minutes=5)


def test_apply_check_is_one_transaction_with_ordered_findings(store: Store) -> None:
    sid = add(store)
    src = store.source_by_id(sid)
    cap = Capture(
        url="http://127.0.0.1:1/a",
        at=T0,
        outcome="ok",
        status=200,
        digest="sha1:X",
        warc_file="f.warc.gz",
        offset=10,
        length=200,
    )
    v = NewVersion("Readout", "The leaders spoke.", "h1", "page", 0, None)
    ch = Changes(
        items=[ItemChange("k1", "http://127.0.0.1:1/a", "Readout", "live", 0, None, T0, T0, T0, version=v)],
        findings=[Finding("new", T0, "gov", "k1", "http://127.0.0.1:1/a", {"title": "Readout"})],
    )
    out = store.apply_check(
        src,
        [cap],
        {"http://127.0.0.1:1/a": UrlState('"e1"')},
        ch,
        now=T0,
        next_check=T0 + timedelta(minutes=5),
        source_change=SourceChange("ok", 0, None),
    )
    assert [f.kind for f in out] == ["new"] and out[0].id is not None
    item = store.find_item("k1")
    [ver] = store.versions(item.id)
    assert ver.text == "The leaders spoke." and ver.capture_id is not None
    assert store.capture(ver.capture_id).warc_file == "f.warc.gz"
    assert store.check_states([src])[sid].url_state["http://127.0.0.1:1/a"].etag == '"e1"'
    assert store.warc_extent() == {"f.warc.gz": 210}
    # second check: an edit
    stored = store.check_states([src])[sid].stored["k1"]
    assert stored.text_hash == "h1" and stored.version_seq == 1
    v2 = NewVersion("Readout", "The leaders spoke twice.", "h2", "page", None, [["=", "x"]])
    ch2 = Changes(
        items=[ItemChange("k1", item.url, "Readout", "live", 0, None, T0, T0, T0, item_id=item.id, version=v2)],
        findings=[Finding("edited", T0 + timedelta(minutes=5), "gov", "k1", item.url, {})],
    )
    store.apply_check(
        src,
        [],
        {},
        ch2,
        now=T0 + timedelta(minutes=5),
        next_check=T0 + timedelta(minutes=10),
        source_change=None,
    )
    assert [v.seq for v in store.versions(item.id)] == [1, 2]
    log = store.findings()
    assert [f.kind for f in log] == ["new", "edited"]
    assert log[0].id < log[1].id  # type: ignore[operator]
    assert log[1].detail["new_version_id"] == store.versions(item.id)[1].id
    assert store.findings(kinds=["edited"])[0].kind == "edited"
    assert store.findings(since=T0 + timedelta(minutes=1))[0].kind == "edited"
    assert store.findings(after_id=log[0].id)[0].kind == "edited"


def test_times_come_back_timezone_aware(store: Store) -> None:
    add(store)
    assert store.find_source("gov").added_at.tzinfo is not None  # type: ignore[union-attr]


def test_removing_a_source_keeps_its_findings(store: Store) -> None:
    sid = add(store)
    src = store.source_by_id(sid)
    store.apply_check(
        src,
        [],
        {},
        Changes(findings=[Finding("unreachable", T0, "gov", None, src.url, {})]),
        now=T0,
        next_check=T0,
        source_change=None,
    )
    store.remove_source(sid)
    assert [f.kind for f in store.findings()] == ["unreachable"]
    assert store.sources() == []
