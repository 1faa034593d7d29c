"""The ``settings`` resource every asset and check gets, holding the home's lock for the whole
run: a run launched from the Dagster UI, by a schedule or by a sensor waits for an ``ioc run``
(or an approval, a delivery …) in progress — and they for it — exactly as two commands do.

A run launched in-process by a door that already holds the lock (``ioc run``) holds it already:
the lock is re-entrant within a thread, and in-process runs execute in the caller's thread. Jobs that change no state (the briefings, rendered from a pinned release) say so with
the job tag ``ioc/home_lock: none``. The holder is named after the run's actor tag (``ioc/actor``)
or, for a run the UI or the daemon started, after the job and the schedule or sensor."""

from __future__ import annotations

import dagster as dg

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import describe_holder
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.settings import Settings

NO_LOCK_TAG = {"ioc/home_lock": "none"}


def run_actor(tags: dict) -> Actor:
    """Who a run acts for: the door's actor tag, else what started it in Dagster."""
    if tags.get("ioc/actor"):
        return Actor(tags["ioc/actor"], tags.get("ioc/via", "dagster"),
                     tags.get("ioc/role", "operator"))
    starter = tags.get("dagster/schedule_name") or tags.get("dagster/sensor_name")
    return Actor(starter or tags.get("user") or "Dagster UI", "dagster")


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

        with home_lock(settings, run_actor(run.tags), purpose, on_wait=waiting):
            yield settings

    return settings_for_run
