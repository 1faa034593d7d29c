"""Data in: deliver files into the landing zone (what a provider's upload does) and generate
demo provinces. Each unreadable file is refused with its reason; the others land."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from connectors import SOURCES, ConnectorError, get_connector
from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.landing import LandingResult, ingest_files
from ioc_pipelines.core.lock import home_lock
from ioc_pipelines.core.providers import check_provider
from ioc_pipelines.resources.lakes import init_lakes
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class FileOutcome:
    """One delivered file: ``landed`` (its key and delivery) or ``rejected`` (``error``)."""

    file: str
    landed: LandingResult | None = None
    error: ConnectorError | None = None


@dataclass(frozen=True)
class SourceDelivered:
    source: str
    files: int
    landed: int
    rejected: list[ConnectorError] = field(default_factory=list)


@dataclass(frozen=True)
class DemoSummary:
    """A generated demo province: per source its files, records and late deliveries."""

    out: Path
    by_source: dict[str, dict]  # {source: {"files", "records", "late"}}
    missing: int
    defects: int
    defect_types: int
    seconds: float
    manifest: str
    people: int | None = None


def ingest(settings: Settings, source: str, files: list[Path], *, actor: Actor,
           provider: str | None = None, delivery_date: date | None = None,
           wait: bool = True, on_wait: Callable[[dict], None] | None = None
           ) -> list[FileOutcome]:
    """Deliver ``files`` of ``source`` (an unknown source is a CoreError, nothing touched).
    Each file is one audit entry: accepted (its delivery) or refused (the reason)."""
    with audit.audited(settings, actor, "delivery.ingest", source,
                       {"files": len(files), "provider": provider}):
        try:
            get_connector(source)
        except ValueError as exc:
            raise CoreError(str(exc)) from exc
        if provider is not None:
            check_provider(settings, provider)
        with home_lock(settings, actor, f"ioc ingest {source}", wait=wait, on_wait=on_wait):
            init_lakes(settings)
            results = ingest_files(settings, source, files, provider=provider,
                                   delivery_date=delivery_date)
    outcomes = [FileOutcome(str(f), error=r) if isinstance(r, ConnectorError)
                else FileOutcome(str(f), landed=r) for f, r in zip(files, results, strict=True)]
    audit_files(settings, actor, source, outcomes)
    return outcomes


def audit_files(settings: Settings, actor: Actor, source: str,
                outcomes: list[FileOutcome]) -> None:
    """One audit entry per delivered file: accepted (landed, a duplicate, or held while the
    home was busy) or refused with the reason."""
    for outcome in outcomes:
        name = f"{source}/{Path(outcome.file).name}"
        if outcome.error is not None:
            audit.record(settings, actor, "delivery.file", name, outcome="refused",
                         detail={"reason": str(outcome.error)[:1000]})
        else:
            audit.record(settings, actor, "delivery.file", name,
                         detail={"status": outcome.landed.status, "key": outcome.landed.key,
                                 "delivery_id": outcome.landed.delivery_id})


def deliver_folder(settings: Settings, folder: Path, *, actor: Actor) -> list[SourceDelivered]:
    """Deliver every file of a generated landing tree (``folder/landing/<source>/<date>/``),
    source by source; one audit entry per source (files, landed, refused)."""
    out = []
    with home_lock(settings, actor, "deliver demo data"):
        init_lakes(settings)
        for source in SOURCES:
            files = sorted((folder / "landing" / source).glob("*/*"))
            if not files:
                continue
            results = ingest_files(settings, source, files)
            rejected = [r for r in results if isinstance(r, ConnectorError)]
            landed = sum(1 for r in results
                         if not isinstance(r, ConnectorError) and r.status == "landed")
            out.append(SourceDelivered(source, len(files), landed, rejected))
            audit.record(settings, actor, "delivery.folder", source,
                         detail={"folder": str(folder), "files": len(files), "landed": landed,
                                 "refused": [str(r)[:200] for r in rejected]})
    return out


def generate_demo(settings: Settings, *, province: str, scale: float, months: int, seed: int,
                  as_of: date | None = None, out: Path | None = None, people: int | None = None,
                  log: Callable[[str], None] = lambda _m: None) -> DemoSummary:
    """A demo province (every source, late and missing deliveries, injected defects) with its
    truth, or — with ``people`` — the population registry alone."""
    from ioc_pipelines.demo import generate_province
    from ioc_pipelines.demo.population import generate

    out = out or settings.demo_dir
    try:
        if people is not None:
            manifest = generate(out, province=province, people=people, seed=seed, as_of=as_of)
            return DemoSummary(out, {}, 0, 0, 0, 0.0, "", people=manifest["people"])
        manifest = generate_province(out, province=province, scale=scale, seed=seed,
                                     months=months, as_of=as_of, log=log)
    except ValueError as exc:
        raise CoreError(str(exc)) from exc
    by_source: dict[str, dict] = {}
    for d in manifest["deliveries"]:
        entry = by_source.setdefault(d["source"], {"files": 0, "records": 0, "late": 0})
        entry["files"] += 1
        entry["records"] += sum(d["rows"].values())
        entry["late"] += d["status"] == "late"
    return DemoSummary(out, by_source, len(manifest["missing_deliveries"]),
                       len(manifest["defects"]), len({d["defect"] for d in manifest["defects"]}),
                       manifest["generated_in_seconds"], manifest["manifest"])


def province_slug(settings: Settings) -> str:
    """The demo generator's name of the configured province."""
    from ioc_pipelines.demo.common import demo_key
    from ioc_pipelines.provinces import provinces

    return demo_key(provinces()[settings.province_code])  # every province has a demo
