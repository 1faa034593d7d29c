"""Each account's portal inbox: notices of a decision on a share request, and alerts (with
their acknowledge button). Written by ``grants`` and ``alerts``; read by the inbox page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from ioc_pipelines.core.accounts import Account
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import alerts, notifications
from ioc_pipelines.settings import Settings


@dataclass(frozen=True)
class Notice:
    notification_id: int
    created_at: datetime
    kind: str
    subject: str
    body: str
    read: bool
    alert_id: int | None = None
    acknowledged_by: str | None = None
    link: str | None = None


def notify(settings: Settings, account_id: int, kind: str, subject: str, body: str, *,
           alert_id: int | None = None, connection=None) -> None:
    """Put a notice in an account's portal inbox (in ``connection``'s transaction if given)."""
    values = {"account_id": account_id, "created_at": datetime.now(UTC), "kind": kind[:32],
              "subject": subject[:300], "body": body, "alert_id": alert_id}
    if connection is not None:
        connection.execute(insert(notifications).values(**values))
        return
    with engine(settings).begin() as con:
        con.execute(insert(notifications).values(**values))


def inbox(settings: Settings, account: Account) -> list[Notice]:
    """An account's notices, newest first, each alert with who acknowledged it."""
    query = (select(notifications, alerts.c.acknowledged_by, alerts.c.link)
             .outerjoin(alerts, alerts.c.alert_id == notifications.c.alert_id)
             .where(notifications.c.account_id == account.account_id)
             .order_by(notifications.c.notification_id.desc()))
    with engine(settings).connect() as con:
        rows = con.execute(query).all()
    return [Notice(r.notification_id, r.created_at, r.kind, r.subject, r.body,
                   r.read_at is not None, r.alert_id, r.acknowledged_by, r.link) for r in rows]


def mark_read(settings: Settings, account: Account) -> None:
    with engine(settings).begin() as con:
        con.execute(update(notifications)
                    .where(notifications.c.account_id == account.account_id,
                           notifications.c.read_at.is_(None))
                    .values(read_at=datetime.now(UTC)))
