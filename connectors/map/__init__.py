"""The digital map layer (GeoJSON, WGS84): administrative units, points of interest, lines.

One FeatureCollection may mix kinds; each feature goes by its geometry: (Multi)Polygon ->
``admin_units``, (Multi)Point -> ``pois``, (Multi)LineString -> ``lines``. A feature without
a geometry is refused with the feature's number rather than guessed.
"""

import json

from connectors import formats
from connectors.base import Connector, Part
from connectors.errors import ConnectorError

KIND = {"Polygon": "admin_units", "MultiPolygon": "admin_units", "Point": "pois",
        "MultiPoint": "pois", "LineString": "lines", "MultiLineString": "lines"}


class MapConnector(Connector):
    source = "map"

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[list[Part], str]:
        text, encoding = formats.decode(file, data)
        rows, _crs = formats.read_geojson(file, text)
        groups: dict[str, list[dict]] = {}
        for number, row in enumerate(rows, start=1):
            geometry = json.loads(row["geometry"]) if row.get("geometry") else None
            kind = KIND.get((geometry or {}).get("type"))
            if kind is None:
                raise ConnectorError(file, f"feature {number} has no usable geometry "
                                           f"({(geometry or {}).get('type')})")
            groups.setdefault(kind, []).append(row)
        return [Part(formats.rows_to_frame(file, r), entity=k) for k, r in groups.items()], encoding
