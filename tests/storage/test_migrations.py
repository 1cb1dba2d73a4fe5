"""Every Alembic migration runs up, down to base and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from storage.db import create_db_engine, downgrade, migrate
from storage.models import Base
from tests.conftest import POSTGRES_ADMIN_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of this test's own: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    request.getfixturevalue("postgres_url")  # skips (or fails under CI) without the server
    name = f"redovisa_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _differences(url: str) -> list[object]:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))
    finally:
        engine.dispose()


def test_up_down_up(fresh_url: str) -> None:
    engine = create_db_engine(fresh_url)
    try:
        migrate(engine)
        assert _tables(fresh_url) == set(Base.metadata.tables)
        downgrade(engine, "0001")
        assert not {"reminders", "invites", "audit_events"} & _tables(fresh_url)
        downgrade(engine, "base")
        assert _tables(fresh_url) == set()
        migrate(engine)
        assert _tables(fresh_url) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(fresh_url: str) -> None:
    engine = create_db_engine(fresh_url)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    assert _differences(fresh_url) == []
