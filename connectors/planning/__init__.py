"""planning: Approved master and detailed plans: name, level, approving decision (number, date, authority), area polygon (GeoJSON) and links to the drawings and explanatory reports (CSV) (geojson, csv); everything is driven by contract.yml."""

from connectors.base import Connector


class PlanningConnector(Connector):
    source = "planning"
