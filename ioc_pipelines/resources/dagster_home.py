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
        # dagster-postgres speaks psycopg2; SQLAlchemy 2.1 would otherwise pick psycopg 3,
        # whose server-side parameters break Dagster's `NOTIFY run_events, %s`
        url = "postgresql+psycopg2://" + settings.dagster_storage.split("://", 1)[1]
        storage = {"postgres": {"postgres_url": url}}
    config = {"storage": storage, "telemetry": {"enabled": False},
              "local_artifact_storage": {"module": "dagster._core.storage.root",
                                         "class": "LocalArtifactStorage",
                                         "config": {"base_dir": str(home / "artifacts")}}}
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    os.environ["DAGSTER_HOME"] = str(home)
    return home
