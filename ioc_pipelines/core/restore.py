"""``ioc restore``: a backup (:mod:`ioc_pipelines.core.backup`) into an empty home — at any
path, on any machine, with the local store or S3 — then checked against what the backup
recorded: every release with its row counts, the current release's content hashes, the
audit log's chain and head. ``ioc restore --drill`` does it into a temporary home and says
how long it took and what it verified. docs/operations.md, "Backup and restore"."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ioc_pipelines.core import audit, content
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.backup import FORMAT, bucket_roles, expectations
from ioc_pipelines.core.vault import BackupError, Vault, open_vault
from ioc_pipelines.resources import appdb, databases
from ioc_pipelines.resources.databases import SQLITE, DatabaseError, Place
from ioc_pipelines.resources.object_store import ObjectStoreError, check_key, object_store
from ioc_pipelines.settings import Settings, load_settings


@dataclass
class Check:
    what: str
    ok: bool
    detail: str = ""


@dataclass
class RestoreReport:
    backup_id: str
    files: int
    bytes: int
    seconds: float
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def _empty_or_say(settings: Settings, places: dict[str, Place]) -> None:
    """A restore never mixes two homes: refuse a home that holds data, saying what."""
    try:
        held = [place.label for place in places.values() if databases.holds(place)]
    except DatabaseError as exc:
        raise BackupError(str(exc)) from None
    store = object_store(settings)
    for bucket in bucket_roles(settings).values():
        try:
            if store.list(bucket):
                held.append(f"objects in bucket {bucket}")
        except Exception:  # noqa: BLE001, S112 - a bucket that does not exist holds nothing
            continue
    if (runs := settings.dagster_home / "storage" / "history" / "runs.db").exists():
        held.append(f"Dagster's storage ({runs.parent.parent})")
    if held:
        raise BackupError(f"the home {settings.home} is not empty — it holds "
                          f"{'; '.join(held)}; restore into a new, empty IOC_HOME (and empty "
                          "PostgreSQL databases)")


def restore(settings: Settings, source: str | Path | Vault, *, backup_id: str | None = None,
            actor: Actor, progress=lambda _line: None) -> RestoreReport:
    """Restore a backup into this (empty) home, then verify it."""
    started = time.monotonic()
    vault = source if isinstance(source, Vault) else open_vault(settings, source)
    manifest = vault.manifest(backup_id)
    if manifest.get("format", 1) > FORMAT:
        raise BackupError(f"backup {manifest['id']} was written by a newer version (format "
                          f"{manifest['format']}); restore it with that version or newer")
    appdb.dispose(settings)
    places = databases.places(settings)
    _empty_or_say(settings, places)
    store = object_store(settings)
    buckets = bucket_roles(settings)
    for bucket in buckets.values():
        store.ensure_bucket(bucket)
    entries = manifest["entries"]
    progress(f"backup {manifest['id']} of {manifest['home']}: {len(entries)} file(s), "
             f"{sum(e.get('size', 0) for e in entries) / 2**20:,.1f} MiB")
    targets = [_target(settings, places, buckets, entry) for entry in entries]
    # every file is fetched and checked first, beside the home: a damaged backup leaves the
    # home as empty as it was
    settings.home.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ioc-restore-", dir=settings.home.parent))
    try:
        for number, entry in enumerate(entries, start=1):
            vault.fetch(entry["sha256"], staging / str(number))
            if number % 500 == 0:
                progress(f"fetched and checked {number:,} of {len(entries):,} file(s)")
        for number, (entry, (bucket, dest)) in enumerate(zip(entries, targets, strict=True),
                                                         start=1):
            staged = staging / str(number)
            if bucket is not None:
                store.put_file(bucket, entry["key"], staged)
                continue
            if entry["part"] == "database":
                try:
                    databases.load(settings, places[entry["role"]], staged)
                except DatabaseError as exc:
                    raise BackupError(str(exc)) from None
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staged, dest)
            if entry["part"] == "file" and entry["path"].startswith("secrets/"):
                os.chmod(dest, 0o600)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    appdb.dispose(settings)  # its connections were to the file the restore replaced
    report = RestoreReport(manifest["id"], len(entries),
                           sum(e.get("size", 0) for e in entries), 0.0)
    report.checks = verify(settings, manifest)
    report.seconds = time.monotonic() - started
    if report.ok:
        audit.record(settings, actor, "home.restore", vault.root,
                     detail={"backup": manifest["id"], "from_home": manifest["home"]})
    return report


def _target(settings: Settings, places: dict[str, Place], buckets: dict[str, str],
            entry: dict) -> tuple[str | None, Path | None]:
    """Where an entry goes: (bucket, None) for an object, (None, path) for a file; a
    manifest naming anything else is refused before anything is written."""
    part = entry.get("part")
    if part == "object" and entry.get("bucket") in buckets:
        try:
            check_key(str(entry.get("key", "")))
        except ObjectStoreError as exc:
            raise BackupError(f"the backup names an object that cannot be stored: {exc}; "
                              "refused") from None
        return buckets[entry["bucket"]], None
    if part == "database" and entry.get("role") in places:
        place, kept = places[entry["role"]], entry.get("format", SQLITE)
        if kept != place.format:
            raise BackupError(
                f"the backup holds {place.what} as {kept}, and this home keeps "
                f"it {'in SQLite' if place.format == SQLITE else 'on PostgreSQL'}: set "
                "the home's IOC_*_CATALOG / IOC_APP_DB / IOC_DAGSTER_STORAGE as the backed-up "
                "home had them (an empty PostgreSQL database for a pg_dump)")
        return None, place.sqlite
    if part == "database" and entry.get("format") == databases.PG_DUMP:
        raise BackupError(f"the backup holds the {entry.get('role', '?').replace('_', ' ')} as "
                          "a pg_dump, and this home has no PostgreSQL database for it: set its "
                          "setting (IOC_DAGSTER_STORAGE, …) to an empty PostgreSQL database")
    if part == "file":
        return None, settings.home / _inside(str(entry.get("path", "")))
    raise BackupError(f"the backup holds an entry this version cannot place ({part!r}, "
                      f"{entry.get('role') or entry.get('bucket')!r}): refused")


def _inside(relative: str) -> str:
    """A manifest's home path, refused if it would leave the home (a forged manifest)."""
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts:
        raise BackupError(f"the backup names a file outside the home ({relative!r}): refused")
    return relative


def verify(settings: Settings, manifest: dict) -> list[Check]:
    """The restored home against what its backup recorded."""
    expected = manifest["verify"]
    now = expectations(settings)
    checks = [Check("releases and their row counts", now["releases"] == expected["releases"],
                    f"{len(now['releases'])} release(s), current "
                    f"{now['current_release']} (backup: {len(expected['releases'])}, current "
                    f"{expected['current_release']})")]
    same = now["current_content"] == expected["current_content"]
    differing = sorted(t for t in set(now["current_content"]) | set(expected["current_content"])
                       if now["current_content"].get(t) != expected["current_content"].get(t))
    checks.append(Check("the current release's content (a hash per table)", same,
                        f"{len(now['current_content'])} table(s) equal" if same else
                        "differ: " + ", ".join(differing[:10])))
    chain = now["audit"]
    checks.append(Check("the audit log's chain", chain["ok"] and
                        chain["entries"] == expected["audit"]["entries"] and
                        chain["head"] == expected["audit"]["head"],
                        f"{chain['entries']} entries, head {chain['head'][:12]}…"))
    if expected["current_release"] is not None:
        rows = content.release_content(settings, expected["current_release"])
        checks.append(Check("every table of the current release reads fully",
                            all(v["rows"] is not None for v in rows.values()),
                            f"{sum(v['rows'] or 0 for v in rows.values()):,} row(s)"))
    return checks


def drill(settings: Settings, source: str | Path, *, backup_id: str | None = None,
          actor: Actor, progress=lambda _line: None) -> RestoreReport:
    """Restore into a temporary home (the embedded default: local store, SQLite), verify,
    and remove it: what a scheduled drill runs."""
    vault = open_vault(settings, source)  # this home's settings name a backup bucket
    if any(e.get("format") == databases.PG_DUMP for e in vault.manifest(backup_id)["entries"]
           if e["part"] == "database"):
        raise BackupError("this backup holds PostgreSQL databases (pg_dump), which a drill "
                          "cannot restore into its temporary embedded home: run `ioc restore` "
                          "into a scratch home whose settings name empty PostgreSQL databases")
    folder = Path(tempfile.mkdtemp(prefix="ioc-drill-"))
    try:
        home = folder / "ioc"
        drill_settings = load_settings({"IOC_HOME": str(home),
                                        "IOC_ENV_FILE": str(folder / "none.env"),
                                        "IOC_PROVINCE": settings.province_code})
        report = restore(drill_settings, vault, backup_id=backup_id, actor=actor,
                         progress=progress)
        appdb.dispose(drill_settings)
        return report
    finally:
        shutil.rmtree(folder, ignore_errors=True)
