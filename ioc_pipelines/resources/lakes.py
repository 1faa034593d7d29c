"""The DuckLakes: the *work* lake (the pipeline's, holds personal data), the *published* lake
(audited marts only; analysts read it with read-only credentials), and the *live* lake (the
live IoT path's readings and live marts, no personal data; in the published bucket so analysts
read its ``marts`` schema with the same credentials — see docs/decisions/0011).

Each lake = a catalog (SQLite file by default, PostgreSQL accepted) + Parquet data in its own
bucket. This module builds the SQL to attach them, for the pipeline, for dbt's profile and for
analysts, so all three agree.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from ioc_pipelines.resources.extensions import CHECKED_ONCE, ensure_extensions
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import CatalogConfig, Settings

WORK = "work"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PUBLISHED = "published"
LIVE = "live"


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Lake:
    alias: str
    catalog: CatalogConfig
    data_path: str  # directory or s3://bucket/lake/

    def sqlite_options(self, read_only: bool = False) -> dict[str, int | str]:
        """A SQLite catalog in WAL mode lets analysts read while a release is committed; the
        busy timeout makes a writer wait for a reader's lock instead of failing."""
        if self.catalog.kind != "sqlite":
            return {}
        options: dict[str, int | str] = {"META_BUSY_TIMEOUT": SQLITE_BUSY_TIMEOUT_MS}
        if not read_only:
            options["META_JOURNAL_MODE"] = "WAL"
        return options

    def attach_sql(self, *, alias: str | None = None, read_only: bool = False,
                   snapshot: int | None = None) -> str:
        """ATTACH this lake (made on first use). Its data path is always the one the settings
        give, overriding the one the catalog recorded when it was made: a home copied or
        restored to another path or bucket reads its own files (docs/operations.md)."""
        opts = [f"DATA_PATH {sql_literal(self.data_path)}", "OVERRIDE_DATA_PATH true"]
        if read_only:
            opts.append("READ_ONLY")
        if snapshot is not None:
            opts.append(f"SNAPSHOT_VERSION {int(snapshot)}")
        opts.extend(f"{key} {value if isinstance(value, int) else sql_literal(value)}"
                    for key, value in self.sqlite_options(read_only).items())
        tail = f" ({', '.join(opts)})" if opts else ""
        return (f"ATTACH IF NOT EXISTS {sql_literal(self.catalog.ducklake_uri())} "
                f"AS {alias or self.alias}{tail}")


def lakes(settings: Settings) -> dict[str, Lake]:
    store = object_store(settings)
    return {
        WORK: Lake(WORK, settings.work_catalog, store.duckdb_url(settings.work_bucket, "lake") + "/"),
        PUBLISHED: Lake(
            PUBLISHED,
            settings.published_catalog,
            store.duckdb_url(settings.published_bucket, "lake") + "/",
        ),
        **({LIVE: Lake(LIVE, settings.live_catalog,
                       store.duckdb_url(settings.published_bucket, "live") + "/")}
           if settings.live_catalog is not None else {}),
    }


def s3_secret_sql(settings: Settings, *, analyst: bool = False, name: str = "ioc_s3") -> str | None:
    """CREATE SECRET for the pipeline identity (or the analyst's); None on the local store."""
    s3 = settings.s3
    if s3 is None:
        return None
    key, secret = (
        (s3.analyst_access_key, s3.analyst_secret_key) if analyst else (s3.access_key, s3.secret_key)
    )
    if not key or not secret:
        raise ValueError("IOC_ANALYST_ACCESS_KEY and IOC_ANALYST_SECRET_KEY are not set")
    return (
        f"CREATE OR REPLACE SECRET {name} (TYPE s3, KEY_ID {sql_literal(key)}, "
        f"SECRET {sql_literal(secret)}, ENDPOINT {sql_literal(s3.endpoint)}, "
        f"URL_STYLE '{'path' if s3.path_style else 'vhost'}', "
        f"USE_SSL {'true' if s3.use_ssl else 'false'}, REGION {sql_literal(s3.region)})"
    )


def _prepare_catalog_dir(lake: Lake) -> None:
    if lake.catalog.kind == "sqlite" and lake.catalog.sqlite_path is not None:
        lake.catalog.sqlite_path.parent.mkdir(parents=True, exist_ok=True)


def init_lakes(settings: Settings) -> None:
    """Create buckets and both lakes (idempotent). Data always goes to Parquet on the object
    store (no inlining into the catalog), so bucket permissions are the access boundary."""
    store = object_store(settings)
    for bucket in (settings.work_bucket, settings.published_bucket):
        store.ensure_bucket(bucket)
    con = duckdb.connect(config=CHECKED_ONCE)
    try:
        ensure_extensions(con)
        if (secret := s3_secret_sql(settings)) is not None:
            con.execute(secret)
        for lake in lakes(settings).values():
            _prepare_catalog_dir(lake)
            con.execute(lake.attach_sql())
            con.execute(f"CALL {lake.alias}.set_option('data_inlining_row_limit', 0)")
    finally:
        con.close()


@contextmanager
def connect(settings: Settings, *, work: bool = True, published: bool = False,
            published_read_only: bool = True, published_snapshot: int | None = None,
            live: bool = False, live_read_only: bool = False, typed_sql: bool = False):
    """A DuckDB connection with the pipeline's S3 secret and the requested lakes attached
    (``typed_sql``: for SQL a person typed, extensions loaded with DuckDB's signature check)."""
    all_lakes = lakes(settings)
    postgres = any(lake.catalog.kind == "postgres" for lake in all_lakes.values())
    con = duckdb.connect(config={**settings.duckdb_config(),
                                 **({} if typed_sql else CHECKED_ONCE)})
    try:
        ensure_extensions(con, ["ducklake", "httpfs", "sqlite_scanner"]
                          + (["postgres_scanner"] if postgres else []))
        con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
        if (secret := s3_secret_sql(settings)) is not None:
            con.execute(secret)
        if work:
            _prepare_catalog_dir(all_lakes[WORK])
            con.execute(all_lakes[WORK].attach_sql())
        if published:
            _prepare_catalog_dir(all_lakes[PUBLISHED])
            con.execute(all_lakes[PUBLISHED].attach_sql(
                read_only=published_read_only, snapshot=published_snapshot))
        if live:
            _prepare_catalog_dir(all_lakes[LIVE])
            con.execute(all_lakes[LIVE].attach_sql(read_only=live_read_only))
        yield con
    finally:
        con.close()


def analyst_attach_sql(settings: Settings, release: int | None, *, alias: str = "ioc") -> str:
    """The DuckDB SQL an analyst runs to read a release of the published lake, read-only."""
    lake = lakes(settings)[PUBLISHED]
    statements = []
    if (secret := s3_secret_sql(settings, analyst=True, name="ioc_analyst")) is not None:
        statements.append(secret)
    statements.append(lake.attach_sql(alias=alias, read_only=True, snapshot=release))
    return "; ".join(statements) + ";"
