"""The settings resource holds the home's lock for a run that changes state: a run started in
Dagster (UI, schedule, sensor) waits for a command in progress, saying for whom; a run a door
launches while holding the lock does not deadlock; a job tagged as changing nothing runs.
A run started in Dagster is in the audit log (its start, how it finished); a door's run is
audited by the door, not twice."""

from __future__ import annotations

import json
import threading

import dagster as dg

from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.lock import holder, home_lock
from ioc_pipelines.resources.home_lock import NO_LOCK_TAG, settings_resource
from ioc_pipelines.settings import load_settings


def _probe_job(settings, seen: list, fail: bool = False, **job_args) -> dg.JobDefinition:
    @dg.op(required_resource_keys={"settings"})
    def probe(context):
        seen.append(holder(context.resources.settings))
        if fail:
            raise dg.Failure("the probe failed")

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
    assert Actor.from_run_tags({"ioc/actor": "Trần Thị B", "ioc/via": "cli"}) == Actor(
        "Trần Thị B", "cli")
    assert Actor.from_run_tags({"dagster/schedule_name": "ioc_daily"}) == Actor(
        "ioc_daily", "dagster")
    assert Actor.from_run_tags({}) == Actor("Dagster UI", "dagster")
    web = Actor("Lê Văn C", "web", "reviewer", "10.0.0.7")
    assert Actor.from_run_tags(web.tags()) == web


def _runs_audited(settings) -> list[tuple]:
    return [(e["action"], e["actor"], e["via"], e["outcome"], detail.get("run_id"),
             detail.get("failed_steps"))
            for e in audit.entries(settings) if e["action"].startswith("run.")
            for detail in [json.loads(e["detail"])]]


def test_a_run_started_in_dagster_is_audited_and_a_doors_run_is_not_twice(ioc_home):
    settings = load_settings()
    scheduled = _run(_probe_job(settings, []), tags={"dagster/schedule_name": "ioc_daily"})
    failed = _run(_probe_job(settings, [], fail=True), raise_on_error=False)
    door = _run(_probe_job(settings, []), tags=Actor("B").tags())
    assert door.success and not failed.success
    assert _runs_audited(settings) == [
        ("run.start", "ioc_daily", "dagster", "ok", scheduled.run_id, None),
        ("run.finish", "ioc_daily", "dagster", "ok", scheduled.run_id, []),
        ("run.start", "Dagster UI", "dagster", "ok", failed.run_id, None),
        ("run.finish", "Dagster UI", "dagster", "failed", failed.run_id, ["probe"]),
    ]
    assert audit.verify(settings).ok
