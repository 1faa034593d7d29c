"""The live lake's upkeep: each batch adds a few snapshots and small Parquet files; every
hour ``ioc live`` merges the files and expires old snapshots (``ioc live maintain`` by
hand)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.live import ensure_live_lake
from ioc_pipelines.core.retention import delete_scheduled_files, expire
from ioc_pipelines.resources.lakes import LIVE, connect
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class Maintained:
    snapshots_before: int
    snapshots_after: int
    files_before: int
    files_after: int


def maintain(settings: Settings, *, keep: str = "1 hour") -> Maintained:
    """Keep the live lake small as batches add up (several snapshots and small Parquet files
    a batch): merge adjacent small files, expire the snapshots older than ``keep`` (no
    reader time-travels the live lake further back); the files they alone held are deleted
    by the next maintenance. Every reading stays; ``ioc live`` runs this hourly."""
    if not re.fullmatch(r"\d+ (minute|hour|day)s?", keep):
        raise CoreError(f"keep={keep!r}: a number of minutes, hours or days")
    ensure_live_lake(settings)

    def counts(con) -> tuple[int, int]:
        snaps = con.execute(f"SELECT count(*) FROM ducklake_snapshots('{LIVE}')").fetchone()[0]
        files = con.execute(f"SELECT count(*) FROM __ducklake_metadata_{LIVE}."
                            "ducklake_data_file").fetchone()[0]
        return snaps, files

    with connect(settings, work=False, live=True) as con:
        snaps, files = counts(con)
        # first the files the previous maintenance scheduled for deletion: a reader that
        # was scanning them then has had an interval to finish
        delete_scheduled_files(con, LIVE)
        con.execute(f"CALL ducklake_merge_adjacent_files('{LIVE}')")
        # the snapshots older than ``keep``, the newest always kept
        expire(con, LIVE, [r[0] for r in con.execute(
            f"SELECT snapshot_id FROM ducklake_snapshots('{LIVE}') WHERE snapshot_time < "
            f"now() - INTERVAL '{keep}' AND snapshot_id < (SELECT max(snapshot_id) FROM "
            f"ducklake_snapshots('{LIVE}')) ORDER BY 1").fetchall()])
        return Maintained(snaps, *counts(con)[:1], files, counts(con)[1])
