"""đủ and sống: every expected delivery present, every source fresh — from the contracts.

One step measures all sources after the raw loads and keeps the results in the work lake as
two assets, ``quality/delivery_completeness`` and ``quality/source_freshness`` (tables
``work.ops.…``, read by dbt's quality_scorecard and by the liaison team's report); one asset
check per source and principle (``complete_<source>``, ``fresh_<source>``) says in the UI what
is missing, late or stale. A check's
severity comes from the contract: ``warn`` publishes and reports, ``block`` stops the release.
"""


import csv
from collections import defaultdict
from datetime import datetime, timedelta

import dagster as dg
import pandas as pd

from connectors import DEFAULT_MIN_FILL_RATE, SOURCES, gate_limits, get_connector
from ioc_pipelines.core import state
from ioc_pipelines.core.landing import TZ
from ioc_pipelines.defs.raw.assets import RAW_ASSETS
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import DBT_PROJECT_DIR, Settings
from quality_checks import PRINCIPLES
from quality_checks.deliveries import (
    Expectation,
    Freshness,
    Volume,
    completeness,
    fill_rates,
    freshness,
    volume_changes,
)
from quality_checks.gate import deliveries_against_gate

COMPLETENESS = dg.AssetKey(["quality", "delivery_completeness"])
FRESHNESS_KEY = dg.AssetKey(["quality", "source_freshness"])
CATALOGUE = DBT_PROJECT_DIR / "seeds" / "reference" / "indicators_catalogue.csv"


def _catalogue_providers_by_month() -> dict[int, tuple[str, ...]]:
    """Month -> departments with an indicator due that month (tháng / quý / năm)."""
    due: dict[int, set[str]] = defaultdict(set)
    with CATALOGUE.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for month in range(1, 13):
                if (row["periodicity"] == "tháng"
                        or (row["periodicity"] == "quý" and month % 3 == 0)
                        or (row["periodicity"] == "năm" and month == 12)):
                    due[month].add(row["provider"])
    return {month: tuple(sorted(providers)) for month, providers in due.items()}


def expectations() -> list[Expectation]:
    out = []
    for source in SOURCES:
        contract = get_connector(source).contract
        spec = contract.raw.get("expect")
        if not spec:
            continue
        by_month = (_catalogue_providers_by_month()
                    if spec.get("providers_from") == "indicators_catalogue" else {})
        out.append(Expectation(
            source=source, table=spec["table"], every=spec["every"],
            due_days=int(spec["due_days"]), period_column=spec["period_column"],
            providers=tuple(spec.get("providers") or [contract.provider]),
            severity=spec.get("severity", "warn"), providers_by_month=by_month))
    return out


def freshness_rules() -> list[Freshness]:
    out = []
    for source in SOURCES:
        spec = get_connector(source).contract.raw.get("freshness")
        if not spec:
            continue
        sla = timedelta(hours=float(spec.get("sla_hours", 0)),
                        minutes=float(spec.get("sla_minutes", 0)))
        out.append(Freshness(source, sla, spec.get("data_table"), spec.get("data_column"),
                             spec.get("severity", "warn")))
    return out


def volume_rules() -> dict[str, Volume]:
    out = {}
    for source in SOURCES:
        spec = get_connector(source).contract.raw.get("volume")
        if spec:
            out[source] = Volume(source, float(spec["max_drop"]), spec.get("severity", "warn"))
    return out


def min_fill_rate(source: str) -> float:
    return float(get_connector(source).contract.gate.get("min_fill_rate", DEFAULT_MIN_FILL_RATE))


EXPECTATIONS = {e.source: e for e in expectations()}
VOLUMES = volume_rules()
FRESHNESS = {f.source: f for f in freshness_rules()}
CHECK_SPECS = [
    *(dg.AssetCheckSpec(f"complete_{s}", asset=COMPLETENESS, blocking=e.severity == "block",
                        description=f"đủ: every expected delivery of {s} present and on time")
      for s, e in EXPECTATIONS.items()),
    *(dg.AssetCheckSpec(f"volume_{s}", asset=COMPLETENESS, blocking=v.severity == "block",
                        description=f"đủ: the newest extract of {s} no more than "
                        f"{v.max_drop:.0%} smaller than the one before")
      for s, v in VOLUMES.items()),
    *(dg.AssetCheckSpec(f"filled_{s}", asset=COMPLETENESS,
                        description=f"đủ: every required field of {s} filled in at least "
                        f"{min_fill_rate(s):.0%} of each delivery's records")
      for s in SOURCES),
    *(dg.AssetCheckSpec(f"fresh_{s}", asset=FRESHNESS_KEY, blocking=f.severity == "block",
                        description=f"sống: {s} delivered within its SLA "
                        f"({f.sla.total_seconds() / 3600:g} h)")
      for s, f in FRESHNESS.items()),
]


def _table_exists(con, table: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'work' "
        "AND schema_name = 'raw' AND table_name = ?", [table]).fetchone()[0])


@dg.multi_asset(
    name="delivery_quality",
    specs=[
        dg.AssetSpec(COMPLETENESS, group_name="quality", kinds={"duckdb"},
                     deps=[key for assets in RAW_ASSETS for key in assets.keys],
                     description="đủ: every delivery the contracts expect (provider × period, "
                     "the period read from the data), on time, late or missing (table "
                     "work.ops.delivery_completeness); each required field's fill rate per "
                     "delivery (work.ops.field_fill_rate); extracts against the one before."),
        dg.AssetSpec(FRESHNESS_KEY, group_name="quality", kinds={"duckdb"},
                     deps=[key for assets in RAW_ASSETS for key in assets.keys],
                     description="sống: each source's age against its SLA, by its last "
                     "delivery and by its newest record's own timestamp. Table "
                     "work.ops.source_freshness."),
    ],
)
def delivery_quality(context: dg.AssetExecutionContext, settings: dg.ResourceParam[Settings]):
    now = datetime.now(TZ)
    rows, fresh = [], []
    with connect(settings) as con:
        state.ensure(con)
        for exp in EXPECTATIONS.values():
            if _table_exists(con, exp.table):
                rows += completeness(con, exp, now.date())
        for rule in FRESHNESS.values():
            if rule.table and not _table_exists(con, rule.table):
                rule = Freshness(rule.source, rule.sla, severity=rule.severity)
            fresh.append(freshness(con, rule, now))
        completeness_frame = pd.DataFrame(rows, columns=[
            "source", "provider", "period", "due_date", "first_delivery_date", "status",
            "severity"])
        fills = [rate for source in SOURCES
                 for entity, table in get_connector(source).raw_tables.items()
                 if _table_exists(con, table)
                 for rate in fill_rates(con, source, table,
                                        get_connector(source).contract.entities[entity].required)]
        fill_frame = pd.DataFrame(fills, columns=[
            "source", "raw_table", "provider", "delivery_id", "file_name", "field", "records",
            "filled", "fill_rate"])
        con.register("fill_frame", fill_frame)
        con.execute("CREATE OR REPLACE TABLE work.ops.field_fill_rate AS SELECT * FROM fill_frame")
        freshness_frame = pd.DataFrame(fresh)
        freshness_frame["measured_at"] = now.replace(tzinfo=None)
        con.register("completeness_frame", completeness_frame)
        con.register("freshness_frame", freshness_frame)
        con.execute("CREATE OR REPLACE TABLE work.ops.delivery_completeness AS "
                    "SELECT * FROM completeness_frame")
        con.execute("CREATE OR REPLACE TABLE work.ops.source_freshness AS "
                    "SELECT * FROM freshness_frame")
    gaps = completeness_frame[completeness_frame.status != "on_time"]
    stale = freshness_frame[freshness_frame.is_stale]
    context.log.info(f"deliveries: {len(completeness_frame)} expected, "
                     f"{(completeness_frame.status == 'late').sum()} late, "
                     f"{(completeness_frame.status == 'missing').sum()} missing; "
                     f"stale sources: {', '.join(stale.source) or 'none'}")
    yield dg.MaterializeResult(asset_key=COMPLETENESS, metadata={
        "dagster/row_count": len(completeness_frame),
        "missing": int((completeness_frame.status == "missing").sum()),
        "late": int((completeness_frame.status == "late").sum()),
        "required_fields_under_fill_rate": int(sum(
            1 for r in fills if r["fill_rate"] is not None
            and r["fill_rate"] < min_fill_rate(r["source"]))),
        "missing_or_late": dg.MetadataValue.md(
            gaps[["source", "provider", "period", "due_date", "first_delivery_date",
                  "status"]].to_markdown(index=False) if len(gaps) else "none"),
    })
    yield dg.MaterializeResult(asset_key=FRESHNESS_KEY, metadata={
        "dagster/row_count": len(freshness_frame),
        "stale_sources": dg.MetadataValue.json(list(stale.source)),
        "freshness": dg.MetadataValue.md(freshness_frame[[
            "source", "sla_hours", "delivery_age_hours", "data_age_hours", "is_stale"]]
            .to_markdown(index=False)),
    })


@dg.multi_asset_check(specs=CHECK_SPECS, can_subset=True)
def delivery_checks(context: dg.AssetCheckExecutionContext,
                    settings: dg.ResourceParam[Settings]):
    selected = {key.name for key in context.selected_asset_check_keys}
    with connect(settings) as con:  # everything the checks read, in one connection
        expected = con.execute(
            "SELECT source, provider, period, due_date, first_delivery_date, status "
            "FROM work.ops.delivery_completeness").fetchall()
        fresh = {row[0]: row for row in con.execute(
            "SELECT source, sla_hours, delivery_age_hours, data_age_hours, is_stale "
            "FROM work.ops.source_freshness").fetchall()}
        volumes = {source: volume_changes(con, rule) for source, rule in VOLUMES.items()
                   if f"volume_{source}" in selected}
        fills = con.execute("SELECT source, provider, file_name, field, records, filled, "
                            "fill_rate FROM work.ops.field_fill_rate").fetchall()
    for source, exp in EXPECTATIONS.items():
        if f"complete_{source}" not in selected:
            continue
        mine = [r for r in expected if r[0] == source]
        missing = [f"{r[1]} {r[2]} (due {r[3]:%d/%m/%Y})" for r in mine if r[5] == "missing"]
        late = [f"{r[1]} {r[2]} ({r[4]:%d/%m/%Y}, due {r[3]:%d/%m/%Y})"
                for r in mine if r[5] == "late"]
        yield dg.AssetCheckResult(
            asset_key=COMPLETENESS, check_name=f"complete_{source}", passed=not missing,
            severity=_severity(exp.severity),
            description=(f"{len(missing)} expected deliveries missing: " + "; ".join(missing[:10])
                         if missing else f"all {len(mine)} expected deliveries present"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "expected": len(mine), "missing": len(missing), "late": len(late),
                      "missing_deliveries": dg.MetadataValue.json(missing),
                      "late_deliveries": dg.MetadataValue.json(late)})
    for source, changes in volumes.items():
        shrunk = [c for c in changes if c["too_large"]]
        yield dg.AssetCheckResult(
            asset_key=COMPLETENESS, check_name=f"volume_{source}", passed=not shrunk,
            severity=_severity(VOLUMES[source].severity),
            description=("; ".join(f"{c['file']} ({c['provider']}): {c['rows']} records, "
                                   f"{c['drop']:.0%} fewer than {c['previous_file']}"
                                   for c in shrunk[:10]) if shrunk
                         else f"{len(changes)} extracts compared with the one before"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "max_drop": VOLUMES[source].max_drop,
                      "changes": dg.MetadataValue.json(changes)})
    for source in SOURCES:
        if f"filled_{source}" not in selected:
            continue
        limit = min_fill_rate(source)
        mine = [r for r in fills if r[0] == source]
        low = [{"provider": r[1], "file": r[2], "field": r[3], "records": r[4],
                "filled": r[5], "fill_rate": r[6]} for r in mine if r[6] < limit]
        yield dg.AssetCheckResult(
            asset_key=COMPLETENESS, check_name=f"filled_{source}", passed=not low,
            severity=dg.AssetCheckSeverity.WARN,
            description=("; ".join(f"{r['field']} in {r['file']}: {r['fill_rate']:.1%}"
                                   for r in low[:10]) if low
                         else f"{len(mine)} required fields × deliveries at least {limit:.0%} "
                         "filled"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "min_fill_rate": limit, "under": dg.MetadataValue.json(low)})
    for source, rule in FRESHNESS.items():
        if f"fresh_{source}" not in selected:
            continue
        _, sla, delivery_age, data_age, stale = fresh.get(source, (source, None, None, None,
                                                                   True))
        yield dg.AssetCheckResult(
            asset_key=FRESHNESS_KEY, check_name=f"fresh_{source}", passed=not stale,
            severity=_severity(rule.severity),
            description=(f"last delivery {_age(delivery_age)} ago, newest record "
                         f"{_age(data_age)} ago; SLA {sla} h"),
            metadata={"principle": "live", "principle_vi": PRINCIPLES["live"],
                      "sla_hours": sla, "delivery_age_hours": delivery_age,
                      "data_age_hours": data_age})


def _severity(level: str) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.ERROR if level == "block" else dg.AssetCheckSeverity.WARN


def _age(hours: float | None) -> str:
    if hours is None:
        return "never"
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"


RULE_FINDINGS = dg.AssetKey(["validated", "rule_findings"])


@dg.asset_check(
    asset=RULE_FINDINGS,
    additional_deps=[dg.AssetKey(["validated", "delivery_rejections"])],
    blocking=True,
    description="The gate (đúng/sạch): no delivery of at least gate.min_records records (default "
    "50) may have more of them rejected than its contract allows (gate.max_rejected_share). "
    "Blocks the release; the quarantine and the providers' rejection reports are still made.",
)
def rejected_share_within_gate(settings: dg.ResourceParam[Settings]) -> dg.AssetCheckResult:
    with connect(settings) as con:
        deliveries = deliveries_against_gate(con, gate_limits())
    over = [{"source": d.source, "provider": d.provider, "delivery": d.delivery_id,
             "file": d.file_name, "records": d.records, "rejected": d.rejected,
             "rejected_share": round(d.rejected_share, 4), "gate": d.limit}
            for d in deliveries if d.over]
    return dg.AssetCheckResult(
        passed=not over, severity=dg.AssetCheckSeverity.ERROR,
        description=("deliveries over their gate: " + "; ".join(
            f"{o['file']} ({o['provider']}): {o['rejected_share']:.0%} rejected > "
            f"{o['gate']:.0%}" for o in over[:10])) if over
        else f"all {len(deliveries)} deliveries within their contract's gate",
        metadata={"principle": "correct", "principle_vi": PRINCIPLES["correct"],
                  "deliveries": len(deliveries), "over_gate": dg.MetadataValue.json(over)})
