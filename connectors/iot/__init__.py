"""IoT sensors and readings: FIWARE NGSI v2 / NGSI-LD, OGC SensorThings API, CSV drops.

Every delivery becomes two tables: ``iot__sensors`` (what the platform says about each
station: type, name, location, alarm levels, other attributes) and ``iot__readings`` (one row
per sensor × quantity × time, value and unit as delivered). See :mod:`connectors.iot.ngsi`
and :mod:`connectors.iot.sensorthings` for the payload shapes.
"""

import re

import polars as pl

from connectors import formats
from connectors.base import Connector, Part
from connectors.errors import ConnectorError
from connectors.headers import normalise_header
from connectors.iot import ngsi, sensorthings

# Wide CSV drops: one column per quantity ("PM2.5 (µg/m³)", "Mực nước (cm)").
WIDE_QUANTITIES = {
    "pm2_5": "pm25", "pm25": "pm25", "pm10": "pm10", "aqi": "aqi", "no2": "no2", "so2": "so2",
    "co": "co", "o3": "o3", "muc_nuoc": "water_level", "water_level": "water_level",
    "luong_mua": "rainfall", "rainfall": "rainfall", "nhiet_do": "temperature",
    "temperature": "temperature", "do_am": "humidity", "humidity": "humidity",
}
_UNIT_IN_HEADER = re.compile(r"\(([^)]+)\)\s*$")


class IotConnector(Connector):
    source = "iot"

    def parse(self, file: str, suffix: str, data: bytes) -> tuple[list[Part], str]:
        if suffix == "csv":
            parts, encoding = super().parse(file, suffix, data)
            return [self._maybe_wide(file, p) for p in parts], encoding
        text, encoding = formats.decode(file, data)
        if suffix == "jsonl":
            docs = formats.read_json_lines(file, text)
        else:
            docs = formats.read_json(file, text)
        docs = ngsi.notified_entities(docs)
        if ngsi.looks_like(docs):
            sensors, readings, platform = ngsi.parse(file, docs)
        elif sensorthings.looks_like(docs):
            sensors, readings = sensorthings.parse(docs)
            platform = "sensorthings"
        else:
            raise ConnectorError(file, "neither NGSI (v2 / LD) entities nor a SensorThings "
                                       "response: no 'id'+'type' entities and no "
                                       "Things/Datastreams/Observations found")
        parts = []
        for entity, rows in (("sensors", sensors), ("readings", readings)):
            if rows:
                frame = formats.rows_to_frame(file, [{**r, "platform": r.get("platform", platform)}
                                                     for r in rows])
                parts.append(Part(frame, entity=entity, canonical=True))
        if not parts:
            raise ConnectorError(file, "no sensors and no readings in the payload (only "
                                       "Locations, FeaturesOfInterest, HistoricalLocations or "
                                       "links?); deliver Things, Datastreams or Observations")
        return parts, encoding

    def _maybe_wide(self, file: str, part: Part) -> Part:
        """A wide CSV (station, time, one column per quantity) -> the long form."""
        columns = part.frame.columns
        keys = {c: normalise_header(_UNIT_IN_HEADER.sub("", c)) for c in columns}
        wide = {c: WIDE_QUANTITIES[k] for c, k in keys.items() if k in WIDE_QUANTITIES}
        readings = self.contract.entities["readings"]
        matched = readings.matched(columns)
        if not wide or "quantity" in matched.values() or "value" in matched.values():
            return part
        ids = [c for c, f in matched.items() if f in ("sensor_id", "observed_at")]
        if len(ids) < 2:
            return part
        units = {c: (m.group(1) if (m := _UNIT_IN_HEADER.search(c)) else None) for c in wide}
        frame = part.frame.with_row_index("__row")
        long = frame.unpivot(index=["__row", *ids], on=list(wide), variable_name="__col",
                             value_name="value").sort("__row", maintain_order=True).drop("__row")
        long = long.with_columns(
            pl.col("__col").replace_strict(wide, return_dtype=pl.Utf8).alias("quantity"),
            pl.col("__col").replace_strict(units, return_dtype=pl.Utf8).alias("unit"),
            pl.lit("csv-wide").alias("platform"),
        ).drop("__col").filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
        return Part(long.rename({c: matched[c] for c in ids}), entity="readings", canonical=True)

    def finish(self, entity, frame, delivery):
        if "platform" in frame.columns:
            frame = frame.with_columns(pl.col("platform").fill_null("csv"))
        return frame
