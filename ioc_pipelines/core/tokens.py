"""API tokens for machine clients (a provider's own system posting its files): shown once when
made, stored as the sha256 of their secret part, scoped to the account's role and some or all
of its provider codes, expiring, revocable. ``ioc_<prefix>_<secret>``: the prefix finds the
row and is what lists show; the secret is never stored."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from ioc_pipelines.core import audit
from ioc_pipelines.core.accounts import Account, AccountError, get, get_by_id
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import accounts, api_tokens
from ioc_pipelines.settings import Settings

MAX_DAYS = 366


@dataclass(frozen=True)
class Token:
    prefix: str
    username: str
    name: str
    role: str
    providers: tuple[str, ...]
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class Principal:
    """Who a request with a token acts as: the account, narrowed to the token's scope."""
    account: Account
    token: Token

    def actor(self, address: str = "local") -> Actor:
        return Actor(self.account.username, "api", self.token.role, address)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _token(row, username: str) -> Token:
    return Token(row["prefix"], username, row["name"], row["role"],
                 tuple(json.loads(row["provider_codes"])), _utc(row["expires_at"]),
                 _utc(row["revoked_at"]), _utc(row["last_used_at"]))


def create(settings: Settings, actor: Actor, username: str, name: str, *, days: int = 90,
           providers: tuple[str, ...] | list[str] | None = None) -> tuple[str, Token]:
    """A token for ``username`` (its role; ``providers`` a subset of its codes, default all);
    returns the token text — shown once — and its record."""
    account = get(settings, username)
    if account.status != "active":
        raise AccountError(f"tài khoản {account.username} không hoạt động")
    if not 1 <= days <= MAX_DAYS:
        raise AccountError(f"thời hạn token từ 1 đến {MAX_DAYS} ngày")
    codes = tuple(sorted(p.strip().upper() for p in providers)) if providers else account.providers
    if set(codes) - set(account.providers):
        raise AccountError("token chỉ được phạm vi trong các mã đơn vị của tài khoản: "
                           + ", ".join(account.providers))
    prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with engine(settings).begin() as con:
        con.execute(insert(api_tokens).values(
            account_id=account.account_id, name=name.strip()[:200] or "token", prefix=prefix,
            token_hash=hashlib.sha256(secret.encode()).hexdigest(), role=account.role,
            provider_codes=json.dumps(list(codes)), created_at=now, created_by=actor.name,
            expires_at=now + timedelta(days=days)))
        audit.record(settings, actor, "token.create", f"{account.username}/{prefix}",
                     connection=con, detail={"name": name, "days": days,
                                             "providers": list(codes)})
    return f"ioc_{prefix}_{secret}", _find(settings, prefix)


def _find(settings: Settings, prefix: str) -> Token:
    with engine(settings).connect() as con:
        row = con.execute(select(api_tokens, accounts.c.username)
                          .join(accounts, accounts.c.account_id == api_tokens.c.account_id)
                          .where(api_tokens.c.prefix == prefix)).mappings().first()
    if row is None:
        raise AccountError(f"không có token {prefix}")
    return _token(row, row["username"])


def resolve(settings: Settings, text: str) -> Principal | None:
    """The principal of a presented token: known, secret matching, not expired, not revoked,
    its account active. Records when it was last used."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "ioc":
        return None
    prefix, secret = parts[1], parts[2]
    with engine(settings).begin() as con:
        row = con.execute(select(api_tokens).where(api_tokens.c.prefix == prefix)
                          ).mappings().first()
        if row is None or not hmac.compare_digest(
                row["token_hash"], hashlib.sha256(secret.encode()).hexdigest()):
            return None
        now = datetime.now(UTC)
        if row["revoked_at"] is not None or _utc(row["expires_at"]) <= now:
            return None
        con.execute(update(api_tokens).where(api_tokens.c.prefix == prefix)
                    .values(last_used_at=now))
    account = get_by_id(settings, row["account_id"])
    if account is None or account.status != "active":
        return None
    return Principal(account, _token(row, account.username))


def revoke(settings: Settings, actor: Actor, prefix: str) -> Token:
    token = _find(settings, prefix)
    with engine(settings).begin() as con:
        con.execute(update(api_tokens).where(api_tokens.c.prefix == prefix,
                                             api_tokens.c.revoked_at.is_(None))
                    .values(revoked_at=datetime.now(UTC)))
        audit.record(settings, actor, "token.revoke", f"{token.username}/{prefix}",
                     connection=con)
    return _find(settings, prefix)


def listing(settings: Settings, username: str | None = None) -> list[Token]:
    query = (select(api_tokens, accounts.c.username)
             .join(accounts, accounts.c.account_id == api_tokens.c.account_id)
             .order_by(api_tokens.c.created_at))
    if username:
        query = query.where(accounts.c.username == username.strip().lower())
    with engine(settings).connect() as con:
        return [_token(row, row["username"]) for row in con.execute(query).mappings()]
