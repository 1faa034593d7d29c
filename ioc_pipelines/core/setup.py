"""Set-up of a home: DuckDB extensions from their PyPI packages, the dbt manifest (parsed here,
never when the code location loads), Dagster's instance, the operational database's schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class SetupResult:
    extensions_installed: list[str]
    manifest: Path
    dagster_home: Path
    app_db_revision: str | None = None


def setup(settings: Settings) -> SetupResult:
    from ioc_pipelines.resources import appdb
    from ioc_pipelines.resources.dagster_home import write_dagster_home
    from ioc_pipelines.resources.dbt import prepare_manifest
    from ioc_pipelines.resources.extensions import install_extensions

    new = install_extensions()
    manifest = prepare_manifest(settings, force=True)
    return SetupResult(new, manifest, write_dagster_home(settings), appdb.revision(settings))
