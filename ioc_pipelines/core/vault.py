"""Where backups are kept: a directory outside the home it backs up (docs/operations.md,
"Backup and restore"). Content-addressed: every file once under ``objects/<aa>/<sha256>``,
whatever backup it belongs to, so a second backup copies only what changed; each backup is
a manifest ``backups/<id>.json`` listing its files with their checksums, and
``backups/<id>.sha256`` holds the manifest's own checksum."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from ioc_pipelines.core.errors import CoreError

CHUNK = 4 << 20


class BackupError(CoreError):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class Vault:
    """A backup directory."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def _object(self, digest: str) -> Path:
        return self.root / "objects" / digest[:2] / digest

    def has(self, digest: str) -> bool:
        return self._object(digest).is_file()

    def scratch(self) -> Path:
        """A temporary file inside the vault (same file system: moved in, not copied)."""
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix="in-")
        os.close(fd)
        return Path(name)

    def add(self, path: Path) -> tuple[str, int]:
        """Keep a file (moved from :meth:`scratch`): its (sha256, size); a file the vault
        already holds is not stored twice."""
        digest, size = sha256_file(path), path.stat().st_size
        target = self._object(digest)
        if target.is_file():
            path.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(path, 0o600)
            os.replace(path, target)
        return digest, size

    def fetch(self, digest: str, dest: Path) -> None:
        """Copy a kept file out, checking its checksum on the way."""
        source = self._object(digest)
        if not source.is_file():
            raise BackupError(f"the backup is incomplete: file {digest[:12]}… is missing from "
                              f"{self.root}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        if sha256_file(dest) != digest:
            dest.unlink()
            raise BackupError(f"the backup is damaged: file {digest[:12]}… in {self.root} "
                              "does not match its checksum")

    def write_manifest(self, backup_id: str, manifest: dict) -> Path:
        folder = self.root / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        path = folder / f"{backup_id}.json"
        tmp = folder / f".{backup_id}.json.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
        # the checksum last: a backup without one was interrupted and is not listed
        (folder / f"{backup_id}.sha256").write_text(hashlib.sha256(data).hexdigest() + "\n")
        shutil.rmtree(self.root / "tmp", ignore_errors=True)
        return path

    def backups(self) -> list[str]:
        """Complete backups, oldest first."""
        folder = self.root / "backups"
        if not folder.is_dir():
            return []
        return sorted(p.stem for p in folder.glob("*.sha256") if (folder / f"{p.stem}.json")
                      .is_file())

    def manifest(self, backup_id: str | None = None) -> dict:
        """A backup's manifest (the newest by default), its checksum verified."""
        found = self.backups()
        if not found:
            raise BackupError(f"no complete backup in {self.root}")
        backup_id = backup_id or found[-1]
        if backup_id not in found:
            raise BackupError(f"no backup {backup_id} in {self.root} (there are: "
                              f"{', '.join(found[-5:])})")
        folder = self.root / "backups"
        data = (folder / f"{backup_id}.json").read_bytes()
        if hashlib.sha256(data).hexdigest() != (folder / f"{backup_id}.sha256").read_text(
                ).strip():
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
        wanted = set()
        for backup_id in found[-keep:]:
            wanted |= {e["sha256"] for e in self.manifest(backup_id)["entries"]}
        folder = self.root / "backups"
        for backup_id in gone:
            (folder / f"{backup_id}.sha256").unlink()  # first: it stops being listed
            (folder / f"{backup_id}.json").unlink()
        files = freed = 0
        for path in (self.root / "objects").glob("*/*"):
            if path.name not in wanted:
                freed += path.stat().st_size
                path.unlink()
                files += 1
        return gone, files, freed
