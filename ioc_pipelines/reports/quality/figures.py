"""The figures of the liaison team's quality report (báo cáo chất lượng dữ liệu).

One report per candidate (what the team reviews before ``ioc approve``), per release (made
when it is published, and by ``ioc quality-report --release N``), and per blocked run (what
stopped it). It shows the scorecard as a heat map (providers × principles), the trend across
releases, late and missing deliveries, the freshness of every source, the rules failing most
with masked samples of failing records, and the gate: what blocked or would block.

Every figure comes from the scorecard of the release or candidate and from the work lake as it
was at the candidate's snapshot (time travel), so a past report can be made again. Samples
are masked (names to initials, long numbers to their last two digits, coordinates rounded):
the report goes to departments' liaison officers, not only to the pipeline's operators.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import duckdb

from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.core.state import at_version
from ioc_pipelines.reports.quality.masking import LINEAGE, mask
from ioc_pipelines.reports.quality.scopes import Scope
from ioc_pipelines.reports.rendering import ReportError
from ioc_pipelines.reports.sql_files import fill, read, rows
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES
from quality_checks.gate import deliveries_against_gate

SQL_DIR = Path(__file__).with_name("sql")
TREND_RELEASES = 12  # releases shown in the trend
TOP_RULES = 12
SAMPLES_PER_RULE = 3


def _resolve(scope: Scope, kind: str, name: str, release: int | None = None) -> str:
    if kind == "scope":
        return scope.scorecard
    if kind == "m":
        return scope.mart(name)
    if kind == "release":
        return f"{PUBLISHED}.main.{name} AT (VERSION => {int(release)})"
    return at_version(f"work.{name}", scope.work_snapshot)


def _query(con, scope: Scope, name: str, release: int | None = None, **params) -> list[dict]:
    sql = fill(read(SQL_DIR, name), partial(_resolve, scope, release=release))
    return rows(con, sql, params)


def gather(settings: Settings, scope: Scope) -> dict:
    """Every figure of the report, read in one connection."""
    from connectors import DEFAULT_MIN_FILL_RATE, SOURCES, gate_limits, get_connector

    with connect(settings, work=True, published=True) as con:
        q = partial(_query, con, scope)
        if not q("scorecard_built")[0]["built"]:
            raise ReportError("the quality scorecard was never built (did dbt fail? see the "
                              "run's log)")
        providers = {r["provider_code"]: r["provider_name"] for r in q("providers")}
        cells = q("cells", sources=list(SOURCES),
                  owners=[get_connector(s).contract.provider for s in SOURCES])
        by_source = q("by_source")
        changes = q("changes")
        gaps = q("gaps")
        freshness = q("freshness")
        try:
            fills = q("fill_rates")
        except duckdb.CatalogException:  # a snapshot from before fill rates were measured
            fills = []
        rules = q("rules", top=TOP_RULES)
        samples = {r["code"]: [_sample(s) for s in q("samples", code=r["code"],
                                                     samples=SAMPLES_PER_RULE)]
                   for r in rules}
        gate = deliveries_against_gate(con, gate_limits(), scope.work_snapshot)
        trend = _trend(settings, con, scope)

    min_fill = {source: float(get_connector(source).contract.gate.get(
        "min_fill_rate", DEFAULT_MIN_FILL_RATE)) for source in SOURCES}
    heat = {(c["provider"], c["principle"]): (c["passed"] / c["checked"] if c["checked"]
                                              else None) for c in cells}
    overall = {}
    for principle in PRINCIPLES:
        checked = sum(c["checked"] for c in cells if c["principle"] == principle)
        passed = sum(c["passed"] for c in cells if c["principle"] == principle)
        overall[principle] = {"checked": checked, "passed": passed,
                              "share": passed / checked if checked else None}
    judged = sorted((d for d in gate if d.judged), key=lambda d: d.rejected_share / d.limit,
                    reverse=True)
    return {
        "principles": list(PRINCIPLES.items()),
        "providers": providers,
        "heat_rows": [(p, f"{p} — {providers[p]}" if p in providers else p)
                      for p in sorted({c["provider"] for c in cells})],
        "heat": heat,
        "cells": cells,
        "overall": overall,
        "by_source": [{**r, "share": r["passed"] / r["checked"] if r["checked"] else None}
                      for r in by_source],
        "changes": changes,
        "gaps": gaps,
        "low_fill": [r for r in fills if r["rate"] < min_fill[r["source"]]],
        "fields_measured": len(fills),
        "freshness": freshness,
        "rules": rules,
        "samples": samples,
        "over_gate": [d for d in gate if d.over],
        "closest_to_gate": judged[:10],
        "deliveries_judged": len(judged),
        "trend": trend,
    }


def _sample(found: dict) -> dict:
    values = found["delivered_values"]
    values = json.loads(values) if isinstance(values, str) else values or {}
    return {"provider": found["provider"], "file": found["file"], "record": found["record"],
            "values": ", ".join(f"{k}={mask(k, v)}" for k, v in values.items()
                                if k not in LINEAGE)}


def _trend(settings: Settings, con, scope: Scope) -> dict:
    """Pass share by principle for the last releases (up to this one), and this candidate or
    blocked run as the last point."""
    upto = scope.release.id if scope.release else None
    releases = [r for r in list_releases(settings)
                if "quality_scorecard" in r.tables and (upto is None or r.id <= upto)]
    releases = releases[-TREND_RELEASES:]
    labels, points = [], []
    for release in releases:
        labels.append(f"#{release.id}")
        points.append(_by_principle(_query(con, scope, "trend_release", release=release.id)))
    if scope.release is None:
        labels.append("ứng viên" if scope.candidate else "bị chặn")
        points.append(_by_principle(_query(con, scope, "trend_scope")))
    series = {PRINCIPLES[p]: [
        (row[p]["passed"] / row[p]["checked"] if p in row and row[p]["checked"] else None)
        for row in points] for p in PRINCIPLES}
    return {"labels": labels, "series": series}


def _by_principle(found: list[dict]) -> dict[str, dict]:
    return {r["principle"]: r for r in found}
