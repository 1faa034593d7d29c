"""The gate's far side: publish checked marts as one release; render the release's report."""


import dagster as dg
from pydantic import Field

from ioc_pipelines.core import check_words, selective, state
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.candidates import (
    candidate_of_run,
    publish_candidate,
    stage_candidate,
    waiting_candidate,
)
from ioc_pipelines.core.jobs import newest_main_run
from ioc_pipelines.core.publishing import PublishError, local_time, published_marts
from ioc_pipelines.reports.dictionary import render_dictionary
from ioc_pipelines.reports.population import render_population_report
from ioc_pipelines.reports.quality import (
    blocked_scope,
    candidate_scope,
    release_scope,
    render_quality_report,
)
from ioc_pipelines.reports.rejections import render_rejection_reports
from ioc_pipelines.reports.rendering import ReportError
from ioc_pipelines.resources.lakes import analyst_attach_sql, connect
from ioc_pipelines.settings import Settings

CANDIDATE = dg.AssetKey(["published", "candidate"])
RELEASE = dg.AssetKey(["published", "release"])


def _check_summary(context: dg.AssetExecutionContext, settings: Settings) -> dict:
    """What the gate saw in this run, for the release's commit metadata: checks evaluated,
    passed, and the failed ones by severity (a failed blocking check never gets here), each
    warning also in Vietnamese words (what is wrong, whose it is) for the documents."""
    evaluations = [entry.dagster_event.event_specific_data
                   for entry in context.instance.all_logs(
                       context.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)]
    failed = [e for e in evaluations if not e.passed]
    warnings = sorted(f"{e.asset_key.to_user_string()}:{e.check_name}" for e in failed
                      if e.severity == dg.AssetCheckSeverity.WARN)
    kept = _kept_warnings(context, settings)
    warnings = sorted({*warnings, *kept["warnings"]})
    with connect(settings) as con:
        said = check_words.explain(settings, con, warnings)
    return {
        "gate": "passed",
        "evaluated": len(evaluations),
        "passed": len(evaluations) - len(failed),
        "warnings": warnings,
        "warnings_vi": said,
        **({"kept_from_run": kept["run"]} if kept["run"] else {}),
    }


def _kept_warnings(context: dg.AssetExecutionContext, settings: Settings) -> dict:
    """The warnings on the models this run left as they were (core/selective.py): those the
    run that built them found (its checks were not run again, their findings still hold)."""
    basis = context.run.tags.get(selective.BASIS_TAG)
    earlier = candidate_of_run(settings, basis) if basis else None
    selected = context.run.asset_selection
    if earlier is None or not selected:
        return {"run": None, "warnings": []}
    return {"run": basis, "warnings": [
        warning for warning in earlier.checks.get("warnings", [])
        if dg.AssetKey.from_user_string(warning.partition(":")[0]) not in selected]}


@dg.asset(
    key=CANDIDATE,
    group_name="published",
    # the marts, and the delivery checks (a contract may make a missing delivery blocking)
    deps=[*(dg.AssetKey(["marts", name]) for name in published_marts()),
          dg.AssetKey(["quality", "delivery_completeness"]),
          dg.AssetKey(["quality", "source_freshness"]),
          # its blocking check is the gate on each delivery's rejected share
          dg.AssetKey(["validated", "rule_findings"]),
          # its volume checks say when a full extract shrank
          dg.AssetKey(["validated", "delivery_volume_changes"])],
    kinds={"ducklake"},
    description="Bản phát hành ứng viên: the marts exactly as this run checked them (the work "
    "lake's snapshot id), with the gate's check summary and the deliveries of sign-off sources "
    "(contracts with sign_off_required) still to be approved. Made only when every blocking "
    "check upstream passed; table work.ops.release_candidates.",
)
def release_candidate(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    candidate = stage_candidate(settings, run_id=context.run_id, checks=_check_summary(context, settings))
    awaiting = {source: len(ids) for source, ids in candidate.awaiting.items()}
    context.log.info(f"candidate {candidate.id} (work snapshot {candidate.work_snapshot})"
                     + (f" needs sign-off for {awaiting}" if awaiting else ""))
    return dg.MaterializeResult(metadata={
        "candidate_id": candidate.id,
        "work_snapshot": candidate.work_snapshot,
        "needs_sign_off": bool(awaiting),
        "deliveries_awaiting_sign_off": dg.MetadataValue.json(awaiting),
        "approve": dg.MetadataValue.md(
            f"`ioc approve {candidate.id} --by NAME` or `ioc reject {candidate.id} --by NAME "
            "--reason TEXT`" if awaiting else "no sign-off needed: published in this run"),
    })


class PublishConfig(dg.Config):
    approved_by: str = Field(
        default="", description="Who signs this run's candidate off (recorded in the release). "
        "Leave empty: a candidate that needs sign-off then waits for `ioc approve`.")
    candidate: int = Field(
        default=0, description="Publish this waiting candidate (a sign-off: `ioc approve N` "
        "runs ioc_approve_job with it) instead of this run's; 0: this run's.")


@dg.asset(
    key=RELEASE,
    group_name="published",
    deps=[CANDIDATE],
    kinds={"ducklake"},
    output_required=False,
    description="Copies the candidate's marts into the published lake (kho dữ liệu dùng chung) "
    "in one transaction; its snapshot id is the release id. When a contract requires sign-off "
    "and no approver is configured, nothing is published: the candidate waits for "
    "`ioc approve` (and the reports below are not remade).",
)
def published_release(context: dg.AssetExecutionContext, config: PublishConfig,
                      settings: dg.ResourceParam[Settings]):
    try:
        candidate = (waiting_candidate(settings, config.candidate) if config.candidate
                     else candidate_of_run(settings, context.run_id))
    except PublishError as exc:
        raise dg.Failure(str(exc)) from exc
    if candidate is None:
        raise dg.Failure("this run made no candidate: materialize published/candidate with "
                         "published/release, or publish a waiting candidate with `ioc approve`")
    if candidate.awaiting and not config.approved_by.strip():
        waiting = {source: len(ids) for source, ids in candidate.awaiting.items()}
        context.log.warning(f"candidate {candidate.id} waits for sign-off ({waiting}): "
                            f"ioc approve {candidate.id} --by NAME")
        yield dg.AssetObservation(asset_key=RELEASE, metadata={
            "awaiting_sign_off": candidate.id,
            "deliveries_awaiting_sign_off": dg.MetadataValue.json(waiting)})
        return
    try:
        release = publish_candidate(settings, candidate, approved_by=config.approved_by,
                                    actor=Actor.from_run_tags(context.run.tags))
    except PublishError as exc:
        raise dg.Failure(str(exc)) from exc
    context.log.info(f"published release {release.id}: {release.tables}")
    # the release stands whatever happens to its report: a report that cannot be made is a
    # warning here (`ioc quality-report --release N` makes it again), not a failed publish
    try:
        report = render_quality_report(settings, release_scope(settings, release.id))
        dictionary = render_dictionary(settings, release.id)
        made = {"quality_report": dg.MetadataValue.path(str(report.local_path)),
                "data_dictionary": dg.MetadataValue.path(str(dictionary.local_path))}
        context.log.info(f"quality report of release {release.id}: {report.local_path}; "
                         f"data dictionary: {dictionary.local_path}")
    except ReportError as exc:
        made = {"quality_report_not_made": str(exc)}
        context.log.warning(f"no quality report for release {release.id}: {exc}")
    yield dg.MaterializeResult(asset_key=RELEASE,
                               metadata={**release_metadata(settings, release), **made})


def release_metadata(settings: Settings, release) -> dict:
    """What the UI shows of a release."""
    return {
        "release_id": release.id,
        "published_at": release.published_at.isoformat(),
        "code_version": release.info.get("code_version", ""),
        "candidate": release.info.get("candidate", 0),
        "approved_by": (release.info.get("sign_off") or {}).get("approved_by") or "",
        "tables": dg.MetadataValue.json(release.tables),
        "analyst_attach": dg.MetadataValue.md(
            f"```sql\n{analyst_attach_sql(settings, release.id)}\n```"
            if settings.s3 is None else "see `ioc status --json` (carries the analyst secret)"),
    }


@dg.asset(
    key=dg.AssetKey(["reports", "population"]),
    group_name="reports",
    deps=[RELEASE],
    kinds={"html"},
    description="Báo cáo dân số theo xã/phường (HTML, Vietnamese) read from the current release only.",
)
def population_report(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    report = render_population_report(settings)
    context.log.info(f"report for release {report.release_id}: {report.local_path}")
    return dg.MaterializeResult(metadata={
        "release_id": report.release_id,
        "object_key": report.key,
        "path": dg.MetadataValue.path(str(report.local_path)),
        "total_population": report.total,
    })


@dg.asset(
    key=dg.AssetKey(["reports", "quality"]),
    group_name="reports",
    deps=[CANDIDATE],
    kinds={"html"},
    description="Báo cáo chất lượng dữ liệu for the liaison team (HTML, Vietnamese): the "
    "scorecard as a heat map of providers × principles, the trend across releases, late and "
    "missing deliveries, freshness, the rules failing most with masked samples, and what "
    "blocked or would block publication. Made for this run's candidate (what is reviewed "
    "before `ioc approve`); after a blocked run, for what blocked it. Work bucket, "
    "reports/quality/<candidate-N|release-N|blocked-RUN>/.",
)
def quality_report(context: dg.AssetExecutionContext,
                   settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    candidate = candidate_of_run(settings, context.run_id)
    if candidate is not None:
        scope = candidate_scope(settings, candidate)
    else:  # a run after a blocked main run (rejection_reports_job): what blocked it
        run = newest_main_run(context.instance)
        if run is None or run["status"] == "SUCCESS":
            raise dg.Failure("no candidate in this run and no blocked main run to report on")
        scope = blocked_scope(settings, run)
        _record_blocked_run(settings, run)
    try:
        report = render_quality_report(settings, scope)
    except ReportError as exc:  # e.g. dbt failed before the scorecard was built
        context.log.warning(f"no quality report for {scope.label}: {exc}")
        return dg.MaterializeResult(metadata={"report": scope.label, "not_made": str(exc)})
    overall = report.figures["overall"]
    context.log.info(f"quality report {scope.label}: {report.local_path}")
    return dg.MaterializeResult(metadata={
        "report": scope.label,
        "object_key": report.key,
        "path": dg.MetadataValue.path(str(report.local_path)),
        **{f"pass_share_{p}": round(o["share"], 4) for p, o in overall.items()
           if o["share"] is not None},
        "late_or_missing_deliveries": len(report.figures["gaps"]),
        "deliveries_over_gate": len(report.figures["over_gate"]),
    })


def _record_blocked_run(settings: Settings, run: dict) -> None:
    """Remember a run the gate stopped (for the operations report and the briefings)."""
    from datetime import datetime

    started = (local_time(datetime.fromisoformat(run["started_at"]))
               if run.get("started_at") else None)
    with connect(settings) as con:
        state.ensure(con)
        state.record_blocked_run(con, run["run_id"], started, run.get("failures", []))


@dg.asset(
    key=dg.AssetKey(["reports", "rejections"]),
    group_name="reports",
    deps=[dg.AssetKey(["validated", "feedback_records"])],
    kinds={"csv", "excel"},
    description="Báo cáo bản ghi bị từ chối — the provider's feedback per delivery: every "
    "rejected record with its reasons and what to correct, the records kept with a warning "
    "(a converted commune code …) and what the file held that was not read (HTML, CSV and "
    "Excel), in the work bucket under reports/rejections/. Made on every run, also when the "
    "gate blocks the release.",
)
def rejection_reports(context: dg.AssetExecutionContext,
                      settings: dg.ResourceParam[Settings]) -> dg.MaterializeResult:
    reports = render_rejection_reports(settings)
    context.log.info(f"{len(reports)} feedback reports, "
                     f"{sum(r.records for r in reports)} rejected records, "
                     f"{sum(r.kept for r in reports)} kept with a warning")
    return dg.MaterializeResult(metadata={
        "reports": len(reports),
        "rejected_records": sum(r.records for r in reports),
        "kept_with_warnings": sum(r.kept for r in reports),
        "by_provider": dg.MetadataValue.md(
            "| provider | delivery | source | rejected | kept with a warning | notices | "
            "workbook |\n|---|---|---|---|---|---|---|\n"
            + "\n".join(f"| {r.provider} | {r.delivery_id} | {r.source} | {r.records} | "
                        f"{r.kept} | {len(r.notices)} | `{r.xlsx_key}` |" for r in reports)),
    })
