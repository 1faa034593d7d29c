"""Sharing: agencies' requests for datasets (and the admin's decision: a grant with an end
date, or a refusal with its reason), and each account's inbox of notices.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "share_requests",
        sa.Column("request_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"),
                  nullable=False),
        sa.Column("dataset", sa.String(128), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("period", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("decided_at", TZ),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("reason", sa.Text),
        sa.Column("ends_on", sa.Date),
        sa.Column("revoked_at", TZ),
        sa.Column("revoked_by", sa.String(200)),
    )
    op.create_index("share_requests_account", "share_requests", ["account_id", "status"])
    op.create_table(
        "notifications",
        sa.Column("notification_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.account_id"),
                  nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("read_at", TZ),
    )
    op.create_index("notifications_account", "notifications", ["account_id", "read_at"])


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("share_requests")
