"""The real third-party IoT payloads (connectors/iot/samples, from shared/reference/samples)
are read correctly."""

from datetime import UTC, datetime

import pytest

from connectors import ConnectorError
from tests.connectors.helpers import SAMPLES, read

NGSI = SAMPLES / "ngsi"
STA = SAMPLES / "sensorthings"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def by_quantity(rows):
    return {r["quantity"]: r for r in rows}


def test_every_ngsi_example_is_read_with_its_flavour():
    flavours = {"example.json": "ngsi-v2", "example-normalized.json": "ngsi-v2",
                "example.jsonld": "ngsi-ld", "example-normalized.jsonld": "ngsi-ld"}
    files = sorted(NGSI.glob("*/example*"))
    assert len(files) == 24
    for path in files:
        tables = read("iot", path)
        (sensor,) = tables["iot__sensors"]
        assert sensor["platform"] == flavours[path.name], path
        assert sensor["sensor_type"] == path.parent.name
        assert tables["iot__readings"], path


def test_air_quality_ngsi_ld_normalized_units_and_time():
    tables = read("iot", NGSI / "AirQualityObserved" / "example-normalized.jsonld")
    q = by_quantity(tables["iot__readings"])
    assert (q["no2"]["value"], q["no2"]["unit"]) == (69.0, "GQ")  # GQ = µg/m³ (UN/CEFACT)
    assert (q["co"]["value"], q["co"]["unit"]) == (500.0, "GP")
    assert q["tsp"]["value"] == 73.3
    # "2016-03-15T11:00:00" has no offset: read in the contract's time zone (UTC+7)
    assert q["no2"]["observed_at"] == utc(2016, 3, 15, 4, 0)
    assert "airQualityLevel" not in q and "location" not in q  # text and geometry aren't readings
    (sensor,) = tables["iot__sensors"]
    assert (sensor["longitude"], sensor["latitude"]) == (-3.712247222222222, 40.423852777777775)


def test_air_quality_v2_key_values_keeps_its_own_values():
    q = by_quantity(read("iot", NGSI / "AirQualityObserved" / "example.json")["iot__readings"])
    assert q["co2"]["value"] == 69.0 and "no2" not in q  # the v2 file really says co2
    assert q["windDirection"]["value"] == 176.0 and q["co2"]["unit"] is None


def test_flood_monitoring_thresholds_describe_the_station():
    tables = read("iot", NGSI / "FloodMonitoring" / "example-normalized.json")
    (station,) = tables["iot__sensors"]
    assert (station["alert_level_1"], station["alert_level_3"]) == (11.0, 26.0)
    q = by_quantity(tables["iot__readings"])
    assert set(q) == {"measuredDistance", "currentLevel"}
    assert q["currentLevel"]["value"] == 1.98
    assert q["currentLevel"]["observed_at"] == utc(2020, 9, 16, 8, 0)  # 13:30+05:30


def test_phreatic_invalid_observed_at_falls_back_to_the_entity_time():
    q = by_quantity(read("iot", NGSI / "PhreaticObserved" / "example-normalized.jsonld")
                    ["iot__readings"])
    # attribute observedAt "2020-03-17TT08:45:00Z" is invalid; dateObserved is nested DateTime
    assert q["waterTable"]["value"] == 12.75
    assert q["waterTable"]["observed_at"] == utc(2020, 7, 7, 15, 5, 59, 408000)


def test_water_observed_swapped_coordinates_are_kept_as_delivered():
    (sensor,) = read("iot", NGSI / "WaterObserved" / "example.jsonld")["iot__sensors"]
    assert (sensor["longitude"], sensor["latitude"]) == (43.66481, 7.196545)


def test_sensorthings_observation_and_mqtt_typo():
    (obs,) = read("iot", STA / "ogc-sta11-spec_observation.json")["iot__readings"]
    assert (obs["value"], obs["observed_at"]) == (70.4, utc(2014, 12, 31, 3, 59, 59))
    (mqtt,) = read("iot", STA / "ogc-sta11-spec_mqtt-subscribe-select-observation.json"
                   )["iot__readings"]
    assert (mqtt["value"], mqtt["observed_at"]) == (45.0, utc(2015, 2, 5, 17, 0))


def test_sensorthings_data_array_with_next_link():
    rows = read("iot", STA / "ogc-sta11-spec_observations-dataarray-datastream.json"
                )["iot__readings"]
    assert [(r["sensor_id"], r["value"]) for r in rows] == [("1", 20.0), ("1", 30.0), ("1", 0.0)]
    assert rows[1]["observed_at"] == utc(2005, 8, 5, 12, 22, 8)
    hydro = read("iot", STA / "hydroserver-docs_observations-dataarray-response.json"
                 )["iot__readings"]  # "values" instead of "value", components in another order
    assert [(r["value"], r["observed_at"]) for r in hydro] == [
        (32.2, utc(2022, 2, 1, 10, 10, 10)), (33.8, utc(2022, 3, 1, 10, 10, 10))]


def test_sensorthings_multidatastream_array_results():
    rows = read("iot", STA / "ogc-sta11-spec_observations-dataarray-multidatastream.json"
                )["iot__readings"]
    assert [(r["quantity"], r["value"]) for r in rows[:2]] == [("result[0]", 10.2),
                                                                ("result[1]", 65.0)]
    assert rows[0]["observed_at"] == utc(2010, 12, 23, 18, 20)  # -0700
    assert len(rows) == 6  # the "clear" category results are not numbers


def test_sensorthings_expanded_thing_with_units():
    tables = read("iot", STA / "frost-tests_entitiesDefault_deep-insert-thing.json")
    units = {(r["quantity"], r["unit"]) for r in tables["iot__readings"]}
    assert ("Luminous Flux", "lm") in units
    (things,) = read("iot", STA / "ogc-sta11-spec_things-expand-datastreams.json")["iot__sensors"]
    assert things["name"] == "Oven" and '"°C"' in things["attributes"]
    latest = read("iot", STA / "frost-docs_mqtt-expand-thing-datastreams-latest-observation.json")
    assert [r["value"] for r in latest["iot__readings"]] == [4.6, 40.5]


@pytest.mark.parametrize("name", ["ogc-sta11-spec_location.json",
                                  "ogc-sta11-spec_featureofinterest.json",
                                  "ogc-sta11-spec_historicallocations-collection-nextlink.json",
                                  "ogc-sta11-spec_createobservations-dataarray-response.json"])
def test_sensorthings_payloads_without_data_are_refused_with_the_reason(name):
    with pytest.raises(ConnectorError) as err:
        read("iot", STA / name)
    assert name in str(err.value)
    assert "no sensors and no readings" in err.value.reason or "neither NGSI" in err.value.reason


def test_sensorthings_requests_and_datastreams():
    rows = read("iot", STA / "ogc-sta11-spec_createobservations-dataarray-request.json"
                )["iot__readings"]
    assert {r["sensor_id"] for r in rows} == {"1", "2"}
    (ds,) = read("iot", STA / "ogc-sta11-spec_datastream.json")["iot__sensors"]
    assert ds["name"] == "oven temperature"
    (multi,) = read("iot", STA / "ogc-sta11-spec_multidatastream.json")["iot__sensors"]
    assert multi["sensor_id"] == "1"
