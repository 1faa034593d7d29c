"""Many deliveries read at once (the live path's micro-batch) give exactly the rows and the
lineage of reading each on its own; one that cannot be read is refused alone, with the reason
reading it alone gives; decisions a contract takes per provider stay per provider."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest

from connectors import ConnectorError, Delivery, get_connector
from tests.connectors.helpers import SAMPLES, fixture


def _delivery(source: str, provider: str, name: str, data: bytes) -> Delivery:
    return Delivery(source, provider, date(2026, 11, 20), name, hashlib.sha256(data).hexdigest())


def _rows(tables: dict) -> dict[str, list[dict]]:
    """Raw tables as rows, without the load time (each read stamps its own)."""
    return {name: [{k: v for k, v in row.items() if k != "_loaded_at"}
                   for row in table.to_pylist()] for name, table in tables.items()}


def _one_by_one(source: str, items: list[tuple[bytes, Delivery]]):
    """What reading each delivery on its own gives: the rows of those that can be read (in
    order) and the reason of each that cannot."""
    connector = get_connector(source)
    rows: dict[str, list[dict]] = {}
    refused = {}
    for index, (data, delivery) in enumerate(items):
        try:
            tables = connector.read_delivery(data, delivery).tables
        except ConnectorError as exc:
            refused[index] = exc.reason
            continue
        for name, table_rows in _rows(tables).items():
            rows.setdefault(name, []).extend(table_rows)
    return rows, refused


def _entity(sensor: str, value: str, at: str) -> bytes:
    """An NGSI-LD entity with one PM2.5 property; ``value`` is JSON (a number or a string)."""
    return json.dumps({"id": f"urn:ngsi-ld:AirQualityObserved:{sensor}",
                       "type": "AirQualityObserved",
                       "pm25": {"type": "Property", "value": json.loads(value),
                                "observedAt": at}}).encode()


def test_a_batch_of_iot_messages_reads_as_each_message_alone():
    payloads = [
        ("SNNMT", "a.json", _entity("S1", "12.5", "2026-11-20T01:00:00Z")),
        ("SNNMT", "b.json", (SAMPLES / "ngsi" / "AirQualityObserved"
                             / "example-normalized.jsonld").read_bytes()),
        ("TTKTTV", "c.json", b"{not json"),
        ("TTKTTV", "d.json", _entity("S2", '"1,5"', "2026-11-20T08:00:00+07:00")),
        ("IOC_NGSI", "e.json", b"   "),
        ("IOC_NGSI", "f.json", (SAMPLES / "sensorthings" / "hydroserver-docs_observations-"
                                "dataarray-response.json").read_bytes()),
        ("SNNMT", "g.json", _entity("S1", '"not a number"', "2026-11-20T01:05:00Z")),
        ("SNNMT", "h.json", b'{"value": [{"name": "a place", "location": {}}]}'),
        ("SNNMT", "i.json", _entity("S1", "13", "2026-11-20T01:10:00Z")),
    ]
    items = [(data, _delivery("iot", provider, name, data)) for provider, name, data in payloads]
    expected_rows, expected_refused = _one_by_one("iot", items)
    assert set(expected_refused) == {2, 4, 7}  # the test's own premise

    batch = get_connector("iot").read_many(items)

    assert batch.refused == expected_refused
    assert _rows(batch.tables) == expected_rows
    readings = expected_rows["iot__readings"]
    # lineage is each message's, numbered within it (d and g hold a text pm25: an attribute)
    assert {r["_file"] for r in readings} == {"a.json", "b.json", "f.json", "i.json"}
    assert {r["_file"] for r in expected_rows["iot__sensors"]} >= {"d.json", "g.json"}
    assert [r["_record_number"] for r in readings if r["_file"] == "a.json"] == [1]
    assert [r["_record_number"] for r in readings if r["_file"] == "f.json"] == list(
        range(1, 1 + sum(r["_file"] == "f.json" for r in readings)))
    assert len({r["_provider"] for r in readings}) == 2


def test_a_batch_takes_each_providers_declared_coordinate_system(monkeypatch):
    connector = get_connector("housing")
    monkeypatch.setitem(connector.contract.raw.setdefault("coordinates", {}), "providers",
                        {"XA_A": "EPSG:9205"})
    metres = fixture("housing", "nha_o_vn2000.csv").read_bytes()
    degrees = fixture("housing", "nha_o_wgs84.csv").read_bytes()
    items = [(metres, _delivery("housing", "XA_A", "a.csv", metres)),
             (metres, _delivery("housing", "XA_B", "b.csv", metres)),
             (degrees, _delivery("housing", "XA_A", "c.csv", degrees))]
    expected_rows, expected_refused = _one_by_one("housing", items)
    assert not expected_refused

    batch = connector.read_many(items)

    assert not batch.refused
    assert _rows(batch.tables) == expected_rows
    basis = {(r["_file"], r["crs_basis"]) for r in expected_rows["housing__houses"]}
    assert ("a.csv", "declared") in basis and ("b.csv", "declared") not in basis


@pytest.mark.parametrize("source, name", [("indicators", "chi_tieu_vni.csv"),
                                          ("housing", "nha_o.geojson")])
def test_one_delivery_read_many_is_read_delivery(source, name):
    data = fixture(source, name).read_bytes()
    delivery = _delivery(source, "SYT", name, data)
    alone = get_connector(source).read_delivery(data, delivery)
    assert _rows(get_connector(source).read_many([(data, delivery)]).tables) == _rows(
        alone.tables)
