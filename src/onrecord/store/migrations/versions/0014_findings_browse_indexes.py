"""findings indexes for the web UI: newest first by source, and by kind

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_findings_source_id_id", "findings", ["source_id", "id"])
    op.create_index("ix_findings_kind_id", "findings", ["kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_findings_kind_id", table_name="findings")
    op.drop_index("ix_findings_source_id_id", table_name="findings")
