"""Keeping a home: ``ioc backup DIR`` (a consistent, incremental backup), ``ioc backup DIR
--list``, ``ioc restore DIR`` (into an empty home, verified), ``ioc restore DIR --drill``
(into a temporary home: how long it took, what it verified) and ``ioc maintain`` (the work
lake's retention). docs/operations.md."""

from __future__ import annotations

from ioc_pipelines.cli.output import FAILED, OK, add_wait_flag, say, waiting
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("backup", help="back the home up into a directory outside it or an "
                       "S3 bucket (s3://bucket/prefix) "
                       "(incremental; catalogs, data, landing zone, operational database, "
                       "Dagster's storage, keys, reports)")
    p.add_argument("directory", metavar="DIR_OR_S3", help="the backup directory (another "
                   "disk or a mounted share; made if missing) or s3://bucket/prefix (the server "
                   "of IOC_BACKUP_S3_ENDPOINT, else the home's own; not one of its buckets)")
    p.add_argument("--list", action="store_true", help="list the backups it holds")
    p.add_argument("--keep", type=int, default=None, metavar="N", help="after the backup, "
                   "keep the newest N backups and remove the others' files")
    add_wait_flag(p)
    p.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help="restore a backup into this (empty) home and verify "
                       "it; --drill: into a temporary home, then say what was verified")
    r.add_argument("directory", metavar="DIR_OR_S3", help="the backup directory or "
                   "s3://bucket/prefix")
    r.add_argument("--backup", default=None, help="which backup (default: the newest; "
                   "`ioc backup DIR --list`)")
    r.add_argument("--drill", action="store_true", help="restore into a temporary home, "
                   "verify, remove it; this home is not touched")
    r.set_defaults(func=cmd_restore)
    m = sub.add_parser("maintain", help="the work lake's retention: expire old snapshots "
                       "(never a release's or a waiting candidate's), delete the files only "
                       "they held and the orphaned files on an explicit list")
    m.add_argument("--keep-days", type=int, default=None,
                   help="keep the snapshots of the last N days (default 7)")
    m.add_argument("--dry-run", action="store_true", help="say what would go, change nothing")
    add_wait_flag(m)
    m.set_defaults(func=cmd_maintain)


def cmd_backup(settings: Settings, args) -> int:
    from ioc_pipelines.core import backup, vault

    if args.list:
        store = vault.open_vault(settings, args.directory)
        found = store.backups()
        if not found:
            say(f"no complete backup in {store.root}")
        for backup_id in found:
            manifest = store.manifest(backup_id)
            entries = manifest["entries"]
            say(f"{backup_id}  {len(entries):>7,} file(s)  "
                f"{sum(e.get('size', 0) for e in entries) / 2**20:>10,.1f} MiB  "
                f"release {manifest['verify']['current_release']}  of {manifest['home']}")
        return OK
    report = backup.backup(settings, args.directory, actor=Actor.os_user(),
                           wait=not args.no_wait, on_wait=waiting,
                           progress=lambda line: say(f"· {line}"))
    say(f"Backup {report.backup_id}: {report.files:,} file(s), "
        f"{report.total_bytes / 2**20:,.1f} MiB; copied {report.copied:,} "
        f"({report.copied_bytes / 2**20:,.1f} MiB)"
        + (", the rest unchanged since the last backup" if report.copied < report.files
           else "") + f"; {report.seconds:.1f} s")
    say(f"Manifest: {report.path}")
    if args.keep is not None:
        gone, files, freed = vault.open_vault(settings, args.directory).prune(args.keep)
        say(f"Kept the newest {args.keep} backup(s); removed {len(gone)} "
            f"({', '.join(gone) or 'none'}): {files:,} file(s), {freed / 2**20:,.1f} MiB")
    return OK


def cmd_restore(settings: Settings, args) -> int:
    from ioc_pipelines.core import restore

    run = restore.drill if args.drill else restore.restore
    report = run(settings, args.directory, backup_id=args.backup, actor=Actor.os_user(),
                 progress=lambda line: say(f"· {line}"))
    where = "a temporary home (removed)" if args.drill else str(settings.home)
    say(f"Restored backup {report.backup_id} into {where}: {report.files:,} file(s), "
        f"{report.bytes / 2**20:,.1f} MiB in {report.seconds:.1f} s")
    for check in report.checks:
        say(f"  {'✓' if check.ok else '✗'} {check.what}: {check.detail}")
    if not report.ok:
        say("The restored home does NOT match its backup (✗ above).")
        return FAILED
    return OK


def cmd_maintain(settings: Settings, args) -> int:
    from ioc_pipelines.core import retention
    from ioc_pipelines.core.lock import home_lock

    keep = args.keep_days if args.keep_days is not None else retention.DEFAULT_KEEP_DAYS
    with home_lock(settings, Actor.os_user(), "ioc maintain", wait=not args.no_wait,
                   on_wait=waiting):
        done = retention.retain(settings, keep_days=keep, dry_run=args.dry_run)
    verb = "would expire" if args.dry_run else "expired"
    say(f"work lake: {done.snapshots_before:,} snapshot(s); {verb} {len(done.expired):,} "
        f"older than {keep} day(s); kept for releases and waiting candidates: "
        + (", ".join(f"{s} ({why})" for s, why in sorted(done.protected.items())) or "none"))
    if not args.dry_run:
        say(f"deleted {done.files_deleted:,} file(s) only expired snapshots held")
    say(f"orphaned files ({'to delete' if args.dry_run else 'deleted'}): {len(done.orphans)}")
    for path in done.orphans:
        say(f"  {path}")
    return OK
