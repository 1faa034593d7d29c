"""Launch Dagster jobs for the doors, and read what Dagster recorded of them.

Runs execute in-process against the home's instance (``$IOC_HOME/dagster``), tagged as runs of
the ``ioc`` code location so the UI lists them on their job's page like runs it launched
itself, with who started them and, for the main job, their outcome (``ioc/outcome``:
``published``, ``waiting_signoff``, ``blocked``). Their full log goes to a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ioc_pipelines.core import storage_failure
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources.dagster_home import write_dagster_home
from ioc_pipelines.settings import Settings

MAIN_JOB = "ioc_main_job"
CODE_LOCATION = "ioc"
# the hidden tag the UI filters a job's runs by (repository@code location)
REPOSITORY_TAG = ".dagster/repository"
REPOSITORY_LABEL = f"__repository__@{CODE_LOCATION}"
OUTCOME_TAG = "ioc/outcome"


@dataclass(frozen=True)
class JobOutcome:
    job: str
    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    storage: str | None = None  # a full disk or the object store down, said in one line


def check_outcomes(events) -> tuple[list[str], list[str]]:
    """(failures, warnings) from a run's Dagster events."""
    import dagster as dg

    failures, warnings = [], []
    for event in events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                text = (f"check {evaluation.check_name} on "
                        f"{evaluation.asset_key.to_user_string()} failed")
                if evaluation.severity == dg.AssetCheckSeverity.WARN:
                    warnings.append(text)
                else:
                    failures.append(text)
        elif event.event_type_value == "STEP_FAILURE":
            # what the step said (a dg.Failure's description), else that it failed
            said = getattr(getattr(event.event_specific_data, "user_failure_data", None),
                           "description", None)
            cause = _innermost(getattr(event.event_specific_data, "error", None))
            failures.append(f"{said} (bước {event.step_key})" if said
                            else f"step {event.step_key} failed" + (f": {cause}" if cause
                                                                    else ""))
    return failures, warnings


def _innermost(error) -> str:
    """The first line of the deepest cause of a step's error (what DuckDB, S3 or the disk
    said, not Dagster's wrapper), at most 200 characters."""
    while error is not None and getattr(error, "cause", None) is not None:
        error = error.cause
    message = (getattr(error, "message", "") or "").strip()
    line = message.splitlines()[0] if message else ""
    kind, _, rest = line.partition(": ")  # "_duckdb.IOException: IO Error: …" → "IO Error: …"
    if rest and getattr(error, "cls_name", None) and kind.endswith(error.cls_name):
        line = rest
    return line[:200]


def run_job(settings: Settings, job_name: str, *, actor: Actor,
            partition_range: tuple[str, str] | None = None, run_config: dict | None = None,
            log_file: Path | None = None, console: bool = False,
            leave_out: frozenset[str] = frozenset(), tags: dict | None = None) -> JobOutcome:
    """Run a job in-process; a partitioned job over ``partition_range`` in one run (the raw
    assets have a single-run backfill policy). Dagster's log goes to ``log_file`` (and to
    stderr with ``console``); progress events to the listeners of ``core/progress.py``."""
    write_dagster_home(settings)
    import dagster as dg

    from ioc_pipelines.defs import build_definitions
    from ioc_pipelines.resources.dbt import prepare_manifest

    manifest = prepare_manifest(settings)  # parse dbt when a model changed: at build time
    job = build_definitions(settings).resolve_job_def(job_name)
    tags = {REPOSITORY_TAG: REPOSITORY_LABEL, **actor.tags(), **(tags or {})}
    if partition_range:
        tags |= {"dagster/asset_partition_range_start": partition_range[0],
                 "dagster/asset_partition_range_end": partition_range[1]}
    loggers = {"console": {"config": {"log_level": "INFO" if console else "CRITICAL"}},
               "ioc_run": {"config": {"path": str(log_file) if log_file else ""}}}
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False, tags=tags,
                                        run_config={**(run_config or {}), "loggers": loggers},
                                        asset_selection=_without(job, leave_out, manifest))
        failures, warnings = check_outcomes(result.all_events)
    storage = None if result.success else storage_failure.describe_texts(settings, failures)
    return JobOutcome(job_name, result.run_id, result.success, failures, warnings, storage)


def _without(job, models: frozenset[str], manifest: Path) -> list | None:
    """The job's assets but the dbt models ``models`` (unique ids in ``manifest``;
    core/selective.py), or None (the whole job) when none is left out."""
    if not models:
        return None
    import json

    from ioc_pipelines.defs.warehouse.assets import IocDbtTranslator

    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    translator = IocDbtTranslator()
    left = {translator.get_asset_key(nodes[uid]) for uid in models}
    return sorted(job.asset_layer.selected_asset_keys - left)


def tag_outcome(settings: Settings, run_id: str, outcome: str) -> None:
    """Say on the run what it came to (the UI shows the tag on the run and its job's page)."""
    write_dagster_home(settings)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        instance.add_run_tags(run_id, {OUTCOME_TAG: outcome})


def newest_main_run(instance) -> dict | None:
    """The newest run of the main job (from the CLI, the UI or a schedule): when, its status,
    and why it did not publish."""
    import dagster as dg

    runs = instance.get_runs(filters=dg.RunsFilter(job_name=MAIN_JOB), limit=1)
    if not runs:
        return None
    run = runs[0]
    record = instance.get_run_record_by_id(run.run_id)
    failures, warnings = check_outcomes(
        entry.dagster_event for entry in instance.all_logs(run.run_id)
        if entry.dagster_event is not None)
    started = record.start_time if record is not None else None
    return {"run_id": run.run_id, "status": run.status.value,
            "started_at": (datetime.fromtimestamp(started).astimezone().isoformat()
                           if started else None),
            "outcome": run.tags.get(OUTCOME_TAG),
            "failures": failures, "warnings": warnings}


def last_main_run(settings: Settings) -> dict | None:
    """The newest main run, or None — also when Dagster's storage cannot be opened (a full
    disk: SQLite cannot open its journal), so that status still shows the release served."""
    write_dagster_home(settings)
    import dagster as dg
    from sqlalchemy.exc import OperationalError

    try:
        with dg.DagsterInstance.get() as instance:
            return newest_main_run(instance)
    except OperationalError:
        return None
