"""Silent and stuck sensors alert once, with the province's own threshold: the rules
override (``IOC_ALERT_RULES``) sets the silence to 10 minutes, the live mart uses the same
value, and a sensor repeating one value a dozen times is stuck — each raised once however
many batches see it, to the commune's accounts and the admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ioc_pipelines.core import accounts, alerts, live, live_intake, notices
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.settings import load_settings
from tests.ioc_pipelines.live.conftest import ngsi_reading

pytestmark = pytest.mark.slow


def test_silent_and_stuck_sensors_alert_once(tmp_path):
    rules = tmp_path / "alert_rules.yml"
    rules.write_text("rules:\n  sensor_silent:\n    minutes: 10\n", encoding="utf-8")
    settings = load_settings({"IOC_HOME": str(tmp_path / "ioc"),
                              "IOC_ENV_FILE": str(tmp_path / "none.env"),
                              "IOC_ALERT_RULES": str(rules)})
    admin = accounts.create(settings, Actor("test"), username="truc.ban", full_name="Trực ban",
                            unit="IOC", role="admin", password="mat-khau-truc-ban-2026")
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    def send(sensor: str, values: list[float], end: datetime) -> None:
        for i, value in enumerate(values):
            at = end - timedelta(minutes=(len(values) - 1 - i))
            live_intake.receive(settings, channel="mqtt", origin="test", provider="SNNMT",
                                payload=ngsi_reading(sensor, "pm25", value, at))

    send("LCU-SILENT", [20, 21, 22], now - timedelta(minutes=25))  # nothing for 25 minutes
    send("LCU-STUCK", [33.3] * 12, now)  # the same value a dozen times
    send("LCU-OK", [10, 12, 11, 13], now)

    first = live.run_batch(settings)
    assert first.published, first.gate_failures
    statuses = {s["sensor_id"]: s["status"] for s in live.status(settings)["sensors"]}
    assert statuses == {"LCU-SILENT": "silent", "LCU-STUCK": "stuck", "LCU-OK": "normal"}
    raised = {a["rule"]: a for a in alerts.recent(settings)}
    assert set(raised) == {"sensor_silent", "sensor_stuck"}
    assert "LCU-SILENT" in raised["sensor_silent"]["subject"]
    assert "10 phút" in raised["sensor_silent"]["body"]
    assert "33,3 µg/m³" in raised["sensor_stuck"]["body"]
    assert {s["channel"] for s in raised["sensor_silent"]["sends"]} == {"inbox"}
    assert raised["sensor_silent"]["link"].endswith("/live")

    # a rebuild later sees the same facts: nothing new
    again = live.run_batch(settings, build=True)
    assert again.published and again.alerts_raised == 0
    assert len(alerts.recent(settings)) == 2
    assert sorted(n.subject for n in notices.inbox(settings, admin)) == sorted(
        a["subject"] for a in raised.values())
