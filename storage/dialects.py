"""The few statements that SQLite and PostgreSQL spell differently (upserts)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def insert_for(
    session: Session, model: type[DeclarativeBase] | Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model`'s table (or into a table: no ORM bookkeeping) in the session's
    database, with its ON CONFLICT clauses."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
