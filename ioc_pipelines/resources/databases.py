"""The databases a home keeps outside its directory tree, as places a backup dumps and a
restore loads: the lakes' catalogs, the operational database and Dagster's storage, each a
SQLite file (copied with SQLite's backup API while others use it) or a PostgreSQL database
(``pg_dump`` in its custom format, one consistent snapshot; ``pg_restore`` into an empty
database)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.appdb import sqlite_file
from ioc_pipelines.settings import Settings, libpq_conninfo

# tables a new, empty database already has rows in (the operational database's migrations
# write them): they do not make a database "hold" anything
SEEDED = ("alembic_version", "audit_head")
SQLITE = "sqlite"
PG_DUMP = "pg_dump"  # the format of a PostgreSQL database's copy


class DatabaseError(CoreError):
    pass


@dataclass(frozen=True)
class Place:
    role: str  # work_catalog, published_catalog, live_catalog, app_db, dagster_storage
    sqlite: Path | None = None
    postgres: str | None = field(default=None, repr=False)  # a postgresql:// URL

    @property
    def format(self) -> str:
        return SQLITE if self.sqlite is not None else PG_DUMP

    @property
    def what(self) -> str:
        return "the " + self.role.replace("_", " ").replace("app db", "operational database")

    @property
    def label(self) -> str:
        if self.sqlite is not None:
            return f"{self.what} ({self.sqlite})"
        u = urlparse(self.postgres or "")
        return f"{self.what} (PostgreSQL database {u.path.strip('/')!r})"


def places(settings: Settings) -> dict[str, Place]:
    """Role -> place of every database of the home. Dagster's SQLite storage is a directory
    of the home and is kept with the home's files, so it is a place only on PostgreSQL."""
    out: dict[str, Place] = {}
    catalogs = {"work_catalog": settings.work_catalog,
                "published_catalog": settings.published_catalog,
                "live_catalog": settings.live_catalog}
    for role, catalog in catalogs.items():
        if catalog is None:
            continue
        out[role] = (Place(role, sqlite=catalog.sqlite_path) if catalog.kind == "sqlite"
                     else Place(role, postgres=catalog.postgres_url))
    app = sqlite_file(settings.app_db)
    out["app_db"] = (Place("app_db", sqlite=app) if app is not None else
                     Place("app_db", postgres="postgresql://" + settings.app_db.split("://", 1)[1]))
    if settings.dagster_storage != "sqlite":
        out["dagster_storage"] = Place("dagster_storage", postgres=settings.dagster_storage)
    return out


def is_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def snapshot_sqlite(source: Path, dest: Path) -> None:
    """A consistent copy of a SQLite database while others may use it (the backup API)."""
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def exists(place: Place) -> bool:
    """Whether there is anything to dump (a SQLite file not yet created is not)."""
    return place.sqlite is None or place.sqlite.exists()


def dump(settings: Settings, place: Place, dest: Path) -> None:
    """A consistent copy of ``place`` written to ``dest``."""
    if place.sqlite is not None:
        snapshot_sqlite(place.sqlite, dest)
        return
    _pg(settings, "pg_dump", place, "--format=custom", "--no-owner", "--no-privileges",
        f"--file={dest}")


def load(settings: Settings, place: Place, source: Path) -> None:
    """Put a copy made by :func:`dump` in ``place`` (which :func:`holds` nothing)."""
    if place.sqlite is not None:
        place.sqlite.parent.mkdir(parents=True, exist_ok=True)
        for side in ("-wal", "-shm", "-journal"):
            Path(f"{place.sqlite}{side}").unlink(missing_ok=True)
        shutil.move(source, place.sqlite)
        return
    # an empty database may hold the tables a door created on first use (the operational
    # database's migrations): --clean replaces them; one transaction, all or nothing
    _pg(settings, "pg_restore", place, "--clean", "--if-exists", "--no-owner",
        "--no-privileges", "--single-transaction", "--exit-on-error", str(source))


def holds(place: Place) -> bool:
    """Whether ``place`` holds any row (a restore never writes over data)."""
    if place.sqlite is not None:
        if not place.sqlite.exists() or place.sqlite.stat().st_size == 0:
            return False
        with sqlite3.connect(place.sqlite, timeout=60) as con:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'") if r[0] not in SEEDED]
            return any(con.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone() for t in tables)
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(libpq_conninfo(place.postgres or ""), connect_timeout=30) as con:
            tables = [(s, t) for s, t in con.execute(
                "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')").fetchall() if t not in SEEDED]
            return any(con.execute(sql.SQL("SELECT 1 FROM {}.{} LIMIT 1").format(
                sql.Identifier(s), sql.Identifier(t))).fetchone() for s, t in tables)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot open {place.label}: {_first_line(exc)}") from None


def pg_tool(settings: Settings, name: str) -> str:
    """The path of ``pg_dump`` / ``pg_restore``: from IOC_PG_BIN, else PATH."""
    if settings.pg_bin is not None:
        found = shutil.which(name, path=str(settings.pg_bin))
    else:
        found = shutil.which(name)
    if found is None:
        where = f"in IOC_PG_BIN={settings.pg_bin}" if settings.pg_bin else "on PATH"
        raise DatabaseError(f"{name} was not found {where}: install PostgreSQL's client tools "
                            "(the server's major version) or set IOC_PG_BIN to their directory")
    return found


def _pg(settings: Settings, tool: str, place: Place, *args: str) -> None:
    url = place.postgres or ""
    env = dict(os.environ)
    if password := urlparse(url).password:
        env["PGPASSWORD"] = password  # not on the command line, where `ps` would show it
    env["LC_MESSAGES"] = "C"
    proc = subprocess.run([pg_tool(settings, tool), "--dbname",
                           libpq_conninfo(url, password=False), *args],
                          env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DatabaseError(f"{tool} of {place.label} failed: "
                            f"{_first_line(proc.stderr) or f'exit {proc.returncode}'}")


def _first_line(error) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0].strip() if lines else ""
