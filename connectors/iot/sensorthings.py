"""OGC SensorThings API (v1.0/v1.1) responses -> sensor rows and reading rows.

Accepts what a SensorThings server returns and a poller saves: one entity, a collection page
(``{"value": [...], "@iot.nextLink": …}``; some servers write ``"values"``), a JSON array of
such pages (all pages of one paging run), Things with ``$expand``-ed Locations, Datastreams and
Observations, and the ``dataArray`` result format. Each Datastream is a sensor row (its
Thing's name and location, unit of measurement). A reading's sensor is the Thing's
``@iot.id`` when the Thing is in the payload, else the Datastream's id; its quantity is the
ObservedProperty's name, else the Datastream's name.

:func:`fetch_pages` follows ``@iot.nextLink`` from a live server (stdlib HTTP only).
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

_DS_LINK = re.compile(r"(?:Multi)?Datastreams\(([^)]+)\)")


def looks_like(doc: Any) -> bool:
    text = json.dumps(doc)[:200_000]
    return any(marker in text for marker in ('"@iot.', '"dataArray"', '"Datastreams"',
                                              '"phenomenonTime"', '"unitOfMeasurement',
                                              '"result"'))


def _id(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip("'")


def _interval_start(text: Any) -> Any:
    return text.split("/", 1)[0] if isinstance(text, str) else text


class _Walker:
    def __init__(self) -> None:
        self.sensors: dict[str, dict] = {}
        self.readings: list[dict] = []

    def visit(self, obj: Any, ctx: dict) -> None:
        if isinstance(obj, list):
            for item in obj:
                self.visit(item, ctx)
            return
        if not isinstance(obj, dict):
            return
        for key in ("value", "values"):
            if isinstance(obj.get(key), list) and "result" not in obj:
                self.visit(obj[key], ctx)
                return
        if "dataArray" in obj:
            self._data_array(obj, ctx)
        elif "unitOfMeasurement" in obj or "unitOfMeasurements" in obj or "Observations" in obj \
                or "Datastreams(" in str(obj.get("@iot.selfLink", "")):
            self._datastream(obj, ctx)
        elif "result" in obj or (("phenomenonTime" in obj or "phenonmenonTime" in obj)
                                 and "Datastreams" not in obj):
            self._observation(obj, ctx)
        elif "Datastreams" in obj or "Locations" in obj or "Things(" in str(
                obj.get("@iot.selfLink", "")) or "properties" in obj:
            self._thing(obj, ctx)

    def _thing(self, obj: dict, ctx: dict) -> None:
        thing = dict(ctx)
        thing["thing_id"] = _id(obj.get("@iot.id")) or obj.get("name")
        thing["thing_name"] = obj.get("name") or obj.get("description")
        locations = obj.get("Locations") or []
        for loc in locations if isinstance(locations, list) else []:
            geo = loc.get("location") if isinstance(loc, dict) else None
            if isinstance(geo, dict) and geo.get("type") == "Point":
                thing["coords"] = geo.get("coordinates")
                break
        thing["thing_properties"] = obj.get("properties")
        self.visit(obj.get("Datastreams") or [], thing)
        if not obj.get("Datastreams") and thing["thing_id"]:
            self._sensor(thing["thing_id"], "Thing", thing, None)

    def _datastream(self, obj: dict, ctx: dict) -> None:
        ds = dict(ctx)
        ds["datastream_id"] = _id(obj.get("@iot.id"))
        prop = obj.get("ObservedProperty") or {}
        ds["quantity"] = (prop.get("name") if isinstance(prop, dict) else None) \
            or obj.get("name") or obj.get("description")
        uom = obj.get("unitOfMeasurement") or {}
        ds["unit"] = (uom.get("symbol") or uom.get("name")) if isinstance(uom, dict) else None
        # a MultiDatastream: one unit per element of each result array
        ds["units"] = [u.get("symbol") if isinstance(u, dict) else None
                       for u in obj.get("unitOfMeasurements") or []]
        sensor_id = ds.get("thing_id") or ds["datastream_id"]
        if sensor_id:
            self._sensor(sensor_id, "Datastream", ds, obj)
        self.visit(obj.get("Observations") or [], ds)

    def _sensor(self, sensor_id: str, kind: str, ctx: dict, ds: dict | None) -> None:
        coords = ctx.get("coords") or []
        row = self.sensors.setdefault(sensor_id, {
            "sensor_id": sensor_id, "sensor_type": kind,
            "name": ctx.get("thing_name") or (ds or {}).get("name"),
            "longitude": coords[0] if len(coords) >= 2 else None,
            "latitude": coords[1] if len(coords) >= 2 else None,
            "attributes": {"properties": ctx.get("thing_properties"), "datastreams": []},
        })
        if ds is not None:
            row["attributes"]["datastreams"].append(
                {"id": ctx.get("datastream_id"), "quantity": ctx.get("quantity"),
                 "unit": ctx.get("unit")})

    def _reading(self, ctx: dict, when: Any, result: Any) -> None:
        if isinstance(result, list):  # MultiDatastream: one reading per numeric element
            units = ctx.get("units") or []
            for i, element in enumerate(result):
                quantity = f"{ctx.get('quantity') or 'result'}[{i}]"
                unit = units[i] if i < len(units) else None
                self._reading({**ctx, "quantity": quantity, "unit": unit, "units": None},
                              when, element)
            return
        if isinstance(result, bool) or not isinstance(result, int | float):
            return
        self.readings.append({
            "sensor_id": ctx.get("thing_id") or ctx.get("datastream_id"),
            "observed_at": _interval_start(when), "quantity": ctx.get("quantity") or "result",
            "value": result, "unit": ctx.get("unit"),
        })

    def _observation(self, obj: dict, ctx: dict) -> None:
        ctx = self._link_context(obj, ctx)
        when = obj.get("phenomenonTime") or obj.get("phenonmenonTime") or obj.get("resultTime")
        self._reading(ctx, when, obj.get("result"))

    def _data_array(self, obj: dict, ctx: dict) -> None:
        ctx = self._link_context(obj, ctx)
        components = obj.get("components") or []
        for row in obj.get("dataArray") or []:
            if not isinstance(row, list):
                continue
            rec = dict(zip(components, row, strict=False))
            when = rec.get("phenomenonTime") or rec.get("resultTime")
            self._reading(ctx, when, rec.get("result"))

    def _link_context(self, obj: dict, ctx: dict) -> dict:
        ds = obj.get("Datastream")
        if isinstance(ds, dict) and ds.get("@iot.id") is not None:
            return {**ctx, "datastream_id": _id(ds["@iot.id"])}
        link = obj.get("Datastream@iot.navigationLink") or obj.get(
            "MultiDatastream@iot.navigationLink")
        match = _DS_LINK.search(link) if isinstance(link, str) else None
        if match and not ctx.get("datastream_id"):
            return {**ctx, "datastream_id": _id(match.group(1))}
        return ctx


def parse(doc: Any) -> tuple[list[dict], list[dict]]:
    walker = _Walker()
    walker.visit(doc, {})
    sensors = [{**s, "attributes": json.dumps(s["attributes"], ensure_ascii=False,
                                              sort_keys=True)} for s in walker.sensors.values()]
    return sensors, walker.readings


def fetch_pages(url: str, *, max_pages: int = 10_000, timeout: float = 30.0) -> list[dict]:
    """GET ``url`` and every ``@iot.nextLink`` after it; the list of pages, in order."""
    pages, seen = [], set()
    while url and len(pages) < max_pages:
        if url in seen:
            raise ValueError(f"@iot.nextLink loops back to {url}")
        seen.add(url)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) URL: {url}")
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            page = json.load(response)
        pages.append(page)
        url = page.get("@iot.nextLink") if isinstance(page, dict) else None
    return pages
