"""Benchmark: the live path under load — sensors publishing over MQTT into `ioc live`
(figures only; never pass/fail on time).

    .venv/bin/python benchmarks/bench_live.py [--sensors 1000] [--cadence 300]
        [--steady 300] [--burst 60] [--factor 100] [--after 120] [--exceedances 10]

In a fresh home: the development MQTT broker (amqtt, 127.0.0.1), a webhook receiver, and
`ioc live` as its own process (batch interval IOC_LIVE_BATCH_SECONDS, default 15). N sensors
publish a PM2.5 reading each every CADENCE seconds (QoS 1) for STEADY seconds, then every
CADENCE/FACTOR seconds for BURST seconds (the burst), then at the cadence again for AFTER
seconds. EXCEEDANCES sensors, spread over the run, send one reading of 999 µg/m³ (an
exceedance alert each). Prints: readings/s published and written, batch durations, reading →
visible in the published live mart (p50/p95, every reading; the mart is polled every 2 s
from the start), reading → alert received (p50/p95), readings lost or duplicated (by
natural key), peak RSS of `ioc live` and of its process tree. Goals (docs/live.md): alert ≤ 60 s p95, visible
≤ 2 min p95, nothing lost.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
from common import machine, peak_rss_mb

from ioc_pipelines.core import servers
from ioc_pipelines.resources.lakes import connect
from ioc_pipelines.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
IOC = Path(sys.executable).with_name("ioc")
BATCH = re.compile(r"batch (\d+): (\d+) message\(s\), (\d+) new reading\(s\).*; ([\d.]+) s$")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on 127.0.0.1:{port}")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _entity(sensor: str, value: float, at: datetime) -> bytes:
    return json.dumps({
        "id": f"urn:ngsi-ld:AirQualityObserved:{sensor}", "type": "AirQualityObserved",
        "pm25": {"type": "Property", "value": value, "unitCode": "GQ",
                 "observedAt": at.strftime("%Y-%m-%dT%H:%M:%SZ")}}).encode()


class Hooks(ThreadingHTTPServer):
    """The webhook receiver: when each sensor's alert arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if body.get("rule") == "sensor_exceedance":
                    server.arrived.setdefault(body["object"].split("/", 1)[1],
                                              time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sensors", type=int, default=1000)
    parser.add_argument("--cadence", type=float, default=300.0)
    parser.add_argument("--steady", type=float, default=300.0)
    parser.add_argument("--burst", type=float, default=60.0)
    parser.add_argument("--factor", type=float, default=100.0)
    parser.add_argument("--after", type=float, default=120.0)
    parser.add_argument("--exceedances", type=int, default=10)
    parser.add_argument("--home", type=Path, default=None)
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="bench-live-")) / "ioc"
    port = _free_port()
    hooks = Hooks()
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    base = {k: v for k, v in os.environ.items() if not k.startswith("IOC_")}
    env = {**base, "IOC_HOME": str(home), "IOC_ENV_FILE": str(home / "none.env"),
           "IOC_ALERT_WEBHOOKS": f"http://127.0.0.1:{hooks.server_port}/hook"}
    settings = load_settings({k: v for k, v in env.items() if k.startswith("IOC_")})
    env["IOC_MQTT_URL"] = servers.mqtt_url(settings, port)
    sensor_user, sensor_password = "sensor", servers.mqtt_broker_users(settings)["sensor"]
    print(machine())
    print(f"{args.sensors} sensors every {args.cadence:g} s; {args.steady:g} s steady, "
          f"{args.burst:g} s at ×{args.factor:g}, {args.after:g} s after; "
          f"{args.exceedances} exceedances; home {home}", flush=True)

    broker = subprocess.Popen(servers.mqtt_broker_command(settings, port), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_port(port)
    live = subprocess.Popen([str(IOC), "live"], env=env, cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    batches: list[tuple[float, int, int, float]] = []  # (when, messages, new readings, s)
    subscribed = threading.Event()

    def read_log() -> None:
        for line in live.stdout:
            if "MQTT: subscribed" in line:
                subscribed.set()
            if found := BATCH.search(line.strip()):
                batches.append((time.monotonic(), int(found.group(2)), int(found.group(3)),
                                float(found.group(4))))

    threading.Thread(target=read_log, daemon=True).start()
    if not subscribed.wait(120):
        raise SystemExit("ioc live never subscribed")

    tree_peak = [0.0]
    stop_sampling = threading.Event()

    def sample_memory() -> None:
        root = psutil.Process(live.pid)
        while not stop_sampling.wait(0.5):
            try:
                total = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            except psutil.Error:
                continue
            tree_peak[0] = max(tree_peak[0], total / 2**20)

    threading.Thread(target=sample_memory, daemon=True).start()

    import paho.mqtt.client as mqtt

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-sensors")
    client.username_pw_set(sensor_user, sensor_password)
    client.max_inflight_messages_set(200)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()

    sent: dict[tuple[str, int], float] = {}  # (sensor, observed second) -> publish time
    # reading -> visible in the published live mart: polled every 2 s while sensors publish
    visible: dict[tuple[str, int], float] = {}
    watching = threading.Event()

    def watch_visible() -> None:
        while not watching.wait(2):
            try:
                with connect(settings, work=False, live=True, live_read_only=True) as con:
                    rows = con.execute("SELECT sensor_id, epoch(observed_at)::BIGINT "
                                       "FROM live.marts.live_readings").fetchall()
            except Exception:  # noqa: BLE001 - the mart does not exist before the first batch
                rows = []
            seen_at = time.monotonic()
            for sensor, second in rows:
                key = (sensor.rsplit(":", 1)[-1], int(second))
                if key in sent and key not in visible:
                    visible[key] = seen_at

    threading.Thread(target=watch_visible, daemon=True).start()
    exceed_sent: dict[str, float] = {}  # sensor -> when its exceeding reading was published
    total = args.steady + args.burst + args.after
    step = max(1, args.sensors // max(1, args.exceedances))
    plan = [f"BENCH-{i:04d}" for i in range(0, args.sensors, step)][:args.exceedances]
    # spread over the run, none in its first minute
    exceed_at = {sensor: 60 + (total - 120) * i / max(1, len(plan) - 1)
                 for i, sensor in enumerate(plan)}
    # a heap of (when due, sensor index): each sensor spread over the first period
    due = [(args.cadence * i / args.sensors, i) for i in range(args.sensors)]
    heapq.heapify(due)
    infos = []
    started = time.monotonic()
    published = 0
    phase = "steady"
    while (elapsed := time.monotonic() - started) < total:
        now_phase = ("burst" if args.steady <= elapsed < args.steady + args.burst
                     else "steady")
        period = args.cadence / (args.factor if now_phase == "burst" else 1)
        if now_phase != phase:  # every sensor changes pace at once, spread over a period
            phase = now_phase
            due = [(elapsed + period * i / args.sensors, i) for i in range(args.sensors)]
            heapq.heapify(due)
        while due and due[0][0] <= elapsed:
            _, index = heapq.heappop(due)
            sensor = f"BENCH-{index:04d}"
            now = datetime.now(UTC).replace(microsecond=0)
            key = (sensor, int(now.timestamp()))
            heapq.heappush(due, (elapsed + period, index))
            if key in sent:  # one reading per sensor and second (the natural key)
                continue
            value = 15.0 + index % 20
            if sensor in exceed_at and sensor not in exceed_sent \
                    and elapsed >= exceed_at[sensor]:
                value = 999.0  # the 24-hour mean stays above 50 whatever came before
                exceed_sent[sensor] = time.monotonic()
            infos.append(client.publish(f"ioc/iot/SNNMT/{sensor}", _entity(sensor, value, now),
                                        qos=1))
            sent[key] = time.monotonic()
            published += 1
        time.sleep(0.05)
    for info in infos:
        info.wait_for_publish(timeout=120)
    publish_seconds = time.monotonic() - started
    print(f"published {published:,} readings in {publish_seconds:.0f} s "
          f"({published / publish_seconds:.1f}/s on average)", flush=True)

    # the rest must become visible too (the watcher has been polling since the start)
    deadline = time.monotonic() + 600
    while len(visible) < len(sent) and time.monotonic() < deadline:
        time.sleep(2)
    watching.set()
    time.sleep(3 * settings.live.batch_interval)  # the last alerts' delivery
    stop_sampling.set()
    service_peak = peak_rss_mb(live.pid)
    live.terminate()
    live.wait(60)
    client.loop_stop()  # before DISCONNECT: amqtt drops what a disconnecting publisher queued
    client.disconnect()
    broker.terminate()
    try:
        broker.wait(30)
    except subprocess.TimeoutExpired:
        broker.kill()

    with connect(settings, work=False, live=True, live_read_only=True) as con:
        rows, distinct = con.execute(
            "SELECT count(*), count(DISTINCT (sensor_id, quantity, observed_at)) "
            "FROM live.raw.iot__readings").fetchone()
    # the poll sees a reading some time after it was published: a lower bound of its
    # delay is fine for p50/p95 at a 2 s poll
    delays = [visible[k] - sent[k] for k in visible]
    alert_delays = [hooks.arrived[s] - t for s, t in exceed_sent.items() if s in hooks.arrived]
    written = [b for b in batches if b[2]]
    durations = [b[3] for b in batches]
    busiest = max((b[2] for b in batches), default=0)
    print()
    print("| figure | value |")
    print("|---|---|")
    print(f"| readings published | {published:,} (steady {args.sensors / args.cadence:.1f}/s, "
          f"burst {args.sensors * args.factor / args.cadence:.0f}/s) |")
    print(f"| readings in the live lake | {distinct:,} distinct, {rows - distinct} duplicated, "
          f"{published - distinct} lost |")
    print(f"| batches | {len(batches)} ({len(written)} with new readings); largest "
          f"{busiest:,} readings; duration p50 {_pct(durations, .5):.1f} s, p95 "
          f"{_pct(durations, .95):.1f} s, max {max(durations, default=float('nan')):.1f} s |")
    if written:
        span = written[-1][0] - written[0][0] + written[0][3]
        print(f"| readings written per second (first to last batch) | "
              f"{sum(b[2] for b in written) / max(span, 1):,.1f} |")
    print(f"| reading → visible in the live mart | p50 {_pct(delays, .5):.1f} s, p95 "
          f"{_pct(delays, .95):.1f} s, max {max(delays, default=float('nan')):.1f} s "
          f"({len(visible):,} of {len(sent):,} seen) |")
    print(f"| reading → alert received (webhook) | p50 {_pct(alert_delays, .5):.1f} s, p95 "
          f"{_pct(alert_delays, .95):.1f} s ({len(alert_delays)} of {len(exceed_sent)}) |")
    print(f"| peak RSS | `ioc live` {service_peak:,.0f} MB; its process tree "
          f"{tree_peak[0]:,.0f} MB |")


if __name__ == "__main__":
    main()
