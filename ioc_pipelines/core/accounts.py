"""Accounts: every person who uses the IOC under their own name — a role, a unit, for providers
the provider codes they deliver for — granted, locked, unlocked and revoked by an admin, never
deleted (their history stays attributable). Passwords are argon2id hashes; repeated failed
logins lock an account for a while. Every change and every login is in the audit log.

Messages are Vietnamese: they are shown to the people the accounts belong to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from ioc_pipelines.core import audit
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.core.errors import CoreError
from ioc_pipelines.core.providers import unknown_provider
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import account_providers, accounts, sessions
from ioc_pipelines.settings import Settings

ROLES = ("admin", "provider", "reviewer", "analyst", "leader", "agency")
ROLE_NAMES_VI = {"admin": "quản trị", "provider": "đơn vị cung cấp dữ liệu",
                 "reviewer": "tổ liên ngành (duyệt)", "analyst": "phân tích",
                 "leader": "lãnh đạo", "agency": "cơ quan được chia sẻ"}
STATUSES = ("active", "locked", "revoked")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD = 12
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
_hasher = PasswordHasher()  # argon2id with the library's current parameters


EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


class AccountError(CoreError):
    """A request about accounts that cannot be done; the message says why, in Vietnamese."""


class LoginRefused(AccountError):
    pass


@dataclass(frozen=True)
class Account:
    account_id: int
    username: str
    full_name: str
    unit: str
    role: str
    status: str
    providers: tuple[str, ...] = ()
    locked_until: datetime | None = None

    def actor(self, via: str = "web", address: str = "local") -> Actor:
        """This account acting through a door."""
        return Actor(self.username, via, self.role, address)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is not acceptable, or None: at least 12 characters, letters and digits,
    not containing the username."""
    if len(password) < MIN_PASSWORD:
        return f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự"
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "mật khẩu phải có cả chữ và số"
    if username and username.lower() in password.lower():
        return "mật khẩu không được chứa tên đăng nhập"
    return None


def create(settings: Settings, actor: Actor, *, username: str, full_name: str, unit: str,
           role: str, password: str, providers: tuple[str, ...] | list[str] = ()) -> Account:
    """Grant an account (the caller checks that ``actor`` may)."""
    username = username.strip().lower()
    if not username or len(username) > 64 or set(username) - USERNAME_CHARS:
        raise AccountError("tên đăng nhập chỉ gồm chữ thường không dấu, số, '.', '_', '-' "
                           "(tối đa 64 ký tự)")
    if not full_name.strip() or not unit.strip():
        raise AccountError("tài khoản phải ghi họ tên người dùng và đơn vị")
    providers = _checked_providers(settings, role, providers)
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    now = datetime.now(UTC)
    with engine(settings).begin() as con:
        if con.execute(select(accounts.c.account_id)
                       .where(accounts.c.username == username)).first():
            raise AccountError(f"tên đăng nhập {username} đã có")
        account_id = con.execute(insert(accounts).values(
            username=username, full_name=full_name.strip()[:200], unit=unit.strip()[:200],
            role=role, status="active", password_hash=_hasher.hash(password), failed_logins=0,
            created_at=now, created_by=actor.name, changed_at=now, password_changed_at=now,
        )).inserted_primary_key[0]
        _bind(con, account_id, providers)
        audit.record(settings, actor, "account.create", username, connection=con,
                     detail={"role": role, "unit": unit.strip(), "providers": list(providers)})
    return get(settings, username)


def _checked_providers(settings: Settings, role: str, providers) -> tuple[str, ...]:
    if role not in ROLES:
        raise AccountError(f"vai trò {role!r} không có; các vai trò: {', '.join(ROLES)}")
    codes = tuple(sorted({p.strip().upper() for p in providers if p.strip()}))
    if role == "provider" and not codes:
        raise AccountError("tài khoản đơn vị cung cấp phải gắn với ít nhất một mã đơn vị "
                           "(ví dụ SYT, XA_03388)")
    if role != "provider" and codes:
        raise AccountError("chỉ tài khoản đơn vị cung cấp (provider) mới gắn mã đơn vị")
    for code in codes:
        problem = unknown_provider(settings, code)
        if problem:
            raise AccountError(problem)
    return codes


def _bind(con, account_id: int, providers: tuple[str, ...]) -> None:
    con.execute(delete(account_providers).where(account_providers.c.account_id == account_id))
    for code in providers:
        con.execute(insert(account_providers).values(account_id=account_id, provider_code=code))


def get(settings: Settings, username: str) -> Account:
    with engine(settings).connect() as con:
        row = con.execute(select(accounts).where(
            accounts.c.username == username.strip().lower())).mappings().first()
        if row is None:
            raise AccountError(f"không có tài khoản {username}")
        return _account(con, row)


def get_by_id(settings: Settings, account_id: int) -> Account | None:
    with engine(settings).connect() as con:
        row = con.execute(select(accounts).where(
            accounts.c.account_id == account_id)).mappings().first()
        return _account(con, row) if row is not None else None


def listing(settings: Settings) -> list[Account]:
    with engine(settings).connect() as con:
        rows = con.execute(select(accounts).order_by(accounts.c.username)).mappings().all()
        return [_account(con, row) for row in rows]


def count_admins(settings: Settings) -> int:
    with engine(settings).connect() as con:
        return con.execute(select(func.count()).select_from(accounts).where(
            accounts.c.role == "admin", accounts.c.status == "active")).scalar_one()


def _account(con, row) -> Account:
    codes = con.execute(select(account_providers.c.provider_code).where(
        account_providers.c.account_id == row["account_id"])
        .order_by(account_providers.c.provider_code)).scalars().all()
    locked_until = row["locked_until"]
    if locked_until is not None and locked_until.tzinfo is None:  # SQLite drops the zone
        locked_until = locked_until.replace(tzinfo=UTC)
    return Account(row["account_id"], row["username"], row["full_name"], row["unit"],
                   row["role"], row["status"], tuple(codes), locked_until)


def authenticate(settings: Settings, username: str, password: str, *, via: str = "web",
                 address: str = "local") -> Account:
    """The account whose password this is, active and not locked out; else ``LoginRefused``
    (the same message whatever was wrong, so a guesser learns nothing). Failures are counted:
    the ``MAX_FAILED_LOGINS``-th locks the account for ``LOCKOUT``. The count and the audit
    entry are committed before the refusal is raised."""
    name = username.strip().lower()[:64]
    with engine(settings).begin() as con:
        account, why, detail = _check_login(con, name, password)
        role = account.role if account else "anonymous"
        audit.record(settings, Actor(name or "?", via, role, address),
                     "login.success" if why is None else "login.failure", name,
                     outcome="ok" if why is None else "refused", connection=con,
                     detail={"why": why, **detail} if why else {})
    if why is not None:
        raise LoginRefused("tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị khóa")
    return account


def _check_login(con, name: str, password: str) -> tuple[Account | None, str | None, dict]:
    """(account, why it is refused or None, detail for the audit), counting a failure."""
    row = con.execute(select(accounts).where(accounts.c.username == name)).mappings().first()
    if row is None:
        _hasher.hash(password)  # the same time as a real check: names are not revealed
        return None, "no such account", {}
    account, now = _account(con, row), datetime.now(UTC)
    if account.locked_until is not None and account.locked_until > now:
        return account, "locked out after failed logins", {}
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        failures = row["failed_logins"] + 1
        lock = failures >= MAX_FAILED_LOGINS
        con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                    .values(failed_logins=0 if lock else failures,
                            locked_until=now + LOCKOUT if lock else None))
        return account, "wrong password", {"failures": failures, "locked_out": lock}
    if account.status != "active":
        return account, f"account {account.status}", {}
    con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                .values(failed_logins=0, locked_until=None))
    return account, None, {}


def set_status(settings: Settings, actor: Actor, username: str, status: str,
               reason: str = "") -> Account:
    """Lock, unlock (``active``) or revoke an account; locking or revoking ends its sessions
    at once. A revoked account stays revoked."""
    if status not in STATUSES:
        raise AccountError(f"trạng thái {status!r} không có")
    account = get(settings, username)
    if account.status == "revoked":
        raise AccountError(f"tài khoản {account.username} đã bị thu hồi; không đổi được nữa")
    if account.role == "admin" and status != "active" and count_admins(settings) <= 1:
        raise AccountError("không khóa được quản trị viên cuối cùng")
    now = datetime.now(UTC)
    with engine(settings).begin() as con:
        con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                    .values(status=status, changed_at=now, failed_logins=0, locked_until=None))
        if status != "active":
            con.execute(update(sessions).where(sessions.c.account_id == account.account_id,
                                               sessions.c.ended_at.is_(None))
                        .values(ended_at=now))
        action = {"active": "account.unlock", "locked": "account.lock",
                  "revoked": "account.revoke"}[status]
        audit.record(settings, actor, action, account.username, connection=con,
                     detail={"reason": reason.strip()})
    return get(settings, username)


def set_role(settings: Settings, actor: Actor, username: str, role: str,
             providers: tuple[str, ...] | list[str] = ()) -> Account:
    """Change an account's role and provider codes."""
    account = get(settings, username)
    codes = _checked_providers(settings, role, providers)
    if account.role == "admin" and role != "admin" and count_admins(settings) <= 1:
        raise AccountError("không đổi vai trò của quản trị viên cuối cùng")
    with engine(settings).begin() as con:
        con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                    .values(role=role, changed_at=datetime.now(UTC)))
        _bind(con, account.account_id, codes)
        audit.record(settings, actor, "account.role", account.username, connection=con,
                     detail={"from": [account.role, list(account.providers)],
                             "to": [role, list(codes)]})
    return get(settings, username)


def set_email(settings: Settings, actor: Actor, username: str, address: str) -> None:
    """Where an account's alerts are e-mailed ('' clears it: the inbox only)."""
    account = get(settings, username)
    address = address.strip()
    if address and not EMAIL.fullmatch(address):
        raise AccountError(f"địa chỉ thư điện tử không hợp lệ: {address[:100]!r}")
    with engine(settings).begin() as con:
        con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                    .values(email=address or None, changed_at=datetime.now(UTC)))
        audit.record(settings, actor, "account.email", account.username, connection=con,
                     detail={"set": bool(address)})


def set_password(settings: Settings, actor: Actor, username: str, password: str) -> None:
    account = get(settings, username)
    problem = password_problem(password, account.username)
    if problem:
        raise AccountError(problem)
    with engine(settings).begin() as con:
        now = datetime.now(UTC)
        con.execute(update(accounts).where(accounts.c.account_id == account.account_id)
                    .values(password_hash=_hasher.hash(password), password_changed_at=now,
                            changed_at=now))
        audit.record(settings, actor, "account.password", account.username, connection=con)
