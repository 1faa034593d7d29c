"""NGSI-LD notifications posted to a real ``ioc serve`` (as a FIWARE broker's subscription
does, with an API token): read by the IoT connector at once, kept in the spool, written to
the live lake by the next batch with the same lineage as MQTT; a token that may not deliver
for the provider, no token, or an unreadable payload is refused with the reason and nothing
of it reaches the lake."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ioc_pipelines.core import accounts, live, live_spool, tokens
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources.lakes import connect
from tests.ioc_pipelines.live.conftest import ngsi_reading
from tests.ioc_pipelines.web.portal_helpers import PASSWORD, start_portal, stop_portal

pytestmark = pytest.mark.slow
NOTIFY = "/api/v1/live/ngsi-ld/notify"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    started = start_portal(tmp_path_factory.mktemp("notify") / "ioc")
    yield started
    stop_portal(started)


def _token(settings, username: str, provider: str) -> str:
    accounts.create(settings, Actor("test"), username=username, full_name=username,
                    unit="Nền tảng IoT", role="provider", password=PASSWORD,
                    providers=(provider,))
    secret, _ = tokens.create(settings, Actor("test"), username, "FIWARE broker", days=30)
    return secret


def _notification(*entities: bytes) -> bytes:
    return json.dumps({
        "id": "urn:ngsi-ld:Notification:7b1c", "type": "Notification",
        "subscriptionId": "urn:ngsi-ld:Subscription:ioc-air",
        "notifiedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": [json.loads(e) for e in entities]}).encode()


def test_a_brokers_notification_reaches_the_live_lake(portal):
    settings = portal.settings
    token = _token(settings, "fiware.broker", "IOC_NGSI")
    other = _token(settings, "snnmt.platform", "SNNMT")
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    body = _notification(ngsi_reading("LCU-TP-01", "pm25", 31.0, at),
                         ngsi_reading("LCU-TP-02", "pm25", 18.5, at))
    client = portal.client()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/ld+json"}

    answer = client.post(NOTIFY, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() | {"spooled": 0} == {"accepted": True, "spooled": 0, "readings": 2,
                                              "sensors": 2}

    # no token; a token for another provider's code; an unreadable payload
    assert client.post(NOTIFY, content=body).status_code == 401
    refused = client.post(f"{NOTIFY}?provider=SNNMT", content=body, headers=headers)
    assert refused.status_code == 403, refused.text
    garbage = client.post(NOTIFY, content=b'{"type": "Notification", "data": "<script>"}',
                          headers=headers)
    assert garbage.status_code == 400
    assert "NGSI" in garbage.json()["detail"] and "<script>" not in garbage.text
    # the environment department's own platform may deliver too (its token, its code)
    second = client.post(NOTIFY, headers={"Authorization": f"Bearer {other}"},
                         content=_notification(ngsi_reading("LCU-TP-03", "pm25", 12.0, at)))
    assert second.status_code == 200 and second.json()["readings"] == 1

    assert live_spool.counts(settings) == {"new": 2, "rejected": 1}
    [(_, channel, origin, reason)] = live_spool.rejected(settings)
    assert (channel, origin) == ("ngsi-ld", "ngsi-ld") and "NGSI" in reason

    result = live.run_batch(settings)
    assert (result.messages, result.readings_new, result.rejected) == (2, 3, 0)
    assert result.published, result.gate_failures
    with connect(settings, work=False, live=True, live_read_only=True) as con:
        rows = con.execute("SELECT sensor_id, _provider, _file LIKE '%-ngsi-ld.json' "
                           "FROM live.raw.iot__readings ORDER BY sensor_id").fetchall()
        shown = con.execute("SELECT count(*) FROM live.marts.live_sensor_status").fetchone()[0]
    assert rows == [("urn:ngsi-ld:AirQualityObserved:LCU-TP-01", "IOC_NGSI", True),
                    ("urn:ngsi-ld:AirQualityObserved:LCU-TP-02", "IOC_NGSI", True),
                    ("urn:ngsi-ld:AirQualityObserved:LCU-TP-03", "SNNMT", True)]
    assert shown == 3
