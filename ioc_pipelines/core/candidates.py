"""Release candidates and sign-off.

Every run whose blocking checks pass makes a **candidate**: the work lake's snapshot id of the
checked marts, recorded in ``work.ops.release_candidates``. A candidate is published at once
unless a contract with ``sign_off_required`` has deliveries the current release was not
signed off with; then it waits for approval (published from the work lake as it was at the
candidate's snapshot, by time travel) or rejection. Who approved, and which deliveries, is in
the release's commit metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ioc_pipelines.core import audit, event_alerts, state
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.publishing import (
    PublishError,
    Release,
    current_release,
    list_releases,
    mart_tables,
    publish_tables,
    sources_as_of,
)
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class Candidate:
    id: int
    work_snapshot: int
    run_id: str
    created_at: datetime
    status: str  # waiting | published | rejected | superseded
    awaiting: dict  # {source: [delivery ids not yet signed off]}; {} = no sign-off needed
    checks: dict
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    release_id: int | None = None


def sign_off_sources() -> list[str]:
    from connectors import SOURCES, get_connector

    return [s for s in SOURCES if get_connector(s).contract.sign_off_required]


def awaiting_sign_off(settings: Settings, con) -> dict[str, list[str]]:
    """Deliveries of sign-off sources loaded since the current release was signed off."""
    release = current_release(settings)
    signed = (release.info.get("signed_off_deliveries", {}) if release else {})
    awaiting = {}
    for source, ids in state.loaded_deliveries(con, sign_off_sources()).items():
        done = set(signed.get(source, []))
        new = [d for d in ids if d not in done]
        if new:
            awaiting[source] = new
    return awaiting


def _candidate(row: dict) -> Candidate:
    return Candidate(
        int(row["candidate_id"]), int(row["work_snapshot"]), row["run_id"], row["created_at"],
        row["status"], row["awaiting"], row["checks"], row["decided_by"], row["decided_at"],
        row["reason"], int(row["release_id"]) if row["release_id"] is not None else None)


def list_candidates(settings: Settings) -> list[Candidate]:
    with connect(settings) as con:
        state.ensure(con)
        return [_candidate(row) for row in state.candidate_rows(con)]


def get_candidate(settings: Settings, candidate_id: int) -> Candidate | None:
    return next((c for c in list_candidates(settings) if c.id == candidate_id), None)


def candidate_of_run(settings: Settings, run_id: str) -> Candidate | None:
    return next((c for c in reversed(list_candidates(settings)) if c.run_id == run_id), None)


def stage_candidate(settings: Settings, *, run_id: str, checks: dict) -> Candidate:
    """Record the work lake's current snapshot (the marts this run checked) as a candidate;
    an older candidate still waiting is superseded by it."""
    with connect(settings) as con:
        state.ensure(con)
        snapshot = con.execute("SELECT max(snapshot_id) FROM work.snapshots()").fetchone()[0]
        number = state.insert_candidate(con, snapshot=snapshot, run_id=run_id,
                                        awaiting=awaiting_sign_off(settings, con), checks=checks)
    return get_candidate(settings, number)


def waiting_candidate(settings: Settings, candidate_id: int) -> Candidate:
    """The candidate, which must be waiting for sign-off (else a PublishError saying why)."""
    candidate = get_candidate(settings, candidate_id)
    if candidate is None:
        waiting = [str(c.id) for c in list_candidates(settings) if c.status == "waiting"]
        raise PublishError(f"candidate {candidate_id} does not exist (waiting: "
                           f"{', '.join(waiting) or 'none'})")
    if candidate.status != "waiting":
        detail = (f"release {candidate.release_id}" if candidate.release_id
                  else f"{candidate.decided_by or ''} {candidate.reason or ''}".strip())
        raise PublishError(f"candidate {candidate_id} is {candidate.status}"
                           + (f" ({detail})" if detail else "") + ", not waiting for sign-off")
    return candidate


def decide(settings: Settings, candidate_id: int, status: str, by: str | None,
           reason: str | None, release_id: int | None) -> None:
    with connect(settings) as con:
        state.decide_candidate(con, candidate_id, status, by, reason, release_id)


def publish_candidate(settings: Settings, candidate: Candidate, *, actor: Actor,
                      approved_by: str | None = None) -> Release:
    """Publish a candidate's marts, as checked, as the new release. A candidate that awaits
    sign-off needs ``approved_by``; the approver and the deliveries signed off are recorded
    in the release, and the publication in the audit log under ``actor`` — whichever door or
    schedule started the run."""
    approver = (approved_by or "").strip() or None
    if candidate.awaiting and approver is None:
        raise PublishError(f"candidate {candidate.id} needs sign-off for "
                           f"{', '.join(candidate.awaiting)}: `ioc approve {candidate.id} "
                           "--by NAME`")
    # signed off now: what was before, and what this candidate held unsigned — not what
    # landed since the candidate was made (its marts do not hold it)
    previous = current_release(settings)
    signed = {source: list(ids) for source, ids in
              (previous.info.get("signed_off_deliveries", {}) if previous else {}).items()}
    for source, ids in candidate.awaiting.items():
        signed[source] = sorted(set(signed.get(source, [])) | set(ids))
    approval = {"required_for": {s: len(ids) for s, ids in candidate.awaiting.items()},
                "approved_by": approver}
    # a crash after the release was committed and before the candidate was marked leaves
    # the candidate waiting: publishing it again finishes the bookkeeping, never a second
    # release (the fault-injection harness kills here: tests/faults)
    release = published_from(settings, candidate.id) or publish_tables(
        settings, mart_tables(settings, candidate.work_snapshot), run_id=candidate.run_id,
        checks=candidate.checks, author=approver or "ioc-pipeline",
        extra={"candidate": candidate.id, "work_snapshot": candidate.work_snapshot,
               "sign_off": approval, "signed_off_deliveries": signed,
               "as_of": sources_as_of(settings, candidate.work_snapshot)})
    # the audit entry before the candidate is marked: a re-run still finds it waiting
    if not any(True for _ in audit.entries(settings, action="release.publish",
                                           object_=f"release {release.id}")):
        audit.record(settings, actor, "release.publish", f"release {release.id}",
                     detail={"run_id": candidate.run_id, "candidate": candidate.id,
                             "approved_by": release.approved_by})
    decide(settings, candidate.id, "published", release.approved_by, None, release.id)
    event_alerts.after_publication(settings, release.id)
    return release


def published_from(settings: Settings, candidate_id: int) -> Release | None:
    """The release a candidate was published as (not a later rollback serving it again)."""
    return next((r for r in list_releases(settings) if r.info.get("candidate") == candidate_id
                 and "republished_from" not in r.info), None)
