"""đủ and sống from the data contracts: which deliveries were due, which came (on time or
late) and which are missing; how fresh each source is, by the time of its last delivery and
by the data's own timestamps.

A plain library: the caller passes a DuckDB connection with the work lake attached as
``work`` and each source's expectations (from its contract's ``expect`` and ``freshness``).

Periods come from the data, not from file names: a department's report covers the month
written in it (``period``), an IoT drop covers the days of its readings (``observed_at``). A
(provider, period) is *covered* once any delivered record of that provider carries it; it is
*late* when its first such delivery came after the due date, *missing* when none came and
the due date has passed. The window starts at the first period the source ever delivered,
so a new source is not reported missing for the years before it was connected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ioc_pipelines.clock import TZ as LOCAL  # the work lake's naive timestamps are local time

EVERY = ("day", "month")


@dataclass(frozen=True)
class Expectation:
    """What a contract promises: a delivery ``every`` day or month from each provider, due
    ``due_days`` after the period (a month: day ``due_days`` of the next month; a day: that
    many days later), its period read from ``period_column`` of ``table``."""

    source: str
    table: str
    every: str
    due_days: int
    period_column: str
    providers: tuple[str, ...]
    severity: str = "warn"  # warn: publish and report; block: stop publication
    # month -> providers due that month, when it is not every provider every period (the
    # indicator catalogue: quarterly and yearly indicators are due in some months only)
    providers_by_month: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.every not in EVERY:
            raise ValueError(f"{self.source}: expect.every must be one of {EVERY}")
        if self.severity not in ("warn", "block"):
            raise ValueError(f"{self.source}: expect.severity must be warn or block")

    def due_date(self, period: date) -> date:
        if self.every == "day":
            return period + timedelta(days=self.due_days)
        return _next_month(period) + timedelta(days=self.due_days - 1)

    def label(self, period: date) -> str:
        """A period as reports and providers write it: ``YYYY-MM-DD`` or ``YYYY-MM``."""
        return period.isoformat() if self.every == "day" else f"{period:%Y-%m}"

    def providers_for(self, period: date) -> tuple[str, ...]:
        if self.every == "month" and self.providers_by_month:
            return self.providers_by_month.get(period.month, ())
        return self.providers


@dataclass(frozen=True)
class Freshness:
    """A contract's SLA: the newest delivery (and, with ``data_column``, the newest record's
    own timestamp in ``table``) must be younger than ``sla``. A feed that can also come live
    has a shorter ``live_sla``, applied while its newest delivery is one the live path made
    (its file name matches the SQL ``LIKE`` pattern ``live_files``): a feed loaded as daily
    files is not held to minutes until the live path delivers it."""

    source: str
    sla: timedelta
    table: str | None = None
    data_column: str | None = None
    severity: str = "warn"
    live_sla: timedelta | None = None
    live_files: str | None = None


def covered_periods(con, exp: Expectation) -> dict[tuple[str, date], date]:
    """(provider, period) -> first delivery date that carried it."""
    column = f'"{exp.period_column}"'
    if exp.every == "day":
        period = f"CAST(timezone('Asia/Ho_Chi_Minh', {column}) AS DATE)"
    else:  # 'YYYY-MM' text as delivered
        period = f"CAST(try_strptime(trim({column}) || '-01', '%Y-%m-%d') AS DATE)"
    rows = con.execute(
        f"SELECT _provider, {period} AS period, min(_delivery_date) "
        f"FROM work.raw.{exp.table} WHERE {period} IS NOT NULL GROUP BY ALL").fetchall()
    return {(provider, p): first for provider, p, first in rows}


def completeness(con, exp: Expectation, today: date) -> list[dict]:
    """One row per expected (provider, period) whose due date has passed: on_time, late or
    missing, with the due date and the first delivery date."""
    covered = covered_periods(con, exp)
    if not covered:
        return []
    period = min(p for _, p in covered)
    rows = []
    while exp.due_date(period) < today:
        due = exp.due_date(period)
        for provider in exp.providers_for(period):
            first = covered.get((provider, period))
            status = "missing" if first is None else ("late" if first > due else "on_time")
            rows.append({"source": exp.source, "provider": provider,
                         "period": exp.label(period), "due_date": due,
                         "first_delivery_date": first, "status": status,
                         "severity": exp.severity})
        period = period + timedelta(days=1) if exp.every == "day" else _next_month(period)
    return rows


def freshness(con, fresh: Freshness, now: datetime) -> dict:
    """Age of the newest loaded delivery and of the newest record's own timestamp."""
    # the newest loaded delivery, and whether the live path made it (one read)
    landed, by_live_path = con.execute(
        "SELECT landed_at, coalesce(file_name LIKE ?, false) FROM work.ops.deliveries "
        "WHERE source = ? AND status = 'loaded' ORDER BY landed_at DESC, file_name LIMIT 1",
        [fresh.live_files, fresh.source]).fetchone() or (None, False)
    live = bool(fresh.live_sla and by_live_path)
    sla = fresh.live_sla if live else fresh.sla
    observed = None
    if fresh.table and fresh.data_column:
        # records dated in the future (a defect of their own) do not make a source fresh
        observed = con.execute(
            f'SELECT max("{fresh.data_column}") FROM work.raw.{fresh.table} '
            f'WHERE "{fresh.data_column}" <= ?', [now]).fetchone()[0]
    now = now.astimezone(UTC)
    delivery_age = now - _utc(landed) if landed is not None else None
    data_age = now - _utc(observed) if observed is not None else None
    ages = [a for a in (delivery_age, data_age) if a is not None]
    stale = not ages or max(ages) > sla
    return {"source": fresh.source, "sla_hours": round(sla.total_seconds() / 3600, 2),
            "load_path": "live" if live else "files",
            "last_delivery_at": landed, "delivery_age_hours": _hours(delivery_age),
            "newest_record_at": observed, "data_age_hours": _hours(data_age),
            "is_stale": stale, "severity": fresh.severity}


def _utc(value: datetime) -> datetime:
    # naive timestamps of the work lake are local time; readings are timestamptz
    aware = value.replace(tzinfo=LOCAL) if value.tzinfo is None else value
    return aware.astimezone(UTC)


def _hours(age: timedelta | None) -> float | None:
    return None if age is None else round(age.total_seconds() / 3600, 2)


def upcoming_due(exp: Expectation, today: date, count: int = 3) -> list[tuple[str, date]]:
    """The next ``count`` periods (label, due date) whose due date is today or later."""
    period = today.replace(day=1) if exp.every == "month" else today
    if exp.every == "month":  # the period before this month may still be due
        period = date(period.year - (period.month == 1), (period.month - 2) % 12 + 1, 1)
    found = []
    while len(found) < count:
        if exp.due_date(period) >= today:
            found.append((exp.label(period), exp.due_date(period)))
        period = period + timedelta(days=1) if exp.every == "day" else _next_month(period)
    return found


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)



@dataclass(frozen=True)
class Volume:
    """đủ by size: a full extract (the registry, household and housing lists) should not
    shrink by more than ``max_drop`` from one delivery to the next without an explanation."""
    source: str
    max_drop: float
    severity: str = "warn"


def volume_changes(con, rule: Volume) -> list[dict]:
    """The rule's source in the dbt model ``delivery_volume_changes`` (the newest extract of
    each provider and kind of file against the one before: what is compared is defined
    there), each judged against the contract's ``max_drop``."""
    rows = con.execute("""
        SELECT provider, file_name, records, previous_file_name, previous_records, drop_share
        FROM work.validated.delivery_volume_changes WHERE source = ?
        ORDER BY provider, file_name""", [rule.source]).fetchall()
    return [{"source": rule.source, "provider": provider, "file": file, "rows": records,
             "previous_file": previous_file, "previous_rows": previous,
             "drop": float(drop), "too_large": drop > rule.max_drop}
            for provider, file, records, previous_file, previous, drop in rows]


def fill_rates(con, source: str, raw_table: str, required: list[str],
               known: list[dict] | None = None) -> list[dict]:
    """đủ by field: per delivery (provider, file) and required field, the share of records
    that carry a value (not null, not blank). ``known``: the rates measured before (rows of
    this function's shape); a delivery's raw records never change, so a delivery measured
    before for the same fields is not read again — only new deliveries are."""
    present = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'work' "
        "AND schema_name = 'raw' AND table_name = ?", [raw_table]).fetchall()}
    fields = [f for f in required if f in present]
    if not fields:
        return []
    delivered = {d for (d,) in con.execute(
        f"SELECT DISTINCT _delivery_id FROM work.raw.\"{raw_table}\"").fetchall()}
    measured: dict[str, list[dict]] = {}
    for row in known or []:
        if row["raw_table"] == raw_table and row["delivery_id"] in delivered:
            measured.setdefault(row["delivery_id"], []).append(row)
    reused = [row for rows in measured.values() if {r["field"] for r in rows} == set(fields)
              for row in rows]
    unread = sorted(delivered - {r["delivery_id"] for r in reused}, key=str)
    filled = ", ".join(
        f"count(*) FILTER (WHERE nullif(trim(\"{f}\"::VARCHAR), '') IS NOT NULL)" for f in fields)
    rows = con.execute(
        f"SELECT _provider, _delivery_id, _file, count(*), {filled} "
        f"FROM work.raw.\"{raw_table}\" WHERE _delivery_id IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY ALL", [unread]).fetchall() if unread else []
    made = [{"source": source, "raw_table": raw_table, "provider": provider,
             "delivery_id": delivery, "file_name": file, "field": field_name,
             "records": records, "filled": row[4 + i],
             "fill_rate": round(row[4 + i] / records, 4) if records else None}
            for row in rows for provider, delivery, file, records in [row[:4]]
            for i, field_name in enumerate(fields)]
    order = {f: i for i, f in enumerate(fields)}
    return sorted(reused + made, key=lambda r: (
        *((r[k] is None, r[k] or "") for k in ("provider", "delivery_id", "file_name")),
        order[r["field"]]))
