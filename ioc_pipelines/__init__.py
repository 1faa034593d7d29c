"""IOC lakehouse: Dagster orchestration, CLI and reports for a provincial IOC."""

__version__ = "0.1.0"
