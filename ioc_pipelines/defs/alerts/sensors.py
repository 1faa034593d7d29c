"""Alerts from what the Dagster instance records — open-source Dagster sends none itself.
Three sensors, running by default, each a thin caller of ``core/ops_alerts.py`` (the same
functions ``ioc run``, ``ioc live`` and ``ioc alerts watch`` call, so a fact seen by two of
them is still one alert — its dedup key):

- ``alert_on_failed_runs``: a run that failed — the main job stopped by its gate
  (``run_blocked``, to the admins), any other job (``run_failed``);
- ``alert_on_stale_sources``: a freshness check (``fresh_<source>``) whose latest evaluation,
  newer than the sensor's cursor (per source, the record id it last read), failed;
- ``alert_watch``: every 5 minutes, deliveries due / late / missing, stale sources and
  candidates waiting for sign-off, then the outbox is sent; its cursor is the last watch.

The UI lists them under Automation with their ticks, cursors and what each tick raised."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from ioc_pipelines.core import alerts, event_alerts, ops_alerts
from ioc_pipelines.core.contracts import freshness_rules
from ioc_pipelines.core.jobs import MAIN_JOB, check_outcomes
from ioc_pipelines.defs.quality.rules import FRESHNESS_KEY
from ioc_pipelines.settings import Settings


@dg.run_failure_sensor(name="alert_on_failed_runs", default_status=dg.DefaultSensorStatus.RUNNING,
                       description="A failed run raises an alert: the main job stopped by its "
                       "gate → run_blocked (admins), any other job → run_failed.")
def alert_on_failed_runs(context: dg.RunFailureSensorContext,
                         settings: dg.ResourceParam[Settings]):
    run = context.dagster_run
    failures, _ = check_outcomes(entry.dagster_event for entry in
                                 context.instance.all_logs(run.run_id)
                                 if entry.dagster_event is not None)
    raised = event_alerts.run_failed(settings, run_id=run.run_id, job=run.job_name,
                                   failures=failures, blocked=run.job_name == MAIN_JOB)
    context.log.info(f"run {run.run_id[:8]} of {run.job_name}: "
                     + ("alert raised" if raised else "raised before"))


@dg.sensor(name="alert_on_stale_sources", minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="A failed freshness check (fresh_<source>) raises source_stale once per "
           "staleness. Cursor: per source, the last evaluation record read.")
def alert_on_stale_sources(context: dg.SensorEvaluationContext,
                           settings: dg.ResourceParam[Settings]):
    seen = json.loads(context.cursor) if context.cursor else {}
    stale, new = set(), 0
    for rule in freshness_rules():
        record = context.instance.get_latest_asset_check_evaluation_record(
            dg.AssetCheckKey(FRESHNESS_KEY, f"fresh_{rule.source}"))
        if record is None or record.id <= seen.get(rule.source, 0):
            continue
        new += 1
        seen[rule.source] = record.id
        if record.status == AssetCheckExecutionRecordStatus.FAILED:
            stale.add(rule.source)
    if not new:
        return dg.SkipReason("no new freshness check evaluation")
    raised = ops_alerts.stale_sources(settings, stale) if stale else 0
    context.update_cursor(json.dumps(seen, sort_keys=True))
    return dg.SkipReason(f"{new} new evaluation(s); stale: {', '.join(sorted(stale)) or 'none'}"
                         f"; alerts raised {raised}")


@dg.sensor(name="alert_watch", minimum_interval_seconds=300,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Every 5 minutes: deliveries due / late / missing (to the provider), "
           "stale sources, candidates waiting for sign-off; then the alert outbox is sent "
           "(e-mail, webhooks). Cursor: when it last looked.")
def alert_watch(context: dg.SensorEvaluationContext, settings: dg.ResourceParam[Settings]):
    report = ops_alerts.watch(settings)
    sent = alerts.deliver(settings)
    context.update_cursor(datetime.now(UTC).isoformat(timespec="seconds"))
    found = ", ".join(f"{rule} {n}" for rule, n in sorted(report.checked.items())) or "nothing"
    return dg.SkipReason(f"found {found}; raised {report.raised}; sent {sent.sent}, failed "
                         f"{sent.failed}, pending {sent.pending}")
