"""Population registry extract (công dân): CSV (UTF-8, BOM, ';') and JSON Lines."""

from connectors.base import Connector


class PopulationConnector(Connector):
    source = "population"
