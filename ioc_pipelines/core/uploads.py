"""Files delivered through a door (the portal's upload form, the JSON API): the same ingest, the
same limits and refusals as ``ioc ingest``, for one provider code the account delivers for.

A door hands over each file's name and a stream; the stream is copied to a private temporary
folder under the file's safe name (no path, no control characters — ``../`` cannot escape), and
a file over ``IOC_MAX_FILE_MB`` is refused while it is copied, before anything is landed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from connectors import ConnectorError
from ioc_pipelines.core import access, inbox
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy, CoreError
from ioc_pipelines.core.ingest import FileOutcome, ingest
from ioc_pipelines.core.landing import safe_file_name
from ioc_pipelines.settings import Settings

CHUNK = 1 << 20


def deliver_uploads(settings: Settings, actor: Actor, *, source: str, provider: str,
                    providers: tuple[str, ...], files: Iterable[tuple[str, BinaryIO]]
                    ) -> list[FileOutcome]:
    """Deliver uploaded ``files`` (name, stream) of ``source`` for ``provider``, which must be
    one of the actor's ``providers``. Each file is answered: landed or refused with the reason.
    Does not wait for a run in progress: while the home is busy the files are checked at once
    and held (``core.inbox``), landed when the lock is free — answered ``queued``."""
    access.require(actor, "delivery.upload", provider=provider, providers=providers)
    with tempfile.TemporaryDirectory(prefix="ioc-upload-") as folder:
        paths, refused = [], []
        for index, (name, stream) in enumerate(files):
            try:
                safe = safe_file_name(name or "")
            except (ConnectorError, ValueError) as exc:
                refused.append(FileOutcome(name or "?", error=_error(name, exc)))
                continue
            target = Path(folder) / str(index) / safe  # two uploads may share a name
            target.parent.mkdir()
            problem = _copy(stream, target, settings.max_file_bytes)
            if problem:
                refused.append(FileOutcome(safe, error=ConnectorError(safe, problem)))
                continue
            paths.append(target)
        if not paths and not refused:
            raise CoreError("chưa chọn tệp nào")
        try:
            landed = ingest(settings, source, paths, actor=actor, provider=provider,
                            wait=False) if paths else []
        except Busy:
            landed = inbox.hold(settings, actor, source=source, provider=provider, paths=paths)
    return [*refused, *landed]


def _error(name: str | None, exc: Exception) -> ConnectorError:
    return exc if isinstance(exc, ConnectorError) else ConnectorError(name or "?", str(exc))


def _copy(stream: BinaryIO, target: Path, limit: int) -> str | None:
    """Copy ``stream`` to ``target``; the reason when it is over ``limit`` bytes."""
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                target.unlink()
                return (f"the file is over the limit of {limit >> 20} MiB (IOC_MAX_FILE_MB); "
                        "split it or ask the IOC")
            out.write(chunk)
    return None

