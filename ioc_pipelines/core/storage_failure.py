"""A failure of the home's storage said in one line: a full disk (or quota) under
``$IOC_HOME`` or the local object store, and the object store not answering, recognised
anywhere in an exception's chain (an OSError, SQLite's "database or disk is full", DuckDB's
"No space left on device", a refused connection to S3) — so that a door says the cause and
what still holds (the current release is served) instead of a traceback. docs/operations.md,
"What a crash can leave behind"."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from ioc_pipelines.settings import Settings

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
FULL_WORDS = ("no space left on device", "database or disk is full", "disk quota exceeded")
# SQLite reports a write refused by a full file system as a bare I/O error: a full disk is
# named only when the disk is indeed (nearly) full
AMBIGUOUS_WORDS = ("disk i/o error",)
NEARLY_FULL = 64 << 20
STORE_DOWN_WORDS = ("connection refused", "could not connect", "failed to establish",
                    "connection reset", "unable to connect")


def _chain(exc: BaseException):
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _places(settings: Settings) -> list[Path]:
    places = [settings.home]
    if settings.object_store == "local":
        places.append(settings.local_store_dir)
    return places


def _free(path: Path) -> int | None:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return shutil.disk_usage(candidate).free
    return None


def describe(settings: Settings, exc: BaseException) -> str | None:
    """The cause in one line when ``exc`` is a storage failure, else None."""
    chain = list(_chain(exc))
    return describe_texts(settings, [str(e) for e in chain],
                          full=any(isinstance(e, OSError) and e.errno in FULL_ERRNOS
                                   for e in chain))


def describe_texts(settings: Settings, texts: list[str], *, full: bool = False) -> str | None:
    """The same from what failed steps said (a run's step failures are texts by then)."""
    texts = [t.lower() for t in texts]
    full = full or any(w in t for t in texts for w in FULL_WORDS)
    free = {p: _free(p) for p in _places(settings)}
    tight = {p: f for p, f in free.items() if f is not None and f < NEARLY_FULL}
    if full or (tight and any(w in t for t in texts for w in AMBIGUOUS_WORDS)):
        where = tight or free
        said = "; ".join(f"{p}: {(f or 0) / 2**20:,.1f} MiB free" for p, f in where.items())
        return (f"the disk is full ({said}). Nothing more was published: the current release "
                "is still served. Free space (`ioc maintain` removes expired snapshots), then "
                "run again")
    if settings.object_store == "s3" and any(w in t for t in texts for w in STORE_DOWN_WORDS):
        endpoint = settings.s3.endpoint if settings.s3 else "?"
        return (f"the object store (S3 at {endpoint}) does not answer. Nothing more was "
                "published: the current release is still served once it is back (`ioc up` "
                "for the local SeaweedFS); then run again")
    return None
