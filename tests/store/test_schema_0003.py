"""Migration 0003 on a database that already holds data: foreign keys Datasette can follow, no row
lost (a rebuilt `items` table must not cascade into `versions`), dangling ids set to NULL, JSON
stored as UTF-8, each finding pointing at its capture; migrations run only when the schema is behind."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import inspect, text

from onrecord.store import Store
from onrecord.store.db import alembic_config, schema_behind, schema_heads


def _at_0002(store: Store) -> None:
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    t = "'2026-03-01 09:00:00'"
    detail = json.dumps({"title": "Straße der Einheit"})  # written the old way: "Stra\\u00dfe"
    assert "\\u00df" in detail
    with store.engine.begin() as conn:
        for sql in (
            "INSERT INTO sources (id, name, url, kind, every, paused, added_at, status, fail_count) "
            f"VALUES (1, 'gov', 'http://127.0.0.1:1/f.xml', 'feed', 300, false, {t}, 'ok', 0)",
            "INSERT INTO captures (id, source_id, url, at, status, outcome, revisit) "
            f"VALUES (7, 1, 'http://127.0.0.1:1/a', {t}, 200, 'ok', false)",
            "INSERT INTO items (id, source_id, key, url, title, state, first_seen, last_seen, gone_count) "
            f"VALUES (3, 1, 'a', 'http://127.0.0.1:1/a', 'A', 'live', {t}, {t}, 0)",
            "INSERT INTO versions (id, item_id, seq, at, title, text, text_hash, origin, capture_id) "
            f"VALUES (5, 3, 1, {t}, 'A', 'Die Straße bleibt offen.', 'h', 'page', 7)",
            "UPDATE items SET current_version = 5 WHERE id = 3",
        ):
            conn.execute(text(sql))
        conn.execute(
            text(
                "INSERT INTO findings (id, at, kind, source_id, source, item_id, item, url, detail) VALUES "
                f"(1, {t}, 'new', 1, 'gov', 3, 'a', 'http://127.0.0.1:1/a', :d), "
                f"(2, {t}, 'deleted', 1, 'gov', 99, 'gone', 'http://127.0.0.1:1/gone', :d)"
            ),
            {"d": detail},
        )


def test_upgrade_keeps_every_row_and_declares_the_keys(db_url: str) -> None:
    store = Store(db_url)
    try:
        _at_0002(store)
        assert schema_behind(store.engine)
        assert store.ensure_schema() is True
        (head,) = schema_heads()
        assert store.schema_version() == head and not schema_behind(store.engine)
        assert store.ensure_schema() is False  # current: one query, no migration

        insp = inspect(store.engine)
        keys = {
            (table, tuple(fk["constrained_columns"]), fk["referred_table"])
            for table in ("findings", "versions", "items")
            for fk in insp.get_foreign_keys(table)
        }
        assert {
            ("findings", ("item_id",), "items"),
            ("findings", ("capture_id",), "captures"),
            ("versions", ("capture_id",), "captures"),
            ("items", ("current_version",), "versions"),
        } <= keys

        [ver] = store.versions(3)  # the items rebuild did not cascade into versions
        assert ver.text == "Die Straße bleibt offen." and ver.capture_id == 7
        assert store.find_item("a").current_version == 5
        new, gone = store.findings()
        assert new.item_id == 3 and new.capture_id == 7  # backfilled: the capture of its version
        assert gone.item_id is None  # it pointed at no item
        assert new.to_json()["capture_id"] == 7
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                raw = conn.execute(text("SELECT detail FROM findings WHERE id = 1")).scalar_one()
            assert "Straße der Einheit" in raw  # UTF-8 text, readable in Datasette
    finally:
        store.close()


def test_new_json_is_utf8_and_findings_point_at_their_capture(store: Store) -> None:
    from datetime import UTC, datetime

    from onrecord.detect import Changes, ItemChange, NewVersion
    from onrecord.records import Capture, Finding

    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    src = store.add_source(
        name="gov", url="http://127.0.0.1:1/f.xml", kind="feed", actor=None, every=300,
        selector=None, ignore=None, now=t0,
    )
    url = "http://127.0.0.1:1/a"
    caps = [
        Capture("http://127.0.0.1:1/f.xml", t0, "ok", 200, "sha1:A", "f.warc.gz", 0, 10),
        Capture(url, t0, "ok", 200, "sha1:B", "f.warc.gz", 10, 10),
    ]
    v = NewVersion("Straße", "Die Straße bleibt offen.", "h", "page", 1, None)
    ch = Changes(
        items=[ItemChange("a", url, "Straße", "live", 0, None, t0, t0, t0, version=v)],
        findings=[
            Finding("new", t0, "gov", "a", url, {"title": "Straße"}),
            Finding("unreachable", t0, "gov", None, "http://127.0.0.1:1/f.xml", {}),
        ],
    )
    new, unreachable = store.apply_check(src, caps, {}, ch, now=t0, next_check=t0, source_change=None)
    captures = {c.url: c.id for c in store.captures()}
    assert new.capture_id == captures[url]  # the page the new version was read from
    assert unreachable.capture_id == captures["http://127.0.0.1:1/f.xml"]
    assert store.findings()[0].capture_id == captures[url]
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            assert "Straße" in conn.execute(text("SELECT detail FROM findings")).scalars().first()


def test_db_upgrade_by_command_and_a_newer_schema_refused(tmp_path) -> None:
    from click.testing import CliRunner

    from onrecord.cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, ["--data", str(tmp_path), *args])

    (head,) = schema_heads()
    first = run("db", "upgrade")
    assert first.exit_code == 0 and first.stdout.strip() == f"database schema upgraded to {head}"
    again = run("db", "upgrade")
    assert again.exit_code == 0 and again.stdout.strip() == f"database schema already at {head}"
    store = Store(f"sqlite:///{tmp_path / 'onrecord.db'}")
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    store.close()
    newer = run("sources", "--json")
    assert newer.exit_code == 1 and "newer than this onrecord knows: upgrade onrecord" in newer.stderr
