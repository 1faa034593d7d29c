"""FIWARE NGSI entities -> sensor rows and reading rows.

Four shapes are read (smart-data-models examples in ``shared/reference/samples/ngsi``):

* NGSI v2 key-values: ``{"id", "type", "pm25": 12, "dateObserved": …}``
* NGSI v2 normalized: ``{"pm25": {"type": "Number", "value": 12, "metadata": {"unitCode": …}}}``
* NGSI-LD concise / key-values: as v2 key-values plus ``@context``
* NGSI-LD normalized: ``{"pm25": {"type": "Property", "value": 12, "unitCode": "GQ",
  "observedAt": …}}``, ``GeoProperty`` location, ``Relationship`` links

— alone, in a JSON array, or in a subscription's notification (``data``).

Every numeric attribute is a reading (its name is the quantity, its unit the ``unitCode``
when given). The time is the attribute's ``observedAt`` (NGSI-LD) or ``metadata.timestamp``
(v2) when valid, else the entity's ``dateObserved`` / ``observationDateTime`` /
``dateModified``. Alarm thresholds (``alertLevel``, ``dangerLevel``) describe the station,
not a reading. Values are kept as delivered — swapped coordinates or odd units are for the
validated layer to flag.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from connectors.errors import ConnectorError

TIME_ATTRS = ("dateObserved", "observationDateTime", "observedAt", "dateModified",
              "dateCreated", "timestamp")
STATION_ATTRS = {"alertLevel": "alert_level_1", "warningLevel": "alert_level_2",
                 "dangerLevel": "alert_level_3"}
NOT_READINGS = {"id", "type", "@context", "location", "address", "name", "description",
                "referenceLevel", "stationID", "refDevice", "refPointOfInterest", *TIME_ATTRS,
                *STATION_ATTRS}
LD_TYPES = {"Property", "GeoProperty", "Relationship", "LanguageProperty"}


def notified_entities(doc: Any) -> Any:
    """The entities of a subscription's notification — NGSI-LD (``{"type": "Notification",
    "subscriptionId", "notifiedAt", "data": [entities]}``) or NGSI v2 (``{"subscriptionId",
    "data": [entities]}``) — else ``doc`` as it is. A FIWARE broker posts these to the
    portal; a platform may also deliver a file of them (one or a JSON array of several)."""
    def is_notification(item: Any) -> bool:
        return (isinstance(item, dict) and isinstance(item.get("data"), list)
                and (item.get("type") == "Notification" or "subscriptionId" in item))

    if is_notification(doc):
        return list(doc["data"])
    if isinstance(doc, list) and doc and all(is_notification(d) for d in doc):
        return [entity for d in doc for entity in d["data"]]
    return doc


def looks_like(doc: Any) -> bool:
    entities = doc if isinstance(doc, list) else [doc]
    return bool(entities) and all(isinstance(e, dict) and "id" in e and "type" in e
                                  and not any(k.startswith("@iot.") for k in e)
                                  for e in entities)


def _unwrap(attr: Any) -> Any:
    """An attribute's plain value in any of the four shapes."""
    while isinstance(attr, dict) and ("value" in attr or "@value" in attr or "object" in attr):
        attr = attr.get("value", attr.get("@value", attr.get("object")))
    return attr


def _valid_time(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return text


def flavour(entity: dict) -> str:
    attrs = [v for k, v in entity.items() if k not in ("id", "type", "@context")]
    normalized = any(isinstance(v, dict) and v.get("type") in LD_TYPES for v in attrs)
    if normalized or "@context" in entity:
        return "ngsi-ld"
    return "ngsi-v2"


def parse(file: str, doc: Any) -> tuple[list[dict], list[dict], str]:
    entities = doc if isinstance(doc, list) else [doc]
    sensors: dict[str, dict] = {}
    readings, flavours = [], set()
    for number, entity in enumerate(entities, start=1):
        if not isinstance(entity, dict) or not entity.get("id"):
            raise ConnectorError(file, f"entity {number} has no id")
        kind = flavour(entity)
        flavours.add(kind)
        sensor_id = str(entity["id"])
        entity_time = next((t for a in TIME_ATTRS if (t := _valid_time(_unwrap(entity.get(a))))),
                           None)
        location = _unwrap(entity.get("location"))
        coords = location.get("coordinates") if isinstance(location, dict) else None
        sensor: dict[str, Any] = {
            "sensor_id": sensor_id, "sensor_type": str(entity["type"]),
            "name": _text(_unwrap(entity.get("name"))),
            "longitude": coords[0] if coords and len(coords) >= 2 else None,
            "latitude": coords[1] if coords and len(coords) >= 2 else None,
            "platform": kind,
        }
        for attr, column in STATION_ATTRS.items():
            if isinstance(_unwrap(entity.get(attr)), int | float):
                sensor[column] = _unwrap(entity[attr])
        other = {}
        for key, attr in entity.items():
            value = _unwrap(attr)
            if key in NOT_READINGS or key.startswith("@"):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                other[key] = value
                continue
            meta = attr.get("metadata", {}) if isinstance(attr, dict) else {}
            observed = (_valid_time(attr.get("observedAt")) if isinstance(attr, dict) else None) \
                or _valid_time(_unwrap(meta.get("timestamp"))) \
                or _valid_time(_unwrap(meta.get("dateObserved"))) or entity_time
            unit = (attr.get("unitCode") if isinstance(attr, dict) else None) \
                or _unwrap(meta.get("unitCode"))
            readings.append({"sensor_id": sensor_id, "observed_at": observed, "quantity": key,
                             "value": value, "unit": unit, "platform": kind})
        sensor["attributes"] = json.dumps(other, ensure_ascii=False, sort_keys=True)
        sensors[sensor_id] = sensor  # an entity repeated over time: one registry row, latest
    return list(sensors.values()), readings, "+".join(sorted(flavours))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
