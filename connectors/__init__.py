"""Connectors: one package per source; each reads the formats its providers deliver.

A plain library: it never imports ``ioc_pipelines`` or ``quality_checks``.
"""

from connectors.base import Connector, ConnectorError, Contract, Delivery

__all__ = ["Connector", "ConnectorError", "Contract", "Delivery", "get_connector"]


def _registry():
    from connectors.population import PopulationConnector

    return {"population": PopulationConnector}



def get_connector(source: str) -> Connector:
    """The connector of ``source``; ValueError naming the known sources otherwise."""
    registry = _registry()
    if source not in registry:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(sorted(registry))}")
    return registry[source]()
