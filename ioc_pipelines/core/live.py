"""The live IoT path: spooled messages → the live lake's raw readings (one transaction per
micro-batch, a reading's natural key never written twice) → the live marts (dbt, tag ``live``)
→ their automatic checks → published into ``live.marts`` in one transaction → exceedance and
recovery alerts. ``ioc live`` calls :func:`run_batch` at least every 60 s; a crash anywhere
replays from the spool and writes nothing twice (docs/live.md, docs/decisions/0011)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from connectors import Connector, ConnectorError, Delivery, get_connector
from ioc_pipelines.core import alerts, live_alerts, live_spool
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.providers import unknown_provider
from ioc_pipelines.core.raw import raw_columns
from ioc_pipelines.resources.lakes import LIVE, PUBLISHED, connect, lakes, sql_literal
from ioc_pipelines.settings import Settings

SOURCE = "iot"
LIVE_MARTS = ("live_readings", "live_exceedance_episodes", "live_sensor_status")
NATURAL_KEY = ("sensor_id", "quantity", "observed_at")
_prepared: set[str] = set()  # live lakes whose schemas and tables exist (this process)


@dataclass
class BatchResult:
    batch: int
    messages: int = 0
    rejected: int = 0
    readings_new: int = 0
    readings_repeated: int = 0
    built: bool = False
    published: bool = False
    gate_failures: list[str] = field(default_factory=list)
    alerts_raised: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _delivery(message: live_spool.Message) -> Delivery:
    """A message as the connector sees a delivered file (its lineage)."""
    return Delivery(SOURCE, message.provider, date.fromisoformat(message.received_at[:10]),
                    f"live-{message.seq:012d}-{message.channel}.json",
                    hashlib.sha256(message.payload).hexdigest())


def _not_iot_provider(settings: Settings, connector: Connector, provider: str) -> str | None:
    """Why a provider may not deliver IoT readings (None: it may)."""
    contract = connector.contract
    allowed = {contract.provider, *contract.raw.get("other_providers", [])}
    if provider in allowed:
        return None
    return unknown_provider(settings, provider) or (
        f"{provider} is not a provider of the IoT contract ({', '.join(sorted(allowed))})")


def read_message(settings: Settings, connector: Connector, message: live_spool.Message
          ) -> dict[str, pa.Table]:
    """A message's readings and sensors, read by the IoT connector exactly as a file is; a
    provider that does not deliver IoT readings is refused with the reason."""
    if reason := _not_iot_provider(settings, connector, message.provider):
        raise ConnectorError(message.origin, reason)
    return connector.read_delivery(message.payload, _delivery(message)).tables


def read_messages(settings: Settings, connector: Connector,
                  messages: list[live_spool.Message]) -> tuple[dict[str, pa.Table],
                                                               list[tuple[int, str]]]:
    """A batch's messages read together (as :func:`read_message` reads each, at a fraction
    of the cost): their raw tables, and (seq, reason) of each message refused."""
    refused = [(m.seq, reason) for m in messages
               if (reason := _not_iot_provider(settings, connector, m.provider))]
    skip = {seq for seq, _ in refused}
    kept = [m for m in messages if m.seq not in skip]
    if not kept:
        return {}, refused
    read = connector.read_many([(m.payload, _delivery(m)) for m in kept])
    refused += [(kept[i].seq, reason) for i, reason in read.refused.items()]
    return read.tables, sorted(refused)


def ensure_live_lake(settings: Settings) -> None:
    """The live lake's schemas and raw tables (typed by the IoT contract), made once per
    process; its data always goes to Parquet (no inlining into the catalog)."""
    if settings.live_catalog is None:
        raise CoreError("these settings have no live lake")
    lake = lakes(settings)[LIVE]
    if lake.catalog.ducklake_uri() in _prepared:
        return
    contract = get_connector(SOURCE).contract
    with connect(settings, work=False, live=True) as con:
        for schema in ("raw", "reference", "build", "marts"):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {LIVE}.{schema}")
        for entity in contract.entities:
            con.execute(f"CREATE TABLE IF NOT EXISTS {LIVE}.raw.{contract.raw_table(entity)} "
                        f"({', '.join(raw_columns(contract, entity))})")
        con.execute(f"CALL {LIVE}.set_option('data_inlining_row_limit', 0)")
    _prepared.add(lake.catalog.ducklake_uri())


def _write(con, tables: dict[str, pa.Table]) -> tuple[int, int]:
    """Insert one batch in one transaction: readings whose natural key is new (the first copy
    of a repeat within the batch), every sensor description. (new readings, repeats)."""
    new = repeated = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for table, arrow in tables.items():
            con.register("incoming", arrow)
            try:
                target = f"{LIVE}.raw.{table}"
                total = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
                if table == "iot__readings":
                    key = ", ".join(NATURAL_KEY)
                    joined = " AND ".join(f"r.{c} = i.{c}" for c in NATURAL_KEY)
                    written = con.execute(
                        f"INSERT INTO {target} BY NAME SELECT * FROM ("
                        f"SELECT * FROM incoming QUALIFY row_number() OVER (PARTITION BY {key} "
                        f"ORDER BY _file, _record_number) = 1) AS i WHERE NOT EXISTS ("
                        f"SELECT 1 FROM {target} AS r WHERE {joined} AND r.observed_at >= "
                        f"(SELECT min(observed_at) FROM incoming))").fetchone()[0]
                    new += written
                    repeated += total - written
                else:
                    con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM incoming")
            finally:
                con.unregister("incoming")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return new, repeated


def _refresh_sensors(settings: Settings, con) -> None:
    """The published sensor registry of the current release, as ``live.reference.sensors``
    (names, communes, alarm levels), refreshed when a new release comes out."""
    from ioc_pipelines.core.publishing import current_release

    release = current_release(settings)
    seen = con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE database_name = '{LIVE}' "
                       "AND schema_name = 'reference' AND table_name = 'sensors'").fetchone()[0]
    marker = f"release {release.id}" if release else "no release"
    if seen and con.execute(
            f"SELECT comment FROM duckdb_tables() WHERE database_name = '{LIVE}' AND "
            "schema_name = 'reference' AND table_name = 'sensors'").fetchone()[0] == marker:
        return
    columns = ("sensor_id VARCHAR, sensor_name VARCHAR, sensor_type VARCHAR, commune_code "
               "VARCHAR, longitude DOUBLE, latitude DOUBLE, alert_level_1 DOUBLE, "
               "alert_level_2 DOUBLE, alert_level_3 DOUBLE")
    names = ", ".join(c.split()[0] for c in columns.split(", "))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {LIVE}.reference.sensors ({columns})")
        if release is not None and "dim_sensors" in release.tables:
            published = lakes(settings)[PUBLISHED]
            con.execute(published.attach_sql(alias="release_now", read_only=True,
                                             snapshot=release.id))
            con.execute(f"INSERT INTO {LIVE}.reference.sensors SELECT {names} "
                        "FROM release_now.main.dim_sensors")
        con.execute(f"COMMENT ON TABLE {LIVE}.reference.sensors IS {sql_literal(marker)}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DETACH DATABASE IF EXISTS release_now")


def _build(settings: Settings) -> list[str]:
    """dbt build of the live models and their tests; the failures (empty: the gate passed)."""
    from ioc_pipelines.resources.dbt import build_in_process, dbt_vars

    # the silence threshold is the alert rule's, so the mart and the alert agree
    given = {**dbt_vars(settings), "live_silent_minutes": live_alerts.silent_minutes(settings)}
    return build_in_process(settings, "live", "tag:live", given,
                            settings.home / "live" / "dbt-target")


def _publish(con, batch: int) -> None:
    """Copy the checked live models into ``live.marts`` in one transaction: readers see the
    previous batch's state or this one's, never half of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        for name in LIVE_MARTS:
            con.execute(f"CREATE OR REPLACE TABLE {LIVE}.marts.{name} AS "
                        f"SELECT * FROM {LIVE}.build.{name}")
        con.execute(f"CALL {LIVE}.set_commit_message('ioc live', 'live batch {int(batch)}')")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def run_batch(settings: Settings, *, build: bool | None = None) -> BatchResult:
    """One micro-batch: spooled messages into the live lake, then (when readings came, or
    ``build``) the live marts built, checked, published and alerted on."""
    clock = time.monotonic()
    ensure_live_lake(settings)
    messages = live_spool.take(settings)
    connector = get_connector(SOURCE)
    with connect(settings, work=False, live=True) as con:
        result = BatchResult(live_spool.next_batch(settings), len(messages))
        tables, refused = read_messages(settings, connector, messages)
        skip = {seq for seq, _ in refused}
        done = [m.seq for m in messages if m.seq not in skip]
        if tables:
            result.readings_new, result.readings_repeated = _write(con, tables)
        result.seconds["write"] = time.monotonic() - clock
    # the lake holds them: now (and only now) the spool may forget them; a crash before this
    # line replays them, and the natural key writes nothing twice
    live_spool.mark_done(settings, done, result.batch)
    live_spool.reject(settings, refused, result.batch)
    result.rejected = len(refused)
    if build is False or (build is None and not result.readings_new):
        result.seconds["total"] = time.monotonic() - clock
        return result
    with connect(settings, work=False, live=True) as con:
        _refresh_sensors(settings, con)
    started = time.monotonic()
    result.gate_failures = _build(settings)
    result.built = True
    result.seconds["build"] = time.monotonic() - started
    if result.gate_failures:
        # one alert per set of failing checks, not one per batch while they keep failing
        failing = hashlib.sha256("|".join(sorted(f.split(":", 1)[0] for f in
                                                 result.gate_failures)).encode()).hexdigest()
        alerts.raise_alert(settings, alerts.Alert(
            "live_gate_failed", f"live_gate|{failing[:32]}",
            "[IOC] Dữ liệu quan trắc trực tuyến không qua kiểm tra tự động",
            "Lô " + str(result.batch) + " không được công bố; trạng thái trước vẫn được dùng. "
            "Lỗi: " + "; ".join(result.gate_failures[:5]), "live/marts",
            link=f"{settings.live.portal_url}/live"))
        result.seconds["total"] = time.monotonic() - clock
        return result
    with connect(settings, work=False, live=True) as con:
        _publish(con, result.batch)
        result.published = True
        result.alerts_raised = live_alerts.episode_alerts(settings, con)
    result.seconds["total"] = time.monotonic() - clock
    return result


def live_marts_sql(settings: Settings) -> str:
    """The DuckDB SQL an analyst runs to read the live marts (read-only)."""
    return lakes(settings)[LIVE].attach_sql(alias="ioc_live", read_only=True) + ";"


def status(settings: Settings, *, spool: bool = True) -> dict:
    """The spool's counts, every sensor's live status and the open episodes (from the
    published live marts; empty before the first batch — a reader never makes the lake)."""
    out: dict = {"spool": live_spool.counts(settings) if spool else {}, "sensors": [],
                 "open_episodes": [], "attach": live_marts_sql(settings)}
    catalog = settings.live_catalog
    if catalog is None or (catalog.kind == "sqlite" and not catalog.sqlite_path.exists()):
        return out
    with connect(settings, work=False, live=True, live_read_only=True) as con:
        present = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND "
            "schema_name = 'marts'", [LIVE]).fetchall()}
        for key, table, where in (("sensors", "live_sensor_status", ""),
                                  ("open_episodes", "live_exceedance_episodes",
                                   " WHERE ended_at IS NULL")):
            if table in present:
                cur = con.execute(f"SELECT * FROM {LIVE}.marts.{table}{where} ORDER BY 1, 2")
                names = [d[0] for d in cur.description]
                out[key] = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return out
