"""The work.ops tables through their one module, on a DuckDB database attached as ``work``."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pytest

from connectors import Delivery
from ioc_pipelines.core import state


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("ATTACH ':memory:' AS work")
    state.ensure(con)
    state.ensure(con)  # idempotent
    yield con
    con.close()


def _delivery(source: str, day: date, name: str, sha: str) -> Delivery:
    return Delivery(source, "SYT", day, name, sha)


def test_deliveries_pending_loaded_and_rejected(con):
    late = _delivery("indicators", date(2026, 10, 5), "b.csv", "b" * 64)
    early = _delivery("indicators", date(2026, 10, 2), "a.csv", "a" * 64)
    for d, key in ((late, "landing/indicators/2026-10-05/b.csv"),
                   (early, "landing/indicators/2026-10-02/a.csv")):
        state.record_delivery(con, d, key, 10, "landed", None, datetime(2026, 10, 6))
    pending = state.pending_deliveries(con, "indicators")
    assert [p["file_name"] for p in pending] == ["a.csv", "b.csv"]  # oldest first
    assert state.landed_date_range(con, "indicators") == (date(2026, 10, 2), date(2026, 10, 5))
    assert state.pending_deliveries(con, "indicators",
                                    (date(2026, 10, 3), date(2026, 10, 9)))[0]["file_name"] == "b.csv"
    state.mark_loaded(con, early.delivery_id, pending[0]["file_key"], 7, datetime(2026, 10, 6))
    state.mark_rejected(con, late.delivery_id, pending[1]["file_key"], "not UTF-8")
    assert state.pending_deliveries(con, "indicators") == []
    assert state.loaded_deliveries(con, ["indicators", "map"]) == {
        "indicators": [early.delivery_id], "map": []}
    assert state.known_checksums(con, "indicators") == {
        "a" * 64: "landing/indicators/2026-10-02/a.csv",
        "b" * 64: "landing/indicators/2026-10-05/b.csv"}
    [row] = state.loaded_by_source(con, None)
    assert (row["source"], row["deliveries"]) == ("indicators", 1)


def test_a_new_candidate_supersedes_the_waiting_one(con):
    first = state.insert_candidate(con, snapshot=3, run_id="r1", awaiting={"map": ["d1"]},
                                   checks={"gate": "passed"})
    second = state.insert_candidate(con, snapshot=5, run_id="r2", awaiting={}, checks={})
    assert (first, second) == (1, 2)
    rows = state.candidate_rows(con)
    assert [(r["candidate_id"], r["status"]) for r in rows] == [(1, "superseded"),
                                                                 (2, "waiting")]
    assert rows[0]["awaiting"] == {"map": ["d1"]} and rows[0]["reason"] == "candidate 2"
    state.decide_candidate(con, 2, "published", "Lê Văn C", None, 9)
    row = state.candidate_rows(con)[1]
    assert (row["status"], row["decided_by"], row["release_id"]) == ("published", "Lê Văn C", 9)


def test_blocked_runs_are_recorded_once_and_read_by_period(con):
    started = datetime(2026, 11, 3, 7, 30)
    state.record_blocked_run(con, "run-1", started, ["check x failed"])
    state.record_blocked_run(con, "run-1", started, ["again"])
    rows = state.blocked_runs(con, None)
    assert len(rows) == 1 and rows[0]["failures"] == ["check x failed"]
    assert state.blocked_runs(con, None, datetime(2026, 11, 1), datetime(2026, 11, 30, 23))
    assert not state.blocked_runs(con, None, datetime(2026, 12, 1), datetime(2026, 12, 31))


def test_time_travel_relation():
    assert state.at_version("work.ops.deliveries", None) == "work.ops.deliveries"
    assert state.at_version("work.ops.deliveries", 7) == (
        "(SELECT * FROM work.ops.deliveries AT (VERSION => 7))")


def test_measurements_are_replaced_as_a_whole_and_read_by_name(con):
    import pandas as pd

    first = pd.DataFrame({"source": ["iot", "map"], "is_stale": [True, False]})
    state.replace_measurements(con, {"source_freshness": first})
    state.replace_measurements(con, {"source_freshness": first.iloc[:1]})
    assert state.measurements(con, "source_freshness") == [{"source": "iot", "is_stale": True}]
    with pytest.raises(ValueError, match="not a delivery measurement"):
        state.replace_measurements(con, {"deliveries": first})
    with pytest.raises(ValueError, match="not a delivery measurement"):
        state.measurements(con, "release_candidates")
