"""The index queries of `verify`, damage marking and export, on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from onrecord.detect import Changes, ItemChange, NewVersion, SourceChange
from onrecord.records import Capture, UrlState
from onrecord.store import Store
from onrecord.store.archive_index import index_rows, mark_lost, pages

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
A, B = "http://127.0.0.1:1/a", "http://127.0.0.1:1/b"


def cap(url: str, offset: int, at: datetime = T0, file: str = "f.warc.gz") -> Capture:
    return Capture(url=url, at=at, outcome="ok", status=200, digest="sha1:X", warc_file=file, offset=offset, length=100)


def test_lost_captures_are_marked_and_their_urls_forgotten(store: Store) -> None:
    src = store.add_source(name="gov", url=A, kind="page", actor=None, every=300, selector=None, ignore=None, now=T0)
    v = NewVersion("Readout", "The leaders spoke.", "h1", "page", 0, None)
    ch = Changes(items=[ItemChange(A, A, "Readout", "live", 0, None, T0, T0, T0, version=v)])
    states = {A: UrlState('"a"', None, "sha1:X", A, "d"), B: UrlState('"b"', None, "sha1:Y", B, "d")}
    store.apply_check(
        src,
        [cap(A, 0), cap(B, 100), cap(B, 0, file="g.warc.gz")],
        states,
        ch,
        now=T0,
        next_check=T0 + timedelta(minutes=5),
        source_change=SourceChange("ok", 0, None),
    )
    assert [(r.warc_file, r.offset) for r in index_rows(store)] == [
        ("f.warc.gz", 0),
        ("f.warc.gz", 100),
        ("g.warc.gz", 0),
    ]
    [page] = list(pages(store))
    assert (page.url, page.at, page.title) == (A, T0, "Readout")
    # f.warc.gz was cut at byte 150: the capture at 100-200 is lost, the one at 0-100 is whole
    assert mark_lost(store, "f.warc.gz", 150) == (1, 1)
    assert [r.lost for r in index_rows(store)] == [False, True, False]
    assert store.warc_extent() == {"f.warc.gz": 100, "g.warc.gz": 100}
    remembered = store.check_states([src])[src.id].url_state
    assert A in remembered and B not in remembered  # B's next answer is archived whole
    assert mark_lost(store, "f.warc.gz", 150) == (0, 0)  # said once
    assert mark_lost(store, "f.warc.gz", None) == (1, 1)  # the file went missing
    assert list(pages(store)) == []
