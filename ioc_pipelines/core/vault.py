"""Where backups are kept: a directory or an S3 bucket (``s3://bucket/prefix``) that is not
the home it backs up (docs/operations.md, "Backup and restore"). Content-addressed: every
file once under ``objects/<aa>/<sha256>``, whatever backup it belongs to, so a second backup
copies only what changed; each backup is a manifest ``backups/<id>.json`` listing its files
with their checksums, and ``backups/<id>.sha256`` holds the manifest's own checksum, written
last (a backup without it was interrupted and is not listed). What is kept where is the
same for both kinds; only the few storage primitives differ."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path

from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.resources.object_store import (
    ObjectStoreError,
    S3ObjectStore,
    check_key,
    write_atomically,
)
from ioc_pipelines.setting_values import SettingsError, bucket
from ioc_pipelines.settings import Settings

CHUNK = 4 << 20


class BackupError(CoreError):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Vault(ABC):
    """Backups in one place; ``root`` names it in messages."""

    root: str
    _objects: set[str] | None = None

    # the storage primitives (names are relative: ``objects/…``, ``backups/…``)
    @abstractmethod
    def _names(self, folder: str) -> list[str]: ...

    @abstractmethod
    def _put(self, name: str, path: Path) -> None:
        """Keep the local file ``path`` (consumed) as ``name``."""

    @abstractmethod
    def _get(self, name: str, dest: Path) -> bool:
        """Copy ``name`` to ``dest``; False when there is no such file."""

    @abstractmethod
    def _read(self, name: str) -> bytes: ...

    @abstractmethod
    def _write(self, name: str, data: bytes) -> None: ...

    @abstractmethod
    def _delete(self, name: str) -> None: ...

    @abstractmethod
    def scratch(self) -> Path:
        """A local temporary file for :meth:`add`."""

    @abstractmethod
    def _done(self) -> None:
        """Remove what :meth:`scratch` left."""

    @staticmethod
    def _object(digest: str) -> str:
        return f"objects/{digest[:2]}/{digest}"

    def has(self, digest: str) -> bool:
        if self._objects is None:  # listed once: a bucket is not asked file by file
            self._objects = {name.rsplit("/", 1)[-1] for name in self._names("objects")}
        return digest in self._objects

    def add(self, path: Path) -> tuple[str, int]:
        """Keep a file (from :meth:`scratch`): its (sha256, size); a file the vault already
        holds is not stored twice."""
        digest, size = sha256_file(path), path.stat().st_size
        if self.has(digest):
            path.unlink()
        else:
            self._put(self._object(digest), path)
            self._objects.add(digest)
        return digest, size

    def fetch(self, digest: str, dest: Path) -> None:
        """Copy a kept file out, checking its checksum on the way."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not self._get(self._object(digest), dest):
            raise BackupError(f"the backup is incomplete: file {digest[:12]}… is missing from "
                              f"{self.root}")
        if sha256_file(dest) != digest:
            dest.unlink()
            raise BackupError(f"the backup is damaged: file {digest[:12]}… in {self.root} "
                              "does not match its checksum")

    def write_manifest(self, backup_id: str, manifest: dict) -> str:
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        self._write(f"backups/{backup_id}.json", data)
        self._write(f"backups/{backup_id}.sha256",
                    (hashlib.sha256(data).hexdigest() + "\n").encode())
        self._done()
        return f"{self.root}/backups/{backup_id}.json"

    def backups(self) -> list[str]:
        """Complete backups, oldest first."""
        names = {name.rsplit("/", 1)[-1] for name in self._names("backups")}
        return sorted(n[:-7] for n in names if n.endswith(".sha256") and f"{n[:-7]}.json"
                      in names)

    def manifest(self, backup_id: str | None = None) -> dict:
        """A backup's manifest (the newest by default), its checksum verified."""
        found = self.backups()
        if not found:
            raise BackupError(f"no complete backup in {self.root}")
        backup_id = backup_id or found[-1]
        if backup_id not in found:
            raise BackupError(f"no backup {backup_id} in {self.root} (there are: "
                              f"{', '.join(found[-5:])})")
        data = self._read(f"backups/{backup_id}.json")
        if hashlib.sha256(data).hexdigest() != self._read(
                f"backups/{backup_id}.sha256").decode().strip():
            raise BackupError(f"the manifest of backup {backup_id} does not match its "
                              "checksum: the backup was changed or damaged")
        return json.loads(data)

    def prune(self, keep: int) -> tuple[list[str], int, int]:
        """Keep the newest ``keep`` backups: the others' manifests go, then every file no
        kept backup lists. (backups removed, files removed, bytes freed)."""
        if keep < 1:
            raise BackupError("keep at least one backup")
        found = self.backups()
        gone = found[:-keep]
        wanted: dict[str, int] = {}
        listed: dict[str, int] = {}
        for backup_id in found:
            for entry in self.manifest(backup_id)["entries"]:
                listed[entry["sha256"]] = entry.get("size", 0)
                if backup_id in found[-keep:]:
                    wanted[entry["sha256"]] = 0
        for backup_id in gone:
            self._delete(f"backups/{backup_id}.sha256")  # first: it stops being listed
            self._delete(f"backups/{backup_id}.json")
        files = freed = 0
        for name in self._names("objects"):
            digest = name.rsplit("/", 1)[-1]
            if digest not in wanted:
                freed += listed.get(digest, 0)
                self._delete(name)
                files += 1
        self._objects = None
        return gone, files, freed


class DirectoryVault(Vault):
    def __init__(self, root: Path):
        self.path = Path(root).resolve()
        self.root = str(self.path)

    def _names(self, folder: str) -> list[str]:
        base = self.path / folder
        return [p.relative_to(self.path).as_posix() for p in sorted(base.rglob("*"))
                if p.is_file() and not p.name.startswith(".")] if base.is_dir() else []

    def _put(self, name: str, path: Path) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o600)
        os.replace(path, target)

    def _get(self, name: str, dest: Path) -> bool:
        if not (self.path / name).is_file():
            return False
        shutil.copyfile(self.path / name, dest)
        return True

    def _read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def _write(self, name: str, data: bytes) -> None:
        (self.path / name).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path / name, data)

    def _delete(self, name: str) -> None:
        (self.path / name).unlink()

    def scratch(self) -> Path:
        """Inside the vault (same file system: moved in, not copied)."""
        folder = self.path / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="in-")
        os.close(fd)
        return Path(name)

    def _done(self) -> None:
        shutil.rmtree(self.path / "tmp", ignore_errors=True)


class BucketVault(Vault):
    def __init__(self, store: S3ObjectStore, bucket_name: str, prefix: str, label: str):
        self.store, self.bucket, self.prefix, self.root = store, bucket_name, prefix, label
        self._tmp: Path | None = None

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def _names(self, folder: str) -> list[str]:
        return [o.key[len(self.prefix):] for o in
                self.store.list(self.bucket, self._key(f"{folder}/"))]

    def _put(self, name: str, path: Path) -> None:
        self.store.put_file(self.bucket, self._key(name), path)
        path.unlink()

    def _get(self, name: str, dest: Path) -> bool:
        try:
            self.store.get_file(self.bucket, self._key(name), dest)
        except ObjectStoreError:
            if self.store.exists(self.bucket, self._key(name)):
                raise
            return False
        return True

    def _read(self, name: str) -> bytes:
        return self.store.get_bytes(self.bucket, self._key(name))

    def _write(self, name: str, data: bytes) -> None:
        self.store.put_bytes(self.bucket, self._key(name), data)

    def _delete(self, name: str) -> None:
        self.store.delete(self.bucket, self._key(name))

    def scratch(self) -> Path:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="ioc-backup-"))
        fd, name = tempfile.mkstemp(dir=self._tmp, prefix="in-")
        os.close(fd)
        return Path(name)

    def _done(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


def open_vault(settings: Settings, target: str | Path, *, backing_up: bool = False) -> Vault:
    """The vault at ``target``: ``s3://bucket/prefix`` (the server of ``IOC_BACKUP_S3_*``,
    else the home's own) or a directory. Backing up, a target holding the home or one of
    its buckets is refused: a backup must survive the loss of what it backs up."""
    text = str(target)
    if text.startswith("s3://"):
        return _bucket_vault(settings, text, backing_up)
    path = Path(target).expanduser().resolve()
    home = settings.home.resolve()
    if backing_up and (path == home or home in path.parents):
        raise BackupError(f"the backup directory {path} is inside the home it backs up "
                          f"({home}); keep backups elsewhere (another disk or machine)")
    if backing_up and settings.object_store == "local" and (
            path == settings.local_store_dir or settings.local_store_dir in path.parents):
        raise BackupError(f"the backup directory {path} is inside the object store it backs up")
    return DirectoryVault(path)


def _bucket_vault(settings: Settings, target: str, backing_up: bool) -> BucketVault:
    name, _, prefix = target[len("s3://"):].partition("/")
    try:
        bucket({"target": name}, "target", name)
        prefix = check_key(prefix.strip("/")) + "/" if prefix.strip("/") else ""
    except (SettingsError, ObjectStoreError) as exc:
        raise BackupError(f"{target} is not a backup place: {exc}") from None
    s3 = settings.backup_s3
    if s3 is None:
        raise BackupError(f"a backup to {target} needs its S3 server: set "
                          "IOC_BACKUP_S3_ENDPOINT, IOC_BACKUP_S3_ACCESS_KEY and "
                          "IOC_BACKUP_S3_SECRET_KEY")
    if backing_up and settings.s3 is not None and s3.endpoint == settings.s3.endpoint and \
            name in (settings.work_bucket, settings.published_bucket):
        raise BackupError(f"{target} is a bucket of the home it backs up; keep backups in "
                          "another bucket, on another server")
    store = S3ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, region=s3.region,
                          secure=s3.use_ssl)
    if backing_up:
        try:
            store.ensure_bucket(name)
        except ObjectStoreError as exc:
            raise BackupError(f"cannot use bucket {name} on {s3.endpoint}: {exc}") from None
    return BucketVault(store, name, prefix, f"s3://{name}/{prefix}".rstrip("/"))
