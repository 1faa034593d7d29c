"""``ioc`` — the command line of the IOC lakehouse (see ``ioc --help``)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from ioc_pipelines.runs import check_outcomes
from ioc_pipelines.settings import REPO_ROOT, Settings, SettingsError, load_settings


def _print(msg: str = "") -> None:
    print(msg, flush=True)


def _fail(msg: str, code: int = 2) -> int:
    print(f"ioc: error: {msg}", file=sys.stderr, flush=True)
    return code


# ---------------------------------------------------------------- set-up and environment
def write_dagster_home(settings: Settings) -> Path:
    """Dagster's instance lives under $IOC_HOME/dagster (PostgreSQL when configured)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if settings.dagster_storage == "sqlite":
        storage = {"sqlite": {"base_dir": str(home / "storage")}}
    else:
        storage = {"postgres": {"postgres_url": settings.dagster_storage}}
    import yaml

    config = {"storage": storage, "telemetry": {"enabled": False},
              "local_artifact_storage": {"module": "dagster._core.storage.root",
                                         "class": "LocalArtifactStorage",
                                         "config": {"base_dir": str(home / "artifacts")}}}
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def cmd_setup(settings: Settings, args) -> int:
    from ioc_pipelines.resources.dbt import prepare_manifest
    from ioc_pipelines.resources.extensions import install_extensions

    new = install_extensions()
    _print(f"DuckDB extensions ready ({', '.join(new) + ' installed' if new else 'already installed'})")
    manifest = prepare_manifest(settings, force=True)
    _print(f"dbt project parsed: {manifest}")
    write_dagster_home(settings)
    _print(f"Dagster home: {settings.dagster_home}")
    return 0


# ---------------------------------------------------------------- data in
def cmd_demo_data(settings: Settings, args) -> int:
    from ioc_pipelines.demo import generate_province

    out = Path(args.out) if args.out else settings.demo_dir
    if args.people is not None:  # the registry alone, a given number of people
        from ioc_pipelines.demo.population import generate

        manifest = generate(out, province=args.province, people=args.people, seed=args.seed,
                            as_of=date.fromisoformat(args.as_of) if args.as_of else None)
        _print(f"generated {manifest['people']} people under {out}")
        return _ingest_demo(settings, out) if args.ingest else 0
    _print(f"generating {args.province} (scale {args.scale}, {args.months} months, seed "
           f"{args.seed}) under {out} …")
    manifest = generate_province(out, province=args.province, scale=args.scale, seed=args.seed,
                                 months=args.months,
                                 as_of=date.fromisoformat(args.as_of) if args.as_of else None,
                                 log=_print)
    by_source: dict[str, list] = {}
    for d in manifest["deliveries"]:
        by_source.setdefault(d["source"], []).append(d)
    for source, items in by_source.items():
        rows = sum(sum(d["rows"].values()) for d in items)
        late = sum(d["status"] == "late" for d in items)
        _print(f"  {source:<13} {len(items):4} files {rows:>10,} records  ({late} late)")
    _print(f"missing deliveries: {len(manifest['missing_deliveries'])}; injected defects: "
           f"{len(manifest['defects'])} of {len(set(d['defect'] for d in manifest['defects']))} "
           f"types; {manifest['generated_in_seconds']} s")
    _print(f"landing files: {out / 'landing'}")
    _print(f"truth: {manifest['manifest']}")
    return _ingest_demo(settings, out) if args.ingest else 0


def _ingest_demo(settings: Settings, out: Path) -> int:
    """Deliver every file of a generated landing tree, source by source."""
    from connectors import SOURCES, ConnectorError
    from ioc_pipelines.landing import ingest_files
    from ioc_pipelines.resources.lakes import init_lakes

    init_lakes(settings)
    failures = 0
    for source in SOURCES:
        files = sorted((out / "landing" / source).glob("*/*"))
        if not files:
            continue
        results = ingest_files(settings, source, files)
        landed = sum(1 for r in results if not isinstance(r, ConnectorError)
                     and r.status == "landed")
        rejected = [r for r in results if isinstance(r, ConnectorError)]
        failures += len(rejected)
        _print(f"  delivered {source:<13} {landed:4} new of {len(files)} files"
               + (f", {len(rejected)} rejected" if rejected else ""))
        for r in rejected:
            print(f"ioc: rejected {r}", file=sys.stderr, flush=True)
    return 1 if failures else 0


def cmd_ingest(settings: Settings, args) -> int:
    from connectors import ConnectorError, get_connector
    from ioc_pipelines.landing import ingest_files
    from ioc_pipelines.resources.lakes import init_lakes

    try:
        get_connector(args.source)
    except ValueError as exc:
        return _fail(str(exc))
    init_lakes(settings)
    results = ingest_files(settings, args.source, [Path(f) for f in args.files],
                           provider=args.provider,
                           delivery_date=date.fromisoformat(args.date) if args.date else None)
    failures = 0
    for file, result in zip(args.files, results, strict=True):
        if isinstance(result, ConnectorError):
            failures += 1
            print(f"ioc: rejected {result}", file=sys.stderr, flush=True)
            continue
        suffix = f" ({result.detail})" if result.detail else ""
        _print(f"{result.status}: {file} -> {result.key} [{result.delivery_id}]{suffix}")
    return 1 if failures else 0


# ---------------------------------------------------------------- the main job
def cmd_run(settings: Settings, args) -> int:
    from ioc_pipelines.demo import PROVINCES
    from ioc_pipelines.publish import current_release
    from ioc_pipelines.resources.lakes import analyst_attach_sql, init_lakes
    from ioc_pipelines.resources.object_store import object_store

    init_lakes(settings)
    store = object_store(settings)
    if not store.list(settings.work_bucket, "landing/") and not args.no_demo:
        from ioc_pipelines.demo import generate_province

        province = next(k for k, v in PROVINCES.items() if v["code"] == settings.province_code)
        _print(f"landing zone is empty: generating demo data for {province} "
               f"(scale {args.scale}, {args.months} months) …")
        manifest = generate_province(settings.demo_dir, province=province, scale=args.scale,
                                     seed=args.seed, months=args.months, log=_print)
        _print(f"  {len(manifest['deliveries'])} files, {len(manifest['defects'])} injected "
               f"defects; truth: {manifest['manifest']}")
        _ingest_demo(settings, settings.demo_dir)

    for job_name, window in pending_partition_runs(settings):
        _print(f"loading {job_name} for delivery dates {window[0]} … {window[1]}")
        outcome = run_job(settings, job_name, partition_range=window)
        if not outcome["success"]:
            _print("; ".join(outcome["failures"]) or f"{job_name} failed")
            return 1

    outcome = run_main_job(settings, approved_by=args.approve_by)
    if not outcome["success"]:
        # the quarantine was built: providers still get their rejection reports
        rejections = run_job(settings, "rejection_reports_job")
        _print()
        _print("The run did not publish: " + "; ".join(outcome["failures"] or ["see the log above"]))
        current = current_release(settings)
        _print(f"The published warehouse still serves release {current.id}." if current
               else "Nothing has been published yet.")
        if rejections["success"]:
            _print(f"Rejection reports: {settings.reports_dir / 'rejections'}")
        blocked = _quality_report_path(settings, f"blocked-{outcome['run_id'][:8]}")
        if blocked.is_file():
            _print(f"Quality report (what blocked): {blocked}")
        return 1
    release = current_release(settings)
    candidate = _run_candidate(settings, outcome["run_id"])
    if candidate is not None and candidate.status == "waiting":
        _print()
        _print(f"Candidate {candidate.id} waits for sign-off: new deliveries of "
               + ", ".join(f"{s} ({len(ids)})" for s, ids in candidate.awaiting.items())
               + " — contracts that require it.")
        _print("Quality report to review: "
               + str(_quality_report_path(settings, f"candidate-{candidate.id}")))
        _print(f"Review it, then: ioc approve {candidate.id} --by NAME  "
               f"(or: ioc reject {candidate.id} --by NAME --reason TEXT)")
        _print(f"The published warehouse still serves release {release.id}." if release
               else "Nothing has been published yet.")
        return 0
    report = settings.reports_dir / "population" / f"release-{release.id}" / "dan-so-theo-xa.html"
    _print()
    _print(f"Published release {release.id} ({release.published_at:%Y-%m-%d %H:%M:%S}): "
           + ", ".join(f"{k} ({v} rows)" for k, v in release.tables.items()))
    _print(f"Report: {report}")
    _print(f"Quality report: {_quality_report_path(settings, f'release-{release.id}')}")
    if outcome.get("warnings"):
        _print("Published with warnings: " + "; ".join(outcome["warnings"]))
    _print(f"Rejection reports: {settings.reports_dir / 'rejections'}")
    _briefing_after_run(settings)
    if settings.s3 is None:
        _print(f"Analysts: duckdb -c \"{analyst_attach_sql(settings, None)} "
               "SELECT * FROM ioc.population_by_commune_sex_age LIMIT 5\"")
    _print("Status: ioc status --json")
    return 0


def _briefing_after_run(settings: Settings) -> None:
    """Last month's socio-economic briefing from the new release (the job the monthly
    schedule runs), so a run ends with the report the leadership reads."""
    from ioc_pipelines.reports.briefing import report_key
    from ioc_pipelines.reports.periods import previous_period

    period = previous_period("monthly", date.today())
    outcome = run_job(settings, "briefing_report_job",
                      run_config={"ops": {"reports__briefing": {"config": {
                          "period": period.code}}}})
    if not outcome["success"]:
        _print(f"Briefing {period.code} not made: " + "; ".join(outcome["failures"])
               + f" (retry: ioc report briefing --period {period.code})")
        return
    from ioc_pipelines.publish import current_release

    key = report_key("briefing", period, current_release(settings).id, None, None)
    html = settings.reports_dir / (key.removeprefix("reports/") + ".html")
    _print(f"Briefing {period.name_vi}: {html} (+ .pdf)")


def pending_partition_runs(settings: Settings) -> list[tuple[str, tuple[str, str]]]:
    """(partitioned raw job, (first, last) partition key) for sources with pending deliveries.

    Deliveries dated before the first partition are loaded with the first one."""
    import dagster as dg

    from ioc_pipelines.defs.raw.assets import PARTITIONS
    from ioc_pipelines.landing import DELIVERIES_DDL, discover
    from ioc_pipelines.resources.lakes import connect

    runs = []
    with connect(settings) as con:
        con.execute(DELIVERIES_DDL)
        for source, partitions in PARTITIONS.items():
            discover(settings, source, con)
            first, last = con.execute(
                "SELECT min(delivery_date), max(delivery_date) FROM work.ops.deliveries "
                "WHERE source = ? AND status = 'landed'", [source]).fetchone()
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


def _quality_report_path(settings: Settings, label: str) -> Path:
    from ioc_pipelines.reports.quality import FILE_NAME

    return settings.reports_dir / "quality" / label / FILE_NAME


def _run_candidate(settings: Settings, run_id: str):
    from ioc_pipelines.publish import list_candidates

    return next((c for c in reversed(list_candidates(settings)) if c.run_id == run_id), None)


def run_main_job(settings: Settings, approved_by: str | None = None) -> dict:
    """Run ioc_main_job in-process against the instance under $IOC_HOME/dagster; with
    ``approved_by`` its candidate is signed off by that person."""
    config = ({"ops": {"published__release": {"config": {"approved_by": approved_by}}}}
              if approved_by else {})
    return run_job(settings, "ioc_main_job", run_config=config)


def run_job(settings: Settings, job_name: str,
            partition_range: tuple[str, str] | None = None,
            run_config: dict | None = None) -> dict:
    """Run a job in-process against the instance under $IOC_HOME/dagster; a partitioned job
    over ``partition_range`` in one run (the raw assets have a single-run backfill policy)."""
    write_dagster_home(settings)
    import dagster as dg

    from ioc_pipelines.defs import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def(job_name)
    tags = {}
    if partition_range:
        tags = {"dagster/asset_partition_range_start": partition_range[0],
                "dagster/asset_partition_range_end": partition_range[1]}
    with dg.DagsterInstance.get() as instance:
        # INFO keeps the progress lines (steps, deliveries, checks, release) without the
        # per-event DEBUG flood
        result = job.execute_in_process(
            instance=instance, raise_on_error=False, tags=tags,
            run_config={**(run_config or {}),
                        "loggers": {"console": {"config": {"log_level": "INFO"}}}})
        failures, warnings = check_outcomes(result.all_events)
        return {"success": result.success, "run_id": result.run_id, "failures": failures,
                "warnings": warnings}


def last_main_run(settings: Settings) -> dict | None:
    write_dagster_home(settings)
    import dagster as dg

    from ioc_pipelines.runs import newest_main_run

    with dg.DagsterInstance.get() as instance:
        return newest_main_run(instance)


# ---------------------------------------------------------------- warehouse state
def cmd_status(settings: Settings, args) -> int:
    from ioc_pipelines.publish import current_release, list_candidates, list_releases
    from ioc_pipelines.resources.lakes import analyst_attach_sql

    release = current_release(settings)
    status = {
        "release": release.id if release else None,
        "published_at": release.published_at.isoformat() if release else None,
        "code_version": release.info.get("code_version") if release else None,
        "run_id": release.info.get("run_id") if release else None,
        "tables": release.tables if release else {},
        "releases": len(list_releases(settings)),
        "object_store": settings.object_store,
        "published_attach": analyst_attach_sql(settings, release.id) if release else None,
        "last_run": last_main_run(settings),
        "approved_by": (release.info.get("sign_off") or {}).get("approved_by") if release else None,
        "waiting_candidates": [
            {"id": c.id, "run_id": c.run_id, "created_at": c.created_at.isoformat(" ", "seconds"),
             "awaiting": {s: len(ids) for s, ids in c.awaiting.items()}}
            for c in list_candidates(settings) if c.status == "waiting"],
    }
    if args.json:
        _print(json.dumps(status, ensure_ascii=False, indent=2))
        return 0
    last = status["last_run"]
    if last is not None and last["status"] != "SUCCESS":
        _print(f"Last run {last['run_id'][:8]} ({last['started_at'] or '?'}): {last['status']} — "
               "did not publish: " + ("; ".join(last["failures"]) or "see `ioc ui`"))
    if last is not None and last["warnings"]:
        _print("Warnings of the last run: " + "; ".join(last["warnings"]))
    for candidate in status["waiting_candidates"]:
        _print(f"Candidate {candidate['id']} (run {candidate['run_id'][:8]}, "
               f"{candidate['created_at']}) waits for sign-off: "
               + ", ".join(f"{s} ({n} deliveries)" for s, n in candidate["awaiting"].items())
               + f" — ioc approve {candidate['id']} --by NAME")
    if release is None:
        _print("No release published yet. Run `ioc run`.")
        return 0
    if "republished_from" in release.info:
        _print(f"Current release {release.id} republishes release "
               f"{release.info['republished_from']} (by {release.author}"
               + (f": {release.info['reason']}" if release.info.get("reason") else "") + ")")
    _print(f"Current release: {release.id} (published {release.published_at:%Y-%m-%d %H:%M:%S}, "
           f"code {status['code_version']}, run {status['run_id']}"
           + (f", approved by {status['approved_by']}" if status["approved_by"] else "") + ")")
    for name, rows in release.tables.items():
        _print(f"  {name}: {rows} rows")
    _print(f"Releases so far: {status['releases']}")
    if settings.s3 is None:
        _print(f"Read it: {status['published_attach']}")
    else:
        _print("Read it: `ioc status --json` gives the analyst SQL (with the analyst credentials)")
    return 0


def cmd_sql(settings: Settings, args) -> int:
    """Run SQL against the work lake (``work.…``) and the published lake (``published.…``,
    read-only): for engineers checking deliveries, raw loads and quarantine."""
    import duckdb

    from ioc_pipelines.resources.extensions import ensure_extensions
    from ioc_pipelines.resources.lakes import connect

    with connect(settings, published=True, published_read_only=True) as con:
        ensure_extensions(con, ["spatial"])  # geometry columns and ST_ functions
        try:
            rel = con.sql(args.query)
        except duckdb.Error as exc:
            return _fail(str(exc).splitlines()[0])
        if rel is None:
            return 0
        if args.csv:
            rel.write_csv("/dev/stdout")
        else:
            rel.show(max_rows=args.max_rows, max_width=200)
    return 0


def cmd_docs(settings: Settings, args) -> int:
    """Regenerate docs/sources/<source>.md from the contracts (notes below the marker kept)."""
    from connectors import SOURCES
    from connectors.docs import merged

    folder = REPO_ROOT / "docs" / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    for source in SOURCES:
        page = folder / f"{source}.md"
        old = page.read_text(encoding="utf-8") if page.exists() else None
        new = merged(source, old)
        if new != old:
            page.write_text(new, encoding="utf-8")
            _print(f"updated {page.relative_to(REPO_ROOT)}")
    return 0


def cmd_releases(settings: Settings, args) -> int:
    from ioc_pipelines.publish import list_candidates, list_releases

    releases = list_releases(settings)
    if not releases:
        _print("No release published yet.")
    for r in releases:
        tables = f"{len(r.tables)} tables, {sum(r.tables.values()):,} rows"
        approver = (r.info.get("sign_off") or {}).get("approved_by")
        origin = (f"republished release {r.info['republished_from']} by {r.author}"
                  + (f" ({r.info['reason']})" if r.info.get("reason") else "")
                  if "republished_from" in r.info else
                  f"run {r.info.get('run_id', '')[:8]}"
                  + (f", candidate {r.info['candidate']}" if "candidate" in r.info else "")
                  + (f", approved by {approver}" if approver else ""))
        _print(f"{r.id:>5}  {r.published_at:%Y-%m-%d %H:%M:%S}  {r.info.get('code_version', '')}  "
               f"{origin}  {tables}")
    unpublished = [c for c in list_candidates(settings) if c.status != "published"]
    if unpublished:
        _print("Candidates not published:")
    for c in unpublished:
        decided = (f" by {c.decided_by}" if c.decided_by else "") + (
            f": {c.reason}" if c.reason else "")
        _print(f"  candidate {c.id:>3}  {c.created_at:%Y-%m-%d %H:%M:%S}  run {c.run_id[:8]}  "
               f"{c.status}{decided}  awaiting "
               + (", ".join(f"{s} ({len(ids)})" for s, ids in c.awaiting.items()) or "nothing"))
    return 0


def cmd_approve(settings: Settings, args) -> int:
    """Sign a candidate off: publish it as the new release, recording who approved."""
    from ioc_pipelines.publish import PublishError, approve
    try:
        release = approve(settings, args.candidate, by=args.by)
    except PublishError as exc:
        return _fail(str(exc))
    _report_release_to_dagster(settings, release)
    _print(f"Candidate {args.candidate} approved by {args.by}: published release {release.id} "
           f"({len(release.tables)} tables).")
    from ioc_pipelines.reports.quality import release_scope, render_quality_report

    report = render_quality_report(settings, release_scope(settings, release.id))
    _print(f"Quality report: {report.local_path}")
    return 0


def cmd_quality_report(settings: Settings, args) -> int:
    """The liaison team's HTML quality report of a release (default: the current one) or of
    a candidate."""
    from ioc_pipelines.reports.quality import (
        candidate_scope,
        release_scope,
        render_quality_report,
    )
    from ioc_pipelines.reports.rendering import ReportError
    try:
        scope = (candidate_scope(settings, args.candidate) if args.candidate is not None
                 else release_scope(settings, args.release))
        report = render_quality_report(settings, scope)
    except ReportError as exc:
        return _fail(str(exc))
    overall = ", ".join(f"{p} {o['share']:.1%}" for p, o in report.figures["overall"].items()
                        if o["share"] is not None)
    _print(f"{scope.title}: {report.local_path} (object {report.key}; {overall})")
    return 0


def cmd_reject(settings: Settings, args) -> int:
    """Keep a candidate out of the warehouse (recorded with who and why)."""
    from ioc_pipelines.publish import PublishError, current_release, reject
    try:
        reject(settings, args.candidate, by=args.by, reason=args.reason)
    except PublishError as exc:
        return _fail(str(exc))
    current = current_release(settings)
    _print(f"Candidate {args.candidate} rejected by {args.by}: {args.reason}. "
           + (f"Release {current.id} stays current." if current else "Nothing is published."))
    return 0


def _report_release_to_dagster(settings: Settings, release) -> None:
    """A release published outside a run (sign-off) still shows in the UI's asset history."""
    write_dagster_home(settings)
    import dagster as dg

    from ioc_pipelines.defs.publish.assets import RELEASE, release_metadata

    with dg.DagsterInstance.get() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=RELEASE, description=f"approved by {release.author}",
            metadata=release_metadata(settings, release)))


def cmd_publish(settings: Settings, args) -> int:
    """Rollback: make an earlier release current again (recorded as a new release)."""
    from ioc_pipelines.publish import PublishError, republish
    try:
        release = republish(settings, args.release, by=args.by, reason=args.reason or "")
    except PublishError as exc:
        return _fail(str(exc))
    _print(f"Published release {release.id}: the tables of release {args.release} as they were "
           f"({', '.join(f'{k}={v}' for k, v in release.tables.items())}), by {args.by}.")
    return 0


def cmd_rejection_report(settings: Settings, args) -> int:
    """Rejection reports (CSV + Excel) per provider and delivery from the quarantine."""
    from ioc_pipelines.reports.rejections import render_rejection_reports
    reports = render_rejection_reports(settings, provider=args.provider,
                                       delivery_id=args.delivery)
    if not reports:
        _print("No rejected records" + (f" for {args.provider}" if args.provider else "") + ".")
        return 0
    for r in reports:
        _print(f"{r.provider:<12} {r.delivery_id:<40} {r.records:>6} records  "
               f"{r.local_dir / Path(r.xlsx_key).name}")
    return 0


def cmd_report(settings: Settings, args) -> int:
    """A briefing (socio-economic, IOC operations, sector view) as HTML and PDF, or the
    population table, from one release (default: the current one)."""
    from ioc_pipelines.reports.rendering import ReportError

    if args.kind == "population":
        from ioc_pipelines.reports.population import render_population_report

        try:
            report = render_population_report(settings, args.release)
        except ReportError as exc:
            return _fail(str(exc))
        _print(f"release {report.release_id}: {report.local_path} (object {report.key})")
        return 0
    from ioc_pipelines.reports.areas import AreaError, parse_area
    from ioc_pipelines.reports.briefing import render_report
    from ioc_pipelines.reports.periods import PeriodError, parse_period, previous_period

    try:
        period = (parse_period(args.period) if args.period else previous_period(
            "quarterly" if args.kind == "operations" else "monthly", date.today()))
        area = parse_area(args.area) if args.area else None
        _print(f"{args.kind} report, {period.name_vi} ({period.code}) …")
        report = render_report(settings, args.kind, period, release_id=args.release,
                               sector=args.sector, area=area, pdf=not args.no_pdf)
    except (ReportError, PeriodError, AreaError) as exc:
        return _fail(str(exc))
    _print(f"release {report.release_id}: {report.html_path}")
    if report.pdf_path:
        _print(f"PDF: {report.pdf_path}")
    _print(f"object store: {settings.published_bucket}/{report.key}"
           + (" (and .pdf)" if report.pdf_path else ""))
    return 0


def cmd_reports(settings: Settings, args) -> int:
    """The reports stored on the object store, by kind and period."""
    from ioc_pipelines.reports.briefing import list_reports

    reports = [r for r in list_reports(settings)
               if args.kind is None or r["kind"] == args.kind]
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
        return 0
    if not reports:
        _print("no reports yet: `ioc report briefing --period 2026-10` makes one")
        return 0
    for r in reports:
        _print(f"{r['kind']:<11} {r['period']:<24} {r['size']:>9,} B  {r['key']}")
    _print(f"{len(reports)} files in bucket {settings.published_bucket}")
    return 0


# ---------------------------------------------------------------- local S3 and UI
def _seaweed_dir(settings: Settings) -> Path:
    return settings.home / "seaweedfs"


def cmd_up(settings: Settings, args) -> int:
    from ioc_pipelines.resources import seaweedfs

    folder = _seaweed_dir(settings)
    server = seaweedfs.running(folder)
    if server is None:
        _print(f"starting SeaweedFS (data in {folder}) …")
        server = seaweedfs.start(folder, published_bucket=settings.published_bucket,
                                 base_port=args.port)
    env = server.env(settings.work_bucket, settings.published_bucket)
    env_file = folder / "ioc.env"
    fd = os.open(env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("".join(f"{k}={v}\n" for k, v in env.items()))
    s3_settings = load_settings({**os.environ, **env})
    from ioc_pipelines.resources.object_store import object_store

    store = object_store(s3_settings)
    for bucket in (settings.work_bucket, settings.published_bucket):
        store.ensure_bucket(bucket)
    _print(f"SeaweedFS S3 on {server.endpoint} (pid {server.pid}); buckets "
           f"{settings.work_bucket}, {settings.published_bucket}")
    _print(f"identities: pipeline (read/write) and analyst (read-only, {settings.published_bucket})")
    _print(f"settings for the pipeline: {env_file} — use it with IOC_ENV_FILE={env_file} "
           "(or copy it to .env); use a separate IOC_HOME from the embedded default")
    return 0


def cmd_down(settings: Settings, args) -> int:
    from ioc_pipelines.resources import seaweedfs

    stopped = seaweedfs.stop(_seaweed_dir(settings))
    _print("SeaweedFS stopped" if stopped else "SeaweedFS was not running")
    return 0


def cmd_ui(settings: Settings, args) -> int:
    home = write_dagster_home(settings)
    _print(f"Dagster UI with instance {home} on http://127.0.0.1:{args.port}")
    return subprocess.call(
        [str(Path(sys.executable).with_name("dagster")), "dev", "-w",
         str(REPO_ROOT / "workspace.yaml"), "-h", "127.0.0.1", "-p", str(args.port)],
        env={**os.environ, "DAGSTER_HOME": str(home)},
    )


def cmd_dbt(settings: Settings, args) -> int:
    """dbt itself on the work lake, with the generated profile and the pipeline's variables:
    `ioc dbt build --select marts`, `ioc dbt test`, `ioc dbt docs generate` …"""
    from ioc_pipelines.resources.dbt import PROFILE, dbt_executable, dbt_vars_arg, write_profile
    from ioc_pipelines.resources.extensions import install_extensions
    from ioc_pipelines.settings import DBT_PROJECT_DIR

    if not args.dbt_args:
        return _fail("give dbt a command, e.g. `ioc dbt build --select marts`")
    install_extensions()
    profiles = write_profile(settings)
    extra = [] if "--vars" in args.dbt_args else dbt_vars_arg(settings)
    command = [dbt_executable(), *args.dbt_args, "--profiles-dir", str(profiles),
               "--profile", PROFILE, *extra]
    return subprocess.call(command, cwd=DBT_PROJECT_DIR)


# ---------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ioc", description="IOC lakehouse: land, curate, gate and publish provincial data.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("setup", help="install DuckDB extensions from PyPI packages, parse dbt")

    p = sub.add_parser("run", help="the main job end to end (demo data if the landing zone is empty)")
    p.add_argument("--scale", type=float, default=0.02, help="demo size as a share of the province")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--months", type=int, default=3, help="months of demo deliveries")
    p.add_argument("--no-demo", action="store_true", help="never generate demo data")
    p.add_argument("--approve-by", metavar="NAME", default=None,
                   help="sign off this run's candidate as NAME (recorded); without it a "
                   "candidate with new deliveries of sign-off sources waits for `ioc approve`")

    p = sub.add_parser("ingest", help="deliver files of a source into the landing zone")
    p.add_argument("source")
    p.add_argument("files", nargs="+")
    p.add_argument("--provider", help="provider code (default: the file's PROVIDER__ prefix, "
                   "else the contract's)")
    p.add_argument("--date", help="delivery date YYYY-MM-DD (default: the file's YYYY-MM-DD "
                   "folder, else today)")

    sub.add_parser("docs", help="regenerate docs/sources/<source>.md from the contracts")

    p = sub.add_parser("dbt", help="run dbt on the work lake with the pipeline's profile and "
                       "variables, e.g. `ioc dbt build --select marts`")
    p.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt command and options")

    p = sub.add_parser("sql", help="query the work and published lakes (engineers)")
    p.add_argument("query", help="e.g. \"SELECT source, status, count(*) FROM "
                   "work.ops.deliveries GROUP BY ALL\"")
    p.add_argument("--csv", action="store_true", help="CSV on stdout instead of a table")
    p.add_argument("--max-rows", type=int, default=40)

    p = sub.add_parser("demo-data", help="generate a demo province with injected defects")
    p.add_argument("--province", choices=["laichau", "hungyen"], default="laichau")
    p.add_argument("--scale", type=float, default=0.02,
                   help="share of the real province (1.0 = ≈0.51 M people for Lai Châu)")
    p.add_argument("--months", type=int, default=12, help="months of periodic deliveries")
    p.add_argument("--people", type=int, default=None,
                   help="only the population registry, with this many people")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--as-of", help="date of the newest delivery (default: today)")
    p.add_argument("--out", help="output directory (default: $IOC_HOME/demo)")
    p.add_argument("--ingest", action="store_true", help="also deliver the files to the landing zone")

    p = sub.add_parser("status", help="the current release and how to read it")
    p.add_argument("--json", action="store_true")
    sub.add_parser("releases", help="list published releases")

    p = sub.add_parser("publish", help="rollback: publish an earlier release again as the "
                       "current one (recorded as a new release)")
    p.add_argument("--release", type=int, required=True, help="the release to serve again")
    p.add_argument("--by", required=True, help="who decides (recorded in the release)")
    p.add_argument("--reason", help="why (recorded in the release)")

    p = sub.add_parser("approve", help="sign a candidate release off and publish it")
    p.add_argument("candidate", type=int, help="candidate number (ioc status / ioc releases)")
    p.add_argument("--by", required=True, help="who approves (recorded in the release)")
    p = sub.add_parser("reject", help="keep a candidate release out of the warehouse")
    p.add_argument("candidate", type=int)
    p.add_argument("--by", required=True, help="who rejects (recorded)")
    p.add_argument("--reason", required=True, help="why (recorded)")

    p = sub.add_parser("quality-report", help="the liaison team's HTML quality report of a "
                       "release (default: the current one) or a candidate")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--release", type=int, default=None)
    group.add_argument("--candidate", type=int, default=None)

    p = sub.add_parser("rejection-report", help="rejected records per provider and delivery, "
                       "with reasons and fixes in Vietnamese (CSV and Excel)")
    p.add_argument("--provider", help="only this provider (e.g. CA_TINH, SYT, XA_03388)")
    p.add_argument("--delivery", help="only this delivery id")

    p = sub.add_parser("report", help="render a briefing report (HTML and PDF) from a release")
    p.add_argument("kind", choices=["briefing", "operations", "sector", "population"],
                   help="briefing: socio-economic situation; operations: the IOC's own "
                   "(quarter, half-year, year); sector: one sector for an area; population")
    p.add_argument("--release", type=int, default=None,
                   help="the release to read (default: the current one); the same kind, "
                   "period and release give the same bytes")
    p.add_argument("--period", default=None,
                   help="2026-W47, 2026-10, 2026-Q3, 2026-H1, 2026 or 2026-03-01..2026-05-15 "
                   "(default: last month; operations: last quarter)")
    p.add_argument("--sector", default=None, help="sector view: health, education, transport, "
                   "environment, public_order, social_welfare")
    p.add_argument("--area", default=None, help="sector view: commune:03388, "
                   "radius:LON,LAT,KM or polygon:POLYGON((lon lat, …))")
    p.add_argument("--no-pdf", action="store_true", help="HTML only (no Chromium needed)")
    p = sub.add_parser("reports", help="list the reports stored on the object store")
    p.add_argument("--kind", default=None, help="only this kind (briefing, operations, …)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("up", help="start a local SeaweedFS S3 server on 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help="base port (master; S3 is base+3)")
    sub.add_parser("down", help="stop the local SeaweedFS server")
    p = sub.add_parser("ui", help="start the Dagster UI")
    p.add_argument("--port", type=int, default=3000)
    return parser


COMMANDS = {
    "setup": cmd_setup, "run": cmd_run, "ingest": cmd_ingest, "demo-data": cmd_demo_data,
    "sql": cmd_sql, "docs": cmd_docs, "dbt": cmd_dbt, "publish": cmd_publish,
    "rejection-report": cmd_rejection_report, "approve": cmd_approve, "reject": cmd_reject,
    "quality-report": cmd_quality_report,
    "status": cmd_status, "releases": cmd_releases, "report": cmd_report, "reports": cmd_reports,
    "up": cmd_up,
    "down": cmd_down, "ui": cmd_ui,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(f"configuration: {exc}")
    return COMMANDS[args.command](settings, args)


if __name__ == "__main__":
    sys.exit(main())
