"""full-text search over every version; alert rules with their outbox cursor

Revision ID: 0010
Revises: 0005

Search: on SQLite an FTS5 table `versions_fts` over versions (title, text), its rowid the version
id, kept in step by triggers; on PostgreSQL a stored generated column `versions.search`
(to_tsvector('simple', ...), so every language is split into words the same way) with a GIN index.
Both are filled from the existing versions here. Alerts: `alert_rules`, each with the id of the last
finding it has handled (`cursor`) and the finding it is sending (`sending`), so a finding is alerted
at most once per rule, across restarts too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None

# The first characters of a version indexed on PostgreSQL (a tsvector holds at most 1 MB).
PG_INDEXED_CHARS = 200_000

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE versions_fts USING fts5(title, text, content='versions', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER versions_fts_ai AFTER INSERT ON versions BEGIN "
    "INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER versions_fts_ad AFTER DELETE ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER versions_fts_au AFTER UPDATE OF title, text ON versions BEGIN "
    "INSERT INTO versions_fts(versions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO versions_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO versions_fts(versions_fts) VALUES ('rebuild')",
]

PG_SEARCH = [
    "ALTER TABLE versions ADD COLUMN search tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('simple'::regconfig, left(coalesce(title, '') || ' ' || coalesce(text, ''), {PG_INDEXED_CHARS}))) "
    "STORED",
    "CREATE INDEX ix_versions_search ON versions USING gin (search)",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for sql in SQLITE_FTS:
            op.execute(sql)
    else:
        for sql in PG_SEARCH:
            op.execute(sql)
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("urls", sa.Text(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=True),
        sa.Column("actors", sa.JSON(), nullable=True),
        sa.Column("keywords", sa.JSON(), nullable=True),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("digest_every", sa.Float(), nullable=True),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("sending", sa.BigInteger(), nullable=True),
        sa.Column("sending_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_count", sa.Integer(), nullable=False),
        sa.Column("fail_count", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("alert_rules")
    if op.get_bind().dialect.name == "sqlite":
        for name in ("versions_fts_ai", "versions_fts_ad", "versions_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS versions_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_versions_search")
        op.execute("ALTER TABLE versions DROP COLUMN IF EXISTS search")
