"""The live gate: when a live model's automatic check fails, nothing of the batch is
published — readers keep the previous live state — and the admins get one alert naming the
failing check, not one per batch while it keeps failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ioc_pipelines.core import alerts, live, live_intake
from ioc_pipelines.resources.lakes import LIVE, connect
from ioc_pipelines.settings import load_settings
from tests.ioc_pipelines.live.conftest import ngsi_reading

pytestmark = pytest.mark.slow


def test_a_failing_live_check_publishes_nothing_and_alerts_once(tmp_path):
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                              "IOC_ENV_FILE": str(tmp_path / "none.env")})
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    def send(value: float, at: datetime) -> None:
        live_intake.receive(settings, channel="mqtt", origin="test", provider="SNNMT",
                            payload=ngsi_reading("LCU-GATE", "pm25", value, at))

    send(21.0, now - timedelta(minutes=2))
    first = live.run_batch(settings)
    assert first.published, first.gate_failures

    def latest() -> list:
        return [(s["sensor_id"], s["last_value"]) for s in live.status(settings)["sensors"]]

    assert latest() == [("LCU-GATE", 21.0)]
    # the registry copy names the sensor twice: the status mart's one-row-per-sensor check fails
    with connect(settings, work=False, live=True) as con:
        for _ in range(2):
            con.execute(f"INSERT INTO {LIVE}.reference.sensors (sensor_id, sensor_name) "
                        "VALUES ('LCU-GATE', 'Trạm kiểm tra')")

    send(35.0, now - timedelta(minutes=1))
    second = live.run_batch(settings)
    assert second.built and not second.published
    assert second.readings_new == 1  # the reading is kept in the lake, only not published
    assert any("assert_live_sensor_status_grain_unique" in f for f in second.gate_failures), \
        second.gate_failures
    assert latest() == [("LCU-GATE", 21.0)]  # readers still see the previous state
    [raised] = [a for a in alerts.recent(settings) if a["rule"] == "live_gate_failed"]
    assert "assert_live_sensor_status_grain_unique" in raised["body"]

    send(36.0, now)
    third = live.run_batch(settings)
    assert not third.published and third.gate_failures
    assert len([a for a in alerts.recent(settings) if a["rule"] == "live_gate_failed"]) == 1
