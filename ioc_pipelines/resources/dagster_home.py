"""Dagster's instance for a home: ``$IOC_HOME/dagster`` (SQLite storage, or PostgreSQL when
``IOC_DAGSTER_STORAGE`` says so), shared by the CLI's runs and the UI."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from ioc_pipelines.settings import Settings


def write_dagster_home(settings: Settings) -> Path:
    """Write ``dagster.yaml`` for this home and point ``DAGSTER_HOME`` at it."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if settings.dagster_storage == "sqlite":
        storage = {"sqlite": {"base_dir": str(home / "storage")}}
    else:
        storage = {"postgres": {"postgres_url": settings.dagster_storage}}
    config = {"storage": storage, "telemetry": {"enabled": False},
              "local_artifact_storage": {"module": "dagster._core.storage.root",
                                         "class": "LocalArtifactStorage",
                                         "config": {"base_dir": str(home / "artifacts")}}}
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    os.environ["DAGSTER_HOME"] = str(home)
    return home
