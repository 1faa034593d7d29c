"""The operational database's tables: who may do what (accounts, their provider codes, sessions,
API tokens) and who did what (the hash-chained audit log). Transactional, row by row — not a
lake. The schema is made by the Alembic migrations beside this module; these definitions are
what the core queries with."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

accounts = Table(
    "accounts", metadata,
    Column("account_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),  # lower-case
    Column("full_name", String(200), nullable=False),
    Column("unit", String(200), nullable=False),  # the department, commune or team
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # active | locked | revoked
    Column("password_hash", String(200), nullable=False),  # argon2id
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),  # after repeated failed logins
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    Column("email", String(254)),  # where alerts for this account are e-mailed (optional)
)

account_providers = Table(
    "account_providers", metadata,
    Column("account_id", Integer, ForeignKey("accounts.account_id"), primary_key=True),
    Column("provider_code", String(32), primary_key=True),
)

sessions = Table(
    "sessions", metadata,
    Column("session_hash", String(64), primary_key=True),  # sha256 of the cookie's secret
    Column("account_id", Integer, ForeignKey("accounts.account_id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),  # logout, lock, revoke
    Column("address", String(64)),
)

api_tokens = Table(
    "api_tokens", metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.account_id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False, unique=True),  # shown in lists
    Column("token_hash", String(64), nullable=False),  # sha256 of the secret part
    Column("role", String(16), nullable=False),
    Column("provider_codes", Text, nullable=False),  # JSON list, within the account's own
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log", metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 … no gaps
    Column("at", String(40), nullable=False),  # UTC, ISO 8601: hashed exactly as stored
    Column("actor", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("via", String(16), nullable=False),  # cli | web | api | dagster
    Column("action", String(64), nullable=False),
    Column("object", String(500), nullable=False),
    Column("address", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # ok | refused | failed
    Column("detail", Text, nullable=False),  # JSON
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    UniqueConstraint("entry_hash"),
)

# one row: the chain's head, updated first in every append so appends are serialised on
# every database (the row lock in PostgreSQL, the write lock in SQLite)
audit_head = Table(
    "audit_head", metadata,
    Column("head_id", Integer, primary_key=True),
    Column("last_entry_id", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)

# an agency's request for a dataset and the admin's decision: approved (a grant until
# ``ends_on``), refused (``reason``), later revoked; requests are never deleted
share_requests = Table(
    "share_requests", metadata,
    Column("request_id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.account_id"), nullable=False),
    Column("dataset", String(128), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("period", String(64), nullable=False),  # the data period asked for, as written
    Column("status", String(16), nullable=False),  # requested | approved | refused | revoked
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(200)),
    Column("reason", Text),  # a refusal's or a revocation's reason
    Column("ends_on", Date),  # the last day of an approved grant
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(200)),
)

# each account's inbox in the portal (a decision on its request, later the alerts)
notifications = Table(
    "notifications", metadata,
    Column("notification_id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.account_id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("read_at", DateTime(timezone=True)),
    Column("alert_id", Integer),  # the alert this notice carries (its acknowledge button)
)

# the alert outbox: one row per alert (unique by its dedup key: a rule that fires again for
# the same thing adds nothing), acknowledged once by someone on duty
alerts = Table(
    "alerts", metadata,
    Column("alert_id", Integer, primary_key=True, autoincrement=True),
    Column("dedup_key", String(300), nullable=False, unique=True),
    Column("rule", String(64), nullable=False),
    Column("severity", String(16), nullable=False),  # info | warning | critical
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("object", String(300), nullable=False),  # what it is about: sensor/…, source/…
    Column("commune_code", String(16)),
    Column("provider_code", String(64)),
    Column("link", String(500)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(200)),
)

# one delivery of an alert: channel (email | webhook | inbox) × recipient, retried until sent
alert_sends = Table(
    "alert_sends", metadata,
    Column("send_id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.alert_id"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(500), nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    UniqueConstraint("alert_id", "channel", "recipient", name="alert_sends_once"),
)
