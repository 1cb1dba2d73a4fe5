"""The few statements that SQLite and PostgreSQL spell differently (upserts)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session

T = TypeVar("T")
Insert = postgresql.Insert | sqlite.Insert
InsertInto = Callable[[type[DeclarativeBase] | Table], Insert]
# The INSERT of each database the program runs on, by the name of its dialect.
INSERTS: dict[str, InsertInto] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_for(session: Session, model: type[DeclarativeBase] | Table) -> Insert:
    """An INSERT into `model`'s table (or into a table: no ORM bookkeeping) in the session's
    database, with its ON CONFLICT clauses."""
    return INSERTS[_dialect(session)](model)


def for_each_database(build: Callable[[InsertInto], T]) -> dict[str, T]:
    """`build` once for each database, given that database's INSERT: a statement of every
    call built at import, in each one's spelling (pick it with `in_session`)."""
    return {name: build(insert) for name, insert in INSERTS.items()}


def in_session(built: Mapping[str, T], session: Session) -> T:
    """What `for_each_database` built for the session's database."""
    return built[_dialect(session)]


def _dialect(session: Session) -> str:
    name = session.get_bind().dialect.name
    return "postgresql" if name == "postgresql" else "sqlite"
