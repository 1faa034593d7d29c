"""The asset checks of đủ and sống — one per source and principle (``complete_<source>``,
``volume_<source>``, ``filled_<source>``, ``fresh_<source>``), severity from the contract — and
the gate on đúng/sạch, the blocking check ``rejected_share_within_gate``."""

import dagster as dg

from connectors import SOURCES, gate_limits
from ioc_pipelines.defs.quality.rules import (
    CHECK_SPECS,
    COMPLETENESS,
    EXPECTATIONS,
    FRESHNESS,
    FRESHNESS_KEY,
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
