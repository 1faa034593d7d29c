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
HOSTILE = "<script>window.__hostile=1</script>"


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
                         content=_notification(ngsi_reading("LCU-TP-03", "pm25", 12.0, at),
                                               ngsi_reading(HOSTILE, "pm25", 9.0, at)))
    assert second.status_code == 200 and second.json()["readings"] == 2

    assert live_spool.counts(settings) == {"new": 2, "rejected": 1}
    [(_, channel, origin, reason)] = live_spool.rejected(settings)
    assert (channel, origin) == ("ngsi-ld", "ngsi-ld") and "NGSI" in reason

    # before any batch the live page says so (and makes no lake)
    before = portal.client("analyst").get("/live")
    assert before.status_code == 200 and 'id="no-sensors"' in before.text

    result = live.run_batch(settings)
    assert (result.messages, result.readings_new, result.rejected) == (2, 4, 0)
    assert result.published, result.gate_failures
    with connect(settings, work=False, live=True, live_read_only=True) as con:
        rows = con.execute("SELECT sensor_id, _provider, _file LIKE '%-ngsi-ld.json' "
                           "FROM live.raw.iot__readings ORDER BY sensor_id").fetchall()
        shown = con.execute("SELECT count(*) FROM live.marts.live_sensor_status").fetchone()[0]
    assert sorted(rows) == sorted([
        ("urn:ngsi-ld:AirQualityObserved:LCU-TP-01", "IOC_NGSI", True),
        ("urn:ngsi-ld:AirQualityObserved:LCU-TP-02", "IOC_NGSI", True),
        ("urn:ngsi-ld:AirQualityObserved:LCU-TP-03", "SNNMT", True),
        (f"urn:ngsi-ld:AirQualityObserved:{HOSTILE}", "SNNMT", True)])
    assert shown == 4

    # the live page: every sensor with its status, for the roles that may see it; the
    # hostile station id is shown as text
    page = portal.client("leader").get("/live")
    assert page.status_code == 200
    assert page.text.count('<tr id="sensor-') == 4 and "LCU-TP-02" in page.text
    assert HOSTILE not in page.text and "&lt;script&gt;window.__hostile" in page.text
    assert portal.client("agency").get("/live").status_code == 403
    assert portal.client().get("/live").status_code in (303, 401)
    _in_a_browser(portal, settings.home.parent / "live.png")


def _in_a_browser(portal, screenshot) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, FLAGS
    from tests.ioc_pipelines.web.portal_helpers import browser_login

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page, errors = browser_login(browser, portal, "analyst")
            page.click("text=Cảm biến")
            page.wait_for_selector("#sensors")
            page.screenshot(path=str(screenshot), full_page=True)
            assert page.locator("#sensors tbody tr").count() == 4
            assert "bình thường" in page.inner_text("#sensors")
            assert page.evaluate("window.__hostile === undefined")
            assert errors == []
        finally:
            browser.close()
