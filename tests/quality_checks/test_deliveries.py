"""đủ and sống on a real DuckDB lake: a department report that never came is missing, one
that came after the deadline is late, a quarterly indicator is only owed in quarter-end
months; an IoT feed whose readings stopped is stale, a live one is fresh."""

from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest

from quality_checks.deliveries import Expectation, Freshness, completeness, freshness

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
    con.execute("ATTACH ':memory:' AS work")
    con.execute("CREATE SCHEMA work.raw; CREATE SCHEMA work.ops")
    con.execute("CREATE TABLE work.raw.indicators__reports "
                "(_provider VARCHAR, _delivery_date DATE, period VARCHAR, actual DOUBLE)")
    con.execute("CREATE TABLE work.raw.iot__readings "
                "(_provider VARCHAR, _delivery_date DATE, observed_at TIMESTAMPTZ, value DOUBLE)")
    con.execute("CREATE TABLE work.ops.deliveries (source VARCHAR, status VARCHAR, "
                "landed_at TIMESTAMP, file_name VARCHAR)")
    yield con
    con.close()


INDICATORS = Expectation(
    source="indicators", table="indicators__reports", every="month", due_days=5,
    period_column="period", providers=(),
    # SYT reports monthly; TK only quarterly (due in September, not in October)
    providers_by_month={9: ("SYT", "TK"), 10: ("SYT",)})


def test_missing_and_late_department_reports(con):
    con.execute("INSERT INTO work.raw.indicators__reports VALUES "
                "('SYT', '2026-10-03', '2026-09', 1), ('SYT', '2026-10-03', '2026-09', 2), "
                "('SYT', '2026-11-09', '2026-10', 1)")  # TK never sent September
    rows = {(r["provider"], r["period"]): r for r in completeness(con, INDICATORS, TODAY)}
    assert set(rows) == {("SYT", "2026-09"), ("TK", "2026-09"), ("SYT", "2026-10")}
    assert rows[("SYT", "2026-09")]["status"] == "on_time"
    assert rows[("TK", "2026-09")]["status"] == "missing"
    assert rows[("TK", "2026-09")]["due_date"] == date(2026, 10, 5)
    assert rows[("SYT", "2026-10")]["status"] == "late"
    assert rows[("SYT", "2026-10")]["first_delivery_date"] == date(2026, 11, 9)


def test_a_period_not_yet_due_is_not_missing(con):
    con.execute("INSERT INTO work.raw.indicators__reports VALUES "
                "('SYT', '2026-10-03', '2026-09', 1), ('TK', '2026-10-03', '2026-09', 1)")
    rows = completeness(con, INDICATORS, date(2026, 11, 5))  # October's reports due today
    assert {(r["provider"], r["period"]) for r in rows} == {("SYT", "2026-09"),
                                                           ("TK", "2026-09")}


def test_a_day_without_readings_is_missing(con):
    iot = Expectation(source="iot", table="iot__readings", every="day", due_days=1,
                      period_column="observed_at", providers=("SNNMT",))
    con.execute("INSERT INTO work.raw.iot__readings VALUES "
                "('SNNMT', '2026-11-19', '2026-11-18 08:00:00+07', 1), "
                "('SNNMT', '2026-11-22', '2026-11-20 23:55:00+07', 1)")  # 19th missing, 20th late
    rows = {r["period"]: r["status"] for r in completeness(con, iot, TODAY)}
    assert rows == {"2026-11-18": "on_time", "2026-11-19": "missing", "2026-11-20": "late"}


def test_a_stale_iot_feed_and_a_live_one(con):
    rule = Freshness("iot", timedelta(minutes=30), "iot__readings", "observed_at")
    # landed_at is naive local time (Asia/Ho_Chi_Minh): 16:50 there is 09:50 UTC, 10 min ago
    con.execute("INSERT INTO work.ops.deliveries VALUES "
                "('iot', 'loaded', '2026-11-22 16:50', 'SNNMT__a.csv')")
    # the drop landed 10 minutes ago but its newest reading is 5 hours old: stale
    con.execute("INSERT INTO work.raw.iot__readings VALUES "
                "('SNNMT', '2026-11-22', ?, 1)", [NOW - timedelta(hours=5)])
    stale = freshness(con, rule, NOW)
    assert stale["is_stale"] and stale["data_age_hours"] == 5.0
    assert stale["delivery_age_hours"] == pytest.approx(0.17, abs=0.01)
    # readings from 5 minutes ago: fresh; a reading dated in the future does not count
    con.execute("INSERT INTO work.raw.iot__readings VALUES ('SNNMT', '2026-11-22', ?, 1), "
                "('SNNMT', '2026-11-22', ?, 1)", [NOW - timedelta(minutes=5),
                                                  NOW + timedelta(days=30)])
    fresh = freshness(con, rule, NOW)
    assert not fresh["is_stale"] and fresh["data_age_hours"] == pytest.approx(0.08, abs=0.01)


def test_the_sla_follows_how_the_feed_is_loaded(con):
    """A feed delivered as daily files is held to the files' SLA (30 h), not to the live
    path's 30 minutes; once the live path delivers it, to the live SLA."""
    rule = Freshness("iot", timedelta(hours=30), "iot__readings", "observed_at",
                     live_sla=timedelta(minutes=30), live_files="%__truc_tuyen_%")
    # this morning's file (07:10 local) of yesterday's readings (newest 23:50 local)
    con.execute("INSERT INTO work.ops.deliveries VALUES "
                "('iot', 'loaded', '2026-11-22 07:10', 'SNNMT__2026-11-21.csv')")
    con.execute("INSERT INTO work.raw.iot__readings VALUES "
                "('SNNMT', '2026-11-22', '2026-11-21 23:50:00+07', 1)")
    files = freshness(con, rule, NOW)
    assert files["load_path"] == "files" and files["sla_hours"] == 30
    assert not files["is_stale"] and files["data_age_hours"] == pytest.approx(17.17, abs=0.01)
    # no file the next morning: 14 hours later the newest reading is 31 hours old, stale
    later = freshness(con, rule, NOW + timedelta(hours=14))
    assert later["is_stale"] and later["data_age_hours"] > 30 > later["delivery_age_hours"]
    # the live path delivered 20 minutes ago, readings until 16:40 local: its SLA holds now
    con.execute("INSERT INTO work.ops.deliveries VALUES "
                "('iot', 'loaded', '2026-11-22 16:40', 'SNNMT__truc_tuyen_2026-11-22T0930.csv')")
    con.execute("INSERT INTO work.raw.iot__readings VALUES "
                "('SNNMT', '2026-11-22', '2026-11-22 16:35:00+07', 1)")
    live = freshness(con, rule, NOW)
    assert live["load_path"] == "live" and live["sla_hours"] == 0.5 and not live["is_stale"]
    # an hour without a live delivery: stale, although a daily file would still be in time
    assert freshness(con, rule, NOW + timedelta(hours=1))["is_stale"]


def test_a_source_never_delivered_is_stale(con):
    assert freshness(con, Freshness("planning", timedelta(days=365)), NOW)["is_stale"]


def test_fill_rate_of_required_fields_per_delivery(con):
    from quality_checks.deliveries import fill_rates

    con.execute("CREATE TABLE work.raw.population__citizens (citizen_id VARCHAR, "
                "full_name VARCHAR, birth_date VARCHAR, _provider VARCHAR, "
                "_delivery_id VARCHAR, _file VARCHAR)")
    con.execute("INSERT INTO work.raw.population__citizens VALUES "
                "('012190000001', 'A', '1990-01-01', 'CA_TINH', 'd1', 'a.csv'), "
                "('012190000002', '  ', NULL, 'CA_TINH', 'd1', 'a.csv'), "
                "('012190000003', 'C', '1990-01-03', 'CA_TINH', 'd1', 'a.csv'), "
                "(NULL, 'D', '1990-01-04', 'CA_TINH', 'd1', 'a.csv')")
    rates = {r["field"]: r for r in fill_rates(
        con, "population", "population__citizens", ["citizen_id", "full_name", "birth_date",
                                                    "sex"])}  # sex: not delivered at all
    assert set(rates) == {"citizen_id", "full_name", "birth_date"}
    assert rates["citizen_id"]["fill_rate"] == 0.75
    assert rates["full_name"]["filled"] == 3  # blank is not a value
    assert rates["birth_date"]["records"] == 4 and rates["birth_date"]["delivery_id"] == "d1"


def test_fill_rates_read_only_deliveries_not_measured_before(con):
    """A delivery's raw records never change: what was measured for it is kept (here a made-up
    measurement, to show it is not read again), a new delivery is measured, a delivery gone
    from the raw table is dropped, and one measured for other fields is measured again."""
    from quality_checks.deliveries import fill_rates

    con.execute("CREATE TABLE work.raw.population__citizens (citizen_id VARCHAR, "
                "full_name VARCHAR, _provider VARCHAR, _delivery_id VARCHAR, _file VARCHAR)")
    con.execute("INSERT INTO work.raw.population__citizens VALUES "
                "('1', 'A', 'CA_TINH', 'd1', 'a.csv'), ('2', NULL, 'CA_TINH', 'd2', 'b.csv'), "
                "(NULL, 'C', 'CA_TINH', 'd3', 'c.csv')")
    fields = ["citizen_id", "full_name"]
    first = fill_rates(con, "population", "population__citizens", fields)
    assert [(r["delivery_id"], r["field"], r["filled"]) for r in first] == [
        ("d1", "citizen_id", 1), ("d1", "full_name", 1), ("d2", "citizen_id", 1),
        ("d2", "full_name", 0), ("d3", "citizen_id", 0), ("d3", "full_name", 1)]

    made_up = [{**r, "filled": 7} for r in first if r["delivery_id"] == "d1"]
    other_fields = [{**r, "field": "birth_date"} for r in first if r["delivery_id"] == "d2"]
    gone = [{**r, "delivery_id": "d0"} for r in first if r["delivery_id"] == "d1"]
    again = fill_rates(con, "population", "population__citizens", fields,
                       made_up + other_fields + gone)
    assert [(r["delivery_id"], r["field"], r["filled"]) for r in again] == [
        ("d1", "citizen_id", 7), ("d1", "full_name", 7), ("d2", "citizen_id", 1),
        ("d2", "full_name", 0), ("d3", "citizen_id", 0), ("d3", "full_name", 1)]
