"""Alerts: rules raise them into the outbox of the operational database; senders deliver
them at least once — e-mail over SMTP, HMAC-signed webhooks, the portal inbox — and a repeat
is never a second alert (each carries a dedup key: raising it again adds nothing, and the key
travels with every message so a receiver can drop a resend).

Which rule goes to whom, with what threshold, is ``alert_rules.yml`` beside this module,
overridden by ``$IOC_HOME/alert_rules.yml`` (or ``IOC_ALERT_RULES``). Messages are in
Vietnamese and carry figures, places and times — never personal data."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlparse

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ioc_pipelines.core import alert_rules, audit
from ioc_pipelines.core.accounts import Account
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import NotFound
from ioc_pipelines.core.notices import notify
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import (
    account_providers,
    accounts,
    alert_sends,
    alerts,
    notifications,
)
from ioc_pipelines.settings import Settings

SYSTEM = Actor("ioc-alerts", "alerts", "system")
MAX_BACKOFF = timedelta(minutes=15)
SIGNATURE_HEADER = "X-IOC-Signature"
KEY_HEADER = "X-IOC-Alert-Key"


@dataclass(frozen=True)
class Alert:
    rule: str
    dedup_key: str
    subject: str
    body: str
    object: str
    commune_code: str | None = None
    provider_code: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    pending: int


def _recipients(settings: Settings, con, rule: dict, alert: Alert) -> list[tuple[str, str, int]]:
    """(channel, recipient, account id or 0) of every delivery this alert gets."""
    wanted = rule.get("recipients") or {}
    chosen: dict[int, str | None] = {}
    roles = list(wanted.get("roles") or [])
    if roles:
        for row in con.execute(select(accounts.c.account_id, accounts.c.email)
                               .where(accounts.c.role.in_(roles),
                                      accounts.c.status == "active")):
            chosen[row.account_id] = row.email
    codes = [c for flag, c in (("providers", alert.provider_code),
                               ("communes", alert.commune_code)) if wanted.get(flag) and c]
    if codes:
        for row in con.execute(select(accounts.c.account_id, accounts.c.email)
                               .join(account_providers, account_providers.c.account_id
                                     == accounts.c.account_id)
                               .where(account_providers.c.provider_code.in_(codes),
                                      accounts.c.status == "active")):
            chosen[row.account_id] = row.email
    out = [("inbox", str(account_id), account_id) for account_id in sorted(chosen)]
    emails = {e.strip().lower() for e in chosen.values() if e}
    emails |= {str(e).strip().lower() for e in wanted.get("emails") or [] if str(e).strip()}
    out += [("email", e, 0) for e in sorted(emails)]
    if wanted.get("webhooks"):
        out += [("webhook", url, 0) for url in settings.live.webhooks]
    return out


def raise_alert(settings: Settings, alert: Alert) -> int | None:
    """Put ``alert`` in the outbox with one send per recipient, inbox notices included, in
    one transaction; None when its dedup key was raised before (nothing is added)."""
    rule = alert_rules.rules(settings).get(alert.rule)
    if rule is None:
        raise alert_rules.AlertRuleError(f"no alert rule named {alert.rule}")
    now = datetime.now(UTC)
    try:
        with engine(settings).begin() as con:
            alert_id = con.execute(insert(alerts).values(
                dedup_key=alert.dedup_key[:300], rule=alert.rule, severity=rule["severity"],
                subject=alert.subject[:300], body=alert.body, object=alert.object[:300],
                commune_code=alert.commune_code, provider_code=alert.provider_code,
                link=alert.link, created_at=now)).inserted_primary_key[0]
            for channel, recipient, account_id in _recipients(settings, con, rule, alert):
                sent = channel == "inbox"
                if sent:  # the notice is written in this same transaction: exactly once
                    notify(settings, account_id, f"alert.{alert.rule}", alert.subject,
                           alert.body, alert_id=alert_id, connection=con)
                con.execute(insert(alert_sends).values(
                    alert_id=alert_id, channel=channel, recipient=recipient,
                    status="sent" if sent else "pending", attempts=1 if sent else 0,
                    next_attempt_at=now, sent_at=now if sent else None))
            audit.record(settings, SYSTEM, "alert.raise", alert.object,
                         detail={"rule": alert.rule, "key": alert.dedup_key,
                                 "alert_id": alert_id}, connection=con)
    except IntegrityError:
        return None  # raised before: the dedup key is unique
    return alert_id


def raise_new(settings: Settings, found: list[Alert]) -> int:
    """Raise those of ``found`` whose dedup key is not in the outbox yet; how many were. The
    keys are looked up in one query first: a watch that sees the same open fact every minute
    costs a read, not a refused insert per fact."""
    keys = [a.dedup_key[:300] for a in found]
    known: set[str] = set()
    with engine(settings).connect() as con:
        for start in range(0, len(keys), 500):
            known |= set(con.execute(select(alerts.c.dedup_key).where(
                alerts.c.dedup_key.in_(keys[start:start + 500]))).scalars())
    raised = 0
    for alert in found:
        if alert.dedup_key[:300] not in known:
            known.add(alert.dedup_key[:300])
            raised += raise_alert(settings, alert) is not None
    return raised


def _payload(row) -> dict:
    return {"alert_id": row.alert_id, "key": row.dedup_key, "rule": row.rule,
            "severity": row.severity, "subject": row.subject, "body": row.body,
            "object": row.object, "commune_code": row.commune_code,
            "provider_code": row.provider_code, "link": row.link,
            "created_at": row.created_at.isoformat()}


def signature(secret: str, body: bytes) -> str:
    """The value of the ``X-IOC-Signature`` header: ``sha256=`` + HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _send_webhook(settings: Settings, url: str, row) -> None:
    import httpx

    body = json.dumps(_payload(row), ensure_ascii=False, sort_keys=True).encode()
    response = httpx.post(url, content=body, timeout=10, follow_redirects=False, headers={
        "Content-Type": "application/json; charset=utf-8", KEY_HEADER: row.dedup_key,
        SIGNATURE_HEADER: signature(settings.live.webhook_secret, body)})
    if response.status_code >= 300:
        raise OSError(f"HTTP {response.status_code}")


def _send_email(settings: Settings, address: str, row) -> None:
    url = urlparse(settings.live.smtp_url or "")
    if not url.hostname:
        raise OSError("IOC_SMTP_URL is not set: no e-mail can be sent")
    message = EmailMessage()
    message["From"] = settings.live.mail_from
    message["To"] = address
    message["Subject"] = row.subject
    # the same Message-ID for every resend of this alert to this address: mail systems drop
    # the duplicate
    digest = hashlib.sha256(f"{row.dedup_key}|{address}".encode()).hexdigest()[:32]
    message["Message-ID"] = make_msgid(idstring=digest, domain="ioc.alerts")
    message[KEY_HEADER] = row.dedup_key
    message.set_content(row.body + (f"\n\nXem: {row.link}" if row.link else ""))
    port = url.port or (465 if url.scheme == "smtps" else 25)
    client = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    with client(url.hostname, port, timeout=15) as smtp:
        if parse_qs(url.query).get("starttls", ["false"])[0].lower() == "true":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def deliver(settings: Settings, *, limit: int = 200) -> SendReport:
    """Send what is due in the outbox; a failure is retried later with a growing delay."""
    now = datetime.now(UTC)
    query = (select(alert_sends.c.send_id, alert_sends.c.channel, alert_sends.c.recipient,
                    alert_sends.c.attempts, alerts)
             .join(alerts, alerts.c.alert_id == alert_sends.c.alert_id)
             .where(alert_sends.c.status == "pending", alert_sends.c.next_attempt_at <= now)
             .order_by(alert_sends.c.send_id).limit(limit))
    with engine(settings).connect() as con:
        due = con.execute(query).all()
    sent = failed = 0
    for row in due:
        try:
            (_send_email if row.channel == "email" else _send_webhook)(
                settings, row.recipient, row)
        except Exception as exc:  # noqa: BLE001 - any failure is retried, and said
            failed += 1
            delay = min(timedelta(seconds=5 * 2 ** min(row.attempts, 10)), MAX_BACKOFF)
            values = {"attempts": row.attempts + 1, "last_error": str(exc)[:1000],
                      "next_attempt_at": datetime.now(UTC) + delay}
        else:
            sent += 1
            values = {"attempts": row.attempts + 1, "status": "sent", "last_error": None,
                      "sent_at": datetime.now(UTC)}
        with engine(settings).begin() as con:
            con.execute(update(alert_sends).where(alert_sends.c.send_id == row.send_id)
                        .values(**values))
    with engine(settings).connect() as con:
        pending = con.execute(select(func.count()).select_from(alert_sends)
                              .where(alert_sends.c.status == "pending")).scalar_one()
    return SendReport(sent, failed, pending)


def acknowledge(settings: Settings, actor: Actor, alert_id: int, *,
                account: Account | None = None) -> None:
    """Someone on duty acknowledges an alert (once; audited). Through the portal
    (``account``), only an alert that reached that account's inbox."""
    with audit.audited(settings, actor, "alert.acknowledge", f"alert/{int(alert_id)}"):
        with engine(settings).begin() as con:
            if account is not None and con.execute(select(notifications.c.notification_id)
                                                   .where(notifications.c.alert_id
                                                          == int(alert_id),
                                                          notifications.c.account_id
                                                          == account.account_id)).first() is None:
                raise NotFound(f"không có cảnh báo số {int(alert_id)} trong hộp thư của bạn")
            done = con.execute(update(alerts).where(and_(
                alerts.c.alert_id == int(alert_id), alerts.c.acknowledged_at.is_(None)))
                .values(acknowledged_at=datetime.now(UTC), acknowledged_by=actor.name))
            if done.rowcount == 0 and con.execute(select(alerts.c.alert_id).where(
                    alerts.c.alert_id == int(alert_id))).first() is None:
                raise NotFound(f"không có cảnh báo số {int(alert_id)}")


def recent(settings: Settings, *, limit: int = 100,
           rules: tuple[str, ...] | None = None) -> list[dict]:
    """The newest alerts (of ``rules``) with how each was delivered."""
    query = select(alerts).order_by(alerts.c.alert_id.desc()).limit(limit)
    if rules is not None:
        query = query.where(alerts.c.rule.in_(rules))
    with engine(settings).connect() as con:
        rows = con.execute(query).all()
        sends = con.execute(select(alert_sends).where(
            alert_sends.c.alert_id.in_([r.alert_id for r in rows]))).all()
    by_alert: dict[int, list] = {}
    for s in sends:
        by_alert.setdefault(s.alert_id, []).append(
            {"channel": s.channel, "status": s.status, "attempts": s.attempts,
             "error": s.last_error})
    return [{**_payload(r), "acknowledged_by": r.acknowledged_by,
             "sends": by_alert.get(r.alert_id, [])} for r in rows]
