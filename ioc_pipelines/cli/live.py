"""``ioc live`` (the live IoT service), ``ioc live broker`` (a local MQTT broker for
development), ``ioc live status``, and ``ioc alerts`` (list, send, watch, rules, acknowledge)."""

from __future__ import annotations

import json
import signal
import threading

from ioc_pipelines.cli.output import OK, say
from ioc_pipelines.settings import Settings


def register(sub) -> None:
    p = sub.add_parser("live", help="the live IoT service: MQTT / NGSI-LD / SensorThings "
                       "readings micro-batched into the live lake, live marts, alerts")
    verbs = p.add_subparsers(dest="live_command", metavar="VERB")
    p.set_defaults(func=cmd_live)
    b = verbs.add_parser("broker", help="run a local MQTT broker (amqtt) on 127.0.0.1")
    b.add_argument("--port", type=int, default=1883)
    b.set_defaults(func=cmd_broker)
    s = verbs.add_parser("status", help="the spool and the live marts now")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)
    o = verbs.add_parser("once", help="write one micro-batch, rebuild, alert, send, and stop")
    o.set_defaults(func=cmd_once)
    m = verbs.add_parser("maintain", help="expire the live lake's old snapshots and merge its "
                         "small files (ioc live does it hourly)")
    m.add_argument("--keep", default="1 hour",
                   help="keep the snapshots of this last period (e.g. '1 hour', '2 days')")
    m.set_defaults(func=cmd_maintain)
    a = sub.add_parser("alerts", help="the alert outbox: list, send what is due, acknowledge")
    verbs = a.add_subparsers(dest="alerts_command", required=True, metavar="VERB")
    x = verbs.add_parser("list", help="the newest alerts and how each was delivered")
    x.add_argument("--json", action="store_true")
    x.set_defaults(func=cmd_alerts_list)
    verbs.add_parser("send", help="send what is due now").set_defaults(func=cmd_alerts_send)
    x = verbs.add_parser("watch", help="look once for deliveries due / late / missing, stale "
                         "sources and candidates waiting; raise what is new, then send")
    x.add_argument("--rule", action="append", default=None, metavar="RULE",
                   help="only this rule (repeatable): delivery_due, delivery_late, "
                   "delivery_missing, source_stale, candidate_waiting")
    x.set_defaults(func=cmd_alerts_watch)
    x = verbs.add_parser("rules", help="every rule with its severity, thresholds, recipients")
    x.set_defaults(func=cmd_alerts_rules)
    x = verbs.add_parser("ack", help="acknowledge an alert")
    x.add_argument("alert_id", type=int)
    x.add_argument("--by", default=None, help="who acknowledges (default: the OS user)")
    x.set_defaults(func=cmd_alerts_ack)


def cmd_live(settings: Settings, args) -> int:
    from ioc_pipelines.core import live_service

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    say(f"ioc live: a micro-batch every {settings.live.batch_interval} s"
        + (f"; MQTT {', '.join(settings.live.mqtt_topics)}" if settings.live.mqtt_url
           else "; no MQTT (IOC_MQTT_URL unset)") + "; Ctrl-C stops it")
    live_service.serve(settings, stop=stop, log=say)
    say("ioc live stopped")
    return OK


def cmd_broker(settings: Settings, args) -> int:
    from ioc_pipelines.core import servers

    say(f"MQTT broker on 127.0.0.1:{args.port} (IOC_MQTT_URL=mqtt://127.0.0.1:{args.port}); "
        "Ctrl-C stops it")
    return servers.mqtt_broker(settings, port=args.port)


def cmd_once(settings: Settings, args) -> int:
    from ioc_pipelines.core import live_service

    result, sent = live_service.once(settings, log=say)
    say(f"batch {result.batch}: {result.messages} message(s), {result.readings_new} new "
        f"reading(s), {result.rejected} rejected; "
        + ("published" if result.published else "gate failed: " + "; ".join(
            result.gate_failures[:3])) + f"; alerts raised {result.alerts_raised}, sent "
        f"{sent.sent}, failed {sent.failed}")
    return OK if result.published else 1


def cmd_maintain(settings: Settings, args) -> int:
    from ioc_pipelines.core import live_service

    kept = live_service.maintain(settings, keep=args.keep)
    say(f"snapshots {kept.snapshots_before} → {kept.snapshots_after}, data files "
        f"{kept.files_before} → {kept.files_after}")
    return OK


def cmd_status(settings: Settings, args) -> int:
    from ioc_pipelines.core import live

    status = live.status(settings)
    if args.json:
        print(json.dumps(status, ensure_ascii=False, default=str, indent=2))
        return OK
    say(f"spool: {status['spool']}")
    for row in status["sensors"]:
        say(f"  {row['sensor_id']:<24} {row['quantity']:<12} {row['status']:<12} "
            f"{row['last_value']} {row['unit'] or ''} at {row['last_observed_at']}")
    say(f"open episodes: {len(status['open_episodes'])}")
    say(f"read the live marts: {status['attach']}")
    return OK


def cmd_alerts_list(settings: Settings, args) -> int:
    from ioc_pipelines.core import alerts

    rows = alerts.recent(settings)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return OK
    for row in rows:
        sends = ", ".join(f"{s['channel']} {s['status']}" for s in row["sends"]) or "no one"
        say(f"#{row['alert_id']} {row['created_at'][:19]} {row['severity']:<8} "
            f"{row['subject']} — {sends}"
            + (f" (acknowledged by {row['acknowledged_by']})" if row["acknowledged_by"] else ""))
    return OK


def cmd_alerts_send(settings: Settings, args) -> int:
    from ioc_pipelines.core import alerts

    report = alerts.deliver(settings)
    say(f"sent {report.sent}, failed {report.failed}, still pending {report.pending}")
    return OK if not report.failed else 1


def cmd_alerts_watch(settings: Settings, args) -> int:
    from ioc_pipelines.core import alerts, ops_alerts

    report = ops_alerts.watch(settings, only=set(args.rule) if args.rule else None)
    found = ", ".join(f"{rule} {n}" for rule, n in sorted(report.checked.items())) or "nothing"
    say(f"found {found}; {report.raised} new alert(s) raised")
    sent = alerts.deliver(settings)
    say(f"sent {sent.sent}, failed {sent.failed}, still pending {sent.pending}")
    return OK if not sent.failed else 1


def cmd_alerts_rules(settings: Settings, args) -> int:
    import yaml

    from ioc_pipelines.core import alert_rules

    print(yaml.safe_dump({"rules": alert_rules.rules(settings)}, allow_unicode=True,
                         sort_keys=False), end="")
    return OK


def cmd_alerts_ack(settings: Settings, args) -> int:
    from ioc_pipelines.core import alerts
    from ioc_pipelines.core.actors import Actor

    actor = Actor.named(args.by) if args.by else Actor.os_user()
    alerts.acknowledge(settings, actor, args.alert_id)
    say(f"alert #{args.alert_id} acknowledged by {actor.name}")
    return OK
