"""Outbound queue (messages, recipients) and the trust list's table (trusted_peers).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:04:57.333907
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_peers",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("port", sa.Integer(), nullable=False),
        sa.Column("pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_trusted_peers")),
    )
    op.create_table(
        "queue_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("object_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("key_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("envid", sa.String(length=100), nullable=True),
        sa.Column("ret", sa.String(length=4), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_queue_messages_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_messages")),
        sa.UniqueConstraint("object_id", name=op.f("uq_queue_messages_object_id")),
    )
    op.create_table(
        "queue_recipients",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("orcpt", sa.String(length=500), nullable=True),
        sa.Column("notify", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_attempt_ms", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("last_reply", sa.String(length=1000), nullable=True),
        sa.Column("remote_mta", sa.String(length=253), nullable=True),
        sa.Column("report_due", sa.String(length=16), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_ms", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["queue_messages.id"],
            name=op.f("fk_queue_recipients_message_id_queue_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_recipients")),
    )
    with op.batch_alter_table("queue_recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_queue_recipients_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_queue_recipients_report_due"), ["report_due"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_queue_recipients_state_next_attempt_ms"),
            ["state", "next_attempt_ms"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("queue_recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_recipients_state_next_attempt_ms"))
        batch_op.drop_index(batch_op.f("ix_queue_recipients_report_due"))
        batch_op.drop_index(batch_op.f("ix_queue_recipients_message_id"))

    op.drop_table("queue_recipients")
    op.drop_table("queue_messages")
    op.drop_table("trusted_peers")
