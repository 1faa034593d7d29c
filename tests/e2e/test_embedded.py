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


def _iot_day(source: Path, day, dest: Path, change=None) -> Path:
    """The readings file of ``source`` moved to ``day`` (SNNMT__quan_trac_YYYYMMDD.csv), its
    rows passed through ``change`` (rows → rows) when given."""
    with source.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    rows = [[r[0], f"{day.isoformat()}{r[1][10:]}", *r[2:]] for r in rows]
    out = dest / f"SNNMT__quan_trac_{day:%Y%m%d}.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *(change(rows) if change else rows)])
    return out


def _same_as_full(settings, env, selective_release: int) -> None:
    """`ioc run --full` on the same inputs publishes what the selective run published, mart
    for mart, with the same warnings."""
    from ioc_pipelines.core.content import release_content
    from ioc_pipelines.core.publishing import get_release
    from tests.faults.harness import RUN_TIME_COLUMNS

    full = run_ioc(env, "run", "--no-demo", "--full", "--approve-by", "test")
    assert "models kept" not in full.stdout
    full_release = status(run_ioc, env)["release"]
    assert full_release > selective_release
    # the scorecard's change since the previous release differs by construction
    exclude = (*RUN_TIME_COLUMNS, "previous_pass_share", "change_since_previous")
    got = release_content(settings, selective_release, exclude=exclude)
    want = release_content(settings, full_release, exclude=exclude)
    assert got.keys() == want.keys() and len(got) > 20
    assert {t: c for t, c in got.items() if c != want[t]} == {}
    checks = [get_release(settings, n).info.get("checks", {})
              for n in (selective_release, full_release)]
    assert checks[0]["warnings"] == checks[1]["warnings"]


def _checked(settings, sensor: str, quantity: str, since) -> list[tuple]:
    with connect(settings) as con:
        return con.execute(
            "select observed_at, value, qc_flags from work.validated.iot_readings_checked "
            "where sensor_id = ? and quantity = ? and observed_at >= ? and not is_duplicate "
            "order by observed_at", [sensor, quantity, since]).fetchall()


def test_new_and_late_iot_days_rebuild_only_what_they_feed_and_equal_a_full_build(
        embedded, tmp_path):
    """Two new days of readings, then a day delivered late. Each run rebuilds the IoT models
    and what reads the deliveries, and leaves the registry's as they are (core/selective.py);
    the new days' readings are checked going on from the readings already checked — a run of
    equal values that crosses the day makes the earlier readings of the run STUCK, a series
    whose step changed has its earlier readings flagged again —, the late day makes the
    whole history checked again. `ioc run --full` on the same inputs publishes the same
    content, mart for mart, with the same warnings."""
    from datetime import datetime, timedelta

    import dagster as dg

    from ioc_pipelines.core.selective import BASIS_TAG
    from ioc_pipelines.resources.dagster_home import write_dagster_home

    home, env, _ = embedded
    settings = load_settings(env)
    readings = sorted((home / "demo" / "landing" / "iot").glob("*/SNNMT__quan_trac_*.csv"))
    def day_of(path: Path):  # SNNMT__quan_trac_YYYYMMDD.csv
        return datetime.strptime(path.stem.rsplit("_", 1)[1], "%Y%m%d").date()

    def pm25_sensors(path: Path) -> list[str]:
        with path.open(encoding="utf-8", newline="") as f:
            return sorted({r["ma_tram"] for r in csv.DictReader(f) if r["thong_so"] == "pm25"})

    # the newest file with air quality (the last day's comes from the platforms themselves)
    source = next(path for path in reversed(readings) if len(pm25_sensors(path)) >= 2)
    stuck_sensor, stepped_sensor = pm25_sensors(source)[:2]
    first_day, last_day = day_of(readings[0]), day_of(readings[-1])

    def day_one(rows):  # the stuck sensor ends on five equal values; the other reads each second
        mine = sorted((r for r in rows if r[0] == stuck_sensor and r[2] == "pm25"),
                      key=lambda r: r[1])
        for r in mine[-5:]:
            r[3] = "77.7"
        unit = next(r[4] for r in rows if r[0] == stepped_sensor and r[2] == "pm25")
        start = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
        return [r for r in rows if not (r[0] == stepped_sensor and r[2] == "pm25")] + [
            [stepped_sensor, f"{start + timedelta(seconds=s):%Y-%m-%d %H:%M:%S}", "pm25",
             "12.5", unit] for s in range(86_400)]

    def day_two(rows):  # … and begins on ten more of them: a run of 15 across the two days
        mine = sorted((r for r in rows if r[0] == stuck_sensor and r[2] == "pm25"),
                      key=lambda r: r[1])
        for r in mine[:10]:
            r[3] = "77.7"
        return rows

    for day, change in ((last_day + timedelta(days=1), day_one),
                        (last_day + timedelta(days=2), day_two)):
        run_ioc(env, "ingest", "iot", str(_iot_day(source, day, tmp_path, change)))
        run = run_ioc(env, "run", "--no-demo", "--approve-by", "test")
        assert re.search(r"\d+ models kept as the run \w+ built them", run.stdout), \
            run.stdout[-2000:]
        log = Path(run.stdout.rsplit("Full log: ", 1)[1].strip()).read_text(encoding="utf-8")
        assert "checked whole again" not in log

    # the run of equal values grew long across the two days: all but its first are stuck
    run = _checked(settings, stuck_sensor, "pm25", datetime.combine(
        last_day + timedelta(days=1), datetime.min.time()) + timedelta(hours=23))
    run = [r for r in run if float(r[1]) == 77.7][-15:]
    assert len(run) == 15 and "STUCK" not in run[0][2], run
    assert all("STUCK" in flags for _, _, flags in run[1:]), run
    # the other series' usual step is now a second: its five-minute steps are gaps
    before = _checked(settings, stepped_sensor, "pm25", datetime.combine(
        last_day, datetime.min.time()))[:288]
    assert sum("GAP" in flags for _, _, flags in before) > 250

    after_new_days = status(run_ioc, env)
    write_dagster_home(settings)
    with dg.DagsterInstance.get() as instance:  # the registry's models were left as they were
        dagster_run = instance.get_run_by_id(after_new_days["run_id"])
        assert dagster_run.tags.get(BASIS_TAG)
        built = {event.asset_key.to_user_string() for event in (
            entry.asset_materialization for entry in instance.all_logs(
                dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION))}
    assert "validated/iot_readings_checked" in built and "marts/iot_hourly" in built
    assert "staging/stg_population__citizens" not in built
    assert "marts/population_by_commune" not in built
    _same_as_full(settings, env, after_new_days["release"])

    # a day delivered late: older than what was checked, so the history is checked again
    run_ioc(env, "ingest", "iot", str(_iot_day(source, first_day - timedelta(days=1), tmp_path)))
    run = run_ioc(env, "run", "--no-demo", "--approve-by", "test")
    assert "models kept" in run.stdout
    log = Path(run.stdout.rsplit("Full log: ", 1)[1].strip()).read_text(encoding="utf-8")
    assert "checked whole again: readings older than the last one" in log
    _same_as_full(settings, env, status(run_ioc, env)["release"])
