"""The liaison team signs off through the portal (a real ``ioc serve``): after a published
release, a new registry extract and an indicators report (a sign-off source) make a candidate
that waits; the reviewer sees the gate, the diff against the current release — rows added,
removed, changed per mart and the figures that moved most — and approves under their own
account; the release records them, the audit log says who did what through which door."""

from __future__ import annotations

import re
import shutil

import pytest

from ioc_pipelines.core import audit, releases, runs
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.diff import candidate_diff
from ioc_pipelines.core.ingest import deliver_folder, generate_demo, ingest
from tests.conftest import REPO
from tests.ioc_pipelines.web.portal_helpers import USERS

pytestmark = pytest.mark.slow
FIXTURES = REPO / "connectors"


def test_a_reviewer_reads_the_diff_and_approves(portal, tmp_path):
    settings = portal.settings
    generate_demo(settings, province="laichau", scale=0.0, months=1, seed=7, people=400,
                  out=tmp_path / "demo")
    deliver_folder(settings, tmp_path / "demo", actor=Actor("op"))
    first = runs.run(settings, actor=Actor("op"), approve_by="op", demo=None)
    assert first.outcome == "published", first.failures

    extract = tmp_path / "CA_TINH__trich_xuat_moi.csv"
    shutil.copy(FIXTURES / "population" / "fixtures" / "registry_extract.csv", extract)
    report = tmp_path / "chi_tieu.csv"
    shutil.copy(FIXTURES / "indicators" / "fixtures" / "chi_tieu.csv", report)
    for source, path in (("population", extract), ("indicators", report)):
        [outcome] = ingest(settings, source, [path], actor=Actor("op"))
        assert outcome.landed is not None, outcome.error
    second = runs.run(settings, actor=Actor("op"), demo=None)
    assert second.outcome == "waiting_signoff", second.failures
    candidate = second.candidate.id

    diffs = {d.name: d for d in candidate_diff(settings, candidate)}
    by_commune = diffs["population_by_commune"]
    assert by_commune.changed > 0 and by_commune.rows_after == by_commune.rows_before
    # the new extract's people live in 03388, 03390 …: their communes' figures moved
    assert any(m.measure == "population" and m.key["commune_code"] == "03388"
               and m.after == m.before + 1 for m in by_commune.moves), by_commune.moves
    assert diffs["dim_admin_units"].unchanged
    assert diffs["indicators_vs_plan"].added > 0

    reviewer = portal.client("reviewer")
    listing = reviewer.get("/candidates")
    assert listing.status_code == 200 and f'href="/candidates/{candidate}"' in listing.text
    view = reviewer.get(f"/candidates/{candidate}")
    assert view.status_code == 200
    row = re.search(r'<tr class="changed" id="diff-population_by_commune">(.*?)</tr>',
                    view.text, re.S)
    assert row is not None, view.text[:2000]
    assert 'id="moves"' in view.text and 'id="approve"' in view.text
    quality = reviewer.get(f"/candidates/{candidate}/quality")
    assert quality.status_code == 200 and "chờ phê duyệt" in quality.text

    approved = reviewer.post(f"/candidates/{candidate}/approve",
                             data={"csrf_token": reviewer.csrf})
    assert approved.status_code == 303, approved.text[:500]
    release = releases.current_release(settings)
    assert approved.headers["location"] == f"/releases?published={release.id}"
    assert release.approved_by == USERS["reviewer"]
    history = reviewer.get("/releases")
    assert f'id="release-{release.id}"' in history.text and USERS["reviewer"] in history.text

    [entry] = audit.entries(settings, action="candidate.approve")
    assert (entry["actor"], entry["role"], entry["via"], entry["outcome"]) == (
        USERS["reviewer"], "reviewer", "web", "ok")
    published = [e for e in audit.entries(settings, action="release.publish")]
    assert [e["actor"] for e in published] == ["op", USERS["reviewer"]]
    assert audit.verify(settings).ok
