"""``ioc live``: the long-running live service. Receivers put every message in the spool
before acknowledging it (MQTT QoS 1 with manual acknowledgement, a persistent session so the
broker redelivers what was not acknowledged); the loop writes a micro-batch every
``IOC_LIVE_BATCH_SECONDS`` (≤ 60), rebuilds and publishes the live marts, raises the alerts
and sends the outbox. One service per home (a lock); a killed service loses nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from ioc_pipelines.core import (
    alerts,
    live,
    live_deliver,
    live_maintain,
    live_poll,
    live_spool,
    ops_alerts,
)
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import Busy, CoreError
from ioc_pipelines.core.lock import file_lock
from ioc_pipelines.settings import Settings

Log = Callable[[str], None]
REBUILD_SECONDS = 300  # statuses (silent) move with the clock: rebuild at least this often
WATCH_SECONDS = 300  # the operational alerts (deliveries, stale sources, waiting candidates)
MAINTAIN_SECONDS = 3600  # expire the live lake's old snapshots, merge its small files


class LiveBusy(CoreError):
    pass


def provider_of_topic(topic: str) -> str:
    """``ioc/iot/<PROVIDER>/…`` → the provider code (empty when the topic has none)."""
    levels = topic.split("/")
    return levels[2] if len(levels) > 2 else ""


@contextmanager
def service_lock(settings: Settings) -> Iterator[None]:
    """One ``ioc live`` per home (the lock is released by the kernel when it dies)."""
    path = settings.home / "live" / "live.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        try:
            held.enter_context(file_lock(path, Actor.os_user(), "ioc live", wait=False))
        except Busy as exc:
            raise LiveBusy(f"`ioc live` is already running for {settings.home} "
                           f"(pid {exc.holder.get('pid', '?')}, since "
                           f"{exc.holder.get('since', '?')})") from None
        yield


def start_mqtt(settings: Settings, log: Log):
    """Subscribe to the configured topics (QoS 1); each message is spooled, then acked."""
    import paho.mqtt.client as mqtt

    url = urlparse(settings.live.mqtt_url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                         client_id=f"ioc-live-{settings.province_code}",
                         clean_session=False, manual_ack=True)
    if url.username:
        client.username_pw_set(unquote(url.username), unquote(url.password or ""))
    if url.scheme == "mqtts":
        client.tls_set()

    def on_connect(client, _userdata, _flags, reason, _properties):
        if reason.is_failure:
            log(f"MQTT: the broker refused the connection ({reason})")
            return
        client.subscribe([(topic, 1) for topic in settings.live.mqtt_topics])

    def on_subscribe(_client, _userdata, _mid, reasons, _properties):
        refused = [str(r) for r in reasons if r.is_failure]
        if refused:
            log(f"MQTT: the broker refused the subscription ({', '.join(refused)})")
        else:
            log(f"MQTT: subscribed to {', '.join(settings.live.mqtt_topics)} on "
                f"{url.hostname}:{url.port or 1883} (QoS 1)")

    def on_message(client, _userdata, message):
        live_spool.put(settings, "mqtt", message.topic, provider_of_topic(message.topic),
                       message.payload)
        client.ack(message.mid, message.qos)  # only now: the spool holds it

    client.on_connect = on_connect
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.reconnect_delay_set(1, 30)
    client.connect_async(url.hostname, url.port or (8883 if url.scheme == "mqtts" else 1883))
    client.loop_start()
    return client


def start_polling(settings: Settings, log: Log, stop: threading.Event
                  ) -> threading.Thread | None:
    """The SensorThings poller in its own thread (a slow server never delays a batch)."""
    import time

    if not settings.live.sta_queries:
        return None

    def loop() -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                report = live_poll.poll_once(settings, log=log)
                if report.pages or report.refused:
                    log(f"SensorThings: {report.pages} page(s), {report.readings} reading(s), "
                        f"{report.refused} refused")
            except Exception as exc:  # noqa: BLE001 - the poller keeps going, says why
                log(f"SensorThings poll failed: {type(exc).__name__}: {exc}")
            stop.wait(max(1.0, settings.live.sta_poll_interval - (time.monotonic() - started)))

    thread = threading.Thread(target=loop, name="ioc-live-sensorthings", daemon=True)
    thread.start()
    log(f"SensorThings: polling {len(settings.live.sta_queries)} quer(y/ies) every "
        f"{settings.live.sta_poll_interval} s")
    return thread


@dataclass
class _Chores:
    maintained: float = 0.0
    watched: float = 0.0
    delivered: int = -1  # the quarter hour last delivered to the warehouse


def _chores(settings: Settings, chores: _Chores, started: float, log: Log) -> None:
    """What the service does beside its batches, each when it is due and on its own: one
    that fails is said and tried again at its next time; the others and the sending go on."""
    import time

    def attempt(name: str, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - the service keeps running, says why
            log(f"{name} failed: {type(exc).__name__}: {exc}")

    def maintain() -> None:
        kept = live_maintain.maintain(settings)
        log(f"maintenance: snapshots {kept.snapshots_before} → {kept.snapshots_after}, "
            f"files {kept.files_before} → {kept.files_after}")

    def deliver() -> None:
        handed = live_deliver.deliver_to_warehouse(settings)
        if handed.busy:
            chores.delivered = -1  # a run holds the home: the next loop tries again
        if handed.files:
            log("delivered to the warehouse: " + ", ".join(
                f"{p} {n} reading(s)" for p, n in handed.files.items()))

    def watch() -> None:
        watched = ops_alerts.watch(settings)
        if watched.raised:
            log(f"watch: {watched.raised} new alert(s) ({watched.checked})")

    if started - chores.maintained >= MAINTAIN_SECONDS:
        chores.maintained = started
        attempt("maintenance", maintain)
    quarter = int(time.time() // (60 * live_deliver.EVERY_MINUTES))
    if quarter != chores.delivered:
        chores.delivered = quarter
        attempt("delivery to the warehouse", deliver)
    if started - chores.watched >= WATCH_SECONDS:
        chores.watched = started
        attempt("watch", watch)


def serve(settings: Settings, *, stop: threading.Event, log: Log,
          on_batch: Callable[[live.BatchResult], None] | None = None) -> None:
    """Run until ``stop`` is set: receivers, then a micro-batch every batch interval."""
    import time

    with service_lock(settings):
        live.ensure_live_lake(settings)
        client = start_mqtt(settings, log) if settings.live.mqtt_url else None
        poller = start_polling(settings, log, stop)
        last_build = 0.0
        chores = _Chores(maintained=time.monotonic())  # the first maintenance after an hour
        try:
            while not stop.is_set():
                started = time.monotonic()
                rebuild = started - last_build >= REBUILD_SECONDS
                try:
                    result = live.run_batch(settings, build=True if rebuild else None)
                    if result.built:
                        last_build = started
                    _chores(settings, chores, started, log)
                    sent = alerts.deliver(settings)
                except Exception as exc:  # noqa: BLE001 - the service keeps running, says why
                    log(f"batch failed: {type(exc).__name__}: {exc}")
                else:
                    if result.messages or result.built or sent.sent or sent.failed:
                        log(f"batch {result.batch}: {result.messages} message(s), "
                            f"{result.readings_new} new reading(s), {result.readings_repeated} "
                            f"repeat(s), {result.rejected} rejected; "
                            + ("published" if result.published else
                               "gate failed: " + "; ".join(result.gate_failures[:3])
                               if result.built else "no rebuild")
                            + f"; alerts raised {result.alerts_raised}, sent {sent.sent}, "
                              f"failed {sent.failed}, pending {sent.pending}; "
                              f"{result.seconds.get('total', 0):.1f} s")
                    if on_batch is not None:
                        on_batch(result)
                stop.wait(max(0.0, settings.live.batch_interval - (time.monotonic() - started)))
        finally:
            if client is not None:
                client.disconnect()  # the DISCONNECT goes out while the loop still runs
                client.loop_stop()
            if poller is not None:
                poller.join(timeout=60)


def once(settings: Settings, *, log: Log) -> tuple[live.BatchResult, alerts.SendReport]:
    """``ioc live once``: poll the SensorThings queries, write one batch (rebuilt), send."""
    with service_lock(settings):
        if settings.live.sta_queries:
            report = live_poll.poll_once(settings, log=log)
            log(f"SensorThings: {report.pages} page(s), {report.readings} reading(s), "
                f"{report.refused} refused")
        result = live.run_batch(settings, build=True)
        handed = live_deliver.deliver_to_warehouse(settings)
        if handed.files or handed.busy:
            log("delivered to the warehouse: " + (", ".join(
                f"{p} {n} reading(s)" for p, n in handed.files.items()) or "nothing")
                + (" (the home is busy: the rest next time)" if handed.busy else ""))
        return result, alerts.deliver(settings)


def maintain(settings: Settings, *, keep: str) -> live_maintain.Maintained:
    """``ioc live maintain``: the live lake's maintenance while the service is not running
    (it does it hourly itself)."""
    with service_lock(settings):
        return live_maintain.maintain(settings, keep=keep)
