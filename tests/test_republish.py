"""Re-publication across an actor's sources, found through the sketch index, on SQLite and PostgreSQL.

A real HTTP server serves each statement as a page; each page is a source. Sources of one actor share
the index, sources of another actor never match, and boilerplate alone is not a re-publication.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from alembic import command
from sqlalchemy import text

from onrecord.app import Onrecord
from onrecord.config import Settings
from onrecord.republish import band_keys, resemblance, scope_of, words
from onrecord.store import Store
from onrecord.store.db import alembic_config

CALL = (
    "President Aldo Varen spoke today by telephone with Chancellor Mira Ostrand about the ceasefire "
    "in the northern provinces, the reopening of the Lenz border crossing and grain deliveries before winter."
)
ONE_WORD = CALL.replace("winter", "spring")
# Readouts from the same office: the same frame, different statements.
READOUT_A = (
    "The President held a telephone conversation with the Prime Minister of Beloria. The leaders discussed "
    "bilateral trade, cooperation in the energy sector and the situation in the region. They agreed to "
    "maintain contacts at various levels."
)
READOUT_B = (
    "The President held a telephone conversation with the President of Corvania. The leaders discussed "
    "the fisheries agreement, student exchanges and flood relief along the river. They agreed to "
    "maintain contacts at various levels."
)


def page(body: str) -> str:
    return f"<html><body><article><h1>Statement</h1><p>{body}</p></article></body></html>"


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, dict[str, str | None]]]:
    pages: dict[str, str | None] = {}

    async def root(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>ok</body></html>", content_type="text/html")

    async def one(request: web.Request) -> web.Response:
        body = pages.get(request.match_info["name"])
        if body is None:
            return web.Response(status=404, text="not found")
        return web.Response(text=page(body), content_type="text/html")

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_get("/s/{name}", one)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", pages
    await runner.cleanup()


def republished(app: Onrecord, source: str) -> list[dict]:
    return [f.detail for f in app.findings() if f.kind == "republished" and f.source == source]


async def test_repost_after_deletion_near_duplicates_and_boilerplate(
    server: tuple[str, dict[str, str | None]], db_url: str, tmp_path: Path
) -> None:
    base, pages = server
    app = Onrecord(
        Settings(data=tmp_path, db=db_url, allow_private_addresses=True, deletion_confirmations=1, deletion_gap="0s")
    )

    async def publish(name: str, body: str, actor: str | None = "Aldoria") -> None:
        pages[name] = body
        app.add_source(f"{base}/s/{name}", kind="page", name=name, actor=actor, sniff=False)
        await app.check([name])

    await publish("post1", CALL)
    await publish("readout-a", READOUT_A)
    pages["post1"] = None  # the post disappears
    await app.check(["post1"])
    assert [f.kind for f in app.findings() if f.source == "post1"][-1] == "deleted"
    first = app.item(f"{base}/s/post1")

    await publish("post2", CALL)  # the same text under a new id
    [same] = republished(app, "post2")
    assert same["unchanged"] is True and same["similarity"] == 1.0
    assert same["matched_item"] == first.id and same["matched_state"] == "deleted"
    assert same["matched_source"] == "post1" and same["matched_version_id"] == first.current_version

    await publish("post3", ONE_WORD)  # one word changed
    [near] = republished(app, "post3")
    assert near["unchanged"] is False and 0.7 <= near["similarity"] < 1.0
    assert near["matched_source"] in ("post1", "post2")

    await publish("readout-b", READOUT_B)  # shares its frame with readout-a: a different statement
    assert republished(app, "readout-b") == []
    await publish("neighbour", CALL, actor="Beloria")  # another actor saying the same is not a re-post
    assert republished(app, "neighbour") == []
    await publish("thanks1", "Thank you all!")
    await publish("thanks2", "Thank you all!")  # under republish_min_words: formulas repeat
    assert republished(app, "thanks2") == []
    app.close()


def test_thresholds_are_settings(tmp_path: Path) -> None:
    s = Settings(data=tmp_path, republish_similarity=0.95, republish_min_words=12)
    app = Onrecord(s)
    assert app.rules.republish_similarity == 0.95 and app.rules.republish_min_words == 12
    app.close()
    assert resemblance(CALL, ONE_WORD) < 0.95  # so this pair would not match under these settings
    assert resemblance(READOUT_A, READOUT_B) < 0.7 < resemblance(CALL, ONE_WORD)
    assert len(words("Thank you all!")) < 5


def test_band_keys_are_stable_and_scoped() -> None:
    # stored keys must not change between processes or releases: pin one
    assert band_keys("actor:Aldoria", "one two three")[0] == -2222682635500497516
    assert band_keys("actor:Aldoria", "one two three")[:2] == band_keys("actor:Aldoria", "One two, THREE.")[:2]
    assert set(band_keys("actor:Aldoria", CALL)).isdisjoint(band_keys("actor:Beloria", CALL))
    assert len(set(band_keys("a", CALL)) & set(band_keys("a", ONE_WORD))) >= 1
    assert band_keys("a", "") == () and scope_of(None, 7) == "source:7"


def test_upgrade_backfills_earlier_versions_in_resumable_batches(db_url: str) -> None:
    store = Store(db_url)
    try:
        cfg = alembic_config()
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0005")
        t = "'2026-03-01 09:00:00'"
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sources (id, name, url, kind, actor, every, paused, added_at, status, fail_count) "
                    f"VALUES (1, 'gov', 'http://127.0.0.1:1/f.xml', 'feed', 'Aldoria', 300, false, {t}, 'ok', 0)"
                )
            )
            for i, body in enumerate([CALL, READOUT_A, READOUT_B], start=1):
                conn.execute(
                    text(
                        "INSERT INTO items (id, source_id, key, url, title, state, first_seen, last_seen, gone_count)"
                        f" VALUES ({i}, 1, 'k{i}', 'http://127.0.0.1:1/{i}', '', 'deleted', {t}, {t}, 0)"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO versions (id, item_id, seq, at, title, text, text_hash, origin) "
                        f"VALUES ({i}, {i}, 1, {t}, '', :body, 'h', 'page')"
                    ),
                    {"body": body},
                )
        assert store.ensure_schema() is True
        scope = scope_of("Aldoria", 1)
        assert store.republish_candidates(scope, [CALL]) == [[]]  # not indexed yet: no scan behind the index
        assert store.backfill_sketches(batch=2) == (2, False)
        assert store.backfill_sketches(batch=2) == (1, True)  # resumed after the first batch
        assert store.backfill_sketches(batch=2) == (0, True)
        [[hit, *_]] = store.republish_candidates(scope, [ONE_WORD])
        assert hit.item_id == 1 and hit.version_id == 1 and hit.state == "deleted" and hit.text == CALL
        store.remove_source(1)  # its versions go, and their keys with them
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM sketch_bands")).scalar_one() == 0
    finally:
        store.close()
