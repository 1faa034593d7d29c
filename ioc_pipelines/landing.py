"""The landing zone (``landing/<source>/<delivery-date>/<file>``) and the raw layer.

Files are kept exactly as delivered, checksummed, and recorded in ``work.ops.deliveries``;
the same content delivered again is a no-op. Loading turns each landed file into rows of
``work.raw.<source>__<entity>`` (text as delivered + lineage) in the same transaction that
marks the delivery loaded, so a crash can neither lose nor double-load a file. A file that
cannot be read is marked ``rejected`` with its reason; other files carry on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from connectors import ConnectorError, Delivery, get_connector
from connectors.base import sha256_bytes
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_KEY_RE = re.compile(r"^landing/(?P<source>[a-z_]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<file>[^/]+)$")

DELIVERIES_DDL = """
CREATE SCHEMA IF NOT EXISTS work.ops;
CREATE TABLE IF NOT EXISTS work.ops.deliveries (
    delivery_id VARCHAR, source VARCHAR, provider VARCHAR, delivery_date DATE,
    file_key VARCHAR, file_name VARCHAR, sha256 VARCHAR, size_bytes BIGINT,
    landed_at TIMESTAMP, status VARCHAR, row_count BIGINT, reason VARCHAR, loaded_at TIMESTAMP
);
"""


@dataclass(frozen=True)
class LandingResult:
    status: str  # landed | duplicate
    key: str
    delivery_id: str
    detail: str = ""


@dataclass(frozen=True)
class LoadResult:
    delivery_id: str
    file_key: str
    status: str  # loaded | rejected
    rows: int = 0
    reason: str = ""
    tables: dict[str, int] = field(default_factory=dict)


def safe_file_name(name: str) -> str:
    """The delivered file's base name made safe for a key: NFC, no path, no control chars."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base).strip()
    base = re.sub(r"[^\w\-. ()+,=@]", "_", base)
    base = re.sub(r"_{3,}", "__", base).lstrip(".")
    if not base or base in {".", ".."} or "." not in base:
        raise ConnectorError(name, "file name is empty or has no extension")
    return base[:180]


def today() -> date:
    return datetime.now(TZ).date()


def _now() -> datetime:
    return datetime.now(TZ).replace(tzinfo=None)


def _known_checksums(con, source: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT sha256, file_key FROM work.ops.deliveries WHERE source = ?", [source]
    ).fetchall()
    return dict(rows)


def _record(con, delivery: Delivery, key: str, size: int, status: str, reason: str = "") -> None:
    con.execute(
        "INSERT INTO work.ops.deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
        [delivery.delivery_id, delivery.source, delivery.provider, delivery.delivery_date, key,
         delivery.file_name, delivery.sha256, size, _now(), status, reason or None],
    )


_PROVIDER_PREFIX = re.compile(r"^(?P<provider>[A-Z][A-Z0-9_]{1,30}?)__.+")


def provider_of(file_name: str, default: str) -> str:
    """Providers prefix their files ``<PROVIDER>__name`` (``SYT__bao_cao_2026-10.xlsx``)."""
    match = _PROVIDER_PREFIX.match(file_name)
    return match["provider"] if match else default


def _date_folder(path: Path) -> date | None:
    try:
        return date.fromisoformat(path.parent.name)
    except ValueError:
        return None


def ingest_files(settings: Settings, source: str, paths: list[Path], *,
                 provider: str | None = None, delivery_date: date | None = None,
                 log: Callable[[str], None] = lambda _m: None
                 ) -> list[LandingResult | ConnectorError]:
    """Deliver files (the path a provider's upload takes), each validated by the connector
    before anything is written. An unreadable file gives its ConnectorError (nothing written
    for it; the others go on); the same content delivered before is a no-op ('duplicate').

    The provider is ``provider``, else the file name's ``<PROVIDER>__`` prefix, else the
    contract's; the delivery date is ``delivery_date``, else the file's folder when it is
    named like a date (the landing layout), else today.
    """
    connector = get_connector(source)
    store = object_store(settings)
    results: list[LandingResult | ConnectorError] = []
    with connect(settings) as con:
        con.execute(DELIVERIES_DDL)
        known = _known_checksums(con, source)
        for number, path in enumerate(paths, start=1):
            try:
                if not path.is_file():
                    raise ConnectorError(str(path), "no such file")
                name = safe_file_name(path.name)
                data = path.read_bytes()
                delivery = Delivery(source, provider or provider_of(name, connector.contract.provider),
                                    delivery_date or _date_folder(path) or today(), name,
                                    sha256_bytes(data))
                connector.read_bytes(data, delivery)  # validate before anything is written
            except ConnectorError as exc:
                results.append(exc)
                log(f"[{number}/{len(paths)}] rejected {path.name}: {exc.reason}")
                continue
            if delivery.sha256 in known:
                results.append(LandingResult("duplicate", known[delivery.sha256],
                                             delivery.delivery_id,
                                             "the same content was delivered before"))
                continue
            key = f"landing/{source}/{delivery.delivery_date.isoformat()}/{name}"
            if store.exists(settings.work_bucket, key):  # same name, other content: keep both
                stem, dot, ext = name.rpartition(".")
                name = f"{stem}.{delivery.sha256[:8]}{dot}{ext}"
                key = f"landing/{source}/{delivery.delivery_date.isoformat()}/{name}"
                delivery = Delivery(delivery.source, delivery.provider, delivery.delivery_date,
                                    name, delivery.sha256)
            store.put_bytes(settings.work_bucket, key, data)
            _record(con, delivery, key, len(data), "landed")
            known[delivery.sha256] = key
            results.append(LandingResult("landed", key, delivery.delivery_id))
            log(f"[{number}/{len(paths)}] landed {key}")
    return results


def discover(settings: Settings, source: str, con) -> list[str]:
    """Register files uploaded straight into landing/<source>/ that ingest did not record."""
    store = object_store(settings)
    default_provider = get_connector(source).contract.provider
    recorded = {
        row[0] for row in con.execute(
            "SELECT file_key FROM work.ops.deliveries WHERE source = ?", [source]).fetchall()
    }
    known = _known_checksums(con, source)
    new = []
    for obj in store.list(settings.work_bucket, f"landing/{source}/"):
        if obj.key in recorded:
            continue
        data = store.get_bytes(settings.work_bucket, obj.key)
        match = _KEY_RE.match(obj.key)
        sha = sha256_bytes(data)
        try:
            when = date.fromisoformat(match["date"]) if match else None
        except ValueError:
            when = None
        name = PurePosixPath(obj.key).name
        delivery = Delivery(source, provider_of(name, default_provider), when or today(), name,
                            sha)
        if when is None:
            _record(con, delivery, obj.key, obj.size, "rejected",
                    "not under landing/<source>/<YYYY-MM-DD>/<file>")
        elif sha in known:
            _record(con, delivery, obj.key, obj.size, "duplicate",
                    f"same content as {known[sha]}")
        else:
            _record(con, delivery, obj.key, obj.size, "landed")
            known[sha] = obj.key
        new.append(obj.key)
    return new


_SQL_TYPES = {"text": "VARCHAR", "json": "VARCHAR", "geometry": "VARCHAR", "integer": "BIGINT",
              "number": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMPTZ",
              "boolean": "BOOLEAN"}
_LINEAGE_TYPES = {"_delivery_date": "DATE", "_record_number": "BIGINT", "_loaded_at": "TIMESTAMP"}


def ensure_raw_tables(con) -> None:
    """Create every source's raw tables (empty, typed by the contracts) that do not exist yet,
    so the curated layers build before a source has delivered anything."""
    from connectors import SOURCES
    from connectors.base import LINEAGE_COLUMNS

    con.execute("CREATE SCHEMA IF NOT EXISTS work.raw")
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'work' "
        "AND schema_name = 'raw'").fetchall()}
    for source in SOURCES:
        contract = get_connector(source).contract
        for name, entity in contract.entities.items():
            table = contract.raw_table(name)
            if table in existing:
                continue
            columns = [f'"{f.name}" {_SQL_TYPES[f.type]}' for f in entity.fields]
            columns += [f'"{c}" {_LINEAGE_TYPES.get(c, "VARCHAR")}' for c in LINEAGE_COLUMNS]
            con.execute(f"CREATE TABLE work.raw.{table} ({', '.join(columns)})")


def _ensure_table(con, table: str, columns: list[tuple[str, str]]) -> None:
    """Create ``table`` from the incoming frame, or add columns a newer contract introduced."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM incoming LIMIT 0")
    schema, name = table.rsplit(".", 2)[-2:]
    existing = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'work' "
        "AND schema_name = ? AND table_name = ?", [schema, name]).fetchall()}
    for column, dtype in columns:
        if column not in existing:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {dtype}')


def load_pending(settings: Settings, source: str,
                 log: Callable[[str], None] = lambda _m: None,
                 dates: tuple[date, date] | None = None) -> list[LoadResult]:
    """Load every landed-but-not-loaded delivery of ``source`` (delivered within ``dates``,
    inclusive, when given) into its raw tables, one transaction per delivery."""
    connector = get_connector(source)
    store = object_store(settings)
    results = []
    with connect(settings) as con:
        con.execute(DELIVERIES_DDL)
        ensure_raw_tables(con)
        discover(settings, source, con)
        sql = ("SELECT delivery_id, provider, delivery_date, file_key, file_name, sha256 "
               "FROM work.ops.deliveries WHERE source = ? AND status = 'landed'")
        params: list = [source]
        if dates:
            sql += " AND delivery_date BETWEEN ? AND ?"
            params += list(dates)
        pending = con.execute(sql + " ORDER BY delivery_date, landed_at", params).fetchall()
        for number, (delivery_id, provider, when, key, file_name, sha) in enumerate(pending, 1):
            delivery = Delivery(source, provider, when, file_name, sha)
            try:
                tables = connector.read_bytes(store.get_bytes(settings.work_bucket, key), delivery)
            except ConnectorError as exc:
                con.execute(
                    "UPDATE work.ops.deliveries SET status = 'rejected', reason = ? "
                    "WHERE delivery_id = ? AND file_key = ?", [exc.reason, delivery_id, key])
                results.append(LoadResult(delivery_id, key, "rejected", reason=exc.reason))
                log(f"rejected {key}: {exc.reason}")
                continue
            rows = sum(t.num_rows for t in tables.values())
            con.execute("BEGIN TRANSACTION")
            try:
                for raw_table, arrow in tables.items():
                    table = f"work.raw.{raw_table}"
                    con.register("incoming", arrow)
                    try:
                        types = con.execute("DESCRIBE SELECT * FROM incoming").fetchall()
                        _ensure_table(con, table, [(r[0], r[1]) for r in types])
                        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
                    finally:
                        con.unregister("incoming")
                con.execute(
                    "UPDATE work.ops.deliveries SET status = 'loaded', row_count = ?, loaded_at = ? "
                    "WHERE delivery_id = ? AND file_key = ?", [rows, _now(), delivery_id, key])
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            results.append(LoadResult(delivery_id, key, "loaded", rows=rows,
                                      tables={t: a.num_rows for t, a in tables.items()}))
            log(f"[{number}/{len(pending)}] loaded {key}: "
                + ", ".join(f"{a.num_rows} rows -> raw.{t}" for t, a in tables.items()))
    return results


def raw_row_counts(settings: Settings, tables: list[str]) -> dict[str, int]:
    """Rows now in each ``work.raw.<table>`` (0 for a table not created yet)."""
    with connect(settings) as con:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'work' "
            "AND schema_name = 'raw'").fetchall()}
        return {t: con.execute(f"SELECT count(*) FROM work.raw.{t}").fetchone()[0]
                for t in tables if t in present}


def lineage_summary(settings: Settings, table: str, delivery_ids: list[str]) -> list[tuple]:
    """(provider, encoding, files, rows, rows with unparsed values) of the given deliveries."""
    if not delivery_ids:
        return []
    with connect(settings) as con:
        return con.execute(
            f"SELECT _provider, _encoding, count(DISTINCT _file), count(*), "
            f"count(_invalid) FROM work.raw.{table} WHERE _delivery_id IN "
            f"(SELECT unnest(?::VARCHAR[])) GROUP BY ALL ORDER BY 1, 2",
            [delivery_ids]).fetchall()
