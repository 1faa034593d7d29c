"""What one quality report is about — a release, a candidate or a blocked run — and where
its figures are read: the scorecard (with the change since the previous release) and the work
lake as it was at the candidate's snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ioc_pipelines.core.candidates import Candidate, get_candidate
from ioc_pipelines.core.publishing import (
    Release,
    current_release,
    get_release,
    scorecard_with_change,
)
from ioc_pipelines.core.state import at_version
from ioc_pipelines.reports.rendering import ReportError, local_copy
from ioc_pipelines.resources.lakes import PUBLISHED
from ioc_pipelines.settings import Settings

FILE_NAME = "bao-cao-chat-luong.html"


def object_key(label: str) -> str:
    """Where a quality report is stored in the work bucket."""
    return f"reports/quality/{label}/{FILE_NAME}"


def local_path(settings: Settings, label: str) -> Path:
    """Where a quality report is written under ``$IOC_HOME/reports``."""
    return local_copy(settings, object_key(label))


@dataclass
class Scope:
    """What one report is about: a release, a candidate or a blocked run."""
    label: str  # release-3 | candidate-4 | blocked-1a2b3c4d (folder name)
    title: str
    scorecard: str  # relation of the scorecard (with previous share and change)
    work_snapshot: int | None  # the work lake as it was (None: as it is now)
    checks: dict
    release: Release | None = None
    candidate: Candidate | None = None
    failures: list[str] = field(default_factory=list)  # what blocked (a blocked run)
    published_snapshot: int | None = None  # read published marts at this version

    def mart(self, name: str) -> str:
        if self.published_snapshot is not None:
            return (f"(SELECT * FROM {PUBLISHED}.main.{name} "
                    f"AT (VERSION => {int(self.published_snapshot)}))")
        return at_version(f"work.marts.{name}", self.work_snapshot)


@dataclass(frozen=True)
class QualityReport:
    label: str
    key: str
    local_path: Path
    figures: dict


def release_scope(settings: Settings, release_id: int | None = None) -> Scope:
    release = (get_release(settings, release_id) if release_id is not None
               else current_release(settings))
    if release is None:
        raise ReportError("no published release yet" if release_id is None
                          else f"release {release_id} does not exist (see `ioc releases`)")
    if "quality_scorecard" not in release.tables:
        raise ReportError(f"release {release.id} has no quality scorecard")
    return Scope(
        label=f"release-{release.id}", title=f"Bản phát hành số {release.id}",
        scorecard=(f"(SELECT * FROM {PUBLISHED}.main.quality_scorecard "
                   f"AT (VERSION => {release.id}))"),
        work_snapshot=release.info.get("work_snapshot"), checks=release.info.get("checks", {}),
        release=release, published_snapshot=release.id)


def candidate_scope(settings: Settings, candidate: Candidate | int) -> Scope:
    if isinstance(candidate, int):
        found = get_candidate(settings, candidate)
        if found is None:
            raise ReportError(f"candidate {candidate} does not exist (see `ioc releases`)")
        candidate = found
    scorecard = scorecard_with_change(
        settings, current_release(settings),
        at_version("work.marts.quality_scorecard", candidate.work_snapshot))
    return Scope(label=f"candidate-{candidate.id}",
                 title=f"Ứng viên phát hành số {candidate.id}", scorecard=scorecard,
                 work_snapshot=candidate.work_snapshot, checks=candidate.checks,
                 candidate=candidate)


def blocked_scope(settings: Settings, run: dict) -> Scope:
    """A run the gate stopped: the work lake as that run left it."""
    return Scope(label=f"blocked-{run['run_id'][:8]}",
                 title=f"Lần chạy {run['run_id'][:8]} bị chặn",
                 scorecard=scorecard_with_change(settings, current_release(settings)),
                 work_snapshot=None,
                 checks={"gate": "blocked", "warnings": run.get("warnings", [])},
                 failures=run.get("failures", []))
