"""Dagster entry point (``dagster dev -w workspace.yaml``): loads the ``defs`` package."""

from ioc_pipelines.defs import build_definitions
from ioc_pipelines.settings import load_settings

defs = build_definitions(load_settings())
