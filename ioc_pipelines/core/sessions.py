"""Portal sessions: after a login, a random secret the browser keeps in a signed cookie; the
database holds only its sha256, with the CSRF token of the session, when it expires and when
it ended. Every request resolves the secret again, so an account locked or revoked by an admin
is refused at its very next request, mid-session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from ioc_pipelines.core import audit
from ioc_pipelines.core.accounts import Account, get_by_id
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import sessions
from ioc_pipelines.settings import Settings

SESSION_LIFETIME = timedelta(hours=8)  # a working day; then log in again


@dataclass(frozen=True)
class Session:
    account: Account
    csrf_token: str
    expires_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(settings: Settings, account: Account, address: str = "local") -> str:
    """A new session of ``account`` (just authenticated); returns the secret for the cookie."""
    secret = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with engine(settings).begin() as con:
        con.execute(insert(sessions).values(
            session_hash=_digest(secret), account_id=account.account_id,
            csrf_token=secrets.token_urlsafe(32), created_at=now,
            expires_at=now + SESSION_LIFETIME, address=address[:64]))
    return secret


def resolve(settings: Settings, secret: str) -> Session | None:
    """The live session of ``secret``: not ended, not expired, its account active."""
    if not secret:
        return None
    with engine(settings).connect() as con:
        row = con.execute(select(sessions).where(
            sessions.c.session_hash == _digest(secret))).mappings().first()
    if row is None or row["ended_at"] is not None:
        return None
    expires = row["expires_at"]
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        return None
    account = get_by_id(settings, row["account_id"])
    if account is None or account.status != "active":
        return None
    return Session(account, row["csrf_token"], expires)


def end(settings: Settings, secret: str, *, address: str = "local") -> None:
    """Log out: the session ends (its cookie is worthless from now on)."""
    found = resolve(settings, secret)
    with engine(settings).begin() as con:
        con.execute(update(sessions).where(sessions.c.session_hash == _digest(secret),
                                           sessions.c.ended_at.is_(None))
                    .values(ended_at=datetime.now(UTC)))
        if found is not None:
            audit.record(settings, found.account.actor("web", address), "logout",
                         found.account.username, connection=con)
