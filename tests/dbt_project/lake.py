"""A real home for dbt-level tests: files delivered through the real ingest and raw load, then
the models a test needs built by dbt on the real work lake (tests run separately, not here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ioc_pipelines.core import tools
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.ingest import ingest
from ioc_pipelines.core.raw import load_pending
from ioc_pipelines.settings import Settings, load_settings


def home_settings(home: Path) -> Settings:
    return load_settings({"IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "none.env")})


def deliver(settings: Settings, source: str, path: Path, day: date | None = None) -> str:
    """Ingest one file (it must land); its delivery id."""
    [outcome] = ingest(settings, source, [path], actor=Actor("test"), delivery_date=day)
    assert outcome.landed is not None, outcome.error
    return outcome.landed.delivery_id


def load(settings: Settings, *sources: str) -> None:
    for source in sources:
        assert {r.status for r in load_pending(settings, source)} == {"loaded"}


def build(settings: Settings, *select: str) -> int:
    """``dbt build`` of ``select`` (models and seeds, no tests); dbt's exit code."""
    home = settings.home
    return tools.dbt(settings, ["build", "--exclude-resource-type", "test", "--select", *select,
                                "--quiet", "--target-path", str(home / "target"),
                                "--log-path", str(home / "logs")])
