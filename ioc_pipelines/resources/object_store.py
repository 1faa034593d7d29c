"""One object-store interface over a local directory (the embedded default) and S3.

Object operations go through this class (the ``minio`` SDK for S3); Parquet is read and written
by DuckDB itself (httpfs), which gets its URLs from :meth:`ObjectStore.duckdb_url`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.settings import Settings

_SAFE_SEGMENT = re.compile(r"^[\w\-. ()+,=@À-ỹ]+$")


class ObjectStoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    stamp: str = ""  # changes when the object is rewritten (S3 ETag; local mtime)


def check_key(key: str) -> str:
    """Reject keys that could escape their bucket or confuse readers ('..', absolute, control chars)."""
    if not key or key.startswith("/") or "\\" in key:
        raise ObjectStoreError(f"invalid object key {key!r}")
    for part in key.split("/"):
        if part in {".", ".."} or not _SAFE_SEGMENT.match(part):
            raise ObjectStoreError(f"invalid object key {key!r}: segment {part!r} not allowed")
    return key


def write_atomically(dest: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary name beside it, then a rename): a crash
    never leaves half a file where a reader looks (docs/operations.md)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ObjectStore(ABC):
    @abstractmethod
    def ensure_bucket(self, bucket: str) -> None: ...

    @abstractmethod
    def put_file(self, bucket: str, key: str, path: Path) -> None: ...

    @abstractmethod
    def put_bytes(self, bucket: str, key: str, data: bytes) -> None: ...

    @abstractmethod
    def get_bytes(self, bucket: str, key: str) -> bytes: ...

    @abstractmethod
    def get_file(self, bucket: str, key: str, path: Path) -> None:
        """Copy an object into a local file, streamed (objects may be gigabytes)."""

    @abstractmethod
    def exists(self, bucket: str, key: str) -> bool: ...

    @abstractmethod
    def delete(self, bucket: str, key: str) -> None:
        """Remove one object (retention's explicit list only)."""

    @abstractmethod
    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]: ...

    @abstractmethod
    def duckdb_url(self, bucket: str, key: str = "") -> str:
        """URL DuckDB reads/writes for this object or prefix (a path, or s3://bucket/key)."""


class LocalObjectStore(ObjectStore):
    """Buckets are sub-directories of ``root``; writes are atomic (temporary file + rename)."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, bucket: str, key: str) -> Path:
        return self.root / bucket / check_key(key)

    def ensure_bucket(self, bucket: str) -> None:
        (self.root / bucket).mkdir(parents=True, exist_ok=True)

    def _atomic_write(self, dest: Path, data: bytes) -> None:
        write_atomically(dest, data)

    def put_file(self, bucket: str, key: str, path: Path) -> None:
        dest = self._path(bucket, key)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get_file(self, bucket: str, key: str, path: Path) -> None:
        try:
            shutil.copyfile(self._path(bucket, key), path)
        except FileNotFoundError as exc:
            raise ObjectStoreError(f"no object {bucket}/{key}") from exc

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        self._atomic_write(self._path(bucket, key), data)

    def get_bytes(self, bucket: str, key: str) -> bytes:
        try:
            return self._path(bucket, key).read_bytes()
        except FileNotFoundError as exc:
            raise ObjectStoreError(f"no object {bucket}/{key}") from exc

    def exists(self, bucket: str, key: str) -> bool:
        return self._path(bucket, key).is_file()

    def delete(self, bucket: str, key: str) -> None:
        self._path(bucket, key).unlink(missing_ok=True)

    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        base = self.root / bucket
        if not base.is_dir():
            return []
        out = []
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    stat = path.stat()
                    out.append(ObjectInfo(key, stat.st_size, str(stat.st_mtime_ns)))
        return out

    def duckdb_url(self, bucket: str, key: str = "") -> str:
        base = self.root / bucket
        return str(base / check_key(key)) if key else f"{base}/"


class S3ObjectStore(ObjectStore):
    def __init__(self, endpoint: str, access_key: str, secret_key: str, *, region: str,
                 secure: bool):
        from minio import Minio

        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key,
                            secure=secure, region=region)

    def _wrap(self, what: str, fn):
        from minio.error import S3Error

        try:
            return fn()
        except S3Error as exc:
            raise ObjectStoreError(f"{what}: {exc.code} {exc.message}") from exc

    def ensure_bucket(self, bucket: str) -> None:
        if not self._wrap(bucket, lambda: self.client.bucket_exists(bucket)):
            self._wrap(bucket, lambda: self.client.make_bucket(bucket))

    def put_file(self, bucket: str, key: str, path: Path) -> None:
        check_key(key)
        self._wrap(f"{bucket}/{key}", lambda: self.client.fput_object(bucket, key, str(path)))

    def put_bytes(self, bucket: str, key: str, data: bytes) -> None:
        check_key(key)
        self._wrap(
            f"{bucket}/{key}",
            lambda: self.client.put_object(bucket, key, io.BytesIO(data), len(data)),
        )

    def get_bytes(self, bucket: str, key: str) -> bytes:
        def read() -> bytes:
            resp = self.client.get_object(bucket, check_key(key))
            try:
                return resp.read()
            finally:
                resp.close()
                resp.release_conn()

        return self._wrap(f"{bucket}/{key}", read)

    def delete(self, bucket: str, key: str) -> None:
        self._wrap(f"{bucket}/{key}", lambda: self.client.remove_object(bucket, check_key(key)))

    def get_file(self, bucket: str, key: str, path: Path) -> None:
        self._wrap(f"{bucket}/{key}",
                   lambda: self.client.fget_object(bucket, check_key(key), str(path)))

    def exists(self, bucket: str, key: str) -> bool:
        from minio.error import S3Error

        try:
            self.client.stat_object(bucket, check_key(key))
            return True
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
                return False
            raise ObjectStoreError(f"{bucket}/{key}: {exc.code} {exc.message}") from exc

    def list(self, bucket: str, prefix: str = "") -> list[ObjectInfo]:
        return self._wrap(
            f"{bucket}/{prefix}",
            lambda: sorted(
                (
                    ObjectInfo(o.object_name, o.size or 0, o.etag or "")
                    for o in self.client.list_objects(bucket, prefix=prefix, recursive=True)
                    if not o.is_dir
                ),
                key=lambda o: o.key,
            ),
        )

    def duckdb_url(self, bucket: str, key: str = "") -> str:
        return f"s3://{bucket}/{check_key(key)}" if key else f"s3://{bucket}/"


def object_store(settings: Settings) -> ObjectStore:
    """The pipeline identity's view of the configured object store."""
    if settings.object_store == "s3":
        s3 = settings.s3
        assert s3 is not None
        return S3ObjectStore(s3.endpoint, s3.access_key, s3.secret_key, region=s3.region,
                             secure=s3.use_ssl)
    return LocalObjectStore(settings.local_store_dir)
