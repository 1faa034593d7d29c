"""The liaison team's quality report (báo cáo chất lượng dữ liệu), HTML in Vietnamese.

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
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ioc_pipelines.core.candidates import Candidate, get_candidate
from ioc_pipelines.core.publishing import (
    Release,
    current_release,
    get_release,
    list_releases,
    scorecard_with_change,
)
from ioc_pipelines.reports.charts import bars, heatmap, line_chart
from ioc_pipelines.reports.rendering import PROVINCE_NAMES, ReportError, environment
from ioc_pipelines.resources.lakes import PUBLISHED, connect
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings
from quality_checks import PRINCIPLES
from quality_checks.gate import at_version, deliveries_against_gate

FILE_NAME = "bao-cao-chat-luong.html"
TREND_RELEASES = 12  # releases shown in the trend
TOP_RULES = 12
SAMPLES_PER_RULE = 3
STATUS_VI = {"missing": "Chưa nộp", "late": "Nộp muộn", "on_time": "Đúng hạn"}
CANDIDATE_STATUS_VI = {"waiting": "chờ phê duyệt", "published": "đã công bố",
                       "rejected": "bị từ chối", "superseded": "bị ứng viên sau thay thế"}


@dataclass
class Scope:
    """What one report is about: a release, a candidate or a blocked run."""
    label: str  # release-3 | candidate-4 | blocked-1a2b3c4d (folder name)
    title: str
    scorecard: str  # relation of the scorecard (with previous share and change)
    work_snapshot: int | None  # the work lake as it was (None: as it is now)
    checks: dict
    release: Release | None = None
    candidate: Candidate | None = None
    failures: list[str] = field(default_factory=list)  # what blocked (a blocked run)
    published_snapshot: int | None = None  # read published marts at this version

    def mart(self, name: str) -> str:
        if self.published_snapshot is not None:
            return (f"(SELECT * FROM {PUBLISHED}.main.{name} "
                    f"AT (VERSION => {int(self.published_snapshot)}))")
        return at_version(f"work.marts.{name}", self.work_snapshot)


@dataclass(frozen=True)
class QualityReport:
    label: str
    key: str
    local_path: Path
    figures: dict


def release_scope(settings: Settings, release_id: int | None = None) -> Scope:
    release = (get_release(settings, release_id) if release_id is not None
               else current_release(settings))
    if release is None:
        raise ReportError("no published release yet" if release_id is None
                          else f"release {release_id} does not exist (see `ioc releases`)")
    if "quality_scorecard" not in release.tables:
        raise ReportError(f"release {release.id} has no quality scorecard")
    return Scope(
        label=f"release-{release.id}", title=f"Bản phát hành số {release.id}",
        scorecard=(f"(SELECT * FROM {PUBLISHED}.main.quality_scorecard "
                   f"AT (VERSION => {release.id}))"),
        work_snapshot=release.info.get("work_snapshot"), checks=release.info.get("checks", {}),
        release=release, published_snapshot=release.id)


def candidate_scope(settings: Settings, candidate: Candidate | int) -> Scope:
    if isinstance(candidate, int):
        found = get_candidate(settings, candidate)
        if found is None:
            raise ReportError(f"candidate {candidate} does not exist (see `ioc releases`)")
        candidate = found
    scorecard = scorecard_with_change(
        settings, current_release(settings),
        at_version("work.marts.quality_scorecard", candidate.work_snapshot))
    return Scope(label=f"candidate-{candidate.id}",
                 title=f"Ứng viên phát hành số {candidate.id}", scorecard=scorecard,
                 work_snapshot=candidate.work_snapshot, checks=candidate.checks,
                 candidate=candidate)


def blocked_scope(settings: Settings, run: dict) -> Scope:
    """A run the gate stopped: the work lake as that run left it."""
    return Scope(label=f"blocked-{run['run_id'][:8]}",
                 title=f"Lần chạy {run['run_id'][:8]} bị chặn",
                 scorecard=scorecard_with_change(settings, current_release(settings)),
                 work_snapshot=None,
                 checks={"gate": "blocked", "warnings": run.get("warnings", [])},
                 failures=run.get("failures", []))


# ---------------------------------------------------------------- masking
PERSONAL = re.compile(r"(^|_)(name|ten|ho_ten|head_name|address|dia_chi|applicant|reporter|"
                      r"investor|nguoi)(_|$)", re.IGNORECASE)
COORDINATE = re.compile(r"^(x|y|lon|lat|longitude|latitude|kinh_do|vi_do)$", re.IGNORECASE)
LONG_NUMBER = re.compile(r"\d{6,}")


def mask(name: str, value) -> str:
    """A delivered value as shown in a sample: personal text to initials, numbers of six
    digits or more (IDs, phones) to their last two, coordinates to two decimals."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if COORDINATE.match(name):
        try:
            return f"{float(text):.2f}"
        except ValueError:
            return "•••"
    if LONG_NUMBER.search(text):
        return LONG_NUMBER.sub(lambda m: "•" * (len(m.group()) - 2) + m.group()[-2:], text)
    if PERSONAL.search(name) and not name.endswith(("_code", "_id")):
        return " ".join(word[0] + "." for word in text.split() if word) or "•••"
    return text


LINEAGE = {"provider_code", "delivery_id", "delivery_date", "file_name", "record_number",
           "loaded_at", "invalid_values"}


# ---------------------------------------------------------------- figures
def gather(settings: Settings, scope: Scope) -> dict:
    from connectors import DEFAULT_MIN_FILL_RATE, SOURCES, gate_limits, get_connector

    principles = list(PRINCIPLES)
    with connect(settings, work=True, published=True) as con:
        built = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'work' "
                            "AND schema_name = 'marts' AND table_name = 'quality_scorecard'"
                            ).fetchone()[0]
        if not built:
            raise ReportError("the quality scorecard was never built (did dbt fail? see the "
                              "run's log)")
        providers = dict(con.execute(
            f"SELECT provider_code, provider_name FROM {scope.mart('dim_providers')}").fetchall())
        # a source's freshness has no provider: it counts for the contract's owner
        owners = [(source, get_connector(source).contract.provider) for source in SOURCES]
        cells = con.execute(f"""
            SELECT coalesce(sc.provider_code, owners.owner, '(' || sc.source || ')') AS provider,
                   sc.principle, sum(sc.checked)::BIGINT, sum(sc.passed)::BIGINT
            FROM {scope.scorecard} AS sc
            LEFT JOIN (SELECT unnest(?) AS source, unnest(?) AS owner) AS owners
                ON owners.source = sc.source
            GROUP BY ALL ORDER BY ALL""",
            [[o[0] for o in owners], [o[1] for o in owners]]).fetchall()
        by_source = con.execute(f"""
            SELECT source, principle, sum(checked)::BIGINT, sum(passed)::BIGINT,
                   sum(previous_pass_share * checked) / nullif(sum(checked) FILTER (
                       WHERE previous_pass_share IS NOT NULL), 0) AS previous
            FROM {scope.scorecard} GROUP BY ALL ORDER BY ALL""").fetchall()
        changes = con.execute(f"""
            SELECT source, coalesce(provider_code, ''), coalesce(commune_code, ''), period,
                   measure, principle, previous_pass_share, pass_share, change_since_previous
            FROM {scope.scorecard}
            WHERE change_since_previous < 0
            ORDER BY change_since_previous, source, provider_code, commune_code, period
            LIMIT 10""").fetchall()
        gaps = con.execute(f"""
            SELECT source, provider, period, due_date, first_delivery_date, status
            FROM {at_version('work.ops.delivery_completeness', scope.work_snapshot)}
            WHERE status <> 'on_time' ORDER BY status, due_date, source, provider""").fetchall()
        freshness = con.execute(f"""
            SELECT source, sla_hours, delivery_age_hours, data_age_hours, is_stale
            FROM {at_version('work.ops.source_freshness', scope.work_snapshot)}
            ORDER BY source""").fetchall()
        try:
            fills = con.execute(f"""
                SELECT source, provider, file_name, field, records, filled, fill_rate
                FROM {at_version('work.ops.field_fill_rate', scope.work_snapshot)}
                ORDER BY fill_rate, source, provider, file_name, field""").fetchall()
        except duckdb.CatalogException:  # a snapshot from before fill rates were measured
            fills = []
        rules = con.execute(f"""
            WITH codes AS (
                SELECT unnest(reason_codes) AS code, provider_code, source, is_quarantined
                FROM {at_version('work.validated.rule_findings', scope.work_snapshot)}
            )
            SELECT codes.code, r.principle, r.severity, count(*) AS records,
                   list(DISTINCT codes.provider_code ORDER BY codes.provider_code) AS providers,
                   list(DISTINCT codes.source ORDER BY codes.source) AS sources,
                   r.explanation_vi, r.fix_vi
            FROM codes LEFT JOIN work.reference.quality_rules AS r ON r.rule_id = codes.code
            GROUP BY ALL ORDER BY records DESC, codes.code LIMIT {TOP_RULES}""").fetchall()
        samples: dict[str, list[dict]] = {}
        for code, *_ in rules:
            found = con.execute(f"""
                SELECT provider_code, file_name, record_number, delivered_values
                FROM {at_version('work.validated.quarantine_records', scope.work_snapshot)}
                WHERE list_contains(reason_codes, ?)
                ORDER BY provider_code, file_name, record_number LIMIT {SAMPLES_PER_RULE}""",
                [code]).fetchall()
            samples[code] = [{
                "provider": provider, "file": file, "record": number,
                "values": ", ".join(
                    f"{k}={mask(k, v)}" for k, v in
                    (json.loads(values) if isinstance(values, str) else values or {}).items()
                    if k not in LINEAGE)}
                for provider, file, number, values in found]
        gate = deliveries_against_gate(con, gate_limits(), scope.work_snapshot)
        trend = _trend(settings, con, scope)

    min_fill = {source: float(get_connector(source).contract.gate.get(
        "min_fill_rate", DEFAULT_MIN_FILL_RATE)) for source in SOURCES}
    heat_rows = sorted({c[0] for c in cells})
    heat = {(c[0], c[1]): (c[3] / c[2] if c[2] else None) for c in cells}
    overall = {}
    for principle in principles:
        checked = sum(c[2] for c in cells if c[1] == principle)
        passed = sum(c[3] for c in cells if c[1] == principle)
        overall[principle] = {"checked": checked, "passed": passed,
                              "share": passed / checked if checked else None}
    judged = sorted((d for d in gate if d.judged), key=lambda d: d.rejected_share / d.limit,
                    reverse=True)
    return {
        "principles": [(p, PRINCIPLES[p]) for p in principles],
        "providers": providers,
        "heat_rows": [(p, f"{p} — {providers[p]}" if p in providers else p) for p in heat_rows],
        "heat": heat,
        "cells": [{"provider": c[0], "principle": c[1], "checked": c[2], "passed": c[3]}
                  for c in cells],
        "overall": overall,
        "by_source": [{"source": s, "principle": p, "checked": c, "passed": ok,
                       "share": ok / c if c else None, "previous": prev}
                      for s, p, c, ok, prev in by_source],
        "changes": [dict(zip(["source", "provider", "commune", "period", "measure", "principle",
                              "previous", "share", "change"], row, strict=True))
                    for row in changes],
        "gaps": [dict(zip(["source", "provider", "period", "due_date", "delivered", "status"],
                          row, strict=True)) for row in gaps],
        "low_fill": [dict(zip(["source", "provider", "file", "field", "records", "filled",
                               "rate"], row, strict=True))
                     for row in fills if row[6] < min_fill[row[0]]],
        "fields_measured": len(fills),
        "freshness": [dict(zip(["source", "sla_hours", "delivery_age", "data_age", "stale"],
                               row, strict=True)) for row in freshness],
        "rules": [dict(zip(["code", "principle", "severity", "records", "providers", "sources",
                            "explanation", "fix"], row, strict=True)) for row in rules],
        "samples": samples,
        "over_gate": [d for d in gate if d.over],
        "closest_to_gate": judged[:10],
        "deliveries_judged": len(judged),
        "trend": trend,
    }


def _trend(settings: Settings, con, scope: Scope) -> dict:
    """Pass share by principle for the last releases (up to this one), and this candidate or
    blocked run as the last point."""
    upto = scope.release.id if scope.release else None
    releases = [r for r in list_releases(settings)
                if "quality_scorecard" in r.tables and (upto is None or r.id <= upto)]
    releases = releases[-TREND_RELEASES:]
    labels, points = [], []
    for release in releases:
        rows = dict((p, (c, ok)) for p, c, ok in con.execute(
            f"SELECT principle, sum(checked), sum(passed) FROM {PUBLISHED}.main.quality_scorecard "
            f"AT (VERSION => {release.id}) GROUP BY ALL").fetchall())
        labels.append(f"#{release.id}")
        points.append(rows)
    if scope.release is None:
        rows = dict((p, (c, ok)) for p, c, ok in con.execute(
            f"SELECT principle, sum(checked), sum(passed) FROM {scope.scorecard} "
            "GROUP BY ALL").fetchall())
        labels.append("ứng viên" if scope.candidate else "bị chặn")
        points.append(rows)
    series = {f"{PRINCIPLES[p]} ({p})": [
        (row[p][1] / row[p][0] if p in row and row[p][0] else None) for row in points]
        for p in PRINCIPLES}
    return {"labels": labels, "series": series}


# ---------------------------------------------------------------- rendering
def render_quality_report(settings: Settings, scope: Scope) -> QualityReport:
    figures = gather(settings, scope)
    html = environment().get_template("quality.html.j2").render(
        province=PROVINCE_NAMES.get(settings.province_code, settings.province_code),
        scope=scope, f=figures, status_vi=STATUS_VI, candidate_vi=CANDIDATE_STATUS_VI,
        heatmap=heatmap(figures["heat_rows"], figures["principles"], figures["heat"],
                        "Tỷ lệ đạt theo đơn vị cung cấp và nguyên tắc"),
        trend=line_chart(figures["trend"]["labels"], figures["trend"]["series"],
                         "Tỷ lệ đạt qua các bản phát hành"),
        gate_chart=bars([(f"{d.provider} · {d.file_name[:36]}", d.rejected_share, d.limit)
                         for d in figures["closest_to_gate"]],
                        "Tỷ lệ bản ghi bị từ chối so với ngưỡng của hợp đồng dữ liệu"),
    )
    key = f"reports/quality/{scope.label}/{FILE_NAME}"
    data = html.encode("utf-8")
    object_store(settings).put_bytes(settings.work_bucket, key, data)
    local = settings.reports_dir / "quality" / scope.label / FILE_NAME
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_bytes(data)
    return QualityReport(scope.label, key, local, figures)
