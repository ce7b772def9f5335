"""url_state remembers where the last payload of a URL was archived (for revisit records)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("digest_uri", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("digest_date", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        batch_op.drop_column("digest_date")
        batch_op.drop_column("digest_uri")
