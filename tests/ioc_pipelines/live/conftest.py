"""Real local servers for the live path: an MQTT broker (amqtt), an SMTP server (aiosmtpd)
and a webhook receiver, each on 127.0.0.1 on a free port, started and stopped per test."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ioc_pipelines.web.portal_helpers import free_port


def wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def wait_for(what, seconds: float, message: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = what()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError(f"{message} (waited {seconds} s)")


@dataclass
class Received:
    mails: list = field(default_factory=list)
    hooks: list = field(default_factory=list)  # (headers, body bytes)


@pytest.fixture
def received():
    return Received()


@pytest.fixture
def smtp_port(received):
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.mails.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def webhook_port(received):
    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.hooks.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def stop_process(proc: subprocess.Popen, seconds: float = 20) -> None:
    """SIGTERM, and SIGKILL when it is not gone in ``seconds`` (amqtt, busy closing its
    sessions on a loaded machine, can take longer than a test should wait)."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


@dataclass(frozen=True)
class Broker:
    port: int
    live_url: str  # IOC_MQTT_URL for `ioc live`
    sensor: tuple[str, str]  # a publisher's user name and password


@pytest.fixture
def broker(tmp_path):
    from ioc_pipelines.core import servers
    from ioc_pipelines.settings import load_settings

    port = free_port()
    settings = load_settings({"IOC_HOME": str(tmp_path / "broker"),
                              "IOC_ENV_FILE": str(tmp_path / "none.env")})
    log = (tmp_path / "amqtt.log").open("wb")
    proc = subprocess.Popen(servers.mqtt_broker_command(settings, port), stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_port(port)
        users = servers.mqtt_broker_users(settings)
        yield Broker(port, servers.mqtt_url(settings, port), ("sensor", users["sensor"]))
    finally:
        stop_process(proc)
        log.close()


def live_env(tmp_path, broker: Broker, **extra: str) -> dict[str, str]:
    return {"IOC_HOME": str(tmp_path / "ioc"), "IOC_ENV_FILE": str(tmp_path / "none.env"),
            "IOC_MQTT_URL": broker.live_url, "IOC_LIVE_BATCH_SECONDS": "2",
            **extra}


def ngsi_reading(sensor: str, quantity: str, value: float, at: datetime) -> bytes:
    """One NGSI-LD entity (normalized) with one numeric property observed at ``at``."""
    kind = "AirQualityObserved" if quantity.startswith("pm") else "WaterObserved"
    unit = {"pm25": "GQ", "waterLevel": "MTR", "precipitation": "MMT"}.get(quantity, "")
    return json.dumps({
        "id": f"urn:ngsi-ld:{kind}:{sensor}", "type": kind,
        quantity: {"type": "Property", "value": value, "unitCode": unit,
                   "observedAt": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}}).encode()


def publish(broker: Broker, messages: list[tuple[str, bytes]]) -> None:
    """Publish (topic, payload) pairs at QoS 1 and wait until the broker acknowledged each."""
    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"sensor-{time.time_ns()}")
    client.username_pw_set(*broker.sensor)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        for topic, payload in messages:
            client.publish(topic, payload, qos=1).wait_for_publish(timeout=30)
    finally:
        # the loop stops first: amqtt drops the deliveries still queued from a publisher
        # that says DISCONNECT, not from one whose connection just ends
        client.loop_stop()
        client.disconnect()
