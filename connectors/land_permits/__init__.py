"""land_permits: Digitised construction permits and the parcels of the cadastral database they are issued on (map sheet + parcel number within a commune) (xlsx, csv); everything is driven by contract.yml."""

from connectors.base import Connector


class LandPermitsConnector(Connector):
    source = "land_permits"
