"""What Dagster recorded of the main job's runs: why a run did not publish (failed blocking
checks, failed steps) and what it published with (failed warn-level checks). Read by
``ioc status``, ``ioc run`` and the quality report."""

from __future__ import annotations

from datetime import datetime

MAIN_JOB = "ioc_main_job"


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
            failures.append(f"step {event.step_key} failed")
    return failures, warnings


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
            "failures": failures, "warnings": warnings}
