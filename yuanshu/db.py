"""Operational data in SQL (SQLite by default, PostgreSQL at scale): load runs and their rejected rows.

The schema is owned by Alembic migrations (``yuanshu/migrations``); :func:`open_database` brings a
database up to date and marks runs left "running" by a crash as failed.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, Text, create_engine, event, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class RunStatus(enum.StrEnum):
    """How a load run ended. A run always ends as one of the last four."""

    running = "running"
    finished = "finished"
    unchanged = "unchanged"
    rejected = "rejected"
    failed = "failed"


class LoadRun(Base):
    """One attempt to load one source file."""

    __tablename__ = "load_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(512), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    encoding: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[RunStatus] = mapped_column(Enum(RunStatus, native_enum=False, length=16),
                                              default=RunStatus.running)
    strict: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    triples: Mapped[int] = mapped_column(Integer, default=0)
    graph_version: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)

    rejected: Mapped[list[RejectedRow]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="RejectedRow.id")

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        started = self.started_at if self.started_at.tzinfo else self.started_at.replace(tzinfo=UTC)
        finished = self.finished_at if self.finished_at.tzinfo else self.finished_at.replace(tzinfo=UTC)
        return (finished - started).total_seconds()


class RejectedRow(Base):
    """A row (or a whole-file problem, row NULL) that was not loaded, with the reason."""

    __tablename__ = "rejected_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("load_runs.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int | None] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(String(256))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)

    run: Mapped[LoadRun] = relationship(back_populates="rejected")


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> sessionmaker:
    """Migrate the database, fail runs a crash left running, and return a session factory."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        session.execute(
            update(LoadRun).where(LoadRun.status == RunStatus.running).values(
                status=RunStatus.failed, finished_at=utcnow(),
                error="进程中断，加载未完成 / interrupted: the process ended before the load finished"))
    return sessions
