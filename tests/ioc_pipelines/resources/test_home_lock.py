"""The settings resource holds the home's lock for a run that changes state: a run started in
Dagster (UI, schedule, sensor) waits for a command in progress, saying for whom; a run a door
launches while holding the lock does not deadlock; a job tagged as changing nothing runs."""

from __future__ import annotations

import threading

import dagster as dg

from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.lock import holder, home_lock
from ioc_pipelines.resources.home_lock import NO_LOCK_TAG, run_actor, settings_resource
from ioc_pipelines.settings import load_settings


def _probe_job(settings, seen: list, **job_args) -> dg.JobDefinition:
    @dg.op(required_resource_keys={"settings"})
    def probe(context):
        seen.append(holder(context.resources.settings))

    @dg.job(resource_defs={"settings": settings_resource(settings)}, **job_args)
    def lock_probe():
        probe()

    return lock_probe


INSTANCE = dg.DagsterInstance.ephemeral()


def _run(job: dg.JobDefinition, **kwargs) -> dg.ExecuteInProcessResult:
    return job.execute_in_process(instance=INSTANCE, **kwargs)


def _waiting_lines(result) -> list[str]:
    """What the run's log said about waiting (as the UI shows it)."""
    return [e.user_message for e in INSTANCE.all_logs(result.run_id)
            if "waiting for" in e.user_message]


def test_a_dagster_run_waits_for_a_command_and_holds_the_lock_itself(ioc_home):
    settings = load_settings()
    seen, results = [], []
    job = _probe_job(settings, seen)
    with home_lock(settings, Actor("Nguyễn Văn A"), "ioc run"):
        thread = threading.Thread(target=lambda: results.append(_run(job)))
        thread.start()
        thread.join(1.5)
        assert thread.is_alive() and not seen  # waits while the command holds the lock
    thread.join(60)
    [result] = results
    assert result.success
    assert _waiting_lines(result) and "ioc run by Nguyễn Văn A" in _waiting_lines(result)[0]
    [during] = seen
    assert during["purpose"] == f"Dagster run {result.run_id[:8]} of lock_probe"
    assert during["actor"] == "Dagster UI"
    assert holder(settings) is None  # released with the run


def test_a_run_launched_by_a_door_holding_the_lock_runs_at_once(ioc_home):
    settings = load_settings()
    seen = []
    with home_lock(settings, Actor("B"), "ioc run"):
        result = _run(_probe_job(settings, seen), tags=Actor("B").tags())
    assert result.success and not _waiting_lines(result)
    assert seen[0]["purpose"] == "ioc run" and seen[0]["actor"] == "B"


def test_a_job_that_changes_nothing_does_not_wait(ioc_home):
    settings = load_settings()
    seen, results = [], []
    job = _probe_job(settings, seen, tags=NO_LOCK_TAG)
    with home_lock(settings, Actor("C"), "ioc run"):
        thread = threading.Thread(target=lambda: results.append(_run(job)))
        thread.start()
        thread.join(60)
        assert not thread.is_alive() and results[0].success
    assert seen[0]["actor"] == "C"  # it ran while C held the lock


def test_a_run_is_held_in_the_name_of_who_started_it():
    assert run_actor({"ioc/actor": "Trần Thị B", "ioc/via": "cli"}) == Actor("Trần Thị B", "cli")
    assert run_actor({"dagster/schedule_name": "ioc_daily"}) == Actor("ioc_daily", "dagster")
    assert run_actor({}) == Actor("Dagster UI", "dagster")
