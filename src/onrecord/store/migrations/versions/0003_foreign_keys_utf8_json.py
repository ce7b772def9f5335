"""foreign keys for findings.item_id, findings.capture_id, versions.capture_id, items.current_version;
each finding points at the capture that proves it; JSON stored as UTF-8 text

Revision ID: 0003
Revises: 0002

Datasette (and any SQL browser) links a column only when a foreign key is declared. Existing rows
that point at nothing (an item removed with its source) are set to NULL first, so the keys hold.
On SQLite the tables are rebuilt in batch mode; `onrecord.store.db.migrate` turns SQLite's foreign
key enforcement off for the rebuild (as SQLite's documentation prescribes), so a rebuilt `items`
table does not cascade into `versions`.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _null_dangling(table: str, column: str, target: str) -> None:
    op.execute(
        f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL AND {column} NOT IN (SELECT id FROM {target})"
    )


def _utf8_json(table: str, column: str) -> None:
    """Rewrite JSON text that escaped non-ASCII characters (`\\u00df`) as plain UTF-8 (SQLite only:
    PostgreSQL's JSON columns are read through the driver, never as text)."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table} WHERE instr({column}, '\\u') > 0"))
    updates = []
    for rid, raw in rows:
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        text = json.dumps(value, ensure_ascii=False)
        if text != raw:
            updates.append({"rid": rid, "v": text})
    if updates:
        conn.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :rid"), updates)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _null_dangling("findings", "item_id", "items")
    _null_dangling("versions", "capture_id", "captures")
    _null_dangling("items", "current_version", "versions")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capture_id", sa.BigInteger(), nullable=True))
    # Findings written before this revision: the capture of the version they created, when there is one.
    new_version = (
        "json_extract(findings.detail, '$.new_version_id')"
        if sqlite
        else "(findings.detail->>'new_version_id')::bigint"
    )
    op.execute(
        "UPDATE findings SET capture_id = (SELECT v.capture_id FROM versions v WHERE v.item_id = findings.item_id "
        "ORDER BY v.seq LIMIT 1) WHERE kind = 'new' AND item_id IS NOT NULL"
    )
    op.execute(
        f"UPDATE findings SET capture_id = (SELECT v.capture_id FROM versions v WHERE v.id = {new_version}) "
        "WHERE kind = 'edited'"
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_findings_item_id", "items", ["item_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key("fk_findings_capture_id", "captures", ["capture_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_foreign_key("fk_versions_capture_id", "captures", ["capture_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_items_current_version", "versions", ["current_version"], ["id"], ondelete="SET NULL"
        )
    if sqlite:
        _utf8_json("findings", "detail")
        _utf8_json("versions", "diff")


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint("fk_items_current_version", type_="foreignkey")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_versions_capture_id", type_="foreignkey")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_constraint("fk_findings_capture_id", type_="foreignkey")
        batch_op.drop_constraint("fk_findings_item_id", type_="foreignkey")
        batch_op.drop_column("capture_id")
