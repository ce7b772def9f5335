"""The schema, one definition for SQLite and PostgreSQL. Migrations in `migrations/` mirror it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite has no 64-bit autoincrement alias other than INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in, timezone-aware UTC out, on both databases."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str | None] = mapped_column(String(200))
    every: Mapped[float] = mapped_column(Float)
    selector: Mapped[str | None] = mapped_column(Text)
    ignore: Mapped[str | None] = mapped_column(Text)
    options: Mapped[Any] = mapped_column(JSON, nullable=True)  # per-kind options, see sources/
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_check: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_check: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="ok")  # ok | failing | unreachable | unarchived
    fail_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(120))  # the process checking it now (store/claims.py)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # its lease; past it, anyone may claim


class UrlStateRow(Base):
    """What a conditional request needs, per URL."""

    __tablename__ = "url_state"
    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    digest: Mapped[str | None] = mapped_column(String(80))
    digest_uri: Mapped[str | None] = mapped_column(Text)
    digest_date: Mapped[str | None] = mapped_column(String(40))


class CaptureRow(Base):
    __tablename__ = "captures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str | None] = mapped_column(String(80))
    warc_file: Mapped[str | None] = mapped_column(Text)
    offset: Mapped[int | None] = mapped_column(BigInteger)
    length: Mapped[int | None] = mapped_column(BigInteger)
    revisit: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)
    # The record was in a WARC file later found cut short or missing (see archive.md).
    lost: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (Index("ix_captures_url_at", "url", "at"), Index("ix_captures_digest", "digest"))


class ItemRow(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="live")  # live | missing | deleted
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_checked: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gone_count: Mapped[int] = mapped_column(Integer, default=0)
    gone_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flaps: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # gone, then back: count
    flapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the last such flap
    current_version: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("versions.id", ondelete="SET NULL", name="fk_items_current_version", use_alter=True),
    )
    __table_args__ = (UniqueConstraint("source_id", "key", name="uq_items_source_key"),)


class VersionRow(Base):
    __tablename__ = "versions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    origin: Mapped[str] = mapped_column(String(10), default="page")  # page | feed
    capture_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("captures.id", ondelete="SET NULL", name="fk_versions_capture_id")
    )
    diff: Mapped[Any] = mapped_column(JSON, nullable=True)


class FindingRow(Base):
    """The append-only findings log; `id` gives its order."""

    __tablename__ = "findings"
    __table_args__ = (  # the web UI's newest-first pages by source and by kind (migration 0014)
        Index("ix_findings_source_id_id", "source_id", "id"),
        Index("ix_findings_kind_id", "kind", "id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("items.id", ondelete="SET NULL", name="fk_findings_item_id")
    )
    item: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    detail: Mapped[Any] = mapped_column(JSON)
    # the capture that proves the finding (the answer read, the 404 seen, the failed request)
    capture_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("captures.id", ondelete="SET NULL", name="fk_findings_capture_id")
    )


class SketchBandRow(Base):
    """Re-publication index: one row per LSH band key of a version's text (see `onrecord.republish`)."""

    __tablename__ = "sketch_bands"
    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("versions.id", ondelete="CASCADE", name="fk_sketch_bands_version_id"), primary_key=True
    )
    # the key is the lookup path; version_id serves the cascade when versions go (a source removed)
    __table_args__ = (Index("ix_sketch_bands_version_id", "version_id"), {"sqlite_with_rowid": False})


class SketchBackfillRow(Base):
    """Progress of indexing the versions written before the index existed: ids in (done_upto, upto]."""

    __tablename__ = "sketch_backfill"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upto: Mapped[int] = mapped_column(BigInteger)
    done_upto: Mapped[int] = mapped_column(BigInteger)


class AlertRuleRow(Base):
    """One alert rule; `cursor` is the last finding it has handled (its place in the outbox)."""

    __tablename__ = "alert_rules"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    urls: Mapped[str] = mapped_column(Text)  # Apprise URLs, one a line: secrets, never shown or logged
    kinds: Mapped[Any] = mapped_column(JSON, nullable=True)
    sources: Mapped[Any] = mapped_column(JSON, nullable=True)
    actors: Mapped[Any] = mapped_column(JSON, nullable=True)
    keywords: Mapped[Any] = mapped_column(JSON, nullable=True)
    mode: Mapped[str] = mapped_column(String(10))  # immediate | digest
    digest_every: Mapped[float | None] = mapped_column(Float)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    sending: Mapped[int | None] = mapped_column(BigInteger)
    sending_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    fail_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActorRow(Base):
    """An actor and the names it goes by in any language and script (docs/events.md)."""

    __tablename__ = "actors"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[Any] = mapped_column(JSON)  # list of names
    relay: Mapped[bool] = mapped_column(Boolean, default=False)  # a news outlet: carries others' words


class EventRow(Base):
    """A real-world happening that several items talk about."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(Text, default="")
    title_by_user: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventItemRow(Base):
    """An item's place in an event; `pinned`: a user put it there, automatic grouping never moves it."""

    __tablename__ = "event_items"
    item_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("items.id", ondelete="CASCADE", name="fk_event_items_item_id"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("events.id", ondelete="CASCADE", name="fk_event_items_event_id"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(12), default="und")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    why: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[Any] = mapped_column(JSON)


class ExpectationRow(Base):
    """After `after_actor` spoke about an event, `actor` is expected to: open | overdue | met | cancelled."""

    __tablename__ = "expectations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("events.id", ondelete="CASCADE", name="fk_expectations_event_id"), index=True
    )
    actor: Mapped[str] = mapped_column(String(200))
    after_actor: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("sources.id", ondelete="SET NULL", name="fk_expectations_source_id")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    basis: Mapped[Any] = mapped_column(JSON)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    met_item_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("items.id", ondelete="SET NULL", name="fk_expectations_met_item_id")
    )


class ExpectRuleRow(Base):
    """A user's rule: `actor` speaks within `within` seconds after `after` (any counterpart when None)."""

    __tablename__ = "expect_rules"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(200))
    after: Mapped[str | None] = mapped_column(String(200))
    within: Mapped[float] = mapped_column(Float)


class ConsumerRow(Base):
    """A findings-log consumer's place (its outbox cursor), by name."""

    __tablename__ = "consumers"
    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
