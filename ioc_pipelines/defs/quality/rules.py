"""đủ and sống as the contracts set them: which deliveries each source owes (provider ×
period, from the contract and, for indicators, the catalogue's periodicity), its freshness SLA,
volume and fill-rate limits — and the asset check specs they become."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta

import dagster as dg

from connectors import DEFAULT_MIN_FILL_RATE, SOURCES, get_connector
from ioc_pipelines.settings import DBT_PROJECT_DIR
from quality_checks.deliveries import (
    Expectation,
    Freshness,
    Volume,
)

COMPLETENESS = dg.AssetKey(["quality", "delivery_completeness"])
FRESHNESS_KEY = dg.AssetKey(["quality", "source_freshness"])
# the dbt model that compares each extract with the one before (built after the raw loads)
VOLUME_CHANGES = dg.AssetKey(["validated", "delivery_volume_changes"])
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
    *(dg.AssetCheckSpec(f"delivered_{s}", asset=COMPLETENESS,
                        description=f"đủ: {s} has delivered at least once (until it does, "
                        "its marts are empty; the other sources publish)")
      for s in SOURCES),
    *(dg.AssetCheckSpec(f"filled_{s}", asset=COMPLETENESS,
                        description=f"đủ: every required field of {s} filled in at least "
                        f"{min_fill_rate(s):.0%} of each delivery's records")
      for s in SOURCES),
    *(dg.AssetCheckSpec(f"fresh_{s}", asset=FRESHNESS_KEY, blocking=f.severity == "block",
                        description=f"sống: {s} delivered within its SLA "
                        f"({f.sla.total_seconds() / 3600:g} h)")
      for s, f in FRESHNESS.items()),
]
# on the dbt model that compares each extract with the one before; blocking so that the
# release candidate (downstream of the model) waits for them — a warn-level contract fails
# them with severity WARN, which publishes
VOLUME_CHECK_SPECS = [
    dg.AssetCheckSpec(f"volume_{s}", asset=VOLUME_CHANGES, blocking=True,
                      description=f"đủ: the newest extract of {s} no more than "
                      f"{v.max_drop:.0%} smaller than the one before")
    for s, v in VOLUMES.items()
]
