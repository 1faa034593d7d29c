"""One step of the pipeline on its own, the way the fault-injection harness kills it:
``python -m tests.faults.step PHASE`` with ``IOC_HOME`` set (docs/operations.md, "What a
crash can leave behind"). Each step is also its own re-run: after a kill, running it again
must finish the work without doing any of it twice.

- ``raw``: load every landed delivery of the harness's sources into the raw tables;
- ``dbt``: build the harness's dbt selection in the work lake;
- ``publish``: publish the waiting candidate (what ``ioc approve`` does);
- ``report``: render the briefing (HTML) of the current release for the harness's period.
"""

from __future__ import annotations

import sys

RAW_SOURCES = ("population", "households", "housing")
DBT_SELECT = "stg_population__citizens+1 stg_households__households+1"
REPORT_PERIOD = "2026-10"
APPROVER = "harness"


def run(phase: str) -> None:
    from ioc_pipelines.core.actors import Actor
    from ioc_pipelines.core.candidates import list_candidates, publish_candidate
    from ioc_pipelines.core.raw import load_pending
    from ioc_pipelines.core.reports import render
    from ioc_pipelines.resources.dbt import build_in_process, dbt_vars
    from ioc_pipelines.settings import load_settings

    settings = load_settings()
    actor = Actor.named(APPROVER)
    # imported and configured: the harness's kill clock starts now, inside the step's work
    print("ready", flush=True)
    if phase == "raw":
        for source in RAW_SOURCES:
            load_pending(settings, source)
    elif phase == "dbt":
        failures = build_in_process(settings, "work", DBT_SELECT, dbt_vars(settings),
                                    settings.home / "dbt-harness")
        if failures:
            raise SystemExit("dbt: " + "; ".join(failures[:3]))
    elif phase == "publish":
        [candidate] = [c for c in list_candidates(settings) if c.id == 1]
        if candidate.status == "waiting":
            publish_candidate(settings, candidate, actor=actor, approved_by=APPROVER)
    elif phase == "report":
        render(settings, "briefing", period=REPORT_PERIOD, pdf=False)
    else:
        raise SystemExit(f"unknown phase {phase!r}")


if __name__ == "__main__":
    run(sys.argv[1])
