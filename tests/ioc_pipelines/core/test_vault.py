"""Where backups go: a directory or ``s3://bucket/prefix``, never the home's own place; the
vault's bookkeeping (content-addressed files, checksummed manifests, pruning). The S3 round
trip against a real SeaweedFS is in tests/e2e/test_s3.py."""

from __future__ import annotations

import pytest

from ioc_pipelines.core.vault import BackupError, BucketVault, DirectoryVault, open_vault
from ioc_pipelines.settings import load_settings


def _settings(tmp_path, **extra):
    return load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                          "IOC_ENV_FILE": str(tmp_path / "none.env"), **extra})


def test_an_s3_target_needs_its_server_and_a_safe_name(tmp_path):
    embedded = _settings(tmp_path)
    with pytest.raises(BackupError, match="IOC_BACKUP_S3_ENDPOINT"):
        open_vault(embedded, "s3://ioc-backup/nightly")
    elsewhere = _settings(tmp_path, IOC_BACKUP_S3_ENDPOINT="https://backup.example:9000",
                          IOC_BACKUP_S3_ACCESS_KEY="k", IOC_BACKUP_S3_SECRET_KEY="s")
    vault = open_vault(elsewhere, "s3://ioc-backup//nightly/")
    assert isinstance(vault, BucketVault)
    assert (vault.bucket, vault.prefix, vault.root) == ("ioc-backup", "nightly/",
                                                         "s3://ioc-backup/nightly")
    assert elsewhere.backup_s3.use_ssl and elsewhere.backup_s3.endpoint == "backup.example:9000"
    for hostile in ("s3://ioc-backup/../etc", "s3://Bad_Bucket/x", "s3://ioc-backup/a/\x00b"):
        with pytest.raises(BackupError, match="is not a backup place"):
            open_vault(elsewhere, hostile)


def test_the_homes_own_buckets_and_folders_are_refused_for_a_backup(tmp_path):
    on_s3 = _settings(tmp_path, IOC_OBJECT_STORE="s3", IOC_S3_ENDPOINT="http://127.0.0.1:9",
                      IOC_S3_ACCESS_KEY="k", IOC_S3_SECRET_KEY="s")
    for bucket in ("ioc-work", "ioc-published"):
        with pytest.raises(BackupError, match="a bucket of the home it backs up"):
            open_vault(on_s3, f"s3://{bucket}/backups", backing_up=True)
    assert isinstance(open_vault(on_s3, "s3://ioc-work/backups"), BucketVault)  # reading
    embedded = _settings(tmp_path)
    with pytest.raises(BackupError, match="inside the home"):
        open_vault(embedded, tmp_path / "ioc" / "backups", backing_up=True)
    with pytest.raises(BackupError, match="inside the object store"):
        open_vault(_settings(tmp_path, IOC_LOCAL_STORE_DIR=str(tmp_path / "store")),
                   tmp_path / "store" / "b", backing_up=True)


def test_a_directory_vault_keeps_each_file_once_and_prunes_what_no_backup_lists(tmp_path):
    vault = open_vault(_settings(tmp_path), tmp_path / "vault", backing_up=True)
    assert isinstance(vault, DirectoryVault)

    def keep(data: bytes) -> dict:
        scratch = vault.scratch()
        scratch.write_bytes(data)
        digest, size = vault.add(scratch)
        return {"part": "file", "path": data.decode(), "sha256": digest, "size": size}

    vault.write_manifest("b1", {"entries": [keep(b"old"), keep(b"same")]})
    vault.write_manifest("b2", {"entries": [keep(b"same"), keep(b"new")]})
    assert vault.backups() == ["b1", "b2"]
    assert len(vault._names("objects")) == 3  # "same" once
    assert not (tmp_path / "vault" / "tmp").exists()
    gone, files, freed = vault.prune(1)
    assert (gone, files, freed) == (["b1"], 1, 3)
    assert vault.backups() == ["b2"]
    out = tmp_path / "out"
    vault.fetch(vault.manifest()["entries"][1]["sha256"], out)
    assert out.read_bytes() == b"new"
    (tmp_path / "vault" / "backups" / "b2.json").write_text('{"entries": []}')
    with pytest.raises(BackupError, match="does not match its checksum"):
        vault.manifest()
