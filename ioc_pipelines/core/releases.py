"""Releases and candidates for the doors: list them, approve or reject a waiting candidate,
publish an earlier release again (rollback). Every decision names its actor and is recorded
(the release's commit metadata, the candidate's row).

Approving goes through the same publish path as a run: ``ioc_approve_job`` materializes the
release (and its quality report) and the population report in Dagster, then the briefing
follows (``core/runs.py``: ``after_publish``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.core import audit, progress
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.candidates import (
    Candidate,
    decide,
    get_candidate,
    list_candidates,
    waiting_candidate,
)
from ioc_pipelines.core.jobs import run_job, tag_outcome
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.core.publishing import (
    PublishError,
    Release,
    current_release,
    get_release,
    list_releases,
    publish_tables,
    release_table,
)
from ioc_pipelines.core.runs import PublishedReports, after_publish, new_log_file
from ioc_pipelines.settings import Settings

APPROVE_JOB = "ioc_approve_job"

__all__ = ["Candidate", "Release", "approve", "current_release", "get_release",
           "list_candidates", "list_releases", "reject", "republish"]


@dataclass
class Approval:
    candidate: int
    release: Release
    reports: PublishedReports
    run_id: str
    log_file: Path


def _who(actor: Actor, what: str) -> str:
    if not actor.name.strip():
        raise PublishError(f"say who {what} (--by NAME): every decision is recorded")
    return actor.name.strip()


def approve(settings: Settings, candidate_id: int, *, actor: Actor, wait: bool = True,
            on_wait=None, console: bool = False) -> Approval:
    """Sign a waiting candidate off: publish it as checked, approver recorded, and make the
    release's reports."""
    with audit.audited(settings, actor, "candidate.approve", f"candidate {candidate_id}") as said:
        approval = _approve(settings, candidate_id, actor=actor, wait=wait, on_wait=on_wait,
                            console=console)
        said.update(release=approval.release.id, run_id=approval.run_id)
    return approval


def _approve(settings: Settings, candidate_id: int, *, actor: Actor, wait: bool, on_wait,
             console: bool) -> Approval:
    by = _who(actor, "approves")
    log_file = new_log_file(settings, "approve")
    with home_lock(settings, actor, f"ioc approve {candidate_id}", wait=wait, on_wait=on_wait):
        waiting_candidate(settings, candidate_id)
        progress.report("stage", f"publishing candidate {candidate_id}")
        outcome = run_job(settings, APPROVE_JOB, actor=actor, log_file=log_file,
                          console=console, run_config={"ops": {"published__release": {
                              "config": {"approved_by": by, "candidate": candidate_id}}}})
        candidate = get_candidate(settings, candidate_id)
        if candidate is None or candidate.release_id is None:
            raise PublishError(f"candidate {candidate_id} was not published: "
                               + ("; ".join(outcome.failures) or "see " + str(log_file)))
        tag_outcome(settings, outcome.run_id, "published")
        release = get_release(settings, candidate.release_id)
        reports = after_publish(settings, release, actor=actor, log_file=log_file,
                                console=console)
    return Approval(candidate_id, release, reports, outcome.run_id, log_file)


def reject(settings: Settings, candidate_id: int, *, actor: Actor, reason: str,
           wait: bool = True, on_wait=None) -> Candidate:
    """Keep a candidate out of the warehouse for good (recorded with who and why)."""
    with audit.audited(settings, actor, "candidate.reject", f"candidate {candidate_id}",
                       {"reason": reason.strip()}):
        if not actor.name.strip() or not reason.strip():
            raise PublishError("say who rejects and why (--by NAME --reason TEXT): it is "
                               "recorded")
        with home_lock(settings, actor, f"ioc reject {candidate_id}", wait=wait,
                       on_wait=on_wait):
            waiting_candidate(settings, candidate_id)
            decide(settings, candidate_id, "rejected", actor.name.strip(), reason.strip(), None)
    return get_candidate(settings, candidate_id)


def republish(settings: Settings, release_id: int, *, actor: Actor, reason: str = "",
              wait: bool = True, on_wait=None) -> Release:
    """Rollback: publish the tables of an earlier release, as they were, as the new current
    release — a release like any other (new id, commit metadata naming who and which release),
    so history is never rewritten and a rollback can itself be rolled back."""
    with audit.audited(settings, actor, "release.rollback", f"release {release_id}",
                       {"reason": reason}) as said:
        release = _republish(settings, release_id, actor=actor, reason=reason, wait=wait,
                             on_wait=on_wait)
        said.update(new_release=release.id)
    return release


def _republish(settings: Settings, release_id: int, *, actor: Actor, reason: str, wait: bool,
               on_wait) -> Release:
    with home_lock(settings, actor, f"ioc publish --release {release_id}", wait=wait,
                   on_wait=on_wait):
        old = get_release(settings, release_id)
        if old is None:
            known = ", ".join(str(r.id) for r in list_releases(settings)) or "none"
            raise PublishError(f"release {release_id} does not exist (releases: {known})")
        by = _who(actor, "republishes")
        tables = {name: release_table(name, release_id) for name in old.tables}
        return publish_tables(
            settings, tables, run_id=f"republish-{release_id}", checks=old.info.get("checks"),
            author=by, exact=True,
            extra={"republished_from": release_id, "reason": reason,
                   "data_code_version": old.info.get("code_version"),
                   # what is served again is what was signed off then
                   **{k: old.info[k] for k in ("candidate", "work_snapshot", "sign_off",
                                               "signed_off_deliveries", "as_of")
                      if k in old.info}})
