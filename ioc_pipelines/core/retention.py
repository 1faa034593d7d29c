"""Retention of the work lake: every run adds snapshots (hundreds a run: one per model, per
check, per load) and DuckLake keeps every file any snapshot can see, so the build slows and
the lake grows without end. ``ioc maintain`` (and each ``ioc run`` after it publishes)
expires the snapshots older than the retention — never one a published release was made
from, nor a waiting candidate's, nor the newest — then deletes the files only expired
snapshots held, and the orphaned files on an explicit list. docs/operations.md,
"Retention"."""

from __future__ import annotations

from dataclasses import dataclass, field

from ioc_pipelines.core.candidates import list_candidates
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.resources.lakes import WORK, connect, lakes
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings

DEFAULT_KEEP_DAYS = 7
ORPHAN_MIN_AGE_HOURS = 24  # a file younger than this may belong to a write in progress


@dataclass
class Retained:
    snapshots_before: int
    expired: list[int] = field(default_factory=list)
    protected: dict[int, str] = field(default_factory=dict)  # snapshot -> why it stays
    files_deleted: int = 0  # files only expired snapshots held (previous pass's expiry)
    orphans: list[str] = field(default_factory=list)  # the explicit list, deleted


def expire(con, alias: str, versions: list[int]) -> None:
    """Expire these snapshots (by id: DuckLake 1.5's ``older_than`` compares a SQLite
    catalog's times wrongly and expires recent snapshots too)."""
    if versions:
        con.execute(f"CALL ducklake_expire_snapshots('{alias}', versions => "
                    f"[{', '.join(str(int(v)) for v in versions)}])")


def delete_scheduled_files(con, alias: str) -> int:
    """Delete the files earlier expiries left to no snapshot (scheduled by DuckLake); run
    one pass later than the expiry, so a reader scanning them then has finished."""
    rows = con.execute(f"CALL ducklake_cleanup_old_files('{alias}', cleanup_all => true)"
                       ).fetchall()
    return len(rows)


def protected_snapshots(settings: Settings) -> dict[int, str]:
    """Work-lake snapshots that must stay: each release's (its quality report and lineage
    read the work lake as it was) and each waiting candidate's (it is published from it)."""
    keep: dict[int, str] = {}
    for release in list_releases(settings):
        if (snapshot := release.info.get("work_snapshot")) is not None:
            keep.setdefault(int(snapshot), f"release {release.id}")
    for candidate in list_candidates(settings):
        if candidate.status == "waiting":
            keep.setdefault(candidate.work_snapshot, f"candidate {candidate.id} (waiting)")
    return keep


def orphan_list(con, settings: Settings) -> list[str]:
    """Files in the work lake's data path that no snapshot knows, older than a day: DuckLake
    lists them, and only Parquet files under the lake's own data path are kept on the list
    (the landing zone shares the bucket and is never touched)."""
    data_path = lakes(settings)[WORK].data_path
    rows = con.execute(
        f"CALL ducklake_delete_orphaned_files('{WORK}', dry_run => true, older_than => "
        f"now() - INTERVAL '{ORPHAN_MIN_AGE_HOURS} hours')").fetchall()
    return sorted(path for (path,) in rows
                  if path.startswith(data_path) and path.endswith(".parquet")
                  and ".." not in path[len(data_path):].split("/"))


def retain(settings: Settings, *, keep_days: int = DEFAULT_KEEP_DAYS,
           dry_run: bool = False) -> Retained:
    """One retention pass over the work lake (the caller holds the home's lock)."""
    if keep_days < 1:
        raise CoreError("keep at least one day of work-lake snapshots (--keep-days ≥ 1)")
    protected = protected_snapshots(settings)
    store = object_store(settings)
    prefix = store.duckdb_url(settings.work_bucket)
    with connect(settings) as con:
        snapshots = con.execute(
            f"SELECT snapshot_id, snapshot_time < now() - INTERVAL '{int(keep_days)} days' "
            f"FROM ducklake_snapshots('{WORK}') ORDER BY 1").fetchall()
        done = Retained(len(snapshots), protected={
            s: why for s, why in protected.items() if s in {r[0] for r in snapshots}})
        newest = snapshots[-1][0] if snapshots else None
        done.expired = [s for s, old in snapshots if old and s != newest and s not in protected]
        done.orphans = orphan_list(con, settings)
        if dry_run:
            return done
        done.files_deleted = delete_scheduled_files(con, WORK)
        expire(con, WORK, done.expired)
    for path in done.orphans:
        store.delete(settings.work_bucket, path[len(prefix):])
    return done
