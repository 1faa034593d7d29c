"""``ioc backup``: a consistent, self-contained copy of a home in a backup directory
or bucket (:mod:`ioc_pipelines.core.vault`) — the work, published and live lakes (catalogs and Parquet
files), the landing zone, the operational database, Dagster's storage, the home's keys,
reports and run logs — taken under the home's lock (no run, sign-off or delivery changes
anything meanwhile; readers carry on) and incremental: a file whose size and stamp have not
changed since the previous backup is not read again. docs/operations.md, "Backup and
restore"."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ioc_pipelines.core import audit, content
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.core.publishing import list_releases
from ioc_pipelines.core.vault import BackupError, Vault, open_vault
from ioc_pipelines.resources import databases
from ioc_pipelines.resources.databases import DatabaseError, is_sqlite, snapshot_sqlite
from ioc_pipelines.resources.object_store import ObjectStoreError, object_store
from ioc_pipelines.settings import Settings

FORMAT = 2
# what of the home itself is kept (besides the catalogs and the operational database, placed
# by their settings): keys, reports, run logs, uploads waiting to land, Dagster's storage,
# the live spool, a province's own alert rules
HOME_PARTS = ("secrets", "reports", "logs", "inbox", "dagster/storage", "live/spool.sqlite",
              "alert_rules.yml")
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
# format 2: a database entry names its format (sqlite or pg_dump)


@dataclass
class BackupReport:
    backup_id: str
    path: str  # the manifest's place
    files: int
    copied: int
    copied_bytes: int
    total_bytes: int
    seconds: float


def bucket_roles(settings: Settings) -> dict[str, str]:
    """Role -> bucket: a restore puts each object into the bucket of the same role."""
    return {"work": settings.work_bucket, "published": settings.published_bucket}


def _home_files(settings: Settings) -> list[Path]:
    files = []
    for part in HOME_PARTS:
        path = settings.home / part
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file()
                      and not p.name.endswith(SQLITE_SIDE_FILES)]
    return files


def backup(settings: Settings, destination: str | Path, *, actor: Actor, wait: bool = True,
           on_wait=None, progress=lambda _line: None) -> BackupReport:
    """Back the home up into ``destination`` (a directory outside the home, or
    ``s3://bucket/prefix`` not one of its buckets); waits for the home's lock
    (``wait=False``: :class:`~ioc_pipelines.core.lock.Busy` at once)."""
    vault = open_vault(settings, destination, backing_up=True)
    home = settings.home.resolve()
    started = time.monotonic()
    backup_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if backup_id in vault.backups():
        time.sleep(1)
        backup_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    previous = _previous_entries(vault)
    entries: list[dict] = []
    copied = copied_bytes = 0

    def keep(entry: dict, stamp: str, write) -> None:
        """Record an entry, reusing the previous backup's copy when nothing changed."""
        nonlocal copied, copied_bytes
        before = previous.get(_entry_key(entry))
        if stamp and before and before.get("stamp") == stamp and \
                before.get("size") == entry.get("size") and vault.has(before["sha256"]):
            entries.append({**entry, "sha256": before["sha256"], "stamp": stamp})
            return
        scratch = vault.scratch()
        write(scratch)
        digest, size = vault.add(scratch)
        copied += 1
        copied_bytes += size
        entries.append({**entry, "sha256": digest, "size": size, "stamp": stamp})

    with home_lock(settings, actor, "backup", wait=wait, on_wait=on_wait):
        places = databases.places(settings)
        progress(f"databases: {len(places)}")
        for role, place in places.items():
            if databases.exists(place):
                try:
                    keep({"part": "database", "role": role, "format": place.format}, "",
                         lambda dest, place=place: databases.dump(settings, place, dest))
                except DatabaseError as exc:
                    raise BackupError(str(exc)) from None
        files = _home_files(settings)
        progress(f"home files: {len(files)}")
        for path in files:
            relative = path.relative_to(settings.home).as_posix()
            if is_sqlite(path):
                keep({"part": "file", "path": relative}, "",
                     lambda dest, path=path: snapshot_sqlite(path, dest))
            else:
                stat = path.stat()
                keep({"part": "file", "path": relative, "size": stat.st_size},
                     str(stat.st_mtime_ns), lambda dest, path=path: shutil.copyfile(path, dest))
        store = object_store(settings)
        for role, bucket in bucket_roles(settings).items():
            objects = store.list(bucket)
            progress(f"bucket {bucket}: {len(objects)} object(s), "
                     f"{sum(o.size for o in objects) / 2**20:,.1f} MiB")
            for number, info in enumerate(objects, start=1):
                if number % 500 == 0:
                    progress(f"bucket {bucket}: {number:,} of {len(objects):,} object(s), "
                             f"{copied:,} copied so far")
                try:
                    keep({"part": "object", "bucket": role, "key": info.key, "size": info.size},
                         info.stamp, lambda dest, info=info, bucket=bucket:
                         store.get_file(bucket, info.key, dest))
                except ObjectStoreError:
                    if info.key.startswith("live/"):
                        continue  # the live lake's maintenance removed an expired file
                    raise
        progress("the releases' contents")
        manifest = {"format": FORMAT, "id": backup_id, "home": str(home),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "province_code": settings.province_code, "entries": entries,
                    "verify": expectations(settings)}
    manifest["seconds"] = round(time.monotonic() - started, 1)
    path = vault.write_manifest(backup_id, manifest)
    total = sum(e.get("size", 0) for e in entries)
    audit.record(settings, actor, "home.backup", vault.root,
                 detail={"backup": backup_id, "files": len(entries), "copied": copied,
                         "copied_bytes": copied_bytes})
    return BackupReport(backup_id, path, len(entries), copied, copied_bytes, total,
                        time.monotonic() - started)


def expectations(settings: Settings) -> dict:
    """What a restore of this home must show again: every release with its row counts, the
    current release's content hashes, the audit log's length and head."""
    releases = list_releases(settings)
    chain = audit.verify(settings)
    return {
        "releases": {str(r.id): r.tables for r in releases},
        "current_release": releases[-1].id if releases else None,
        "current_content": content.release_content(settings, releases[-1].id)
        if releases else {},
        "audit": {"entries": chain.entries, "head": chain.head_hash, "ok": chain.ok},
    }


def _entry_key(entry: dict) -> tuple:
    return (entry["part"], entry.get("role") or entry.get("bucket"),
            entry.get("path") or entry.get("key"))


def _previous_entries(vault: Vault) -> dict[tuple, dict]:
    if not vault.backups():
        return {}
    try:
        return {_entry_key(e): e for e in vault.manifest()["entries"]}
    except BackupError:
        return {}  # a damaged last manifest: this backup copies everything again
