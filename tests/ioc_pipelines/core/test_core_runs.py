"""The core's run, status and rollback called in-process, as a door calls them: no CLI, no
subprocess, no UI — a real Dagster run on a real work lake."""

from __future__ import annotations

import json

import pytest

from ioc_pipelines.core import accounts, alerts, jobs, notices, progress, releases, runs, status
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.ingest import deliver_folder, generate_demo
from ioc_pipelines.settings import load_settings

pytestmark = pytest.mark.slow


def test_run_publishes_reports_and_says_what_it_came_to(ioc_home, tmp_path):
    settings = load_settings()
    admin = accounts.create(settings, Actor("test"), username="admin.a", full_name="Quản trị",
                            unit="IOC", role="admin", password="Mật-khẩu-thử-2026")
    leader = accounts.create(settings, Actor("test"), username="leader.b", full_name="Lãnh đạo",
                             unit="UBND", role="leader", password="Mật-khẩu-thử-2026")
    demo = generate_demo(settings, province="laichau", scale=0.0, months=1, seed=7, people=400,
                         out=tmp_path / "demo")
    assert demo.people == 400
    delivered = deliver_folder(settings, tmp_path / "demo", actor=Actor("tester"))
    assert [(d.source, d.landed, d.rejected) for d in delivered] == [("population", 2, [])]

    seen = []
    with progress.listening(seen.append):
        result = runs.run(settings, actor=Actor("Nguyễn Văn A"), approve_by="Nguyễn Văn A",
                          demo=None)
    assert result.outcome == "published", result.failures
    assert result.release.id == 1 and "population_by_commune" in result.release.tables
    assert result.reports.population.is_file() and result.reports.quality.is_file()
    assert result.reports.briefing.is_file() and result.reports.briefing_pdf
    assert result.analyst_attach and "published.sqlite" in result.analyst_attach
    # the run's log holds Dagster's events and the dbt command; the door got the progress
    log = result.log_file.read_text(encoding="utf-8")
    assert "Running dbt command" in log and "ioc_main_job" in log
    assert [e.text for e in seen if e.kind == "stage"][:1] == [
        "main job: raw → dbt → checks → candidate"]
    assert sum(e.kind == "check" for e in seen) > 100
    assert any(e.kind == "asset" and e.text == "published/release" for e in seen)

    # Dagster recorded who ran it and what it came to
    last = jobs.last_main_run(settings)
    assert last["run_id"] == result.run_id and last["outcome"] == "published"
    st = status.status(settings)
    assert (st.release, st.run_id, st.last_run["outcome"]) == (1, result.run_id, "published")

    rolled = releases.republish(settings, 1, actor=Actor("Lê Văn C"), reason="kiểm tra")
    assert rolled.id > 1 and rolled.author == "Lê Văn C"
    assert rolled.info["republished_from"] == 1 and rolled.tables == result.release.tables

    # fail closed: a blocking check that crashes (GX cannot even be imported) blocks the
    # release like a failing one — it never lets a run through
    def broken_gx(*_args, **_kwargs):
        raise ImportError("great_expectations is broken")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("quality_checks.expectations.run_suite", broken_gx)
        crashed = runs.run(settings, actor=Actor("tester"), demo=None, full=True)
    assert crashed.outcome == "blocked"
    assert any("population_mart_expectations" in f for f in crashed.failures), crashed.failures
    assert crashed.release.id == rolled.id  # the served release is the one before
    assert status.status(settings).release == rolled.id
    # the admins are alerted (and only they): the run, what blocked it, the release kept
    [blocked] = [a for a in alerts.recent(settings) if a["rule"] == "run_blocked"]
    assert blocked["key"] == f"run_blocked|{crashed.run_id}"
    assert "population_mart_expectations" in blocked["body"]
    assert [n.alert_id for n in notices.inbox(settings, admin)] == [blocked["alert_id"]]
    assert notices.inbox(settings, leader) == []
    assert {s["channel"] for s in blocked["sends"]} == {"inbox"}

    # … and so does dbt when a node errors instead of building or failing
    def erroring_vars(s):
        from ioc_pipelines.resources.dbt import dbt_vars

        return ["--vars", json.dumps({**dbt_vars(s), "boundaries_file": "/nonexistent.geojson"})]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ioc_pipelines.defs.warehouse.assets.dbt_vars_arg", erroring_vars)
        errored = runs.run(settings, actor=Actor("tester"), demo=None, full=True)
    assert errored.outcome == "blocked"
    assert any("warehouse_dbt" in f for f in errored.failures), errored.failures
    assert status.status(settings).release == rolled.id
