"""Houses with coordinates and structure type (CSV in WGS84 or VN-2000 TM-3 metres; GeoJSON).

The coordinate system of every row is decided here and recorded, never guessed silently:
``crs`` as delivered (a column, or a GeoJSON ``crs`` member) → ``crs_basis = delivered``; the
provider's declaration in the contract → ``declared``; otherwise from the numbers themselves
(degrees inside Vietnam vs TM-3 metres whose northing falls in a province's band) →
``detected``. Conversion to WGS84 happens downstream (DuckDB spatial ``ST_Transform``).
"""

import json

import polars as pl

from connectors import formats
from connectors.base import Connector, Delivery, Part


class HousingConnector(Connector):
    source = "housing"

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[list[Part], str]:
        if suffix != "geojson":
            return super().parse(file, suffix, data)
        text, encoding = formats.decode(file, data)
        rows, crs = formats.read_geojson(file, text)
        declared = _geojson_crs(crs)
        for row in rows:
            geometry = json.loads(row["geometry"]) if row.get("geometry") else None
            if geometry and geometry.get("type") == "Point" and \
                    len(geometry.get("coordinates") or ()) >= 2:
                row.setdefault("x", geometry["coordinates"][0])
                row.setdefault("y", geometry["coordinates"][1])
            if declared and not row.get("crs"):
                row["crs"] = declared
        return [Part(formats.rows_to_frame(file, rows))], encoding

    def finish(self, entity: str, frame: pl.DataFrame, delivery: Delivery) -> pl.DataFrame:
        coords = self.contract.raw.get("coordinates", {})
        declared = coords.get("providers", {}).get(delivery.provider)
        delivered = pl.col("crs").str.to_uppercase().str.replace(r"^(\d+)$", "EPSG:${1}")
        degrees = pl.col("x").is_between(-180, 180) & pl.col("y").is_between(-90, 90)
        detected = pl.when(degrees).then(pl.lit("EPSG:4326"))
        for zone in coords.get("vn2000_detect", []):
            low, high = zone["northing"]
            detected = detected.when(pl.col("x").is_between(100_000, 900_000)
                                     & pl.col("y").is_between(low, high)).then(pl.lit(zone["crs"]))
        return frame.with_columns(
            pl.when(pl.col("crs").is_not_null()).then(delivered)
            .when(pl.lit(declared is not None)).then(pl.lit(declared))
            .otherwise(detected).alias("crs"),
            pl.when(pl.col("crs").is_not_null()).then(pl.lit("delivered"))
            .when(pl.lit(declared is not None)).then(pl.lit("declared"))
            .when(detected.is_not_null()).then(pl.lit("detected"))
            .alias("crs_basis"),
        )


def _geojson_crs(crs: dict | None) -> str | None:
    """The legacy GeoJSON 'crs' member ('urn:ogc:def:crs:EPSG::9205') -> 'EPSG:9205'."""
    name = ((crs or {}).get("properties") or {}).get("name") or ""
    if "CRS84" in name:
        return "EPSG:4326"
    tail = name.rsplit(":", 1)[-1]
    return f"EPSG:{tail}" if tail.isdigit() else None
