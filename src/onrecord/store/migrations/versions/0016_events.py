"""events, event_items, expectations, expect_rules, actors, consumers: events and expectations

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from onrecord.store.tables import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("aliases", sa.JSON(), nullable=True),
        sa.Column("relay", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "events",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text(), nullable=False, server_default=""),
        sa.Column("title_by_user", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_events_started_at", "events", ["started_at"])
    op.create_table(
        "event_items",
        sa.Column(
            "item_id",
            sa.BigInteger(),
            sa.ForeignKey("items.id", ondelete="CASCADE", name="fk_event_items_item_id"),
            primary_key=True,
        ),
        sa.Column(
            "event_id",
            sa.BigInteger(),
            sa.ForeignKey("events.id", ondelete="CASCADE", name="fk_event_items_event_id"),
            nullable=False,
        ),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("lang", sa.String(12), nullable=False, server_default="und"),
        sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("why", sa.Text(), nullable=False, server_default=""),
        sa.Column("features", sa.JSON(), nullable=True),
    )
    op.create_index("ix_event_items_event_id", "event_items", ["event_id"])
    op.create_table(
        "expectations",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column(
            "event_id",
            sa.BigInteger(),
            sa.ForeignKey("events.id", ondelete="CASCADE", name="fk_expectations_event_id"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("after_actor", sa.String(200), nullable=False),
        sa.Column(
            "source_id",
            sa.BigInteger(),
            sa.ForeignKey("sources.id", ondelete="SET NULL", name="fk_expectations_source_id"),
            nullable=True,
        ),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("due", UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "met_item_id",
            sa.BigInteger(),
            sa.ForeignKey("items.id", ondelete="SET NULL", name="fk_expectations_met_item_id"),
            nullable=True,
        ),
    )
    op.create_index("ix_expectations_event_id", "expectations", ["event_id"])
    op.create_index("ix_expectations_due", "expectations", ["due"])
    op.create_index("ix_expectations_status", "expectations", ["status"])
    op.create_table(
        "expect_rules",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("after", sa.String(200), nullable=True),
        sa.Column("within", sa.Float(), nullable=False),
    )
    op.create_table(
        "consumers",
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("cursor", sa.BigInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for t in ("consumers", "expect_rules", "expectations", "event_items", "events", "actors"):
        op.drop_table(t)
