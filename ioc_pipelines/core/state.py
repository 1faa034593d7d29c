"""The pipeline's operational state in the work lake (``work.ops``): deliveries, release
candidates and blocked runs — created once, from ``state.sql`` beside this module — and the
delivery measurements (completeness, freshness, fill rates), replaced as a whole by each run.
They are read and written only through the functions here (each takes an open work-lake
connection, so a caller can hold several in one transaction). dbt reads ``work.ops`` as the
``quality`` source; the ``quality_checks`` library reads deliveries for freshness and volume."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

DDL = (Path(__file__).with_name("state.sql")).read_text(encoding="utf-8")

CANDIDATE_COLUMNS = ("candidate_id, work_snapshot, run_id, created_at, status, awaiting, "
                     "checks, decided_by, decided_at, reason, release_id")


def ensure(con) -> None:
    """Create the ``work.ops`` tables that do not exist yet."""
    con.execute(DDL)


def work_table_exists(con, schema: str, table: str) -> bool:
    """Whether ``work.<schema>.<table>`` exists (a source not delivered yet, a model not
    built yet)."""
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'work' "
        "AND schema_name = ? AND table_name = ?", [schema, table]).fetchone()[0])


def at_version(table: str, snapshot: int | None) -> str:
    """``table`` now, or as it was at work-lake snapshot ``snapshot`` (time travel)."""
    if snapshot is None:
        return table
    return f"(SELECT * FROM {table} AT (VERSION => {int(snapshot)}))"


# ---- deliveries
def record_delivery(con, delivery, key: str, size: int, status: str, reason: str,
                    landed_at: datetime) -> None:
    con.execute(
        "INSERT INTO work.ops.deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)",
        [delivery.delivery_id, delivery.source, delivery.provider, delivery.delivery_date, key,
         delivery.file_name, delivery.sha256, size, landed_at, status, reason])


def known_checksums(con, source: str) -> dict[str, str]:
    """{sha256: file key} of every file of ``source`` recorded so far."""
    return dict(con.execute(
        "SELECT sha256, file_key FROM work.ops.deliveries WHERE source = ?", [source]).fetchall())


def recorded_keys(con, source: str) -> set[str]:
    return {row[0] for row in con.execute(
        "SELECT file_key FROM work.ops.deliveries WHERE source = ?", [source]).fetchall()}


def pending_deliveries(con, source: str, dates: tuple[date, date] | None = None) -> list[dict]:
    """Landed, not yet loaded deliveries of ``source``, oldest first."""
    sql = ("SELECT delivery_id, provider, delivery_date, file_key, file_name, sha256 "
           "FROM work.ops.deliveries WHERE source = ? AND status = 'landed'")
    params: list = [source]
    if dates:
        sql += " AND delivery_date BETWEEN ? AND ?"
        params += list(dates)
    return _dicts(con.execute(sql + " ORDER BY delivery_date, landed_at", params))


def mark_loaded(con, delivery_id: str, key: str, rows: int, loaded_at: datetime,
                notice: str = "") -> None:
    """Loaded; ``notice`` (columns not used …) is kept in ``reason`` when there is one."""
    con.execute("UPDATE work.ops.deliveries SET status = 'loaded', row_count = ?, loaded_at = ?, "
                "reason = coalesce(nullif(?, ''), reason) WHERE delivery_id = ? AND file_key = ?",
                [rows, loaded_at, notice, delivery_id, key])


def record_columns(con, delivery_id: str, key: str,
                   columns: dict[str, tuple[tuple[str, str], ...]]) -> None:
    """How a loaded file headed its columns ({raw table: ((header, field), …)}), replacing
    what a previous load of the same file recorded."""
    con.execute("DELETE FROM work.ops.delivered_columns WHERE delivery_id = ? AND file_key = ?",
                [delivery_id, key])
    rows = [[delivery_id, key, table, position, header, name]
            for table, pairs in columns.items()
            for position, (header, name) in enumerate(pairs, start=1)]
    if rows:
        con.executemany("INSERT INTO work.ops.delivered_columns VALUES (?, ?, ?, ?, ?, ?)", rows)


def delivered_columns(con, delivery_ids: list[str]) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """{(delivery, raw table): [(header as delivered, field), …]} of the deliveries given
    (files loaded before the headers were recorded have none)."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for delivery, table, header, name in con.execute(
            "SELECT delivery_id, raw_table, header, field FROM work.ops.delivered_columns "
            "WHERE list_contains(?, delivery_id) ORDER BY delivery_id, raw_table, file_key, "
            "position", [delivery_ids]).fetchall():
        pairs = out.setdefault((delivery, table), [])
        if name not in {n for _h, n in pairs}:
            pairs.append((header, name))
    return out


def mark_rejected(con, delivery_id: str, key: str, reason: str) -> None:
    con.execute("UPDATE work.ops.deliveries SET status = 'rejected', reason = ? "
                "WHERE delivery_id = ? AND file_key = ?", [reason, delivery_id, key])


def delivery_notices(con) -> list[dict]:
    """Loaded deliveries with something their provider should know (columns not used,
    heading rows left out): provider, delivery, source, date, file and the notice."""
    return _dicts(con.execute(
        "SELECT provider AS provider_code, delivery_id, source, delivery_date, file_name, "
        "reason AS notice FROM work.ops.deliveries WHERE status = 'loaded' "
        "AND coalesce(reason, '') <> '' ORDER BY provider, delivery_id, file_name"))


def landed_date_range(con, source: str) -> tuple[date | None, date | None]:
    """First and last delivery date of the landed, not yet loaded deliveries of ``source``."""
    return con.execute("SELECT min(delivery_date), max(delivery_date) FROM work.ops.deliveries "
                       "WHERE source = ? AND status = 'landed'", [source]).fetchone()


def loaded_deliveries(con, sources: list[str]) -> dict[str, list[str]]:
    """{source: delivery ids loaded into raw} for ``sources``."""
    out: dict[str, list[str]] = {s: [] for s in sources}
    if sources:
        for source, delivery in con.execute(
                "SELECT DISTINCT source, delivery_id FROM work.ops.deliveries WHERE status = "
                "'loaded' AND list_contains(?, source) ORDER BY ALL", [sources]).fetchall():
            out[source].append(delivery)
    return out


def loaded_by_source(con, snapshot: int | None) -> list[dict]:
    """Per source: last delivery date loaded and how many deliveries (at a work snapshot)."""
    return _dicts(con.execute(
        f"SELECT source, max(delivery_date) AS last_delivery, count(*) AS deliveries "
        f"FROM {at_version('work.ops.deliveries', snapshot)} WHERE status = 'loaded' "
        "GROUP BY ALL ORDER BY ALL"))


# ---- release candidates
def candidate_rows(con) -> list[dict]:
    rows = _dicts(con.execute(f"SELECT {CANDIDATE_COLUMNS} FROM work.ops.release_candidates "
                              "ORDER BY candidate_id"))
    for row in rows:
        row["awaiting"] = json.loads(row["awaiting"] or "{}")
        row["checks"] = json.loads(row["checks"] or "{}")
    return rows


def insert_candidate(con, *, snapshot: int, run_id: str, awaiting: dict, checks: dict) -> int:
    """A new waiting candidate (an older one still waiting is superseded by it), in one
    transaction; returns its number."""
    con.execute("BEGIN TRANSACTION")
    try:
        number = con.execute("SELECT coalesce(max(candidate_id), 0) + 1 "
                             "FROM work.ops.release_candidates").fetchone()[0]
        con.execute("UPDATE work.ops.release_candidates SET status = 'superseded', "
                    "decided_at = now()::TIMESTAMP, reason = 'candidate ' || ? "
                    "WHERE status = 'waiting'", [number])
        con.execute("INSERT INTO work.ops.release_candidates VALUES "
                    "(?, ?, ?, now()::TIMESTAMP, 'waiting', ?, ?, NULL, NULL, NULL, NULL)",
                    [number, snapshot, run_id, json.dumps(awaiting), json.dumps(checks)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(number)


def decide_candidate(con, candidate_id: int, status: str, by: str | None, reason: str | None,
                     release_id: int | None) -> None:
    con.execute("UPDATE work.ops.release_candidates SET status = ?, decided_by = ?, "
                "decided_at = now()::TIMESTAMP, reason = ?, release_id = ? "
                "WHERE candidate_id = ?", [status, by, reason, release_id, candidate_id])


def candidates_in(con, snapshot: int | None, start: datetime, end: datetime) -> list[dict]:
    """Candidates made between ``start`` and ``end`` (as the work lake was at ``snapshot``)."""
    return _dicts(con.execute(
        f"SELECT candidate_id, status, decided_by, reason, created_at "
        f"FROM {at_version('work.ops.release_candidates', snapshot)} "
        "WHERE created_at BETWEEN ? AND ? ORDER BY candidate_id", [start, end]))


# ---- blocked runs
def record_blocked_run(con, run_id: str, started_at: datetime | None, failures: list[str]) -> None:
    """Remember a run the gate stopped (once per run id)."""
    if con.execute("SELECT count(*) FROM work.ops.blocked_runs WHERE run_id = ?",
                   [run_id]).fetchone()[0]:
        return
    con.execute("INSERT INTO work.ops.blocked_runs VALUES (?, coalesce(?, now()::TIMESTAMP), "
                "now()::TIMESTAMP, ?)", [run_id, started_at,
                                         json.dumps(failures, ensure_ascii=False)])


def blocked_runs(con, snapshot: int | None, start: datetime | None = None,
                 end: datetime | None = None) -> list[dict]:
    """Runs the gate stopped, oldest first (started between ``start`` and ``end``)."""
    where, params = "", []
    if start is not None:
        where, params = "WHERE started_at BETWEEN ? AND ?", [start, end]
    rows = _dicts(con.execute(
        f"SELECT run_id, started_at, failures FROM "
        f"{at_version('work.ops.blocked_runs', snapshot)} {where} ORDER BY started_at", params))
    for row in rows:
        row["failures"] = json.loads(row["failures"] or "[]")
    return rows


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---- delivery measurements (đủ, sống): replaced as a whole on every run
MEASUREMENTS = ("delivery_completeness", "source_freshness", "field_fill_rate")


def replace_measurements(con, frames: dict) -> None:
    """Replace ``work.ops.<name>`` with each frame of ``frames`` (names of MEASUREMENTS), in
    one transaction."""
    unknown = set(frames) - set(MEASUREMENTS)
    if unknown:
        raise ValueError(f"not a delivery measurement: {sorted(unknown)}")
    con.execute("BEGIN TRANSACTION")
    try:
        for name, frame in frames.items():
            con.register("measured", frame)
            try:
                con.execute(f"CREATE OR REPLACE TABLE work.ops.{name} AS SELECT * FROM measured")
            finally:
                con.unregister("measured")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def measurements(con, name: str) -> list[dict]:
    """The rows of ``work.ops.<name>`` (one of MEASUREMENTS)."""
    if name not in MEASUREMENTS:
        raise ValueError(f"not a delivery measurement: {name}")
    return _dicts(con.execute(f"SELECT * FROM work.ops.{name}"))
