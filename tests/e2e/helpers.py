"""Helpers for end-to-end tests: read what a run produced, as a user would."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import duckdb

from ioc_pipelines.resources.extensions import ensure_extensions


def status(run_ioc, env) -> dict:
    return json.loads(run_ioc(env, "status", "--json").stdout)


def analyst_query(attach_sql: str, sql: str):
    """Run ``sql`` on a fresh DuckDB connection that knows only the analyst's attach SQL."""
    con = duckdb.connect()
    try:
        ensure_extensions(con, ["ducklake", "httpfs", "sqlite_scanner"] + (
            ["postgres_scanner"] if "ducklake:postgres:" in attach_sql else []))
        for statement in filter(None, (s.strip() for s in attach_sql.split(";"))):
            con.execute(statement)
        return con.execute(sql).fetchall()
    finally:
        con.close()


def truth(home: Path) -> dict:
    return json.loads((home / "demo" / "truth" / "population.json").read_text(encoding="utf-8"))


def expected_quarantine(manifest: dict) -> dict[tuple[str, int], list[str]]:
    return {(d["file"], d["record_number"]): sorted(d["reasons"]) for d in manifest["defects"]}


def read_while_a_run_publishes(env: dict[str, str], read: Callable[[], object],
                               pause: float = 0.0) -> tuple[list, list[str]]:
    """Start `ioc run --no-demo` and call ``read`` over and over until it ends: (results, errors);
    the run must succeed."""
    import time

    from tests.conftest import BIN, REPO

    writer = subprocess.Popen([str(BIN / "ioc"), "run", "--no-demo", "--full"], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results, errors = [], []
    try:
        while writer.poll() is None:
            try:
                results.append(read())
            except Exception as exc:  # noqa: BLE001 - every failed read is a finding
                errors.append(str(exc))
            time.sleep(pause)
        out = writer.communicate()[0]
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, out[-3000:]
    return results, errors


# what a reader must never be shown: a check's key, a check's asset path, the principles' keys
INTERNAL = re.compile(r"\b(?:delivered|complete|filled|volume|fresh)_[a-z_]+\b|"
                      r"\bquality/[a-z_]+|\b(?:clean|correct|complete|live)\b|"
                      r"\b(?:daily|weekly|monthly|quarterly|on change|on approval)\b", re.I)


def findings_and_gaps(settings) -> tuple[list[tuple], set[tuple]]:
    """What the truth is scored against (quality_checks.truth.score): each rule finding's raw
    table, file, record, reasons and quarantine, and the IoT readings flagged GAP."""
    from ioc_pipelines.resources.lakes import connect

    with connect(settings) as con:
        rows = con.execute("SELECT raw_table, file_name, record_number, reason_codes, "
                           "is_quarantined FROM work.validated.rule_findings").fetchall()
        gaps = set(con.execute(
            "SELECT sensor_id, quantity, timezone('Asia/Ho_Chi_Minh', observed_at) "
            "FROM work.validated.iot_readings_checked "
            "WHERE list_contains(qc_flags, 'GAP')").fetchall())
    return rows, gaps
