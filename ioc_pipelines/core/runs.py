"""The main job end to end, as one call: demo data when the landing zone is empty, the
partitioned raw loads with pending deliveries, ``ioc_main_job`` (land → raw → dbt → checks →
candidate → publish or wait for sign-off), then the reports that follow a release — or, when
the gate blocked the run, the providers' rejection reports and what blocked it.

One run per home at a time (``core/lock.py``); the full log goes to a file under
``$IOC_HOME/logs/``; progress goes to the listener of ``core/progress.py``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ioc_pipelines import clock
from ioc_pipelines.core import audit, event_alerts, inbox, progress, selective, state, unchanged
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.candidates import Candidate, candidate_of_run
from ioc_pipelines.core.ingest import DemoSummary, deliver_folder, generate_demo, province_slug
from ioc_pipelines.core.jobs import MAIN_JOB, run_job, tag_outcome
from ioc_pipelines.core.landing import discover
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.core.publishing import Release, current_release
from ioc_pipelines.resources.lakes import analyst_attach_sql, connect, init_lakes
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class DemoRequest:
    scale: float = 0.02
    months: int = 3
    seed: int = 7


@dataclass
class PublishedReports:
    """What a new release leaves behind (the same after a run and after a sign-off)."""

    population: Path | None = None
    quality: Path | None = None
    briefing: Path | None = None
    briefing_period: str | None = None
    briefing_pdf: bool = False
    briefing_error: str | None = None


@dataclass
class RunResult:
    """``outcome``: published | waiting_signoff | blocked (the gate or a failed step of the
    main job stopped it) | failed (a raw load failed before the main job) | unchanged
    (nothing new since the run ``unchanged_since`` — its ``run_id`` is that run's); when it
    did not publish, the previous release is still served."""

    outcome: str
    run_id: str | None
    release: Release | None  # the new release, or the one still served
    candidate: Candidate | None = None
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    demo: DemoSummary | None = None
    reports: PublishedReports = field(default_factory=PublishedReports)
    rejections_dir: Path | None = None
    blocked_report: Path | None = None
    log_file: Path | None = None
    # the analysts' SQL to attach the latest release (embedded default only: on S3 it carries
    # the analyst's secret, given by `ioc status --json`)
    analyst_attach: str | None = None
    unchanged_since: dict | None = None  # the last kept run (core/unchanged.py)


def new_log_file(settings: Settings, verb: str) -> Path:
    folder = settings.home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{datetime.now():%Y%m%d-%H%M%S}-{verb}.log"


def quality_report_path(settings: Settings, label: str) -> Path:
    from ioc_pipelines.reports.quality import local_path

    return local_path(settings, label)


def run(settings: Settings, *, actor: Actor, approve_by: str | None = None,
        demo: DemoRequest | None = DemoRequest(), wait: bool = True, on_wait=None,
        console: bool = False, log_file: Path | None = None, full: bool = False) -> RunResult:
    """Run the main job once (``demo=None``: never generate demo data); with nothing new
    since the last run that published or left a candidate waiting (``core/unchanged.py``),
    stop at once — unless ``full``. Audited: its start and how it finished (the release it
    published is audited by the publish step)."""
    audit.record(settings, actor, "run.start", MAIN_JOB)
    with audit.audited(settings, actor, "run.finish", MAIN_JOB) as detail:
        result = _run(settings, actor=actor, approve_by=approve_by, demo=demo, wait=wait,
                      on_wait=on_wait, console=console, log_file=log_file, full=full)
        detail.update(result=result.outcome, run_id=result.run_id,
                      failures=result.failures[:10])
    return result


def _failures(outcome) -> list[str]:
    """What stopped a job: the storage's failure in one line when that was the cause (every
    step then failed the same way), else each step's and check's own failure."""
    return [outcome.storage] if outcome.storage else outcome.failures


def _nothing_new(settings: Settings) -> dict | None:
    """The last kept run when nothing changed since it, else None: files
    uploaded straight into the landing zone are registered first; a landed delivery waiting
    to load is something new."""
    from connectors import SOURCES

    with connect(settings) as con:
        state.ensure(con)
        for source in SOURCES:
            discover(settings, source, con)
        waiting = con.execute("SELECT count(*) FROM work.ops.deliveries "
                              "WHERE status = 'landed'").fetchone()[0]
        fingerprint = unchanged.fingerprint(settings, con)
    return None if waiting else unchanged.same_as_last(settings, fingerprint)


def _keep(settings: Settings, result: RunResult) -> RunResult:
    """Remember the inputs of a run that published or left a candidate waiting: the next run
    with the same builds nothing, one with new deliveries leaves the models built from the
    other sources as they are (core/selective.py)."""
    with connect(settings) as con:
        made = unchanged.inputs(settings, con)
        fingerprint = unchanged.fingerprint(settings, con, made)
        selective.remember_basis(settings, con, run_id=result.run_id, made=made)
    unchanged.remember(settings, fingerprint, run_id=result.run_id, outcome=result.outcome,
                       release_id=result.release.id if result.release else None)
    return result


def _run(settings: Settings, *, actor: Actor, approve_by: str | None,
         demo: DemoRequest | None, wait: bool, on_wait, console: bool,
         log_file: Path | None, full: bool = False) -> RunResult:
    log_file = log_file or new_log_file(settings, "run")
    with home_lock(settings, actor, "ioc run", wait=wait, on_wait=on_wait):
        init_lakes(settings)
        if held := inbox.land_held(settings):  # uploads that came while the home was busy
            progress.report("stage", f"landed {held} upload(s) held while the home was busy")
        summary = None
        if demo is not None and not object_store(settings).list(settings.work_bucket, "landing/"):
            progress.report("stage", "landing zone is empty: generating demo data for "
                            f"{province_slug(settings)} (scale {demo.scale}, {demo.months} "
                            "months)")
            summary = generate_demo(settings, province=province_slug(settings), scale=demo.scale,
                                    months=demo.months, seed=demo.seed,
                                    log=lambda m: progress.report("note", m.strip()))
            progress.report("stage", "delivering the demo files")
            deliver_folder(settings, settings.demo_dir, actor=actor)
        if not full and summary is None:
            if (last := _nothing_new(settings)) is not None:
                progress.report("stage", f"nothing new since the run of {last['at']:%H:%M} "
                                "(same deliveries, code, settings and day): nothing to build")
                return RunResult("unchanged", last["run_id"], current_release(settings),
                                 log_file=log_file, unchanged_since=last)
        for job_name, window in pending_partition_runs(settings):
            progress.report("stage", f"loading {job_name} for delivery dates "
                            f"{window[0]} … {window[1]}")
            outcome = run_job(settings, job_name, actor=actor, partition_range=window,
                              log_file=log_file, console=console)
            if not outcome.success:
                event_alerts.run_failed(settings, run_id=outcome.run_id, job=job_name,
                                      failures=_failures(outcome), blocked=False)
                return RunResult("failed", outcome.run_id, current_release(settings),
                                 failures=_failures(outcome) or [f"{job_name} failed"],
                                 demo=summary, log_file=log_file)
        if full:  # everything built whole, incremental models included
            selective.forget_basis(settings)
        plan = None if full else selective.plan_run(settings)
        progress.report("stage", "main job: raw → dbt → checks → candidate")
        config = ({"ops": {"published__release": {"config": {"approved_by": approve_by}}}}
                  if approve_by else {})
        outcome = run_job(settings, MAIN_JOB, actor=actor, run_config=config,
                          log_file=log_file, console=console,
                          leave_out=plan.kept if plan else frozenset(),
                          tags={selective.BASIS_TAG: plan.basis_run} if plan else None)
        if not outcome.success:
            tag_outcome(settings, outcome.run_id, "blocked")
            event_alerts.run_failed(settings, run_id=outcome.run_id, job=MAIN_JOB,
                                  failures=_failures(outcome), blocked=True)
            result = RunResult("blocked", outcome.run_id, current_release(settings),
                               failures=_failures(outcome), warnings=outcome.warnings,
                               demo=summary, log_file=log_file)
            if outcome.storage:  # the reports would fail the same way: say the cause only
                return result
            progress.report("stage", "rejection reports and what blocked the run")
            # the quarantine was built: providers still get their rejection reports
            if run_job(settings, "rejection_reports_job", actor=actor, log_file=log_file,
                       console=console).success:
                result.rejections_dir = settings.reports_dir / "rejections"
            blocked = quality_report_path(settings, f"blocked-{outcome.run_id[:8]}")
            result.blocked_report = blocked if blocked.is_file() else None
            return result
        candidate = candidate_of_run(settings, outcome.run_id)
        upkeep(settings)
        if candidate is not None and candidate.status == "waiting":
            tag_outcome(settings, outcome.run_id, "waiting_signoff")
            return _keep(settings, RunResult(
                "waiting_signoff", outcome.run_id, current_release(settings), candidate,
                warnings=outcome.warnings, demo=summary, log_file=log_file))
        tag_outcome(settings, outcome.run_id, "published")
        release = current_release(settings)
        reports = after_publish(settings, release, actor=actor, log_file=log_file,
                                console=console)
        return _keep(settings, RunResult(
            "published", outcome.run_id, release, candidate, warnings=outcome.warnings,
            demo=summary, reports=reports, rejections_dir=settings.reports_dir / "rejections",
            log_file=log_file,
            analyst_attach=analyst_attach_sql(settings, None) if settings.s3 is None else None))


def upkeep(settings: Settings) -> None:
    """The work lake's retention after a run that passed its checks (docs/operations.md,
    "Retention"); it never fails the run — a problem is said, and the next run tries again."""
    from ioc_pipelines.core import retention

    try:
        done = retention.retain(settings)
    except Exception as exc:  # noqa: BLE001 - upkeep must not undo a run that passed
        progress.report("note", f"retention skipped this time: {type(exc).__name__}: {exc}")
        return
    if done.expired or done.files_deleted or done.orphans:
        progress.report("stage", f"retention: {len(done.expired)} work-lake snapshot(s) "
                        f"expired, {done.files_deleted} file(s) and {len(done.orphans)} "
                        "orphaned file(s) deleted")


def after_publish(settings: Settings, release: Release, *, actor: Actor, log_file: Path,
                  console: bool = False) -> PublishedReports:
    """The reports of a new release: the population and quality reports its publish step
    made, and last month's socio-economic briefing (the job the monthly schedule runs), so a
    release — from a run or a sign-off — ends with the report the leadership reads."""
    from ioc_pipelines.reports import population
    from ioc_pipelines.reports.briefing import local_html, report_key
    from ioc_pipelines.reports.periods import previous_period

    reports = PublishedReports()
    made = population.local_path(settings, release.id)
    reports.population = made if made.is_file() else None
    quality = quality_report_path(settings, f"release-{release.id}")
    reports.quality = quality if quality.is_file() else None
    period = previous_period("monthly", clock.today())
    reports.briefing_period = period.name_vi
    progress.report("stage", f"briefing {period.code}")
    outcome = run_job(settings, "briefing_report_job", actor=actor, log_file=log_file,
                      console=console,
                      run_config={"ops": {"reports__briefing": {"config": {
                          "period": period.code}}}})
    if not outcome.success:
        reports.briefing_error = ("; ".join(outcome.failures)
                                  + f" (retry: ioc report briefing --period {period.code})")
        return reports
    key = report_key("briefing", period, release.id, None, None)
    reports.briefing = local_html(settings, key)
    reports.briefing_pdf = reports.briefing.with_suffix(".pdf").is_file()
    return reports


def pending_partition_runs(settings: Settings) -> list[tuple[str, tuple[str, str]]]:
    """(partitioned raw job, (first, last) partition key) for sources with pending deliveries.

    Deliveries dated before the first partition are loaded with the first one."""
    import dagster as dg

    from ioc_pipelines.defs.raw.assets import PARTITIONS

    runs = []
    with connect(settings) as con:
        state.ensure(con)
        for source, partitions in PARTITIONS.items():
            discover(settings, source, con)
            first, last = state.landed_date_range(con, source)
            if first is None:
                continue
            keys = partitions.get_partition_keys()
            monthly = isinstance(partitions, dg.MonthlyPartitionsDefinition)

            def key_of(day, monthly=monthly):
                return (day.replace(day=1) if monthly else day).isoformat()

            lo = min(max(key_of(first), keys[0]), keys[-1])
            hi = min(max(key_of(last), keys[0]), keys[-1])
            runs.append((f"raw_{source}_job", (lo, hi)))
    return runs
