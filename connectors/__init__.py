"""Connectors: one package per source; each reads the formats its providers deliver.

A plain library: it never imports ``ioc_pipelines`` or ``quality_checks``.

>>> get_connector("households").raw_tables
{'households': 'households__households', 'members': 'households__members'}
"""

from importlib import import_module

from connectors.base import Connector, ConnectorError, Contract, Delivery

__all__ = ["SOURCES", "Connector", "ConnectorError", "Contract", "Delivery", "get_connector"]

# source -> class name in connectors.<source>; the order is the one docs and the UI use.
SOURCES = {
    "population": "PopulationConnector",
    "households": "HouseholdsConnector",
    "housing": "HousingConnector",
    "land_permits": "LandPermitsConnector",
    "indicators": "IndicatorsConnector",
    "finance": "FinanceConnector",
    "enterprises": "EnterprisesConnector",
    "feedback": "FeedbackConnector",
    "iot": "IotConnector",
    "map": "MapConnector",
    "planning": "PlanningConnector",
}


def get_connector(source: str) -> Connector:
    """The connector of ``source``; ValueError naming the known sources otherwise."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; known sources: {', '.join(SOURCES)}")
    return getattr(import_module(f"connectors.{source}"), SOURCES[source])()


# a delivery smaller than this is too small for a share to mean much (one bad row of three is
# 33 %): it is reported in the scorecard and the rejection report, not gated
DEFAULT_MIN_RECORDS = 50
# a required field filled in fewer of a delivery's records than this is reported (đủ); a
# contract may set its own (gate.min_fill_rate)
DEFAULT_MIN_FILL_RATE = 0.95


def gate_limits() -> dict[str, tuple[float, int]]:
    """``{source: (max rejected share, min records judged)}`` from every contract's gate."""
    out = {}
    for source in SOURCES:
        gate = get_connector(source).contract.gate
        out[source] = (float(gate.get("max_rejected_share", 0.2)),
                       int(gate.get("min_records", DEFAULT_MIN_RECORDS)))
    return out
