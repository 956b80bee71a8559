"""The SQL layer on SQLite (embedded default) and PostgreSQL (scale-out), through the same models."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import CATALOG_HEADER, CATALOG_ROWS, write_csv
from yuanshu.config import Settings
from yuanshu.db import LoadRun, RejectedRow, RunStatus, open_database
from yuanshu.runtime import Runtime

PG_URL = os.environ.get("YUANSHU_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL confined to a schema of its own, dropped afterwards."""
    try:
        admin = create_engine(PG_URL)
        with admin.connect():
            pass
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL server absent at {PG_URL} ({exc.__class__.__name__}): PostgreSQL cases skipped")
    schema = f"yuanshu_test_{uuid.uuid4().hex[:10]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs.db'}"
    else:
        yield from postgres_url()


def test_load_runs_and_rejected_rows_are_recorded(database_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "data", database_url=database_url)
    runtime = Runtime.open(settings)
    bad = [*CATALOG_ROWS, ["441600-X-1", "坏日期", "河源市民政局", "市直", "民政", "csv", "姓名", "无条件共享",
                           "无条件开放", "每月", "2021-13-01", "", "", ""]]
    path = write_csv(tmp_path / "目录.csv", CATALOG_HEADER, bad)
    (result,) = runtime.loader().load([path]).files
    with runtime.sessions() as session:
        run = session.scalars(select(LoadRun)).one()
        assert (run.status, run.kind, run.rows_read, run.rows_loaded, run.rows_rejected) == (
            RunStatus.finished, "catalog", 4, 3, 1)
        assert run.sha256 and run.finished_at is not None and run.source_name == "目录.csv"
        (rejected,) = session.scalars(select(RejectedRow)).all()
        assert (rejected.row_number, rejected.column, rejected.value) == (5, "发布日期", "2021-13-01")
        assert "无法识别的日期" in rejected.reason
    assert result.run_id == run.id
    runtime.close()


def test_a_run_left_running_by_a_crash_is_marked_failed_on_the_next_start(database_url: str) -> None:
    sessions = open_database(database_url)
    with sessions.begin() as session:
        session.add(LoadRun(source_path="/x/目录.csv", source_name="目录.csv", sha256="0" * 64))
    sessions = open_database(database_url)
    with sessions() as session:
        run = session.scalars(select(LoadRun)).one()
        assert run.status == RunStatus.failed and run.finished_at is not None
        assert "中断" in (run.error or "")


def test_migrations_are_idempotent(database_url: str) -> None:
    open_database(database_url)
    open_database(database_url)
    engine = create_engine(database_url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == "0001"
    engine.dispose()
