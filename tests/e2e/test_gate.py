"""The gate: a delivery that breaks a blocking check publishes nothing; the previous release
keeps being served, readable as before."""

from __future__ import annotations

import json
import re

import pytest

from ioc_pipelines import clock
from tests.conftest import clean_env, run_ioc
from tests.e2e.helpers import analyst_query, status, truth

pytestmark = pytest.mark.slow


def test_bad_delivery_blocks_and_previous_release_stays(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    run_ioc(env, "run", "--scale", "0.002", "--approve-by", "test")
    before = status(run_ioc, env)
    assert before["release"] is not None
    query = "SELECT sum(population) FROM ioc.population_by_commune_sex_age"
    [(total_before,)] = analyst_query(before["published_attach"], query)
    assert total_before == truth(home)["valid_rows"]

    # A readable file whose records are mostly wrong: IDs with the wrong birth year and a
    # pre-2025 district code where the commune belongs. The connector accepts it (it is
    # well-formed); the gate must not.
    bad = tmp_path / "dan_cu_12_sai.csv"
    lines = ["so_dinh_danh;ho_ten;ngay_sinh;gioi_tinh;ma_xa"]
    lines += [f"0120990{n:05d};Lò Văn Sai;01/01/1985;Nam;105" for n in range(200)]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_ioc(env, "ingest", "population", str(bad))

    proc = run_ioc(env, "run", "--no-demo", check=False)
    assert proc.returncode == 1
    assert "did not publish" in proc.stdout
    assert f"still serves release {before['release']}" in proc.stdout
    assert "rejected_share_within_gate" in proc.stdout

    after = status(run_ioc, env)
    assert after["release"] == before["release"]
    assert after["releases"] == before["releases"]
    # the reason stays visible after the run: ioc status names the failed check
    assert after["last_run"]["status"] == "FAILURE"
    assert any("rejected_share_within_gate" in f
               for f in after["last_run"]["failures"])
    text = run_ioc(env, "status").stdout
    assert "did not publish" in text and "rejected_share_within_gate" in text
    # the provider still gets its rejection report: all 200 records, with reasons
    listing = run_ioc(env, "rejection-report").stdout.splitlines()
    assert any(line.split()[2] == "200" for line in listing if "population-" in line), listing
    [(total_after,)] = analyst_query(after["published_attach"], query)
    assert total_after == total_before
    # …as a web page too, and the liaison team's quality report says what blocked
    pages = (home / "reports" / "rejections" / "CA_TINH").glob("population-*.html")
    assert any(_rejected_rows(p.read_text(encoding="utf-8")) == 200 for p in pages)
    report = (home / "reports" / "quality" / f"blocked-{after['last_run']['run_id'][:8]}"
              / "bao-cao-chat-luong.html")
    assert str(report) in proc.stdout
    html = report.read_text(encoding="utf-8")
    assert "Không được công bố" in html
    # the blocking check's key is there for engineers, as small print only
    verdict = html.split('id="verdict">', 1)[1].split("</div>", 1)[0]
    assert '<small class="engineer">' in verdict
    assert "rejected_share_within_gate" in verdict.split('<small class="engineer">', 1)[1]
    assert "rejected_share_within_gate" not in re.sub(r'<small class="engineer">.*?</small>', "", verdict)
    assert 'id="over-gate">1<' in html and "dan_cu_12_sai.csv" in html
    # a briefing made now reads the latest good release and says so on its first page
    made = run_ioc(env, "report", "briefing", "--no-pdf").stdout
    page = next(line.split(": ", 1)[1] for line in made.splitlines()
                if line.startswith("release "))
    briefing = (home / "reports" / page.split("/reports/", 1)[1]).read_text(encoding="utf-8")
    assert f'id="release-id">{before["release"]}<' in briefing
    notice = briefing.split('id="notice">', 1)[1].split("</div>", 1)[0]
    assert "bị cổng chất lượng chặn" in notice and "tỷ lệ bản ghi bị từ chối vượt" in notice
    assert "rejected_share_within_gate" not in notice  # said in words, not by the check's key
    assert f"bản phát hành gần nhất đã qua kiểm tra: số {before['release']}" in notice
    assert briefing.index('id="notice"') < briefing.index("<section")

    quarter = f"{clock.today().year}-Q{(clock.today().month - 1) // 3 + 1}"
    run_ioc(env, "report", "operations", "--period", quarter, "--no-pdf")
    ops = next((home / "reports" / "operations" / quarter).glob("release-*/*.html"))
    assert "bị cổng chất lượng chặn" in ops.read_text(encoding="utf-8").split("<section")[0]


def test_rollback_serves_an_earlier_release_again(tmp_path):
    home = tmp_path / "ioc"
    env = clean_env(home)
    run_ioc(env, "run", "--scale", "0.002", "--approve-by", "test")
    first = status(run_ioc, env)
    query = "SELECT sum(population) FROM ioc.population_by_commune_sex_age"
    [(total_first,)] = analyst_query(first["published_attach"], query)

    # a further registry delivery: 30 more residents (valid IDs: 012, 1990s female, born 1990)
    extra = tmp_path / "dan_cu_12_bo_sung.csv"
    lines = ["so_dinh_danh;ho_ten;ngay_sinh;gioi_tinh;ma_xa"]
    lines += [f"012190{900000 + n:06d};Lò Thị Mới;15/06/1990;Nữ;03388" for n in range(30)]
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_ioc(env, "ingest", "population", str(extra))
    run_ioc(env, "run", "--no-demo", "--approve-by", "test")
    second = status(run_ioc, env)
    [(total_second,)] = analyst_query(second["published_attach"], query)
    assert second["release"] > first["release"] and total_second == total_first + 30

    proc = run_ioc(env, "publish", "--release", str(first["release"]), "--by", "Trần Thị B",
                   "--reason", "số liệu bổ sung chưa được duyệt")
    assert f"the tables of release {first['release']}" in proc.stdout
    third = status(run_ioc, env)
    assert third["release"] > second["release"]
    [(total_third,)] = analyst_query(third["published_attach"], query)
    assert total_third == total_first
    # history is kept: the rolled-back release stays readable when pinned, and listed
    [(pinned,)] = analyst_query(second["published_attach"], query)
    assert pinned == total_second
    listing = run_ioc(env, "releases").stdout
    assert (f"republished release {first['release']} by Trần Thị B "
            "(số liệu bổ sung chưa được duyệt)") in listing

    # a release that does not exist is refused, nothing is published
    refused = run_ioc(env, "publish", "--release", "999", "--by", "x", check=False)
    assert refused.returncode != 0 and "release 999 does not exist" in refused.stderr
    assert status(run_ioc, env)["release"] == third["release"]


def _reports_of(home, release: int) -> set[str]:
    """The reports of one release, as ``<kind>/<file>``."""
    return {f"{p.relative_to(home / 'reports').parts[0]}/{p.name}"
            for p in (home / "reports").rglob(f"release-{release}/*") if p.is_file()}


def test_sign_off_candidate_waits_until_approved(tmp_path):
    """Every contract but the live IoT feed's requires sign-off (the regulations' default): a
    run with new deliveries of theirs makes a candidate that waits; reject keeps it out, approve publishes it with the
    approver recorded; a run without such deliveries publishes at once."""
    home = tmp_path / "ioc"
    env = clean_env(home)
    proc = run_ioc(env, "run", "--scale", "0.002")
    assert "Candidate 1 waits for sign-off" in proc.stdout
    assert "Nothing has been published yet." in proc.stdout
    st = status(run_ioc, env)
    assert st["release"] is None
    [waiting] = st["waiting_candidates"]
    delivered = {p.name for p in (home / "demo" / "landing").iterdir() if any(p.rglob("*.*"))}
    assert {"iot", "population", "indicators", "map", "planning"} <= delivered
    assert waiting["id"] == 1 and set(waiting["awaiting"]) == delivered - {"iot"}
    assert "ioc approve 1 --by NAME" in run_ioc(env, "status").stdout
    # the liaison team reviews the candidate's quality report before deciding
    review = home / "reports" / "quality" / "candidate-1" / "bao-cao-chat-luong.html"
    assert str(review) in proc.stdout
    assert "chờ phê duyệt" in review.read_text(encoding="utf-8")

    # rejected: kept out for good, recorded with who and why
    run_ioc(env, "reject", "1", "--by", "Tổ liên ngành", "--reason", "chỉ tiêu tháng sai đơn vị")
    refused = run_ioc(env, "approve", "1", "--by", "x", check=False)
    assert refused.returncode != 0 and "candidate 1 is rejected" in refused.stderr
    assert status(run_ioc, env)["release"] is None
    assert "rejected by Tổ liên ngành: chỉ tiêu tháng sai đơn vị" in run_ioc(
        env, "releases").stdout

    # nothing new since the rejected candidate: a plain run says so and makes none; a full
    # run's candidate still needs sign-off (nothing was signed off); approve it
    proc = run_ioc(env, "run", "--no-demo")
    assert "Nothing new since the run" in proc.stdout and "candidate for sign-off" in proc.stdout
    assert status(run_ioc, env)["waiting_candidates"] == []
    run_ioc(env, "run", "--no-demo", "--full")
    assert [c["id"] for c in status(run_ioc, env)["waiting_candidates"]] == [2]
    assert run_ioc(env, "approve", "3", "--by", "x", check=False).returncode != 0
    proc = run_ioc(env, "approve", "2", "--by", "Lê Văn C")
    assert "Candidate 2 approved by Lê Văn C: published release" in proc.stdout
    approved = status(run_ioc, env)
    report = home / "reports" / "quality" / f"release-{approved['release']}" / \
        "bao-cao-chat-luong.html"
    assert 'id="approved-by">Lê Văn C<' in report.read_text(encoding="utf-8")
    assert approved["release"] is not None and approved["approved_by"] == "Lê Văn C"
    assert approved["waiting_candidates"] == []
    [(total,)] = analyst_query(approved["published_attach"],
                               "SELECT sum(population) FROM ioc.population_by_commune_sex_age")
    assert total == truth(home)["valid_rows"]
    # the commit metadata says who approved which deliveries
    [(info,)] = analyst_query(
        approved["published_attach"],
        f"SELECT commit_extra_info FROM ioc.snapshots() "
        f"WHERE snapshot_id = {approved['release']}")
    info = json.loads(info)
    assert info["candidate"] == 2 and info["sign_off"]["approved_by"] == "Lê Văn C"
    assert info["sign_off"]["required_for"]["indicators"] > 0
    assert len(info["signed_off_deliveries"]["planning"]) == 2

    # approving goes through the run's publish path: the same reports, named in its output
    made = _reports_of(home, approved["release"])
    assert {"population/dan-so-theo-xa.html", "quality/bao-cao-chat-luong.html",
            "briefing/bao-cao-kinh-te-xa-hoi.html", "briefing/bao-cao-kinh-te-xa-hoi.pdf"} <= made
    assert f"reports/population/release-{approved['release']}/dan-so-theo-xa.html" in proc.stdout
    assert "Briefing Tháng" in proc.stdout and "Full log:" in proc.stdout

    # nothing new at all: the run stops before building — no candidate, no release
    proc = run_ioc(env, "run", "--no-demo")
    assert "Nothing new since the run" in proc.stdout and "Published release" not in proc.stdout
    assert status(run_ioc, env)["release"] == approved["release"]
    # built anyway, nothing new from sign-off sources: published at once, no approver
    run_ioc(env, "run", "--no-demo", "--full")
    direct = status(run_ioc, env)
    assert direct["release"] > approved["release"] and direct["approved_by"] is None
    assert _reports_of(home, direct["release"]) == made

    # a corrected planning document list: a new delivery of a sign-off source waits again
    [listing] = (home / "demo" / "landing" / "planning").glob("*/SXD__tai_lieu_quy_hoach.csv")
    corrected = tmp_path / "SXD__tai_lieu_quy_hoach.csv"
    corrected.write_bytes(listing.read_bytes() + b"\n")
    run_ioc(env, "ingest", "planning", str(corrected))
    proc = run_ioc(env, "run", "--no-demo")
    assert "Candidate 4 waits for sign-off: new deliveries of planning (1)" in proc.stdout
    assert status(run_ioc, env)["release"] == direct["release"]


def _rejected_rows(html: str) -> int:
    """Rows of a rejection page's table of rejected records (not its reason-code table)."""
    table = html[html.index('id="rejected"'):] if 'id="rejected"' in html else ""
    return table.split("</table>")[0].count("<tr><td>")
