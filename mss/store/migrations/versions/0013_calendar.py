"""The agenda: sealed calendar entries and reminders prepared for later delivery.

Revision ID: 0013
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owner(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"],
        ["accounts.id"],
        name=op.f(f"fk_{table}_account_id_accounts"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "calendar_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("event_tag", sa.LargeBinary(length=32), nullable=False),
        sa.Column("object_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        _owner("calendar_entries"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")),
        sa.UniqueConstraint("object_id", name=op.f("uq_calendar_entries_object_id")),
    )
    op.create_index(
        op.f("ix_calendar_entries_account_id_event_tag"),
        "calendar_entries",
        ["account_id", "event_tag"],
    )
    op.create_table(
        "calendar_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("event_tag", sa.LargeBinary(length=32), nullable=False),
        sa.Column("due_at", sa.BigInteger(), nullable=False),
        sa.Column("claimed_until", sa.BigInteger(), nullable=False),
        sa.Column("schedule", sa.LargeBinary(), nullable=False),
        sa.Column("object_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _owner("calendar_reminders"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_reminders")),
        sa.UniqueConstraint("object_id", name=op.f("uq_calendar_reminders_object_id")),
    )
    op.create_index(op.f("ix_calendar_reminders_due_at"), "calendar_reminders", ["due_at"])
    op.create_index(
        op.f("ix_calendar_reminders_account_id_event_tag"),
        "calendar_reminders",
        ["account_id", "event_tag"],
    )


def downgrade() -> None:
    op.drop_table("calendar_reminders")
    op.drop_table("calendar_entries")
