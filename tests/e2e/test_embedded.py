"""End to end on the embedded default: `ioc run` from an empty directory, no server at all."""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

from ioc_pipelines.core.vi_format import count as vn_number
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from tests.conftest import BIN, REPO, clean_env, run_ioc
from tests.e2e.helpers import (
    analyst_query,
    expected_quarantine,
    read_while_a_run_publishes,
    status,
    truth,
)

pytestmark = pytest.mark.slow
SCALE = "0.004"  # ≈ 2,000 people of Lai Châu


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    home = tmp_path_factory.mktemp("embedded") / "ioc"
    env = clean_env(home)
    proc = run_ioc(env, "run", "--scale", SCALE, "--approve-by", "test")
    return home, env, proc


def test_run_from_empty_directory_publishes_release(embedded):
    home, env, proc = embedded
    assert "landing zone is empty: generating demo data" in proc.stdout
    assert "Published release" in proc.stdout
    st = status(run_ioc, env)
    assert isinstance(st["release"], int) and st["release"] >= 1
    assert "READ_ONLY" in st["published_attach"]
    assert f"SNAPSHOT_VERSION {st['release']}" in st["published_attach"]
    assert st["tables"]["population_by_commune_sex_age"] > 0
    assert st["run_id"] and st["code_version"]


def test_run_is_quiet_and_its_full_log_is_kept(embedded):
    """What `make run` shows after set-up: stages and a summary, not Dagster's and dbt's logs —
    those are in the run's log file, whose path ends the output."""
    home, _, proc = embedded
    lines = (proc.stdout + proc.stderr).splitlines()
    assert len(lines) <= 40, proc.stdout + proc.stderr
    assert "OK created sql table model" not in proc.stdout and "STEP_START" not in proc.stdout
    summary = proc.stdout[proc.stdout.index("Published release"):]
    for label in ("Report:", "Quality report:", "Briefing", "Published with warnings:",
                  "Rejection reports:", "Analysts: duckdb -c", "Full log:"):
        assert label in summary, label
    log = Path(proc.stdout.rsplit("Full log: ", 1)[1].strip())
    assert log.parent == home / "logs" and log.is_file()
    text = log.read_text(encoding="utf-8")
    assert "Running dbt command" in text and "OK created sql table model" in text  # dbt's own
    assert "ioc_main_job" in text and "STEP_SUCCESS" in text  # Dagster's


def test_mart_total_equals_generated_valid_rows(embedded):
    home, env, _ = embedded
    manifest = truth(home)
    st = status(run_ioc, env)
    [(total,)] = analyst_query(st["published_attach"],
                               "SELECT sum(population) FROM ioc.population_by_commune_sex_age")
    assert total == manifest["valid_rows"]
    assert manifest["valid_rows"] < manifest["people"]  # defects were injected


def test_every_published_table_and_column_explains_itself(embedded):
    """The dbt descriptions are the published lake's comments: an analyst's DESCRIBE or a BI
    tool shows what a table and each of its columns mean."""
    _, env, _ = embedded
    st = status(run_ioc, env)
    tables = analyst_query(st["published_attach"],
                           "SELECT table_name, comment FROM duckdb_tables() "
                           "WHERE database_name = 'ioc'")
    assert {name for name, _ in tables} == set(st["tables"])
    assert [name for name, comment in tables if not (comment or "").strip()] == []
    columns = analyst_query(st["published_attach"],
                            "SELECT table_name, column_name, comment FROM duckdb_columns() "
                            "WHERE database_name = 'ioc'")
    assert len(columns) > 200
    assert [f"{t}.{c}" for t, c, comment in columns if not (comment or "").strip()] == []
    [(said,)] = analyst_query(st["published_attach"],
                              "SELECT comment FROM duckdb_columns() WHERE database_name = 'ioc' "
                              "AND table_name = 'population_by_commune' AND "
                              "column_name = 'elderly'")
    assert said == "Residents of 60 completed years and over."

    # … and the release's data dictionary, made when it was published, says the same
    release = st["release"]
    page = (load_settings(env).reports_dir / "dictionary" / f"release-{release}" /
            "tu-dien-du-lieu.html")
    html = page.read_text(encoding="utf-8")
    assert set(re.findall(r'<section id="[^"]+" data-table="([^"]+)">', html)) == set(st["tables"])
    for name, rows in st["tables"].items():
        section = html[html.index(f'data-table="{name}"'):].split("</section>")[0]
        assert f'<dd class="rows">{vn_number(rows)}</dd>' in section, name
        meanings = re.findall(r"<tr><td><code>[^<]+</code></td><td><code>[^<]+</code></td>"
                              r"<td>([^<]*)</td></tr>", section)
        assert meanings and all(m.strip() for m in meanings), name
    assert "Residents of 60 completed years and over." in html
    assert "Ô có số đếm dưới 10 người được để trống" in html  # the suppressed breakdowns
    again = run_ioc(env, "report", "dictionary", "--release", str(release))
    assert str(page) in again.stdout and page.read_text(encoding="utf-8") == html


def test_quarantine_holds_exactly_the_injected_bad_rows(embedded, monkeypatch):
    home, env, _ = embedded
    monkeypatch.setenv("IOC_HOME", str(home))
    monkeypatch.setenv("IOC_ENV_FILE", env["IOC_ENV_FILE"])
    with connect(load_settings()) as con:
        rows = con.execute("SELECT file_name, record_number, reason_codes, reasons_vi "
                           "FROM work.validated.quarantine_citizens").fetchall()
    got = {(f, n): sorted(codes) for f, n, codes, _ in rows}
    assert got == expected_quarantine(truth(home))
    assert len(got) == len(rows)  # one row per rejected record
    with open(REPO / "dbt_project" / "seeds" / "quality_rules.csv", encoding="utf-8") as fh:
        explanation = {r["rule_id"]: r["explanation_vi"] for r in csv.DictReader(fh)}
    for _, _, codes, vi in rows:  # the provider reads every reason in plain Vietnamese
        assert vi == "; ".join(explanation[c] for c in sorted(codes))
    # every defect type of the generator was exercised
    assert {c for codes in got.values() for c in codes} == {
        "CCCD_CMND", "CCCD_FORMAT", "CCCD_PREFIX", "CCCD_CENTURY_SEX", "CCCD_BIRTH_YEAR",
        "CCCD_DUPLICATE", "COMMUNE_UNKNOWN", "BIRTH_DATE_INVALID", "SEX_INVALID", "NAME_MISSING"}


def test_redelivery_of_the_same_file_is_a_noop(embedded):
    home, env, _ = embedded
    delivery = truth(home)["deliveries"][0]
    proc = run_ioc(env, "ingest", "population", str(home / "demo" / delivery["path"]),
                   "--date", delivery["delivery_date"])
    assert proc.stdout.startswith("duplicate:")
    landed = list((home / "store" / "ioc-work" / "landing" / "population").rglob("*.*"))
    assert len(landed) == 2


def test_unreadable_delivery_is_rejected_and_nothing_lands(embedded, tmp_path):
    home, env, _ = embedded
    bad = tmp_path / "evil.csv"
    bad.write_bytes(b"so_dinh_danh;ho_ten\n\xff\xfe broken\n")
    before = sorted((home / "store" / "ioc-work").rglob("*"))
    proc = run_ioc(env, "ingest", "population", str(bad), check=False)
    assert proc.returncode != 0
    assert "evil.csv" in proc.stderr and "not valid UTF-8" in proc.stderr
    assert sorted((home / "store" / "ioc-work").rglob("*")) == before
    proc = run_ioc(env, "ingest", "weather", str(bad), check=False)
    assert proc.returncode != 0 and "unknown source 'weather'" in proc.stderr


def test_report_names_the_release_in_vietnamese(embedded):
    home, env, _ = embedded
    st = status(run_ioc, env)
    page = home / "reports" / "population" / f"release-{st['release']}" / "dan-so-theo-xa.html"
    html = page.read_text(encoding="utf-8")
    assert f'<b id="release-id">{st["release"]}</b>' in html
    assert "Dân số theo xã, phường — tỉnh Lai Châu" in html
    assert "Phường Đoàn Kết" in html  # real commune names with diacritics
    total = truth(home)["valid_rows"]
    assert f"{total:,}".replace(",", ".") in html  # Vietnamese digit grouping
    # regenerating the same release gives the same bytes
    run_ioc(env, "report", "population", "--release", str(st["release"]))
    assert page.read_text(encoding="utf-8") == html


def test_analyst_duckdb_cli_reads_while_the_pipeline_writes(embedded):
    """Two processes: a pipeline run republishing, and the plain duckdb CLI reading the latest
    release with the README one-liner, over and over. Every read succeeds and is whole."""
    home, env, _ = embedded
    before = status(run_ioc, env)
    attach_latest = before["published_attach"].replace(
        f", SNAPSHOT_VERSION {before['release']}", "")
    query = f"{attach_latest} SELECT sum(population) FROM ioc.population_by_commune_sex_age;"

    def read() -> int:
        proc = subprocess.run([str(BIN / "duckdb"), "-csv", "-noheader", "-c", query],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        return int(proc.stdout.strip().splitlines()[-1])

    totals, errors = read_while_a_run_publishes(env, read, pause=0.05)
    assert not errors, errors[:3]
    assert len(totals) >= 5
    assert set(totals) == {truth(home)["valid_rows"]}
    after = status(run_ioc, env)
    assert after["release"] > before["release"]


def test_a_late_iot_day_rebuilds_only_what_it_feeds_and_equals_a_full_build(embedded, tmp_path):
    """A day of readings delivered late: the next run rebuilds the IoT models and what reads
    the deliveries, leaves the registry's as they are (core/selective.py); `ioc run --full`
    on the same inputs then publishes the same content, mart for mart, with the same
    warnings."""
    from datetime import datetime, timedelta

    from ioc_pipelines.core.content import release_content
    from ioc_pipelines.core.publishing import get_release
    from ioc_pipelines.core.selective import BASIS_TAG
    from tests.faults.harness import RUN_TIME_COLUMNS

    home, env, _ = embedded
    settings = load_settings(env)
    readings = sorted((home / "demo" / "landing" / "iot").glob("*/SNNMT__quan_trac_*.csv"))
    def day_of(path: Path):  # SNNMT__quan_trac_YYYYMMDD.csv
        return datetime.strptime(path.stem.rsplit("_", 1)[1], "%Y%m%d").date()

    first_day = day_of(readings[0])
    source = readings[-1]
    last_day = day_of(source)
    late_day = first_day - timedelta(days=1)
    late = tmp_path / f"SNNMT__quan_trac_{late_day:%Y%m%d}.csv"
    late.write_text(source.read_text(encoding="utf-8").replace(
        last_day.isoformat(), late_day.isoformat()), encoding="utf-8")
    run_ioc(env, "ingest", "iot", str(late))

    selective = run_ioc(env, "run", "--no-demo", "--approve-by", "test")
    assert re.search(r"\d+ models kept as the run \w+ built them", selective.stdout), \
        selective.stdout[-2000:]
    after_selective = status(run_ioc, env)
    full = run_ioc(env, "run", "--no-demo", "--full", "--approve-by", "test")
    assert "models kept" not in full.stdout
    after_full = status(run_ioc, env)
    assert after_full["release"] > after_selective["release"]

    # the selective run really left the registry's models: Dagster has no new
    # materialization of them in that run, and has one of the IoT models
    import dagster as dg

    from ioc_pipelines.resources.dagster_home import write_dagster_home

    write_dagster_home(settings)
    with dg.DagsterInstance.get() as instance:
        run = instance.get_run_by_id(after_selective["run_id"])
        assert run.tags.get(BASIS_TAG)
        built = {event.asset_key.to_user_string() for event in (
            entry.asset_materialization for entry in instance.all_logs(
                run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION))}
    assert "validated/iot_readings_checked" in built and "marts/iot_hourly" in built
    assert "staging/stg_population__citizens" not in built
    assert "marts/population_by_commune" not in built

    # the scorecard's change since the previous release differs by construction
    exclude = (*RUN_TIME_COLUMNS, "previous_pass_share", "change_since_previous")
    got = release_content(settings, after_selective["release"], exclude=exclude)
    want = release_content(settings, after_full["release"], exclude=exclude)
    assert got.keys() == want.keys() and len(got) > 20
    assert {t: c for t, c in got.items() if c != want[t]} == {}
    checks = [get_release(settings, n).info.get("checks", {}) for n in
              (after_selective["release"], after_full["release"])]
    assert checks[0]["warnings"] == checks[1]["warnings"]
