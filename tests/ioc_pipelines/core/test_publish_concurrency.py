"""Analysts reading while a release is being published see the old release or the new one,
never a mix: two tables published together always come from the same release."""

from __future__ import annotations

import threading
import time

import duckdb

from ioc_pipelines.core.publishing import publish_tables
from ioc_pipelines.resources.extensions import ensure_extensions
from ioc_pipelines.resources.lakes import analyst_attach_sql, connect, init_lakes
from ioc_pipelines.settings import load_settings

ROWS = 300_000
READ = """SELECT (SELECT min(generation) FROM ioc.t_a), (SELECT max(generation) FROM ioc.t_a),
                 (SELECT min(generation) FROM ioc.t_b), (SELECT max(generation) FROM ioc.t_b),
                 (SELECT count(*) FROM ioc.t_a), (SELECT count(*) FROM ioc.t_b)"""


def _stage(settings, generation: int) -> None:
    with connect(settings) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS work.concurrency")
        for table in ("a", "b"):
            con.execute(f"CREATE OR REPLACE TABLE work.concurrency.{table} AS "
                        f"SELECT {generation} AS generation, range AS n FROM range({ROWS})")


def test_readers_never_see_a_mix_of_releases(tmp_path):
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                              "IOC_ENV_FILE": str(tmp_path / "no.env")})
    init_lakes(settings)
    tables = {"t_a": "work.concurrency.a", "t_b": "work.concurrency.b"}
    _stage(settings, 1)
    publish_tables(settings, tables, run_id="g1")
    attach = analyst_attach_sql(settings, None)

    seen: list[tuple] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            con = duckdb.connect()  # a fresh analyst session each time, as in a notebook
            try:
                ensure_extensions(con, ["ducklake", "sqlite_scanner"])
                for statement in filter(None, (s.strip() for s in attach.split(";"))):
                    con.execute(statement)
                seen.append(con.execute(READ).fetchone())
            except duckdb.Error as exc:  # a busy catalog is retried, never a wrong answer
                errors.append(str(exc).splitlines()[0])
            finally:
                con.close()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for generation in range(2, 7):
            _stage(settings, generation)
            publish_tables(settings, tables, run_id=f"g{generation}")
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    assert len(seen) >= 10, f"too few reads completed ({len(seen)}); errors: {errors[:3]}"
    mixed = [row for row in seen if len({row[0], row[1], row[2], row[3]}) != 1
             or row[4] != ROWS or row[5] != ROWS]
    assert not mixed, mixed[:5]
    assert len({row[0] for row in seen}) >= 2, "readers never saw a publish happen"
