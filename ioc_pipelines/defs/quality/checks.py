"""The asset checks of đủ and sống — one per source and principle (``delivered_<source>``,
``complete_<source>``, ``filled_<source>``, ``fresh_<source>`` on the measurements; ``volume_<source>`` on the dbt
model ``delivery_volume_changes``), severity from the contract — and the gate on đúng/sạch,
the blocking check ``rejected_share_within_gate``."""

import dagster as dg

from connectors import SOURCES, gate_limits
from ioc_pipelines.core import state
from ioc_pipelines.defs.quality.rules import (
    CHECK_SPECS,
    COMPLETENESS,
    EXPECTATIONS,
    FRESHNESS,
    FRESHNESS_KEY,
    VOLUME_CHANGES,
    VOLUME_CHECK_SPECS,
    VOLUMES,
    min_fill_rate,
)
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES
from quality_checks.deliveries import (
    volume_changes,
)
from quality_checks.gate import deliveries_against_gate


@dg.multi_asset_check(specs=CHECK_SPECS, can_subset=True)
def delivery_checks(context: dg.AssetCheckExecutionContext,
                    settings: dg.ResourceParam[Settings]):
    selected = {key.name for key in context.selected_asset_check_keys}
    with connect(settings) as con:  # everything the checks read, in one connection
        expected = state.measurements(con, "delivery_completeness")
        fresh = {r["source"]: r for r in state.measurements(con, "source_freshness")}
        fills = state.measurements(con, "field_fill_rate")
        loaded = {r["source"]: r for r in state.loaded_by_source(con, None)}
    for source in SOURCES:
        if f"delivered_{source}" not in selected:
            continue
        came = loaded.get(source)
        yield dg.AssetCheckResult(
            asset_key=COMPLETENESS, check_name=f"delivered_{source}", passed=came is not None,
            severity=dg.AssetCheckSeverity.WARN,
            description=(f"{came['deliveries']} deliveries loaded, the last on "
                         f"{came['last_delivery']:%d/%m/%Y}" if came else
                         f"{source} has never delivered: its marts are empty"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "deliveries": came["deliveries"] if came else 0})
    for source, exp in EXPECTATIONS.items():
        if f"complete_{source}" not in selected:
            continue
        mine = [r for r in expected if r["source"] == source]
        missing = [f"{r['provider']} {r['period']} (due {r['due_date']:%d/%m/%Y})"
                   for r in mine if r["status"] == "missing"]
        late = [f"{r['provider']} {r['period']} ({r['first_delivery_date']:%d/%m/%Y}, due "
                f"{r['due_date']:%d/%m/%Y})" for r in mine if r["status"] == "late"]
        yield dg.AssetCheckResult(
            asset_key=COMPLETENESS, check_name=f"complete_{source}", passed=not missing,
            severity=_severity(exp.severity),
            description=(f"{len(missing)} expected deliveries missing: " + "; ".join(missing[:10])
                         if missing else f"all {len(mine)} expected deliveries present"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "expected": len(mine), "missing": len(missing), "late": len(late),
                      "missing_deliveries": dg.MetadataValue.json(missing),
                      "late_deliveries": dg.MetadataValue.json(late)})
    for source in SOURCES:
        if f"filled_{source}" not in selected:
            continue
        limit = min_fill_rate(source)
        mine = [r for r in fills if r["source"] == source]
        low = [{"provider": r["provider"], "file": r["file_name"], "field": r["field"],
                "records": r["records"], "filled": r["filled"], "fill_rate": r["fill_rate"]}
               for r in mine if r["fill_rate"] < limit]
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
        measured = fresh.get(source, {})
        sla, stale = measured.get("sla_hours"), measured.get("is_stale", True)
        delivery_age, data_age = measured.get("delivery_age_hours"), measured.get("data_age_hours")
        yield dg.AssetCheckResult(
            asset_key=FRESHNESS_KEY, check_name=f"fresh_{source}", passed=not stale,
            severity=_severity(rule.severity),
            description=(f"last delivery {_age(delivery_age)} ago, newest record "
                         f"{_age(data_age)} ago; SLA {sla} h"),
            metadata={"principle": "live", "principle_vi": PRINCIPLES["live"],
                      "sla_hours": sla, "delivery_age_hours": delivery_age,
                      "data_age_hours": data_age})


@dg.multi_asset_check(specs=VOLUME_CHECK_SPECS, can_subset=True)
def volume_checks(context: dg.AssetCheckExecutionContext, settings: dg.ResourceParam[Settings]):
    """A full extract that shrank more than its contract allows against the one before."""
    selected = {key.name for key in context.selected_asset_check_keys}
    with connect(settings) as con:
        volumes = {source: volume_changes(con, rule) for source, rule in VOLUMES.items()
                   if f"volume_{source}" in selected}
    for source, changes in volumes.items():
        shrunk = [c for c in changes if c["too_large"]]
        yield dg.AssetCheckResult(
            asset_key=VOLUME_CHANGES, check_name=f"volume_{source}", passed=not shrunk,
            severity=_severity(VOLUMES[source].severity),
            description=("; ".join(f"{c['file']} ({c['provider']}): {c['rows']} records, "
                                   f"{c['drop']:.0%} fewer than {c['previous_file']}"
                                   for c in shrunk[:10]) if shrunk
                         else f"{len(changes)} extracts compared with the one before"),
            metadata={"principle": "complete", "principle_vi": PRINCIPLES["complete"],
                      "max_drop": VOLUMES[source].max_drop,
                      "changes": dg.MetadataValue.json(changes)})


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
