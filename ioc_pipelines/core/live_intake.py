"""The doors into the live spool other than MQTT: a payload posted to ``ioc serve`` (an
NGSI-LD notification) or fetched by the SensorThings poller is read by the IoT connector at
once — the sender hears what is wrong — and kept in the spool, durable before the answer,
for ``ioc live``'s next batch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow.compute as pc

from connectors import ConnectorError, get_connector
from ioc_pipelines.core import live_spool
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.live import SOURCE, read_message
from ioc_pipelines.settings import Settings

MAX_NOTIFICATION_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Received:
    seq: int
    readings: int
    sensors: int
    newest: datetime | None = None  # the newest observation time read


def receive(settings: Settings, *, channel: str, origin: str | None, provider: str,
            payload: bytes) -> Received:
    """A payload posted to a door (an NGSI-LD notification, a SensorThings page): read by the
    IoT connector now, so the sender hears at once what is wrong, then kept in the spool —
    durable before the door answers — for the next batch. A refused payload is kept too, as
    ``rejected`` with its reason (``ioc live status`` lists it), and the CoreError says why."""
    if len(payload) > MAX_NOTIFICATION_BYTES:
        raise CoreError(f"payload of {len(payload)} bytes: at most "
                        f"{MAX_NOTIFICATION_BYTES // (1024 * 1024)} MiB per notification")
    received_at = datetime.now(UTC).isoformat()
    origin = origin or _subscription(payload) or channel
    try:
        tables = read_message(settings, get_connector(SOURCE), live_spool.Message(
            0, received_at, channel, origin, provider, payload))
    except ConnectorError as exc:
        seq = live_spool.put(settings, channel, origin, provider, payload)
        live_spool.reject(settings, [(seq, exc.reason)], 0)
        raise CoreError(f"refused: {exc.reason}") from None
    seq = live_spool.put(settings, channel, origin, provider, payload)
    rows = {name: table.num_rows for name, table in tables.items()}
    readings = tables.get("iot__readings")
    newest = (pc.max(readings["observed_at"]).as_py()
              if readings is not None and readings.num_rows else None)
    return Received(seq, rows.get("iot__readings", 0), rows.get("iot__sensors", 0), newest)


def _subscription(payload: bytes) -> str | None:
    """The subscription a notification answers (its origin in the spool)."""
    try:
        doc = json.loads(payload)
    except ValueError:
        return None
    return str(doc.get("subscriptionId"))[:200] if isinstance(doc, dict) and doc.get(
        "subscriptionId") else None
