"""The ``settings`` resource every asset and check gets, holding the home's lock for the whole
run: a run launched from the Dagster UI, by a schedule or by a sensor waits for an ``ioc run``
(or an approval, a delivery …) in progress — and they for it — exactly as two commands do.

A run launched in-process by a door that already holds the lock (``ioc run``) holds it already:
the lock is re-entrant within a thread, and in-process runs execute in the caller's thread. Jobs that change no state (the briefings, rendered from a pinned release) say so with
the job tag ``ioc/home_lock: none``. The holder is named after the run's actor tag (``ioc/actor``)
or, for a run the UI or the daemon started, after the job and the schedule or sensor.

A run a door started is audited by the door (``core.runs``); a run started in Dagster — the
UI's launchpad, a schedule, a sensor — is audited here, where it takes the lock: its start and
how it finished (the steps that failed), under the schedule's or sensor's name or "Dagster
UI"."""

from __future__ import annotations

import dagster as dg

from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import describe_holder
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.settings import Settings

NO_LOCK_TAG = {"ioc/home_lock": "none"}


def _failed_steps(context: dg.InitResourceContext, run_id: str) -> list[str]:
    records = context.instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_FAILURE).records
    return sorted({r.event_log_entry.step_key or "?" for r in records})


def settings_resource(settings: Settings) -> dg.ResourceDefinition:
    @dg.resource(description="The home's settings; holds the home's lock while a run that "
                 "changes state executes (a second one waits).")
    def settings_for_run(context: dg.InitResourceContext):
        run = context.run
        if run is None or run.tags.get("ioc/home_lock") == NO_LOCK_TAG["ioc/home_lock"]:
            yield settings  # a run that changes nothing
            return
        purpose = f"Dagster run {run.run_id[:8]} of {run.job_name}"

        def waiting(other: dict) -> None:
            context.log.info(f"waiting for {describe_holder(other)}")

        actor = Actor.from_run_tags(run.tags)
        with home_lock(settings, actor, purpose, on_wait=waiting):
            if Actor.started_by_door(run.tags):
                yield settings  # the door audits its own run
                return
            # started in Dagster (the UI, a schedule, a sensor): audited here, as a door would
            audit.record(settings, actor, "run.start", run.job_name,
                         detail={"run_id": run.run_id})
            try:
                yield settings
            finally:
                failed = _failed_steps(context, run.run_id)
                audit.record(settings, actor, "run.finish", run.job_name,
                             outcome="failed" if failed else "ok",
                             detail={"run_id": run.run_id, "failed_steps": failed})

    return settings_for_run
