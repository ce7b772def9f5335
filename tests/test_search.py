"""Full-text search over every version, on SQLite (FTS5) and PostgreSQL (tsvector), through the
library, the CLI and a migration that fills the index from versions stored before it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import text

from onrecord.app import Onrecord
from onrecord.cli import cli
from onrecord.config import Settings
from onrecord.errors import SearchError, SourceError
from onrecord.search import parse_query
from onrecord.store import Store
from onrecord.store.db import alembic_config

T = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

SOURCES = [
    (1, "mfa-feed", "feed", "Aldorian Foreign Ministry"),
    (2, "presidency", "page", "President of Aldoria"),
    (3, "kremlin-ish", "feed", "Vestmark Chancellery"),
]
# (item id, source id, key, [(version title, text, day)]): item 10 was edited, item 12 deleted
ITEMS = [
    (10, 1, "talks", [("Talks", "The ceasefire talks begin in Tarsk.", 1), ("Talks", "The truce talks end.", 3)]),
    (11, 2, "grain", [("Grain corridor", "The Northern Grain Corridor stays open for exports.", 2)]),
    (12, 1, "flood", [("Flood relief", "Aid for the flooded valley; the joint statement follows.", 4)]),
    (13, 3, "ru", [("Заявление", "Канцлер обсудил прекращение огня с президентом.", 5)]),
    (14, 2, "cafe", [("Café", "Le président a visité un café à Montréal.", 6)]),
]


def seed(store: Store) -> None:
    """Rows as any writer leaves them: the index must follow the versions table by itself."""
    with store.engine.begin() as conn:
        for sid, name, kind, actor in SOURCES:
            conn.execute(
                text(
                    "INSERT INTO sources (id, name, url, kind, actor, every, paused, added_at, status, fail_count) "
                    "VALUES (:id, :n, :u, :k, :a, 300, false, :t, 'ok', 0)"
                ),
                {"id": sid, "n": name, "u": f"http://127.0.0.1:1/{name}", "k": kind, "a": actor, "t": "2026-03-01"},
            )
        vid = 100
        for iid, sid, key, versions in ITEMS:
            conn.execute(
                text(
                    "INSERT INTO items (id, source_id, key, url, title, state, first_seen, last_seen, gone_count) "
                    "VALUES (:id, :s, :k, :u, :t, :st, '2026-03-01', '2026-03-01', 0)"
                ),
                {"id": iid, "s": sid, "k": key, "u": f"http://127.0.0.1:1/{key}", "t": versions[-1][0],
                 "st": "deleted" if iid == 12 else "live"},
            )
            for seq, (title, body, day) in enumerate(versions, 1):
                vid += 1
                conn.execute(
                    text(
                        "INSERT INTO versions (id, item_id, seq, at, title, text, text_hash, origin) "
                        "VALUES (:id, :i, :seq, :at, :ti, :tx, 'h', 'page')"
                    ),
                    {"id": vid, "i": iid, "seq": seq, "at": f"2026-03-{day:02d} 09:00:00", "ti": title, "tx": body},
                )
            conn.execute(text("UPDATE items SET current_version = :v WHERE id = :i"), {"v": vid, "i": iid})


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> Onrecord:
    a = Onrecord(Settings(data=tmp_path / "d", db=db_url))
    seed(a.store)
    yield a
    a.close()


def items(hits: list) -> list[int]:
    return [h.item_id for h in hits]


def test_parser_reads_words_phrases_or_exclusions_and_prefixes() -> None:
    q = parse_query('ceasefire OR truce "joint statement" -rumour -"fake news" sanction*')
    assert str(q) == 'ceasefire OR truce "joint statement" sanction* -rumour -"fake news"'
    assert q.fts5() == (
        '((("ceasefire" OR "truce") AND ("joint statement") AND ("sanction"*)) NOT "rumour") NOT "fake news"'
    )
    # the database's own operators are plain words here
    near = parse_query('NEAR(a b) AND c"')
    assert [t.words for (t,) in near.groups] == [("near", "a"), ("b",), ("and",), ("c",)]
    for bad in ("", "   ", "-only -exclusions", "!!! ..."):
        with pytest.raises(SearchError):
            parse_query(bad)


def test_search_finds_words_phrases_or_and_exclusions_in_every_version(app: Onrecord) -> None:
    assert items(app.search("ceasefire")) == [10]  # only in the first version of item 10
    old = app.search("ceasefire")[0]
    assert old.seq == 1 and not old.current and old.actor == "Aldorian Foreign Ministry"
    assert items(app.search("talks")) == [10, 10]  # both versions, newest first
    assert items(app.search("talks", current_only=True)) == [10]
    assert items(app.search('"joint statement"')) == [12]
    assert items(app.search('"statement joint"')) == []  # a phrase keeps its order
    assert items(app.search("truce OR corridor")) == [11, 10]
    assert items(app.search("talks -truce")) == [10]
    assert app.search("talks -truce")[0].seq == 1
    assert items(app.search("flood*")) == [12]
    assert app.search("flood*")[0].item_state == "deleted"
    assert items(app.search("GRAIN corridor")) == [11]  # any case


def test_search_works_in_any_language(app: Onrecord) -> None:
    assert items(app.search("прекращение огня")) == [13]
    assert items(app.search('"прекращение огня"')) == [13]
    assert items(app.search("Заявление")) == [13]  # in the title only
    assert items(app.search("Montréal")) == [14]


def test_filters_by_kind_source_actor_time_and_item(app: Onrecord) -> None:
    assert items(app.search("talks OR grain OR flooded", source_kinds=["page"])) == [11]
    assert items(app.search("talks OR grain OR flooded", sources=["mfa-feed"])) == [12, 10, 10]
    assert items(app.search("talks OR grain OR flooded", actors=["President of Aldoria"])) == [11]
    since, until = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 4, tzinfo=UTC)
    assert items(app.search("talks OR grain OR flooded", since=since, until=until)) == [11, 10]
    assert [h.seq for h in app.search("talks OR grain OR flooded", since=since, until=until)] == [1, 2]
    assert items(app.search("talks OR grain", item="11")) == [11]
    with pytest.raises(SourceError):
        app.search("talks", sources=["no-such-source"])


def test_hits_carry_highlighted_snippets_and_pages(app: Onrecord) -> None:
    (hit,) = app.search('"grain corridor"')
    marked = [hit.snippet[a:b] for a, b in hit.marks]
    assert [m.lower() for m in marked] in (["grain corridor"], ["grain", "corridor"])
    assert "<mark>" in hit.snippet_html() and hit.title_html() == "<mark>Grain</mark> <mark>corridor</mark>"
    assert hit.to_json()["marks"] == [list(m) for m in hit.marks]
    first, second = app.search("talks OR grain OR flooded", limit=2), app.search("talks OR grain OR flooded", offset=2)
    assert len(first) == 2 and {h.version_id for h in first}.isdisjoint({h.version_id for h in second})
    assert len(first) + len(second) == 4
    assert {h.item_id for h in app.search("talks OR grain", order="relevance")} == {10, 11}
    assert items(app.search("talks", order="oldest")) == [10, 10] and app.search("talks", order="oldest")[0].seq == 1


def test_index_follows_edits_and_deletes_of_versions(app: Onrecord) -> None:
    with app.store.engine.begin() as conn:
        conn.execute(text("UPDATE versions SET text = 'Armistice signed.' WHERE item_id = 11"))
        conn.execute(text("DELETE FROM items WHERE id = 12"))  # cascades to its versions
    assert items(app.search("armistice")) == [11]
    assert items(app.search("corridor")) == [11]  # still in the title
    assert items(app.search("exports")) == []
    assert items(app.search("flooded")) == []


def test_migration_fills_the_index_from_versions_stored_before_it(db_url: str) -> None:
    store = Store(db_url)
    try:
        cfg = alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
        seed(store)
        assert store.ensure_schema() is True
        from onrecord.store.search import Filters, search

        hits = search(store, parse_query("ceasefire OR grain OR огня"), Filters())
        assert [h.item_id for h in hits] == [13, 11, 10]
    finally:
        store.close()


def test_cli_search_prints_hits_and_json_lines(app: Onrecord, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data", str(tmp_path / "d"), "--db", app.store.url]
    res = runner.invoke(cli, [*base, "search", "talks", "--json"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.output.splitlines()]
    assert [r["item_id"] for r in rows] == [10, 10] and rows[0]["seq"] == 2 and rows[0]["marks"]
    res = runner.invoke(cli, [*base, "search", "grain", "--source", "presidency", "--kind", "page"])
    assert res.exit_code == 0 and "Northern Grain Corridor" in res.output and "item 11 v1" in res.output
    res = runner.invoke(cli, [*base, "search", "--", "-only -rumour"])
    assert res.exit_code == 1 and "only excludes words" in res.output
    res = runner.invoke(cli, [*base, "search", "talks", "--since", "yesterday-ish"])
    assert res.exit_code == 2


@pytest.mark.parametrize("window", [1, 3])
def test_results_do_not_depend_on_postgresqls_recent_window(
    app: Onrecord, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the newest versions are searched first and the rest through the index after:
    with a window of one or three versions, the answers are those of a single pass (SQLite too)."""
    queries = [
        ("talks OR grain OR flooded", {}),
        ("talks OR grain OR flooded", {"order": "oldest"}),
        ("talks OR grain OR flooded", {"offset": 1, "limit": 2}),
        ("talks OR grain OR flooded", {"offset": 3, "order": "oldest"}),
        ("talks OR grain OR flooded", {"sources": ["mfa-feed"]}),
        ("talks", {"current_only": True}),
    ]
    before = [[(h.version_id, h.snippet) for h in app.search(q, **kw)] for q, kw in queries]
    monkeypatch.setattr("onrecord.store.search.PG_WINDOW", window)
    after = [[(h.version_id, h.snippet) for h in app.search(q, **kw)] for q, kw in queries]
    assert after == before
    assert [v for v, _ in before[0]] == [104, 103, 102, 101]
