"""Alerts: the outbox (one row per alert, unique by its dedup key), one send per channel and
recipient (pending → sent, retried until sent: at least once; the dedup key travels with the
message so a receiver drops a repeat), an e-mail address on accounts, and the alert an inbox
notice belongs to (its acknowledge button).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedup_key", sa.String(300), nullable=False, unique=True),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("object", sa.String(300), nullable=False),
        sa.Column("commune_code", sa.String(16)),
        sa.Column("provider_code", sa.String(64)),
        sa.Column("link", sa.String(500)),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("acknowledged_at", TZ),
        sa.Column("acknowledged_by", sa.String(200)),
    )
    op.create_index("alerts_rule_created", "alerts", ["rule", "created_at"])
    op.create_table(
        "alert_sends",
        sa.Column("send_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.alert_id"), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
        sa.UniqueConstraint("alert_id", "channel", "recipient", name="alert_sends_once"),
    )
    op.create_index("alert_sends_pending", "alert_sends", ["status", "next_attempt_at"])
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("email", sa.String(254)))
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("alert_id", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("alert_id")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("email")
    op.drop_table("alert_sends")
    op.drop_table("alerts")
