"""Accounts, sessions and API tokens on SQLite and on a real PostgreSQL: the password policy,
argon2id hashes, lockout after repeated failed logins, a locked or revoked account refused at
its next request, tokens that expire, are revoked, and never outgrow their account's scope —
every change in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from ioc_pipelines.core import accounts, audit, sessions, tokens
from ioc_pipelines.core.accounts import AccountError, LoginRefused
from ioc_pipelines.core.actors import Actor
from ioc_pipelines.resources.appdb import engine
from ioc_pipelines.resources.appdb.tables import accounts as accounts_table
from ioc_pipelines.resources.appdb.tables import api_tokens

ADMIN = Actor("root")
GOOD = "Mật-khẩu-đủ-dài-2026"


def _provider(settings, username="syt.nhap", codes=("SYT",)):
    return accounts.create(settings, ADMIN, username=username, full_name="Lê Thị Y",
                           unit="Sở Y tế", role="provider", password=GOOD, providers=codes)


@pytest.mark.parametrize("changes, message", [
    ({"password": "ngan-1"}, "ít nhất 12"),
    ({"password": "khongcochuso-abc"}, "cả chữ và số"),
    ({"password": "syt.nhap-2026-abc"}, "không được chứa tên"),
    ({"username": "Lê Thị"}, "tên đăng nhập chỉ gồm"),
    ({"role": "boss"}, "vai trò"),
    ({"providers": ()}, "ít nhất một mã đơn vị"),
    ({"providers": ("SYY",)}, "SYT"),  # unknown code, the nearest suggested
    ({"role": "analyst"}, "chỉ tài khoản đơn vị cung cấp"),
    ({"full_name": " "}, "họ tên"),
])
def test_a_bad_grant_is_refused_with_the_reason(app_settings, changes, message):
    request = {"username": "syt.nhap", "full_name": "Lê Thị Y", "unit": "Sở Y tế",
               "role": "provider", "password": GOOD, "providers": ("SYT",)} | changes
    with pytest.raises(AccountError, match=message):
        accounts.create(app_settings, ADMIN, **request)
    assert accounts.listing(app_settings) == []


def test_passwords_are_argon2id_and_logins_lock_out(app_settings):
    made = _provider(app_settings)
    assert (made.role, made.providers, made.status) == ("provider", ("SYT",), "active")
    with engine(app_settings).connect() as con:
        stored = con.execute(select(accounts_table.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and GOOD not in stored
    with pytest.raises(AccountError, match="đã có"):
        _provider(app_settings)

    assert accounts.authenticate(app_settings, "SYT.NHAP", GOOD).username == "syt.nhap"
    for _ in range(accounts.MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            accounts.authenticate(app_settings, "syt.nhap", "wrong-password-1", address="1.2.3.4")
    # locked out: the right password is refused too, with the same message
    with pytest.raises(LoginRefused, match="không đúng, hoặc tài khoản đang bị khóa"):
        accounts.authenticate(app_settings, "syt.nhap", GOOD)
    failures = list(audit.entries(app_settings, action="login.failure"))
    assert len(failures) == accounts.MAX_FAILED_LOGINS + 1
    assert '"locked_out": true' in failures[-2]["detail"] and failures[0]["address"] == "1.2.3.4"
    # after the lockout period it works again
    with engine(app_settings).begin() as con:
        con.execute(update(accounts_table).values(
            locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert accounts.authenticate(app_settings, "syt.nhap", GOOD).username == "syt.nhap"
    # an unknown name is refused the same way, and audited
    with pytest.raises(LoginRefused):
        accounts.authenticate(app_settings, "nobody", GOOD)
    assert audit.verify(app_settings).ok


def test_a_locked_account_loses_its_session_at_once(app_settings):
    accounts.create(app_settings, ADMIN, username="quantri", full_name="Nguyễn Văn Quản",
                    unit="IOC", role="admin", password=GOOD)
    account = _provider(app_settings)
    secret = sessions.start(app_settings, account, "10.0.0.9")
    live = sessions.resolve(app_settings, secret)
    assert live is not None and live.account.username == "syt.nhap" and live.csrf_token
    assert sessions.resolve(app_settings, secret + "x") is None

    admin = accounts.get(app_settings, "quantri").actor()
    accounts.set_status(app_settings, admin, "syt.nhap", "locked", "rời đơn vị")
    assert sessions.resolve(app_settings, secret) is None  # mid-session
    with pytest.raises(LoginRefused):
        accounts.authenticate(app_settings, "syt.nhap", GOOD)
    accounts.set_status(app_settings, admin, "syt.nhap", "active")
    assert sessions.resolve(app_settings, secret) is None  # an ended session stays ended
    again = sessions.start(app_settings, accounts.authenticate(app_settings, "syt.nhap", GOOD))
    sessions.end(app_settings, again)
    assert sessions.resolve(app_settings, again) is None

    accounts.set_status(app_settings, admin, "syt.nhap", "revoked")
    with pytest.raises(AccountError, match="thu hồi"):
        accounts.set_status(app_settings, admin, "syt.nhap", "active")
    with pytest.raises(AccountError, match="cuối cùng"):
        accounts.set_status(app_settings, admin, "quantri", "locked")
    actions = [e["action"] for e in audit.entries(app_settings)]
    assert ["account.lock", "account.unlock", "logout", "account.revoke"] == [
        a for a in actions if a in {"account.lock", "account.unlock", "logout",
                                    "account.revoke"}]


def test_tokens_expire_are_revoked_and_keep_to_their_scope(app_settings):
    _provider(app_settings, codes=("SYT", "XA_03388"))
    text, token = tokens.create(app_settings, ADMIN, "syt.nhap", "HIS của Sở", days=30,
                                providers=["syt"])
    assert token.providers == ("SYT",) and token.role == "provider"
    with engine(app_settings).connect() as con:
        stored = con.execute(select(api_tokens.c.token_hash)).scalar_one()
    assert text.split("_", 2)[2] not in stored  # only a hash is kept
    principal = tokens.resolve(app_settings, text)
    assert principal is not None and principal.token.providers == ("SYT",)
    assert principal.actor("10.1.1.1").via == "api"
    assert tokens.resolve(app_settings, text[:-1] + ("A" if text[-1] != "A" else "B")) is None
    assert tokens.resolve(app_settings, "not-a-token") is None
    with pytest.raises(AccountError, match="phạm vi"):
        tokens.create(app_settings, ADMIN, "syt.nhap", "x", providers=["SCT"])

    expiring, _ = tokens.create(app_settings, ADMIN, "syt.nhap", "short", days=1)
    with engine(app_settings).begin() as con:
        con.execute(update(api_tokens).where(api_tokens.c.name == "short")
                    .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert tokens.resolve(app_settings, expiring) is None

    tokens.revoke(app_settings, ADMIN, token.prefix)
    assert tokens.resolve(app_settings, text) is None
    other, _ = tokens.create(app_settings, ADMIN, "syt.nhap", "other")
    accounts.set_status(app_settings, ADMIN, "syt.nhap", "locked")
    assert tokens.resolve(app_settings, other) is None  # the account's lock reaches its tokens
    assert [e["action"] for e in audit.entries(app_settings, action="token")] == [
        "token.create", "token.create", "token.revoke", "token.create"]
