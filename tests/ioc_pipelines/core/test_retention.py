"""Work-lake retention on a real DuckLake: snapshots older than the retention expire, but
never the one a published release was made from, a waiting candidate's, or the newest; the
files only expired snapshots held go one pass later; an orphaned Parquet file goes only when
it is on the explicit list (old enough, under the lake's data path) — a fresh one, and the
landing zone that shares the bucket, stay."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime, timedelta

import duckdb
import pytest

from ioc_pipelines.core import retention, state
from ioc_pipelines.core.publishing import publish_tables
from ioc_pipelines.resources.lakes import connect, init_lakes
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import load_settings


def _version(con, snapshot: int) -> int:
    return con.execute(f"SELECT max(v) FROM work.s.t AT (VERSION => {snapshot})").fetchone()[0]


def test_retention_keeps_releases_and_waiting_candidates(tmp_path):
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                              "IOC_ENV_FILE": str(tmp_path / "none.env")})
    init_lakes(settings)
    snapshots = {}
    with connect(settings) as con:
        state.ensure(con)
        con.execute("CREATE SCHEMA IF NOT EXISTS work.s")
        for version in range(1, 6):
            con.execute(f"CREATE OR REPLACE TABLE work.s.t AS SELECT {version} AS v, "
                        "range AS i FROM range(100)")
            snapshots[version] = con.execute(
                "SELECT max(snapshot_id) FROM work.snapshots()").fetchone()[0]
            if version == 3:
                state.insert_candidate(con, snapshot=snapshots[3], run_id="run-3",
                                       awaiting={"population": [1]}, checks={})
    release = publish_tables(settings, {"t": "work.s.t AT (VERSION => "
                                             f"{snapshots[1]})"}, run_id="run-1",
                             extra={"work_snapshot": snapshots[1]})
    # a month passes (the catalog's times moved back; SQLite keeps them as text)
    catalog = sqlite3.connect(settings.work_catalog.sqlite_path)
    for snapshot_id, at in catalog.execute("SELECT snapshot_id, snapshot_time "
                                           "FROM ducklake_snapshot").fetchall():
        moved = datetime.fromisoformat(at + ":00") - timedelta(days=30)  # '…+00' as written
        catalog.execute("UPDATE ducklake_snapshot SET snapshot_time = ? WHERE snapshot_id = ?",
                        [moved.strftime("%Y-%m-%d %H:%M:%S.%f+00"), snapshot_id])
    catalog.commit()
    catalog.close()
    store = object_store(settings)
    lake_dir = settings.local_store_dir / settings.work_bucket / "lake"
    stray_old = lake_dir / "s" / "t" / "left-by-a-crash.parquet"
    stray_new = lake_dir / "s" / "t" / "being-written.parquet"
    for stray in (stray_old, stray_new):
        stray.write_bytes(b"PAR1 not a real file")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stray_old, (two_days_ago, two_days_ago))
    store.put_bytes(settings.work_bucket, "landing/iot/2026-11-01/old.csv", b"a,b\n")
    landing = settings.local_store_dir / settings.work_bucket / "landing/iot/2026-11-01/old.csv"
    os.utime(landing, (two_days_ago, two_days_ago))

    looked = retention.retain(settings, dry_run=True)
    assert looked.orphans == [str(stray_old)]
    assert stray_old.exists()  # a dry run changes nothing

    done = retention.retain(settings)
    assert done.protected == {snapshots[1]: f"release {release.id}",
                              snapshots[3]: "candidate 1 (waiting)"}
    newest = done.snapshots_before - 1
    assert snapshots[1] not in done.expired and snapshots[3] not in done.expired
    assert newest not in done.expired and snapshots[2] in done.expired
    assert not stray_old.exists() and stray_new.exists() and landing.exists()
    files_before = len(list(lake_dir.rglob("*.parquet")))
    again = retention.retain(settings)  # the next pass deletes what the expiry left to none
    assert again.files_deleted > 0 and not again.expired
    assert len(list(lake_dir.rglob("*.parquet"))) == files_before - again.files_deleted
    with connect(settings) as con:
        assert _version(con, snapshots[1]) == 1 and _version(con, snapshots[3]) == 3
        assert con.execute("SELECT max(v), count(*) FROM work.s.t").fetchone() == (5, 100)
        with pytest.raises(duckdb.Error):
            _version(con, snapshots[2])
    with connect(settings, work=False, published=True) as con:
        assert con.execute("SELECT max(v) FROM published.main.t").fetchone()[0] == 1
