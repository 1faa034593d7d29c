"""What the data contracts promise, read once for every door: the deliveries each source owes
(provider × period, from the contract and, for indicators, the catalogue's periodicity), its
freshness SLA, volume and fill-rate limits. The Dagster checks (``defs/quality``) judge them;
the portal shows a provider what is due."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta

from connectors import DEFAULT_MIN_FILL_RATE, SOURCES, get_connector
from ioc_pipelines.core.live_deliver import LIVE_FILES
from ioc_pipelines.settings import DBT_PROJECT_DIR
from quality_checks.deliveries import Expectation, Freshness, Volume

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


def _duration(spec: dict) -> timedelta:
    return timedelta(hours=float(spec.get("sla_hours", 0)),
                     minutes=float(spec.get("sla_minutes", 0)))


def freshness_rules() -> list[Freshness]:
    """Each contract's ``freshness``: the SLA of the feed as files are delivered, and under
    ``live`` the SLA that holds once ``ioc live`` delivers it (its deliveries' file names)."""
    out = []
    for source in SOURCES:
        spec = get_connector(source).contract.raw.get("freshness")
        if not spec:
            continue
        live = spec.get("live") or {}
        out.append(Freshness(source, _duration(spec), spec.get("data_table"),
                             spec.get("data_column"), spec.get("severity", "warn"),
                             live_sla=_duration(live) if live else None,
                             live_files=LIVE_FILES if live else None))
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
