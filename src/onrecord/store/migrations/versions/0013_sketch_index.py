"""sketch_bands, sketch_backfill: the re-publication index (MinHash LSH band keys per version)

The versions already stored are indexed afterwards in bounded batches (`onrecord db upgrade`, and a
batch per `watch` round), resumable from `sketch_backfill.done_upto`.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sketch_bands",
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], name="fk_sketch_bands_version_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "version_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_sketch_bands_version_id", "sketch_bands", ["version_id"])
    op.create_table(
        "sketch_backfill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upto", sa.BigInteger(), nullable=False),
        sa.Column("done_upto", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    upto = op.get_bind().scalar(sa.text("SELECT MAX(id) FROM versions")) or 0
    op.execute(sa.text(f"INSERT INTO sketch_backfill (id, upto, done_upto) VALUES (1, {int(upto)}, 0)"))


def downgrade() -> None:
    op.drop_table("sketch_backfill")
    op.drop_table("sketch_bands")
