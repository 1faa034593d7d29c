"""The live path end to end over real servers: readings published over MQTT reach the live
marts, a PM2.5 exceedance is e-mailed and posted (signed) exactly once, its recovery closes
the episode, and a killed `ioc live` loses and duplicates nothing."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from ioc_pipelines.core import accounts, alerts, live, live_service, live_spool, notices
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources import appdb
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings
from tests.conftest import BIN, REPO
from tests.ioc_pipelines.live.conftest import live_env, ngsi_reading, publish, wait_for

pytestmark = pytest.mark.slow
TOPIC = "ioc/iot/SNNMT/ngsi-ld"
SENSOR = "LCU-KK-01"


def _readings(values: list[float], *, end: datetime, step_minutes: int = 5):
    first = end - timedelta(minutes=step_minutes * (len(values) - 1))
    return [(TOPIC, ngsi_reading(SENSOR, "pm25", v, first + timedelta(minutes=step_minutes * i)))
            for i, v in enumerate(values)]


@pytest.fixture
def on_duty(tmp_path, broker, smtp_port, webhook_port):
    settings = load_settings(live_env(
        tmp_path, broker, IOC_SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        IOC_ALERT_WEBHOOKS=f"http://127.0.0.1:{webhook_port}/hook"))
    admin = Actor.named("test")
    accounts.create(settings, admin, username="truc.ban", full_name="Cán bộ trực ban",
                    unit="IOC", role="admin", password="mat-khau-truc-ban-2026")
    accounts.set_email(settings, admin, "truc.ban", "truc.ban@ioc.example.vn")
    accounts.create(settings, admin, username="phan.tich", full_name="Chuyên viên phân tích",
                    unit="IOC", role="analyst", password="mat-khau-phan-tich-2026")
    stop, said = threading.Event(), []

    def log(line: str) -> None:
        print(line)
        said.append(line)

    thread = threading.Thread(target=live_service.serve, daemon=True,
                              kwargs={"settings": settings, "stop": stop, "log": log})
    thread.start()
    wait_for(lambda: any("MQTT: subscribed" in line for line in said), 60,
             "ioc live never subscribed")
    yield settings
    stop.set()
    thread.join(timeout=120)
    appdb.dispose(settings)


def test_an_exceedance_over_mqtt_is_mailed_and_posted_once_and_its_recovery_closes_it(
        on_duty, broker, received):
    settings = on_duty
    now = datetime.now(UTC).replace(microsecond=0)
    publish(broker, _readings([20, 22, 21, 24, 23, 400], end=now - timedelta(minutes=30)))
    published_at = time.monotonic()
    wait_for(lambda: received.mails and received.hooks, 180, "no e-mail and webhook came")
    print(f"reading → alert sent: {time.monotonic() - published_at:.1f} s")
    # later batches and rebuilds raise nothing new
    time.sleep(3 * settings.live.batch_interval + 2)
    live.run_batch(settings, build=True)
    alerts.deliver(settings)
    assert len(received.mails) == 1 and len(received.hooks) == 1
    mail = received.mails[0]
    assert mail["To"] == "truc.ban@ioc.example.vn"
    text = mail.get_content()
    assert "PM2.5" in mail["Subject"] and SENSOR in text and "QCVN 05:2023/BTNMT" in text
    assert "µg/m³" in text and "/live" in text
    headers, body = received.hooks[0]
    assert headers[alerts.SIGNATURE_HEADER] == alerts.signature(
        settings.live.webhook_secret, body)
    posted = json.loads(body)
    assert posted["rule"] == "sensor_exceedance" and posted["severity"] == "critical"
    assert headers[alerts.KEY_HEADER] == posted["key"] == mail[alerts.KEY_HEADER]
    # the admin's inbox holds it; the analyst (not a recipient) has nothing
    admin = accounts.get(settings, "truc.ban")
    inbox = notices.inbox(settings, admin)
    assert [n.alert_id for n in inbox] == [posted["alert_id"]]
    assert notices.inbox(settings, accounts.get(settings, "phan.tich")) == []
    status = live.status(settings)
    assert [(e["sensor_id"], e["quantity"]) for e in status["open_episodes"]] == [(SENSOR,
                                                                                 "pm25")]
    assert {(s["sensor_id"], s["status"]) for s in status["sensors"]} == {(SENSOR, "exceeding")}

    # low readings bring the 24-hour mean back under 50 µg/m³: the episode closes
    publish(broker, _readings([4 + i % 4 for i in range(14)], end=now, step_minutes=2))
    wait_for(lambda: len(received.mails) == 2 and len(received.hooks) == 2, 180,
             "no recovery alert came")
    assert "trở lại dưới ngưỡng" in received.mails[1]["Subject"]
    assert json.loads(received.hooks[1][1])["rule"] == "sensor_recovered"
    status = live.status(settings)
    assert status["open_episodes"] == []
    assert {(s["sensor_id"], s["status"]) for s in status["sensors"]} == {(SENSOR, "normal")}

    # someone on duty acknowledges it; the acknowledgement is audited
    alerts.acknowledge(settings, admin.actor("cli"), posted["alert_id"])
    assert notices.inbox(settings, admin)[-1].acknowledged_by == "truc.ban"


def _landed(settings) -> tuple[int, set[tuple[str, str]]]:
    """(rows, distinct (sensor, observed at)) of the live lake's raw readings."""
    with connect(settings, work=False, live=True, live_read_only=True) as con:
        rows = con.execute(
            "SELECT sensor_id, strftime(observed_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') "
            "FROM live.raw.iot__readings").fetchall()
    return len(rows), set(rows)


def _key(payload: bytes) -> tuple[str, str]:
    entity = json.loads(payload)
    return entity["id"], entity["pm25"]["observedAt"]


def _spooled(settings) -> tuple[set[tuple[str, str]], int]:
    """What `ioc live` acknowledged (every spooled message) and how many wait for a batch."""
    import sqlite3

    with sqlite3.connect(live_spool.spool_path(settings)) as con:
        rows = con.execute("SELECT payload, status FROM messages").fetchall()
    return {_key(payload) for payload, _ in rows}, sum(status == "new" for _, status in rows)


def test_killing_ioc_live_mid_stream_loses_and_duplicates_nothing(tmp_path, broker):
    """SIGKILL mid-stream, restart: nothing that `ioc live` acknowledged is lost, nothing is
    written twice, and everything published while it was down arrives. The one thing this
    broker cannot give is a message that was in flight to the killed service: amqtt 0.12.1
    drops an unacknowledged QoS 1 message when its subscriber's connection ends
    (Yakifo/amqtt#401) where Mosquitto and EMQX send it again; such a message never reached
    the spool, which the test checks for each one missing."""
    env = live_env(tmp_path, broker)
    import os

    proc_env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")} | env
    settings = load_settings(env)
    now = datetime.now(UTC).replace(microsecond=0)
    sensors = [f"LCU-{n:03d}" for n in range(20)]
    stream = [(f"ioc/iot/SNNMT/{s}", ngsi_reading(s, "pm25", 10 + i % 7,
                                                   now - timedelta(minutes=5 * i)))
              for i in range(15) for s in sensors]  # 300 readings
    key = {payload: _key(payload) for _, payload in stream}

    def start():
        proc = subprocess.Popen([str(BIN / "ioc"), "live"], env=proc_env, cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        proc.said = []
        threading.Thread(target=lambda: proc.said.extend(proc.stdout), daemon=True).start()
        wait_for(lambda: any("MQTT: subscribed" in line for line in proc.said), 60,
                 "ioc live never subscribed")
        return proc

    first = start()
    publish(broker, stream[:150])
    wait_for(lambda: _landed(settings)[0] > 0, 120, "the first batch never landed")
    publish(broker, stream[150:220])
    first.send_signal(signal.SIGKILL)  # mid-stream: some acknowledged, some not yet
    first.wait(timeout=30)
    time.sleep(1)  # the broker has seen the connection end: what follows is queued
    published_while_down = {key[p] for _, p in stream[220:]}
    publish(broker, stream[220:] + stream[:40])  # the rest, and repeats of the start
    second = start()  # the broker kept the session: what came meanwhile is delivered now

    def settled():
        acknowledged, waiting = _spooled(settings)
        rows, landed = _landed(settings)
        return (not waiting and (acknowledged | published_while_down) <= landed
                and (acknowledged, rows, landed))

    try:
        try:
            wait_for(settled, 180, "readings were lost")
        except AssertionError as exc:
            raise AssertionError(f"{exc}: spooled {len(_spooled(settings)[0])}, landed "
                                 f"{_landed(settings)[0]}; ioc live said:\n"
                                 + "".join(first.said[-20:]) + "---\n"
                                 + "".join(second.said[-40:])) from None
        time.sleep(3 * settings.live.batch_interval)  # anything redelivered has come by now
        acknowledged, _ = _spooled(settings)
        rows, landed = _landed(settings)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=120)
    assert rows == len(landed), f"{rows - len(landed)} reading(s) written twice"
    assert landed <= set(key.values())
    assert acknowledged <= landed and published_while_down <= landed
    missing = set(key.values()) - landed
    in_flight_at_the_kill = {key[p] for _, p in stream[:220]}
    assert missing <= in_flight_at_the_kill - acknowledged, sorted(missing)
    out = "".join(second.said)
    assert second.returncode == 0, out[-3000:]
    assert "ioc live stopped" in out
