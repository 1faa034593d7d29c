"""The portal in a real browser (Debian's chromium, headless, driven by Playwright) against a
real ``ioc serve``, after a first published release: a provider logs in, uploads a good and a
bad file and reads the refusal; a new registry extract comes too; after a run the provider sees
its deliveries and what is due; a reviewer opens the candidate — the gate, the diff against the
current release (rows added, removed, changed per mart, the figures that moved most) — and
approves: the release carries the reviewer's account and the audit log says who did what
through which door; an admin locks the provider, whose next request is refused. A screenshot
of every page is saved (``screenshots/`` in the test's folder)."""

from __future__ import annotations

import shutil

import pytest

from ioc_pipelines.core import audit, releases, runs
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.diff import candidate_diff
from ioc_pipelines.core.ingest import deliver_folder, generate_demo, ingest
from tests.browser import CHROMIUM, FLAGS
from tests.conftest import REPO
from tests.ioc_pipelines.web.portal_helpers import USERS
from tests.ioc_pipelines.web.portal_helpers import browser_login as _login

pytestmark = pytest.mark.slow


def test_provider_reviewer_admin_in_a_browser(portal, tmp_path):
    from playwright.sync_api import sync_playwright

    settings = portal.settings
    generate_demo(settings, province="laichau", scale=0.0, months=1, seed=7, people=400,
                  out=tmp_path / "demo")
    deliver_folder(settings, tmp_path / "demo", actor=Actor("op"))
    first = runs.run(settings, actor=Actor("op"), approve_by="op", demo=None)
    assert first.outcome == "published", first.failures
    extract = tmp_path / "CA_TINH__trich_xuat_moi.csv"
    shutil.copy(REPO / "connectors" / "population" / "fixtures" / "registry_extract.csv", extract)
    [landed] = ingest(settings, "population", [extract], actor=Actor("op"))
    assert landed.landed is not None, landed.error
    shots = tmp_path / "screenshots"
    shots.mkdir()
    report = tmp_path / "bao_cao_chi_tieu.csv"
    shutil.copy(REPO / "connectors" / "indicators" / "fixtures" / "chi_tieu.csv", report)
    bad = tmp_path / "bang_tinh.exe"
    bad.write_bytes(b"MZ\x90\x00 not a report")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            provider, provider_errors = _login(browser, portal, "provider")
            provider.screenshot(path=str(shots / "provider-home.png"), full_page=True)
            provider.click("text=Giao tệp")
            provider.select_option("#source", "indicators")
            provider.set_input_files("#files", [str(report), str(bad)])
            provider.click("button:has-text('Giao')")
            provider.wait_for_selector("#outcomes")
            provider.screenshot(path=str(shots / "provider-upload.png"), full_page=True)
            accepted = provider.inner_text("tr.accepted")
            refused = provider.inner_text("tr.refused")
            assert "bao_cao_chi_tieu.csv" in accepted and "Đã nhận" in accepted
            assert "bang_tinh.exe" in refused and "Bị từ chối" in refused and ".exe" in refused

            # the IOC runs: the indicators report (a sign-off source) makes a candidate
            result = runs.run(settings, actor=Actor("op"), demo=None)
            assert result.outcome == "waiting_signoff", result.failures
            candidate = result.candidate.id
            diffs = {d.name: d for d in candidate_diff(settings, candidate)}
            by_commune = diffs["population_by_commune"]
            assert by_commune.changed > 0 and by_commune.rows_after == by_commune.rows_before
            # the new extract's people live in 03388, 03390 …: their figures moved
            assert any(m.measure == "population" and m.key["commune_code"] == "03388"
                       and m.after == m.before + 1 for m in by_commune.moves), by_commune.moves
            assert diffs["dim_admin_units"].unchanged and diffs["indicators_vs_plan"].added > 0

            provider.goto(f"{portal.url}/deliveries")
            provider.screenshot(path=str(shots / "provider-deliveries.png"), full_page=True)
            assert "loaded" in provider.inner_text("#deliveries")
            provider.goto(f"{portal.url}/due")
            provider.screenshot(path=str(shots / "provider-due.png"), full_page=True)
            assert "Hạn giao dữ liệu" in provider.inner_text("h1")

            reviewer, reviewer_errors = _login(browser, portal, "reviewer")
            reviewer.click("text=Phê duyệt")
            reviewer.click(f"text=Ứng viên {candidate}")
            reviewer.wait_for_selector("#diff")
            reviewer.screenshot(path=str(shots / "reviewer-candidate.png"), full_page=True)
            assert "indicators_vs_plan" in reviewer.inner_text("#diff")
            assert "03388" in reviewer.inner_text("#moves")
            assert reviewer.locator('tr.changed[id="diff-population_by_commune"]').count() == 1
            quality = reviewer.context.request.get(f"{portal.url}/candidates/{candidate}/quality")
            assert quality.status == 200 and "chờ phê duyệt" in quality.text()
            reviewer.set_default_timeout(900_000)  # publishing (and its reports) takes a while
            with reviewer.expect_navigation():
                reviewer.click("#approve button")
            reviewer.wait_for_selector("#message")
            reviewer.screenshot(path=str(shots / "reviewer-releases.png"), full_page=True)
            release = releases.current_release(settings)
            assert release.approved_by == USERS["reviewer"]
            assert USERS["reviewer"] in reviewer.inner_text(f"#release-{release.id} .approver")

            admin, admin_errors = _login(browser, portal, "admin")
            admin.click("text=Tài khoản")
            admin.click(f'[id="account-{USERS["provider"]}"] button[value=locked]')
            admin.wait_for_selector("#message")
            admin.screenshot(path=str(shots / "admin-accounts.png"), full_page=True)
            assert "locked" in admin.inner_text("#message")
            admin.goto(f"{portal.url}/admin/audit")
            admin.screenshot(path=str(shots / "admin-audit.png"), full_page=True)
            assert "Chuỗi băm nguyên vẹn" in admin.inner_text("#chain")

            provider.goto(f"{portal.url}/deliveries")
            assert provider.url == f"{portal.url}/login"  # locked: refused at once
            assert provider_errors == reviewer_errors == admin_errors == []
        finally:
            browser.close()
    assert len(list(shots.glob("*.png"))) == 8
    [entry] = audit.entries(settings, action="candidate.approve")
    assert (entry["actor"], entry["role"], entry["via"], entry["outcome"]) == (
        USERS["reviewer"], "reviewer", "web", "ok")
    # the publish step records who published: the operator's run, then the reviewer's
    # sign-off through the portal, from the reviewer's address
    published = list(audit.entries(settings, action="release.publish"))
    assert [(e["actor"], e["via"]) for e in published] == [("op", "cli"),
                                                          (USERS["reviewer"], "web")]
    assert published[-1]["address"] == entry["address"] == "127.0.0.1"
    assert audit.verify(settings).ok
