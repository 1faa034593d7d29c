"""Accounts, their provider codes, sessions, API tokens and the hash-chained audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", TZ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.Column("password_changed_at", TZ, nullable=False),
    )
    op.create_table(
        "account_providers",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"),
                  primary_key=True),
        sa.Column("provider_code", sa.String(32), primary_key=True),
    )
    op.create_table(
        "sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"),
                  nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("ended_at", TZ),
        sa.Column("address", sa.String(64)),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"),
                  nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("provider_codes", sa.Text, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ),
        sa.Column("last_used_at", TZ),
    )
    op.create_table(
        "audit_log",
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object", sa.String(500), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("audit_log_at", "audit_log", ["at"])
    op.create_table(
        "audit_head",
        sa.Column("head_id", sa.Integer, primary_key=True),
        sa.Column("last_entry_id", sa.Integer, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    op.execute("INSERT INTO audit_head (head_id, last_entry_id, last_hash) "
               "VALUES (1, 0, '" + "0" * 64 + "')")


def downgrade() -> None:
    for table in ("audit_head", "audit_log", "api_tokens", "sessions", "account_providers",
                  "accounts"):
        op.drop_table(table)
