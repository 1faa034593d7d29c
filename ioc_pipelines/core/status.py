"""The warehouse's state in one object: the current release and how to read it, candidates
waiting for sign-off, and why the newest main run did not publish."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ioc_pipelines.core import storage_failure
from ioc_pipelines.core.candidates import list_candidates
from ioc_pipelines.core.jobs import last_main_run
from ioc_pipelines.core.publishing import Release, current_release, list_releases
from ioc_pipelines.resources.lakes import analyst_attach_sql
from ioc_pipelines.settings import Settings


@dataclass
class Status:
    release: int | None
    published_at: str | None
    code_version: str | None
    run_id: str | None
    tables: dict[str, int]
    releases: int
    object_store: str
    published_attach: str | None
    last_run: dict | None
    approved_by: str | None
    waiting_candidates: list[dict] = field(default_factory=list)
    republished_from: int | None = None
    republished_by: str | None = None
    republish_reason: str | None = None
    embedded: bool = True
    problem: str | None = None  # the home's storage failing (a full disk): said, not raised

    def as_json(self) -> dict:
        """What ``ioc status --json`` prints (scripts rely on ``release`` and
        ``published_attach``)."""
        out = asdict(self)
        for key in ("republished_from", "republished_by", "republish_reason", "embedded"):
            out.pop(key)
        return out


def _waiting(settings: Settings) -> tuple[list[dict], str | None]:
    """Candidates waiting for sign-off; none and the cause when the work lake cannot be
    opened for lack of disk space (the served release is still shown)."""
    try:
        return [{"id": c.id, "run_id": c.run_id,
                 "created_at": c.created_at.isoformat(" ", "seconds"),
                 "awaiting": {s: len(ids) for s, ids in c.awaiting.items()}}
                for c in list_candidates(settings) if c.status == "waiting"], None
    except Exception as exc:
        if (problem := storage_failure.describe(settings, exc)) is None:
            raise
        return [], problem


def status(settings: Settings) -> Status:
    release: Release | None = current_release(settings)
    waiting, problem = _waiting(settings)
    info = release.info if release else {}
    return Status(
        release=release.id if release else None,
        published_at=release.published_at.isoformat() if release else None,
        code_version=info.get("code_version"),
        run_id=info.get("run_id"),
        tables=release.tables if release else {},
        releases=len(list_releases(settings)),
        object_store=settings.object_store,
        published_attach=analyst_attach_sql(settings, release.id) if release else None,
        last_run=last_main_run(settings),
        approved_by=release.approved_by if release else None,
        waiting_candidates=waiting,
        problem=problem,
        republished_from=info.get("republished_from"),
        republished_by=release.author if release else None,
        republish_reason=info.get("reason") or None,
        embedded=settings.s3 is None,
    )
