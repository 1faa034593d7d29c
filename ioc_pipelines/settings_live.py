"""The live path's and the alerts' settings: the live lake's catalog, the micro-batch
interval, the MQTT broker and topics, and where alerts go
(SMTP, webhooks). Read by :func:`ioc_pipelines.settings.load_settings` with the rest; no
other module reads the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from ioc_pipelines.setting_values import SettingsError, whole

KNOWN_LIVE = {
    "IOC_LIVE_CATALOG": "the live lake's catalog: 'sqlite' (default: $IOC_HOME/catalog/"
                        "live.sqlite) or a PostgreSQL URL",
    "IOC_LIVE_BATCH_SECONDS": "how often `ioc live` writes a micro-batch (1–60 s; default 15)",
    "IOC_MQTT_URL": "the MQTT broker `ioc live` subscribes to, mqtt://[user:password@]host:port "
                    "(unset: no MQTT)",
    "IOC_MQTT_TOPICS": "comma-separated topic filters (default ioc/iot/#)",
    "IOC_SMTP_URL": "where alert e-mails go: smtp://[user:password@]host:port "
                    "(?starttls=true), or smtps://… (unset: no e-mail)",
    "IOC_ALERT_FROM": "the From address of alert e-mails (default ioc@localhost)",
    "IOC_ALERT_WEBHOOKS": "comma-separated URLs every alert is POSTed to (HMAC-SHA256 signed)",
    "IOC_ALERT_WEBHOOK_SECRET": "the key that signs webhook posts (default: a random key "
                                "under $IOC_HOME/secrets)",
    "IOC_ALERT_RULES": "a YAML file overriding the alert rules' thresholds and recipients "
                       "(default: $IOC_HOME/alert_rules.yml when it exists)",
    "IOC_STA_URLS": "SensorThings API queries `ioc live` polls, PROVIDER=URL separated by "
                    "spaces (OData uses commas; write a space in a URL as %20); it follows "
                    "@iot.nextLink, and `{since}` in a URL becomes the newest observation "
                    "time read from it",
    "IOC_STA_POLL_SECONDS": "how often the SensorThings queries are polled (10–3600 s; "
                            "default 60)",
    "IOC_PORTAL_URL": "the portal's address as people reach it, for links in alerts "
                      "(default http://<IOC_PORTAL_HOST>:<IOC_PORTAL_PORT>)",
}


@dataclass(frozen=True)
class LiveSettings:
    batch_interval: int = 15
    mqtt_url: str | None = field(default=None, repr=False)
    mqtt_topics: tuple[str, ...] = ("ioc/iot/#",)
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "ioc@localhost"
    webhooks: tuple[str, ...] = ()
    webhook_secret: str = field(default="", repr=False)
    rules_file: str | None = None
    portal_url: str = "http://127.0.0.1:8088"
    sta_queries: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (provider, URL)
    sta_poll_interval: int = 60


def _url(env: dict[str, str], name: str, schemes: set[str]) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    u = urlparse(raw)
    if u.scheme not in schemes or not u.hostname:
        raise SettingsError(f"{name}={u.scheme}://{u.hostname or ''}… must be a "
                            f"{' or '.join(sorted(s + '://' for s in schemes))} URL with a host")
    try:
        u.port  # noqa: B018 - a malformed port raises here
    except ValueError as exc:
        raise SettingsError(f"{name}: {exc}") from None
    return raw


def _urls(env: dict[str, str], name: str) -> tuple[str, ...]:
    values = []
    for raw in (env.get(name) or "").split(","):
        if raw.strip():
            values.append(_url({name: raw.strip()}, name, {"http", "https"}))
    return tuple(values)


def _topics(env: dict[str, str]) -> tuple[str, ...]:
    topics = tuple(t.strip() for t in (env.get("IOC_MQTT_TOPICS") or "").split(",") if t.strip())
    for topic in topics:
        if "\x00" in topic or ("#" in topic and not topic.endswith("#")):
            raise SettingsError(f"IOC_MQTT_TOPICS: {topic!r} is not an MQTT topic filter")
    return topics


def _sta(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    queries = []
    for item in (env.get("IOC_STA_URLS") or "").split():
        if not item.strip():
            continue
        provider, sep, url = item.strip().partition("=")
        if not sep or not provider.strip():
            raise SettingsError(f"IOC_STA_URLS: {item.strip()[:80]!r} is not PROVIDER=URL")
        queries.append((provider.strip().upper(),
                        _url({"IOC_STA_URLS": url.strip()}, "IOC_STA_URLS", {"http", "https"})))
    return tuple(queries)


def live_settings(env: dict[str, str], *, webhook_secret: str, portal: str) -> LiveSettings:
    batch = whole(env, "IOC_LIVE_BATCH_SECONDS", 15, "of seconds")
    if not 1 <= batch <= 60:
        raise SettingsError(f"IOC_LIVE_BATCH_SECONDS={batch}: a batch is written at least "
                            "every 60 s (1–60)")
    poll = whole(env, "IOC_STA_POLL_SECONDS", 60, "of seconds")
    if not 10 <= poll <= 3600:
        raise SettingsError(f"IOC_STA_POLL_SECONDS={poll}: between 10 and 3600")
    return LiveSettings(
        batch_interval=batch,
        mqtt_url=_url(env, "IOC_MQTT_URL", {"mqtt", "mqtts"}),
        mqtt_topics=_topics(env) or ("ioc/iot/#",),
        smtp_url=_url(env, "IOC_SMTP_URL", {"smtp", "smtps"}),
        mail_from=(env.get("IOC_ALERT_FROM") or "ioc@localhost").strip(),
        webhooks=_urls(env, "IOC_ALERT_WEBHOOKS"),
        webhook_secret=webhook_secret,
        rules_file=(env.get("IOC_ALERT_RULES") or "").strip() or None,
        portal_url=((env.get("IOC_PORTAL_URL") or "").strip() or portal).rstrip("/"),
        sta_queries=_sta(env),
        sta_poll_interval=poll,
    )
