"""Helpers for end-to-end tests: read what a run produced, as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from ioc_pipelines.resources.extensions import ensure_extensions


def status(run_ioc, env) -> dict:
    return json.loads(run_ioc(env, "status", "--json").stdout)


def analyst_query(attach_sql: str, sql: str):
    """Run ``sql`` on a fresh DuckDB connection that knows only the analyst's attach SQL."""
    con = duckdb.connect()
    try:
        ensure_extensions(con, ["ducklake", "httpfs", "sqlite_scanner"])
        for statement in filter(None, (s.strip() for s in attach_sql.split(";"))):
            con.execute(statement)
        return con.execute(sql).fetchall()
    finally:
        con.close()


def truth(home: Path) -> dict:
    return json.loads((home / "demo" / "truth" / "population.json").read_text(encoding="utf-8"))


def expected_quarantine(manifest: dict) -> dict[tuple[str, int], list[str]]:
    return {(d["file"], d["record_number"]): sorted(d["reasons"]) for d in manifest["defects"]}
