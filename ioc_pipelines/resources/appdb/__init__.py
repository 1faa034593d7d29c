"""The operational database (``IOC_APP_DB``): accounts, sessions, API tokens and the audit log.

SQLite under ``$IOC_HOME/app/`` by default (WAL, a busy timeout, foreign keys on), PostgreSQL
by setting. The schema is brought to the newest Alembic revision the first time a process
uses a database (``engine``), so a fresh home, an upgraded install and every door see the
same tables without a separate migration step; ``ioc setup`` runs it too."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from ioc_pipelines.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def engine(settings: Settings) -> Engine:
    """The engine of this home's operational database, migrated to the newest revision."""
    url = settings.app_db
    with _lock:
        if url not in _engines:
            _engines[url] = _migrated(_create(url))
        return _engines[url]


def sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL (None for PostgreSQL)."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _create(url: str) -> Engine:
    if (file := sqlite_file(url)) is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        made = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(made, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return made
    return create_engine(url, pool_pre_ping=True)


def _migrated(made: Engine) -> Engine:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with made.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return made


def revision(settings: Settings) -> str | None:
    """The Alembic revision the database is at."""
    from alembic.runtime.migration import MigrationContext

    with engine(settings).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def dispose(settings: Settings) -> None:
    """Close the pooled connections of this home's database (tests, shutdown)."""
    with _lock:
        made = _engines.pop(settings.app_db, None)
    if made is not None:
        made.dispose()
