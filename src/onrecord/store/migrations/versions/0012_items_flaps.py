"""items.flaps, items.flapped_at: flap memory (an item that answered gone and came back)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import onrecord.store.tables

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flaps", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("flapped_at", onrecord.store.tables.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("flapped_at")
        batch_op.drop_column("flaps")
