"""Opening the database: the engine, the session factory, and migrating on start.

Sessions are opened only by the unit of work (storage/unit_of_work.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from tenacity import retry, retry_if_exception_type, stop_after_delay, wait_exponential

from storage.unit_of_work import READ_ONLY_OPTION, SessionFactory, session_factory

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _quiet_sql_logs() -> None:
    """SQLAlchemy logs statements at INFO and result rows (answers among them) at DEBUG when
    its logger inherits such a level from LOG_LEVEL; it is held at WARNING unless set."""
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "sqlalchemy.orm"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.WARNING)


def create_db_engine(url: str) -> Engine:
    """Create the engine; for SQLite, make the folder, turn on WAL and foreign keys, and let
    SQLAlchemy, not pysqlite, begin each transaction (see `_begin_explicitly`).

    `hide_parameters`: the values bound to a statement (answers among them) never appear in
    SQLAlchemy's log lines or in the text of its exceptions."""
    _quiet_sql_logs()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True
        )
    connect_args = {"timeout": 30, "check_same_thread": False}
    if not parsed.database or parsed.database == ":memory:":
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True)
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as the bot's engine threads: connections reused, not reopened.
        engine = create_engine(
            url, connect_args=connect_args, pool_size=16, max_overflow=16, hide_parameters=True
        )
    _begin_explicitly(engine)
    return engine


def _begin_explicitly(engine: Engine) -> None:
    """SQLAlchemy's documented recipe for pysqlite (the SQLite dialect's "Serializable
    isolation / Savepoints / Transactional DDL"): pysqlite's own transaction handling is
    switched off (it begins a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT
    issued first opened one of its own, and releasing it committed part of a turn), and the
    `begin` event emits BEGIN itself. Then a savepoint always nests inside the turn's
    transaction, and DDL (the migrations) is transactional too.

    BEGIN IMMEDIATE takes the write lock at once: a transaction that read first and wrote
    later could otherwise fail with "database is locked" at its first write, without the
    busy timeout being waited out, when another writer came in between."""

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite never emits BEGIN or COMMIT itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")  # a reader: no write lock (WAL lets it read)
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@retry(
    retry=retry_if_exception_type(OperationalError),
    stop=stop_after_delay(30),
    wait=wait_exponential(multiplier=0.2, max=3),
    reraise=True,
)
def wait_for_database(engine: Engine) -> None:
    """Wait until the database answers (a PostgreSQL container may still be starting)."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the program calls this on every start)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def open_existing_database(url: str) -> SessionFactory | None:
    """For a command that only reads (`redovisa verify`): the database if there is one, else
    None. Nothing is created or migrated: a SQLite file that does not exist stays absent, and
    a database without Redovisa's schema counts as none."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and (
        not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).is_file()
    ):
        return None
    engine = create_db_engine(url)
    with engine.connect() as connection:
        has_schema = connection.dialect.has_table(connection, "alembic_version")
    if not has_schema:
        engine.dispose()
        return None
    return session_factory(engine)


def open_database(url: str) -> tuple[Engine, SessionFactory]:
    """Connect, migrate to the newest schema and return the engine and a session factory."""
    engine = create_db_engine(url)
    wait_for_database(engine)
    migrate(engine)
    log.debug("database ready: %s", engine.url.render_as_string(hide_password=True))
    return engine, session_factory(engine)
