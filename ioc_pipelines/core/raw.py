"""The raw layer: each landed file becomes rows of ``work.raw.<source>__<entity>`` (text as
delivered + lineage) in the same transaction that marks its delivery loaded, so a crash can
neither lose nor double-load a file. A file that cannot be read is marked ``rejected`` with its
reason; other files carry on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from connectors import ConnectorError, Delivery, get_connector
from ioc_pipelines.clock import now
from ioc_pipelines.core import state
from ioc_pipelines.core.landing import discover
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class LoadResult:
    delivery_id: str
    file_key: str
    status: str  # loaded | rejected
    rows: int = 0
    reason: str = ""
    tables: dict[str, int] = field(default_factory=dict)


_SQL_TYPES = {"text": "VARCHAR", "json": "VARCHAR", "geometry": "VARCHAR", "integer": "BIGINT",
              "number": "DOUBLE", "date": "DATE", "timestamp": "TIMESTAMPTZ",
              "boolean": "BOOLEAN"}
_LINEAGE_TYPES = {"_delivery_date": "DATE", "_record_number": "BIGINT", "_loaded_at": "TIMESTAMP"}


def raw_columns(contract, entity: str) -> list[str]:
    """The DDL columns of a source's raw table: the contract's fields, typed, then lineage."""
    from connectors.base import LINEAGE_COLUMNS

    columns = [f'"{f.name}" {_SQL_TYPES[f.type]}' for f in contract.entities[entity].fields]
    return columns + [f'"{c}" {_LINEAGE_TYPES.get(c, "VARCHAR")}' for c in LINEAGE_COLUMNS]


def ensure_raw_tables(con) -> None:
    """Create every source's raw tables (empty, typed by the contracts) that do not exist yet,
    so the curated layers build before a source has delivered anything."""
    from connectors import SOURCES

    con.execute("CREATE SCHEMA IF NOT EXISTS work.raw")
    existing = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'work' "
        "AND schema_name = 'raw'").fetchall()}
    for source in SOURCES:
        contract = get_connector(source).contract
        for name in contract.entities:
            table = contract.raw_table(name)
            if table not in existing:
                con.execute(f"CREATE TABLE work.raw.{table} "
                            f"({', '.join(raw_columns(contract, name))})")


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
        state.ensure(con)
        ensure_raw_tables(con)
        discover(settings, source, con)
        pending = state.pending_deliveries(con, source, dates)
        for number, row in enumerate(pending, 1):
            delivery_id, key = row["delivery_id"], row["file_key"]
            delivery = Delivery(source, row["provider"], row["delivery_date"], row["file_name"],
                                row["sha256"])
            try:
                reading = connector.read_delivery(store.get_bytes(settings.work_bucket, key),
                                                  delivery)
            except ConnectorError as exc:
                state.mark_rejected(con, delivery_id, key, exc.reason)
                results.append(LoadResult(delivery_id, key, "rejected", reason=exc.reason))
                log(f"rejected {key}: {exc.reason}")
                continue
            tables = reading.tables
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
                state.mark_loaded(con, delivery_id, key, rows, now(), reading.notice())
                state.record_columns(con, delivery_id, key, reading.columns)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            results.append(LoadResult(delivery_id, key, "loaded", rows=rows,
                                      tables={t: a.num_rows for t, a in tables.items()},
                                      reason=reading.notice()))
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
