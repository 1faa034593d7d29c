"""The landing zone (``landing/<source>/<delivery-date>/<file>`` in the work bucket).

Files are kept exactly as delivered, checksummed, and recorded in ``work.ops.deliveries``
(``core/state.py``); the same content delivered again is a no-op. ``core/raw.py`` loads
them into the raw layer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from connectors import ConnectorError, Delivery, get_connector
from connectors.base import Reading, sha256_bytes
from ioc_pipelines.clock import now, today
from ioc_pipelines.core import state
from ioc_pipelines.core.providers import known_providers, unknown_provider
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.resources.object_store import object_store
from ioc_pipelines.settings import Settings

_KEY_RE = re.compile(r"^landing/(?P<source>[a-z_]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<file>[^/]+)$")



@dataclass(frozen=True)
class LandingResult:
    status: str  # landed | duplicate | queued (a door's upload waiting for a run to end)
    key: str
    delivery_id: str
    detail: str = ""
    records: dict[str, int] = field(default_factory=dict)  # per raw table, as read
    encoding: str = ""  # detected encoding of the file


@dataclass(frozen=True)
class CheckedFile:
    """A file the connector read without error: what landing it would record."""

    delivery: Delivery
    data: bytes
    reading: Reading

    def result(self, status: str, key: str, detail: str | None = None) -> LandingResult:
        return LandingResult(status, key, self.delivery.delivery_id,
                             self.reading.notice() if detail is None else detail,
                             self.reading.records, self.reading.encoding)


MAX_NAME = 180  # characters of a landed file's name


def safe_file_name(name: str) -> str:
    """The delivered file's base name made safe for a key: NFC, no path, no control chars."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base).strip()
    base = re.sub(r"[^\w\-. ()+,=@]", "_", base)
    base = re.sub(r"_{3,}", "__", base).lstrip(".")
    if not base or base in {".", ".."} or "." not in base:
        raise ConnectorError(name, "file name is empty or has no extension")
    if len(base) > MAX_NAME:  # shortened in its stem: the extension says the format
        stem, _, extension = base.rpartition(".")
        if len(extension) > 10:
            raise ConnectorError(name, "file name has no usable extension")
        base = f"{stem[:MAX_NAME - len(extension) - 1]}.{extension}"
    return base


def _record(con, delivery: Delivery, key: str, size: int, status: str, reason: str = "") -> None:
    state.record_delivery(con, delivery, key, size, status, reason or None, now())


_PROVIDER_PREFIX = re.compile(r"^(?P<provider>[A-Z][A-Z0-9_]{1,30}?)__.+")


def provider_of(file_name: str, default: str) -> str:
    """Providers prefix their files ``<PROVIDER>__name`` (``SYT__bao_cao_2026-10.xlsx``)."""
    match = _PROVIDER_PREFIX.match(file_name)
    return match["provider"] if match else default


def _date_folder(path: Path) -> date | None:
    try:
        return date.fromisoformat(path.parent.name)
    except ValueError:
        return None


def ingest_files(settings: Settings, source: str, paths: list[Path], *,
                 provider: str | None = None, delivery_date: date | None = None,
                 log: Callable[[str], None] = lambda _m: None
                 ) -> list[LandingResult | ConnectorError]:
    """Deliver files (the path a provider's upload takes), each validated by the connector
    before anything is written. An unreadable file gives its ConnectorError (nothing written
    for it; the others go on); the same content delivered before is a no-op ('duplicate').

    The provider is ``provider``, else the file name's ``<PROVIDER>__`` prefix, else the
    contract's; the delivery date is ``delivery_date``, else the file's folder when it is
    named like a date (the landing layout), else today.
    """
    get_connector(source)  # an unknown source is refused before the lake is opened
    store = object_store(settings)
    providers = known_providers(settings)
    results: list[LandingResult | ConnectorError] = []
    with connect(settings) as con:
        state.ensure(con)
        known = state.known_checksums(con, source)
        for number, path in enumerate(paths, start=1):
            try:
                checked = check_file(settings, source, path, provider=provider,
                                     delivery_date=delivery_date, providers=providers)
            except ConnectorError as exc:
                results.append(exc)
                log(f"[{number}/{len(paths)}] rejected {path.name}: {exc.reason}")
                continue
            delivery = checked.delivery
            if delivery.sha256 in known:
                results.append(checked.result("duplicate", known[delivery.sha256],
                                              "the same content was delivered before"))
                continue
            name = delivery.file_name
            key = f"landing/{source}/{delivery.delivery_date.isoformat()}/{name}"
            if store.exists(settings.work_bucket, key):  # same name, other content: keep both
                stem, dot, ext = name.rpartition(".")
                name = f"{stem}.{delivery.sha256[:8]}{dot}{ext}"
                key = f"landing/{source}/{delivery.delivery_date.isoformat()}/{name}"
                delivery = Delivery(delivery.source, delivery.provider, delivery.delivery_date,
                                    name, delivery.sha256)
            store.put_bytes(settings.work_bucket, key, checked.data)
            _record(con, delivery, key, len(checked.data), "landed", checked.reading.notice())
            known[delivery.sha256] = key
            results.append(checked.result("landed", key))
            log(f"[{number}/{len(paths)}] landed {key}")
    return results


def check_file(settings: Settings, source: str, path: Path, *, provider: str | None = None,
               delivery_date: date | None = None, providers: set[str] | None = None
               ) -> CheckedFile:
    """Read one file as landing would, writing nothing (no lock needed): its delivery (provider
    and date as ``ingest_files`` decides them), bytes and reading — or the ConnectorError that
    refuses it (no such file, a hostile name, over the size limit, an unknown provider, a file
    the contract cannot read)."""
    connector = get_connector(source)
    if not path.is_file():
        raise ConnectorError(str(path), "no such file")
    name = safe_file_name(path.name)
    size = path.stat().st_size
    if size > settings.max_file_bytes:  # refused before it is read
        raise ConnectorError(name, f"the file is {size / 2**20:,.0f} MiB, over the "
                             f"limit of {settings.max_file_bytes >> 20:,} MiB "
                             "(IOC_MAX_FILE_MB); split it or ask the IOC")
    data = path.read_bytes()
    delivery = Delivery(source, provider or provider_of(name, connector.contract.provider),
                        delivery_date or _date_folder(path) or today(), name, sha256_bytes(data))
    providers = known_providers(settings) if providers is None else providers
    if delivery.provider not in providers:
        raise ConnectorError(name, unknown_provider(settings, delivery.provider, providers))
    # validate before anything is written; say what the contract did not take
    return CheckedFile(delivery, data, connector.read_delivery(data, delivery))


def discover(settings: Settings, source: str, con) -> list[str]:
    """Register files uploaded straight into landing/<source>/ that ingest did not record."""
    store = object_store(settings)
    default_provider = get_connector(source).contract.provider
    recorded = state.recorded_keys(con, source)
    known = state.known_checksums(con, source)
    providers = known_providers(settings)
    new = []
    for obj in store.list(settings.work_bucket, f"landing/{source}/"):
        if obj.key in recorded:
            continue
        oversize = obj.size > settings.max_file_bytes  # never read into memory
        match = _KEY_RE.match(obj.key)
        sha = sha256_bytes(obj.key.encode() if oversize
                           else store.get_bytes(settings.work_bucket, obj.key))
        try:
            when = date.fromisoformat(match["date"]) if match else None
        except ValueError:
            when = None
        name = PurePosixPath(obj.key).name
        delivery = Delivery(source, provider_of(name, default_provider), when or today(), name,
                            sha)
        if when is None:
            _record(con, delivery, obj.key, obj.size, "rejected",
                    "not under landing/<source>/<YYYY-MM-DD>/<file>")
        elif oversize:
            _record(con, delivery, obj.key, obj.size, "rejected",
                    f"over the limit of {settings.max_file_bytes >> 20:,} MiB (IOC_MAX_FILE_MB)")
        elif (why := unknown_provider(settings, delivery.provider, providers)) is not None:
            _record(con, delivery, obj.key, obj.size, "rejected", why)
        elif sha in known:
            _record(con, delivery, obj.key, obj.size, "duplicate",
                    f"same content as {known[sha]}")
        else:
            _record(con, delivery, obj.key, obj.size, "landed")
            known[sha] = obj.key
        new.append(obj.key)
    return new
