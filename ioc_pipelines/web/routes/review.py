"""The liaison team's pages: candidates waiting for sign-off — the gate's result, the quality
report, the diff against the current release — approved or rejected under the reviewer's own
name (the core's approve / reject); the release history; rollback for admins."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse

from ioc_pipelines.core import audit, releases
from ioc_pipelines.core.candidates import get_candidate
from ioc_pipelines.core.diff import candidate_diff
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.runs import quality_report_path
from ioc_pipelines.web.rendering import page
from ioc_pipelines.web.security import current, guarded

router = APIRouter(include_in_schema=False)  # pages: not part of the JSON API


@guarded(router, "GET", "/candidates", "candidate.read")
def candidates_page(request: Request):
    found = releases.list_candidates(request.app.state.settings)
    found.sort(key=lambda c: (c.status != "waiting", -c.id))
    return page(request, "candidates.html.j2", candidates=found)


@guarded(router, "GET", "/candidates/{candidate_id}", "candidate.read")
def candidate_page(request: Request, candidate_id: int):
    settings = request.app.state.settings
    candidate = get_candidate(settings, candidate_id)
    diffs = candidate_diff(settings, candidate_id)  # refuses an unknown candidate
    audit.record(settings, current(request).actor, "candidate.view", f"candidate {candidate_id}")
    report = quality_report_path(settings, f"candidate-{candidate_id}")
    return page(request, "candidate.html.j2", candidate=candidate, diffs=diffs,
                has_report=report.is_file(), current=releases.current_release(settings))


@guarded(router, "GET", "/candidates/{candidate_id}/quality", "candidate.read")
def candidate_quality(request: Request, candidate_id: int):
    settings = request.app.state.settings
    path = quality_report_path(settings, f"candidate-{int(candidate_id)}")
    with audit.audited(settings, current(request).actor, "report.download",
                       f"quality/candidate-{candidate_id}"):
        if not path.is_file():
            raise CoreError("chưa có báo cáo chất lượng của ứng viên này")
    return FileResponse(path, media_type="text/html; charset=utf-8")


@guarded(router, "POST", "/candidates/{candidate_id}/approve", "candidate.decide")
def approve(request: Request, candidate_id: int):
    done = releases.approve(request.app.state.settings, candidate_id,
                            actor=current(request).actor, wait=False)
    return RedirectResponse(f"/releases?published={done.release.id}", status_code=303)


@guarded(router, "POST", "/candidates/{candidate_id}/reject", "candidate.decide")
def reject(request: Request, candidate_id: int, reason: str = Form("")):
    if not reason.strip():
        raise CoreError("phải ghi lý do từ chối")
    releases.reject(request.app.state.settings, candidate_id, actor=current(request).actor,
                    reason=reason, wait=False)
    return RedirectResponse(f"/candidates/{candidate_id}", status_code=303)


@guarded(router, "GET", "/releases", "release.read")
def releases_page(request: Request, published: int | None = None):
    settings = request.app.state.settings
    return page(request, "releases.html.j2", releases=releases.list_releases(settings),
                published=published)


@guarded(router, "POST", "/releases/{release_id}/rollback", "release.rollback")
def rollback(request: Request, release_id: int, reason: str = Form("")):
    if not reason.strip():
        raise CoreError("phải ghi lý do khôi phục")
    done = releases.republish(request.app.state.settings, release_id,
                              actor=current(request).actor, reason=reason, wait=False)
    return RedirectResponse(f"/releases?published={done.id}", status_code=303)
